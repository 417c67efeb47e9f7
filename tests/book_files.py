"""Workbook files as the tests read and change them, without loading every sheet.

Loading a whole imported seed with openpyxl takes 0.5–0.8 s (every sheet's XML, styles and
merged ranges); a test that looks at one sheet's values reads that sheet alone in read-only
mode (a fifth of the time), and a test that raises one input changes that cell's number in
the sheet's XML instead of loading and saving the whole book.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from xml.etree import ElementTree

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils import column_index_from_string

from xltools.workbook.engine.cache import sheet_parts

_A1 = re.compile(r"^([A-Z]+)([0-9]+)$")


@dataclass(frozen=True)
class Value:
    value: Any


class SheetValues:
    """One sheet's cached values (what `load_workbook(data_only=True)[name]` shows), read-only:
    `cell(row, column).value`, `ws["B5"].value` and `max_row` as openpyxl gives them."""

    def __init__(self, title: str, rows: list[tuple[Any, ...]]) -> None:
        self.title = title
        self._rows = rows
        self.max_row = len(rows)

    def cell(self, row: int, column: int) -> Value:
        if 1 <= row <= len(self._rows):
            values = self._rows[row - 1]
            if 1 <= column <= len(values):
                return Value(values[column - 1])
        return Value(None)

    def __getitem__(self, a1: str) -> Value:
        m = _A1.match(a1)
        if m is None:
            raise KeyError(a1)
        return self.cell(int(m.group(2)), column_index_from_string(m.group(1)))


def sheet_values(path: Path, title: str) -> SheetValues:
    """The sheet `title` of the workbook at `path`, values as its last recalculation cached them."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[title]
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    while rows and all(v is None for v in rows[-1]):
        rows.pop()  # what read-only mode pads beyond the last cell, the full load never has
    return SheetValues(title, rows)


def book_values(path: Path) -> dict[str, SheetValues]:
    """Every sheet of the workbook at `path`, values as its last recalculation cached them, read
    as `check BOOK.xlsx` reads them (`book_check.read_grids`: read-only, two thirds of a full load)."""
    from xltools.workbook.book_check import read_grids

    return {title: SheetValues(title, [tuple(r) for r in rows]) for title, rows in read_grids(path).items()}


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def book_notes(path: Path) -> dict[str, dict[str, str]]:
    """Sheet → A1 → the text of the cell's note (openpyxl's `cell.comment.text`: the text and
    its runs' texts), read from the comments parts alone, not every sheet's cells."""
    out: dict[str, dict[str, str]] = {}
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for title, part in sheet_parts(z).items():
            notes = out[title] = {}
            folder, _, base = part.rpartition("/")
            rels = f"{folder}/_rels/{base}.rels"
            if rels not in names:
                continue
            for rel in ElementTree.fromstring(z.read(rels)).iter(f"{_RELS}Relationship"):
                if rel.get("Type") != _COMMENTS:
                    continue
                target = rel.get("Target", "")
                comments = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
                for c in ElementTree.fromstring(z.read(comments)).iter(f"{_MAIN}comment"):
                    text = c.find(f"{_MAIN}text")
                    runs = [] if text is None else [text.find(f"{_MAIN}t"), *(r.find(f"{_MAIN}t") for r in text.findall(f"{_MAIN}r"))]
                    notes[c.get("ref", "")] = "".join(t.text or "" for t in runs if t is not None)
    return out


def with_parts(src: Path, dst: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the workbook `src` with each part's bytes as `change(part name, bytes)` gives them."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info, change(info.filename, z.read(info.filename)))
    return dst


def with_inputs(src: Path, dst: Path, inputs: dict[tuple[str, str], float]) -> Path:
    """A copy of the workbook `src` with the numbers of some input cells replaced, every other
    byte as it was. The cells must hold a number (no formula): the one `<v>` is rewritten."""
    with zipfile.ZipFile(src) as z:
        parts = sheet_parts(z)
        by_part: dict[str, dict[str, float]] = {}
        for (sheet, a1), value in inputs.items():
            by_part.setdefault(parts[sheet], {})[a1] = value
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                data = z.read(info.filename)
                if info.filename in by_part:
                    xml = data.decode("utf-8")
                    for a1, value in by_part[info.filename].items():
                        cell = re.compile(rf'<c r="{a1}"([^>]*)><v>[^<]*</v></c>')
                        xml, found = cell.subn(lambda m: f'<c r="{a1}"{m.group(1)}><v>{value!r}</v></c>', xml)
                        assert found == 1, (info.filename, a1)
                    data = xml.encode("utf-8")
                out.writestr(info, data)
    return dst


_INLINE = re.compile(rb'<c([^>]*?) t="inlineStr"([^>]*)><is>(.*?)</is></c>', re.S)
_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(src: Path, dst: Path) -> Path:
    """A copy of the workbook `src` (xltools writes its text inline) with every text cell's
    text in a shared-strings part, as Excel, WPS and LibreOffice save text: the part openpyxl,
    formulas and the fast path read with an XML parser, where a sheet's cells they scan."""
    texts: list[bytes] = []

    def shared(m: re.Match[bytes]) -> bytes:
        texts.append(m.group(3))
        return b'<c%s t="s"%s><v>%d</v></c>' % (m.group(1), m.group(2), len(texts) - 1)

    with zipfile.ZipFile(src) as z:
        members = {info.filename: z.read(info.filename) for info in z.infolist()}
    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        members[name] = _INLINE.sub(shared, members[name])
    assert texts, "no inline text to share"
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(texts), len(texts)) + b"".join(b"<si>" + t + b"</si>" for t in texts) + b"</sst>")
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST}"/></Types>'.encode())
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdShared" Type="{_SST_REL}" Target="sharedStrings.xml"/></Relationships>'.encode())
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return dst


def every_kind_book(path: Path) -> Path:
    """A workbook of every kind of value a sheet may cache (sheet 值): errors, truth values, an
    empty text, dates, escaped text, rich text, fractions and large integers, texts in shared
    strings and in formulas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "值"
    ws["A1"], ws["A2"], ws["A3"] = "=1/0", "=1>0", '=""'
    ws["A4"], ws["A5"] = 45000, "=A4+1"
    ws["A4"].number_format = ws["A5"].number_format = "yyyy-mm-dd"
    ws["A6"], ws["A7"] = 'a&b<c>"d"\n第二行', '="x&"&"<y>"'
    ws["A8"], ws["A9"], ws["A10"] = "=1/3", "=NA()", "=2^53"
    ws["A11"] = CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗")])
    ws["A12"], ws["A13"] = "=FALSE()", "=LEN(A11)"
    wb.save(path)
    return path


def merge_over_content(folder: Path) -> Path:
    """A 表2 sheet with 合计 100.01 in A1:B1 and 201 in A2, under a merge of A1:C3 (as LibreOffice
    keeps the contents of the cells a merge hides)."""
    plain = folder / "plain.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "表2 收入总表"
    ws["A1"], ws["B1"], ws["A2"] = "合计", 100.01, "201"
    wb.save(plain)
    merge = b'</sheetData><mergeCells count="1"><mergeCell ref="A1:C3"/></mergeCells>'
    return with_parts(plain, folder / "merged.xlsx", lambda name, data: data.replace(b"</sheetData>", merge)
                      if name == "xl/worksheets/sheet1.xml" else data)
