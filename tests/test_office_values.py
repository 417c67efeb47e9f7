"""A workbook's values read from the document the listening LibreOffice loaded and recalculated
(engine/office_values.py) are exactly those of the .xlsx it would store for it, read as
recalc has always read it (libreoffice_engine._values): the same cells, types and bits, on a
seed, on thousands of awkward numbers, on errors and texts, before and after a cell changes;
what that read types by a cell's format (truth values, dates) goes the .xlsx route."""
from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from book_files import every_kind_book
from xltools.workbook.engine import libreoffice_engine, office
from xltools.workbook.engine.cache import Values
from xltools.workbook.engine.office_values import lo_number_text
from xltools.workbook.engine.saved_values import Unusual
from xltools.workbook.sheets import TABLE_SHEETS


def _typed(values: Values) -> dict[str, dict[str, tuple[type, Any]]]:
    return {sheet: {a1: (type(v), v) for a1, v in cells.items()} for sheet, cells in values.items()}


def _running() -> office.Office:
    running = office.current()
    assert running is not None, "no listening LibreOffice: is python3-uno installed (make test installs it)?"
    assert libreoffice_engine._fast_values_agree(running), "this LibreOffice writes numbers otherwise: fast route off"
    return running


def _both(src: Path, d: Path) -> tuple[Values, Values]:
    """(from the loaded document, from the stored .xlsx), one listening LibreOffice."""
    running = _running()
    d.mkdir()
    fast = running.values_of(src, d)
    running.convert_one(src, d / "stored.xlsx", "xlsx")
    return fast, libreoffice_engine._values(d / "stored.xlsx")


