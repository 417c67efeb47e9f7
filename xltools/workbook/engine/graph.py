"""The cell dependency graph of a workbook's formulas: who reads whom, in which order.

`levels` gives each formula cell its depth (0: reads no formula cell), which is the order
of evaluation and the unit of batching; a cycle raises `NotModelled`. `Readers` answers the
incremental question: which formula cells read this input cell.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable, Sequence

from xltools.workbook.engine.template import Ref
from xltools.workbook.engine.xlsx_cells import Cell, NotModelled

WIDE = 256  # a reference over more cells is tested one by one, not indexed cell by cell


def _reads(ref: Ref, index: dict[Cell, int], by_sheet: dict[int, list[int]], cells: Sequence[Cell]) -> Iterable[int]:
    h, w = ref.shape
    if h * w <= len(by_sheet.get(ref.sheet, ())):
        for r in range(ref.r1, ref.r2 + 1):
            for c in range(ref.c1, ref.c2 + 1):
                j = index.get((ref.sheet, r, c))
                if j is not None:
                    yield j
    else:  # a range larger than its sheet's formula cells: scan those instead
        for j in by_sheet.get(ref.sheet, ()):
            _, r, c = cells[j]
            if ref.r1 <= r <= ref.r2 and ref.c1 <= c <= ref.c2:
                yield j


def levels(cells: Sequence[Cell], refs: Sequence[tuple[Ref, ...]],
           name: Callable[[Cell], str]) -> tuple[list[list[int]], list[int]]:
    """(users, level): `level[i]` formula cell i's depth; `users[j]` the nodes reading node j,
    where nodes 0…n-1 are the formula cells and the nodes after them the ranges of several
    cells that cover formula cells. A range is a node of its own (the cells it covers → the
    range → the cells reading it) rather than an edge from each covered cell to each reader:
    the live 问题 rows each read 校验's columns, a million edges otherwise. A range's node
    is as deep as its deepest cell and its readers one deeper, so every formula cell's level
    is what the edges cell to cell would give."""
    n = len(cells)
    index = {c: i for i, c in enumerate(cells)}
    by_sheet: dict[int, list[int]] = defaultdict(list)
    for i, (si, _, _) in enumerate(cells):
        by_sheet[si].append(i)
    users: list[list[int]] = [[] for _ in cells]
    ranges: dict[Ref, int | None] = {}  # a range → its node (None: it covers no formula cell)

    def node_of(ref: Ref) -> int | None:
        if ref in ranges:
            return ranges[ref]
        covered = list(_reads(ref, index, by_sheet, cells))
        node = None
        if covered:
            node = len(users)
            users.append([])
            for j in covered:
                users[j].append(node)
        ranges[ref] = node
        return node

    reads_of: list[set[int]] = []
    for own in refs:
        reads: set[int] = set()
        for ref in own:
            if ref.r1 == ref.r2 and ref.c1 == ref.c2:
                j = index.get((ref.sheet, ref.r1, ref.c1))
                if j is not None:
                    reads.add(j)
            else:
                node = node_of(ref)
                if node is not None:
                    reads.add(node)
        reads_of.append(reads)
    waiting = [0] * len(users)
    for i, reads in enumerate(reads_of):
        for j in reads:
            users[j].append(i)
        waiting[i] = len(reads)
    for j in range(n):
        for u in users[j]:
            if u >= n:
                waiting[u] += 1
    level = [0] * len(users)
    ready = [i for i in range(len(users)) if waiting[i] == 0]
    done = 0
    while ready:
        done += len(ready)
        nxt = []
        for j in ready:
            lj = level[j]
            for u in users[j]:
                d = lj + 1 if u < n else lj  # a range is as deep as its deepest cell
                if d > level[u]:
                    level[u] = d
                waiting[u] -= 1
                if waiting[u] == 0:
                    nxt.append(u)
        ready = nxt
    if done != len(users):
        stuck = [i for i in range(n) if waiting[i]]
        for i in stuck:
            if any(_covers(ref, cells[i]) for ref in refs[i]):
                raise NotModelled(f"a cycle: {name(cells[i])} reads itself")
        raise NotModelled(f"a cycle through {name(cells[stuck[0]])}")
    return users, level[:n]


def _covers(ref: Ref, cell: Cell) -> bool:
    return ref.sheet == cell[0] and ref.r1 <= cell[1] <= ref.r2 and ref.c1 <= cell[2] <= ref.c2


class Readers:
    """Input cell → the formula cells whose references cover it."""

    def __init__(self, refs: Sequence[tuple[Ref, ...]]) -> None:
        narrow: dict[Cell, list[int]] = defaultdict(list)
        self._wide: list[tuple[Ref, int]] = []
        for i, own in enumerate(refs):
            for ref in own:
                h, w = ref.shape
                if h * w > WIDE:
                    self._wide.append((ref, i))
                    continue
                for r in range(ref.r1, ref.r2 + 1):
                    for c in range(ref.c1, ref.c2 + 1):
                        narrow[(ref.sheet, r, c)].append(i)
        self._narrow = dict(narrow)

    def of(self, changed: Iterable[Cell]) -> set[int]:
        changed = list(changed)
        out = {i for c in changed for i in self._narrow.get(c, ())}
        out.update(i for ref, i in self._wide for c in changed
                   if c[0] == ref.sheet and ref.r1 <= c[1] <= ref.r2 and ref.c1 <= c[2] <= ref.c2)
        return out


def downstream(starts: set[int], users: Sequence[list[int]], n: int) -> list[int]:
    """`starts` and every formula cell that reads them, directly or through a range, sorted;
    `n`: how many formula cells (the nodes after them are ranges: see `levels`)."""
    seen, stack = set(starts), list(starts)
    while stack:
        for u in users[stack.pop()]:
            if u not in seen:
                seen.add(u)
                stack.append(u)
    return sorted(i for i in seen if i < n)
