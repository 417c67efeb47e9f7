"""openpyxl's writing of a worksheet's rows, the same bytes in less time.

openpyxl writes each cell through lxml's incremental writer, an element context opened and
closed per cell and per value inside it, from Python: on a seed's workbook that was two fifths
of saving it. Here the rows are written as text, escaped as lxml escapes it, into the file
lxml writes the rest of the sheet to (lxml's buffer flushed first, so the order holds). The
XML is byte for byte what openpyxl writes: an element without content open and closed
(`<c r="A1" s="3"></c>`), a formula's empty value `<v></v>`, spaces kept by `xml:space`.
A row with anything else (a date, an array or data-table formula, rich text, a character XML
refuses) is written by openpyxl's own code, which raises what it raises. Only with lxml and
the sheets written in UTF-8 (openpyxl_internals.write_sheets_in_utf8): otherwise openpyxl's
writer runs as it is.
"""
from __future__ import annotations

import os
import re
from contextlib import nullcontext
from functools import partial
from typing import IO, Any, Callable, Iterator

from openpyxl.utils import get_column_letter

import xltools.workbook.openpyxl_internals  # noqa: F401  (the sheets written in UTF-8)

# What XML 1.0 cannot hold (lxml refuses it): such a row goes to openpyxl, which says so.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LETTERS = [""] + [get_column_letter(c) for c in range(1, 16385)]


def _text(s: str) -> str:
    """A text node as libxml2 escapes it."""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "\r" in s:
        s = s.replace("\r", "&#13;")
    return s


def _attribute(s: str) -> str:
    """An attribute's value as libxml2 escapes it."""
    s = _text(s)
    for ch, ref in (('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;")):
        if ch in s:
            s = s.replace(ch, ref)
    return s


def _in_utf8(factory: Callable[..., Any]) -> bool:
    return isinstance(factory, partial) and str(factory.keywords.get("encoding", "")).lower() in ("utf-8", "utf8")


def _plain(row: list[Any]) -> bool:
    """Cells this writer writes as openpyxl does: numbers, booleans, errors, strings and
    formulas held as text, none with a character XML refuses."""
    for cell in row:
        kind = cell.data_type
        value = cell._value
        if kind == "d":
            return False
        if isinstance(value, str):
            if _REFUSED.search(value):
                return False
        elif kind in ("s", "f") and value is not None:
            return False
    return True


def install() -> None:
    """Once, for every workbook this package saves."""
    from openpyxl.xml import LXML
    from openpyxl.worksheet import _writer as writer
    from openpyxl.worksheet._writer import WorksheetWriter

    if not LXML or getattr(WorksheetWriter.write_rows, "_xltools", False):
        return
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.compat import safe_string
    from openpyxl.xml.constants import SHEET_MAIN_NS

    openpyxl_stream = WorksheetWriter.get_stream
    openpyxl_rows = WorksheetWriter.write_rows
    openpyxl_row = WorksheetWriter.write_row

    def get_stream(self: Any) -> Iterator[Any]:
        # openpyxl's, with the file opened here so that rows can be written to it.
        factory = getattr(writer, "xmlfile")
        if not _in_utf8(factory):
            yield from openpyxl_stream(self)
            return
        out = self.out
        opened: Any = open(out, "wb") if isinstance(out, (str, os.PathLike)) else nullcontext(out)
        with opened as stream:
            self._xltools_stream = stream
            with factory(stream) as xf:
                with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                    try:
                        while True:
                            el = (yield)
                            if el is True:
                                yield xf
                            elif el is None:
                                continue
                            else:
                                xf.write(el)
                    except GeneratorExit:
                        pass

    def write_rows(self: Any) -> None:
        stream: IO[bytes] | None = self.__dict__.get("_xltools_stream")
        if stream is None:
            openpyxl_rows(self)
            return
        xf = self.xf.send(True)
        ws = self.ws
        styles = ws.parent._cell_styles
        # A style's index by its bytes: openpyxl hashes the array in Python, twice, per cell.
        known: dict[bytes, str] = {}
        dims = ws.row_dimensions
        with xf.element("sheetData"):
            xf.flush()
            out: list[str] = []
            for row_idx, row in self.rows():
                if not _plain(row):
                    stream.write("".join(out).encode("utf-8"))
                    out.clear()
                    openpyxl_row(self, xf, row, row_idx)
                    xf.flush()
                    continue
                number = str(row_idx)
                out.append('<row r="' + number + '"')
                dim = dims.get(row_idx)
                if dim is not None:
                    for name, value in dim:
                        out.append(" " + name + '="' + _attribute(value) + '"')
                out.append(">")
                for cell in row:
                    comment = cell._comment
                    if comment is not None:
                        ws._comments.append(CommentRecord.from_cell(cell))
                    style = cell._style
                    styled = style is not None and any(style)
                    value = cell._value
                    if value is None and not styled and not comment:
                        continue
                    head = '<c r="' + _LETTERS[cell.column] + number + '"'
                    if styled:
                        key = style.tobytes()
                        index = known.get(key)
                        if index is None:
                            index = known[key] = ' s="' + f"{styles.add(style)}" + '"'
                        head += index
                    kind = cell.data_type
                    if kind == "s":
                        head += ' t="inlineStr"'
                    elif kind != "f":
                        head += ' t="' + kind + '"'
                    if cell.hyperlink:
                        ws._hyperlinks.append(cell.hyperlink)
                    if value is None or value == "":
                        out.append(head + "></c>")
                    elif kind == "f":
                        out.append(head + "><f>" + _text(value[1:]) + "</f><v></v></c>")
                    elif kind == "s":
                        space = ' xml:space="preserve"' if value != value.strip() else ""
                        out.append(head + "><is><t" + space + ">" + _text(value) + "</t></is></c>")
                    else:
                        out.append(head + "><v>" + _text(safe_string(value)) + "</v></c>")
                out.append("</row>")
            stream.write("".join(out).encode("utf-8"))
        self.xf.send(None)

    for name, ours, theirs in (("get_stream", get_stream, openpyxl_stream), ("write_rows", write_rows, openpyxl_rows)):
        setattr(ours, "_xltools", True)
        setattr(ours, "_openpyxl", theirs)  # for the test that compares the two
        setattr(WorksheetWriter, name, ours)


install()
