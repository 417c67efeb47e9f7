"""The values an .xlsx file saved in its cells (for a formula, its cached result), as openpyxl's
data_only read gives them, by a scan of the sheet XML.

LibreOffice's recalculated file is read for these values alone; openpyxl's read-only load took
0.5 s a seed workbook for them, most of it building a cell object per cell. The scan types each
value exactly as openpyxl's `WorkSheetParser.parse_cell` does (numbers cast without rounding,
dates by the cell's style, shared strings through openpyxl's own string table, booleans, error
texts; an empty <v> is no value): `xlsx_cells.read_book` gives the formulas, not their results,
and rounds numbers to 15 digits as the engine compiles them, so it cannot serve here. What the
scan does not read as openpyxl does raises `Unusual`, and the caller reads with openpyxl.
"""
from __future__ import annotations

import re
import zipfile
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from xltools.workbook.safe_xml import fromstring  # the workbook may come from anyone
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from xltools.workbook.engine.cache import sheet_parts
from xltools.workbook.engine.sheet_xml import CELL, VALUE, plain_text

Saved = bool | int | float | str | datetime | time | timedelta

_ATTR = re.compile(r'(?:^|\s)(r|t|s)="([^"]*)"')
_SI = re.compile(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_IS = re.compile(r"<is\b[^>]*?(?:/>|>(.*?)</is>)", re.S)
_A1 = re.compile(r"[A-Z]{1,3}[1-9][0-9]*$")
_DATE1904 = re.compile(r'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')


class Unusual(Exception):
    """Something in the file the scan does not read as openpyxl would (the message says what)."""


def _text(raw: str) -> str:
    """Element text as an XML parser gives it: line ends normalised, entities and character
    references undone (by the parser itself, when there are any)."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return raw if "&" not in raw else (fromstring(f"<v>{raw}</v>").text or "")


def _shared_strings(xml: str) -> list[str]:
    """The shared strings as openpyxl's read_string_table gives them (its Text.content: the
    <t> and then each run's <t>, phonetic runs left out, "x005F_" removed), by a scan: openpyxl
    builds an object for each run's font, which LibreOffice writes for every run, and that was
    nine tenths of reading a recalculated seed's values."""
    if re.search(r"<\w+:(?:si|t|r|rPh)\b", xml):
        raise Unusual("sharedStrings.xml: written with a namespace prefix")
    return [_content(si).replace("x005F_", "") for si in _SI.findall(xml)]


def _content(inner: str | None) -> str:
    """A string item's text (<si> or <is>) as openpyxl's Text.content gives it: the <t>, then
    each run's <t>, phonetic runs left out."""
    return _text(plain_text(inner or ""))


def saved_values(path: Path) -> dict[str, dict[str, Saved]]:
    """Sheet name → A1 → each cell's saved value, for every cell that has one."""
    out: dict[str, dict[str, Saved]] = {}
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        dates: set[int] = set()
        spans: set[int] = set()
        if "xl/styles.xml" in names:
            root: Any = fromstring(z.read("xl/styles.xml"))  # the stubs name lxml's element type
            sheet = Stylesheet.from_tree(root)
            if sheet.cell_styles:  # as openpyxl's apply_stylesheet takes them
                # The style indices of date and duration formats, which openpyxl's reading of the
                # stylesheet adds (not in its type stubs).
                dates, spans = getattr(sheet, "date_formats"), getattr(sheet, "timedelta_formats")
        epoch = CALENDAR_MAC_1904 if _DATE1904.search(z.read("xl/workbook.xml").decode("utf-8")) else CALENDAR_WINDOWS_1900
        strings: list[str] | None = None
        for title, part in sheet_parts(z).items():
            xml = z.read(part).decode("utf-8")
            if re.search(r"<\w+:(?:sheetData|c|v|is|t|r|rPh)\b", xml):
                raise Unusual(f"{part}: written with a namespace prefix")
            values = out[title] = {}
            for m in CELL.finditer(xml):
                inner = m.group(2)
                if not inner:
                    continue
                attrs = dict(_ATTR.findall(m.group(1)))
                ref, t = attrs.get("r", ""), attrs.get("t", "n")
                if not _A1.match(ref):
                    raise Unusual(f"{part}: a cell without a plain address ({ref!r})")
                if t == "inlineStr":  # the <is> element's text, and no <v> read
                    inline = _IS.search(inner)
                    if inline is not None:
                        values[ref] = _content(inline.group(1))
                    continue
                v = VALUE.search(inner)
                raw = _text(v.group(1)) if v is not None and v.group(1) else ""
                if not raw:
                    continue
                value: Saved = raw  # "str", "e" and any other type: the text as it is
                if t == "n":
                    number = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
                    value = number
                    style = int(attrs.get("s") or 0)
                    if style in dates:
                        try:
                            value = from_excel(number, epoch, timedelta=style in spans)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"
                elif t == "s":
                    if strings is None:
                        strings = _shared_strings(z.read("xl/sharedStrings.xml").decode("utf-8"))
                    value = strings[int(raw)]
                elif t == "b":
                    value = bool(int(raw))
                elif t == "d":
                    value = from_ISO8601(raw)
                values[ref] = value
    return out
