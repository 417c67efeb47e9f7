"""Where things are: the parts of a disclosure and the title line of each table.

All positions are 1-based line numbers; a span is (first, end) with `end` exclusive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from xltools.core.layouts import LAYOUTS
from xltools.read.performance_cells import norm, split_label
from xltools.read.text import Line

Span = tuple[int, int]

# A contents line printed with spaces instead of a tab: words, a space, a bare page number.
_PAGE = re.compile(r"\S\s+\d{1,3}$")
_YEAR = re.compile(r"^(?:表[一二三四五六七八九十]+)?\s*\d{4}\s*年?度?")
_LABEL = re.compile(r"^(?:预算公开表|部门公开表|单位公开表|公开表|附表)\s*(\d{1,2})$")
PERF_PROJECT = "项目支出绩效目标表"
PERF_OVERALL = "整体支出绩效目标申报表"
# A 绩效 title, once its trailing year is cut: the region prefix in front varies freely.
_PERF_TITLE = re.compile(r"(项目支出绩效目标(?:申报)?表|整体(?:支出)?绩效目标(?:申报)?表)$")
_TITLE_YEAR = re.compile(r"\(?\d{4}\)?年?度?\)?$")
# Rows that only a 绩效 project table prints right under its 项目名称 row.
_PROJECT_ROWS = ("主管部门", "实施单位", "项目属性", "项目资金", "实施期资金总额", "年度资金总额", "项目期")
# Rows that only the overall table prints near its 部门名称 / 单位名称 row (both forms).
_OVERALL_ROWS = ("内设职能部门", "内设机构", "所属预算单位", "编制数", "编制人数", "在职人员", "部门职责", "单位职责",
                 "战略目标", "部门绩效目标", "单位绩效目标", "年度预算情况", "按资金来源", "年度重点工作",
                 "年度重点任务", "年度主要任务", "年度绩效目标", "年度绩效指标")
_OVERALL_HEADS = frozenset({"部门名称", "单位名称", "部门(单位)名称", "单位(部门)名称", "部门基本信息", "单位基本信息"})
# How far below its first row a table shows its own rows (non-blank lines: page breaks
# put blank and watermark lines between them).
_PROJECT_REACH = 6
_OVERALL_REACH = 12
# Lines a title may stand above its table's first row (year line, label line, blanks).
_TITLE_REACH = 8
_LABEL_MAX = 16
_NOT_PUBLISHED = re.compile(r"未编制|无此|不涉及|没有|未公开")
_SPACES = re.compile(r"\s+")
_QUOTES = re.compile(r"[“”\"'‘’]")
_YEAR_CELL = re.compile(r"\(?\d{4}\)?年?度?\)?")


def norm_title(s: str) -> str:
    s = _SPACES.sub("", s)
    s = s.replace("(", "（").replace(")", "）")
    s = _QUOTES.sub("", s)
    s = _YEAR.sub("", s)
    s = s.replace("（不含上年结转）", "")
    return s


def _titles() -> dict[str, int]:
    """Each table's normalised title → its number, as `LAYOUTS` declares them now."""
    return _titles_of(tuple((n, lay.title) for n, lay in LAYOUTS.items()))


@lru_cache(maxsize=4)
def _titles_of(titles: tuple[tuple[int, str], ...]) -> dict[str, int]:
    return {norm_title(title): n for n, title in titles}


def is_toc(line: Line) -> bool:
    text = line.text
    if "..." in text or "……" in text or "···" in text:  # leader dots (plain substrings: asked of every line)
        return True
    # "第三部分 …说明<TAB>17": a contents line ends in a bare page number.
    cells = line.filled
    if len(cells) >= 2 and cells[-1].isdigit() and len(cells[-1]) <= 3:
        return True
    return len(cells) == 1 and bool(_PAGE.search(cells[0])) and cells[0].startswith("第")


Kind = str  # "project" or "overall"


@dataclass(frozen=True)
class PerfTable:
    """One 绩效 table: its first line (the title when printed, else its own first row), one
    past its last line, and whether it is a project table or the overall table."""

    start: int
    end: int
    kind: Kind
    titled: bool = True


@dataclass(frozen=True)
class Regions:
    end: int  # one past the last line
    parts: dict[int, int] = field(default_factory=dict)  # 2, 3, 4 -> heading line
    tables: dict[int, Span] = field(default_factory=dict)  # table number -> title line .. next title
    labels: dict[int, int] = field(default_factory=dict)  # table number -> 预算公开表N line
    narrative: Span | None = None  # 第三部分 .. first 绩效 table (or 第四部分)
    performance: Span | None = None  # first 绩效 table .. 第四部分 (or the end)
    perf_titles: tuple[int, ...] = ()  # first line of every 绩效 table (its title when printed)
    perf_tables: tuple[PerfTable, ...] = ()
    # Lines that say a 绩效 part is attached ("（项目绩效目标表公开情况见附件）", a contents
    # line): (kind, line). A part announced and not read must be reported, never silent.
    perf_announced: tuple[tuple[Kind, int], ...] = ()


