"""`xltools draft`: the 说明草稿 sheet of a workbook file, recalculated on a copy, written to a
Word document (the draft's declarations and its document are draft.py)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .draft import SHEET, Grid, NotDrafted, Paragraph, paragraphs, write_docx
from .engine import Engine, recalc
from .workbook_check import open_workbook


def sheet_grid(book: Path) -> Grid:
    """The 说明草稿 sheet's values as the file stores them (its last recalculation)."""
    wb = open_workbook(book)  # a file that is not a workbook is told as such (ReadError)
    if SHEET not in wb.sheetnames:
        raise NotDrafted(f"工作簿中没有“{SHEET}”工作表：请用新版 xltools import 重新导入")
    return [list(r) for r in wb[SHEET].iter_rows(values_only=True)]


def draft_book(book: Path, out: Path, engine: Engine | None = "formulas") -> list[Paragraph]:
    """`xltools draft`: recalculate a copy of `book` (the user's file is not touched), read the
    drafted paragraphs, write them to `out`. `engine` None: the values the file holds."""
    book = Path(book)
    grid = sheet_grid(book)  # told before any engine runs: not a workbook, or no draft in it
    if engine is not None:
        with tempfile.TemporaryDirectory(prefix="xltools-draft-") as tmp:
            copy = Path(tmp) / ("book" + (book.suffix or ".xlsx"))
            shutil.copyfile(book, copy)
            recalc(copy, engine)
            grid = sheet_grid(copy)
    paras = paragraphs(grid)
    write_docx(paras, out)
    return paras
