"""Input taken in within the declared limits (`xltools.core.limits`), checked before the work.

A file is opened without blocking and must be a regular file (a FIFO would hang the read,
/dev/zero never end); its size, a zip container's declared part sizes and a text's size and
lines are compared with the limits before anything is read, inflated or parsed. Control
characters, which no cell can hold, are dropped from the text and said so in a READ- note.
"""
from __future__ import annotations

import os
import re
import stat
import zipfile
from itertools import repeat
from pathlib import Path
from typing import IO, Iterator

from xltools.core import limits
from xltools.core.limits import Limit
from xltools.core.model import ReadNote
from xltools.read.errors import ReadError

READ_CONTROL = "READ-CONTROL"


def over(source: str, limit: Limit, found: int | None = None, line: int | None = None) -> ReadError:
    zh, en = limit.says(found)
    return ReadError(source, line, zh, en)


def read_input(path: str | Path) -> bytes:
    """The bytes of a regular file no larger than `limits.FILE_BYTES`."""
    p = Path(path)
    source = str(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ReadError(source, None, "文件不存在", "file not found") from None
    except OSError as exc:
        raise ReadError(source, None, f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})") from exc
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(source, None, "这是一个文件夹，不是文件", "this is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(source)
    if st.st_size > limits.FILE_BYTES.value:
        raise over(source, limits.FILE_BYTES, st.st_size)
    try:
        # Non-blocking: a path swapped for a FIFO after the stat above must not hang the open.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ReadError(source, None, f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})") from exc
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise _not_regular(source)
        return read_capped(f, source, limits.FILE_BYTES)


def read_capped(f: IO[bytes], source: str, limit: Limit) -> bytes:
    """At most `limit` bytes of `f`; a stream that holds more (a file that grew since its size
    was read) is refused, not cut."""
    data = f.read(limit.value + 1)
    if len(data) > limit.value:
        raise over(source, limit)
    return data


def _not_regular(source: str) -> ReadError:
    return ReadError(source, None, "不是普通文件（是设备、管道或套接字），不读取",
                     "not a regular file (a device, a pipe or a socket): not read")


# -- Zip containers --------------------------------------------------------------------------

def check_zip(z: zipfile.ZipFile, source: str) -> None:
    """Refuse a container whose parts, as declared, exceed the limits. zipfile never inflates
    a part beyond its declared size (and fails its CRC if the data says otherwise), so the
    declared sizes bound what any reader of `z` can inflate."""
    infos = z.infolist()
    if len(infos) > limits.ZIP_MEMBERS.value:
        raise over(source, limits.ZIP_MEMBERS, len(infos))
    total = 0
    for info in infos:
        if info.file_size > limits.ZIP_MEMBER_BYTES.value:
            zh, en = limits.ZIP_MEMBER_BYTES.says(info.file_size)
            raise ReadError(source, None, f"{info.filename}：{zh}", f"{info.filename}: {en}")
        total += info.file_size
    if total > limits.ZIP_TOTAL_BYTES.value:
        raise over(source, limits.ZIP_TOTAL_BYTES, total)


def check_zip_bytes(data: bytes, source: str) -> None:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            check_zip(z, source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(source, None, f"压缩文件已损坏或不完整（{type(exc).__name__}）",
                        f"the zip container is damaged or incomplete ({type(exc).__name__})") from exc


# -- Text ---------------------------------------------------------------------------------------

def check_text_size(data: bytes, source: str) -> None:
    """A text file's bytes against the text limit, before decoding."""
    if len(data) > limits.TEXT_BYTES.value:
        raise over(source, limits.TEXT_BYTES, len(data))
    _check_lines(data.count(b"\n") + 1, source)


def check_text(text: str, source: str) -> None:
    """Text (decoded, or extracted from a PDF or Word file) against the text limits; a line
    longer than a cell can hold is named by its number."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.TEXT_BYTES.value:
        raise over(source, limits.TEXT_BYTES, size)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    _check_lines(len(lines), source)
    cap = limits.LINE_CHARS.value
    if lines and max(map(len, lines)) > cap:  # the first line too long is named, looked for only then
        no, line = next((no, ln) for no, ln in enumerate(lines, start=1) if len(ln) > cap)
        raise over(source, limits.LINE_CHARS, len(line), line=no)


def _check_lines(n: int, source: str) -> None:
    if n > limits.TEXT_LINES.value:
        raise over(source, limits.TEXT_LINES, n)


# C0 controls but tab, line feed and carriage return (which end lines), DEL, and the two
# non-characters: XML cannot hold them, so neither can a workbook's cell.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def drop_controls(text: str) -> tuple[str, ReadNote | None]:
    """The text without control characters, and the note that says on which lines they were."""
    if not CONTROL.search(text):
        return text, None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = [no for no, ln in enumerate(lines, start=1) if CONTROL.search(ln)]
    kinds = sorted({f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"U+{ord(c):04X}" for c in CONTROL.findall(text)})
    shown = "、".join(str(n) for n in found[:5]) + ("…" if len(found) > 5 else "")
    shown_en = ", ".join(str(n) for n in found[:5]) + ("…" if len(found) > 5 else "")
    note = ReadNote(READ_CONTROL,
                    f"第{shown}行（共 {len(found)} 行）含控制字符（{'、'.join(kinds[:6])}），已删除，"
                    f"其余文字照常读取 / control characters ({', '.join(kinds[:6])}) on line(s) {shown_en} "
                    f"({len(found)} in all) were removed; the rest of the text was read as usual",
                    found[0])
    return CONTROL.sub("", text), note


_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def visible(s: str) -> str:
    """`s` for a message: control characters written as escapes and undecodable bytes of a
    file name (lone surrogates) as U+FFFD, so that a file named with them neither breaks a
    cell nor the output's encoding, nor drives the terminal."""
    return _UNSHOWABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else "\ufffd", s)


# -- Workbooks (.xlsx) ------------------------------------------------------------------------

# Each pattern is found by the regex engine alone, from a literal start (a Python step per cell
# was most of the time checking a workbook); each lies within one tag, so a chunk cut at a "<"
# splits none. Tags with a namespace prefix (rare) are counted by the general patterns.
_PREFIXED = re.compile(rb"<\w+:")
_CELL_TAG = re.compile(rb"<c[\s/>]")
_ROW_TAG = re.compile(rb"<row[\s/>]")
_ANY_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ANY_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
# A cell's column letters, and the row of a cell or of a row (openpyxl's read-only rows run to
# the row a <row r="…"> names, with or without a cell in it). Any attribute ending in r counts:
# more than the cells, never fewer.
_REF_COLUMN = re.compile(rb'r="([A-Z]{1,3})[0-9]')
_REF_ROW = re.compile(rb'r="[A-Z]{0,3}([0-9]+)"')
# A merged range: found from its name (a literal start), then taken if the name opens a tag,
# with or without a prefix (`_opens_tag`): as <(?:\w+:)?mergeCell… finds it, a fifth the time.
_MERGE = re.compile(rb'mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"')
_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_BEYOND = 10 ** 18


def _row(digits: bytes) -> int:
    """A row number as written; one of more digits than any limit as 10**18 (int() refuses
    a string of thousands of digits, and the limit says "over" all the same)."""
    return int(digits or 0) if len(digits) < 19 else _BEYOND


def _greatest(found: list[bytes], width: int) -> bytes:
    """The greatest of column letters (width 3) or row digits (width 19) as their number
    orders them, b"" for none: right-aligned in spaces, which sort before letters and digits,
    they compare as numbers; one longer than `width` is over every limit, and beats them all."""
    return max(map(bytes.rjust, found, repeat(width)), default=b"").lstrip()


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_xlsx(path: str | Path, source: str | None = None) -> None:
    """Refuse, before openpyxl or the engine reads it, a workbook beyond the limits: its file,
    its zip parts (declared sizes), and each sheet's cells, rows, columns and used range, counted
    by a streamed scan of the sheet XML (merged ranges count whole: openpyxl makes a cell for
    every cell they cover)."""
    source = str(path) if source is None else source
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError:
        raise ReadError(source, None, "文件不存在", "file not found") from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(source) if not stat.S_ISDIR(st.st_mode) else \
            ReadError(source, None, "这是一个文件夹，不是文件", "this is a directory, not a file")
    if st.st_size > limits.FILE_BYTES.value:
        raise over(source, limits.FILE_BYTES, st.st_size)
    try:
        with zipfile.ZipFile(p) as z:
            check_zip(z, source)
            cells = 0
            for info in z.infolist():
                if _SHEET_PART.match(info.filename):
                    with z.open(info) as f:
                        cells += _check_sheet(f, info.filename, source)
                    if cells > limits.BOOK_CELLS.value:
                        raise over(source, limits.BOOK_CELLS, cells)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, KeyError) as exc:
        raise ReadError(source, None, f"不是可读取的 Excel 工作簿（{type(exc).__name__}）",
                        f"not a readable Excel workbook ({type(exc).__name__})") from exc


