"""How a rule is declared: an id, a level, a description, and the relations it states.

A rule's `instances` function looks at a document only to learn which cells exist (which
codes, which projects); what it yields is data: a relation between cell references. The
Python judge below and the workbook's Excel formulas are both derived from that relation,
so the two cannot drift.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal, Protocol, Union

from ..findings import Where
from ..model import Document

Level = Literal["M", "A"]
Family = Literal["table", "cross", "narrative", "performance", "read"]
Status = Literal["pass", "tail", "fail"]


@dataclass(frozen=True)
class Ref:
    """A cell of the document: sheet "t1".."t13", "narrative", "project" or "overall";
    a row key within it; a column key (see `layouts` and `rules.resolve`)."""

    sheet: str
    row: str
    column: str


@dataclass(frozen=True)
class Term:
    ref: Ref
    factor: float = 1.0


Terms = tuple[Term, ...]


def terms(*refs: Ref) -> Terms:
    return tuple(Term(r) for r in refs)


@dataclass(frozen=True)
class Equal:
    """Σ lhs = Σ rhs, within 尾差 tolerance 0.005 × cells added (at least 0.01).

    `tolerance` overrides it, e.g. for a narrative figure printed with fewer decimals;
    `decimals` is the precision both sums are rounded to before comparing."""

    lhs: Terms
    rhs: Terms
    tolerance: float | None = None
    decimals: int = 2


@dataclass(frozen=True)
class AtMost:
    """Σ lhs ≤ Σ rhs (plus tolerance)."""

    lhs: Terms
    rhs: Terms


@dataclass(frozen=True)
class ShareOf:
    """printed % = Σ part / Σ base × 100, rounded to `decimals`."""

    printed: Ref
    part: Terms
    base: Terms
    decimals: int


@dataclass(frozen=True)
class GrowthOf:
    """printed growth % = change / (current − change) × 100, rounded to `decimals`.
    A zero base has no growth rate: any printed figure then fails."""

    printed: Ref
    change: Ref
    current: Terms
    decimals: int


@dataclass(frozen=True)
class Verdict:
    """A judgement no formula expresses (fuzzy name matching, counts of tables): the
    check computes it once; the workbook writes it as a fixed verdict."""

    ok: bool
    expected: float | str | None = None
    actual: float | str | None = None
    refs: tuple[Ref, ...] = ()
    lines: tuple[int, ...] = ()


Relation = Union[Equal, AtMost, ShareOf, GrowthOf, Verdict]


@dataclass(frozen=True)
class Instance:
    """One rule applied to particular cells. `subject` says in Chinese what is compared."""

    relation: Relation
    subject: str
    lines: tuple[int, ...] = ()  # extra source lines the finding rests on (titles, sentences)


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    family: Family
    description: str
    instances: Callable[[Document], Iterable[Instance]] = field(compare=False, repr=False)


class Values(Protocol):
    """Where relations get their numbers: the document (Python) or a workbook."""

    def value(self, ref: Ref) -> float | None: ...

    def where(self, ref: Ref) -> Where | None: ...


@dataclass(frozen=True)
class Outcome:
    status: Status
    expected: float | str | None
    actual: float | str | None
    diff: float | None


def tail_tolerance(cells: int) -> float:
    """DOMAIN.md: within 0.005 × cells added, at least 0.01, a difference is 尾差."""
    return max(0.01, 0.005 * cells)


def total(values: Values, ts: Terms) -> float:
    return sum((values.value(t.ref) or 0.0) * t.factor for t in ts)


def _cmp(diff: float, tol: float) -> Status:
    if abs(diff) < 0.0049:
        return "pass"
    return "tail" if abs(diff) <= tol + 1e-9 else "fail"


def judge(rel: Relation, values: Values) -> Outcome:
    if isinstance(rel, Verdict):
        return Outcome("pass" if rel.ok else "fail", rel.expected, rel.actual, None)
    if isinstance(rel, Equal):
        actual = round(total(values, rel.lhs), rel.decimals)
        expected = round(total(values, rel.rhs), rel.decimals)
        diff = round(actual - expected, 2)
        tol = rel.tolerance if rel.tolerance is not None else tail_tolerance(max(len(rel.lhs), len(rel.rhs)))
        return Outcome(_cmp(diff, tol), expected, actual, diff)
    if isinstance(rel, AtMost):
        lhs = round(total(values, rel.lhs), 2)
        rhs = round(total(values, rel.rhs), 2)
        diff = round(lhs - rhs, 2)
        tol = tail_tolerance(max(len(rel.lhs), len(rel.rhs)))
        status: Status = "pass" if diff <= 0.0049 else ("tail" if diff <= tol + 1e-9 else "fail")
        return Outcome(status, rhs, lhs, diff)
    if isinstance(rel, ShareOf):
        printed = values.value(rel.printed)
        base = total(values, rel.base)
        if not base:
            ok = not printed
            return Outcome("pass" if ok else "fail", None, printed, None)
        exact = total(values, rel.part) / base * 100
        return _pct_outcome(printed, exact, rel.decimals)
    if isinstance(rel, GrowthOf):
        printed = values.value(rel.printed)
        change = values.value(rel.change) or 0.0
        base = round(total(values, rel.current) - change, 2)
        if abs(base) < 0.005:
            return Outcome("fail", None, printed, None)
        return _pct_outcome(printed, change / base * 100, rel.decimals)
    raise TypeError(f"unknown relation {rel!r}")


def _pct_outcome(printed: float | None, exact: float, decimals: int) -> Outcome:
    """Judged at the printed decimals; reported to 2 decimals, so that a "20%" shows 511.84."""
    expected = round(exact + 1e-9, decimals)
    diff = round((printed or 0.0) - expected, decimals + 2)
    shown = round(exact + 1e-9, max(decimals, 2))
    return Outcome(_pct(diff, decimals), shown, printed, round((printed or 0.0) - shown, max(decimals, 2) + 2))


def _pct(diff: float, decimals: int) -> Status:
    step = 10.0 ** -decimals
    if abs(diff) < step / 2:
        return "pass"
    # A share of rounded cells may be off by one in its last printed digit.
    return "tail" if abs(diff) <= step * 1.0001 else "fail"


def refs_of(rel: Relation) -> tuple[Ref, ...]:
    if isinstance(rel, (Equal, AtMost)):
        return tuple(t.ref for t in rel.lhs + rel.rhs)
    if isinstance(rel, ShareOf):
        return (rel.printed,) + tuple(t.ref for t in rel.part + rel.base)
    if isinstance(rel, GrowthOf):
        return (rel.printed, rel.change) + tuple(t.ref for t in rel.current)
    return rel.refs


def rule_instances(rules: Iterable[Rule], doc: Document) -> Iterable[tuple[Rule, Instance]]:
    for rule in rules:
        for inst in rule.instances(doc):
            yield rule, inst
