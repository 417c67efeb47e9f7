"""One evaluation of the rule catalogue over a source of values: the document as printed,
the document as its workbook recomputes it, or a workbook's own cells.

Two ways to judge. *As printed* (a text): every figure as the document printed it. *Live*
(a workbook): every figure as it is now, after the officer's edits; each derived cell's
own identity (the one that makes it a formula, see `plan.derive`) compares its printed
figure (原表数) with its direct parts. Each identity is judged on its own terms: a derived
figure counts as its recomputation plus the document's own 尾差 under it (`plan.offsets`),
which is the printed figure until an input changes and then moves by that change; the
tolerance is the identity's own (the cells it adds directly), and an equality knows its
difference as the document printed it (`Live.since`): rounding explains that much, so any
difference an edit makes or enlarges fails however small. A derived cell's own identity is
judged once as printed (`Live.since_of`): the 校验 row's `since`, the cell's colour and the
说明草稿's choice between the printed total and its parts (`Live.holds_as_printed`) all read it. So an untouched workbook finds what
`check` finds on its text, and an edit shows undiluted, as 不符, at every identity above it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from typing import Callable, Iterable, Iterator, Protocol

from xltools.core.findings import Where
from xltools.core.memo import as_declared
from xltools.core.model import Document
from xltools.core.verdicts import Status
from xltools.evaluation.plan import (TablePlan, Terms as CellTerms, cell_key, derivations, offsets, plan_document,
                                     figure, printed_in, recomputed)
from xltools.core.references import Ref, TableCell
from xltools.rules.core import Instance, Outcome, Equal, Relation, Rule, Term, guessed_cells, judge, marked, rule_instances
from xltools.rules.resolve import DocumentValues
from xltools.evaluation.kept import Block, rule_block


class Source(Protocol):
    """Figures by `Ref`: `value` as they are now, `printed` as the document printed them."""

    def value(self, ref: Ref) -> float | None: ...

    def printed(self, ref: Ref) -> float | None: ...

    def where(self, ref: Ref) -> Where | None: ...


@dataclass(frozen=True)
class Live:
    """What a workbook's formulas are: which cell is derived from which, how far each printed
    derived figure is from its recomputation (`plan.offsets`), and each derived cell's own
    identity as the document printed it (`since_of`)."""

    derived: dict[TableCell, CellTerms]
    offsets: dict[TableCell, float] = field(default_factory=dict)
    # The document as it printed its figures (an officer's edits undone), where it printed any:
    # what each equality's own difference was before any edit (`since`).
    printed: Source | None = None

    @cached_property
    def _identities(self) -> dict[TableCell, Equal]:
        return {key: Equal((Term(TableCell(*key)),), tuple(Term(TableCell(*k), f) for k, f in terms))
                for key, terms in self.derived.items()}

    def identity(self, key: TableCell) -> Equal | None:
        """A derived cell's own identity, the one that makes it a formula (`plan.derive`): its
        printed figure (原表数) equals its direct parts, with their tolerance."""
        return self._identities.get(key)

    @cached_property
    def _as_printed(self) -> dict[TableCell, Outcome]:
        """Every derived cell's own identity judged once, on the document as printed."""
        if self.printed is None:
            return {}
        printed = self.printed
        return {k: judge(rel, printed) for k, rel in self._identities.items()}

    def since_of(self, key: TableCell) -> float | None:
        """A derived cell's own identity's difference as the document printed it (printed
        figure − its parts): what the 校验 row of that identity and the cell's colour both
        take for rounding. None for an input, or where the workbook has no printed figures."""
        outcome = self._as_printed.get(key)
        return None if outcome is None else outcome.diff

    def since(self, inst: Instance) -> float | None:
        """An equality's difference as the document printed it: rounding explains that much
        and no more, so any difference an edit makes is a mismatch (`equal_since_status`).
        None where the workbook has no printed figures (a template filled by hand)."""
        if self.printed is None or not isinstance(inst.relation, Equal):
            return None
        target = self.target(inst.relation)
        key = cell_key(target) if target is not None else None
        return self.since_of(key) if key is not None else judge(inst.relation, self.printed).diff

    @cached_property
    def _holding(self) -> dict[TableCell, bool]:
        out: dict[TableCell, bool] = {}

        def holds(k: TableCell) -> bool:
            if k not in out:
                out[k] = True  # the plan has no cycles (`plan.derive`); this only stops a walk twice
                outcome = self._as_printed.get(k)
                own = outcome is None or outcome.status in (Status.PASS, Status.TAIL)
                out[k] = own and all(holds(t) for t, _ in self.derived.get(k, ()) if t in self.derived)
            return out[k]

        for k in self.derived:
            holds(k)
        return out

    def holds_as_printed(self, key: TableCell) -> bool:
        """Whether every identity at and below a derived cell passes, or is 尾差, as the
        document printed it: its printed figure is then right up to rounding. Beyond 尾差
        anywhere below, the printed total is wrong and its parts are right."""
        return self._holding.get(key, True)

    def parts_offset(self, key: TableCell) -> float:
        """What the parts' own 尾差 add to a derived cell's recomputation (Σ factor × offset),
        as the 校验 row of its identity adds them (`offset`): a cent deep in 表2 then marks
        表2's sum, not every figure above it."""
        rel = self.identity(key)
        if rel is None:
            return 0.0
        of = self.offset(rel.lhs[0].ref)
        return round(sum(of(t.ref) * t.factor for t in rel.rhs), 6)

    def judge_cell(self, key: TableCell, source: Source) -> Outcome | None:
        """A derived cell's own identity judged on `source` as a workbook judges it: its
        printed figure against its parts as they are, with its difference as printed."""
        rel = self.identity(key)
        if rel is None:
            return None
        return judge(rel, PrintedAt(self.view(source), rel.lhs[0].ref), self.since_of(key))

    def target(self, rel: Relation) -> Ref | None:
        """The derived cell whose own identity `rel` is: judged printed against recomputed."""
        if not isinstance(rel, Equal) or len(rel.lhs) != 1:
            return None
        key = cell_key(rel.lhs[0].ref)
        return rel.lhs[0].ref if key is not None and rel == self.identity(key) else None

    def prepare(self, inst: Instance) -> tuple[Instance, Ref | None]:
        """An instance as a workbook judges it, and the derived cell read as printed in it:
        what `judged` evaluates and the 校验 sheet writes as formulas, alike. The relation is
        the document's own, its tolerance too (the cells it adds directly)."""
        return inst, self.target(inst.relation)

    def offset(self, target: Ref | None) -> Callable[[Ref], float]:
        """What a 校验 row adds to each figure it reads live: the derived cell's offset, none
        for the cell read as printed (`target`) or for an input."""
        def of(ref: Ref) -> float:
            key = cell_key(ref)
            return 0.0 if ref == target or key is None else self.offsets.get(key, 0.0)
        return of

    def view(self, source: Source) -> Source:
        """`source` as the workbook judges it: a workbook's cells (a source that knows each
        cell's 原表数, `original`) with each derived figure anchored at its printed value."""
        original = getattr(source, "original", None)
        if original is None or isinstance(source, (Anchored, LiveDocument)):
            return source
        return Anchored(source, offsets(self.derived, lambda k: original(k) or 0.0))


