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

from openpyxl import Workbook
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


def new_workbook() -> Workbook:
    wb = Workbook()
    for name in ("_fonts", "_fills", "_borders", "_alignments", "_protections"):
        setattr(wb, name, _ByIdentity(getattr(wb, name)))
    return wb
