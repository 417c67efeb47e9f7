"""The workbook as plain data: what the sheets hold and how they look, engine-neutral.

The renderer builds an openpyxl workbook; `describe` turns it into this description, and
the writers take it from there: openpyxl saves the same workbook to a file, the Excel side
(`excel/transfer.py`) writes the description into the open workbook. Layout tests compare
descriptions, which takes milliseconds and needs no file. Everything here is frozen and
compares by value, so two descriptions are equal exactly when the workbooks look the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Iterator

from openpyxl.cell.cell import Cell as XlCell, MergedCell
from openpyxl.formula.translate import Translator
from openpyxl.styles.borders import Side
from openpyxl.styles.colors import Color
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xltools.workbook.openpyxl_internals import charts_of, stored_cells, style_key

# Excel's default cell font in the files openpyxl writes: not written again into a book.
DEFAULT_FONT = ("Calibri", 11.0)
SIDES = ("left", "right", "top", "bottom")
EMU_PER_CM = 360000


def colour(c: Color | None) -> str | None:
    """An explicit RGB colour as "#RRGGBB"; theme and indexed colours (the defaults) as None."""
    if c is None or c.type != "rgb" or not isinstance(c.rgb, str) or c.rgb == "00000000":  # unset
        return None
    return "#" + c.rgb[-6:].upper()


@dataclass(frozen=True)
class Font:
    name: str | None = DEFAULT_FONT[0]
    size: float | None = DEFAULT_FONT[1]
    bold: bool = False
    italic: bool = False
    underline: bool = False
    colour: str | None = None


@dataclass(frozen=True)
class Borders:
    """The line style of each side ("thin", "medium", …) or None, and one colour."""
    left: str | None = None
    right: str | None = None
    top: str | None = None
    bottom: str | None = None
    colour: str | None = None

    def any(self) -> bool:
        return any(getattr(self, s) for s in SIDES)


@dataclass(frozen=True)
class Style:
    number_format: str = "General"
    font: Font = Font()
    fill: str | None = None
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    indent: int = 0
    borders: Borders = Borders()


PLAIN = Style()


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    value: str | float | bool | None  # a formula as "=…"
    formula: bool = False
    style: Style = PLAIN

    @property
    def address(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


@dataclass(frozen=True)
class Link:
    """A link to a place in this workbook ("'表2 收入总表'!A7"), shown as the cell's text."""
    cell: str
    location: str
    tooltip: str | None = None


@dataclass(frozen=True)
class Conditional:
    """A formula rule: `formula` is written for the top-left cell of `ranges` (relative refs)."""
    ranges: tuple[str, ...]
    formula: str
    fill: str | None = None
    font_colour: str | None = None
    bold: bool | None = None
    number_format: str | None = None
    stop: bool = False


    def areas(self) -> Iterator[tuple[str, str]]:
        """Each rectangle of the rule's cells with the formula as written for its own top-left
        cell: writers that take one rectangle at a time (xlwings) need it so."""
        if len(self.ranges) == 1:  # one range is one rectangle, its first cell the formula's own
            yield a1(bounds(self.ranges[0])), self.formula
            return
        cells = [at for r in self.ranges for at in cells_of(r)]
        # Relative references are relative to the top-left cell of all the rule's cells.
        first = a1((min(r for r, _ in cells), min(c for _, c in cells)) * 2)
        translator: Translator | None = None  # the formula parsed once, for all its rectangles
        for rect in rectangles(cells):
            top_left = a1(rect[:2] * 2)
            if top_left == first:
                formula = self.formula
            else:
                translator = translator or Translator("=" + self.formula, origin=first)
                formula = translator.translate_formula(top_left)[1:]
            yield a1(rect), formula


@dataclass(frozen=True)
class Validation:
    ranges: tuple[str, ...]
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    kind: str  # "pie" | "bar" | "column"
    title: str | None
    anchor: str  # the top-left cell
    source: str  # categories and values, two adjacent columns, e.g. "A5:B10"
    width_cm: float
    height_cm: float
    legend: bool = True


