"""One evaluation of the rule catalogue over a source of values: the document as printed,
the document as its workbook recomputes it, or a workbook's own cells.

Two ways to judge. *As printed* (a text): every figure as the document printed it. *Live*
(a workbook): every figure as it is now, after the officer's edits; each derived cell's
own identity (the one that makes it a formula, see `plan.derive`) compares its printed
figure (原表数) with that recomputation, so a printed total off its parts is still found,
once. A live sum carries the rounding of every input it adds up, so its 尾差 tolerance
counts those inputs (`plan.leaf_counts`), as the sheet's own cell flags do.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Protocol

from xltools.core.findings import Where
from xltools.core.model import Document
from xltools.evaluation.plan import CellKey, Terms as CellTerms, cell_key, derivations, leaf_counts, plan_document, recompute
from xltools.rules.core import AtMost, Equal, Instance, Outcome, Ref, Relation, Rule, Terms, judge, rule_instances, tail_tolerance
from xltools.rules.resolve import DocumentValues


class Source(Protocol):
    """Figures by `Ref`: `value` as they are now, `printed` as the document printed them."""

    def value(self, ref: Ref) -> float | None: ...

    def printed(self, ref: Ref) -> float | None: ...

    def where(self, ref: Ref) -> Where | None: ...


@dataclass(frozen=True)
class Live:
    """What a workbook's formulas are: which cell is derived from which, over how many inputs."""

    derived: dict[CellKey, CellTerms]
    leaves: dict[CellKey, int]

    def target(self, rel: Relation) -> Ref | None:
        """The derived cell whose own identity `rel` is: judged printed against recomputed."""
        if not isinstance(rel, Equal) or len(rel.lhs) != 1 or rel.lhs[0].factor != 1.0:
            return None
        key = cell_key(rel.lhs[0].ref)
        terms = self.derived.get(key) if key is not None else None
        if terms is None:
            return None
        rhs = tuple((cell_key(t.ref), t.factor) for t in rel.rhs)
        return rel.lhs[0].ref if rhs == terms else None

    def _cells(self, ts: Terms, printed: Ref | None) -> int:
        n = 0
        for t in ts:
            key = cell_key(t.ref)
            n += 1 if t.ref == printed or key is None else self.leaves.get(key, 1)
        return n

    def prepare(self, inst: Instance) -> tuple[Instance, Ref | None]:
        """An instance as a workbook judges it, and the derived cell read as printed in it:
        what `judged` evaluates and the 校验 sheet writes as formulas, alike."""
        return replace(inst, relation=self.relation(inst.relation)), self.target(inst.relation)

    def relation(self, rel: Relation) -> Relation:
        """`rel` with the tolerance of live sums (every input they add), unless it has its own."""
        if isinstance(rel, (Equal, AtMost)) and rel.tolerance is None:
            target = self.target(rel)
            cells = max(self._cells(rel.lhs, target), self._cells(rel.rhs, target))
            if cells > max(len(rel.lhs), len(rel.rhs)):
                return replace(rel, tolerance=tail_tolerance(cells))
        return rel


def live_of(doc: Document) -> Live:
    plans = plan_document(doc)
    return Live(derivations(plans), leaf_counts(plans))


class PrintedAt:
    """A view of a source in which one cell reads as printed (its 原表数), all others live."""

    def __init__(self, source: Source, target: Ref) -> None:
        self.source = source
        self.target = target

    def value(self, ref: Ref) -> float | None:
        return self.source.printed(ref) if ref == self.target else self.source.value(ref)

    def printed(self, ref: Ref) -> float | None:
        return self.source.printed(ref)

    def where(self, ref: Ref) -> Where | None:
        return self.source.where(ref)


class LiveDocument:
    """The document as its workbook recomputes it on import, before any edit."""

    def __init__(self, doc: Document, live: Live) -> None:
        self._printed = DocumentValues(doc)
        self._live = recompute(doc, live.derived)

    def value(self, ref: Ref) -> float | None:
        key = cell_key(ref)
        if key is not None and key in self._live:
            return self._live[key]
        return self._printed.value(ref)

    def printed(self, ref: Ref) -> float | None:
        return self._printed.value(ref)

    def where(self, ref: Ref) -> Where | None:
        return self._printed.where(ref)


@dataclass(frozen=True)
class Judged:
    rule: Rule
    instance: Instance  # as judged: a live evaluation widens a sum's tolerance
    outcome: Outcome
    values: Source  # the view it was judged on, for the places a finding names


def judged(rules: Iterable[Rule], doc: Document, source: Source | None = None,
           live: Live | None = None) -> Iterator[Judged]:
    """Every instance of `rules` on `doc`, judged on `source` (the document as printed by
    default); with `live`, the way the workbook judges it."""
    values: Source = source if source is not None else DocumentValues(doc)
    for rule, inst in rule_instances(rules, doc):
        view: Source = values
        if live is not None:
            inst, target = live.prepare(inst)
            if target is not None:
                view = PrintedAt(values, target)
        yield Judged(rule, inst, judge(inst.relation, view), view)
