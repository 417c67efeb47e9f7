"""Raw bytes to clean lines: decoding and the noise every extractor adds.

Line numbers are kept as the file's own (1-based), so findings point at the text the user
has. A noise line (watermark, blank) is kept as an empty `Line` rather than dropped.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

from xltools.read.errors import ReadError

WATERMARK = "仅供内部审核"
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_HEADING = re.compile(r"^\s*#{1,6}\s*")
_BOLD = re.compile(r"\*\*|__")
# In extractions without tabs, cells are separated by two or more spaces, or by a single
# ideographic space (U+3000), which never falls inside a printed word or number; a single
# ASCII space does (wrapped cells: "国有资本经营 预算支出").
_WIDE_GAP = re.compile(r"[ \u00a0]*\u3000[ \u3000\u00a0]*|[ \u00a0]{2,}")


@dataclass(frozen=True, slots=True)  # one per line of every text read: slotted, made in half the time
class Line:
    no: int
    text: str  # cleaned, cells joined by tabs
    cells: tuple[str, ...]  # cells as printed, stripped; empty cells kept as ""
    filled: tuple[str, ...] = field(default=(), compare=False)  # non-empty cells, computed once
    spaced: bool = False  # the cells were told apart by spaces, not tabs

    def __post_init__(self) -> None:
        if not self.filled:
            object.__setattr__(self, "filled", tuple(c for c in self.cells if c))

    @property
    def blank(self) -> bool:
        return not self.filled


def decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                pass
        raise ReadError(source, None, "文件不是文本（含二进制内容）", "the file is not text (binary content)")
    failed: list[UnicodeDecodeError] = []
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            failed.append(exc)
    # The encoding that reads further is the file's: where it stops is the first bad byte
    # (GB18030 stops early in a UTF-8 file, and UTF-8 at the first Chinese character of a GBK one).
    at = max(e.start for e in failed)
    line = data.count(b"\n", 0, at) + 1
    col = at - (data.rfind(b"\n", 0, at) + 1) + 1
    raise ReadError(source, line, f"无法识别的文字编码（应为 UTF-8 或 GBK/GB18030）：本行第 {col} 个字节 0x{data[at]:02X} 不成字",
                    f"unrecognised text encoding (expected UTF-8 or GBK/GB18030): byte {col} of the line, "
                    f"0x{data[at]:02X}, is not a character")


def _is_watermark(s: str) -> bool:
    # Truncated watermarks ("仅供内部", "供内部审核") also occur.
    t = s.strip()
    return bool(t) and len(t) <= len(WATERMARK) and len(t) >= 3 and t in WATERMARK


def clean_line(raw: str) -> str:
    # Each pattern only where its first character is present: most lines hold none of them.
    s = _TAG.sub("", raw) if "<" in raw else raw
    s = html.unescape(s)
    s = _HEADING.sub("", s) if "#" in s else s
    s = _BOLD.sub("", s) if "*" in s or "__" in s else s
    s = s.replace("\ufeff", "").replace("\r", "")
    if WATERMARK in s:
        s = s.replace(WATERMARK, "")
    if _is_watermark(s):
        return ""
    return s


def split_cells(s: str) -> tuple[str, ...]:
    if "\t" in s:
        parts = s.split("\t")
    else:
        parts = _WIDE_GAP.split(s.strip())
    return tuple([p.strip().strip("\u3000") for p in parts])


# A line cleaned and cut into cells depends on its own text alone. The same lines come back
# in a text read again, in the next year's disclosure and in every variant of a text the
# tests walk through: each distinct line is worked out once (while among the last 32,768).
@lru_cache(maxsize=1 << 15)
def _cut(raw: str) -> tuple[str, tuple[str, ...], tuple[str, ...], bool]:
    """A raw line's text, its cells, its non-empty cells and whether spaces told them apart."""
    s = clean_line(raw)
    if not s.strip():
        return "", (), (), False
    cells = split_cells(s)
    return "\t".join(cells), cells, tuple([c for c in cells if c]), len(cells) > 1 and "\t" not in s


# A line is immutable and depends on its number and text alone: a text read again, or one
# figure of it moved, shares all its other lines with the last reading (while among the
# last 32,768 lines made).
@lru_cache(maxsize=1 << 15)
def _line(no: int, raw: str) -> Line:
    return Line(no, *_cut(raw))


def to_lines(text: str) -> list[Line]:
    return [_line(i, raw)
            for i, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1)]


LinesKey = tuple[int, tuple[str, ...], tuple[int, ...]]


def lines_key(lines: list[Line]) -> LinesKey:
    """All a run of consecutive lines holds, as a memo key: the first one's number, their
    texts and which of them had their cells told apart by spaces (a line's cells are its
    text cut at the tabs). Made of strings, whose hashes Python keeps: cheap to look up."""
    first = lines[0].no if lines else 0
    return first, tuple([ln.text for ln in lines]), tuple([ln.no for ln in lines if ln.spaced])
