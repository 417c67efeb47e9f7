"""The 绩效 part: the overall table and every project table."""
from __future__ import annotations

import re

from xltools.core.memo import Memo
from xltools.core.model import OverallTable, ProjectTable, ReadNote
from xltools.read.performance_cells import LabelFn, amount, filled, label_values, norm
from xltools.read.performance_overall import read_overall
from xltools.read.regions import Regions
from xltools.read.text import Line, LinesKey, lines_key

PARTS: tuple[str, ...] = ("总额", "中央", "省级", "市县", "单位自筹", "其他")
_Q = r"^(?:其中:?)?"
_UNIT = r"(?:\((?:万)?元\))?$"
MONEY = LabelFn((
    (r"^实施期.*总额" + _UNIT, "period:总额"),
    (r"^年度.*总额" + _UNIT, "annual:总额"),
    (_Q + r"中央", "中央"),
    (_Q + r"省级?财政|" + _Q + r"省级", "省级"),
    (_Q + r"(?:市县|市、县|县\(区\)|县区)", "市县"),
    (_Q + r"(?:单位)?自筹", "单位自筹"),
    (_Q + r"其他(?:资金)?$", "其他"),
))
_NAME = re.compile(r"^项目名称(?::|$)")
# Rows of a money block are consecutive; a page break may put a few blank lines between them.
_MONEY_ROWS = 8
_WRAP = 4


ANNOUNCED = "READ-ANNOUNCED"
PART_NAME = {"project": "项目支出绩效目标表", "overall": "整体支出绩效目标申报表"}


def read_performance(lines: list[Line], regions: Regions) -> tuple[list[ProjectTable], OverallTable | None, list[ReadNote]]:
    projects: list[ProjectTable] = []
    overall: OverallTable | None = None
    notes: list[ReadNote] = []
    for pt in regions.perf_tables:
        block = lines[pt.start - 1 : pt.end - 1]
        if not block:
            continue
        if pt.kind == "overall":
            table, n = _overall(block)
            notes.extend(n)
            if overall is None:
                overall = table
            elif table is not None:
                notes.append(ReadNote("READ-PLACEMENT",
                                      f"另有一张整体支出绩效目标申报表（第{pt.start}行），只读取第一张（第{overall.line}行）",
                                      pt.start))
            continue
        tables, n = _project_block(block, len(projects))
        projects.extend(tables)
        notes.extend(n)
    notes.extend(_announced_notes(regions, bool(projects), overall is not None))
    return projects, overall, notes


# A block's lines decide what it holds (and, for a project block, how many projects came
# before it, which numbers their keys): a text read again, or with a figure of another part
# moved, reads each of its 绩效 tables once.
_OVERALL: Memo[LinesKey, tuple[OverallTable | None, tuple[ReadNote, ...]]] = Memo(128)
_PROJECTS: Memo[tuple[LinesKey, int], tuple[tuple[ProjectTable, ...], tuple[ReadNote, ...]]] = Memo(1024)


def _overall(block: list[Line]) -> tuple[OverallTable | None, tuple[ReadNote, ...]]:
    def read() -> tuple[OverallTable | None, tuple[ReadNote, ...]]:
        table, notes = read_overall(block)
        return table, tuple(notes)
    return _OVERALL.get(lines_key(block), read)


def _project_block(block: list[Line], before: int) -> tuple[tuple[ProjectTable, ...], tuple[ReadNote, ...]]:
    def read() -> tuple[tuple[ProjectTable, ...], tuple[ReadNote, ...]]:
        tables, notes = _read_block(block, before)
        return tuple(tables), tuple(notes)
    return _PROJECTS.get((lines_key(block), before), read)


def _announced_notes(regions: Regions, projects: bool, overall: bool) -> list[ReadNote]:
    """A part the text says is attached but that was not read: the rules (P-PART-*) turn
    these lines into one warning per part; the note itself is information."""
    read = {"project": projects, "overall": overall}
    out: list[ReadNote] = []
    for kind, line in regions.perf_announced:
        if not read[kind]:
            out.append(ReadNote(ANNOUNCED, f"第{line}行说明附有{PART_NAME[kind]}，但未读到该表", line))
    return out


def _read_block(block: list[Line], before: int) -> tuple[list[ProjectTable], list[ReadNote]]:
    """One titled block; it normally holds one table, but a table whose title was lost is
    read as well, starting at its own 项目名称 row."""
    title = block[0].no
    starts = [k for k, ln in enumerate(block) if ln.filled and _NAME.match(norm(ln.filled[0]))]
    if not starts:
        return [], [ReadNote("READ-UNPLACED", "项目支出绩效目标表中未找到“项目名称”行，未能读取", title)]
    tables: list[ProjectTable] = []
    notes: list[ReadNote] = []
    for j, k in enumerate(starts):
        seg = block[k : starts[j + 1] if j + 1 < len(starts) else len(block)]
        line = title if j == 0 else seg[0].no
        t, n = _read_project(seg, line, f"j{before + len(tables) + 1}")
        tables.append(t)
        notes.extend(n)
    return tables, notes


