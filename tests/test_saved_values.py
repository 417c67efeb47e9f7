"""LibreOffice's recalculated file read for its values by a scan of the sheet XML
(xltools/workbook/engine/saved_values.py): every cell as openpyxl's data_only read gives it,
the same value of the same type, on the seeds and on every kind of value a cell can save (and
the rows `check BOOK.xlsx` reads from it by the same scan, book_check.read_grids)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from book_files import every_kind_book
from xltools.workbook import book_check
from xltools.workbook.engine import libreoffice_engine
from xltools.workbook.engine.saved_values import saved_values
from xltools.workbook.sheets import TABLE_SHEETS


def _by_openpyxl(path: Path) -> dict[str, dict[str, Any]]:
    """Every cell with a value, as openpyxl's read-only data_only load gives it."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
                for ws in wb.worksheets}
    finally:
        wb.close()


def _typed_rows(grids: dict[str, list[list[Any]]]) -> dict[str, list[list[tuple[type, Any]]]]:
    return {sheet: [[(type(v), v) for v in row] for row in rows] for sheet, rows in grids.items()}


def _typed(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, tuple[type, Any]]]:
    return {sheet: {a1: (type(v), v) for a1, v in cells.items()} for sheet, cells in values.items()}


# 表1's 收入总计 as each seed prints it (its 原表数 beside the recomputed figure).
PRINTED_INCOME = {"000": 1271.91, "001": 3340.11, "003": 8530.8}


@pytest.mark.parametrize("seed", sorted(PRINTED_INCOME))
def test_libreoffices_file_of_a_seed_reads_as_openpyxl_reads_it(seed_books: dict[tuple[str, str], Path],
                                                                seed: str) -> None:
    path = seed_books[(seed, "libreoffice-file")]
    scanned, loaded = saved_values(path), _by_openpyxl(path)
    assert _typed(scanned) == _typed(loaded)
    assert sum(map(len, scanned.values())) > 19_000
    # What recalc stores: the values openpyxl reads, as the cache takes them.
    values = libreoffice_engine._values(path)
    assert _typed(values) == _typed({s: {a1: libreoffice_engine._value(v) for a1, v in cells.items()}  # type: ignore[arg-type]
                                     for s, cells in loaded.items()})
    t1 = values[TABLE_SHEETS[1]]
    row = next(a1[1:] for a1, v in t1.items() if a1.startswith("A") and v == "收入总计")
    assert PRINTED_INCOME[seed] in [v for a1, v in t1.items() if a1[1:] == row]


def test_every_kind_of_value_libreoffice_saves_reads_as_openpyxl_reads_it(tmp_path: Path) -> None:
    """Errors, truth values, an empty text, dates, escaped text, rich text, fractions and
    large integers, texts in shared strings and in formulas."""
    src = every_kind_book(tmp_path / "kinds.xlsx")
    (tmp_path / "out").mkdir()
    (path,) = libreoffice_engine.convert([src], tmp_path / "out")
    scanned = saved_values(path)
    assert _typed(scanned) == _typed(_by_openpyxl(path))
    got = scanned["值"]
    assert got["A1"] == "#DIV/0!" and got["A9"] == "#N/A"
    assert got["A2"] is True and got["A12"] is False
    assert "A3" not in got  # an empty text result saves no value
    assert got["A4"] == datetime(2023, 3, 15) and got["A5"] == datetime(2023, 3, 16)
    assert got["A6"] == 'a&b<c>"d"\n第二行' and got["A7"] == "x&<y>"
    # Numbers as LibreOffice wrote them (to 15 digits, this version), a float or an int as openpyxl casts.
    assert isinstance(got["A8"], float) and got["A8"] == pytest.approx(1 / 3, rel=1e-14)
    assert isinstance(got["A10"], int) and got["A10"] == pytest.approx(2 ** 53, rel=1e-14)
    assert got["A11"] == "普通加粗" and got["A13"] == 4
    values = libreoffice_engine._values(path)
    assert _typed(values) == _typed(libreoffice_engine._values_by_openpyxl(path))  # type: ignore[arg-type]
    assert values["值"]["A5"] == "2023-03-16 00:00:00"  # a date is stored as its text
    # `check BOOK.xlsx` reads both files' rows by the same scan, as openpyxl's read-only load.
    for book in (src, path):
        scanned = book_check._scanned(book)
        assert scanned is not None
        assert _typed_rows(scanned) == _typed_rows(book_check._loaded(book))
    assert scanned["值"][3][0] == datetime(2023, 3, 15) and scanned["值"][10][0] == "普通加粗"
