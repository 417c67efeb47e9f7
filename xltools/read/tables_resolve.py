"""Choosing among a row's placements by the sums around it.

Rows whose own arithmetic allows several placements (values that could sit in more than
one column) are settled group by group, from the top: the rows that add into one parent
are placed so that they sum to it, column by column; among equally good choices, the one
under which each row still equals the sum of its own children; and otherwise what was
printed. Within a large group the single change that helps most is made first, so the one
row that is really misplaced moves, not a sibling that merely compensates; small groups are
searched exhaustively (which rows add up to the parent is a subset sum).
"""
from __future__ import annotations

from itertools import product
from typing import Mapping, Sequence

from xltools.core.model import Amount
from xltools.read.tables_place import Draft, Values, tolerance


def _miss(total: Amount, s: float, n: int) -> float:
    diff = abs(round((total or 0.0) - s, 2))
    return diff if diff > tolerance(n) else 0.0


def _misses(total: Values, sums: Sequence[float], n: int) -> float:
    return sum(_miss(t, s, n) for t, s in zip(total, sums))


def _sums(rows: Sequence[Draft], width: int) -> list[float]:
    out = [0.0] * width
    for r in rows:
        for c, v in enumerate(r.values):
            if v is not None:
                out[c] += v
    return out


def _family(drafts: Sequence[Draft], parent_of: Mapping[str, str]) -> tuple[dict[str, Draft], dict[str, list[Draft]]]:
    """The rows by key, and the rows that add into each row."""
    by_key = {d.key: d for d in drafts}
    kids: dict[str, list[Draft]] = {}
    for d in drafts:
        p = parent_of.get(d.key)
        if p is not None and p in by_key and p != d.key:
            kids.setdefault(p, []).append(d)
    return by_key, kids


def resolve(drafts: Sequence[Draft], parent_of: Mapping[str, str]) -> None:
    by_key, kids = _family(drafts, parent_of)

    def depth(key: str) -> int:
        n = 0
        while key in parent_of and parent_of[key] in by_key and n < 8:
            key = parent_of[key]
            n += 1
        return n

    work: list[tuple[int, int, str, Draft | None]] = []  # (depth decided, line, parent key, orphan)
    for p, group in kids.items():
        if any(len(k.cands) > 1 for k in group):
            work.append((depth(p) + 1, by_key[p].line, p, None))
    for d in drafts:
        if len(d.cands) > 1 and (parent_of.get(d.key) not in by_key):
            work.append((0, d.line, "", d))
    work.sort(key=lambda w: (w[0], w[1]))

    def own(d: Draft, values: Values) -> float:
        below = kids.get(d.key)
        if not below:
            return 0.0
        return _misses(values, _sums(below, len(values)), len(below))

    for _, _, p, orphan in work:
        if orphan is not None:
            _settle_orphan(orphan, own)
        else:
            _settle_group(by_key[p], kids[p], own)


def _settle_orphan(d: Draft, own) -> None:  # type: ignore[no-untyped-def]
    best, best_score = d.choice, round(own(d, d.values), 2)
    for i, cand in enumerate(d.cands):
        s = round(own(d, cand), 2)
        if s < best_score:
            best, best_score = i, s
    d.choice = best


_EXHAUSTIVE = 1024  # placements of a group tried one by one before falling back to greedy


def _settle_group(parent: Draft, group: list[Draft], own) -> None:  # type: ignore[no-untyped-def]
    open_rows = [d for d in group if len(d.cands) > 1]
    if _misses(parent.values, _sums(group, len(parent.values)), len(group)) == 0 \
            and all(own(d, d.values) == 0 for d in open_rows):
        return  # everything adds up as placed: nothing to decide
    combos = 1
    for d in open_rows:
        combos *= len(d.cands)
        if combos > _EXHAUSTIVE:
            _settle_greedy(parent, group, open_rows, own)
            return
    _settle_exhaustive(parent, group, open_rows, own)


def _settle_exhaustive(parent: Draft, group: list[Draft], open_rows: list[Draft], own) -> None:  # type: ignore[no-untyped-def]
    """Every combination of the group's open placements: least (parent miss, children
    misses, rows moved from what was chosen before)."""
    width = len(parent.values)
    n = len(group)
    fixed = _sums([d for d in group if len(d.cands) == 1], width)
    vecs = [[[v or 0.0 for v in c] for c in d.cands] for d in open_rows]
    owns = [[own(d, c) for c in d.cands] for d in open_rows]
    start = [d.choice for d in open_rows]
    best: tuple[float, float, int] | None = None
    best_pick: tuple[int, ...] = tuple(start)
    for pick in product(*(range(len(d.cands)) for d in open_rows)):
        sums = fixed[:]
        for r, i in enumerate(pick):
            for c, v in enumerate(vecs[r][i]):
                sums[c] += v
        key = (round(_misses(parent.values, sums, n), 2), round(sum(owns[r][i] for r, i in enumerate(pick)), 2),
               sum(1 for r, i in enumerate(pick) if i != start[r]))
        if best is None or key < best:
            best, best_pick = key, pick
    for d, i in zip(open_rows, best_pick):
        d.choice = i


def _settle_greedy(parent: Draft, group: list[Draft], open_rows: list[Draft], own) -> None:  # type: ignore[no-untyped-def]
    """Best single change first, while one strictly lowers (parent miss, children misses)."""
    width = len(parent.values)
    n = len(group)
    sums = _sums(group, width)
    own_now = {id(d): own(d, d.values) for d in open_rows}
    score = (round(_misses(parent.values, sums, n), 2), round(sum(own_now.values()), 2))
    for _ in range(4 * len(open_rows) + 4):
        best: tuple[tuple[float, float], Draft, int, list[float], float] | None = None
        for d in open_rows:
            cur = d.values
            for i, cand in enumerate(d.cands):
                if i == d.choice:
                    continue
                moved = [s - (a or 0.0) + (b or 0.0) for s, a, b in zip(sums, cur, cand)]
                o = own(d, cand)
                s = (round(_misses(parent.values, moved, n), 2),
                     round(score[1] - own_now[id(d)] + o, 2))
                if s < score and (best is None or s < best[0]):
                    best = (s, d, i, moved, o)
        if best is None:
            return
        score, d, i, sums, o = best
        d.choice = i
        own_now[id(d)] = o


def ties(drafts: Sequence[Draft], parent_of: Mapping[str, str]) -> list[tuple[Draft, int]]:
    """(row, placement) pairs that the sums around the row fit as well as its chosen one:
    moved alone, the row keeps its parent's and its own sums as they are. Only these can
    make a single row's placement a guess; any other move breaks a sum."""
    by_key, kids = _family(drafts, parent_of)

    def own(d: Draft, values: Values) -> float:
        below = kids.get(d.key)
        return _misses(values, _sums(below, len(values)), len(below)) if below else 0.0

    out: list[tuple[Draft, int]] = []
    for d in drafts:
        if len(d.cands) < 2:
            continue
        p = by_key.get(parent_of.get(d.key, ""))
        group = kids.get(p.key, []) if p is not None else []
        sums = _sums(group, len(d.values)) if p is not None else []
        def score(values: Values) -> float:
            s = own(d, values)
            if p is not None:
                moved = [x - (a or 0.0) + (b or 0.0) for x, a, b in zip(sums, d.values, values)]
                s += _misses(p.values, moved, len(group))
            return round(s, 2)
        now = score(d.values)
        out.extend((d, i) for i, c in enumerate(d.cands) if i != d.choice and score(c) <= now)
    return out
