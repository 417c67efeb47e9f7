"""What `xltools recalc` checks before it rewrites a workbook in place.

Apart from book_check.py (which checks a workbook's contents with the rules, openpyxl and the
reader): `recalc` needs none of those, and importing them was a tenth of its run.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from xltools.files.safe_write import OutputRefused, rotate_backups
from xltools.read.bounded import check_xlsx
from xltools.read.errors import ReadError
from xltools.workbook.engine.cache import sheet_parts
from xltools.workbook.structure import SHEET


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
