"""Write a workbook description into an xlwings Book (any engine) and read a Book's values out.

The only module besides buttons/udfs that touches the xlwings API; it uses the public API
that the desktop and remote engines share, so one code path serves Excel and the headless
tests. Cells are formatted a rectangle at a time (`description.rectangles`): a sheet of
thousands of cells takes a few hundred calls.

Carried: values and formulas, number formats, fonts (name, size, bold, italic, colour),
fills, alignment, wrapping, indents, borders, merges, column widths, row heights, notes,
links, conditional formats (fill, font colour, bold, stop-if-true), list validations,
charts (type, data, title, place, size, legend), print areas, frozen panes, hidden sheets.
The page setup beyond the print area (orientation, fit to width, margins, footer, title
rows, page breaks) has no engine-neutral call: it is set through desktop Excel's own object
model (`page_setup_calls`, on Windows), and is not carried by the remote engine.
Not carried, because no engine-neutral xlwings call sets them: a conditional format's
number format (none is written today; its fill would still show), underlined links,
auto-filters and chart data labels. A file written by `xltools import` has them all.
"""
from __future__ import annotations

import re
import sys
from dataclasses import replace
from typing import Any, Iterable

from openpyxl.utils import column_index_from_string, coordinate_to_tuple, get_column_letter

from xltools.workbook.description import (DEFAULT_FONT, BookDescription, Borders, Cell, Print, Sheet, Style, a1,
                                          cells_of, rectangles)

Grid = list[list[Any]]
Places = dict[Any, list[tuple[int, int]]]

# What Excel would take as a number when the text is typed into a General cell.
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# openpyxl's line styles as xlwings' (line style, weight).
LINES = {"thin": ("continuous", "thin"), "medium": ("continuous", "medium"), "thick": ("continuous", "thick"),
         "hair": ("continuous", "hairline"), "dashed": ("dash", "thin"), "dotted": ("dot", "thin"),
         "double": ("double", "thick"), "mediumDashed": ("dash", "medium"), "dashDot": ("dash_dot", "thin"),
         "dashDotDot": ("dash_dot_dot", "thin"), "slantDashDot": ("slant_dash_dot", "medium")}
POINTS_PER_CM = 72 / 2.54
CHART_TYPES = {"pie": "pie", "bar": "bar_clustered", "column": "column_clustered"}


def sheet_values(sheet: Any) -> Grid:
    """A sheet's values from A1 to the end of its used range, always 2-D."""
    last = sheet.used_range.last_cell
    v = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, empty=None).value
    return [list(r) for r in v] if v else []


def book_values(book: Any, names: Iterable[str] | None = None) -> dict[str, Grid]:
    wanted = set(names) if names is not None else None
    return {s.name: sheet_values(s) for s in book.sheets if wanted is None or s.name in wanted}


def typed(c: Cell) -> Any:
    """What to type into the cell so that Excel stores the described value."""
    v = c.value
    if v is None:
        return ""
    if isinstance(v, str) and not c.formula:
        # Excel would read "=…" or "201" typed into a General cell as a formula or a number.
        literal = v.startswith(("=", "'")) or (c.style.number_format != "@" and NUMBER.match(v.strip()) is not None)
        return "'" + v if literal else v
    return v


def frozen_range(freeze: str) -> str | None:
    """openpyxl's first scrolling cell ("C4") as the frozen top-left pane xlwings takes ("A1:B3")."""
    col, row = coordinate_to_tuple(freeze)[::-1]
    rows, cols = row - 1, col - 1
    if rows and cols:
        return a1((1, 1, rows, cols))
    if rows:
        return f"1:{rows}"
    return f"A:{get_column_letter(cols)}" if cols else None


def _attributes(s: Style) -> list[tuple[str, Any]]:
    """The style's formatting attributes, borders apart, that a new cell does not have."""
    f = s.font
    return [(key, value) for key, value, default in (
        ("number_format", s.number_format, "General"), ("name", f.name, DEFAULT_FONT[0]),
        ("size", f.size, DEFAULT_FONT[1]), ("bold", f.bold, False), ("italic", f.italic, False),
        ("colour", f.colour, None), ("fill", s.fill, None), ("horizontal", s.horizontal, None),
        ("vertical", s.vertical, None), ("wrap", s.wrap, False), ("indent", s.indent, 0))
        if value is not None and value != default]


