"""Small writers shared by every sheet: text that stays text, styled header cells."""
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.fonts import Font
from openpyxl.styles.proxy import StyleProxy
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from xltools.workbook.fast_cells import cell_at, rows_from
from xltools.workbook.fast_styles import Styles, apply
from xltools.workbook.merges import merge
from xltools.workbook.openpyxl_internals import fit_to_page, font_and_alignment, put_string, set_style, style_array, style_of
from xltools.workbook.sheets import BODY_FONT, BOX, CENTER, HEADER_FILL, HEADER_FONT, TEXT_FORMAT


def put_text(ws: Worksheet, row: int, col: int, text: str | None, *, code: bool = False) -> Cell | MergedCell:
    """Text from a document goes in as a string, never as a formula (even "=…")."""
    c = cell_at(ws, row, col)
    if text is None or text == "":
        return c
    # A cell under a merge holds no value (openpyxl refuses one): text goes in a merge's first cell.
    assert isinstance(c, Cell), f"{c.coordinate} is under a merged range"
    put_string(c, str(text))
    apply(c, _CODE if code else _TEXT)
    return c


_TEXT: Styles = (("font", BODY_FONT),)
_CODE: Styles = (("number_format", TEXT_FORMAT), ("font", BODY_FONT))
_HEADER: Styles = (("font", HEADER_FONT), ("fill", HEADER_FILL), ("alignment", CENTER), ("border", BOX))


def put_header(ws: Worksheet, row: int, col: int, text: str, *, last_row: int | None = None,
               last_col: int | None = None) -> None:
    put_text(ws, row, col, text)
    last_row = last_row or row
    last_col = last_col or col
    for r in range(row, last_row + 1):
        for c in range(col, last_col + 1):
            apply(ws.cell(r, c), _HEADER)
    if last_row > row or last_col > col:
        merge(ws, row, col, last_row, last_col)


def fit_to_width(ws: Worksheet, *, landscape: bool = True, title_rows: str | None = None) -> None:
    """Print all columns on one page width (a wide sheet otherwise splits into strips)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit_to_page(ws.sheet_properties)
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows
    footer(ws)


# A4 in points, and the share of a page's height a layout may count on: the viewers' row
# heights and footers differ by a little, and a row estimated to fit must fit.
A4 = (595.28, 841.89)
PAGE_FILL = 0.9


def printed_pages(ws: Worksheet, last: int) -> dict[int, int]:
    """The page (1, 2, …) each row 1..`last` prints on, for a sheet fitted to one page wide
    (`fit_to_width`) with its title rows repeated: each row as high as written (a row left to
    the viewer as `DEFAULT_ROW`), scaled as the viewer scales the widest printed width. The
    estimate is cautious: Excel's columns (narrower than LibreOffice's) give the larger scale,
    and only `PAGE_FILL` of a page is counted on, so a row placed on a page is on it."""
    short, long = A4
    width, height = (long, short) if ws.page_setup.orientation == "landscape" else (short, long)
    margins = ws.page_margins
    body_width = width - (float(margins.left) + float(margins.right)) * 72
    body_height = (height - (float(margins.top) + float(margins.bottom)) * 72) * PAGE_FILL
    last_col = ws.max_column
    if ws.print_area:  # one range, as this package sets it: "'问题'!$A$1:$M$60"
        last_col = range_boundaries(str(ws.print_area).split("!")[-1].replace("$", ""))[2] or last_col
    shown = [c for c in range(1, last_col + 1) if not ws.column_dimensions[get_column_letter(c)].hidden]
    sheet_width = sum((col_width(ws, c) * PX_PER_UNIT + PADDING_PX) * 0.75 for c in shown)
    scale = min(1.0, body_width / sheet_width) if sheet_width else 1.0

    def tall(r: int) -> float:
        h = ws.row_dimensions[r].height
        return (float(h) if h else DEFAULT_ROW) * scale

    titles = 0.0
    if ws.print_title_rows:
        a, _, b = str(ws.print_title_rows).replace("$", "").partition(":")
        titles = sum(tall(r) for r in range(int(a), int(b or a) + 1))
    pages: dict[int, int] = {}
    page, used = 1, 0.0
    for r in range(1, last + 1):
        h = tall(r)
        if used + h > body_height and used > titles:
            page, used = page + 1, titles
        used += h
        pages[r] = page
    return pages


# ---- Sizes: what a text needs, at the narrower of the widths Excel and LibreOffice use ----
# Excel gives a column of width w 7w pixels (Calibri 11's digit is 7 px) and keeps 5 px of
# padding; LibreOffice is wider (its stand-in font's digit is wider). A CJK glyph is one em
# in every font a reader has (Noto, YaHei, SimSun); a Latin letter or digit at most 0.6 em.
PX_PER_UNIT = 7.0
PADDING_PX = 5.0
LINE_EM = 1.42  # Noto Sans CJK's line: ascender + descender + a little leading
DEFAULT_ROW = 15.0
WRAP_SLACK = 1.06  # a line breaks at a word or punctuation, not at the last glyph that fits


@lru_cache(maxsize=1 << 16)
def text_em(text: str) -> float:
    # Cached: a sheet repeats its texts (校验's descriptions, the tables' names), and sizing
    # looks at each cell's text a glyph at a time.
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" and ord(ch) > 0x2000 else 0.6 for ch in text)


def _px(text: str, size: float, bold: bool) -> float:
    return text_em(text) * size * 96 / 72 * (1.06 if bold else 1.0)


@lru_cache(maxsize=1 << 16)
def width_for(text: str, size: float = 10, bold: bool = False) -> float:
    """The column width (Excel units) that shows the longest line of `text` unwrapped."""
    longest = max((_px(line, size, bold) * WRAP_SLACK for line in text.split("\n")), default=0.0)
    return round((longest + PADDING_PX + 4) / PX_PER_UNIT + 0.2, 1)


@lru_cache(maxsize=1 << 16)  # sizing asks again for every cell of the same text and column
def lines_for(text: str, width: float, size: float = 10, bold: bool = False) -> int:
    """How many lines `text` wraps to in a column of `width` (Excel units). A little slack
    for the wrap happening at a word or punctuation, not at the last glyph that fits."""
    avail = max(width * PX_PER_UNIT - PADDING_PX - 4, 1.0)
    return sum(max(1, math.ceil(_px(line, size, bold) * WRAP_SLACK / avail)) for line in text.split("\n"))


@lru_cache(maxsize=1024)
def height_for(lines: int, size: float = 10) -> float:
    return max(DEFAULT_ROW, round(lines * size * LINE_EM + 4, 1))


def shown(value: object, number_format: str) -> str:
    """A cell's value as a reader sees it (enough of Excel's number formats for sizing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        parsed = _number_format(number_format)
        if parsed is None:
            return f"{value:g}"
        grouped, decimals, suffix = parsed
        body = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
        return body + suffix
    return str(value)


