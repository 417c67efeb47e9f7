"""`check BOOK.xlsx` reads a workbook's rows by a scan of its sheet XML (book_check.read_grids,
engine/saved_values.SavedBook): the same rows, values and types as openpyxl's read-only load
(`book_check._loaded`, the route it falls back to), on the seeds' workbooks as imported,
recalculated by either engine and as LibreOffice wrote them, and on a sheet written every way
the scan reads; what it does not read as openpyxl would goes to openpyxl, and what openpyxl
refuses is refused in the same words. The limits are checked before either reads a cell."""
from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
import pytest

from book_files import merge_over_content, with_parts, with_shared_strings
from xltools.core import limits
from xltools.read.errors import ReadError
from xltools.workbook import book_check
from xltools.workbook.sheets import TABLE_SHEETS


def _typed(grids: dict[str, list[list[Any]]] | None) -> dict[str, list[list[tuple[type, Any]]]]:
    assert grids is not None, "the scan gave the file to openpyxl"
    return {title: [[(type(v), v) for v in row] for row in rows] for title, rows in grids.items()}


def _same_as_openpyxl(path: Path) -> dict[str, list[list[Any]]]:
    """The scan's grids, asserted equal (values and types) to openpyxl's read-only route's."""
    scanned = book_check._scanned(path)
    assert _typed(scanned) == _typed(book_check._loaded(path)), path.name
    assert scanned is not None and book_check.read_grids(path) == scanned
    return scanned


# 表1's 收入总计 as each seed prints it, and the cells the seed's workbook holds (scanned).
PRINTED_INCOME = {"000": 1271.91, "001": 3340.11, "003": 8530.8}


# One file of each writer and state, over the three seeds: as imported (formulas without
# values), recalculated by the fast path, recalculated by LibreOffice, and the file LibreOffice
# wrote (shared strings, its own styles and row attributes). Every seed in every state would
# read the same kinds of cell again, at a second each.
FILES = [("000", "libreoffice-file"), ("001", "libreoffice"), ("001", "imported"), ("003", "formulas")]


@pytest.mark.parametrize(("seed", "kind"), FILES, ids=[f"{s}-{k}" for s, k in FILES])
def test_a_seeds_workbook_reads_as_openpyxl_reads_it(seed: str, kind: str, seed_workbooks: dict[str, Path],
                                                     seed_books: dict[tuple[str, str], Path]) -> None:
    path = seed_workbooks[seed] if kind == "imported" else seed_books[(seed, kind)]
    grids = _same_as_openpyxl(path)
    assert sum(len(row) for rows in grids.values() for row in rows) > 19_000
    t1 = grids[TABLE_SHEETS[1]]
    assert any(row[0] == "收入总计" and PRINTED_INCOME[seed] in row for row in t1), path.name
    assert book_check.sheet_rows(path, TABLE_SHEETS[2]) == grids[TABLE_SHEETS[2]]


def test_a_lying_dimension_and_merges_holding_content(seed_books: dict[tuple[str, str], Path],
                                                      tmp_path: Path) -> None:
    """The files of test_workbook_values: a stated used range of A1:A1, and a merge over
    cells LibreOffice kept the contents of (blank but its first cell, reaching past them)."""
    lying = with_parts(seed_books[("001", "formulas")], tmp_path / "lying.xlsx",
                       lambda name, data: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
                       if name.startswith("xl/worksheets/sheet") else data)
    assert _same_as_openpyxl(lying) == book_check.read_grids(seed_books[("001", "formulas")])
    merged = merge_over_content(tmp_path)
    assert _same_as_openpyxl(merged)["表2 收入总表"] == [["合计", None, None], [None, None, None], [None, None, None]]


# A sheet written every way the scan reads: each type of value, a date by its style, shared
# and rich strings, a reference and a carriage return in a text, a cell with an attribute the
# quick pattern does not know and blanks between cells, a row numbered before the last (dropped),
# cells out of order and repeated (the last one's column sets the width), an empty inline
# string, s="" (no style, openpyxl's own reading), rows with no cells, a merge hiding C3.
_SHEET_DATA = (
    '<sheetData>'
    '<row r="1" spans="1:6"><c r="A1" s="1"><v>45000</v></c><c r="B1" t="s"><v>0</v></c>'
    '<c r="C1" t="b"><v>1</v></c><c r="D1" t="e"><v>#N/A</v></c>'
    '<c r="E1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="F1" t="n"/></row>'
    '<row r="3"><c r="B3" t="inlineStr"><is><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r>'
    '<rPh sb="0" eb="1"><t>ふ</t></rPh></is></c> <c r="C3" cm="1"><v>2.50</v></c>\n'
    '<c r="D3"><v>1E3</v></c><c r="E3" t="str"><v>x &amp; y&#13;z</v></c><c r="F3" t="inlineStr"><is/></c>'
    '<c r="G3" s=""><v>7</v></c><c r="H3" t="d"><v>2024-01-02T03:04:05</v></c><c r="I3" t="s"><v>1</v></c><c r="J3" t="s"><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>99</v></c></row>'
    '<row r="5"><c r="C5"><v>1</v></c><c r="A5"><v>2</v></c><c r="C5"><v>3</v></c><c r="B5"/></row>'
    '<row r="6"/><row r="7"><c r="B7" s="1"/></row><row r="9"></row>'
    '</sheetData><mergeCells count="1"><mergeCell ref="B3:C4"/></mergeCells>')


