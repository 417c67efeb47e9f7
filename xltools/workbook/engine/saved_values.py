"""The values an .xlsx file saved in its cells (for a formula, its cached result), as openpyxl's
data_only read gives them, by a scan of the sheet XML.

LibreOffice's recalculated file is read for these values alone (`saved_values`), and `check
BOOK.xlsx` reads a workbook's rows from them (`SavedBook.rows`, as openpyxl's read-only
`iter_rows`): openpyxl's read-only load took 0.3-0.6 s a seed workbook, most of it building a
cell object per cell, the scan a third of that. It types each value exactly as openpyxl's
`WorkSheetParser.parse_cell` does (numbers cast without rounding, dates by the cell's style,
booleans, error texts; an empty <v> is no value), and reads a string item's text as openpyxl's
Text.content gives it: `xlsx_cells.read_book` gives the formulas, not their results, and rounds
numbers to 15 digits as the engine compiles them, so it cannot serve here.

A part is scanned only if it is well formed (expat, building nothing), in UTF-8, without a DTD,
comment or processing instruction, and in the spreadsheet namespace as its one default one; a
cell or row only if its attributes are plainly written. Anything else raises `Unusual`, and the
caller reads with openpyxl. What the scan does not look at, openpyxl's objects for the sheet's
other elements (page margins, views, conditional formats) and for a rich string's runs, it does
not validate either: a file openpyxl refuses for an unreadable attribute there (a margin "abc")
is read for its values.
"""
from __future__ import annotations

import codecs
import re
import zipfile
from datetime import datetime, time, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterator
from xml.parsers import expat

from xltools.workbook.safe_xml import fromstring  # the workbook may come from anyone
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from xltools.workbook.engine.cache import sheet_parts
from xltools.workbook.engine.sheet_xml import CELL, VALUE, plain_text

Saved = bool | int | float | str | datetime | time | timedelta