def live_of(doc: Document) -> Live:
    return live_for(doc, plan_document(doc))


def live_for(doc: Document, plans: dict[int, TablePlan]) -> Live:
    derived = derivations(plans)
    printed = PrintedValues(doc)
    return Live(derived, offsets(derived, printed_in(doc)), printed if printed.any() else None)


class PrintedValues(DocumentValues):
    """The document's figures as it printed them: an officer's edits undone (`Row.as_printed`)."""

    def value(self, ref: Ref) -> float | None:
        if isinstance(ref, TableCell):
            return figure(self.doc, ref, as_printed=True)
        return super().value(ref)

    def any(self) -> bool:
        """Whether the tables print any figure (a blank template does not)."""
        return any(r.as_printed(c) is not None for t in self.doc.tables.values() if t is not None
                   for r in t.rows for c in r.amounts)


class Anchored:
    """A workbook's cells with each derived figure read as its value plus its offset."""

    def __init__(self, source: Source, offsets: dict[TableCell, float]) -> None:
        self.source = source
        self.offsets = offsets

    def value(self, ref: Ref) -> float | None:
        v = self.source.value(ref)
        key = cell_key(ref)
        c = self.offsets.get(key, 0.0) if key is not None else 0.0
        return v if c == 0.0 else (v or 0.0) + c

    def printed(self, ref: Ref) -> float | None:
        return self.source.printed(ref)

    def where(self, ref: Ref) -> Where | None:
        return self.source.where(ref)


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
        self._live = recomputed(doc, live.derived)
        self._offsets = live.offsets

    def value(self, ref: Ref) -> float | None:
        """A derived figure as a 校验 row reads it: its recomputation plus its offset."""
        key = cell_key(ref)
        if key is not None and key in self._live:
            return self._live[key] + self._offsets.get(key, 0.0)
        return self._printed.value(ref)

    def printed(self, ref: Ref) -> float | None:
        return self._printed.value(ref)

    def where(self, ref: Ref) -> Where | None:
        return self._printed.where(ref)