@dataclass(frozen=True)
class Print:
    area: str | None = None
    title_rows: str | None = None
    landscape: bool = False
    fit_width: int | None = None
    fit_height: int | None = None
    margins: tuple[float, float] | None = None  # left, right (inches)
    footer: str | None = None
    row_breaks: tuple[int, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    hidden: bool = False
    cells: tuple[Cell, ...] = ()
    merges: tuple[str, ...] = ()
    widths: tuple[tuple[str, float], ...] = ()  # column letter → width, in column order
    heights: tuple[tuple[int, float], ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    links: tuple[Link, ...] = ()
    conditionals: tuple[Conditional, ...] = ()
    validations: tuple[Validation, ...] = ()
    charts: tuple[Chart, ...] = ()
    print: Print = Print()
    freeze: str | None = None  # the first scrolling cell, as openpyxl and the file give it
    auto_filter: str | None = None

    def cell(self, address: str) -> Cell | None:
        return self._by_address.get(address.replace("$", ""))

    @cached_property
    def _by_address(self) -> dict[str, Cell]:
        return {c.address: c for c in self.cells}

    @property
    def size(self) -> tuple[int, int]:
        """(rows, columns) up to the last cell with a value or a style."""
        return (max((c.row for c in self.cells), default=0), max((c.col for c in self.cells), default=0))


@dataclass(frozen=True)
class BookDescription:
    sheets: tuple[Sheet, ...] = field(default_factory=tuple)

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sheets]


def _side(s: Side | None) -> str | None:
    return s.style if s is not None and s.style else None


def _style(c: XlCell) -> Style:
    f, a, b = c.font, c.alignment, c.border
    ink = colour(f.color)
    font = Font(f.name, float(f.sz) if f.sz is not None else None, bool(f.b), bool(f.i),
                bool(f.u and f.u != "none"), None if ink == "#000000" else ink)
    side_colour = next((colour(s.color) for s in (b.left, b.right, b.top, b.bottom) if s is not None and s.style), None)
    fill = colour(c.fill.fgColor) if c.fill is not None and c.fill.fill_type == "solid" else None
    return Style(c.number_format or "General", font, fill, a.horizontal if a.horizontal != "general" else None,
                 a.vertical if a.vertical != "bottom" else None, bool(a.wrap_text), int(a.indent or 0),
                 Borders(_side(b.left), _side(b.right), _side(b.top), _side(b.bottom), side_colour))


def _cell_value(c: XlCell) -> tuple[Any, bool]:
    v = c.value
    if v is None:
        return None, False
    if c.data_type == "f":
        return (v if isinstance(v, str) else str(getattr(v, "text", v))), True
    if isinstance(v, bool):
        return v, False
    if isinstance(v, (int, float)):
        return float(f"{v:.15g}"), False  # Excel keeps 15 significant digits; so does the file
    return str(v), False


def _cells(stored: list[XlCell | MergedCell], styles: dict[tuple[int, ...] | None, Style]) -> Iterator[Cell]:
    for c in stored:
        if isinstance(c, MergedCell):  # under a merged range's first cell, which stands for the range
            continue
        key = style_key(c)  # style indices: equal keys, equal styles (None: never styled)
        style = styles.get(key)
        if style is None:
            style = _style(c)
            style = styles[key] = PLAIN if style == PLAIN else style  # then plain is told by identity
        value, formula = _cell_value(c)
        if value is not None or style is not PLAIN:
            yield Cell(c.row, c.column, value, formula, style)


def _dims(ws: Worksheet) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[int, float], ...]]:
    widths: dict[int, float] = {}
    for d in ws.column_dimensions.values():
        # A hidden column is one of width 0, as Excel's object model sets and reads it: the
        # Excel side hides it by that width (xlwings has no other public way).
        if d.hidden or (d.width and d.customWidth is not False):
            lo, hi = d.min or 0, d.max or 0
            if not lo:
                lo = hi = column_index_from_string(d.index)
            for i in range(lo, hi + 1):
                widths[i] = 0.0 if d.hidden else round(float(d.width), 4)
    heights = tuple(sorted((r, round(float(d.height), 4)) for r, d in ws.row_dimensions.items() if d.height))
    return tuple((get_column_letter(i), w) for i, w in sorted(widths.items())), heights


def _conditionals(ws: Worksheet) -> Iterator[Conditional]:
    """In priority order: where rules overlap, the first one listed wins."""
    rules = [(rule, cf.sqref) for cf in ws.conditional_formatting for rule in cf.rules]
    rules.sort(key=lambda pair: pair[0].priority or 0)
    for rule, sqref in rules:
        ranges = tuple(sorted((str(r) for r in sqref.ranges), key=lambda r: range_boundaries(r)[1::-1]))
        if rule.type != "expression" or not rule.formula:
            continue
        dxf = rule.dxf
        fill = font_colour = fmt = None
        bold: bool | None = None
        if dxf is not None:
            if dxf.fill is not None:
                fill = colour(dxf.fill.bgColor) or colour(dxf.fill.fgColor)
            if dxf.font is not None:
                font_colour, bold = colour(dxf.font.color), dxf.font.b
            if dxf.numFmt is not None:
                fmt = dxf.numFmt.formatCode
        yield Conditional(ranges, rule.formula[0], fill, font_colour, bold, fmt, bool(rule.stopIfTrue))


def _validations(ws: Worksheet) -> Iterator[Validation]:
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list" or not dv.formula1 or not dv.formula1.startswith('"'):
            continue
        yield Validation(tuple(str(r) for r in dv.sqref.ranges), tuple(dv.formula1.strip('"').split(",")))


