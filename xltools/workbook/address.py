"""Where each cell went: `TableCell`/`Ref` → Excel address, decided before anything is written.

A figure has two cells: as it is now (`live`: an input as typed, a derived cell's formula)
and as printed (`printed`: a derived cell's 原表数 beside it). A Ref to a row the sheet
does not have maps to None, which formulas render as the constant 0 (what `judge` reads
for a missing cell).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from openpyxl.utils import get_column_letter

from xltools.core.layouts import LAYOUTS
from xltools.core.references import Ref, TableCell
from xltools.evaluation.plan import TablePlan
from xltools.workbook.sheets import TABLE_SHEETS, quoted

HEADER_ROWS = 2
ADDED_ROWS = 100  # rows below a table that a SUMIFS by code still reads (rows an officer adds)
FIRST_HEADER_ROW = 4


@dataclass
class SideGrid:
    name: str
    label_cols: tuple[int, ...]
    amount_cols: dict[str, int]


@dataclass
class SheetGrid:
    number: int
    sheet: str
    first_row: int
    sides: list[SideGrid]
    rows: dict[str, int] = field(default_factory=dict)
    side_rows: list[dict[str, int]] = field(default_factory=list)
    orig_cols: dict[str, int] = field(default_factory=dict)
    last_row: int = 0
    orig_offset: int = 0  # column of the 原表数 block = the table's column + this

    def orig_col(self, col: int) -> int:
        """The 原表数 block's column that mirrors the table's column `col`."""
        return col + self.orig_offset

    @property
    def last_col(self) -> int:
        return max(self.orig_cols.values(), default=self.last_table_col)

    @property
    def last_table_col(self) -> int:
        return max(c for s in self.sides for c in list(s.amount_cols.values()) + list(s.label_cols))

    def main_col(self, column: str) -> int | None:
        for s in self.sides:
            if column in s.amount_cols:
                return s.amount_cols[column]
        return None


def grid_for(plan: TablePlan) -> SheetGrid:
    n = plan.number
    first = FIRST_HEADER_ROW + HEADER_ROWS + (1 if LAYOUTS[n].kind.numbered_columns else 0)
    col = 1
    sides: list[SideGrid] = []
    for (side, _), side_lay, labels in zip(plan.sides, LAYOUTS[n].sides, LAYOUTS[n].labels):
        label_cols = tuple(range(col, col + len(labels)))
        col += len(labels)
        amounts = {c.key: col + i for i, c in enumerate(side_lay.columns)}
        col += len(side_lay.columns)
        sides.append(SideGrid(side, label_cols, amounts))
    grid = SheetGrid(n, TABLE_SHEETS[n], first, sides)
    height = max(len(rows) for _, rows in plan.sides)
    for i, (_, rows) in enumerate(plan.sides):
        pos: dict[str, int] = {}
        for j, p in enumerate(rows):
            # 表1/表4 print 收入总计 on the same line as 支出总计.
            last = LAYOUTS[n].kind.totals_level and i == 0 and j == len(rows) - 1
            pos[p.key] = first + (height - 1 if last else j)
        grid.side_rows.append(pos)
        grid.rows.update(pos)
    grid.last_row = first + height - 1
    # The 原表数 block is the table again, as printed, after a blank column: the same
    # columns in the same order (labels too), so that it prints like the document's page.
    grid.orig_offset = col
    for s in sides:
        for key, c in s.amount_cols.items():
            grid.orig_cols[key] = c + grid.orig_offset
    return grid


def cell(col: int, row: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{get_column_letter(col)}{d}{row}"


class AddressMap:
    """Both views of every table cell, plus the cells of the 情况说明 and 绩效 sheets."""

    def __init__(self, plans: dict[int, TablePlan], grids: dict[int, SheetGrid]) -> None:
        self.plans = plans
        self.grids = grids
        self.derived: set[TableCell] = {k for p in plans.values() for k in p.derived}
        self.other: dict[Ref, tuple[str, str]] = {}  # Ref → (sheet, cell) on non-table sheets

    def live_cell(self, key: TableCell) -> tuple[str, str] | None:
        g = self.grids[key.table]
        row = g.rows.get(key.row)
        col = g.main_col(key.column)
        if row is None or col is None:
            return None
        return g.sheet, cell(col, row)

    def by_code(self, key: TableCell, here: str | None = None, code_cell: str | None = None) -> str | None:
        """A coded row the sheet does not have, as the SUMIFS of its code over the sheet's
        rows (and the rows below, where an officer adds some): a class an officer adds to a
        detail table reaches the tables that restate it."""
        g = self.grids[key.table]
        col = g.main_col(key.column)
        if key.row in g.rows or col is None or not LAYOUTS[key.table].coded or not key.row.isdigit():
            return None
        code_col = g.sides[0].label_cols[0]
        last = max(g.last_row, g.first_row) + ADDED_ROWS
        prefix = "" if g.sheet == here else f"{quoted(g.sheet)}!"
        amounts = f"{prefix}{cell(col, g.first_row, True)}:{cell(col, last, True)}"
        codes = f"{prefix}{cell(code_col, g.first_row, True)}:{cell(code_col, last, True)}"
        criterion = code_cell or f'"{key.row}"'
        return f"SUMIFS({amounts},{codes},{criterion})"

    def orig_cell(self, key: TableCell) -> tuple[str, str] | None:
        g = self.grids[key.table]
        row = g.rows.get(key.row)
        col = g.orig_cols.get(key.column)
        if row is None or col is None:
            return None
        return g.sheet, cell(col, row)

    def live(self, ref: Ref) -> tuple[str, str] | None:
        """The cell holding the figure `ref` names as it is now, or None (→ 0): a table
        cell of a row the sheet has, or a cell of the 情况说明/绩效 sheets."""
        if isinstance(ref, TableCell):
            return self.live_cell(ref)
        return self.other.get(ref)

    def printed(self, ref: Ref) -> tuple[str, str] | None:
        """The cell holding the figure `ref` names as the document printed it: a derived
        cell's 原表数, any other cell itself."""
        if isinstance(ref, TableCell):
            key = ref
            if key in self.derived:
                return self.orig_cell(key)
        return self.live(ref)

    def judging(self, target: Ref | None) -> Callable[[Ref], tuple[str, str] | None]:
        """How a 校验 row addresses its figures (`evaluation`): all live, but for the
        derived cell whose own identity it is, read as printed."""
        if target is None:
            return self.live
        return lambda ref: self.printed(ref) if ref == target else self.live(ref)

    @staticmethod
    def a1(place: tuple[str, str], here: str | None = None) -> str:
        sheet, c = place
        return c if sheet == here else f"{quoted(sheet)}!{c}"