@dataclass(frozen=True, slots=True)  # one per rule instance
class Judged:
    rule: Rule
    instance: Instance
    outcome: Outcome
    values: Source  # the view it was judged on, for the places a finding names


def judged(rules: Iterable[Rule], doc: Document, source: Source | None = None,
           live: Live | None = None) -> Iterator[Judged]:
    """Every instance of `rules` on `doc`, judged on `source` (the document as printed by
    default); with `live`, the way the workbook judges it."""
    if source is None and live is None:
        return (j for r in by_rule(rules, doc) for j in r.judged)
    return judge_instances(rule_instances(rules, doc), doc, source, live)


@dataclass(frozen=True, slots=True)
class RuleJudged:
    """One rule's instances judged; on the document as printed, its `Block` (outcomes, keys
    and ledger counts made once per distinct input, `kept`)."""

    rule: Rule
    judged: list[Judged]
    block: Block | None = None


def by_rule(rules: Iterable[Rule], doc: Document, source: Source | None = None,
            live: Live | None = None) -> Iterator[RuleJudged]:
    """`judged`, rule by rule."""
    if source is not None or live is not None:
        for rule, js in groupby(judge_instances(rule_instances(rules, doc), doc, source, live), key=lambda j: j.rule):
            yield RuleJudged(rule, list(js))
        return
    as_declared()
    values = DocumentValues(doc)
    guesses = guessed_cells(doc)
    for rule in rules:
        block = rule_block(rule, doc, values, guesses)
        yield RuleJudged(rule, [Judged(rule, inst, outcome, values) for inst, outcome in block.judged], block)


def judge_instances(instances: Iterable[tuple[Rule, Instance]], doc: Document, source: Source | None = None,
                    live: Live | None = None) -> Iterator[Judged]:
    """`judged` over instances already made (the 校验 sheet's rows, in their order)."""
    values: Source = source if source is not None else DocumentValues(doc)
    if live is not None:
        values = live.view(values)
    for rule, inst in instances:
        view: Source = values
        if live is not None:
            inst, target = live.prepare(inst)
            if target is not None:
                view = PrintedAt(values, target)
        yield Judged(rule, inst, judge(inst.relation, view, live.since(inst) if live is not None else None), view)


class WithDocument(Source, Protocol):
    """A source that knows the document it holds the figures of (a workbook read back)."""

    @property
    def doc(self) -> Document: ...


def as_imported(doc: Document) -> tuple[Source, Live]:
    """The source and the live judging of `doc`'s workbook right after import (or a rebuild),
    as its 校验 computes it: what the buttons count and 问题's fixed rows list."""
    live = live_of(doc)
    return LiveDocument(doc, live), live


def as_left(values: WithDocument) -> tuple[Source, Live]:
    """The source and the live judging of a workbook as the officer left it (its cells read
    back): what `check BOOK.xlsx`, `accept` and the Excel buttons judge."""
    return values, live_of(values.doc)
