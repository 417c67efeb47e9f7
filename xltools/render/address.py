"""Where each cell went: `CellKey`/`Ref` → Excel address, decided before anything is written.

Rules read *printed* figures: an input cell is its own printed figure; a derived cell's
printed figure is its 原表数 beside it. A Ref to a row the document does not have maps
to None, which formulas render as the constant 0 (what `judge` reads for a missing cell).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from ..layouts import LAYOUTS
from ..rules.core import Ref
from .plan import CellKey, TablePlan
from .sheets import TABLE_SHEETS, quoted

LABELS: dict[int, tuple[tuple[str, ...], ...]] = {
    1: (("项目",), ("科目编码", "项目")),
    2: (("科目编码", "科目名称"),),
    3: (("科目编码", "科目名称"),),
    4: (("项目",), ("科目编码", "项目")),
    5: (("科目编码", "科目名称"),),
    6: (("部门预算经济科目", "政府预算经济科目"),),
    7: (("科目编码", "科目名称"),),
    8: (("科目编码", "科目名称"),),
    9: (("科目编码", "科目名称"), ("科目编码", "科目名称")),
    10: (("项目",),),
    11: (("单位名称",),),
    12: (("项目名称",),),
    13: (("项目名称",),),
}
# Printed above the label columns of single-sided tables, as 项目 over 科目编码 / 科目名称.
LABEL_GROUPS: dict[int, str] = {2: "项目", 3: "项目", 5: "项目", 7: "项目"}
HEADER_ROWS = 2
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
    first = FIRST_HEADER_ROW + HEADER_ROWS + (1 if n in (12, 13) else 0)
    col = 1
    sides: list[SideGrid] = []
    for (side, _), side_lay, labels in zip(plan.sides, LAYOUTS[n].sides, LABELS[n]):
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
            last = n in (1, 4) and i == 0 and j == len(rows) - 1
            pos[p.key] = first + (height - 1 if last else j)
        grid.side_rows.append(pos)
        grid.rows.update(pos)
    grid.last_row = first + height - 1
    col += 1  # a blank column before the 原表数 block
    for s in sides:
        for key in s.amount_cols:
            grid.orig_cols[key] = col
            col += 1
    return grid


def cell(col: int, row: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{get_column_letter(col)}{d}{row}"


class AddressMap:
    """Both views of every table cell, plus the cells of the 情况说明 and 绩效 sheets."""

    def __init__(self, plans: dict[int, TablePlan], grids: dict[int, SheetGrid]) -> None:
        self.plans = plans
        self.grids = grids
        self.derived: set[CellKey] = {k for p in plans.values() for k in p.derived}
        self.other: dict[Ref, tuple[str, str]] = {}  # Ref → (sheet, cell) on non-table sheets

    def live_cell(self, key: CellKey) -> tuple[str, str] | None:
        g = self.grids[key[0]]
        row = g.rows.get(key[1])
        col = g.main_col(key[2])
        if row is None or col is None:
            return None
        return g.sheet, cell(col, row)

    def orig_cell(self, key: CellKey) -> tuple[str, str] | None:
        g = self.grids[key[0]]
        row = g.rows.get(key[1])
        col = g.orig_cols.get(key[2])
        if row is None or col is None:
            return None
        return g.sheet, cell(col, row)

    def printed(self, ref: Ref) -> tuple[str, str] | None:
        """The cell holding the figure `ref` names as printed, or None (→ 0)."""
        if ref.sheet.startswith("t") and ref.sheet[1:].isdigit():
            n = int(ref.sheet[1:])
            table = self.plans[n].table
            if table is None or table.row(ref.row) is None:
                return None
            key = (n, ref.row, ref.column)
            return self.orig_cell(key) if key in self.derived else self.live_cell(key)
        return self.other.get(ref)

    @staticmethod
    def a1(place: tuple[str, str], here: str | None = None) -> str:
        sheet, c = place
        return c if sheet == here else f"{quoted(sheet)}!{c}"
