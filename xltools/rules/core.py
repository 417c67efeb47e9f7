"""How a rule is declared: an id, a level, a description, and the relations it states.

A rule's `instances` function looks at a document only to learn which cells exist (which
codes, which projects); what it yields is data: a relation between cell references. The
Python judge below and the workbook's Excel formulas are both derived from that relation,
so the two cannot drift.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Literal, Protocol, Union

from xltools.core.findings import Where
from xltools.core.reasons import Reason
from xltools.core.comparisons import at_most_status, equal_since_status, equal_status, percent_status, rounded, share_slack, under_half_cent
from xltools.core.tolerance import tail_tolerance
from xltools.core.verdicts import Status
from xltools.core.model import Document
from xltools.core.references import Ref, TableCell
from xltools.rules.resolve import DocumentValues

Level = Literal["M", "A"]
Family = Literal["table", "cross", "narrative", "performance", "prior", "read"]


# The relations and their parts are made and judged per rule instance, thousands per document
# and millions in the test suite's walks: slotted, a frozen one is made in half the time.
@dataclass(frozen=True, slots=True)
class Term:
    ref: Ref
    factor: float = 1.0


Terms = tuple[Term, ...]


# A term of factor 1 of a cell: made once per cell (cells recur from instance to instance and
# from document to document), immutable and so shared. Typed: a TableCell equals a plain tuple.
_unit = lru_cache(maxsize=1 << 15, typed=True)(Term)


def terms(*refs: Ref) -> Terms:
    return tuple([_unit(r) for r in refs])


@dataclass(frozen=True, slots=True)
class Equal:
    """Σ lhs = Σ rhs, within 尾差 tolerance 0.005 × cells added (at least 0.01).

    `tolerance` overrides it, e.g. for a narrative figure printed with fewer decimals;
    `decimals` is the precision both sums are rounded to before comparing."""

    lhs: Terms
    rhs: Terms
    tolerance: float | None = None
    decimals: int = 2


@dataclass(frozen=True, slots=True)
class AtMost:
    """Σ lhs ≤ Σ rhs (plus tolerance)."""

    lhs: Terms
    rhs: Terms
    tolerance: float | None = None


@dataclass(frozen=True, slots=True)
class ShareOf:
    """printed % = Σ part / Σ base × 100, rounded to `decimals`."""

    printed: Ref
    part: Terms
    base: Terms
    decimals: int


@dataclass(frozen=True, slots=True)
class GrowthOf:
    """printed growth % = change / (current − change) × 100, rounded to `decimals`.
    A zero base has no growth rate: any printed figure then fails."""

    printed: Ref
    change: Ref
    current: Terms
    decimals: int


@dataclass(frozen=True, slots=True)
class Verdict:
    """A judgement no formula expresses (fuzzy name matching, counts of tables): the
    check computes it once; the workbook writes it as a fixed verdict."""

    ok: bool
    expected: float | str | None = None
    actual: float | str | None = None
    refs: tuple[Ref, ...] = ()
    lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Unchecked:
    """An identity the document states but that cannot be checked: its base is not
    identified, the part it rests on was not read. Never a finding of error or warning;
    the coverage ledger counts it, with `reason` saying why."""

    reason: Reason
    refs: tuple[Ref, ...] = ()
    lines: tuple[int, ...] = ()


Relation = Union[Equal, AtMost, ShareOf, GrowthOf, Verdict, Unchecked]


@dataclass(frozen=True, slots=True)
class Instance:
    """One rule applied to particular cells. `subject` says in Chinese what is compared."""

    relation: Relation
    subject: str
    lines: tuple[int, ...] = ()  # extra source lines the finding rests on (titles, sentences)
    # Why this instance rests on a guess (a placement the arithmetic did not settle); a
    # guessed instance is judged at most as a warning, whatever its rule's level.
    guess: str = ""
    # What is compared, where the relation's refs do not say it (a quoted name, a section):
    # part of the finding's stable key (`evaluation.finding_keys`).
    key: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    family: Family
    description: str
    instances: Callable[[Document], Iterable[Instance]] = field(compare=False, repr=False)
    # The tables the rule reads, as data (never parsed from its id): `tables` those it
    # cannot be checked without, in the order it names them (the coverage ledger says
    # "未找到表n" for the first one missing); `also_reads` those it reads where they were
    # printed (表2/3/5 for the 类 it knows).
    tables: tuple[int, ...] = ()
    also_reads: tuple[int, ...] = ()

    @property
    def reads(self) -> frozenset[int]:
        """Every table whose cells the rule's instances may relate."""
        return frozenset(self.tables + self.also_reads)


def effective_level(rule: Rule, inst: Instance) -> Level:
    """An error means certain: a failure that rests on a guess is at most a warning."""
    return "A" if inst.guess else rule.level