@lru_cache(maxsize=256)  # a workbook uses a few dozen formats, for thousands of figures
def _number_format(number_format: str) -> tuple[bool, int, str] | None:
    """A positive number's format as (grouped by thousands, decimals, text after), or None."""
    m = re.match(r'^(#,##)?0(?:\.(0+))?(.*)$', number_format.split(";")[0])
    if not m:
        return None
    return bool(m.group(1)), len(m.group(2) or ""), m.group(3).replace('"', "")


def points(font: Font | StyleProxy) -> float:
    """A font's size; a font without one is shown at Excel's default, 11 points. (`cell.font`
    is openpyxl's proxy of the cell's Font.)"""
    return float(font.sz or 11)


def merged_spans(ws: Worksheet) -> tuple[dict[tuple[int, int], tuple[int, int, int, int]], set[tuple[int, int]]]:
    """Top-left (row, col) of each merged range → (min_row, min_col, max_row, max_col), and
    the cells a merge covers (not its top-left)."""
    tops: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        tops[(rng.min_row, rng.min_col)] = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    return tops, covered


def col_width(ws: Worksheet, col: int) -> float:
    w = ws.column_dimensions[get_column_letter(col)].width
    return float(w) if w else 8.43


def fit_columns(ws: Worksheet, cols: dict[int, tuple[float, float]], first_row: int = 1,
                samples: dict[int, list[str]] | None = None) -> None:
    """Each column as wide as its widest unmerged cell (or `samples`, for formulas whose
    value is not known when the sheet is written), within (least, most); past `most` the
    text wraps (the cell must have wrap on)."""
    tops, covered = merged_spans(ws)
    need: dict[int, float] = {c: 0.0 for c in cols}
    book = ws.parent
    assert book is not None  # a sheet being laid out was made by its workbook
    looks: dict[bytes, tuple[float, bool, float]] = {}  # a style's size, bold and indent
    for row in rows_from(ws, first_row):
        for c in row:
            if c.column not in cols or (c.row, c.column) in covered or (c.row, c.column) in tops:
                continue
            value = c.value
            if isinstance(value, str) and value.startswith("=") and c.data_type == "f":
                continue
            # Reading the number format gives the cell its style array, as `c.font` would.
            text = shown(value, c.number_format)
            if text:
                # The style's parts read by index, once a style, as fit_rows reads them.
                key = style_array(c).tobytes()
                look = looks.get(key)
                if look is None:
                    font, align = font_and_alignment(book, c)
                    indent = float(align.indent or 0) * 10 / PX_PER_UNIT  # an indent level: about 10 px
                    look = looks[key] = (points(font), bool(font.b), indent)
                size, bold, indent = look
                need[c.column] = max(need[c.column], width_for(text, size, bold) + indent)
    for col, texts in (samples or {}).items():
        for t in texts:
            need[col] = max(need.get(col, 0.0), width_for(t, bold=True))  # as wide as a bold total
    for col, (least, most) in cols.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(need[col], least), most)