def table_number(line: Line) -> int | None:
    if len(line.filled) != 1 or is_toc(line):
        return None
    return _titles().get(norm_title(line.filled[0]))


def label_number(line: Line) -> int | None:
    if len(line.filled) != 1:
        return None
    m = _LABEL.match(_SPACES.sub("", line.filled[0]))
    return int(m.group(1)) if m else None


def _part(line: Line) -> int | None:
    """Which part (2, 3, 4) a non-contents line opens, if any."""
    if "部分" not in line.text:
        return None
    t = _SPACES.sub("", line.text)
    for n, word in ((2, "第二部分"), (3, "第三部分"), (4, "第四部分")):
        if t.startswith(word):
            return n
    return None


def perf_title_kind(line: Line) -> Kind | None:
    """"…项目支出绩效目标表" / "…整体支出绩效目标申报表", with or without a region prefix and
    a year after it; None for any other line."""
    if not line.filled or len(line.filled) > 2 or "绩效目标" not in line.text:
        return None
    t = _TITLE_YEAR.sub("", norm(line.filled[0]))
    m = _PERF_TITLE.search(t)
    if m is None:
        return None
    return "project" if m.group(1).startswith("项目") else "overall"


def _is_year(line: Line) -> bool:
    return len(line.filled) == 1 and bool(_YEAR_CELL.fullmatch(norm(line.filled[0])))


def _heads(line: Line) -> list[str]:
    """The labels of a row's cells: "项目名称：XX" → "项目名称"."""
    return [split_label(norm(c))[0].partition(":")[0] for c in line.filled]


def _has_row(lines: list[Line], i: int, reach: int, words: tuple[str, ...], same_line: bool,
             stop: str = "") -> bool:
    """Whether one of `words` labels a cell of the `reach` non-blank lines after lines[i]
    (and of lines[i] itself when `same_line`), before a row whose first label is `stop`."""
    seen = 0
    k = i if same_line else i + 1
    while k < len(lines) and seen <= reach:
        ln = lines[k]
        if not ln.blank:
            if k > i:
                seen += 1
            heads = _heads(ln)
            if stop and k > i and heads[0] == stop:
                return False
            for h in heads:
                if len(h) <= _LABEL_MAX and any(w in h for w in words):
                    return True
        k += 1
    return False


def _start_kind(lines: list[Line], i: int) -> Kind | None:
    """Whether lines[i] is the first row of a 绩效 table, told by the table's own rows."""
    ln = lines[i]
    if ln.blank:
        return None
    if ln.filled[0].startswith("项"):
        first = norm(ln.filled[0])
        if not first.startswith("项目名称"):
            return None
        if split_label(first)[0].partition(":")[0] == "项目名称" and \
                _has_row(lines, i, _PROJECT_REACH, _PROJECT_ROWS, same_line=False, stop="项目名称"):
            return "project"
        return None
    if "名称" not in ln.text and "基本信息" not in ln.text and "按资金来源" not in ln.text:
        return None
    heads = _heads(ln)[:2]
    if any(h in _OVERALL_HEADS for h in heads) or any("按资金来源" in h for h in _heads(ln)):
        # A "单位名称：…" line over a project table is no overall table.
        if _has_row(lines, i, _OVERALL_REACH, _OVERALL_ROWS, same_line=True, stop="项目名称"):
            return "overall"
    return None


def _announced(ln: Line, toc: bool = False) -> Kind | None:
    """A sentence or a contents line saying a 绩效 part is attached."""
    if "绩效" not in ln.text and "整体" not in ln.text:
        return None
    t = norm(ln.text)
    if ("绩效" not in t and "整体目标" not in t) or _NOT_PUBLISHED.search(t):
        return None
    if "附件" not in t and "附表" not in t and not toc:
        return None
    if "整体" in t:
        return "overall"
    if "项目" in t:
        return "project"
    return None


