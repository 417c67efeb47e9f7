"""An openpyxl file as an xlwings remote-engine book, and the book's actions back into the file.

This is how the Excel entry points run without Excel: `xw.Book(json=snapshot(path))` gives
the same Book/Sheet/Range API the desktop engine gives, every write becomes an action, and
`apply_actions` replays the actions on the file the way Excel would (text format keeps a
code as text, anything else that looks like a number becomes one).
"""
from __future__ import annotations

import hashlib
import json
from copy import copy
from itertools import product
from pathlib import Path
from typing import Any, Callable, Iterable

from openpyxl import load_workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.colors import Color
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xltools.excel.transfer import NUMBER, POINTS_PER_CM
from xltools.workbook.engine.saved_values import Unusual, saved_values
from xltools.workbook.description import a1


def _cell_json(v: Any) -> Any:
    if isinstance(v, (int, float, bool)) or v is None or isinstance(v, str):
        return v
    return str(v)


def _charts_json(ws: Worksheet) -> list[dict[str, Any]]:
    return [{"name": f"Chart {i}", "chart_type": "Pie" if ch.tagname == "pieChart" else "BarClustered",
             "left": 0, "top": 0, "width": ch.width * POINTS_PER_CM, "height": ch.height * POINTS_PER_CM}
            for i, ch in enumerate(ws._charts, start=1)]


