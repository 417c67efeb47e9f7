"""The few places xltools goes past openpyxl's typed surface, each typed here once.

- A cell's style array (`cell._style`, the workbook's list indices of its font, fill, border,
  …): copying it, or reading a font by index, skips openpyxl's style proxies and the hash of a
  style object on every assignment. The renderer styles tens of thousands of cells the same
  few ways; through the public attributes that was a large part of the time spent writing.
- A sheet's cells as stored (`ws._cells`): read where they are, without the empty cells
  `iter_rows` makes on the way (a described sheet is read once, not filled in).
- A sheet's charts (`ws._charts`): openpyxl has no public list of them; `add_chart` appends
  there and the reader fills it.
- A streamed (write-only) sheet's print and size settings: openpyxl gives one the same
  attributes as a Worksheet (`Worksheet._setup`), but the stubs do not declare them.
- How workbooks are read and written: sheets and shared strings parsed through `safe_xml`
  (defusedxml's judgement at C speed), sheets written in UTF-8. Both are set when this module
  is imported; `load_workbook` here is openpyxl's, so a caller that loads through it cannot
  load before they are set.

The rest of the package calls these functions, never the private attributes themselves
(fast_styles.py, for the same speed, swaps a new workbook's style lists for its own).
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Protocol, runtime_checkable

import openpyxl

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.chart._chart import ChartBase
from openpyxl.styles.alignment import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.fonts import Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.page import PageMargins, PrintPageSetup
from openpyxl.worksheet.properties import WorksheetProperties
from openpyxl.worksheet.worksheet import Worksheet

from xltools.workbook.safe_xml import install_in_openpyxl

# ---- Style arrays ----------------------------------------------------------------------
# A StyleableObject's `_style` is None until its first style is set or read (openpyxl then
# makes an all-zero array, the workbook's default style); a MergedCell gets one when made.
# The stubs list the slot but not its type.


def _array(cell: Cell | MergedCell) -> StyleArray | None:
    array: StyleArray | None = cell._style  # type: ignore[union-attr]
    return array


def style_key(cell: Cell | MergedCell) -> tuple[int, ...] | None:
    """The cell's style as indices into its workbook's style lists (equal keys, equal
    styles), or None for a cell never styled."""
    array = _array(cell)
    return None if array is None else tuple(array)


def style_of(cell: Cell | MergedCell) -> StyleArray:
    """A copy of the cell's style array, to give other cells of the same workbook later."""
    array = _array(cell)
    return StyleArray() if array is None else StyleArray(array)


def style_array(cell: Cell | MergedCell) -> StyleArray:
    """The cell's style array, given it as reading any of its styles would (all zeros, the
    workbook's default style, for a cell never styled)."""
    array = _array(cell)
    if array is None:
        array = cell._style = StyleArray()  # type: ignore[union-attr]
    return array


def set_style(cell: Cell | MergedCell, array: StyleArray) -> None:
    """Give the cell a style taken by `style_of` from a cell of the same workbook."""
    cell._style = StyleArray(array)  # type: ignore[union-attr]  # a copy


# ---- Values --------------------------------------------------------------------------------


def put_string(cell: Cell, text: str) -> None:
    """`cell.value = text; cell.data_type = "s"`: what openpyxl's value setter checks of a
    string (its length, characters Excel refuses), without working out the type it then
    overrides. A string that starts with "=" stays a string."""
    value = text[:32767]
    if ILLEGAL_CHARACTERS_RE.search(value):
        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    cell._value = value  # type: ignore[attr-defined]
    cell.data_type = "s"


def put_value(cell: Cell | MergedCell, value: object) -> None:
    """`cell.value = value`, the common values (None, int, float, str) typed as openpyxl's
    setter types them (a string of "=…" is a formula) without its general type lookup; any
    other value, or a merge's covered cell (which refuses one), through the setter."""
    kind = type(value)
    if isinstance(cell, MergedCell):
        setattr(cell, "value", value)  # openpyxl raises its own error
    elif kind is str:
        assert isinstance(value, str)  # for mypy: `type(value) is str` does not narrow
        text = value[:32767]
        if ILLEGAL_CHARACTERS_RE.search(text):
            raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
        cell._value = text  # type: ignore[attr-defined]
        cell.data_type = "f" if len(text) > 1 and text[0] == "=" else "e" if text in ERROR_CODES else "s"
    elif kind is int or kind is float or value is None:
        cell._value = value  # type: ignore[attr-defined]
        cell.data_type = "n"
    else:
        setattr(cell, "value", value)  # typed, checked and converted by openpyxl


