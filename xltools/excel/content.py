"""A rendered workbook as plain data, ready to be written into the open Excel workbook.

Writing cell contents and the formats officers rely on (number formats, bold, fills,
column widths, merged titles, notes) works through every xlwings engine, so one code path
serves desktop Excel and the headless tests alike. Not carried: borders, alignment,
conditional formats and charts (the 校验 verdicts stay live formulas, and 标记问题 colours
the mismatches).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

# What Excel would take as a number when the text is typed into a General cell.
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass
class SheetContent:
    name: str
    hidden: bool
    cells: list[list[Any]]  # formulas as "=…", text as str, numbers as float; None blank
    text_cells: list[tuple[int, int]] = field(default_factory=list)  # 1-based (row, col) kept as text
    formats: dict[str, list[str]] = field(default_factory=dict)  # number format → A1 ranges
    bold: list[str] = field(default_factory=list)
    fills: dict[str, list[str]] = field(default_factory=dict)  # "#RRGGBB" → A1 ranges
    widths: dict[str, float] = field(default_factory=dict)  # column letter → width
    merges: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # A1 → text


def _value(c: Cell) -> Any:
    v = c.value
    if v is None:
        return None
    if c.data_type == "s" and isinstance(v, str):
        # Excel would read "=…" or "201" typed into a General cell as a formula or a number.
        literal = v.startswith(("=", "'")) or (c.number_format != "@" and NUMBER.match(v.strip()) is not None)
        return "'" + v if literal else v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return v if isinstance(v, (str, bool)) else str(v)


def _runs(cells: list[tuple[int, int]]) -> list[str]:
    """Consecutive rows of one column become one A1 range: few calls into Excel."""
    out: list[str] = []
    by_col: dict[int, list[int]] = {}
    for r, c in cells:
        by_col.setdefault(c, []).append(r)
    for c, rows in sorted(by_col.items()):
        rows.sort()
        start = prev = rows[0]
        nexts: list[int | None] = [*rows[1:], None]
        for nxt in nexts:
            if nxt is not None and nxt == prev + 1:
                prev = nxt
                continue
            col = get_column_letter(c)
            out.append(f"{col}{start}" if start == prev else f"{col}{start}:{col}{prev}")
            if nxt is not None:
                start = prev = nxt
    return out


def _colour(c: Cell) -> str | None:
    f = c.fill
    if f is None or f.fill_type != "solid":
        return None
    rgb = f.fgColor.rgb if f.fgColor is not None and f.fgColor.type == "rgb" else None
    return "#" + rgb[-6:].upper() if isinstance(rgb, str) else None


def read_content(path: str | Path) -> list[SheetContent]:
    wb = load_workbook(path)
    out: list[SheetContent] = []
    for ws in wb.worksheets:
        rows = [[_value(c) for c in row] for row in ws.iter_rows()]
        sc = SheetContent(ws.title, ws.sheet_state != "visible", rows)
        fmts: dict[str, list[tuple[int, int]]] = {}
        bold: list[tuple[int, int]] = []
        fills: dict[str, list[tuple[int, int]]] = {}
        for row in ws.iter_rows():
            for c in row:
                if c.number_format and c.number_format != "General":
                    fmts.setdefault(c.number_format, []).append((c.row, c.column))
                if c.data_type == "s" and c.value is not None and c.number_format == "@":
                    sc.text_cells.append((c.row, c.column))
                if c.font is not None and c.font.b:
                    bold.append((c.row, c.column))
                col = _colour(c)
                if col:
                    fills.setdefault(col, []).append((c.row, c.column))
                if c.comment is not None:
                    sc.notes[c.coordinate] = c.comment.text
        sc.formats = {k: _runs(v) for k, v in fmts.items()}
        sc.bold = _runs(bold)
        sc.fills = {k: _runs(v) for k, v in fills.items()}
        sc.widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        sc.merges = [str(m) for m in ws.merged_cells.ranges]
        out.append(sc)
    return out