def test_a_seeds_values_from_the_loaded_document_are_its_stored_files(
        seed_workbooks: dict[str, Path], seed_books: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    """Seed 000 as `xltools import` builds it: the .xlsx that seed_books kept, against the
    document loaded anew (27 sheets, 19,000 cells, 7,700 formulas)."""
    src = Path(shutil.copy(seed_workbooks["000"], tmp_path / "000.xlsx"))
    (tmp_path / "v").mkdir()
    fast = _running().values_of(src, tmp_path / "v")
    stored = libreoffice_engine._values(seed_books[("000", "libreoffice-file")])
    assert _typed(fast) == _typed(stored)
    assert sum(map(len, fast.values())) > 19_000
    t1 = fast[TABLE_SHEETS[1]]
    row = next(a1[1:] for a1, v in t1.items() if a1.startswith("A") and v == "收入总计")
    assert 1271.91 in [v for a1, v in t1.items() if a1[1:] == row]  # 表1's 收入总计 as the seed prints it


def _numbers_book(path: Path) -> None:
    """Thousands of numbers of every size and their formula results; errors; texts."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "数"
    rnd = random.Random(5)
    for r in range(1, 1201):
        kind = r % 6
        if kind == 0:
            v = rnd.random()
        elif kind == 1:
            v = rnd.uniform(-1e6, 1e6)
        elif kind == 2:
            v = round(rnd.uniform(-1e5, 1e5), 2)
        elif kind == 3:
            v = rnd.random() * 10.0 ** rnd.randint(-300, 300)
        elif kind == 4:
            v = rnd.random() * 10.0 ** rnd.randint(-20, 25)
        else:
            v = float(rnd.randint(-10 ** 17, 10 ** 17))
        ws.cell(r, 1, v)
        ws.cell(r, 2, f"=A{r}*1")
        ws.cell(r, 3, f"=A{r}/3")
        ws.cell(r, 4, f"=ROUND(A{r},2)+0.005")
    ws["E1"], ws["E2"], ws["E3"], ws["E4"] = "=1/0", "=NA()", "=SQRT(-1)", "=XYZ()"
    ws["E5"], ws["E6"], ws["E7"], ws["E8"] = "=#REF!+1", '="a"+1', "=1E+300*1E+300", "=E9"
    ws["E9"], ws["E10"], ws["E11"] = "=E8", "=E1:E2 F1:F2", "=E1+1"  # a circle; an intersection (#REF! here)
    ws["F1"], ws["F2"] = 'a&b<c>"d"\n第二行', '="x&"&"<y>"'
    ws["F3"] = CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗")])
    ws["F4"], ws["F5"], ws["F6"], ws["F7"] = '=""', "=LEN(F3)", "=2^53", " "
    ws["F8"], ws["F9"] = "=Z999", "=T(1)"  # an empty cell's value; an empty text
    ws["F10"] = 1271.905
    ws["F10"].number_format = "#,##0.00"
    ws["F11"] = "=ROUND(F10,2)"
    ws["F11"].number_format = '#,##0.00"%"'
    wb.create_sheet("空")
    wb.save(path)


def test_awkward_numbers_errors_and_texts_are_the_stored_files_before_and_after_a_change(tmp_path: Path) -> None:
    src = tmp_path / "numbers.xlsx"
    _numbers_book(src)
    fast, stored = _both(src, tmp_path / "first")
    assert _typed(fast) == _typed(stored)
    got = fast["数"]
    assert sum(isinstance(v, (int, float)) for v in got.values()) == 4 * 1200 + 5  # F5, F6, F8, F10, F11
    assert [got[f"E{r}"] for r in range(1, 12)] == ["#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#REF!", "#VALUE!",
                                                   "#NUM!", "#VALUE!", "#VALUE!", "#REF!", "#DIV/0!"]
    assert got["F1"] == 'a&b<c>"d"\n第二行' and got["F2"] == "x&<y>" and got["F3"] == "普通加粗"
    assert "F4" not in got and "F9" not in got and got["F7"] == " " and got["F8"] == 0
    assert got["F5"] == 4 and got["F11"] == 1271.91  # ROUND(1271.905, 2) is 1271.91 in Calc
    assert fast["空"] == {}
    wb = openpyxl.load_workbook(src)
    wb["数"]["F10"] = 3340.114
    wb["数"]["A6"] = 0.1
    wb.save(src)
    fast2, stored2 = _both(src, tmp_path / "second")
    assert _typed(fast2) == _typed(stored2)
    assert fast2["数"]["F11"] == 3340.11 and fast2["数"]["B6"] == 0.1 and fast2["数"]["C6"] == 0.0333333333333333
    assert fast2["数"]["B6"] != fast["数"]["B6"]


def test_a_book_of_truth_values_and_dates_goes_the_xlsx_route(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The every-kind workbook of test_saved_values: its booleans and dates are typed by the
    cells' formats, which the loaded document does not give in bulk: `Unusual`, and
    compute_many gives the stored file's values."""
    src = every_kind_book(tmp_path / "kinds.xlsx")
    (tmp_path / "v").mkdir()
    with pytest.raises(Unusual, match="值!A2"):
        _running().values_of(src, tmp_path / "v")
    (tmp_path / "o").mkdir()
    _running().convert_one(src, tmp_path / "o" / "kinds.xlsx", "xlsx")
    stored = libreoffice_engine._values(tmp_path / "o" / "kinds.xlsx")
    (got,) = libreoffice_engine.compute_many([src])
    assert _typed(got) == _typed(stored)
    assert got["值"]["A2"] is True and got["值"]["A12"] is False and got["值"]["A5"] == "2023-03-16 00:00:00"


def test_compute_many_reads_the_loaded_document_when_it_can(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No .xlsx stored for a workbook the fast route reads: the suite's and a batch's saving."""
    src = tmp_path / "numbers.xlsx"
    _numbers_book(src)
    _running()

    def no_store(*_: object, **__: object) -> list[Path]:
        raise AssertionError("stored as .xlsx")

    monkeypatch.setattr(libreoffice_engine, "convert", no_store)
    (got,) = libreoffice_engine.compute_many([src])
    assert got["数"]["E1"] == "#DIV/0!" and got["数"]["F11"] == 1271.91


@pytest.mark.parametrize("d, text", [
    (1 / 3, "0.333333333333333"), (2.0 ** 53, "9007199254740990"), (-0.0, "0"), (1e15, "1000000000000000"),
    (1e16, "10000000000000000"), (1e17, "1E+017"), (9.999999999999998e16, "100000000000000000"),
    (1e-4, "0.0001"), (1e-5, "1E-005"), (9.999999999999999e-05, "1E-004"), (0.1 + 0.2, "0.3"),
    (69619678590780.25, "69619678590780.3"), (5.745409117624995, "5.745409117625"), (5e-324, "5E-324"),
    (-1.23456789012345678e-200, "-1.23456789012346E-200"), (577795661112948.5, "577795661112949"),
])
def test_numbers_are_written_as_libreoffice_7_4_writes_them_to_xlsx(d: float, text: str) -> None:
    """Texts taken from LibreOffice 7.4's own .xlsx files (its 15 digits, rounded half up from
    the shortest digits, the exponent's notation decided before rounding)."""
    assert lo_number_text(d) == text
