"""表12/13: which rows under the grand total are unit subtotals, decided by their names and
their sums.

Below 总计 come projects, or one or two levels of unit subtotal rows each followed by
what sums into it. By the sums (`unit_structure`): a row is a subtotal when the rows that
follow it, up to the next row of its level, add up to it (and there is at least one); the
units of a level add up to their parent. A unit row that repeats the department's name and
amount is such a subtotal, so it is never counted twice. The simplest structure that ties
out wins; when the units tie out but not to 总计, they are still units. By the names
(`by_names_and_sums`): a row named as a unit is printed elsewhere (the department, 表11, the
绩效 tables' 实施单位, the 单位名称 lines); where the two disagree, the structure that needs
the fewest corrections wins, so a typo breaks its own row's sums, never the whole table.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from xltools.core.tolerance import tail_cents

Node = tuple[int, int, bool]  # row index, parent index (-1: 总计), is a unit subtotal

_BUDGET = 20000  # search steps before giving up on a table that does not tie out


def _tol(n: int) -> int:
    return tail_cents(n)


# A unit found at `pos` whose block ends at `q`, and the units of that block (None: projects).
_Chain = tuple["_Chain | None", int, int, "list[Node] | None"]


class _Search:
    def __init__(self, cents: Sequence[int]) -> None:
        self.x = cents
        self.prefix = [0]
        for c in cents:
            self.prefix.append(self.prefix[-1] + c)
        self.monotone = all(c >= 0 for c in cents)
        self.steps = 0

    def total(self, a: int, b: int) -> int:
        return self.prefix[b] - self.prefix[a]

    def block(self, a: int, b: int, total: int, depth: int, par: int) -> list[Node] | None:
        """rows[a:b] under a parent of `total`: all projects (depth 0), or a sequence of
        units whose own blocks are one level shallower (or projects)."""
        if a >= b:
            return None
        if depth == 0:
            ok = abs(self.total(a, b) - total) <= _tol(b - a)
            return [(q, par, False) for q in range(a, b)] if ok else None
        # Each level of units with projects below adds the parent's amount once more.
        s, n = self.total(a, b), b - a
        if not (total * 2 - _tol(n) <= s <= total * (depth + 1) + _tol(n)) and self.monotone:
            return None
        return self.units(a, b, total, depth, par)

    def units(self, i: int, j: int, total: int | None, depth: int, par: int) -> list[Node] | None:
        """A depth-first search over where each unit's block ends; with positive amounts
        the first consistent split is nearly always the only one. A `total` of None
        accepts units that do not add up to it (the grand total itself is off)."""
        stack: list[tuple[int, int, int, _Chain | None]] = [(i, total or 0, 0, None)]
        while stack:
            pos, rem, k, chain = stack.pop()
            if pos == j:
                if k > 0 and (total is None or abs(rem) <= _tol(k)):
                    return self._nodes(chain, par)
                continue
            x = self.x[pos]
            options: list[tuple[int, list[Node] | None]] = []
            for child_depth in range(depth - 1, -1, -1):
                factor = child_depth + 1  # a block of units with projects sums to twice its parent
                for q in range(pos + 1, j):
                    self.steps += 1
                    if self.steps > _BUDGET:
                        return None
                    n = (q - pos) * factor
                    s = self.total(pos + 1, q + 1)
                    if self.monotone and s > factor * x + _tol(n):
                        break
                    if abs(s - factor * x) > _tol(n):
                        continue
                    if child_depth == 0:
                        options.append((q, None))
                        continue
                    inner = self.block(pos + 1, q + 1, x, child_depth, pos)
                    if inner is not None:
                        options.append((q, inner))
            for q, inner in reversed(options):
                stack.append((q + 1, rem - x, k + 1, (chain, pos, q, inner)))
        return None

    @staticmethod
    def _nodes(chain: _Chain | None, par: int) -> list[Node]:
        groups = []
        while chain is not None:
            chain, pos, q, inner = chain
            groups.append((pos, q, inner))
        out: list[Node] = []
        for pos, q, inner in reversed(groups):
            out.append((pos, par, True))
            out.extend(inner if inner is not None else [(r, pos, False) for r in range(pos + 1, q + 1)])
        return out


def unit_structure(amounts: Sequence[float], total: float) -> list[Node] | None:
    """Parent and unit flag for each row below the grand total, or None when no
    structure of up to two unit levels ties out."""
    if not amounts:
        return []
    cents = [int(round(a * 100)) for a in amounts]
    t = int(round(total * 100))
    search = _Search(cents)
    for depth in (0, 1, 2):
        search.steps = 0
        found = search.block(0, len(cents), t, depth, -1)
        if found is not None:
            return found
    # The units do not add up to 总计 (an error the rules report), but each still equals
    # the rows below it.
    for depth in (1, 2):
        search.steps = 0
        found = search.units(0, len(cents), None, depth, -1)
        if found is not None:
            return found
    return None


# --- Names and sums together ------------------------------------------------------------
# A typo breaks one of the sums the arithmetic search relies on, never the names: the rows
# named as units (the department, 表11's units, the 实施单位 of the 绩效 tables, the 单位名称
# lines) give another structure, and of the structures either kind of evidence allows, the
# one that needs the fewest corrections is kept. One wrong figure then breaks the
# sums through its own row only.

_BRACKETS = str.maketrans("()", "（）")
_CODE = re.compile(r"^\d{3,}[-－—]")
_OWN = re.compile(r"(?:（?本级）?|（?机关本级）?|（?本部）?)$")
_SAME = 2  # cents: two residuals one typo explains agree to rounding
_TREES = 64  # nestings of flagged rows tried (a unit directly above units may hold them)


def unit_key(name: str) -> str:
    """A unit's name as compared: no spaces, full-width brackets, no code in front, no
    trailing 本级."""
    s = re.sub(r"\s+", "", name).translate(_BRACKETS)
    s = _CODE.sub("", s) or s  # "601-某某局": the code some tables print before the name
    return _OWN.sub("", s) or s


Vector = Sequence[float | None]


def _cents(v: Vector) -> list[int]:
    return [int(round((x or 0.0) * 100)) for x in v]


def corrections(nodes: Sequence[Node], rows: Sequence[Vector], total: Vector) -> int:
    """How many printed figures a structure says are wrong, column by column: none when its
    identities hold (each parent = Σ its direct children; with units, 总计 = Σ projects); one
    when a single figure's change would make every broken one hold (a typo breaks each
    identity its figure is in, all by the same amount); else one per broken identity. So a
    structure is not blamed for being richer in identities than another."""
    vals = [_cents(r) for r in rows]
    top = _cents(total)
    kids: dict[int, list[int]] = {}
    for i, parent, _ in nodes:
        kids.setdefault(parent, []).append(i)
    items = [i for i, _, u in nodes if not u]
    with_units = any(u for _, _, u in nodes)
    # Each identity: (its figure, the figures that add into it); -2 stands for 总计 = Σ projects.
    ids = [(p, ch) for p, ch in kids.items()] + ([(-2, items)] if with_units else [])
    # Where each figure sits: +1 where it is the total, -1 where it is a part.
    sign: dict[int, dict[int, int]] = {}
    for k, (p, ch) in enumerate(ids):
        sign.setdefault(-1 if p == -2 else p, {})[k] = 1
        for c in ch:
            sign.setdefault(c, {})[k] = -1
    out = 0
    for col in range(len(top)):
        def own(x: int) -> int:
            return top[col] if x < 0 else vals[x][col]
        miss = {}
        for k, (p, ch) in enumerate(ids):
            r = own(p) - sum(vals[c][col] for c in ch)
            if abs(r) > tail_cents(len(ch)):
                miss[k] = r
        if not miss:
            continue
        def fixes(sg: dict[int, int]) -> bool:
            if set(sg) != set(miss):
                return False
            moves = [miss[k] * sg[k] for k in miss]
            return max(moves) - min(moves) <= _SAME
        one = any(fixes(sg) for sg in sign.values())
        out += 1 if one else len(miss)
    return out


def _trees(flags: Sequence[int], n: int) -> list[list[Node]]:
    """Structures with exactly the flagged rows as units, one or two levels: a flagged row
    directly above another flagged row holds the units below it, up to one of the following
    flagged rows (each end is tried); any other flagged row holds the rows down to the next."""
    flagged = sorted(set(flags))
    is_flag = set(flagged)
    out: list[list[Node]] = []

    def leaf(u: int, stop: int, par: int) -> list[Node] | None:
        # A subtotal row holds at least one row: a unit's name on the last row is a project's.
        return [(u, par, True)] + [(r, u, False) for r in range(u + 1, stop)] if stop > u + 1 else None

    def build(pos: int, acc: list[Node]) -> None:
        if len(out) >= _TREES:
            return
        if pos >= n:
            out.append(acc)
            return
        if pos not in is_flag:  # rows above the first unit add straight into 总计
            build(pos + 1, acc + [(pos, -1, False)])
            return
        nxt = next((f for f in flagged if f > pos), n)
        if nxt == pos + 1:
            # A group: the units from pos + 1 up to one of the later flagged rows (or the end).
            ends = [f for f in flagged if f > nxt] + [n]
            for end in ends:
                inner: list[Node] = [(pos, -1, True)]
                subs = [f for f in flagged if pos < f < end]
                blocks = [leaf(f, subs[k + 1] if k + 1 < len(subs) else end, pos) for k, f in enumerate(subs)]
                if all(b is not None for b in blocks):
                    build(end, acc + inner + [x for b in blocks if b is not None for x in b])
            return
        block = leaf(pos, nxt, -1)
        if block is not None:
            build(nxt, acc + block)

    build(0, [])
    return out


def by_names_and_sums(names: Sequence[str], rows: Sequence[Vector], total: Vector,
                      units: Iterable[str]) -> tuple[list[Node], bool] | None:
    """The structure below 总计 that needs the fewest corrections (`corrections`) among those
    the names (`units`: unit names printed anywhere) and the sums (`unit_structure`) allow;
    ties go to the one that agrees most with the names, then to the arithmetic. None when no
    name names a unit and the arithmetic found nothing either (the caller's fallback). The
    flag says the names decided where the sums could not (the structure leaves a sum broken)."""
    known = {unit_key(u) for u in units if u.strip()}
    flags = [i for i, name in enumerate(names) if unit_key(name) in known]
    arith = unit_structure([r[0] or 0.0 for r in rows], total[0] or 0.0)
    if not flags:
        return (arith, False) if arith is not None else None
    candidates: list[tuple[int, list[Node]]] = []  # (preference, structure)
    if arith is not None:
        candidates.append((1, arith))
    candidates += [(0, t) for t in _trees(flags, len(rows))]
    if len(flags) <= 40:
        # A project may carry a unit's name: each flagged row in turn read as a project.
        for f in flags:
            rest = [x for x in flags if x != f]
            flat: list[Node] = [(i, -1, False) for i in range(len(rows))]
            candidates += [(2, t) for t in _trees(rest, len(rows))] if rest else [(2, flat)]
    if not candidates:
        return (arith, False) if arith is not None else None
    flag_set = set(flags)
    # The 合计 column only: the first amount of a row is never misplaced, where the others
    # may still wait for their columns (a space-separated extraction).
    first = [r[:1] for r in rows]

    def score(c: tuple[int, list[Node]]) -> tuple[int, int, int]:
        pref, nodes = c
        disagree = sum(1 for i, _, u in nodes if u != (i in flag_set))
        return (corrections(nodes, first, total[:1]), disagree, pref)

    best = min(candidates, key=score)
    return best[1], score(best)[0] > 0
