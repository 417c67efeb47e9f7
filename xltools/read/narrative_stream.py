"""The narrative's sections as one text stream each, and the numbers printed in them.

A section's lines are joined without a separator, so that a number or a word wrapped
across lines ("0万" / "元", "预算" / "2,160.50万元") reads whole; every stream offset maps
back to its source line and column.

Only prose feeds the streams: a line of cells (tabs, runs of spaces, U+3000) is a table
row, and a 绩效 attachment's own rows (项目名称, 部门名称 in a cell, 一级指标 …) end the
narrative even when no title line announces them, so that their 指标值 (100%, ≥95%) are
never taken for figures the narrative states.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from xltools.read.text import Line

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
_HEADING = re.compile(r"^\s*(十[一二]|[一二三四五六七八九十])\s*[、.．]\s*\S")
_PAGE_NO = re.compile(r"^[-—\s第]*\d{1,3}[-—\s页]*$")
NUMBER = re.compile(
    r"(?<![\d.])(\d{1,3}(?:[,，]\d{3}){1,4}(?:\.\d+)?|\d{1,15}(?:\.\d+)?)\s*(亿\s?元|万\s?元|元|%|％|个)")
# Full-width digits and point, as some extractors give them: mapped one to one, so that
# stream offsets still index the line's own text.
_WIDE = str.maketrans("０１２３４５６７８９．", "0123456789.")

# What each standard section is about, told by its heading's words: a document that drops or
# reorders a section still has its figures read for what they are. Tried most specific first.
_KINDS: tuple[tuple[int, re.Pattern[str]], ...] = tuple((n, re.compile(p)) for n, p in (
    (7, r"三公"), (8, r"机关运行"), (9, r"采购"), (10, r"绩效"), (11, r"国有资产"), (6, r"基本支出"),
    (4, r"财政拨款"), (5, r"一般公共预算"), (1, r"收支|收入.*支出|变动"), (2, r"收入"), (3, r"支出"),
    (12, r"其他"),
))
_OWN = dict(_KINDS)

# The first cell of a 绩效 attachment's own rows (project table and both forms of the
# overall table). Prose never starts with these labels.
_PERF_ROWS = ("项目名称", "主管部门及代码", "主管部门", "实施单位", "项目属性", "项目资金", "实施期资金总额",
              "年度资金总额", "总体目标", "绩效指标", "一级指标", "二级指标", "三级指标", "指标值",
              "部门名称", "单位名称", "部门（单位）名称", "单位（部门）名称", "预算部门名称", "预算单位名称",
              "部门基本信息", "单位基本信息", "内设职能部门", "所属预算单位",
              "按资金来源", "年度预算情况", "年度绩效指标", "年度重点工作")
_PERF_TITLE = re.compile(r"绩效目标(?:申报)?表\s*(?:[（(]?\s*\d{4}\s*[)）]?\s*年?度?\s*[)）]?)?$")

Piece = tuple[int, int, int]  # (line no, first column, end column) in Line.text


def heading_number(line: Line) -> int | None:
    t = line.text.strip()
    m = _HEADING.match(t)
    if not m or len(t) > 40 or NUMBER.search(t):
        return None
    return _NUMERALS[m.group(1)]


def section_kind(line: Line, numeral: int) -> int:
    """The standard section (1…11) a heading opens: its numeral when its words fit it (the
    usual case), else the section its words name, else its numeral."""
    t = re.sub(r"\s+", "", line.text)
    own = _OWN.get(numeral)
    if own is not None and own.search(t):
        return numeral
    for n, pat in _KINDS:
        if pat.search(t):
            return n
    return numeral


_PROSE = re.compile(r"[，。；]")
_BARE = re.compile(r"^[-−]?[\d,，]+(?:\.\d+)?%?$")


def is_prose(line: Line) -> bool:
    """A sentence an extractor padded with runs of spaces (justified text): its gaps came
    from spaces, it has sentence punctuation, and at most one of its pieces is a bare
    number. Tab-separated cells are never prose."""
    return line.spaced and bool(_PROSE.search(line.text)) and sum(1 for c in line.filled if _BARE.match(c)) <= 1


def is_table_row(line: Line) -> bool:
    """A line of two or more cells is a table row, never prose."""
    return len(line.filled) > 1 and not is_prose(line)


_PERF_ROW = re.compile("^(?:" + "|".join(_PERF_ROWS) + r")(?:[：:]|$)")
_STRIP = re.compile(r"[\s*#]")


def is_perf_row(line: Line) -> bool:
    """A row or title of a 绩效 attachment: where the narrative ends at the latest."""
    if line.blank:
        return False
    first = _STRIP.sub("", line.filled[0]).replace("(", "（").replace(")", "）")
    if len(line.filled) > 1:
        # "项目名称<TAB>…": a cell that starts with a label, whatever follows in it
        if first.startswith(_PERF_ROWS):
            return True
    elif _PERF_ROW.match(first):  # "项目名称：…", or the label alone on its line
        return True
    # A title line; a sentence that names the tables ("…情况见附件", "详见…") is not one.
    if "绩效目标" not in line.text:
        return False
    t = _STRIP.sub("", line.text)
    return len(line.filled) <= 2 and len(t) <= 60 and not re.search(r"见|[，。；]", t) and bool(_PERF_TITLE.search(t))


def narrative_end(lines: list[Line], first: int, end: int) -> int:
    """One past the narrative's last line: `end`, or the first 绩效 row before it."""
    for ln in lines[first:end - 1]:
        if is_perf_row(ln) or (ln.text[:1] in "第#*" and _STRIP.sub("", ln.text).startswith("第四部分")):
            return ln.no
    return end


def find_sections(lines: list[Line], first: int, end: int) -> dict[int, tuple[int, int]]:
    """Numbered headings 一…十二 in increasing order; each section runs to the next.
    Keyed by what the heading is about (`section_kind`); a heading whose kind is taken
    already keeps a key of its own (20 + numeral), so its figures join no other section."""
    heads: list[tuple[int, int, int]] = []  # (numeral, kind, line)
    for ln in lines[first - 1:end - 1]:
        n = heading_number(ln)
        if n is not None and (not heads or n > heads[-1][0]):
            heads.append((n, section_kind(ln, n), ln.no))
    out: dict[int, tuple[int, int]] = {}
    for i, (n, kind, start) in enumerate(heads):
        stop = heads[i + 1][2] if i + 1 < len(heads) else end
        last = stop - 1
        while last > start and lines[last - 1].blank:
            last -= 1
        out[kind if kind not in out else 20 + n] = (start, last)
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
        if ln.blank or _PAGE_NO.match(ln.text) or is_table_row(ln):
            continue
        text = ln.text.replace("\t", "") if ln.spaced else ln.text
        offsets.append(pos)
        nos.append(ln.no)
        parts.append(text.translate(_WIDE))
        pos += len(text)
    return Stream("".join(parts), tuple(offsets), tuple(nos))


def parse_number(s: str) -> tuple[float, int]:
    s = s.replace(",", "").replace("，", "")
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return float(s), decimals


def unit_of(raw: str) -> str:
    """"万 元" as some extractors space it is 万元."""
    return raw.replace(" ", "")
