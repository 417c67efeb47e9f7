"""openpyxl's writing of a worksheet's rows, the same bytes in less time.

openpyxl writes each cell through lxml's incremental writer, an element context opened and
closed per cell (and per value inside it) from Python: on a seed's workbook that was a fifth of
saving it. Here each row is built as one lxml element, its cells as children, and written in
one call. The XML is byte for byte what openpyxl writes (an element left without content is
written open and closed, `<c r="A1" s="3"></c>`, as openpyxl's contexts write it, hence the
empty texts below); a row with anything this writer does not handle (a date, an array or
data-table formula, rich text) is written by openpyxl's own code. Only with lxml, which
openpyxl uses when installed: without it openpyxl's writer is left alone.
"""
from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def install() -> None:
    """Once, for every workbook this package saves."""
    from openpyxl.xml import LXML
    from openpyxl.worksheet._writer import WorksheetWriter

    if not LXML or getattr(WorksheetWriter.write_row, "_xltools", False):
        return
    from lxml.etree import Element, SubElement
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.compat import safe_string

    openpyxl_write_row = WorksheetWriter.write_row
    letters = [""] + [get_column_letter(c) for c in range(1, 16385)]

    def write_row(self: Any, xf: Any, row: list[Any], row_idx: int) -> None:
        # A cell only this writer's plain cases cover, or openpyxl writes the whole row.
        for cell in row:
            kind = cell.data_type
            if kind == "d" or (kind in ("s", "f") and cell._value is not None
                                and not isinstance(cell._value, str)):
                openpyxl_write_row(self, xf, row, row_idx)
                return
        ws = self.ws
        attrs = {"r": f"{row_idx}"}
        attrs.update(ws.row_dimensions.get(row_idx, {}))
        element = Element("row", attrs)
        styles = ws.parent._cell_styles
        # A style's index by its bytes: openpyxl hashes the array in Python, twice, per cell.
        known: dict[bytes, str] = self.__dict__.setdefault("_xltools_styles", {})
        text = str(row_idx)
        for cell in row:
            comment = cell._comment
            if comment is not None:
                ws._comments.append(CommentRecord.from_cell(cell))
            style = cell._style
            styled = style is not None and any(style)
            value = cell._value
            if value is None and not styled and not comment:
                continue
            a = {"r": letters[cell.column] + text}
            if styled:
                key = style.tobytes()
                index = known.get(key)
                if index is None:
                    index = known[key] = f"{styles.add(style)}"
                a["s"] = index
            kind = cell.data_type
            if kind == "s":
                a["t"] = "inlineStr"
            elif kind != "f":
                a["t"] = kind
            if cell.hyperlink:
                ws._hyperlinks.append(cell.hyperlink)
            c = SubElement(element, "c", a)
            if value is None or value == "":
                c.text = ""
                continue
            if kind == "f":
                SubElement(c, "f").text = value[1:]
                SubElement(c, "v").text = ""
            elif kind == "s":
                t = SubElement(SubElement(c, "is"), "t", {_XML_SPACE: "preserve"} if value != value.strip() else {})
                t.text = value
            else:
                SubElement(c, "v").text = safe_string(value)
        if len(element) == 0:
            element.text = ""
        xf.write(element)

    setattr(write_row, "_xltools", True)
    setattr(write_row, "_openpyxl", openpyxl_write_row)  # for the test that compares the two
    setattr(WorksheetWriter, "write_row", write_row)


install()
