"""Rules judged once per distinct input, on the document as printed.

A rule's instances, their outcomes as printed, their keys and what they add to the coverage
ledger depend only on the parts of the document the rule reads: the tables its instances
ask for and those their cells are in, the narrative, the 绩效 tables. The reader hands back
the very same `Table` (and narrative, and 绩效 table) for lines it read before (`read.tables`),
so a text read again, or one figure of it moved, judges again only the rules that read what
changed.

A rule of the "table" family reads its one table and nothing else (`rules.tables._rule`): it is
kept by that table. Any other rule is run on a view of the document that notes every part
its instances read (`rules.reads`); what it made is kept with those parts, and serves a later
document whose same parts are the same.
"""
from __future__ import annotations

from typing import NamedTuple
from xltools.core.memo import Memo
from xltools.core.model import Document, Table
from xltools.core.references import TableCell
from xltools.evaluation.coverage import Counts, tallied
from xltools.evaluation.finding_keys import KeyNames, instance_base
from xltools.rules.core import Instance, Outcome, Rule, Values, judge, marked, refs_of
from xltools.rules.reads import Read, Reads


def own_table(rule: Rule) -> int | None:
    """The one table a rule reads, where it reads one alone."""
    if rule.family == "table" and len(rule.tables) == 1 and not rule.also_reads:
        return rule.tables[0]
    return None


class Block(NamedTuple):  # one per rule and document: a named tuple, made in a third of the time
    """One rule's instances on a document with their outcomes as printed; each one's key
    before duplicates are numbered (`finding_keys.instance_base`); what they add to the
    ledger (`coverage.tallied`)."""

    judged: tuple[tuple[Instance, Outcome], ...]
    bases: tuple[str, ...]
    family: Counts
    tables: tuple[tuple[int, Counts], ...]


_NONE = Block((), (), (0, 0, 0, 0, ()), ())  # a rule with no instance (its tables not printed)


def _block(rule: Rule, doc: Document, read: Document, values: Values, guesses: frozenset[TableCell]) -> Block:
    """`read`: the document the instances are made from (`doc`, or a view of it)."""
    judged = tuple([(inst, judge(inst.relation, values)) for inst in marked(rule, read, guesses)])
    if not judged:
        return _NONE
    names = KeyNames(doc)
    family, tables = tallied(judged)
    return Block(judged, tuple([instance_base(rule, inst, names) for inst, _ in judged]), family, tables)


class _ByTable(NamedTuple):
    rule: Rule
    table: Table  # held: while kept, no other object can take its id
    block: Block


# By rule id and the table's identity: 39 table rules on the last twenty-odd tables of each number.
_BY_TABLE: Memo[tuple[str, int], _ByTable] = Memo(1024)


def _table_block(rule: Rule, n: int, doc: Document, values: Values, guesses: frozenset[TableCell]) -> Block:
    t = doc.table(n)
    if t is None:
        return _block(rule, doc, doc, values, guesses)
    key = (rule.id, id(t))
    kept = _BY_TABLE.find(key)
    if kept is not None and kept.rule is rule and kept.table is t:
        return kept.block
    block = _block(rule, doc, doc, values, guesses)
    if block.judged:  # none: the rule found nothing to check, and finds it again at once
        _BY_TABLE.keep(key, _ByTable(rule, t, block))
    return block


class _Read(NamedTuple):
    rule: Rule
    read: Read
    block: Block


# By rule id: the last few inputs each rule was judged on (the base text and its variants).
_READ: Memo[str, tuple[_Read, ...]] = Memo(256)
_PER_RULE = 6


def _read_block(rule: Rule, doc: Document, values: Values, guesses: frozenset[TableCell]) -> Block:
    kept = _READ.find(rule.id) or ()
    for k in kept:
        if k.rule is rule and k.read.serves(doc):
            return k.block
    reads = Reads(doc)
    block = _block(rule, doc, reads.view(), values, guesses)
    if block.judged and all(reads.cell(ref) for inst, _ in block.judged for ref in refs_of(inst.relation)):
        _READ.keep(rule.id, (_Read(rule, reads.read(), block), *kept[:_PER_RULE - 1]))
    return block


def rule_block(rule: Rule, doc: Document, values: Values, guesses: frozenset[TableCell]) -> Block:
    """`rule`'s block on `doc`; `values`: the document's figures as printed; `guesses`: its
    `guessed_cells`."""
    n = own_table(rule)
    if n is not None:
        return _table_block(rule, n, doc, values, guesses)
    return _read_block(rule, doc, values, guesses)
