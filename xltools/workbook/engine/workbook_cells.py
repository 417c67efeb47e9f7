"""The cells of an openpyxl workbook in memory, as `xlsx_cells.read_book` reads them back from
the file that workbook saves to.

`xltools import` builds the workbook, saves it and recalculates it: reading the saved file
back (unzip, scan 3 MB of XML) only to learn what is still in memory was a tenth of the
command. Each value goes through what openpyxl's writer does to it (`safe_string`, the
formula's text after its "=") and then what the reader does to that text (`_number`,
`_error`), so the fast path starts from the same inputs either way (tests/test_engine_memory.py
compares the two on every seed). Anything else — rich text, dates, array formulas, a chart
sheet — raises `NotModelled`, and the caller reads the file instead.
"""
from __future__ import annotations

from typing import Any

from xltools.workbook.engine.xlsx_cells import Book, NotModelled, _error, _number


def book_of(workbook: Any) -> Book:
    """`workbook`: an openpyxl `Workbook` (its worksheets, in the order they are saved)."""
    from openpyxl.compat.strings import safe_string

    if len(workbook.worksheets) != len(workbook._sheets):
        raise NotModelled("a chart sheet")
    book = Book([ws.title for ws in workbook.worksheets])
    for si, ws in enumerate(workbook.worksheets):
        where = ws.title
        for (row, col), cell in sorted(ws._cells.items()):
            value = cell._value
            if value is None or value == "":  # written as an empty <c/>
                continue
            kind = cell.data_type
            if kind == "f":
                if not isinstance(value, str):
                    raise NotModelled(f"an array or data-table formula in {where}")
                text = value[1:]
                book.formulas[(si, row, col)] = "=" + (text[1:] if text.startswith("=") else text)
            elif kind == "s":
                if not isinstance(value, str):
                    raise NotModelled(f"rich text in {where}")
                book.constants[(si, row, col)] = value
            elif kind == "n":
                text = safe_string(value)
                if not text:  # NaN or infinity: written as an empty <v>
                    raise NotModelled(f"a number that is not finite in {where}")
                book.constants[(si, row, col)] = _number(text)
            elif kind == "b":
                book.constants[(si, row, col)] = safe_string(value).strip() in ("1", "true")
            elif kind == "e":
                book.constants[(si, row, col)] = _error(safe_string(value))
            else:
                raise NotModelled(f"cell type {kind!r} in {where}")
    return book