def font_and_alignment(book: Workbook, cell: Cell | MergedCell) -> tuple[Font, Alignment]:
    """The cell's font and alignment read from the workbook's lists by index, without the
    proxies `cell.font` and `cell.alignment` build on every read."""
    array = _array(cell)
    if array is None:
        array = StyleArray()
    font: Font = book._fonts[array.fontId]  # type: ignore[attr-defined]
    alignment: Alignment = book._alignments[array.alignmentId]  # type: ignore[attr-defined]
    return font, alignment


def stored_cells(ws: Worksheet) -> list[Cell | MergedCell]:
    """The sheet's cells that exist, row by row, left to right: what `iter_rows` gives, less
    the empty cells it makes (and leaves in the sheet) for every gap in the used rectangle."""
    cells: dict[tuple[int, int], Cell | MergedCell] = ws._cells  # type: ignore[attr-defined]
    return [cells[at] for at in sorted(cells)]


# ---- Row dimensions ----------------------------------------------------------------------
# Sizing gives thousands of rows a height; openpyxl makes each row's RowDimension through
# its validating descriptors, one by one (a tenth of a seed's 校验 sheet). A new row's
# dimension holds only defaults, the same for every row: here it is made by copying them.


def quick_row_dimensions(ws: Worksheet) -> None:
    """Make the sheet's missing row dimensions as `RowDimension(ws)` makes them (the holder
    then gives each its row number), by copying a made one's defaults."""
    defaults = dict(RowDimension(ws).__dict__)  # None, False and 0: shared safely

    def made() -> RowDimension:
        dim: RowDimension = RowDimension.__new__(RowDimension)
        dim.__dict__.update(defaults)
        dim.parent = ws
        dim._style = None  # type: ignore[attr-defined]  # a StyleableObject slot the stubs omit
        return dim

    ws.row_dimensions.default_factory = made


# ---- Charts ----------------------------------------------------------------------------


def charts_of(ws: Worksheet) -> list[ChartBase]:
    """The sheet's charts, as added by `add_chart` or read from a file."""
    charts: list[ChartBase] = ws._charts  # type: ignore[attr-defined]
    return charts


# ---- Print settings --------------------------------------------------------------------


def fit_to_page(properties: WorksheetProperties) -> None:
    """Print scaled to the page setup's fitToWidth × fitToHeight pages."""
    setup = properties.pageSetUpPr
    # WorksheetProperties makes a PageSetupProperties when it is built; nothing here clears it.
    assert setup is not None
    setup.fitToPage = True


@runtime_checkable
class StreamedSheetSetup(Protocol):
    """What a write-only sheet has of a Worksheet's settings (set by `Worksheet._setup`)."""
    column_dimensions: DimensionHolder[str, ColumnDimension]
    row_dimensions: DimensionHolder[int, RowDimension]
    auto_filter: AutoFilter
    page_setup: PrintPageSetup
    page_margins: PageMargins
    sheet_properties: WorksheetProperties


def streamed_setup(ws: WriteOnlyWorksheet) -> StreamedSheetSetup:
    """The streamed sheet's size and print settings, typed. They must be set before its first
    row is written."""
    if not isinstance(ws, StreamedSheetSetup):  # openpyxl changed what a write-only sheet has
        raise TypeError("this openpyxl's write-only sheet lacks a Worksheet's settings")
    return ws



# ---- How worksheets are written ----------------------------------------------------------
# With lxml installed, openpyxl writes each worksheet through lxml's `xmlfile` with no
# encoding, that is ASCII: every Chinese character becomes a character reference (&#38382;, 8
# bytes for 3), a third more XML for every reader of the workbook to parse (seed 003: 4.2 MB
# against 3.2 MB; `xltools recalc` 0.90 of its time in UTF-8). UTF-8 is OOXML's own encoding,
# which Excel, WPS and LibreOffice write themselves.


def write_sheets_in_utf8() -> None:
    import openpyxl.worksheet._writer as writer
    from openpyxl.xml import LXML

    # The writer module's own name for it, which the stubs do not list.
    if LXML and not isinstance(getattr(writer, "xmlfile"), partial):
        from lxml.etree import xmlfile

        setattr(writer, "xmlfile", partial(xmlfile, encoding="utf-8"))


write_sheets_in_utf8()  # once, for every workbook this package writes


# ---- How workbooks are read ----------------------------------------------------------------

install_in_openpyxl()  # once, before any workbook is loaded through this module


def load_workbook(path: str | Path, *, read_only: bool = False, data_only: bool = False) -> Workbook:
    """openpyxl's `load_workbook`, its sheets and shared strings parsed through `safe_xml`."""
    return openpyxl.load_workbook(path, read_only=read_only, data_only=data_only)