def _range(sheet: Any, rect: tuple[int, int, int, int]) -> Any:
    """The sheet's range (top, left, bottom, right), by its corners' numbers: the same range
    as its A1 address, without the address written out and parsed back (thousands a book)."""
    top, left, bottom, right = rect
    return sheet.range((top, left), (bottom, right))


def _group(sheet: Sheet, covered: set[tuple[int, int]]) -> dict[str, Places]:
    """Each formatting attribute → its value → the cells that have it (defaults left out).
    Values come in the order their first cell comes (the order they are written in)."""
    out: dict[str, Places] = {k: {} for k in ("number_format", "name", "size", "bold", "italic", "colour", "fill",
                                              "horizontal", "vertical", "wrap", "indent", "borders")}
    # A sheet has thousands of cells and a few dozen styles (one object per style when
    # described from a workbook): each style's attributes are worked out once.
    alike: dict[int, tuple[Style, list[tuple[int, int]], bool]] = {}  # the style, its cells, whether it has lines
    lined: dict[int, tuple[int, Borders, list[tuple[int, int]]]] = {}  # first uncovered cell's index, lines, cells
    for i, c in enumerate(sheet.cells):
        s, at = c.style, (c.row, c.col)
        group = alike.get(id(s))
        if group is None:
            group = alike[id(s)] = (s, [], s.borders.any())
        group[1].append(at)
        if group[2] and at not in covered:
            drawn = lined.get(id(s))
            if drawn is None:
                drawn = lined[id(s)] = (i, s.borders, [])
            drawn[2].append(at)
    for s, places, _ in alike.values():
        for key, value in _attributes(s):
            out[key].setdefault(value, []).extend(places)
    for _, b, places in sorted(lined.values(), key=lambda t: t[0]):
        out["borders"].setdefault(b, []).extend(places)
    return out


def _set_borders(rng: Any, b: Borders, tall: bool, wide: bool) -> None:
    for side in ("left", "right", "top", "bottom"):
        style = getattr(b, side)
        if not style:
            continue
        line, weight = LINES.get(style, ("continuous", "thin"))
        sides = [f"edge_{side}"]
        # Inside lines: a cell's right edge is its neighbour's left edge, on screen and on paper.
        if side in ("left", "right") and wide:
            sides.append("inside_vertical")
        if side in ("top", "bottom") and tall:
            sides.append("inside_horizontal")
        # Thin is what a new line is in Excel and Office.js alike: not sent, a third fewer calls.
        kw: dict[str, Any] = {"line_style": line} if weight == "thin" else {"line_style": line, "weight": weight}
        if b.colour:
            kw["color"] = b.colour
        rng.borders.set(sides, **kw)


def _format(sheet: Any, desc: Sheet, groups: dict[str, Places]) -> None:
    def each(key: str) -> Iterable[tuple[Any, Any]]:
        for value, places in groups[key].items():
            for rect in rectangles(places):
                yield value, _range(sheet, rect)

    for value, rng in each("name"):
        rng.font.name = value
    for value, rng in each("size"):
        rng.font.size = value
    for _, rng in each("bold"):
        rng.font.bold = True
    for _, rng in each("italic"):
        rng.font.italic = True
    for value, rng in each("colour"):
        rng.font.color = value
    for value, rng in each("fill"):
        rng.color = value
    for value, rng in each("horizontal"):
        rng.horizontal_alignment = {"centerContinuous": "center_across_selection"}.get(value, value)
    for value, rng in each("vertical"):
        rng.vertical_alignment = value
    for _, rng in each("wrap"):
        rng.wrap_text = True
    for value, rng in each("indent"):
        rng.adjust_indent(int(value))
    for b, places in groups["borders"].items():
        for top, left, bottom, right in rectangles(places):
            _set_borders(_range(sheet, (top, left, bottom, right)), b, bottom > top, right > left)
    for m in desc.merges:
        rng = sheet.range(m)
        rng.merge()
        anchor = desc.cell(m.split(":")[0])
        if anchor is not None and anchor.style.borders.any():
            _set_borders(rng, anchor.style.borders, False, False)  # the merged area's outline


