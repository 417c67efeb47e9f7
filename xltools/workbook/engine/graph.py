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
    """(users, level): `users[j]` the formula cells reading formula cell j; `level[i]` its depth."""
    index = {c: i for i, c in enumerate(cells)}
    by_sheet: dict[int, list[int]] = defaultdict(list)
    for i, (si, _, _) in enumerate(cells):
        by_sheet[si].append(i)
    users: list[list[int]] = [[] for _ in cells]
    waiting = [0] * len(cells)
    # A range many cells read (校验's columns, looked up by each row of 问题) is resolved once.
    ranges: dict[Ref, tuple[int, ...]] = {}

    def reads_of(ref: Ref) -> Iterable[int]:
        if ref.shape == (1, 1):
            return _reads(ref, index, by_sheet, cells)
        got = ranges.get(ref)
        if got is None:
            got = ranges[ref] = tuple(_reads(ref, index, by_sheet, cells))
        return got

    for i, own in enumerate(refs):
        reads = {j for ref in own for j in reads_of(ref)}
        if i in reads:
            raise NotModelled(f"a cycle: {name(cells[i])} reads itself")
        for j in reads:
            users[j].append(i)
        waiting[i] = len(reads)
    level = [0] * len(cells)
    ready = [i for i, n in enumerate(waiting) if n == 0]
    done = 0
    while ready:
        done += len(ready)
        nxt = []
        for j in ready:
            for i in users[j]:
                level[i] = max(level[i], level[j] + 1)
                waiting[i] -= 1
                if waiting[i] == 0:
                    nxt.append(i)
        ready = nxt
    if done != len(cells):
        stuck = next(cells[i] for i, n in enumerate(waiting) if n)
        raise NotModelled(f"a cycle through {name(stuck)}")
    return users, level


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


def downstream(starts: set[int], users: Sequence[list[int]]) -> list[int]:
    """`starts` and every formula cell that reads them, directly or not, sorted."""
    seen, stack = set(starts), list(starts)
    while stack:
        for u in users[stack.pop()]:
            if u not in seen:
                seen.add(u)
                stack.append(u)
    return sorted(seen)
