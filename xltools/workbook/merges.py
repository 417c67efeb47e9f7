"""Merging cells as openpyxl's `merge_cells` merges them, each shape worked out once.

openpyxl's merge replaces the range's cells by MergedCells and then draws the merge's edges
on them one side at a time: every edge cell's border is read, added to a new Border, and that
Border hashed to find its index in the workbook's list (and each cell's protection copied
and hashed likewise). A seed's workbook merges the same few header shapes, styled the same
way, hundreds of times: a twentieth of building it. The outcome depends only on the range's
shape and the style arrays of its first and last cells, so the first merge of each such kind
is made by openpyxl, and the others copy the style arrays it left, cell for cell. The
workbook's style lists end the same: each style a copy would have added is in them already,
added by that first merge, in the same order.
"""
from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from openpyxl.cell.cell import MergedCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

# What a cell is before the merge: absent, or its kind and style array.
_State = tuple[str, bytes | None]
# (rows, columns, first cell, last cell) → the first cell's array after the merge, and every
# other cell's, row by row.
_Key = tuple[int, int, _State, _State]
_Outcome = tuple[StyleArray | None, list[StyleArray | None]]

# Per workbook: a style array's numbers are indices into its own workbook's lists.
_made: WeakKeyDictionary[Workbook, dict[_Key, _Outcome]] = WeakKeyDictionary()


# A cell's `_style` (openpyxl's array of its style's indices) is a slot the stubs do not
# declare: the cells are handled untyped here.
def _state(cell: Any) -> _State:
    if cell is None:
        return ("", None)
    array: StyleArray | None = cell._style
    return (type(cell).__name__, None if array is None else array.tobytes())


def _copy(array: StyleArray | None) -> StyleArray | None:
    return None if array is None else StyleArray(array)


def merge(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """`ws.merge_cells(start_row=…, start_column=…, end_row=…, end_column=…)`, the same cells
    and styles."""
    book = ws.parent
    assert book is not None  # a sheet being written belongs to its workbook
    made = _made.setdefault(book, {})
    cells: dict[tuple[int, int], Any] = ws._cells  # type: ignore[attr-defined]
    key = (last_row - first_row, last_col - first_col, _state(cells.get((first_row, first_col))),
           _state(cells.get((last_row, last_col))))
    outcome = made.get(key)
    if outcome is None:
        ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)
        rest = [cells[(r, c)]._style for r in range(first_row, last_row + 1)
                for c in range(first_col, last_col + 1) if (r, c) != (first_row, first_col)]
        made[key] = (_copy(cells[(first_row, first_col)]._style), [_copy(a) for a in rest])
        return
    start_array, arrays = outcome
    # As openpyxl's MergedCellRange: the first cell made if absent, the range added, then
    # every other cell replaced by a MergedCell, in the same order.
    start: Any = cells.get((first_row, first_col))
    if start is None:
        start = ws.cell(first_row, first_col)
    start._style = _copy(start_array)
    mcr = MergedCellRange.__new__(MergedCellRange)
    CellRange.__init__(mcr, min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row)
    mcr.ws = ws
    mcr.start_cell = start
    ws.merged_cells.add(mcr)
    i = 0
    for r in range(first_row, last_row + 1):
        for c in range(first_col, last_col + 1):
            if (r, c) == (first_row, first_col):
                continue
            merged: Any = MergedCell(ws, r, c)
            merged._style = _copy(arrays[i])
            cells[(r, c)] = merged
            i += 1