def _perf_tables(lines: list[Line], lo: int, part4: int, end: int,
                 toc: set[int]) -> tuple[list[PerfTable], list[tuple[Kind, int]]]:
    """Every 绩效 table after line `lo`, found by its own rows; a title line above a table
    is its first line, a title with no table under it is kept (the reader reports it)."""
    starts: list[tuple[int, Kind, bool, bool]] = []  # (first line, kind, titled, rows found)
    announced: list[tuple[Kind, int]] = []
    pending: tuple[int, Kind] | None = None  # a title waiting for its table's first row
    gap = 0
    current: Kind | None = None
    budget_seen = False  # the open overall table has shown its budget block
    for i in range(lo, len(lines)):
        ln = lines[i]
        if ln.blank or ln.no in toc:
            continue
        if not starts and pending is None:
            a = _announced(ln)
            if a is not None:
                announced.append((a, ln.no))
        kind = perf_title_kind(ln)
        if kind is not None:
            if pending is not None:
                starts.append((pending[0], pending[1], True, False))
                current, budget_seen = pending[1], False
            pending, gap = (ln.no, kind), 0
            continue
        if pending is not None and (_is_year(ln) or label_number(ln) is not None):
            continue
        kind = _start_kind(lines, i)
        if kind == "overall" and current == "overall" and pending is None and \
                (not budget_seen or "按资金来源" in ln.text):
            # The 部门名称 row of a 部门基本信息 block already opened, or the budget block
            # of the open table: a second overall table shows its budget after its name.
            kind = None
        if kind is not None:
            if pending is not None and gap <= _TITLE_REACH:
                starts.append((pending[0], kind, True, True))
            else:
                if pending is not None:
                    starts.append((pending[0], pending[1], True, False))
                starts.append((ln.no, kind, False, True))
            pending, current, budget_seen = None, kind, False
        elif pending is not None:
            gap += 1
            if gap > _TITLE_REACH:
                starts.append((pending[0], pending[1], True, False))
                current, budget_seen, pending = pending[1], False, None
        if current == "overall" and ("按资金来源" in ln.text or "年度预算情况" in ln.text):
            budget_seen = True
    if pending is not None:
        starts.append((pending[0], pending[1], True, False))
    # After 第四部分 only tables with their own rows count: a title-like line of the 名词解释
    # is no attachment.
    starts = [x for x in starts if x[3] or x[0] < part4]
    out: list[PerfTable] = []
    for j, (s, kind, titled, _) in enumerate(starts):
        stop = starts[j + 1][0] if j + 1 < len(starts) else end
        if s < part4 < stop:
            stop = part4
        out.append(PerfTable(s, stop, kind, titled))
    return out, announced


# What a non-blank line says of the document's outline depends on its text alone (its cells
# are its text cut at the tabs), and most lines recur from reading to reading: whether it
# is a contents line (and then a 绩效 part it announces), the part it opens, its
# normalised title (where it has one cell), the 预算公开表N it labels.
@lru_cache(maxsize=1 << 15)
def _facts(text: str) -> tuple[bool, Kind | None, int | None, str | None, int | None]:
    ln = Line(0, text, tuple(text.split("\t")))
    if is_toc(ln):
        return True, _announced(ln, toc=True), None, None, None
    title = norm_title(ln.filled[0]) if len(ln.filled) == 1 else None
    return False, None, _part(ln), title, label_number(ln)


def find_regions(lines: list[Line]) -> Regions:
    end = len(lines) + 1
    parts: dict[int, int] = {}
    titles: list[tuple[int, int]] = []
    labels: dict[int, int] = {}
    toc_announced: list[tuple[Kind, int]] = []
    toc: set[int] = set()
    titles_of = _titles()
    for ln in lines:
        if ln.blank:
            continue
        contents, a, p, title, k = _facts(ln.text)
        if contents:
            toc.add(ln.no)
            if a is not None:
                toc_announced.append((a, ln.no))
            continue
        if p is not None and p not in parts:
            parts[p] = ln.no
        n = titles_of.get(title) if title is not None else None
        if n is not None and not any(m == n for m, _ in titles):
            titles.append((n, ln.no))
        if k is not None and k not in labels and k in LAYOUTS:
            labels[k] = ln.no
    part3 = parts.get(3)
    part4 = parts.get(4, end)
    ordered = sorted(titles, key=lambda t: t[1])
    # 绩效 tables are looked for after the narrative opens (or, without one, after the last
    # of the 13 tables' titles): above it a 项目名称 row is a column of 表12/13.
    lo = part3 if part3 is not None else (ordered[-1][1] if ordered else 1)
    perf, announced = _perf_tables(lines, lo - 1, part4, end, toc)
    # Contents come before the tables: further on, a row ending in a small number is data.
    first_table = ordered[0][1] if ordered else (part3 or end)
    toc_announced = [a for a in toc_announced if a[1] < first_table]
    first_perf = perf[0].start if perf else None
    # Table spans end at the next table title, or at 第三部分 (the 绩效 part, 第四部分) for the last.
    spans: dict[int, Span] = {}
    for i, (n, start) in enumerate(ordered):
        if i + 1 < len(ordered):
            stop = ordered[i + 1][1]
        else:
            stop = min((x for x in (part3, first_perf, part4) if x is not None and x > start), default=end)
        if stop <= start:
            stop = end
        spans[n] = (start, stop)
    narrative = None
    if part3 is not None:
        stop = first_perf if first_perf is not None and part3 < first_perf < part4 else part4
        narrative = (part3, stop)
    performance = (perf[0].start, max(p.end for p in perf)) if perf else None
    return Regions(end, parts, spans, labels, narrative, performance, tuple(p.start for p in perf), tuple(perf),
                   tuple(toc_announced + announced))
