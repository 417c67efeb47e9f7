"""Check a workbook file again: its cells, read back, as the value source of the same rules."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import zipfile

import openpyxl
from openpyxl import Workbook
from openpyxl.utils.exceptions import InvalidFileException

from .check import evaluate
from .coverage import Coverage
from .evaluation import live_of
from .findings import Finding
from .read.errors import ReadError
from .readback import SheetValues
from .rules import CATALOGUE


def grids_of(book: Workbook) -> dict[str, list[list[Any]]]:
    """Every sheet's values as rows: what the Excel side hands the read-back too."""
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _open(path: Path) -> Workbook:
    if not path.is_file():
        raise ReadError(str(path), None, "文件不存在", "file not found")
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReadError(str(path), None, f"不是可读取的 Excel 工作簿（{type(exc).__name__}）",
                        f"not a readable Excel workbook ({type(exc).__name__})") from exc


def workbook_values(path: str | Path) -> SheetValues:
    """The workbook at `path` as the rules' source of values (one read-back, `readback`)."""
    p = Path(path)
    return SheetValues(grids_of(_open(p)), str(p))


def evaluate_workbook(path: str | Path) -> tuple[list[Finding], Coverage]:
    """The workbook as it is now: its rows as the user left them, every figure live."""
    values = workbook_values(path)
    return evaluate(values.doc, CATALOGUE, values, live_of(values.doc))


def check_workbook(path: str | Path) -> list[Finding]:
    return evaluate_workbook(path)[0]


def read_verdicts(path: str | Path) -> list[tuple[str, str, str]]:
    """(rule id, subject, 结果) of each 校验 row, as the last recalculation left them."""
    from .render.checksheet import FIRST
    from .render.sheets import CHECKS

    ws = openpyxl.load_workbook(path, data_only=True)[CHECKS]
    out = []
    for row in ws.iter_rows(min_row=FIRST, max_col=11, values_only=True):
        if row[1] is None:
            continue
        out.append((str(row[1]), str(row[4] or ""), str(row[10])))
    return out
