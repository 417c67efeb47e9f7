"""The faster ways of writing a workbook (row_writer, merges.merge, fast_styles: apply and the
conditional formats' styles) give exactly what openpyxl's own ways give: the same saved
bytes, the same cells and styles."""
from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl.styles.differential import DifferentialStyleList
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet

from xltools.core.model import Document
from xltools.rules import CATALOGUE
from xltools.workbook.book import build
from xltools.workbook.fast_styles import apply, new_workbook
from xltools.workbook.merges import merge
from xltools.workbook.openpyxl_internals import style_key
from xltools.workbook.sheets import BODY_FONT, BOX, CENTER, HEADER_FILL, HEADER_FONT, TEXT_FORMAT


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    # When it was saved is the one thing two saves of a workbook differ in.
    parts["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"",
                                        parts["docProps/core.xml"])
    return parts


def test_rows_are_written_byte_for_byte_as_openpyxl_writes_them(docs: dict[str, Document], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def save(path: Path, openpyxls: bool) -> None:
        # A workbook built anew for each save: a save leaves marks on the workbook it saves.
        book = build(docs["000"], CATALOGUE).workbook
        if openpyxls:  # the conditional formats' styles filed by openpyxl's own list
            setattr(book, "_differential_styles", DifferentialStyleList())
        ws = book.create_sheet("边角")
        # What the seed's sheets do not hold: spaces kept, markup characters, a line break,
        # a boolean, a number past float's digits, an empty formula, an error value, row settings.
        ws["A1"] = " 前后有空格 "
        ws["A2"] = "a<b & c>d \"引号\"\r\n第二行"
        ws["A3"] = True
        ws["A4"] = 1 / 3
        ws["A5"] = "="
        ws["A6"] = "#N/A"
        # Every character a text may hold that an escape or an encoding could touch.
        ws["C1"] = "".join(chr(c) for c in (9, 10, 13, *range(32, 127), 0x85, 0xA0, 0x2028, 0x3000, 0xFFFD, 0x1F600))
        ws["C2"] = '=IF(A4<>"a&b",">","<")'
        ws.row_dimensions[3].height = 30
        ws["D4"] = datetime(2026, 1, 2)  # a date: its row written by openpyxl, between rows written as text
        ws.row_dimensions[9].hidden = True  # a row of no cell, written for its settings
        ws["B7"].font = BODY_FONT  # styled, no value: a row with only that cell
        book.save(path)

    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    save(ours, False)
    for name in ("get_stream", "write_rows"):
        installed = getattr(WorksheetWriter, name)
        assert getattr(installed, "_xltools", False)  # the package's writer is what saves
        monkeypatch.setattr(WorksheetWriter, name, getattr(installed, "_openpyxl"))
    save(theirs, True)
    a, b = _parts(ours), _parts(theirs)
    assert list(a) == list(b)
    differing = [n for n in a if a[n] != b[n]]
    assert differing == []
    # and the parts are the document's: 表1's 收入总计 as 000 prints it (line 127)
    sheets = b"".join(v for n, v in a.items() if n.startswith("xl/worksheets/sheet"))
    assert "收入总计".encode() in sheets and b"<v>1271.91</v>" in sheets
    assert b'<t xml:space="preserve"> \xe5\x89\x8d' in sheets  # " 前…": its spaces kept


def _cells(ws: Worksheet) -> list[tuple[tuple[int, int], str, tuple[int, ...] | None]]:
    return [(k, type(c).__name__, style_key(c)) for k, c in ws._cells.items()]  # type: ignore[attr-defined]


def _lists(ws: Worksheet) -> list[list[object]]:
    book = ws.parent
    return [list(getattr(book, n)) for n in ("_fonts", "_fills", "_borders", "_alignments", "_protections",
                                             "_number_formats")]


def test_merge_and_apply_leave_what_openpyxls_own_calls_leave() -> None:
    header = (("font", HEADER_FONT), ("fill", HEADER_FILL), ("alignment", CENTER), ("border", BOX))
    code = (("number_format", TEXT_FORMAT), ("font", BODY_FONT))
    # Each shape twice (the second merge copies the first's outcome), some cells left
    # unstyled, a start cell absent, one over a cell styled otherwise.
    merges = [(1, 1, 1, 3), (1, 5, 1, 7), (2, 1, 3, 1), (2, 2, 3, 2), (5, 1, 6, 4), (8, 1, 9, 4), (11, 2, 11, 3),
              (13, 1, 13, 2), (15, 1, 15, 2)]
    by_openpyxl, by_us = new_workbook(), new_workbook()
    for book, fast in ((by_openpyxl, False), (by_us, True)):
        ws = book.active
        assert isinstance(ws, Worksheet)
        for r1, c1, r2, c2 in merges:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r1, c1) == (11, 2) or ((r1, c1) == (8, 1) and (r, c) == (r1, c1)):
                        continue  # unstyled; a merge whose first cell does not exist yet
                    cell = ws.cell(r, c)
                    styles = code if (r1, c1) == (13, 1) and c == c2 else header
                    if fast:
                        apply(cell, styles)
                    else:
                        for name, value in styles:
                            setattr(cell, name, value)
            if fast:
                merge(ws, r1, c1, r2, c2)
            else:
                ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    ws_a, ws_b = by_openpyxl.active, by_us.active
    assert isinstance(ws_a, Worksheet) and isinstance(ws_b, Worksheet)
    assert _cells(ws_b) == _cells(ws_a)
    assert _lists(ws_b) == _lists(ws_a)
    assert sorted(str(r) for r in ws_b.merged_cells.ranges) == sorted(str(r) for r in ws_a.merged_cells.ranges)
    # A merge's edge cells carry its border: the covered cell right of a header's first cell
    # has the top and bottom sides, not the left one.
    edge = ws_b.cell(1, 2)
    assert type(edge).__name__ == "MergedCell"
    assert edge.border.top.style == "thin" and edge.border.bottom.style == "thin" and edge.border.left.style is None
