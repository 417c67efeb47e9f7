"""Run an Excel entry point on a workbook file without Excel (xlwings remote engine).

Not a test module: shared by tests/test_excel_*.py. A Book is built from the file's JSON
snapshot, the entry point runs on it, the actions it recorded are replayed on the file (on
the same load the snapshot was taken from), and (like Excel would) the formulas are recalculated.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import openpyxl

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


def values(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path, data_only=True)


def find_row(ws: Any, label: str, col: int) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, col).value == label:
            return r
    raise AssertionError(f"{label} not in column {col} of {ws.title}")
