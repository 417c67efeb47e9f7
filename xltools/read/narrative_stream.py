"""The narrative's sections as one text stream each, and the numbers printed in them.

A section's lines are joined without a separator, so that a number or a word wrapped
across lines ("0万" / "元", "预算" / "2,160.50万元") reads whole; every stream offset maps
back to its source line and column.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .text import Line

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
_HEADING = re.compile(r"^\s*(十[一二]|[一二三四五六七八九十])\s*[、.．]\s*\S")
_PAGE_NO = re.compile(r"^[-—\s第]*\d{1,3}[-—\s页]*$")
NUMBER = re.compile(
    r"(?<![\d.])(\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元|%|％|个)")

Piece = tuple[int, int, int]  # (line no, first column, end column) in Line.text


def heading_number(line: Line) -> int | None:
    t = line.text.strip()
    m = _HEADING.match(t)
    if not m or len(t) > 40 or NUMBER.search(t):
        return None
    return _NUMERALS[m.group(1)]


def find_sections(lines: list[Line], first: int, end: int) -> dict[int, tuple[int, int]]:
    """Numbered headings 一…十二 in increasing order; each section runs to the next."""
    heads: list[tuple[int, int]] = []
    for ln in lines[first - 1:end - 1]:
        n = heading_number(ln)
        if n is not None and (not heads or n > heads[-1][0]):
            heads.append((n, ln.no))
    out: dict[int, tuple[int, int]] = {}
    for i, (n, start) in enumerate(heads):
        stop = heads[i + 1][1] if i + 1 < len(heads) else end
        last = stop - 1
        while last > start and lines[last - 1].blank:
            last -= 1
        out[n] = (start, last)
    return out


@dataclass(frozen=True)
class Stream:
    text: str
    offsets: tuple[int, ...]  # stream offset where each line piece starts
    line_nos: tuple[int, ...]

    def where(self, offset: int) -> tuple[int, int]:
        i = max(0, bisect_right(self.offsets, offset) - 1)
        return self.line_nos[i], offset - self.offsets[i]

    def pieces(self, start: int, end: int) -> tuple[Piece, ...]:
        out: list[Piece] = []
        i = max(0, bisect_right(self.offsets, start) - 1)
        while i < len(self.offsets) and self.offsets[i] < end:
            lo = max(start, self.offsets[i])
            hi = min(end, self.offsets[i + 1] if i + 1 < len(self.offsets) else len(self.text))
            if hi > lo:
                out.append((self.line_nos[i], lo - self.offsets[i], hi - self.offsets[i]))
            i += 1
        return tuple(out)


def section_stream(lines: list[Line], first: int, last: int) -> Stream:
    parts: list[str] = []
    offsets: list[int] = []
    nos: list[int] = []
    pos = 0
    for ln in lines[first - 1:last]:
        if ln.blank or _PAGE_NO.match(ln.text):
            continue
        offsets.append(pos)
        nos.append(ln.no)
        parts.append(ln.text)
        pos += len(ln.text)
    return Stream("".join(parts), tuple(offsets), tuple(nos))


def parse_number(s: str) -> tuple[float, int]:
    s = s.replace(",", "").replace("，", "")
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return float(s), decimals