def snapshot_of(wb: Workbook, name: str, version: str, selection: str = "A1",
                cached: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """What an Office.js client sends for `wb`: values (cached results for formulas), notes,
    names. `wb` loaded with data_only shows the cached results itself; loaded with formulas,
    `cached` gives them (sheet → A1 → value, as `saved_values` reads them). The
    cells are read where they are, never created (`iter_rows` would add the empty ones to
    `wb`, which the replay then saves)."""
    sheets = []
    for ws in wb.worksheets:
        results = None if cached is None else cached.get(ws.title, {})
        cells, columns = ws._cells, range(1, ws.max_column + 1)
        rows = [] if ws._current_row == 0 else [
            [(c is not None and c.comment is not None, _cell_json(_shown(c, results)))
             for c in (cells.get((r, col)) for col in columns)]
            for r in range(1, ws.max_row + 1)]
        values = [[v for _, v in row] for row in rows]
        if values == [[None]]:
            values = [[]]
        notes = [{"address": f"${get_column_letter(j)}${i}"} for i, row in enumerate(rows, start=1)
                 for j, (noted, _) in enumerate(row, start=1) if noted]
        sheets.append({
            "name": ws.title, "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
            "values": values, "pictures": [], "shapes": [], "charts": _charts_json(ws), "notes": notes, "tables": [],
            "print_area": None, "show_gridlines": True, "pivot_tables": [],
        })
    return {
        "client": "Office.js", "version": version,
        "book": {"name": name, "active_sheet_index": 0, "selection": selection},
        "names": [], "sheets": sheets,
    }


def _shown(c: Any, results: dict[str, Any] | None) -> Any:
    """The cell's value as a data_only load shows it: a formula's cached result, and where it
    has none, the target of the cell's link (openpyxl's Cell.hyperlink puts it in an empty cell)."""
    if c is None:
        return None
    if results is None or c.data_type != "f":
        return c.value
    value = results.get(c.coordinate)
    if value is None and c.hyperlink is not None:
        return c.hyperlink.target or c.hyperlink.location
    return value


def snapshot_loaded(path: str | Path, version: str, selection: str = "A1") -> dict[str, Any]:
    """The snapshot from the workbook loaded whole with data_only, as openpyxl shows the cached
    results: the reference `snapshot` is tested against (test_excel_transfer)."""
    return snapshot_of(load_workbook(path, data_only=True), Path(path).name, version, selection)


# Snapshots by the digest of the file's bytes (and the version and selection asked): a
# snapshot is a pure function of them and the file's name, and many presses start from the
# same built workbook.
# Kept as JSON text, so each Book gets its own copy to record into.
_SNAPSHOTS: dict[tuple[str, str, str], str] = {}
_KEPT = 8


def digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def snapshot(path: str | Path, version: str, selection: str = "A1", wb: Workbook | None = None,
             key: str | None = None) -> dict[str, Any]:
    """What an Office.js client sends: values (cached results for formulas), notes, names.
    `wb`, when given, is the file loaded with formulas (the load the replay applies the
    actions to); the cached results come from a scan of the file, not a second load."""
    memo = (key or digest(path), version, selection)
    text = _SNAPSHOTS.get(memo)
    if text is None:
        if wb is None:
            wb = load_workbook(path)
        try:
            snap = snapshot_of(wb, Path(path).name, version, selection, saved_values(Path(path)))
        except Unusual:
            snap = snapshot_loaded(path, version, selection)
        text = _SNAPSHOTS[memo] = json.dumps(snap, ensure_ascii=False)
        while len(_SNAPSHOTS) > _KEPT:  # a seed's is a megabyte of text: the latest few are kept
            del _SNAPSHOTS[next(iter(_SNAPSHOTS))]
    loaded: dict[str, Any] = json.loads(text)
    loaded["book"]["name"] = Path(path).name  # the same bytes under another name
    return loaded


def _excel_value(v: Any, text_format: bool) -> Any:
    """What Excel stores when a formula/value is typed into a cell."""
    if isinstance(v, str):
        if v.startswith("'"):
            return v[1:]
        if not text_format and NUMBER.match(v.strip()):
            f = float(v)
            return int(f) if f.is_integer() and "." not in v else f
    return v


def _cells(ws: Worksheet, a: dict[str, Any]) -> Iterable[tuple[int, int]]:
    """The action's range, row by row."""
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    return product(range(r0, r0 + a["row_count"]), range(c0, c0 + a["column_count"]))


def _put(ws: Worksheet, a: dict[str, Any], formula: bool) -> None:
    vals = a["values"]
    if not isinstance(vals, list):
        vals = [[vals] * a["column_count"]] * a["row_count"]
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    present = ws._cells
    texts: dict[int, bool] = {}  # number format index → whether it is "@", read once per index
    for i, row in enumerate(vals):
        for j, v in enumerate(row):
            c = present.get((r0 + i, c0 + j)) or ws.cell(r0 + i, c0 + j)
            if v is None or v == "":
                c.value = None
                continue
            fmt = c._style.numFmtId if c._style is not None else 0
            text = texts.get(fmt)
            if text is None:
                text = texts[fmt] = c.number_format == "@"
            if isinstance(v, str) and v.startswith("=") and formula and not text:
                c.value = v
            else:
                c.value = _excel_value(v, text)
                if isinstance(c.value, str):
                    c.data_type = "s"


def _address_cell(ws: Worksheet, address: str) -> Any:
    min_col, min_row, _, _ = range_boundaries(address.replace("$", ""))
    return ws.cell(min_row, min_col)


def _a1(a: dict[str, Any]) -> str:
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    return a1((r0, c0, r0 + a["row_count"] - 1, c0 + a["column_count"] - 1))


# (workbook, part, change) → starting style → resulting style, for changes named by value:
# the same change meets the same starting styles across many actions (a border side drawn
# on every table's cells). Emptied at each replay; styles are indices into one workbook.
_SEEN: dict[tuple[Any, ...], dict[tuple[int, ...], StyleArray]] = {}


def _by_start(ws: Worksheet, cells: Iterable[tuple[int, int]], done: dict[tuple[int, ...], StyleArray],
              work: Callable[[Any], None]) -> None:
    """Do `work` on each cell once per distinct starting style: cells that start alike end
    alike, so the others take the first one's resulting style (openpyxl hashes a style
    object on every assignment, a style array is copied in no time)."""
    present = ws._cells  # a cell that exists is taken as it is; `ws.cell` makes the others
    for at in cells:
        cell = present.get(at) or ws.cell(*at)
        style = cell._style
        key = tuple(style) if style is not None else ()
        result = done.get(key)
        if result is not None:
            cell._style = StyleArray(result)
            continue
        work(cell)
        done[key] = StyleArray(cell._style)


def _restyle(ws: Worksheet, cells: Iterable[tuple[int, int]], part: str, change: Callable[[Any], None],
             same_as: tuple[Any, ...] | None = None) -> None:
    """Change one part of the cells' style, worked out once per starting style; once for the
    whole replay when the change is named by value (`same_as`)."""
    def work(cell: Any) -> None:
        value = copy(getattr(cell, part))
        change(value)
        setattr(cell, part, value)

    _by_start(ws, cells, _SEEN.setdefault((id(ws.parent), part, same_as), {}) if same_as is not None else {}, work)


def _set(ws: Worksheet, cells: Iterable[tuple[int, int]], part: str, value: Any) -> None:
    """Set one part of the cells' style (a number format, a fill) to `value`."""
    _by_start(ws, cells, _SEEN.setdefault((id(ws.parent), part, ("=", value)), {}),
              lambda cell: setattr(cell, part, value))


# Excel's (line style, weight) as openpyxl's border style.
_LINE = {("continuous", "thin"): "thin", ("continuous", "medium"): "medium", ("continuous", "thick"): "thick",
         ("continuous", "hairline"): "hair", ("dash", "thin"): "dashed", ("dash", "medium"): "mediumDashed",
         ("dot", "thin"): "dotted", ("double", "thick"): "double", ("dash_dot", "thin"): "dashDot",
         ("dash_dot_dot", "thin"): "dashDotDot", ("slant_dash_dot", "medium"): "slantDashDot"}


_LINES: dict[tuple[str | None, str | None], Side] = {}


def _line(style: str | None, colour: str | None) -> Side:
    """One Side object per line style and colour (None: no line)."""
    side = _LINES.get((style, colour))
    if side is None:
        side = _LINES[(style, colour)] = Side() if style is None else Side(style=style, color=colour)
    return side


def _range_key(ws: Worksheet, a: dict[str, Any]) -> tuple[int, ...]:
    return id(ws), a["start_row"], a["start_column"], a["row_count"], a["column_count"]


def _rect(key: tuple[int, ...]) -> tuple[int, int, int, int]:
    """A `_range_key`'s cells as (top, left, bottom, right), from 1."""
    _, row, column, rows, columns = key
    return row + 1, column + 1, row + rows, column + columns


_SIDE_GROUPS = ("edge_left", "edge_right", "edge_top", "edge_bottom", "inside_vertical", "inside_horizontal")


def _border(ws: Worksheet, a: dict[str, Any], pending: dict[tuple[Any, ...], dict[str, Any]],
            lines: list[tuple[str, Side]], side: str, attribute: str, value: Any) -> None:
    """One attribute of one side group. xlwings sends colour and weight before the line
    style; Excel draws the line when the style arrives: then it joins the range's `lines`
    (`_draw` puts them on the cells)."""
    if side not in _SIDE_GROUPS:
        raise NotImplementedError(f"snapshot.apply_actions: no replay for border side {side}")
    key = (*_range_key(ws, a), side)
    attrs = pending.setdefault(key, {})
    attrs[attribute] = value
    if attribute != "line_style":
        return
    del pending[key]
    line = attrs["line_style"]
    colour = attrs.get("color")
    lines.append((side, _line(None if line in (None, "none") else _LINE[(line, attrs.get("weight", "thin"))],
                              colour.lstrip("#").upper() if colour else None)))


def _sides(lines: list[tuple[str, Side]], top: bool, bottom: bool, left: bool, right: bool) -> dict[str, Side]:
    """What the range's lines, drawn in turn, leave on the sides of a cell on its top row,
    bottom row, left or right column (or none of them): an edge line draws that side of the
    edge's cells, an inside line both neighbours' sides (a cell's right is the next one's left)."""
    out: dict[str, Side] = {}
    for side, drawn in lines:
        if side == "edge_left":
            if left:
                out["left"] = drawn
        elif side == "edge_right":
            if right:
                out["right"] = drawn
        elif side == "edge_top":
            if top:
                out["top"] = drawn
        elif side == "edge_bottom":
            if bottom:
                out["bottom"] = drawn
        elif side == "inside_vertical":
            if not right:
                out["right"] = drawn
            if not left:
                out["left"] = drawn
        else:  # inside_horizontal
            if not bottom:
                out["bottom"] = drawn
            if not top:
                out["top"] = drawn
    return out


def _bands(first: int, last: int) -> list[tuple[range, bool, bool]]:
    """A range's rows (or columns) as bands of the same place: (numbers, first?, last?)."""
    if first == last:
        return [(range(first, first + 1), True, True)]
    return [(range(first, first + 1), True, False), (range(first + 1, last), False, False),
            (range(last, last + 1), False, True)]


def _draw(ws: Worksheet, rect: tuple[int, int, int, int], lines: list[tuple[str, Side]]) -> None:
    """The lines drawn on one range, put on its cells: a cell's sides depend only on whether
    it is on the range's top or bottom row, left or right column, so each of (at most) nine
    blocks of cells gets its final sides at once, as drawing the lines one by one leaves them
    (an inside line comes once per side of the range: up to eight passes over a cell, now one)."""
    r0, c0, r1, c1 = rect
    for rows, top, bottom in _bands(r0, r1):
        for cols, left, right in _bands(c0, c1):
            sides = _sides(lines, top, bottom, left, right)
            if not rows or not cols or not sides:
                continue  # cells no line reaches are left as they are (not even made)
            changes = tuple(sorted(sides.items(), key=lambda kv: kv[0]))

            def change(b: Any, changes: tuple[tuple[str, Side], ...] = changes) -> None:
                for name, drawn in changes:
                    setattr(b, name, drawn)

            # Named by the sides' identities: `_line` keeps one Side per line, and a Side hashes slowly.
            _restyle(ws, product(rows, cols), "border", change,
                     same_as=tuple((name, id(drawn)) for name, drawn in changes))
    lines.clear()


def _merge(ws: Worksheet, ref: str) -> None:
    """`ws.merge_cells(ref)` as openpyxl 3.1 does it (worksheet.py, merge.py): the range's
    other cells made MergedCells, its edges given the first cell's lines, every cell its
    protection; here each style change is worked out once per starting style (`_by_start`)
    instead of hashed again on each cell."""
    mcr = MergedCellRange(ws, ref)  # the first cell takes the last one's right and bottom lines
    ws.merged_cells.add(mcr)
    cells = mcr.cells
    next(cells)
    for row, col in cells:
        ws._cells[row, col] = MergedCell(ws, row, col)
    start = mcr.start_cell
    for name in ("top", "left", "right", "bottom"):
        side = getattr(start.border, name)
        if side and side.style is None:
            continue
        border = Border(**{name: side})

        def add(cell: Any, border: Border = border) -> None:
            cell.border += border

        _by_start(ws, getattr(mcr, name), _SEEN.setdefault((id(ws.parent), "border", ("+", name, side)), {}), add)
    _set(ws, mcr.cells, "protection", copy(start.protection))


def apply_actions(wb: Workbook, actions: list[dict[str, Any]]) -> dict[str, Any]:
    """Replay remote-engine actions on `wb`; returns what the user would see (selection, alerts)."""
    seen: dict[str, Any] = {"alerts": [], "selection": None, "active": None, "funcs": []}
    borders: dict[tuple[Any, ...], dict[str, Any]] = {}
    # The lines of one range, drawn on its cells when an action on anything else comes.
    lines: list[tuple[str, Side]] = []
    drawn_on: tuple[Worksheet, tuple[int, ...]] | None = None
    _SEEN.clear()
    sheets = wb.worksheets  # a new list on each call: taken again when a sheet comes or goes
    for a in actions:
        f = a["func"]
        seen["funcs"].append(f)
        ws = sheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        args = a.get("args") or []
        if drawn_on is not None and (f != "setBorderProperty" or ws is not drawn_on[0]
                                     or _range_key(drawn_on[0], a) != drawn_on[1]):
            _draw(drawn_on[0], _rect(drawn_on[1]), lines)
            drawn_on = None
        if f == "addSheet":
            wb.create_sheet(title=args[1], index=args[0])
            sheets = wb.worksheets
        elif f == "sheetDelete":
            wb.remove(ws)
            sheets = wb.worksheets
        elif f in ("sheetClear", "sheetClearContents"):
            assert ws is not None
            if f == "sheetClear":
                for m in list(ws.merged_cells.ranges):
                    ws.unmerge_cells(str(m))
                ws.conditional_formatting = type(ws.conditional_formatting)()
                ws.data_validations = type(ws.data_validations)()
            for row in ws.iter_rows():
                for c in row:
                    c.value = None
                    if f == "sheetClear":
                        c.style = "Normal"
                        c.comment = None
                        c.hyperlink = None
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
                _set(ws, _cells(ws, a), "number_format", args[0])
        elif f == "setRangeColor":
            _set(ws, _cells(ws, a), "fill", PatternFill("solid", fgColor=args[0].lstrip("#").upper()) if args[0] else PatternFill())
        elif f == "rangeClearFormats":
            for r, c in _cells(ws, a):
                ws.cell(r, c).style = "Normal"
        elif f == "rangeClearContents":
            for r, c in _cells(ws, a):
                ws.cell(r, c).value = None
        elif f == "setFontProperty":
            prop, value = args
            attr = {"bold": "b", "italic": "i", "size": "sz", "color": "color"}.get(prop, prop)
            if prop == "color":
                value = Color(rgb="FF" + value.lstrip("#").upper())
            _restyle(ws, _cells(ws, a), "font", lambda font: setattr(font, attr, value), same_as=(attr, value))
        elif f in ("setHorizontalAlignment", "setVerticalAlignment"):
            attr = "horizontal" if f == "setHorizontalAlignment" else "vertical"
            js = args[0]
            value = {"CenterAcrossSelection": "centerContinuous"}.get(js, js[0].lower() + js[1:])
            _restyle(ws, _cells(ws, a), "alignment", lambda al: setattr(al, attr, value), same_as=(attr, value))
        elif f == "setWrapText":
            _restyle(ws, _cells(ws, a), "alignment", lambda al: setattr(al, "wrap_text", bool(args[0])),
                     same_as=("wrap_text", bool(args[0])))
        elif f == "rangeAdjustIndent":
            _restyle(ws, _cells(ws, a), "alignment", lambda al: setattr(al, "indent", (al.indent or 0) + args[0]))
        elif f == "setBorderProperty":
            assert ws is not None
            drawn_on = (ws, _range_key(ws, a))
            _border(ws, a, borders, lines, *args)
        elif f == "setRowHeight":
            for r in range(a["start_row"] + 1, a["start_row"] + a["row_count"] + 1):
                ws.row_dimensions[r].height = float(args[0])
        elif f == "addHyperlink":
            address, text, tip = args
            cell = ws.cell(a["start_row"] + 1, a["start_column"] + 1)
            if address.startswith("#"):
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address[1:], display=text, tooltip=tip or None)
            else:
                cell.hyperlink = Hyperlink(ref=cell.coordinate, target=address, display=text, tooltip=tip or None)
            cell.value = text
        elif f == "addConditionalFormat":
            (entry,) = args
            assert entry["type"] == "Custom", entry
            fill = PatternFill(bgColor=entry["fill_color"].lstrip("#").upper()) if entry["fill_color"] else None
            font = None
            if entry["font_color"] or entry["font_bold"] is not None:
                font = Font(color=entry["font_color"].lstrip("#").upper() if entry["font_color"] else None,
                            b=entry["font_bold"])
            rule = FormulaRule(formula=[entry["formula"][1:]], fill=fill, font=font, stopIfTrue=entry["stop_if_true"])
            ws.conditional_formatting.add(_a1(a), rule)
            # Office.js puts a new rule first.
            rule.priority = 1_000_000 - len(seen["funcs"])
        elif f == "setDataValidationList":
            source, _dropdown = args
            assert source["type"] == "literal", source
            dv = DataValidation(type="list", formula1='"' + ",".join(map(str, source["values"])) + '"')
            ws.add_data_validation(dv)
            dv.add(_a1(a))
        elif f == "setPrintArea":
            ws.print_area = args[0]
        elif f == "freezePaneAtRange":
            min_col, min_row, max_col, max_row = range_boundaries(args[0])
            ws.freeze_panes = f"{get_column_letter((max_col or 0) + 1)}{(max_row or 0) + 1}"
        elif f == "addChart":
            _name, kind, _sheet, source, _left, _top, width, height, _by, anchor, _style = args
            chart = PieChart() if kind == "Pie" else BarChart()
            if isinstance(chart, BarChart):
                chart.type = "bar" if kind.startswith("Bar") else "col"
            c1, r1, c2, r2 = range_boundaries(source.replace("$", ""))
            chart.add_data(Reference(ws, min_col=c2, min_row=r1, max_row=r2), titles_from_data=False)
            chart.set_categories(Reference(ws, min_col=c1, min_row=r1, max_row=r2))
            chart.width, chart.height = width / POINTS_PER_CM, height / POINTS_PER_CM
            ws.add_chart(chart, anchor.replace("$", ""))
        elif f == "setSheetAutofit":
            assert args == ["rows"] and ws is not None, args
            assert all(c.value is None for row in ws.iter_rows() for c in row), "replayed on a cleared sheet only"
            for r in list(ws.row_dimensions):
                ws.row_dimensions[r].height = None
        elif f == "deleteChart":
            del ws._charts[args[0]]
        elif f == "setChartTitle":
            ws._charts[args[0]].title = args[1]
        elif f == "setChartLegend":
            index, prop, value = args
            if prop == "visible" and not value:
                ws._charts[index].legend = None
        elif f == "setColumnWidth":
            for c in range(a["start_column"] + 1, a["start_column"] + a["column_count"] + 1):
                dim = ws.column_dimensions[get_column_letter(c)]
                # Excel hides a column whose width is set to 0.
                dim.width, dim.hidden = float(args[0]), float(args[0]) == 0
        elif f == "rangeMerge":
            _merge(ws, _a1(a))
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
    if drawn_on is not None:
        _draw(drawn_on[0], _rect(drawn_on[1]), lines)
    return seen


