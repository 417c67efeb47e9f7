"""Where things are: the parts of a disclosure and the title line of each table.

All positions are 1-based line numbers; a span is (first, end) with `end` exclusive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..layouts import LAYOUTS
from .text import Line

Span = tuple[int, int]

_TOC = re.compile(r"(\.{3,}|…{2,}|·{3,})")
# A contents line printed with spaces instead of a tab: words, a space, a bare page number.
_PAGE = re.compile(r"\S\s+\d{1,3}$")
_YEAR = re.compile(r"^(?:表[一二三四五六七八九十]+)?\s*\d{4}\s*年?度?")
_LABEL = re.compile(r"^(?:预算公开表|部门公开表|单位公开表|公开表|附表)\s*(\d{1,2})$")
PERF_PROJECT = "项目支出绩效目标表"
PERF_OVERALL = "整体支出绩效目标申报表"


def norm_title(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    s = s.replace("(", "（").replace(")", "）")
    s = re.sub(r"[“”\"'‘’]", "", s)
    s = _YEAR.sub("", s)
    s = s.replace("（不含上年结转）", "")
    return s


_TITLES: dict[str, int] = {norm_title(l.title): n for n, l in LAYOUTS.items()}


def is_toc(line: Line) -> bool:
    if _TOC.search(line.text):
        return True
    # "第三部分 …说明<TAB>17": a contents line ends in a bare page number.
    cells = line.filled
    if len(cells) >= 2 and cells[-1].isdigit() and len(cells[-1]) <= 3:
        return True
    return len(cells) == 1 and bool(_PAGE.search(cells[0])) and cells[0].startswith("第")


@dataclass(frozen=True)
class Regions:
    end: int  # one past the last line
    parts: dict[int, int] = field(default_factory=dict)  # 2, 3, 4 -> heading line
    tables: dict[int, Span] = field(default_factory=dict)  # table number -> title line .. next title
    labels: dict[int, int] = field(default_factory=dict)  # table number -> 预算公开表N line
    narrative: Span | None = None  # 第三部分 .. first 绩效 table (or 第四部分)
    performance: Span | None = None  # first 绩效 table .. 第四部分
    perf_titles: tuple[int, ...] = ()  # title lines of every 绩效 table


def table_number(line: Line) -> int | None:
    if len(line.filled) != 1 or is_toc(line):
        return None
    return _TITLES.get(norm_title(line.filled[0]))


def label_number(line: Line) -> int | None:
    if len(line.filled) != 1:
        return None
    m = _LABEL.match(re.sub(r"\s+", "", line.filled[0]))
    return int(m.group(1)) if m else None


def _part(line: Line) -> int | None:
    """Which part (2, 3, 4) a non-contents line opens, if any."""
    t = re.sub(r"\s+", "", line.text)
    for n, word in ((2, "第二部分"), (3, "第三部分"), (4, "第四部分")):
        if t.startswith(word):
            return n
    return None


def find_regions(lines: list[Line]) -> Regions:
    end = len(lines) + 1
    parts: dict[int, int] = {}
    titles: list[tuple[int, int]] = []
    labels: dict[int, int] = {}
    perf: list[int] = []
    for ln in lines:
        if ln.blank or is_toc(ln):
            continue
        p = _part(ln)
        if p is not None and p not in parts:
            parts[p] = ln.no
        n = _TITLES.get(norm_title(ln.filled[0])) if len(ln.filled) == 1 else None
        if n is not None and not any(m == n for m, _ in titles):
            titles.append((n, ln.no))
        k = label_number(ln)
        if k is not None and k not in labels and 1 <= k <= 13:
            labels[k] = ln.no
        if len(ln.filled) <= 2:
            t = re.sub(r"\s+", "", ln.filled[0]) if ln.filled else ""
            if t.endswith(PERF_PROJECT) or t.endswith(PERF_OVERALL):
                perf.append(ln.no)
    part3 = parts.get(3)
    part4 = parts.get(4, end)
    # Table spans end at the next table title, or at 第三部分 for the last one.
    ordered = sorted(titles, key=lambda t: t[1])
    spans: dict[int, Span] = {}
    for i, (n, start) in enumerate(ordered):
        stop = ordered[i + 1][1] if i + 1 < len(ordered) else (part3 or part4)
        if stop <= start:
            stop = end
        # A label line (预算公开表N) just before the next title belongs to the next table.
        spans[n] = (start, stop)
    perf_after = [p for p in perf if (part3 is None or p > part3) and p < part4]
    narrative = None
    performance = None
    if part3 is not None:
        first_perf = perf_after[0] if perf_after else part4
        narrative = (part3, first_perf)
    if perf_after:
        performance = (perf_after[0], part4 if part4 > perf_after[0] else end)
    return Regions(end, parts, spans, labels, narrative, performance, tuple(perf_after))
