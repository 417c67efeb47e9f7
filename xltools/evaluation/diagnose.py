"""One wrong figure, named once: the culprit behind several failed identities.

A typo breaks every identity its figure takes part in. When one figure's correction would
make several failed identities hold at once (each implies the same value for it) and
breaks none that holds now, the figure is very likely the wrong one: the first of those
findings cites the figure's line and carries the diagnosis, the value the others imply
("疑为 5.83，按…应为 5.38"), and every finding of the group says it follows from that
figure. The findings themselves stay: each identity is still broken, and is still counted.
A figure that shares its whole group with another figure is no culprit: the two
corrections are equally good, and the report does not guess.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from xltools.evaluation.judged import Judged, Source
from xltools.evaluation.messages import culprit_message, figure_name
from xltools.core.comparisons import NUDGE
from xltools.core.findings import SEVERITY_ORDER, Finding, FollowsFrom, Where
from xltools.core.references import Ref
from xltools.rules.core import Equal, judge, refs_of, tolerance_of

# A group is at least this many failed identities: one alone is its own finding.
_GROUP = 2


@dataclass(frozen=True)
class _Failed:
    index: int  # in the findings list
    judged: Judged


class _With:
    """A source in which one figure reads `value` (the correction tried)."""

    def __init__(self, source: Source, ref: Ref, value: float) -> None:
        self.source, self.ref, self.fixed = source, ref, value

    def value(self, ref: Ref) -> float | None:
        return self.fixed if ref == self.ref else self.source.value(ref)

    def where(self, ref: Ref) -> Where | None:
        return self.source.where(ref)


def _implied(j: Judged, ref: Ref) -> tuple[float, float] | None:
    """The value of `ref` that makes `j`'s identity hold, and how far it may be off (its
    tolerance over the term's factor)."""
    rel = j.instance.relation
    if not isinstance(rel, Equal) or not isinstance(j.outcome.diff, (int, float)):
        return None
    now = j.values.value(ref) or 0.0
    # diff = Σ lhs − Σ rhs: a term on the left moves by −diff, one on the right by +diff.
    for side, sign in ((rel.lhs, -1.0), (rel.rhs, 1.0)):
        factor = sum(t.factor for t in side if t.ref == ref)
        if factor:
            return now + sign * j.outcome.diff / factor, tolerance_of(rel) / abs(factor)
    return None


def _holds(j: Judged, ref: Ref, value: float) -> bool:
    return judge(j.instance.relation, _With(j.values, ref, value)).status in ("pass", "tail")


def diagnose(findings: list[Finding], failed: Sequence[tuple[int, Judged]], every: Sequence[Judged]) -> list[Finding]:
    """`failed`: (index in `findings`, judged) of each failed instance; `every`: all the
    instances judged, to make sure a correction breaks nothing that holds."""
    by_ref: dict[Ref, list[_Failed]] = {}
    # Shares and growth rates that rest on the figure follow from it too, once it is named by
    # the sums (their rounding says little about which of their figures is off).
    others: dict[Ref, list[_Failed]] = {}
    for index, j in failed:
        if j.instance.guess:
            continue
        into = by_ref if isinstance(j.instance.relation, Equal) else others
        for ref in dict.fromkeys(refs_of(j.instance.relation)):
            into.setdefault(ref, []).append(_Failed(index, j))
    candidates: list[tuple[Ref, float, list[_Failed]]] = []
    for ref, group in by_ref.items():
        if len(group) < _GROUP:
            continue
        implied = [_implied(f.judged, ref) for f in group]
        values = [x for x in implied if x is not None]
        if len(values) < len(implied):
            continue
        lo, hi = min(values), max(values)
        if hi[0] - lo[0] > hi[1] + lo[1] + NUDGE:
            continue  # the identities disagree on what the figure should be
        value = round(values[0][0], 2)
        if all(_holds(f.judged, ref, value) for f in group):
            candidates.append((ref, value, group))
    if not candidates:
        return findings
    touching: dict[Ref, list[Judged]] = {}
    wanted = {ref for ref, _, _ in candidates}
    for j in every:
        for ref in set(refs_of(j.instance.relation)) & wanted:
            touching.setdefault(ref, []).append(j)

    def harmless(ref: Ref, value: float, group: list[_Failed]) -> bool:
        failing = {id(f.judged) for f in group}
        return all(_holds(j, ref, value) for j in touching.get(ref, ())
                   if id(j) not in failing and j.outcome.status in ("pass", "tail"))

    candidates = [c for c in candidates if harmless(*c)]
    sets = [frozenset(f.index for f in g) for _, _, g in candidates]
    out = list(findings)
    claimed: set[int] = set()
    for ref, value, group in sorted(candidates, key=lambda c: (-len(c[2]), min(f.index for f in c[2]))):
        members = frozenset(f.index for f in group)
        # Claimed already, or another figure explains the very same failures: no guess.
        if members & claimed or sets.count(members) > 1:
            continue
        claimed |= members
        rest = [f for f in others.get(ref, ()) if f.index not in claimed and _holds(f.judged, ref, value)]
        claimed |= {f.index for f in rest}
        _rewrite(out, ref, value, group, rest)
    return out


def grouped(findings: Sequence[Finding]) -> list[Finding]:
    """Sorted findings with each group's other findings right under its culprit."""
    lead = {f.follows_from: f for f in findings if f.suggested is not None and f.follows_from is not None}
    out: list[Finding] = []
    for f in findings:
        if f.follows_from is not None and f.suggested is None and f.follows_from in lead:
            continue
        out.append(f)
        if f.suggested is not None:
            out += [g for g in findings if g.follows_from == f.follows_from and g.suggested is None]
    return out


def _rewrite(out: list[Finding], ref: Ref, value: float, sums: list[_Failed], rest: list[_Failed]) -> None:
    """The gravest of the sums that name the figure leads; the shares resting on it follow."""
    first = min(sums, key=lambda f: (SEVERITY_ORDER[out[f.index].severity], f.index))
    group = sums + rest
    source = first.judged.values
    printed = source.value(ref)
    where = source.where(ref)
    line = where.line if where is not None else None
    name = figure_name(ref, source)
    follows = FollowsFrom(name, line, printed, value)
    lead = out[first.index]
    others = [f for f in group if f is not first]
    diagnosis = culprit_message(ref, source, value, [f.judged.instance.relation for f in group])
    places = ((where,) if where is not None else ()) + tuple(w for w in lead.where if w != where)
    out[first.index] = replace(lead, diagnosis=diagnosis, where=places, suggested=value, follows_from=follows,
                               breaks=tuple(f"{out[f.index].rule} {out[f.index].message}" for f in others))
    for f in others:
        g = out[f.index]
        extra = () if where is None or where in g.where else (where,)
        out[f.index] = replace(g, follows_from=follows, where=g.where + extra)
