"""A table's own identities judged once per table read, on the document as printed.

A rule of the "table" family reads its one table and nothing else (`rules.tables._rule`), and a
`Table` is immutable: the instances it has there and their outcomes as printed are the
table's alone. The reader hands back the very same `Table` for lines it read before
(`read.tables`), so a text read again, or one figure of it moved, judges again only the
identities of the tables it changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from xltools.core.memo import Memo
from xltools.core.model import Document, Table
from xltools.core.references import TableCell
from xltools.rules.core import Instance, Outcome, Rule, Values, judge, marked


def own_table(rule: Rule) -> int | None:
    """The one table a rule reads, where it reads one alone."""
    if rule.family == "table" and len(rule.tables) == 1 and not rule.also_reads:
        return rule.tables[0]
    return None


@dataclass(frozen=True, slots=True)
class _Kept:
    rule: Rule
    table: Table  # held: while kept, no other object can take its id
    judged: tuple[tuple[Instance, Outcome], ...]


# By rule id and the table's identity: 39 table rules, a hundred tables or so.
_KEPT: Memo[tuple[str, int], _Kept] = Memo(4096)


def table_judged(rule: Rule, n: int, doc: Document, values: Values,
                 guesses: frozenset[TableCell]) -> tuple[tuple[Instance, Outcome], ...]:
    """The instances of `rule` (which reads table `n` alone) on `doc`, each with its outcome
    on `values`, the document's figures as printed."""
    t = doc.table(n)
    if t is None:
        return tuple((inst, judge(inst.relation, values)) for inst in marked(rule, doc, guesses))
    key = (rule.id, id(t))
    kept = _KEPT.find(key)
    if kept is not None and kept.rule is rule and kept.table is t:
        return kept.judged
    judged = tuple((inst, judge(inst.relation, values)) for inst in marked(rule, doc, guesses))
    _KEPT.keep(key, _Kept(rule, t, judged))
    return judged