def _engine() -> Any:
    """xlwings with its remote engine added.

    xlwings PRO (the remote engine) is free under the PolyForm Noncommercial licence; its
    documented key for that use is "noncommercial". A key already set is left alone.
    """
    import os

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    return xw


def remote_book(path: str | Path, selection: str = "A1") -> Any:
    """An xlwings Book on the remote engine, built from the file's snapshot."""
    xw = _engine()
    return xw.Book(json=snapshot(path, xw.__version__, selection))


def opened(path: str | Path, selection: str = "A1") -> tuple[Any, Workbook, str]:
    """`remote_book(path)`, with the file loaded with formulas for `replay` (one load for the
    snapshot and the replay) and the digest of the bytes it was loaded from."""
    xw = _engine()
    key = digest(path)
    wb = load_workbook(path)
    return xw.Book(json=snapshot(path, xw.__version__, selection, wb, key)), wb, key


def replay(book: Any, path: str | Path, wb: Workbook | None = None) -> dict[str, Any]:
    """Apply the book's recorded actions to the file at `path` and save it. `wb` is the file
    already loaded with formulas, if it is (`opened`), else it is loaded here."""
    if wb is None:
        wb = load_workbook(path)
    seen = apply_actions(wb, book.json()["actions"])
    wb.save(path)
    return seen