def _written(tmp_path: Path, name: str, sheet_data: str = _SHEET_DATA) -> Path:
    base = tmp_path / "base.xlsx"
    if not base.exists():
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "表"
        ws["A1"] = 1
        ws["A1"].number_format = "yyyy-mm-dd"  # style 1: a date
        ws["A2"], ws["A3"] = "共享", "二"  # shared strings 0 and 1, and 2 a rich one with a reading
        wb.save(tmp_path / "inline.xlsx")
        rich = b"<si><r><t>\xe5\xa4\x9a</t></r><r><rPr><b/></rPr><t>x&amp;y</t></r><rPh sb=\"0\" eb=\"1\"><t>z</t></rPh></si></sst>"
        with_parts(with_shared_strings(tmp_path / "inline.xlsx", tmp_path / "shared.xlsx"), base,
                   lambda part, data: data.replace(b"</sst>", rich) if part == "xl/sharedStrings.xml" else data)

    def change(part: str, data: bytes) -> bytes:
        if part != "xl/worksheets/sheet1.xml":
            return data
        return re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", sheet_data.encode("utf-8"), data, flags=re.S)
    return with_parts(base, tmp_path / name, change)


def test_a_sheet_written_every_way_the_scan_reads(tmp_path: Path) -> None:
    grid = _same_as_openpyxl(_written(tmp_path, "ways.xlsx"))["表"]
    assert grid[0] == [datetime(2023, 3, 15), "共享", True, "#N/A", "ab"] + [None] * 5
    assert grid[1] == [None] * 10  # row 2 came after row 3: dropped, as openpyxl drops it
    assert grid[2] == [None, "富文本", None, 1000.0, "x & y\rz", "", 7, datetime(2024, 1, 2, 3, 4, 5), "二", "多x&y"]
    assert grid[4][:3] == [2, None, None]  # B5 is the row's last cell: C5 (twice) is past its width
    assert len(grid) == 7 and grid[6][1] is None  # row 7 has a cell; rows 8-9 none
    with zipfile.ZipFile(tmp_path / "ways.xlsx") as z:
        assert b'<c r="C3" cm="1"><v>2.50</v>' in z.read("xl/worksheets/sheet1.xml")  # what the merge hides


@pytest.mark.parametrize("odd", [
    ("prefixed", None),
    ("quoted", ('<c r="B1" t="s">', "<c r=\"B1\" t='s'>")),
    ("spaced", ('<c r="B1" t="s">', '<c r="B1" t = "s">')),
    ("unaddressed", ('<c r="D3">', "<c>")),
    ("unnumbered", ('<row r="5">', "<row>")),
    ("comment", ('<c r="D3">', '<!-- a note --><c r="D3">')),
    ("other element", ('<c r="D3">', '<x:y xmlns:x="urn:x"/><c r="D3">')),
    ("second default namespace", ('<c r="D3">', '<c r="D3" xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')),
])
def test_what_the_scan_does_not_read_as_openpyxl_goes_to_openpyxl(tmp_path: Path, odd: tuple[str, Any]) -> None:
    name, swap = odd
    path = _written(tmp_path, "odd.xlsx")
    if swap is None:
        change = lambda part, data: re.sub(rb"<(/?)(?=[A-Za-z])", rb"<\1x:", data).replace(b"xmlns=", b"xmlns:x=", 1) \
            if part == "xl/worksheets/sheet1.xml" else data
    else:
        change = lambda part, data: data.replace(swap[0].encode(), swap[1].encode(), 1) \
            if part == "xl/worksheets/sheet1.xml" else data
    odd_path = with_parts(path, tmp_path / f"{name}.xlsx", change)
    assert book_check._scanned(odd_path) is None, name
    loaded = book_check._loaded(odd_path)
    assert book_check.read_grids(odd_path) == loaded
    assert book_check.sheet_rows(odd_path, "表") == loaded["表"]
    assert loaded["表"][0][1] == "共享"  # the file is read all the same


def test_a_damaged_sheet_is_refused_in_openpyxls_words(tmp_path: Path) -> None:
    """Well formed or not, the scan never reads what openpyxl refuses (a row never closed)."""
    damaged = _written(tmp_path, "damaged.xlsx", _SHEET_DATA.replace("</row>", "", 1))
    with pytest.raises(ReadError) as caught:
        book_check.read_grids(damaged)
    assert "Excel 工作簿已损坏，无法读取（ParseError）" in str(caught.value)
    assert str(caught.value).startswith(str(damaged))
    with pytest.raises(ReadError):
        book_check.sheet_rows(damaged, "表")


@pytest.mark.parametrize("tail, says", [
    (f'<row r="{limits.SHEET_ROWS.value + 1}"/>', "工作表行数不超过 100,000 行"),  # a row without a cell
    ('<row r="10"><c r="A12345678"><v>1</v></c></row>', "工作表行数不超过 100,000 行"),  # eight digits
    ("<row r=\"10\"><c r=\"A10\"><v>1</v></c></row></sheetData><mergeCells><x:mergeCell xmlns:x="
     "\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" ref=\"A1:B99999999\"/></mergeCells><sheetData>",
     "工作表行数不超过 100,000 行"),  # a prefixed merge, eight digits
])
def test_the_limits_come_first(tmp_path: Path, tail: str, says: str) -> None:
    """Rows a <row r> or a cell's address names count, however many digits; openpyxl's
    read-only rows would run to them. Refused before the scan opens the book."""
    path = _written(tmp_path, "big.xlsx", "<sheetData>" + tail + "</sheetData>")
    with mock.patch.object(book_check, "SavedBook", side_effect=AssertionError("read before the limits")), \
            pytest.raises(ReadError) as caught:
        book_check.read_grids(path)
    assert says in str(caught.value) and "sheet1.xml" in str(caught.value)