def _name(line: Line) -> str:
    cells = line.filled
    _, sep, inline = norm(cells[0]).partition(":")
    if sep and inline:
        return inline
    return cells[1].strip() if len(cells) > 1 else ""


# The rows that follow 项目名称: a line of one cell that is none of them is the rest of a
# long project name, wrapped onto its own line.
_ROW_LABEL = re.compile(r"^(?:主管部门|实施单位|项目属性|项目资金|资金来源|资金总额|实施期|年度|总体目标|绩效指标|一级指标|项目类别|项目期限|<)")


def _name_tail(seg: list[Line]) -> str:
    tail = ""
    for ln in seg[1:4]:
        if ln.blank:
            continue
        cells = ln.filled
        if len(cells) != 1 or amount(cells[0])[0] or _ROW_LABEL.match(norm(cells[0])):
            break
        tail += cells[0].strip()
    return tail


def _read_project(seg: list[Line], line: int, key: str) -> tuple[ProjectTable, list[ReadNote]]:
    notes: list[ReadNote] = []
    name_line = seg[0].no
    name = _name(seg[0])
    name += _name_tail(seg) if name else ""
    if not name:
        notes.append(ReadNote("READ-UNPLACED", "项目支出绩效目标表的项目名称为空", name_line))
    period: dict[str, float | None] = {p: None for p in PARTS}
    annual: dict[str, float | None] = {p: None for p in PARTS}
    annual_line: int | None = None
    at: dict[str, int] = {}
    unit = _unit(seg)
    seen: set[str] = set()
    start = next((k for k, ln in enumerate(seg) if _has_total(ln)), None)
    if start is None:
        notes.append(ReadNote("READ-UNPLACED", f"项目“{name}”的绩效目标表中未找到资金总额", name_line))
        return ProjectTable(key, name, line, name_line, period, annual, None, at, unit), notes
    # Where the two halves sit in the total row decides the side of a lone part label.
    sides = {k.split(":")[0]: c.index for k, c, _, _ in label_values(filled(seg[start]), MONEY) if ":" in k}
    # The tables print 元; one that says 万元 is converted, so that every table is in 元.
    scale = 10000.0 if any("万元" in c.text for c in filled(seg[start])) else 1.0
    rows = 0
    for ln in seg[start:]:
        if ln.blank:
            continue
        found = label_values(filled(ln), MONEY)
        if not found and _wrapped(ln):
            continue
        if not found or rows >= _MONEY_ROWS:
            break
        rows += 1
        count: dict[str, int] = {}
        for k, cell, value, readable in found:
            part = k.split(":")[-1]
            if ":" in k:
                side = k.split(":")[0]
            else:
                count[k] = count.get(k, 0) + 1
                side = _side(count[k], len([f for f in found if f[0] == k]), cell.index, sides)
            slot = f"{side}:{part}"
            if slot in seen:
                notes.append(ReadNote("READ-UNPLACED", f"项目“{name}”的绩效目标表中“{cell.text}”重复出现", ln.no))
                continue
            seen.add(slot)
            at[slot] = ln.no
            if not readable:
                notes.append(ReadNote("READ-UNPLACED", f"项目“{name}”的“{cell.text}”后不是金额", ln.no))
            (period if side == "period" else annual)[part] = None if value is None else round(value * scale, 2)
            if slot == "annual:总额":
                annual_line = ln.no
    return ProjectTable(key, name, line, name_line, period, annual, annual_line, at, unit), notes


_UNIT_LABEL = re.compile(r"^实施单位(?:名称)?(?::(.*))?$")


def _unit(seg: list[Line]) -> str:
    """The 实施单位 the table prints near its top: the unit whose subtotal row of 表12 the
    project sits under."""
    for ln in seg[:_MONEY_ROWS]:
        cells = [c.text for c in filled(ln)]
        for i, c in enumerate(cells):
            m = _UNIT_LABEL.match(c)
            if m is None:
                continue
            if m.group(1):
                return m.group(1)
            return cells[i + 1] if i + 1 < len(cells) and not _ROW_LABEL.match(cells[i + 1]) else ""
    return ""


def _wrapped(line: Line) -> bool:
    """The tail of labels wrapped onto their own line ("金" under "市县(区)财政资")."""
    return all(len(c.text) <= _WRAP and not amount(c.text)[0] for c in filled(line))


def _has_total(line: Line) -> bool:
    # The word first: most rows of a table are not its money rows.
    return "总额" in line.text and any(k.endswith(":总额") for k, _, _, _ in label_values(filled(line), MONEY))


def _side(nth: int, of: int, index: int, sides: dict[str, int]) -> str:
    if of >= 2:
        return "period" if nth == 1 else "annual"
    if "period" in sides and "annual" in sides:
        return "period" if abs(index - sides["period"]) <= abs(index - sides["annual"]) else "annual"
    return next(iter(sides), "period")

