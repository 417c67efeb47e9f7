"""Write `SheetContent` into an xlwings Book (any engine) and read a Book's values out.

The only module besides buttons/udfs that touches the xlwings API; it uses the subset the
desktop and remote engines share.
"""
from __future__ import annotations

from typing import Any, Iterable

from .content import SheetContent

Grid = list[list[Any]]


def sheet_values(sheet: Any) -> Grid:
    """A sheet's values from A1 to the end of its used range, always 2-D."""
    last = sheet.used_range.last_cell
    v = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, empty=None).value
    return [list(r) for r in v] if v else []


def book_values(book: Any, names: Iterable[str] | None = None) -> dict[str, Grid]:
    wanted = set(names) if names is not None else None
    return {s.name: sheet_values(s) for s in book.sheets if wanted is None or s.name in wanted}


def _write_sheet(sheet: Any, sc: SheetContent) -> None:
    for fmt, ranges in sc.formats.items():
        for a in ranges:
            sheet.range(a).number_format = fmt
    if sc.cells and sc.cells[0]:
        width = max(len(r) for r in sc.cells)
        block = [r + [None] * (width - len(r)) for r in sc.cells]
        sheet.range((1, 1), (len(block), width)).formula = [["" if v is None else v for v in r] for r in block]
    for a in sc.bold:
        sheet.range(a).font.bold = True
    for colour, ranges in sc.fills.items():
        for a in ranges:
            sheet.range(a).color = colour
    for col, w in sc.widths.items():
        sheet.range(f"{col}1").column_width = w
    for m in sc.merges:
        sheet.range(m).merge()
    for a, text in sc.notes.items():
        rng = sheet.range(a)
        if rng.note is not None:  # a cleared sheet may still list its old notes (remote engine)
            rng.note.text = text
        else:
            rng.add_note(text)
    if sc.hidden:
        sheet.visible = False


def write_book(book: Any, contents: list[SheetContent], keep: Iterable[str] = ()) -> None:
    """Replace the book's sheets by `contents`, in order; sheets named in `keep` stay as they are.

    A sheet of the same name is cleared and rewritten in place (formulas elsewhere that
    point at it keep pointing at it); other old sheets are deleted after the new ones exist,
    because Excel refuses to delete a workbook's last sheet.
    """
    keep = set(keep)
    new_names = [c.name for c in contents]
    old = {s.name: s for s in book.sheets}
    for sc in contents:
        if sc.name in old:
            sheet = old[sc.name]
            sheet.clear()
        else:
            sheet = book.sheets.add(name=sc.name, after=book.sheets[len(book.sheets) - 1])
        _write_sheet(sheet, sc)
    for name in list(old):
        if name not in new_names and name not in keep:
            book.sheets[name].delete()
