"""Run an Excel entry point on a workbook file without Excel (xlwings remote engine).

Not a test module: shared by tests/test_excel_*.py. A Book is built from the file's JSON
snapshot, the entry point runs on it, the actions it recorded are replayed on the file (on
the same load the snapshot was taken from), and (like Excel would) the formulas are recalculated.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import openpyxl
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

from xltools.workbook.book_check import read_grids
from xltools.workbook.engine import recalc
from excel_snapshot import digest, opened, replay

FIXTURES = Path(__file__).parent / "fixtures"
SEED = {k: next(FIXTURES.glob(f"{k}_*.txt")) for k in ("000", "001", "003")}


def press(path: Path, button: Callable[..., str], *args: Any, calc: bool = True) -> tuple[str, dict[str, Any]]:
    book, wb, key = opened(path)
    msg = button(*args, book=book)
    # The workbook loaded before the button ran is the one the actions replay on, unless
    # the button changed the file meanwhile (then it is read again, as Excel would show it).
    seen = replay(book, path, wb if digest(path) == key else None)
    if calc:
        recalc(path)
    return msg, seen


def empty_workbook(path: Path) -> Path:
    openpyxl.Workbook().save(path)
    return path


@dataclass(frozen=True)
class ValueCell:
    """A cell's cached value where it stands: what a test reads of openpyxl's cell."""
    row: int
    column: int
    value: Any

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


@dataclass(frozen=True)
class ValueSheet:
    """A sheet's cached values, with the part of openpyxl's worksheet the tests read."""
    title: str
    grid: list[list[Any]]

    @property
    def max_row(self) -> int:
        return len(self.grid)

    def cell(self, row: int, column: int) -> ValueCell:
        line = self.grid[row - 1] if 0 < row <= len(self.grid) else []
        return ValueCell(row, column, line[column - 1] if 0 < column <= len(line) else None)

    def __getitem__(self, key: str | int) -> Any:
        """ws["B3"]: that cell; ws[3]: row 3's cells, as wide as the sheet."""
        if isinstance(key, int):
            return next(self.iter_rows(key, key))
        col, row = coordinate_from_string(key)
        return self.cell(row, column_index_from_string(col))

    def iter_rows(self, min_row: int = 1, max_row: int | None = None, min_col: int = 1, max_col: int | None = None,
                  values_only: bool = False) -> Iterator[tuple[Any, ...]]:
        width = max((len(r) for r in self.grid), default=0)
        for r in range(min_row, (max_row or len(self.grid)) + 1):
            cells = [self.cell(r, c) for c in range(min_col, (max_col or width) + 1)]
            yield tuple(c.value for c in cells) if values_only else tuple(cells)


@dataclass(frozen=True)
class ValueBook:
    """Every sheet's cached values (the recalculation's), as `xltools check BOOK.xlsx` reads
    them (book_check.read_grids): a test that reads values alone needs no full load of the
    workbook, a second or so a seed's under openpyxl."""
    sheets: dict[str, ValueSheet]

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    @property
    def worksheets(self) -> list[ValueSheet]:
        return list(self.sheets.values())

    def __getitem__(self, title: str) -> ValueSheet:
        return self.sheets[title]


def values(path: Path) -> ValueBook:
    return ValueBook({title: ValueSheet(title, rows) for title, rows in read_grids(path).items()})


def find_row(ws: Any, label: str, col: int) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, col).value == label:
            return r
    raise AssertionError(f"{label} not in column {col} of {ws.title}")