_ATTR = re.compile(r'(?:^|\s)(r|t|s)="([^"]*)"')
_ROW_NUMBER = re.compile(r'(?:^|\s)r="([^"]*)"')
_SI = re.compile(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_IS = re.compile(r"<is\b[^>]*?(?:/>|>(.*?)</is>)", re.S)
_A1 = re.compile(r"([A-Z]{1,3})[1-9][0-9]*$")
_DATE1904 = re.compile(r'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')
_MAIN_URI = '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_MAIN = "xmlns=" + _MAIN_URI
_ROOT = re.compile(r"<(?![?!])[^>]*>")
_ENCODING = re.compile(rb'<\?xml[^>]*?\sencoding=["\'](?!utf-8["\'])', re.I)
_SPACED = re.compile(r"\s=|=\s")
# A cell as openpyxl, LibreOffice and Excel write it (r, s, t in that order; a formula, a value
# without references, an inline string): (the whole cell, its column, s, t, its content, the
# <v> text, the <is> element). A row made of these alone is read without a Python step per
# attribute (`_quick_cells`); any other row cell by cell (`_cells`).
_QUICK_CELL = re.compile(
    r'(<c r="([A-Z]{1,3})[1-9][0-9]*"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
    r'(?:/>|>((?:<f\b[^>]*>(?:[^<]*</f>)?)?(?:<v>([^<&\r]*)</v>)?(<is>(?:<t>[^<]*</t>|(?:[^<]+|<(?!/is>))*)</is>)?)</c>))')
_MARKED = re.compile(r"[<&\r]")  # text a parser changes (a reference, a line end) or more markup
_QUICK_TYPES = frozenset(("", "n", "s", "str", "e", "b", "inlineStr"))


class Unusual(Exception):
    """Something in the file the scan does not read as openpyxl would (the message says what)."""


def _plain_xml(data: bytes, part: str) -> str:
    """The part's text, if it is the XML the scan's patterns read as a parser would: well
    formed (expat, no handlers: no element is built), in UTF-8, with no DTD, comment, CDATA
    section or processing instruction, and the spreadsheet namespace declared once, as the
    root's default one: then every element the patterns find (unprefixed) is one openpyxl
    reads, and every one openpyxl reads is unprefixed."""
    if b"<!" in data:  # before expat: a DTD's entities are not to be expanded
        raise Unusual(f"{part}: a DTD, comment or CDATA section")
    head = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if data.find(b"<?", head + 1) != -1 or _ENCODING.match(data, head):
        raise Unusual(f"{part}: a processing instruction, or an encoding other than UTF-8")
    try:
        expat.ParserCreate().Parse(data, True)
        xml = data.decode("utf-8")
    except (expat.ExpatError, UnicodeDecodeError) as exc:
        raise Unusual(f"{part}: {exc}") from exc
    root = _ROOT.search(xml)
    if root is None or _MAIN not in root.group() or xml.count("xmlns=") != 1 or xml.count(_MAIN_URI) != 1:
        raise Unusual(f"{part}: not in the spreadsheet namespace alone, as the default one")
    return xml


def _attributes(attributes: str, part: str) -> str:
    """A tag's attributes, if _ATTR and _ROW_NUMBER read them as a parser would: in double
    quotes, "=" unspaced, no reference, and no ">" in a value (the tag's patterns would have
    ended there, leaving a quote open)."""
    if "'" in attributes or "&" in attributes or attributes.count('"') % 2 or _SPACED.search(attributes):
        raise Unusual(f"{part}: an attribute quoted or spaced otherwise, or holding a reference or a >")
    return attributes


def _rows(xml: str, start: int, end: int) -> Iterator[tuple[str, str]]:
    """(attributes, content) of each <row> in xml[start:end]: found by str.find, as a row's
    content is long (a lazy regex steps through it a character at a time)."""
    at = xml.find("<row", start, end)
    while at >= 0:
        close = xml.find(">", at)
        if xml[at + 4] in " \t\r\n":
            if xml[close - 1] == "/":
                yield xml[at + 4:close - 1], ""
                at = close + 1
            else:
                stop = xml.find("</row>", close)
                yield xml[at + 4:close], xml[close + 1:stop]
                at = stop + 6
        elif xml[at + 4] == ">":
            stop = xml.find("</row>", close)
            yield "", xml[close + 1:stop]
            at = stop + 6
        elif xml[at + 4] == "/":
            yield "", ""
            at = close + 1
        else:  # another name beginning "row"
            at += 4
        at = xml.find("<row", at, end)


def _text(raw: str) -> str:
    """Element text as an XML parser gives it: line ends normalised, entities and character
    references undone (by the parser itself, when there are any)."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return raw if "&" not in raw else (fromstring(f"<v>{raw}</v>").text or "")


def _shared_strings(data: bytes) -> list[str]:
    """The shared strings as openpyxl's read_string_table gives them (its Text.content: the
    <t> and then each run's <t>, phonetic runs left out, "x005F_" removed), by a scan: openpyxl
    builds an object for each run's font, which LibreOffice writes for every run, and that was
    nine tenths of reading a recalculated seed's values."""
    xml = _plain_xml(data, "xl/sharedStrings.xml")
    return [_content(si).replace("x005F_", "") for si in _SI.findall(xml)]


def _content(inner: str | None) -> str:
    """A string item's text (<si> or <is>) as openpyxl's Text.content gives it: the <t>, then
    each run's <t>, phonetic runs left out."""
    return _text(plain_text(inner or ""))


class SavedBook:
    """An .xlsx file open for its saved values: the part of each sheet, the style indices of
    its date and duration formats, its date epoch, and its shared strings (read when a cell
    first needs them)."""

    def __init__(self, z: zipfile.ZipFile) -> None:
        self._z = z
        self.parts = sheet_parts(z)
        self._dates: set[int] = set()
        self._spans: set[int] = set()
        if "xl/styles.xml" in set(z.namelist()):
            root: Any = fromstring(z.read("xl/styles.xml"))  # the stubs name lxml's element type
            sheet = Stylesheet.from_tree(root)
            if sheet.cell_styles:  # as openpyxl's apply_stylesheet takes them
                # The style indices of date and duration formats, which openpyxl's reading of the
                # stylesheet adds (not in its type stubs).
                self._dates, self._spans = getattr(sheet, "date_formats"), getattr(sheet, "timedelta_formats")
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        self._epoch = CALENDAR_MAC_1904 if _DATE1904.search(workbook) else CALENDAR_WINDOWS_1900
        self._strings: list[str] | None = None

    def xml(self, data: bytes, part: str) -> str:
        """A sheet part's text, if the scan reads it as openpyxl would (else `Unusual`)."""
        return _plain_xml(data, part)

    def values(self, xml: str, part: str) -> dict[str, Saved]:
        """A1 → the saved value of each cell that has one."""
        out: dict[str, Saved] = {}
        for m in CELL.finditer(xml):
            inner = m.group(2)
            if not inner:
                continue
            attrs = dict(_ATTR.findall(_attributes(m.group(1), part)))
            ref = attrs.get("r", "")
            if not _A1.match(ref):
                raise Unusual(f"{part}: a cell without a plain address ({ref!r})")
            value = self._value(attrs.get("t", "n"), attrs.get("s"), inner)
            if value is not None:
                out[ref] = value
        return out

    def rows(self, xml: str, part: str) -> list[list[Saved | None]]:
        """The sheet's rows as openpyxl's read-only `iter_rows(values_only=True)` gives them,
        its dimension reset: a row for each <row> (a missing one is empty, one numbered before
        the last is dropped), each as wide as its last cell, a cell without a value None."""
        start = xml.find("<sheetData")
        if start < 0:
            return []
        end = xml.find("</sheetData>", start)
        out: list[list[Saved | None]] = []
        expected = 1
        for attributes, inner in _rows(xml, start, len(xml) if end < 0 else end):
            number = _ROW_NUMBER.search(_attributes(attributes, part))
            if number is None or not number.group(1).isdigit():
                raise Unusual(f"{part}: a row without a plain number")
            at = int(number.group(1))
            if at < expected:
                continue
            out.extend([] for _ in range(at - expected))
            expected = at + 1
            cells = self._quick_cells(inner)
            if cells is None:
                cells = self._cells(inner, part)
            if not cells:
                out.append([])
                continue
            width = cells[-1][0]
            values: list[Saved | None] = [None] * width
            for column, value in cells:
                if column <= width:
                    values[column - 1] = value
            out.append(values)
        return out

    def _quick_cells(self, inner: str) -> list[tuple[int, Saved | None]] | None:
        """`_cells` of a row of cells written as `_QUICK_CELL` reads them (None: another row)."""
        found = _QUICK_CELL.findall(inner)
        if sum(map(len, map(itemgetter(0), found))) != len(inner):  # the cells, and nothing else, end to end
            return None
        out: list[tuple[int, Saved | None]] = []
        for _, letters, s, t, content, v, inline in found:
            column = _COLUMNS.get(letters) or _column(letters)
            if not content or t not in _QUICK_TYPES:
                out.append((column, self._value(t or "n", s if s else None, content) if content else None))
            elif t == "inlineStr":
                text = inline[7:-9]  # <is><t>…</t></is>, as openpyxl writes it
                out.append((column, None if not inline else text if inline.startswith("<is><t>")
                            and inline.endswith("</t></is>") and not _MARKED.search(text) else _content(inline[4:-5])))
            elif not v:
                out.append((column, None))
            elif t == "s":
                out.append((column, self._shared(v)))
            elif t == "b":
                out.append((column, bool(int(v))))
            elif t == "str" or t == "e":
                out.append((column, v))
            elif s and int(s) in self._dates or not s and 0 in self._dates:
                out.append((column, self._value("n", s or None, content)))
            else:
                out.append((column, float(v) if "." in v or "E" in v or "e" in v else int(v)))
        return out

    def _cells(self, inner: str, part: str) -> list[tuple[int, Saved | None]]:
        """(column, value) of each cell of a row, in the file's order: openpyxl takes every
        element of a row for a cell, so a row holding anything else is `Unusual`."""
        out = []
        at = 0
        for m in CELL.finditer(inner):
            if m.start() != at and not inner[at:m.start()].isspace():
                raise Unusual(f"{part}: a row holding something other than cells")
            at = m.end()
            attrs = dict(_ATTR.findall(_attributes(m.group(1), part)))
            ref = _A1.match(attrs.get("r", ""))
            if ref is None:
                raise Unusual(f"{part}: a cell without a plain address ({attrs.get('r', '')!r})")
            out.append((_column(ref.group(1)), self._value(attrs.get("t", "n"), attrs.get("s"), m.group(2))
                        if m.group(2) else None))
        if at != len(inner) and not inner[at:].isspace():
            raise Unusual(f"{part}: a row holding something other than cells")
        return out

    def _value(self, t: str, s: str | None, inner: str) -> Saved | None:
        """A cell's value as openpyxl's data_only read types it (None: no value), from its
        type, its style (None: no s) and its content."""
        if t == "inlineStr":  # the <is> element's text, and no <v> read
            inline = _IS.search(inner)
            return None if inline is None else _content(inline.group(1))
        v = VALUE.search(inner)
        raw = _text(v.group(1)) if v is not None and v.group(1) else ""
        if not raw:
            return None
        if t == "n":
            number = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
            # openpyxl looks up int(s), 0 without an s, and "" itself (in no set) for s="".
            if (int(s) if s else 0 if s is None else -1) in self._dates:
                try:
                    return from_excel(number, self._epoch, timedelta=int(s or 0) in self._spans)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if t == "s":
            return self._shared(raw)
        if t == "b":
            return bool(int(raw))
        if t == "d":
            return from_ISO8601(raw)
        return raw  # "str", "e" and any other type: the text as it is

    def _shared(self, raw: str) -> str:
        if self._strings is None:
            self._strings = _shared_strings(self._z.read("xl/sharedStrings.xml"))
        return self._strings[int(raw)]


_COLUMNS: dict[str, int] = {}  # column letters → number, as met


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    _COLUMNS[letters] = n
    return n


def saved_values(path: Path) -> dict[str, dict[str, Saved]]:
    """Sheet name → A1 → each cell's saved value, for every cell that has one."""
    with zipfile.ZipFile(path) as z:
        book = SavedBook(z)
        return {title: book.values(book.xml(z.read(part), part), part) for title, part in book.parts.items()}
