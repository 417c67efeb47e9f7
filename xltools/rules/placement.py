"""Placing what a table's own arithmetic left open by the tables that restate its figures.

A space-separated 表8 whose every row has 合计 = 项目支出 reads the same with the amount under
基本支出 or under 项目支出; 表12's 政府性基金 column and 表3 say which. Each whole-table
placement the reader found possible is judged by the mandatory rules within the tables and
across them; the one that breaks fewest is kept, and between equals the one that breaks
fewer advisory rules across tables (an empty 表2 财政专户 column says 表12's 27.80 is not
财政专户 money, where no mandatory sum reads that column). Where another placement breaks no more,
the cells on which they differ are marked as guessed, so a finding resting on them is at
most a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from xltools.core.memo import Memo, as_declared
from xltools.core.model import Document, ReadNote, Row, Table
from xltools.core.references import TableCell
from xltools.rules.core import Relation, Rule, Verdict, judge, refs_of
from xltools.rules.reads import Read, Reads
from xltools.rules.resolve import DocumentValues

_FAMILIES = ("table", "cross")


Judged = list[Relation]
Index = dict[tuple[int, str], list[int]]  # (table, row key) → the relations reading that row
# Failures of the mandatory relations, then of the advisory cross-table ones (which only
# break a tie: 表12's 单位资金 is at most 表2's, where no mandatory sum reads the column).
Score = tuple[int, int]


@dataclass(frozen=True)
class _Relations:
    """A rule's relations (but its verdicts) on a document, and which of them read each row;
    the parts of the document its instances read (`rules.reads`)."""

    rule: Rule
    read: Read
    relations: tuple[Relation, ...]
    rows: Mapping[tuple[int, str], tuple[int, ...]]


# By rule id: the last few inputs of each rule. A table read again is the same object
# (`read.tables`), so the variants of a text (one figure moved) re-derive only the rules
# that read what moved.
_KEPT: Memo[str, tuple[_Relations, ...]] = Memo(128)
_PER_RULE = 6


def _relations_of(rule: Rule, doc: Document) -> _Relations:
    kept = _KEPT.find(rule.id) or ()
    for k in kept:
        if k.rule is rule and k.read.serves(doc):
            return k
    reads = Reads(doc)
    relations: list[Relation] = []
    rows: dict[tuple[int, str], list[int]] = {}
    keep = True
    for inst in rule.instances(reads.view()):  # the instances `evaluation.judged` judges, unmarked
        if isinstance(inst.relation, Verdict):
            continue
        refs = refs_of(inst.relation)
        keep = all([reads.cell(r) for r in refs]) and keep
        for cell in {(r.table, r.row) for r in refs if isinstance(r, TableCell)}:
            rows.setdefault(cell, []).append(len(relations))
        relations.append(inst.relation)
    made = _Relations(rule, reads.read(), tuple(relations), {k: tuple(v) for k, v in rows.items()})
    if keep:
        _KEPT.keep(rule.id, (made, *kept[:_PER_RULE - 1]))
    return made


def _relations(doc: Document, tables: set[int]) -> tuple[Judged, Index, set[int]]:
    """The mandatory relations within `tables` and across tables, and the advisory ones
    across tables, indexed by the rows they read; the indexes of the advisory ones. A
    variant keeps its table's rows and keys, so the same relations judge every variant, and
    only those that read a row the variant moves can judge it differently."""
    from xltools.rules import CATALOGUE

    relations: Judged = []
    index: Index = {}
    advisory: set[int] = set()
    # Only a rule that reads an open table can judge its variants apart (a rule's instances
    # relate only the tables it declares: `Rule.reads`).
    scoring = (r for r in CATALOGUE if r.reads & tables
               and (r.family == "cross" or (r.level == "M" and r.family == "table")))
    for rule in scoring:
        made = _relations_of(rule, doc)
        base = len(relations)
        for cell, at in made.rows.items():
            index.setdefault(cell, []).extend(base + i for i in at)
        if rule.level != "M":
            advisory.update(range(base, base + len(made.relations)))
        relations.extend(made.relations)
    return relations, index, advisory


def _fails(doc: Document, relations: Judged, which: set[int], advisory: set[int]) -> Score:
    values = DocumentValues(doc)
    failed = {i for i in which if judge(relations[i], values).status == "fail"}
    return len(failed - advisory), len(failed & advisory)


class _Base:
    """Which relations fail on the document as the reader placed it, judged once each."""

    def __init__(self, doc: Document, relations: Judged, advisory: set[int]) -> None:
        self.values = DocumentValues(doc)
        self.relations = relations
        self.advisory = advisory
        self.known: dict[int, bool] = {}

    def fails(self, which: set[int]) -> Score:
        m = a = 0
        for i in which:
            f = self.known.get(i)
            if f is None:
                f = self.known[i] = judge(self.relations[i], self.values).status == "fail"
            if i in self.advisory:
                a += f
            else:
                m += f
        return m, a


def _differ(a: Table, b: Table, keys: frozenset[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    mine, other = a.by_key(), b.by_key()
    for key in keys:
        r, o = mine.get(key), other.get(key)
        if r is None:
            continue
        if o is None:
            continue
        cols = {c for c in set(r.amounts) | set(o.amounts) if r.get(c) != o.get(c)}
        if cols:
            out[r.key] = cols
    return out


def _mark(t: Table, guessed: Mapping[str, set[str]]) -> Table:
    rows: list[Row] = []
    for r in t.rows:
        cols = guessed.get(r.key)
        rows.append(replace(r, guessed=tuple(sorted(set(r.guessed) | cols))) if cols else r)
    return replace(t, rows=tuple(rows))


def settle_across(doc: Document, variants: Mapping[int, list[tuple[Table, frozenset[str]]]]) -> Document:
    as_declared()
    notes: list[ReadNote] = []
    relations, index, advisory = _relations(doc, set(variants))
    base = _Base(doc, relations, advisory)
    for n, others in sorted(variants.items()):
        chosen = doc.tables[n]
        if chosen is None:
            continue
        # Errors counted relative to the reader's own choice: only the relations that read
        # a row a variant moves can change.
        best, best_errors, best_moved = chosen, (0, 0), frozenset[str]()
        scored: list[tuple[Score, Table, frozenset[str]]] = [((0, 0), chosen, frozenset())]
        for t, moved in others:
            which = {i for key in moved for i in index.get((n, key), ())}
            after, before = _fails(replace(doc, tables={**doc.tables, n: t}), relations, which, advisory), base.fails(which)
            e = (after[0] - before[0], after[1] - before[1])
            scored.append((e, t, moved))
            if e < best_errors:
                best, best_errors, best_moved = t, e, moved
        guessed: dict[str, set[str]] = {}
        for e, t, moved in scored:
            if e == best_errors and t is not best:
                for key, cols in _differ(best, t, moved | best_moved).items():
                    guessed.setdefault(key, set()).update(cols)
        if best is not chosen:
            what = "、".join(f"第{r.line}行" for r in best.rows if r.key in best_moved)
            notes.append(ReadNote("READ-PLACEMENT", f"表{n}{what}的金额按其他表中相同的数放置", best.line, n))
        if guessed:
            lines = sorted({r.line for r in best.rows if r.key in guessed})
            notes.append(ReadNote("READ-GUESS", f"表{n}第{'、'.join(map(str, lines))}行的金额可放在不同的列，"
                                  "各表的金额关系都不能确定哪一种；依据这些金额的核对结果只作提示", best.line, n))
            best = _mark(best, guessed)
        doc = replace(doc, tables={**doc.tables, n: best})
    return replace(doc, notes=doc.notes + tuple(notes)) if notes else doc
