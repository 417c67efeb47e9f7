"""`xltools draft`: the 说明草稿 sheet of a workbook file, recalculated on a copy, written to a
Word document (the draft's declarations and its document are draft.py)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from xltools.workbook.draft import SHEET, Grid, NotDrafted, Paragraph, paragraphs, write_docx
from xltools.workbook.engine import Engine, recalc
from xltools.workbook.book_check import sheet_rows


def sheet_grid(book: Path) -> Grid:
    """The 说明草稿 sheet's values as the file stores them (its last recalculation)."""
    rows = sheet_rows(book, SHEET)  # a file that is not a workbook is told as such (ReadError)
    if rows is None:
        raise NotDrafted(f"工作簿中没有“{SHEET}”工作表：请用新版 xltools import 重新导入")
    return rows


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
