"""A new openpyxl workbook whose style lists look a style up by the object first.

openpyxl files every style assignment (`cell.font = BODY_FONT`) by hashing the style object,
a recursive walk over all its fields: on a seed's workbook that was about a third of the
render time, for the same few dozen module-level styles assigned tens of thousands of times.
The renderer never changes a style object once made (a changed style is a new object), so
the object's identity is as good a key as its value; each object is kept alive by the list,
so an identity is never reused for another style.
"""
from __future__ import annotations

from typing import Any
from weakref import ReferenceType, WeakKeyDictionary, ref

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.differential import DifferentialStyle, DifferentialStyleList
from openpyxl.utils.indexed_list import IndexedList

# Saved with the faster row writer (the same bytes): every workbook this package builds starts here.
import xltools.workbook.row_writer  # noqa: F401


class _ByIdentity(IndexedList):
    def __init__(self, base: IndexedList) -> None:
        super().__init__(base)
        self._by_id: dict[int, int] = {}
        self._kept: list[Any] = []

    def add(self, value: Any) -> int:
        index = self._by_id.get(id(value))
        if index is None:
            index = super().add(value)
            self._by_id[id(value)] = index
            self._kept.append(value)
        return index


class _DifferentialByParts(DifferentialStyleList):
    """The conditional formats' styles, filed when the workbook is saved: openpyxl compares a
    rule's style with every one filed, field by field, for each of a seed's thousands of
    rules. Each rule makes its own DifferentialStyle, but of the same few fills: a style whose
    parts are the very objects of one filed before is equal to it."""

    def __init__(self) -> None:
        super().__init__()
        self._by_parts: dict[tuple[int, ...], int] = {}
        self._kept: list[DifferentialStyle] = []

    def add(self, dxf: DifferentialStyle) -> int:
        key = tuple(id(getattr(dxf, name)) for name in _DXF_PARTS)
        index = self._by_parts.get(key)
        if index is None:
            index = super().add(dxf)
            self._by_parts[key] = index
            self._kept.append(dxf)  # its parts' identities stay theirs
        return index


_DXF_PARTS = DifferentialStyle.__elements__  # what its equality compares


def new_workbook() -> Workbook:
    wb = Workbook()
    for name in ("_fonts", "_fills", "_borders", "_alignments", "_protections"):
        setattr(wb, name, _ByIdentity(getattr(wb, name)))
    setattr(wb, "_differential_styles", _DifferentialByParts())
    return wb


# ---- Several styles set at once ----------------------------------------------------------
# `cell.font = …; cell.border = …; …` files each style in the workbook's lists and copies the
# array once per attribute; the writers style thousands of cells the same few ways. A `Styles`
# is such a list of assignments, made once (a module constant, or kept by whoever makes them);
# `apply` makes them on a cell by openpyxl the first time a cell of that style meets them, and
# afterwards gives such a cell the array that came out. The lists end the same: every style
# the assignments would file was filed by that first time, in the same order.

Styles = tuple[tuple[str, Any], ...]
_applied: WeakKeyDictionary[Workbook, dict[tuple[bytes | None, int], tuple[Styles, StyleArray]]] = WeakKeyDictionary()
_Done = dict[tuple[bytes | None, int], tuple[Styles, StyleArray]]
_last: tuple[ReferenceType[Workbook], _Done] | None = None


def _done(book: Workbook) -> _Done:
    """The book's outcomes so far: a workbook is styled many thousand times in a row, so the
    last one asked for is kept at hand (weakly) before the weak dictionary is asked."""
    global _last
    if _last is not None and _last[0]() is book:
        return _last[1]
    done = _applied.get(book)
    if done is None:
        done = _applied[book] = {}
    _last = (ref(book), done)
    return done


def apply(cell: Cell | MergedCell, styles: Styles) -> None:
    """`setattr(cell, name, value)` for each (name, value) of `styles`, in order."""
    book = cell.parent.parent
    assert book is not None  # a cell being styled is on a sheet of a workbook
    done = _done(book)
    array = cell._style  # type: ignore[union-attr]
    key = (None if array is None else array.tobytes(), id(styles))
    found = done.get(key)
    if found is not None and found[0] is styles:
        cell._style = StyleArray(found[1])  # type: ignore[union-attr]
        return
    for name, value in styles:
        setattr(cell, name, value)
    done[key] = (styles, StyleArray(cell._style))  # type: ignore[union-attr]
