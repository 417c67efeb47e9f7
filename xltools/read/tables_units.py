"""表12/13: which rows under the grand total are unit subtotals, decided by arithmetic.

Below 总计 come projects, or one or two levels of unit subtotal rows each followed by
what sums into it. A row is a subtotal when the rows that follow it, up to the next row
of its level, add up to it (and there is at least one); the units of a level add up to
their parent. A unit row that repeats the department's name and amount is such a
subtotal, so it is never counted twice. The simplest structure that ties out wins;
when the units tie out but not to 总计, they are still units.
"""
from __future__ import annotations

from typing import Sequence

from ..tolerance import tail_cents

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