def _by_size(sizes: Iterable[tuple[tuple[int, int], float]]) -> Iterable[tuple[float, str]]:
    """Adjacent columns (or rows) of one size as one range: one call each."""
    places: dict[float, list[tuple[int, int]]] = {}
    for at, size in sizes:
        places.setdefault(size, []).append(at)
    for size, cells in places.items():
        for rect in rectangles(cells):
            yield size, a1(rect)


def _dimensions(sheet: Any, desc: Sheet) -> None:
    for w, ref in _by_size(((1, column_index_from_string(col)), w) for col, w in desc.widths):
        sheet.range(ref).column_width = w
    for h, ref in _by_size(((row, 1), h) for row, h in desc.heights):
        sheet.range(ref).row_height = h


def _extras(sheet: Any, desc: Sheet) -> None:
    for a, text in desc.notes:
        rng = sheet.range(a)
        if rng.note is not None:  # a cleared sheet may still list its old notes (remote engine)
            rng.note.text = text
        else:
            rng.add_note(text)
    for link in desc.links:
        c = desc.cell(link.cell)
        rng = sheet.range(link.cell)
        target = link.location if link.location.startswith(("http", "#")) else "#" + link.location
        rng.add_hyperlink(target, "" if c is None or c.value is None else str(c.value), link.tooltip or "")
        if c is not None and c.formula:  # the link's text replaced the formula: typed again, the link stays
            rng.formula = typed(c)
    if desc.conditionals:
        # Desktop Excel reads a rule's relative references from the active cell (Microsoft KB
        # 895562), Office.js from the range's first cell: each area's first cell is selected
        # first, so both read them the same.
        sheet.activate()
    # Office.js and Excel put a new rule first: added last to first, the first rule wins as it does in the file.
    for cf in reversed(desc.conditionals):
        for area, formula in cf.areas():
            rng = sheet.range(area)
            rng[0, 0].select()
            rng.conditional_formats.add_custom(
                "=" + formula, fill_color=cf.fill, font_color=cf.font_colour, font_bold=cf.bold, stop_if_true=cf.stop)
    for dv in desc.validations:
        for r in dv.ranges:
            sheet.range(r).data_validation.set_list(list(dv.choices))
    for ch in desc.charts:
        chart = sheet.charts.add(width=ch.width_cm * POINTS_PER_CM, height=ch.height_cm * POINTS_PER_CM,
                                 chart_type=CHART_TYPES[ch.kind], source=sheet.range(ch.source),
                                 anchor=sheet.range(ch.anchor))
        if ch.title:
            chart.title = ch.title
        if not ch.legend:
            chart.legend.visible = False
    if desc.print.area:
        sheet.page_setup.print_area = desc.print.area
    frozen = frozen_range(desc.freeze) if desc.freeze else None
    if frozen:
        sheet.freeze_panes.freeze_at(frozen)


XL_PORTRAIT, XL_LANDSCAPE = 1, 2  # XlPageOrientation
POINTS_PER_INCH = 72


def page_setup_calls(p: Print) -> list[tuple[str, Any]]:
    """Desktop Excel's PageSetup properties for `p`, in the order to set them (COM names).
    Fit to pages needs Zoom off first; a page count of 0 is Excel's False (as many as needed)."""
    calls: list[tuple[str, Any]] = [("Orientation", XL_LANDSCAPE if p.landscape else XL_PORTRAIT)]
    if p.fit_width is not None or p.fit_height is not None:
        calls += [("Zoom", False), ("FitToPagesWide", p.fit_width or False), ("FitToPagesTall", p.fit_height or False)]
    if p.margins is not None:
        calls += [("LeftMargin", p.margins[0] * POINTS_PER_INCH), ("RightMargin", p.margins[1] * POINTS_PER_INCH)]
    if p.title_rows:
        first, _, last = p.title_rows.partition(":")
        calls.append(("PrintTitleRows", f"${first}:${last or first}"))
    if p.footer:
        calls.append(("CenterFooter", p.footer))
    return calls