def _charts(ws: Worksheet) -> Iterator[Chart]:
    for ch in charts_of(ws):
        kind = "pie" if ch.tagname == "pieChart" else ("bar" if getattr(ch, "type", "col") == "bar" else "column")
        series = ch.series[0]
        values = series.val.numRef.f
        cats = series.cat.numRef.f if series.cat.numRef is not None else series.cat.strRef.f
        source = f"{cats.split('!')[-1].split(':')[0]}:{values.split('!')[-1].split(':')[-1]}".replace("$", "")
        title = None
        if ch.title is not None and ch.title.tx is not None and ch.title.tx.rich is not None:
            title = "".join(r.t for p in ch.title.tx.rich.p for r in (p.r or []))
        width, height = float(ch.width), float(ch.height)
        if isinstance(ch.anchor, str):
            anchor = ch.anchor
        else:  # a chart read from a file: its size is in the anchor (EMU), not in width/height
            marker = ch.anchor._from
            anchor = f"{get_column_letter(marker.col + 1)}{marker.row + 1}"
            ext = getattr(ch.anchor, "ext", None)
            if ext is not None:
                width, height = round(ext.width / EMU_PER_CM, 4), round(ext.height / EMU_PER_CM, 4)
        yield Chart(kind, title, anchor, source, width, height, ch.legend is not None)


def _print(ws: Worksheet) -> Print:
    ps = ws.page_setup
    margins = (float(ws.page_margins.left), float(ws.page_margins.right)) if ws.page_margins is not None else None
    footer = ws.oddFooter.center.text if ws.oddFooter is not None and ws.oddFooter.center.text else None
    fit = ws.sheet_properties.pageSetUpPr is not None and bool(ws.sheet_properties.pageSetUpPr.fitToPage)
    area = ws.print_area
    if isinstance(area, (list, tuple)):
        area = ",".join(area)
    return Print(area.split("!")[-1].replace("$", "") if area else None,
                 ws.print_title_rows.replace("$", "") if ws.print_title_rows else None,
                 ps.orientation == "landscape",
                 int(ps.fitToWidth) if fit and ps.fitToWidth is not None else None,
                 int(ps.fitToHeight) if fit and ps.fitToHeight is not None else None,
                 margins, footer, tuple(b.id for b in ws.row_breaks.brk))


def describe_sheet(ws: Worksheet, styles: dict[tuple[int, ...] | None, Style] | None = None) -> Sheet:
    """`styles`: the described style of each style key met so far in the sheet's workbook
    (keys index the workbook's lists, so one dict serves all its sheets)."""
    widths, heights = _dims(ws)
    stored = stored_cells(ws)  # the empty cells `iter_rows` would add describe nothing
    cells = tuple(_cells(stored, {} if styles is None else styles))
    notes = tuple((c.coordinate, c.comment.text) for c in stored if c.comment is not None)
    links = tuple(Link(c.coordinate, c.hyperlink.location or c.hyperlink.target or "", c.hyperlink.tooltip)
                  for c in stored if c.hyperlink is not None)
    return Sheet(ws.title, ws.sheet_state != "visible", cells, tuple(sorted(str(m) for m in ws.merged_cells.ranges)),
                 widths, heights, notes, links, tuple(_conditionals(ws)), tuple(_validations(ws)), tuple(_charts(ws)),
                 _print(ws), ws.freeze_panes, ws.auto_filter.ref or None)


def describe(wb: Workbook) -> BookDescription:
    styles: dict[tuple[int, ...] | None, Style] = {}
    return BookDescription(tuple(describe_sheet(ws, styles) for ws in wb.worksheets))


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted numbers as (first, last) runs of consecutive ones."""
    out: list[tuple[int, int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def rectangles(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cells as few rectangles (top, left, bottom, right): runs down each column, then equal
    runs in adjacent columns joined. What a writer formats in one call instead of cell by cell."""
    by_col: dict[int, list[int]] = {}
    for r, c in cells:
        by_col.setdefault(c, []).append(r)
    spans: dict[tuple[int, int], list[int]] = {}  # (top, bottom) → columns
    for c, rows in by_col.items():
        for run in _runs(sorted(set(rows))):
            spans.setdefault(run, []).append(c)
    out = [(top, left, bottom, right) for (top, bottom), cols in spans.items() for left, right in _runs(sorted(cols))]
    return sorted(out, key=lambda t: (t[1], t[0]))


def cells_of(ref: str) -> list[tuple[int, int]]:
    """The (row, column) of every cell of an A1 range, row by row."""
    top, left, bottom, right = bounds(ref)
    return [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)]


def bounds(ref: str) -> tuple[int, int, int, int]:
    """An A1 range as (top, left, bottom, right)."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    if min_col is None or min_row is None or max_col is None or max_row is None:
        raise ValueError(f"{ref} is not a range of cells")  # whole rows or columns
    return min_row, min_col, max_row, max_col


def a1(rect: tuple[int, int, int, int]) -> str:
    top, left, bottom, right = rect
    first = f"{get_column_letter(left)}{top}"
    return first if (top, left) == (bottom, right) else f"{first}:{get_column_letter(right)}{bottom}"