def fit_rows(ws: Worksheet, first_row: int = 1) -> None:
    """Row heights that show every line of every wrapped cell, merged cells included (a
    merge over several rows grows its last row). Heights are written, not left to the
    viewer: Excel does not re-measure a row when it opens a file."""
    tops, covered = merged_spans(ws)
    book = ws.parent
    assert book is not None  # a sheet being laid out was made by its workbook
    widths = {k: col_width(ws, k) for k in range(1, ws.max_column + 1)}
    heights: dict[int, float] = {}
    spans: list[tuple[int, int, float]] = []
    # A sheet styles its thousands of cells a few ways: each way's font and alignment are
    # read once (a style array's bytes name it), and each cell's text is measured as its
    # column and style ask, which `lines_for` remembers.
    looks: dict[bytes, tuple[float, bool, bool, float]] = {}
    spanned: dict[tuple[int, int], float] = {}  # (first, last column) → their widths' sum
    for row in rows_from(ws, first_row):
        for c in row:
            value = c.value
            if value is None or c.data_type == "f":
                continue
            row_at, col_at = c.row, c.column
            assert row_at is not None and col_at is not None  # a sheet's cell knows its place
            at = (row_at, col_at)
            if at in covered:
                continue
            # An unstyled cell is given its (default) style array, as reading its number
            # format here always has; a string is shown as it is.
            key = style_array(c).tobytes()
            text = value if type(value) is str else shown(value, c.number_format)
            if not text:
                continue
            look = looks.get(key)
            if look is None:
                font, align = font_and_alignment(book, c)
                look = looks[key] = (points(font), bool(font.b), bool(align.wrap_text),
                                     float(align.indent or 0) * 10 / PX_PER_UNIT)
            size, bold, wrap, indent = look
            span = tops.get(at)
            if wrap:
                last_col = span[3] if span else col_at
                across = spanned.get((col_at, last_col))
                if across is None:
                    across = spanned[(col_at, last_col)] = sum(widths.get(k, 8.43) for k in range(col_at, last_col + 1))
                lines = lines_for(text, across - indent, size, bold)
            else:
                lines = text.count("\n") + 1
            need = height_for(lines, size)
            if span and span[2] > span[0]:
                spans.append((span[0], span[2], need))
            elif need > heights.get(row_at, DEFAULT_ROW):
                heights[row_at] = need
    for r, h in heights.items():
        own = ws.row_dimensions[r].height
        ws.row_dimensions[r].height = max(h, own or 0.0)
    for top, bottom, need in spans:
        have = sum(ws.row_dimensions[r].height or DEFAULT_ROW for r in range(top, bottom + 1))
        if have < need:
            ws.row_dimensions[bottom].height = (ws.row_dimensions[bottom].height or DEFAULT_ROW) + need - have


def footer(ws: Worksheet) -> None:
    """Every printed page names its sheet and its number, so loose pages can be put back
    (and a test can tell which sheet a PDF page came from)."""
    odd = ws.oddFooter
    assert odd is not None  # HeaderFooter makes its oddFooter when built; nothing here clears it
    odd.center.text = "&A　第 &P 页，共 &N 页"
    odd.center.size = 8


def restyle(cells: Iterable[Cell | MergedCell], **style: object) -> None:
    """Set the same border/alignment/font on many cells (a merge's covered cells too: their
    borders draw the merge's edges). openpyxl hashes a style object on every assignment (a
    second per thousand rows of 校验); cells that start alike end alike, so each distinct
    starting style is worked out once and the rest copy its result."""
    done: dict[bytes, StyleArray] = {}
    for c in cells:
        # A cell never styled is styled as one of the default style (openpyxl gives it that
        # style's array on its first assignment).
        key = style_array(c).tobytes()
        result = done.get(key)
        if result is None:
            for name, value in style.items():
                setattr(c, name, value)
            done[key] = style_of(c)
        else:
            set_style(c, result)
