"""A sheet's cells reached without openpyxl's per-call checks, the same cells made.

`ws.cell(r, c)` validates its arguments and looks the cell up twice before returning it;
`ws.iter_rows()` goes through `ws.cell` for every position of its rectangle. The writers and
the sizing walk tens of thousands of cells a workbook, most of them already made: here a made
cell is taken from the sheet's own table, and a missing one is made by `ws.cell`, in the order
openpyxl would make it (its table's order is the order the sheet's rows are written in).
"""
from __future__ import annotations

from typing import Any, Iterator

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet


def _table(ws: Worksheet) -> dict[tuple[int, int], Any]:
    cells: dict[tuple[int, int], Any] = ws._cells  # type: ignore[attr-defined]
    return cells


def cell_at(ws: Worksheet, row: int, col: int) -> Cell | MergedCell:
    """`ws.cell(row, col)`."""
    table = _table(ws)
    found: Cell | MergedCell | None = table.get((row, col))
    if found is not None:
        return found
    if not (0 < row < 1048577 and 0 < col < 16385):
        return ws.cell(row, col)  # out of the sheet: openpyxl's own error
    # Made as `ws.cell` makes it (`Worksheet._add_cell`): the sheet's last row follows.
    made = table[(row, col)] = Cell(ws, row=row, column=col)
    if row > ws._current_row:  # type: ignore[attr-defined]
        ws._current_row = row  # type: ignore[attr-defined]
    return made


def rows_from(ws: Worksheet, first_row: int) -> Iterator[tuple[Cell | MergedCell, ...]]:
    """`ws.iter_rows(min_row=first_row)`: from column 1 to the last column, the rectangle's
    bounds taken when the walk starts."""
    table = _table(ws)
    found = table.get
    last_col, last_row = ws.max_column, ws.max_row
    columns = range(1, last_col + 1)
    for r in range(first_row, last_row + 1):
        # `cell_at` inlined: sizing walks every cell of every sheet this way.
        row = []
        for c in columns:
            cell = found((r, c))
            row.append(cell_at(ws, r, c) if cell is None else cell)
        yield tuple(row)