def desktop_api(sheet: Any) -> Any | None:
    """The sheet's desktop Excel object (Windows, COM), or None on any other engine (the
    remote engine has no object model; macOS's AppleScript one names things otherwise)."""
    try:
        if sys.platform != "win32" or sheet.book.app.engine.name != "excel":
            return None
        api = sheet.api
    except Exception:  # the remote engine has no .api: the page setup is not carried there
        return None
    return api if hasattr(api, "PageSetup") else None


def _page_setup(sheet: Any, p: Print) -> None:
    api = desktop_api(sheet)
    if api is None:
        return
    setup = api.PageSetup
    for name, value in page_setup_calls(p):
        setattr(setup, name, value)
    for row in p.row_breaks:  # openpyxl's break follows its row; Excel's comes before a row
        api.HPageBreaks.Add(Before=api.Range(f"A{row + 1}"))


def write_sheet(sheet: Any, desc: Sheet) -> None:
    covered = {(r, c) for m in desc.merges for r, c in cells_of(m)[1:]}
    groups = _group(desc, covered)
    # Number formats first: a code typed into an "@" cell stays text.
    for fmt, places in groups["number_format"].items():
        for rect in rectangles(places):
            _range(sheet, rect).number_format = fmt
    rows, cols = desc.size
    if rows and cols:
        block: Grid = [[""] * cols for _ in range(rows)]
        for c in desc.cells:
            block[c.row - 1][c.col - 1] = typed(c)
        sheet.range((1, 1), (rows, cols)).formula = block
    _format(sheet, desc, groups)
    _dimensions(sheet, desc)
    _extras(sheet, desc)
    _page_setup(sheet, desc.print)
    if desc.hidden:
        sheet.visible = False


def as_written(description: BookDescription) -> BookDescription:
    """What of `description` this module writes into Excel, in the form it writes it: the
    aspects named "not carried" above left out, conditional formats one per rectangle."""
    def sheet(s: Sheet) -> Sheet:
        cells = tuple(replace(c, style=replace(c.style, font=replace(c.style.font, underline=False)))
                      if c.style.font.underline else c for c in s.cells)
        rules = [replace(cf, ranges=(area,), formula=formula, number_format=None)
                 for cf in s.conditionals for area, formula in cf.areas()]
        rules.sort(key=lambda cf: cf.ranges)  # stable: the order among a cell's own rules is kept
        return replace(s, cells=cells, conditionals=tuple(rules), print=Print(area=s.print.area), auto_filter=None)

    return BookDescription(tuple(sheet(s) for s in description.sheets))


def write_book(book: Any, description: BookDescription, keep: Iterable[str] = ()) -> None:
    """Replace the book's sheets by the described ones, in order; sheets named in `keep` stay.

    A sheet of the same name is cleared and rewritten in place (formulas elsewhere that
    point at it keep pointing at it); other old sheets are deleted after the new ones exist,
    because Excel refuses to delete a workbook's last sheet.
    """
    keep = set(keep)
    old = {s.name: s for s in book.sheets}
    for desc in description.sheets:
        if desc.name in old:
            sheet = old[desc.name]
            sheet.clear()  # contents, formats, rules and links; charts are shapes and stay
            sheet.autofit("rows")  # row heights also stay: the now empty rows go back to the standard height
            for _ in range(len(sheet.charts)):
                sheet.charts[0].delete()
        else:
            sheet = book.sheets.add(name=desc.name, after=book.sheets[len(book.sheets) - 1])
        write_sheet(sheet, desc)
    for name in list(old):
        if name not in description.names and name not in keep:
            book.sheets[name].delete()
    if description.sheets:  # the officer starts where a printed copy starts: the cover's first cell
        first = book.sheets[description.sheets[0].name]
        first.activate()
        first.range("A1").select()