def merged_ranges(xml: bytes) -> list[tuple[int, int, int, int]]:
    """A sheet's merged ranges, (first row, first column, last row, last column) each, as the
    limits above count them."""
    out = []
    for c0, r0, c1, r1 in _merges(xml, 0, len(xml)):
        out.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
    return out


def _merges(buf: bytes, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(column, row, column, row) of each <mergeCell ref="…"> in buf[start:end]."""
    for m in _MERGE.finditer(buf, start, end):
        if _opens_tag(buf, m.start()):
            yield _col(m.group(1)), _row(m.group(2)), _col(m.group(3)), _row(m.group(4))


def _opens_tag(buf: bytes, at: int) -> bool:
    """Whether the name at `at` follows "<" or "<prefix:"."""
    i = at - 1
    if i >= 0 and buf[i] == ord(":"):
        j = i
        while j > 0 and buf[j - 1] in _WORD:
            j -= 1
        if j == i:
            return False
        i = j - 1
    return i >= 0 and buf[i] == ord("<")


def _check_sheet(f: IO[bytes], part: str, source: str) -> int:
    """The cells a sheet's XML makes (merged ranges whole), once its rows, columns and used
    range are found within the limits. Read in chunks, each cut at its last "<"."""
    cells = rows = max_row = max_col = 0
    tail = b""
    while True:
        chunk = f.read(1 << 20)
        buf = tail + chunk
        cut = len(buf) if not chunk else max(0, buf.rfind(b"<"))
        prefixed = _PREFIXED.search(buf, 0, cut) is not None
        cells += len((_ANY_CELL_TAG if prefixed else _CELL_TAG).findall(buf, 0, cut))
        rows += len((_ANY_ROW_TAG if prefixed else _ROW_TAG).findall(buf, 0, cut))
        max_col = max(max_col, _col(_greatest(_REF_COLUMN.findall(buf, 0, cut), 3)))
        max_row = max(max_row, _row(_greatest(_REF_ROW.findall(buf, 0, cut), 19)))
        for c0, r0, c1, r1 in _merges(buf, 0, cut):
            cells += max(0, (abs(c1 - c0) + 1) * (abs(r1 - r0) + 1) - 1)
            max_col, max_row = max(max_col, c0, c1), max(max_row, r0, r1)
        if not chunk:
            break
        tail = buf[cut:]
    max_row = max(max_row, rows)
    name = part.rsplit("/", 1)[-1]
    for limit, found in ((limits.SHEET_ROWS, max_row), (limits.SHEET_COLUMNS, max_col),
                         (limits.SHEET_GRID, max_row * max_col), (limits.BOOK_CELLS, cells)):
        if found > limit.value:
            zh, en = limit.says(found)
            raise ReadError(source, None, f"{name}：{zh}", f"{name}: {en}")
    return cells
