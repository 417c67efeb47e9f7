"""The input limits, declared once: what xltools refuses before doing any work on a file.

A real disclosure is a 50-page PDF or a 250 KB text of 2,500 lines; its workbook holds about
30,000 cells. The limits sit one to two orders of magnitude above that, low enough that every
command stays under `MEMORY_MB` of memory and a couple of minutes on any input (a zip bomb, a
million-row sheet, a 200 MB text); each exceeded limit is refused with a message that names the
file and the limit (`Limit.says`), never worked through.
"""
from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    """One bound: its value, and what it bounds in Chinese and English (with its unit)."""

    value: int
    zh: str  # "文件大小上限为 50 MB"-style noun phrase: what is bounded
    en: str
    unit_zh: str = ""
    unit_en: str = ""

    def says(self, found: int | None = None) -> tuple[str, str]:
        """(Chinese, English) sentences: the limit, and what the file has when known."""
        zh_found = f"（本文件 {found:,}{self.unit_zh}）" if found is not None else ""
        en_found = f" (this file: {found:,}{self.unit_en})" if found is not None else ""
        return (f"超过上限：{self.zh}不超过 {self.value:,}{self.unit_zh}{zh_found}",
                f"over the limit: {self.en} at most {self.value:,}{self.unit_en}{en_found}")


# -- Any input file ----------------------------------------------------------------------------
FILE_BYTES = Limit(50 * MB, "输入文件大小", "an input file's size is", " 字节", " bytes")

# -- Text (a text file, or what a PDF or Word file is extracted to) ----------------------------
TEXT_BYTES = Limit(20 * MB, "文本大小", "the text's size is", " 字节", " bytes")
TEXT_LINES = Limit(200_000, "文本行数", "the number of text lines is", " 行", " lines")
# Excel's own limit for one cell: a longer line could not be put into the workbook whole.
LINE_CHARS = Limit(32_767, "一行（一个单元格）的字符数", "one line (one cell) is", " 个字符", " characters")

# -- PDF -----------------------------------------------------------------------------------------
PDF_PAGES = Limit(500, "PDF 页数", "the number of PDF pages is", " 页", " pages")
# One compressed stream (a page's content, a font, an image) once inflated.
PDF_STREAM_BYTES = Limit(64 * MB, "PDF 中单个数据流解压后的大小", "one PDF stream, inflated, is", " 字节", " bytes")

# -- Zip containers (.docx, .xlsx): checked on the declared sizes before anything is inflated -
ZIP_MEMBERS = Limit(5_000, "压缩包中的文件数", "the number of parts in the zip container is", " 个", "")
ZIP_MEMBER_BYTES = Limit(32 * MB, "压缩包中单个部件解压后的大小", "one part of the zip container, inflated, is",
                         " 字节", " bytes")
ZIP_TOTAL_BYTES = Limit(128 * MB, "压缩包全部部件解压后的总大小", "all parts of the zip container, inflated, are",
                        " 字节", " bytes")

# -- Workbooks (.xlsx) -------------------------------------------------------------------------
SHEET_ROWS = Limit(100_000, "工作表行数", "a worksheet's rows are", " 行", " rows")
SHEET_COLUMNS = Limit(1_000, "工作表列数", "a worksheet's columns are", " 列", " columns")
# A sheet is read as a full grid of its used range: rows × columns cells in memory.
SHEET_GRID = Limit(2_000_000, "工作表已用区域（行数×列数）", "a worksheet's used range (rows × columns) is",
                   " 个单元格", " cells")
BOOK_CELLS = Limit(300_000, "工作簿中的单元格数", "the workbook's cells are", " 个", "")
CELL_CHARS = LINE_CHARS

# -- Time --------------------------------------------------------------------------------------
# `audit`: one document may take this long; past it, its row says so and the batch goes on.
AUDIT_SECONDS = Limit(300, "每份文件的审核时间", "the time to audit one file is", " 秒", " s")

# What the limits above keep every command under (the test module measures it).
MEMORY_MB = 500

ALL: dict[str, Limit] = {name: v for name, v in globals().items() if isinstance(v, Limit)}
