"""The diagnosis walk: every printed amount of a disclosure moved by Δ, one at a time, and
what `check` then reports (issue 23). A corruption is *found* when a new finding cites the
line of the moved figure, and *precise* when no new finding is off by more than 2Δ + 0.05
(元 figures compared in 万元). Shared by tests/test_diagnosis_walk.py and by hand-run full walks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from xltools.evaluation.check import evaluate
from xltools.core.findings import Finding
from xltools.rules.reading import read_bytes
from xltools.read.regions import find_regions
from xltools.read.text import to_lines

_WAN = re.compile(r"(?<![\d.,])\d[\d,]*\.\d\d(?![\d%])")
# In the narrative: an amount followed by 万元 (a share or a count is not money).
_NARRATIVE = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?)(?=\s*万元)")
# A 绩效 project table's money rows print whole 元 with thousands separators.
_YUAN_ROW = ("资金总额", "财政资金", "单位自筹", "其他资金")
_YUAN = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


@dataclass(frozen=True)
class Spot:
    """One printed amount: its line (1-based), its span in the raw line, where it is."""

    line: int
    start: int
    end: int
    part: str  # "表N", "说明", "绩效"
    yuan: bool = False
    # A narrative change whose growth rate, printed to its decimals, cannot show Δ: no
    # identity can see the corruption ("减少7940.88万元，下降49.73%": 0.45 moves it 0.0014 points).
    blind: bool = False

    def moved(self, raw: Sequence[str], delta: float) -> str:
        text = raw[self.line - 1]
        old = text[self.start:self.end]
        value = float(old.replace(",", ""))
        if self.yuan:
            new = f"{int(round(value + delta * 10000)):,}" if "," in old else str(int(round(value + delta * 10000)))
        else:
            decimals = max(2, len(old.partition(".")[2]))
            new = f"{value + delta:,.{decimals}f}" if "," in old else f"{value + delta:.{decimals}f}"
        out = list(raw)
        out[self.line - 1] = text[:self.start] + new + text[self.end:]
        return "\n".join(out)


_GROWTH = re.compile(r"\s*万元[，,]\s*(增长|下降|上升)\s*(\d+(?:\.(\d+))?)%")


def _blind(line: str, m: re.Match[str], delta: float = 0.45) -> bool:
    """A change amount followed by its growth rate r = change / base, base = current ∓
    change: Δ moves r by Δ·r(1 ± r)/change, and when that is under one unit of the rate's last
    printed digit the rate, as printed, cannot show it."""
    g = _GROWTH.match(line, m.end(1))
    change = float(m.group(1).replace(",", ""))
    if g is None or not change:
        return False
    r, digits = float(g.group(2)) / 100, len(g.group(3) or "")
    moved = delta * r * (1 - r if g.group(1) == "下降" else 1 + r) / change * 100
    return moved < 10 ** -digits


def _cells(line: str) -> list[tuple[int, int]]:
    """The span of each tab-separated cell, stripped."""
    out, pos = [], 0
    for cell in line.split("\t"):
        lead = len(cell) - len(cell.lstrip())
        out.append((pos + lead, pos + len(cell.rstrip())))
        pos += len(cell) + 1
    return out


def spots(text: str) -> list[Spot]:
    """Every amount of the 13 tables, of the narrative (万元) and of the 绩效 tables."""
    raw = text.split("\n")
    regions = find_regions(to_lines(text))
    out: list[Spot] = []
    for n, (start, end) in sorted(regions.tables.items()):
        for no in range(start + 1, end):
            out += [Spot(no, m.start(), m.end(), f"表{n}") for m in _WAN.finditer(raw[no - 1])]
    if regions.narrative is not None:
        a, b = regions.narrative
        for no in range(a, b):
            line = raw[no - 1]
            out += [Spot(no, m.start(1), m.end(1), "说明", blind=_blind(line, m)) for m in _NARRATIVE.finditer(line)]
    if regions.performance is not None:
        a, b = regions.performance
        for no in range(a, b):
            line = raw[no - 1]
            if any(w in line for w in _YUAN_ROW) and "指标" not in line:
                out += [Spot(no, a, b, "绩效", True) for a, b in _cells(line)
                        if _YUAN.fullmatch(line[a:b]) and float(line[a:b].replace(",", "")) > 0]
            elif "\t" in line and ("基本支出" in line or "项目支出" in line or "一般公共预算" in line):
                out += [Spot(no, m.start(), m.end(), "绩效") for m in _WAN.finditer(line)]
    return out


def findings(text: str) -> list[Finding]:
    return [f for f in evaluate(read_bytes(text.encode("utf-8"), "walk.txt"))[0] if f.severity != "info"]


def off_by(f: Finding, before: Finding | None = None) -> float:
    """How far a finding is off, in 万元 (a 绩效 table's own sums are in 元); of a finding
    the document already had, how far the corruption moved it."""
    if f.diff is None:
        return 0.0
    diff = f.diff - (before.diff or 0.0 if before is not None else 0.0)
    if f.rule in ("P-PERIOD-SUM", "P-ANNUAL-SUM"):
        return abs(diff) / 10000
    return abs(diff)


@dataclass(frozen=True)
class Outcome:
    spot: Spot
    found: bool
    precise: bool
    new: tuple[Finding, ...]  # findings the corruption added or changed


def _key(f: Finding) -> tuple[str, str, tuple[int, ...]]:
    return (f.rule, f.severity, f.lines)


def judge_walk(base: Sequence[Finding], after: Sequence[Finding], spot: Spot, delta: float) -> Outcome:
    """A finding is new when the document had none of its rule at the same lines; changed
    when it had one with another message (the corruption moved its figures)."""
    before: dict[tuple[str, str, tuple[int, ...]], list[Finding]] = {}
    for f in base:
        before.setdefault(_key(f), []).append(f)
    limit = 2 * abs(delta) + 0.05 + 1e-9
    new: list[Finding] = []
    precise = True
    for f in after:
        olds = before.get(_key(f), [])
        if any(o.message == f.message for o in olds):
            continue
        new.append(f)
        if "%" in f.message:
            continue  # a share or a growth rate is not an amount: its distance is not in 万元
        # new, or one the document had moved by the corruption: the nearer reading counts
        if min([off_by(f)] + [off_by(f, o) for o in olds]) > limit:
            precise = False
    found = any(spot.line in f.lines for f in new)
    return Outcome(spot, found, precise, tuple(new))


def walk(text: str, delta: float, chosen: Iterable[Spot] | None = None) -> list[Outcome]:
    raw = text.split("\n")
    base = findings(text)
    return [judge_walk(base, findings(s.moved(raw, delta)), s, delta)
            for s in (spots(text) if chosen is None else chosen)]


def stratified(all_spots: Sequence[Spot], per_part: int) -> list[Spot]:
    """A deterministic selection: in each part, `per_part` amounts spread evenly over it."""
    by_part: dict[str, list[Spot]] = {}
    for s in all_spots:
        by_part.setdefault(s.part, []).append(s)
    out: list[Spot] = []
    for part in sorted(by_part):
        group = by_part[part]
        k = min(per_part, len(group))
        out += [group[(i * len(group)) // k] for i in range(k)]
    return out
