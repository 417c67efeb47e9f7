"""表12/13: which rows under the grand total are unit subtotals, decided by arithmetic.

Below 总计 come projects, or one or two levels of unit subtotal rows each followed by
what sums into it. A row is a subtotal when the rows that follow it, up to the next row
of its level, add up to it (and there is at least one); the units of a level add up to
their parent. A unit row that repeats the department's name and amount is such a
subtotal, so it is never counted twice. The simplest structure that ties out wins.
"""
from __future__ import annotations

from typing import Sequence

Node = tuple[int, int, bool]  # row index, parent index (-1: 总计), is a unit subtotal

_BUDGET = 20000  # search steps before giving up on a table that does not tie out


def _tol(n: int) -> int:
    """尾差 in cents for a sum of n cells: 0.005 × n 万元, at least 0.01."""
    return max(1, n // 2)


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
        return self.units(a, b, total, depth, par)

    def units(self, i: int, j: int, total: int, depth: int, par: int) -> list[Node] | None:
        """A depth-first search over where each unit's block ends; units are rare and
        amounts positive, so the first consistent split is nearly always the only one."""
        stack: list[tuple[int, int, int, list[Node]]] = [(i, total, 0, [])]
        while stack:
            self.steps += 1
            if self.steps > _BUDGET:
                return None
            pos, rem, k, acc = stack.pop()
            if pos == j:
                if k > 0 and abs(rem) <= _tol(k):
                    return acc
                continue
            x = self.x[pos]
            options: list[tuple[int, list[Node]]] = []
            for child_depth in range(depth - 1, -1, -1):
                factor = child_depth + 1  # a block of units with projects sums to twice its parent
                for q in range(pos + 1, j):
                    n = (q - pos) * factor
                    s = self.total(pos + 1, q + 1)
                    if self.monotone and s > factor * x + _tol(n):
                        break
                    if abs(s - factor * x) > _tol(n):
                        continue
                    inner = self.block(pos + 1, q + 1, x, child_depth, pos)
                    if inner is not None:
                        options.append((q, inner))
            for q, inner in reversed(options):
                stack.append((q + 1, rem - x, k + 1, acc + [(pos, par, True)] + inner))
        return None


def unit_structure(amounts: Sequence[float], total: float) -> list[Node] | None:
    """Parent and unit flag for each row below the grand total, or None when no
    structure of up to two unit levels ties out."""
    if not amounts:
        return []
    cents = [int(round(a * 100)) for a in amounts]
    t = int(round(total * 100))
    search = _Search(cents)
    for depth in (0, 1, 2):
        found = search.block(0, len(cents), t, depth, -1)
        if found is not None:
            return found
    return None
