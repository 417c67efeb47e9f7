"""Placing a row's values in its columns when cells went missing.

A page break or a space-separated extraction loses blank cells, so a row may carry fewer
cells than the table has columns and its values sit too far left. The values keep their
order; each can only have moved left. A row is placed by its own arithmetic first (合计 =
Σ parts); where several placements satisfy it, `tables_resolve` decides by the sums of
the rows around it. A value is never moved when the printed placement is consistent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations_with_replacement
from typing import Sequence

from xltools.core.model import Amount, ReadNote, Row, RowKind
from xltools.core.comparisons import NUDGE
from xltools.core.tolerance import tail_tolerance
from xltools.read.tables_cells import BLANKS as _BLANKS, to_amount

Values = tuple[Amount, ...]
Identity = tuple[int, tuple[int, ...]]  # total column index, part column indexes

_MAX_SHIFT = 8


def tolerance(cells: int) -> float:
    return tail_tolerance(cells) + NUDGE


def _off(total: Amount, parts: Sequence[Amount]) -> float:
    """How far a sum misses, beyond 尾差 (0 when it holds)."""
    diff = abs(round((total or 0.0) - sum(p or 0.0 for p in parts), 2))
    return diff if diff > tolerance(len(parts)) else 0.0


def holds(values: Values, identity: Identity | None) -> bool:
    if identity is None:
        return True
    t, parts = identity
    return _off(values[t], [values[p] for p in parts]) == 0.0


@dataclass
class Draft:
    """A row being read: its placements that satisfy its own arithmetic, best first."""

    key: str
    name: str
    line: int
    columns: tuple[str, ...]
    printed: Values  # left-aligned, as the cells came
    cands: list[Values]
    code: str | None = None
    kind: RowKind = "item"
    level: int = 0
    parent: str | None = None
    second_name: str | None = None
    choice: int = 0
    extra: list[str] = field(default_factory=list)  # cells that were not amounts

    @property
    def values(self) -> Values:
        return self.cands[self.choice]

    def row(self) -> Row:
        return Row(self.key, self.name, dict(zip(self.columns, self.values)), self.line, self.code,
                   self.kind, self.level, self.parent, self.second_name)


def place(cells: Sequence[str], columns: tuple[str, ...], identity: Identity | None) -> tuple[Values, list[Values], list[str]]:
    """Printed placement, candidate placements (best first) and any cells that are not
    amounts. A full row has one candidate: what was printed."""
    m = len(columns)
    extra: list[str] = []
    vals: list[Amount] = []
    for c in cells:
        v = to_number(c) if c else None
        if v is None and c and c not in _BLANKS:
            extra.append(c)
        vals.append(v)
    while len(vals) > m and vals[-1] is None:
        vals.pop()
    while len(vals) > m and None in vals:  # a stray blank cell: drop blanks from the left
        vals.remove(None)
    if len(vals) > m:  # more values than columns: keep the first, report the rest
        extra.extend(f"{v:.2f}" for v in vals[m:] if v is not None)
        vals = vals[:m]
    printed = tuple(vals) + (None,) * (m - len(vals))
    d = m - len(vals)
    filled = [(i, v) for i, v in enumerate(vals) if v is not None]
    if d == 0 or not filled or identity is None:
        return printed, [printed], extra
    cands: list[tuple[int, tuple[int, ...], Values]] = []
    near: list[tuple[float, int, tuple[int, ...], Values]] = []
    for shifts in combinations_with_replacement(range(min(d, _MAX_SHIFT) + 1), len(filled)):
        out: list[Amount] = [None] * m
        for (i, v), s in zip(filled, shifts):
            out[i + s] = v
        cand = tuple(out)
        if holds(cand, identity):
            cands.append((sum(shifts), shifts, cand))
        elif not cands:
            t, parts = identity
            near.append((_off(cand[t], [cand[p] for p in parts]), sum(shifts), shifts, cand))
    if not cands and near:
        # A typo broke the row's own sum: the placements it misses by least (by the typo
        # alone) are still the likely ones; the rows around it choose among them.
        least = min(x[0] for x in near)
        cands = [(n, sh, c) for miss, n, sh, c in near if miss <= least + NUDGE]
    if not cands:
        return printed, [printed], extra
    cands.sort(key=lambda c: (c[0], c[1]))
    ordered = [c[2] for c in cands]
    if printed in ordered:
        ordered.remove(printed)
        ordered.insert(0, printed)
    return printed, ordered, extra


def to_number(cell: str) -> Amount:
    try:
        return to_amount(cell)
    except ValueError:
        return None


def moved(d: Draft) -> str | None:
    """What moved between the printed cells and the chosen placement, in words."""
    if d.values == d.printed:
        return None
    src = [(i, v) for i, v in enumerate(d.printed) if v is not None]
    dst = [(i, v) for i, v in enumerate(d.values) if v is not None]
    parts = []
    for (i, v), (j, _) in zip(src, dst):
        if i != j:
            parts.append(f"{v:.2f} 从“{d.columns[i]}”移至“{d.columns[j]}”")
    return "，".join(parts) or None


def placement_notes(drafts: Sequence[Draft], table: int) -> list[ReadNote]:
    notes = []
    for d in drafts:
        what = moved(d)
        if what:
            label = f"{d.code} {d.name}".strip() if d.code else d.name
            notes.append(ReadNote("READ-PLACEMENT",
                                  f"表{table}“{label}”一行少了单元格，按金额关系放置：{what}", d.line, table))
        if d.extra:
            notes.append(ReadNote("READ-UNPLACED",
                                  f"表{table}“{d.name}”一行有无法识别的单元格：{'、'.join(d.extra)}", d.line, table))
    return notes
