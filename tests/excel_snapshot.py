"""An openpyxl file as an xlwings remote-engine book, and the book's actions back into the file.

This is how the Excel entry points run without Excel: `xw.Book(json=snapshot(path))` gives
the same Book/Sheet/Range API the desktop engine gives, every write becomes an action, and
`apply_actions` replays the actions on the file the way Excel would (text format keeps a
code as text, anything else that looks like a number becomes one).
"""
from __future__ import annotations

from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xltools.excel.content import NUMBER


def _cell_json(v: Any) -> Any:
    if isinstance(v, (int, float, bool)) or v is None or isinstance(v, str):
        return v
    return str(v)


def snapshot(path: str | Path, version: str, selection: str = "A1") -> dict[str, Any]:
    """What an Office.js client sends: values (cached results for formulas), notes, names."""
    wb_v = load_workbook(path, data_only=True)
    sheets = []
    for ws in wb_v.worksheets:
        values = [[_cell_json(c.value) for c in row] for row in ws.iter_rows()] if ws.max_row and ws.max_column else [[]]
        if values == [[None]]:
            values = [[]]
        notes = [{"address": f"${get_column_letter(c.column)}${c.row}"} for row in ws.iter_rows() for c in row if c.comment]
        sheets.append({
            "name": ws.title, "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
            "values": values, "pictures": [], "shapes": [], "charts": [], "notes": notes, "tables": [],
            "print_area": None, "show_gridlines": True, "pivot_tables": [],
        })
    return {
        "client": "Office.js", "version": version,
        "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": selection},
        "names": [], "sheets": sheets,
    }


def _excel_value(v: Any, text_format: bool) -> Any:
    """What Excel stores when a formula/value is typed into a cell."""
    if isinstance(v, str):
        if v.startswith("'"):
            return v[1:]
        if not text_format and NUMBER.match(v.strip()):
            f = float(v)
            return int(f) if f.is_integer() and "." not in v else f
    return v


def _cells(ws: Worksheet, a: dict[str, Any]) -> list[tuple[int, int]]:
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    return [(r0 + i, c0 + j) for i in range(a["row_count"]) for j in range(a["column_count"])]


def _put(ws: Worksheet, a: dict[str, Any], formula: bool) -> None:
    vals = a["values"]
    if not isinstance(vals, list):
        vals = [[vals] * a["column_count"]] * a["row_count"]
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    for i, row in enumerate(vals):
        for j, v in enumerate(row):
            c = ws.cell(r0 + i, c0 + j)
            text = c.number_format == "@"
            if v is None or v == "":
                c.value = None
                continue
            if isinstance(v, str) and v.startswith("=") and formula and not text:
                c.value = v
            else:
                c.value = _excel_value(v, text)
                if isinstance(c.value, str):
                    c.data_type = "s"


def _address_cell(ws: Worksheet, address: str) -> Any:
    min_col, min_row, _, _ = range_boundaries(address.replace("$", ""))
    return ws.cell(min_row, min_col)


def apply_actions(wb: Workbook, actions: list[dict[str, Any]]) -> dict[str, Any]:
    """Replay remote-engine actions on `wb`; returns what the user would see (selection, alerts)."""
    seen: dict[str, Any] = {"alerts": [], "selection": None, "active": None, "funcs": []}
    for a in actions:
        f = a["func"]
        seen["funcs"].append(f)
        ws = wb.worksheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        args = a.get("args") or []
        if f == "addSheet":
            wb.create_sheet(title=args[1], index=args[0])
        elif f == "sheetDelete":
            wb.remove(ws)
        elif f in ("sheetClear", "sheetClearContents"):
            assert ws is not None
            if f == "sheetClear":
                for m in list(ws.merged_cells.ranges):
                    ws.unmerge_cells(str(m))
                ws.conditional_formatting = type(ws.conditional_formatting)()
            for row in ws.iter_rows():
                for c in row:
                    c.value = None
                    if f == "sheetClear":
                        c.style = "Normal"
                        c.comment = None
        elif f == "setSheetVisibility":
            ws.sheet_state = "visible" if args[0] in ("Visible", True) else "hidden"
        elif f == "setSheetName":
            ws.title = args[-1]
        elif f == "setValues":
            _put(ws, a, formula=False)
        elif f == "setFormula":
            _put(ws, a, formula=True)
        elif f == "setNumberFormat":
            if a["row_count"] * a["column_count"] > 100_000:
                # Whole columns: Excel formats the columns, not a million cells one by one.
                for c in range(a["start_column"] + 1, a["start_column"] + a["column_count"] + 1):
                    ws.column_dimensions[get_column_letter(c)].number_format = args[0]
                    for (cell,) in ws.iter_rows(min_col=c, max_col=c):
                        cell.number_format = args[0]
            else:
                for r, c in _cells(ws, a):
                    ws.cell(r, c).number_format = args[0]
        elif f == "setRangeColor":
            for r, c in _cells(ws, a):
                ws.cell(r, c).fill = PatternFill("solid", fgColor=args[0].lstrip("#").upper()) if args[0] else PatternFill()
        elif f == "rangeClearFormats":
            for r, c in _cells(ws, a):
                ws.cell(r, c).style = "Normal"
        elif f == "rangeClearContents":
            for r, c in _cells(ws, a):
                ws.cell(r, c).value = None
        elif f == "setFontProperty":
            prop, value = args
            for r, c in _cells(ws, a):
                cell = ws.cell(r, c)
                font = copy(cell.font)
                setattr(font, "b" if prop == "bold" else prop, value)
                cell.font = font
        elif f == "setColumnWidth":
            for c in range(a["start_column"] + 1, a["start_column"] + a["column_count"] + 1):
                ws.column_dimensions[get_column_letter(c)].width = float(args[0])
        elif f == "rangeMerge":
            r0, c0 = a["start_row"] + 1, a["start_column"] + 1
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r0 + a["row_count"] - 1, end_column=c0 + a["column_count"] - 1)
        elif f == "addNote":
            _address_cell(ws, args[0]).comment = Comment(args[1], "xltools")
        elif f == "setNoteText":
            _address_cell(ws, args[0]).comment = Comment(args[1], "xltools")
        elif f == "deleteNote":
            _address_cell(ws, args[0]).comment = None
        elif f == "rangeSelect":
            seen["selection"] = (ws.title, f"{get_column_letter(a['start_column'] + 1)}{a['start_row'] + 1}")
        elif f == "activateSheet":
            seen["active"] = wb.worksheets[args[0] if not isinstance(args, int) else args].title
        elif f == "alert":
            seen["alerts"].append(args[0])
        elif f in ("setScreenUpdating", "setCalculation", "calculate"):
            pass
        else:
            raise NotImplementedError(f"snapshot.apply_actions: no replay for {f}")
    return seen


def remote_book(path: str | Path, selection: str = "A1") -> Any:
    """An xlwings Book on the remote engine, built from the file's snapshot.

    xlwings PRO (the remote engine) is free under the PolyForm Noncommercial licence; its
    documented key for that use is "noncommercial". A key already set is left alone.
    """
    import os

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    return xw.Book(json=snapshot(path, xw.__version__, selection))


def replay(book: Any, path: str | Path) -> dict[str, Any]:
    """Apply the book's recorded actions to the file at `path` and save it."""
    wb = load_workbook(path)
    seen = apply_actions(wb, book.json()["actions"])
    wb.save(path)
    return seen