class Values(Protocol):
    """Where relations get their numbers: the document (Python) or a workbook."""

    def value(self, ref: Ref) -> float | None: ...

    def where(self, ref: Ref) -> Where | None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    status: Status
    expected: float | str | None
    actual: float | str | None
    diff: float | None


def tolerance_of(rel: Equal | AtMost) -> float:
    """The 尾差 tolerance of a relation: its own, or by the cells each side adds. The one
    place it is decided: `judge` and the workbook's formulas both ask here."""
    if rel.tolerance is not None:
        return rel.tolerance
    return tail_tolerance(max(len(rel.lhs), len(rel.rhs)))


def total(values: Values, ts: Terms) -> float:
    if values.__class__ is DocumentValues:  # the document as printed: its cells looked up in place
        return values.total(ts)  # type: ignore[attr-defined, no-any-return]
    value = values.value
    return sum([(value(t.ref) or 0.0) * t.factor for t in ts])


def judge(rel: Relation, values: Values, since: float | None = None) -> Outcome:
    """`since`: an equality's difference as the document printed it, where a workbook knows it
    (`evaluation.judged.Live.since`): a difference beyond it is an edit, not rounding."""
    if isinstance(rel, Equal):
        actual = round(total(values, rel.lhs), rel.decimals)
        expected = round(total(values, rel.rhs), rel.decimals)
        diff = round(actual - expected, 2)
        status = equal_status(diff, tolerance_of(rel)) if since is None else equal_since_status(diff, tolerance_of(rel), since)
        return Outcome(status, expected, actual, diff)
    if isinstance(rel, AtMost):
        lhs = round(total(values, rel.lhs), 2)
        rhs = round(total(values, rel.rhs), 2)
        diff = round(lhs - rhs, 2)
        return Outcome(at_most_status(diff, tolerance_of(rel)), rhs, lhs, diff)
    if isinstance(rel, ShareOf):
        printed = values.value(rel.printed)
        base = total(values, rel.base)
        if not base:
            return Outcome(Status.FAIL if printed else Status.PASS, None, printed, None)
        part = total(values, rel.part)
        exact = part / base * 100
        return _pct_outcome(printed, exact, rel.decimals, share_slack(part, base, len(rel.part), len(rel.base)))
    if isinstance(rel, GrowthOf):
        printed = values.value(rel.printed)
        change = values.value(rel.change) or 0.0
        base = round(total(values, rel.current) - change, 2)
        if under_half_cent(base):
            return Outcome(Status.FAIL, None, printed, None)
        return _pct_outcome(printed, change / base * 100, rel.decimals, share_slack(change, base, 1, len(rel.current) + 1))
    if isinstance(rel, Verdict):
        return Outcome(Status.PASS if rel.ok else Status.FAIL, rel.expected, rel.actual, None)
    if isinstance(rel, Unchecked):
        return Outcome(Status.UNCHECKED, None, None, None)
    raise TypeError(f"unknown relation {rel!r}")


def _pct_outcome(printed: float | None, exact: float, decimals: int, slack: float) -> Outcome:
    """Judged at the printed decimals ("占7.8%" for 7.79% passes); reported to 2 decimals,
    so that a "20%" shows 511.84."""
    p = printed or 0.0
    shown = rounded(exact, max(decimals, 2))
    return Outcome(percent_status(p, exact, decimals, slack), shown, printed, round(p - shown, max(decimals, 2) + 2))


def refs_of(rel: Relation) -> tuple[Ref, ...]:
    if isinstance(rel, (Equal, AtMost)):
        return tuple([t.ref for t in rel.lhs + rel.rhs])
    if isinstance(rel, ShareOf):
        return (rel.printed, *[t.ref for t in rel.part + rel.base])
    if isinstance(rel, GrowthOf):
        return (rel.printed, rel.change, *[t.ref for t in rel.current])
    return rel.refs


def guessed_cells(doc: Document) -> frozenset[TableCell]:
    return frozenset(TableCell(n, r.key, c) for n, t in doc.tables.items() if t is not None
                     for r in t.rows for c in r.guessed)


def marked(rule: Rule, doc: Document, guesses: frozenset[TableCell]) -> Iterator[Instance]:
    """A rule's instances on a document, each marked where it rests on a guessed placement
    (`guesses`: the document's `guessed_cells`)."""
    for inst in rule.instances(doc):
        guessed = [r for r in refs_of(inst.relation) if isinstance(r, TableCell) and r in guesses] \
            if guesses and not inst.guess else []
        if guessed:
            cols = "、".join(sorted({f"表{r.table}“{r.column}”" for r in guessed}))
            inst = replace(inst, guess=f"所依据的{cols}金额的列位置无法确定")
        yield inst


def rule_instances(rules: Iterable[Rule], doc: Document) -> Iterable[tuple[Rule, Instance]]:
    """Every instance of the rules on a document, marked where it rests on a guessed placement."""
    guesses = guessed_cells(doc)
    for rule in rules:
        for inst in marked(rule, doc, guesses):
            yield rule, inst
