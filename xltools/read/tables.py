"""The 13 tables: rows, codes, amounts per column, placed by arithmetic where a page
break left a row a cell short."""
from __future__ import annotations

from ..model import ReadNote, Table
from .regions import Regions
from .text import Line


def read_tables(lines: list[Line], regions: Regions) -> tuple[dict[int, Table | None], list[ReadNote]]:
    raise NotImplementedError
