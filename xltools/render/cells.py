"""Small writers shared by every sheet: text that stays text, styled header cells."""
from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from .sheets import BODY_FONT, BOX, CENTER, HEADER_FILL, HEADER_FONT, TEXT_FORMAT


def put_text(ws: Worksheet, row: int, col: int, text: str | None, *, code: bool = False) -> Cell:
    """Text from a document goes in as a string, never as a formula (even "=…")."""
    c = ws.cell(row, col)
    if text is None or text == "":
        return c
    c.value = str(text)
    c.data_type = "s"
    if code:
        c.number_format = TEXT_FORMAT
    c.font = BODY_FONT
    return c


def put_header(ws: Worksheet, row: int, col: int, text: str, *, last_row: int | None = None,
               last_col: int | None = None) -> None:
    put_text(ws, row, col, text)
    last_row = last_row or row
    last_col = last_col or col
    for r in range(row, last_row + 1):
        for c in range(col, last_col + 1):
            cell = ws.cell(r, c)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = CENTER
            cell.border = BOX
    if last_row > row or last_col > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)


def fit_to_width(ws: Worksheet, *, landscape: bool = True, title_rows: str | None = None) -> None:
    """Print all columns on one page width (a wide sheet otherwise splits into strips)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows
