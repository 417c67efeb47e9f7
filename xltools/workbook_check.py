"""Check a workbook file again: its cells, read back, as the value source of the same rules."""
from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .check import evaluate
from .coverage import Coverage
from .engine.cache import sheet_parts
from .evaluation import live_of
from .findings import Finding
from .read.bounded import check_xlsx
from .read.errors import ReadError
from .readback import SheetValues
from .render.structure import SHEET
from .rules import CATALOGUE
from .safe_write import OutputRefused, rotate_backups


def grids_of(book: Workbook) -> dict[str, list[list[Any]]]:
    """Every sheet's values as rows: what the Excel side hands the read-back too."""
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _checked(grids: dict[str, list[list[Any]]], source: str) -> dict[str, list[list[Any]]]:
    """Refuse a number no workbook Excel wrote can hold, before the rules compute with it:
    NaN or ±∞ (from a <v>1e400</v>; --json would print a bare NaN). A text longer than a
    cell's 32,767 characters cannot reach here: openpyxl cuts it to that length as it loads."""
    for title, rows in grids.items():
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if isinstance(v, float) and not math.isfinite(v):
                    where = f"{title}!{get_column_letter(c)}{r}"
                    raise ReadError(source, None, f"单元格 {where} 不是有限的数（{v}）", f"cell {where} is not a finite number ({v})")
    return grids


def open_workbook(path: Path) -> Workbook:
    """The workbook at `path` with its cached values, within the limits; a file that is not a
    readable workbook is a ReadError naming it."""
    # Limits first: openpyxl would build every cell (and every cell of a merged range) it finds.
    check_xlsx(path)
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReadError(str(path), None, f"不是可读取的 Excel 工作簿（{type(exc).__name__}）",
                        f"not a readable Excel workbook ({type(exc).__name__})") from exc
    except Exception as exc:  # XML syntax, nesting, types openpyxl trips on: a damaged part
        raise ReadError(str(path), None, f"Excel 工作簿已损坏，无法读取（{type(exc).__name__}）",
                        f"the Excel workbook is damaged and cannot be read ({type(exc).__name__})") from exc


def workbook_values(path: str | Path) -> SheetValues:
    """The workbook at `path` as the rules' source of values (one read-back, `readback`)."""
    p = Path(path)
    return SheetValues(_checked(grids_of(open_workbook(p)), str(p)), str(p))


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


def made_by_xltools(path: Path) -> bool:
    """Whether the workbook holds the hidden structure sheet that `xltools import` writes."""
    try:
        with zipfile.ZipFile(path) as z:
            return SHEET in sheet_parts(z)
    except Exception as exc:  # no workbook part, XML that does not parse: not a readable workbook
        raise ReadError(str(path), None, f"不是可读取的 Excel 工作簿（{type(exc).__name__}）",
                        f"not a readable Excel workbook ({type(exc).__name__})") from exc


def guard_recalc(path: Path, *, force: bool) -> Path | None:
    """Before `recalc` rewrites a workbook in place: within the limits, made by xltools (a
    workbook of someone else's would have every formula's cached value rewritten: only with
    `force`), and its current version kept as `.bak` like `import` does. Returns the backup."""
    check_xlsx(path)
    if not force and not made_by_xltools(path):
        raise OutputRefused(path, "不是 xltools 生成的工作簿（没有隐藏表 _结构），未重新计算、未改动；"
                                  "确需重新计算请加 --force（原文件先备份为 .bak）",
                            "not a workbook xltools made (no hidden sheet _结构): not recalculated, not changed; "
                            "use --force to recalculate it anyway (the file is first kept as .bak)")
    return rotate_backups(path)
