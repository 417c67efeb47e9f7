"""A table's own identities judged once per table read, on the document as printed.

A rule of the "table" family reads its one table and nothing else (`rules.tables._rule`), and a
`Table` is immutable: the instances it has there, their outcomes as printed, their keys and
what they add to the coverage ledger are the table's alone. The reader hands back the very
same `Table` for lines it read before (`read.tables`), so a text read again, or one figure of
it moved, judges again only the identities of the tables it changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from xltools.core.memo import Memo
from xltools.core.model import Document, Table
from xltools.core.references import TableCell
from xltools.evaluation.coverage import Counts, tallied
from xltools.evaluation.finding_keys import KeyNames, instance_base
from xltools.rules.core import Instance, Outcome, Rule, Values, judge, marked


def own_table(rule: Rule) -> int | None:
    """The one table a rule reads, where it reads one alone."""
    if rule.family == "table" and len(rule.tables) == 1 and not rule.also_reads:
        return rule.tables[0]
    return None


@dataclass(frozen=True, slots=True)
class Block:
    """One rule's instances on a document with their outcomes as printed; each one's key
    before duplicates are numbered (`finding_keys.instance_base`); what they add to the
    ledger (`coverage.tallied`)."""

    judged: tuple[tuple[Instance, Outcome], ...]
    bases: tuple[str, ...]
    family: Counts
    tables: tuple[tuple[int, Counts], ...]


def _block(rule: Rule, doc: Document, values: Values, guesses: frozenset[TableCell]) -> Block:
    judged = tuple((inst, judge(inst.relation, values)) for inst in marked(rule, doc, guesses))
    names = KeyNames(doc)
    family, tables = tallied(judged)
    return Block(judged, tuple(instance_base(rule, inst, names) for inst, _ in judged), family, tables)


@dataclass(frozen=True, slots=True)
class _Kept:
    rule: Rule
    table: Table  # held: while kept, no other object can take its id
    block: Block


# By rule id and the table's identity: 39 table rules, a hundred tables or so.
_KEPT: Memo[tuple[str, int], _Kept] = Memo(4096)


def table_block(rule: Rule, n: int, doc: Document, values: Values, guesses: frozenset[TableCell]) -> Block:
    """`rule`'s block on `doc`, where `rule` reads table `n` alone; `values`: the document's
    figures as printed; `guesses`: its `guessed_cells`."""
    t = doc.table(n)
    if t is None:
        return _block(rule, doc, values, guesses)
    key = (rule.id, id(t))
    kept = _KEPT.find(key)
    if kept is not None and kept.rule is rule and kept.table is t:
        return kept.block
    block = _block(rule, doc, values, guesses)
    _KEPT.keep(key, _Kept(rule, t, block))
    return block
