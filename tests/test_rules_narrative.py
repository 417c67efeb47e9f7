"""Narrative rules: each on a small document (passing and failing), then the seeds' findings
and a mutation walk over every figure the seeds state."""
from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

import pytest

from xltools.evaluation.check import check
from xltools.core.findings import Finding
from xltools.core.model import Document, Figure, Row, Table
from xltools.core.references import NarrativeFigure
from xltools.rules.reading import read_document
from xltools.read.narrative import read_narrative, scan_narrative
from xltools.read.regions import find_regions
from xltools.read.text import Line, decode, to_lines
from xltools.rules import BY_ID
from xltools.rules.core import GrowthOf, judge
from xltools.rules.narrative import RULES
from xltools.rules.narrative_map import cells_for
from xltools.rules.resolve import DocumentValues

FIXTURES = Path(__file__).parent / "fixtures"

COVERED: dict[str, tuple[str, str]] = {
    "N-AMOUNT": ("test_amount_passes", "test_amount_fails"),
    "N-SHARE": ("test_share_passes", "test_share_fails"),
    "N-GROWTH": ("test_growth_passes", "test_growth_fails"),
    "N-SANGONG": ("test_sangong_passes", "test_sangong_fails"),
    "N-SANGONG-CHANGE": ("test_sangong_change_passes", "test_sangong_change_fails"),
    "N-OPERATING": ("test_operating_passes", "test_operating_fails"),
    "N-PROCUREMENT": ("test_procurement_passes", "test_procurement_fails"),
    "N-PERF-SUM": ("test_perf_sum_passes", "test_perf_sum_fails"),
    "N-PERF-T12": ("test_perf_t12_passes", "test_perf_t12_fails"),
    "N-CLASS-NAME": ("test_class_name_passes", "test_class_name_fails"),
}

Cells = dict[str, dict[str, float | None]]


def table(n: int, rows: Cells, empty: bool = False) -> Table:
    return Table(n, f"表{n}", 1, empty, tuple(
        Row(key, key, cols, 2 + i, code=key if key.isdigit() else None) for i, (key, cols) in enumerate(rows.items())))


def make(body: str, tables: dict[int, Cells], empty: tuple[int, ...] = ()) -> Document:
    text = "第三部分 2026年度单位预算情况说明\n\n" + body + "\n\n县(区)级预算部门(单位)项目支出绩效目标表\n"
    lines = to_lines(text)
    narrative = read_narrative(lines, find_regions(lines))
    ts: dict[int, Table | None] = {n: table(n, rows, n in empty) for n, rows in tables.items()}
    return Document("t.txt", "某单位", "单位", 2026, "万元", ts, narrative)


def findings(doc: Document, rule: str) -> list[Finding]:
    return [f for f in check(doc, rules=RULES) if f.rule == rule and f.severity != "info"]


T1: Cells = {"收入总计": {"金额": 100.0}, "一般公共预算": {"金额": 90.0}, "上年结转": {"金额": 10.0},
             "本年收入合计": {"金额": 90.0}, "支出总计": {"合计": 100.0, "当年预算安排": 90.0, "上年结转安排": 10.0}}
INCOME = """二、收入预算情况说明

某单位预算收入100.00万元，主要包括一般公共预算拨款收入90.00万元，占90.00%；上年结转10.00万元，占{share}%。
"""


def test_amount_passes() -> None:
    assert findings(make(INCOME.format(share="10"), {1: T1}), "N-AMOUNT") == []


def test_amount_fails() -> None:
    doc = make(INCOME.format(share="10").replace("90.00万元", "90.30万元"), {1: T1})
    (f,) = findings(doc, "N-AMOUNT")
    assert (f.severity, f.expected, f.actual, f.lines) == ("error", 90.0, 90.3, (3, 5))


def test_printed_decimals_and_zero() -> None:
    body = INCOME.format(share="10").replace("90.00万元", "90.0万元") + "政府性基金预算拨款收入0万元。"
    assert findings(make(body, {1: T1 | {"政府性基金预算": {"金额": None}}}), "N-AMOUNT") == []


def test_share_passes() -> None:
    assert findings(make(INCOME.format(share="10.00"), {1: T1}), "N-SHARE") == []


def test_share_fails() -> None:
    (f,) = findings(make(INCOME.format(share="0"), {1: T1}), "N-SHARE")
    assert (f.severity, f.expected, f.actual) == ("error", 10.0, 0.0)


OPERATING = """八、机关运行经费增减变动原因说明

本单位机关运行经费财政拨款预算58.37万元，比2023年预算增加48.83万元，增长{growth}%。
"""
T11: Cells = {"部门合计": {"合计": 58.37}}


def test_growth_passes() -> None:
    doc = make(OPERATING.format(growth="511.84"), {11: T11})
    assert findings(doc, "N-GROWTH") == [] and findings(doc, "N-OPERATING") == []


def test_growth_fails() -> None:
    (f,) = findings(make(OPERATING.format(growth="20"), {11: T11}), "N-GROWTH")
    assert (f.severity, f.expected, f.actual, f.lines) == ("error", 511.84, 20.0, (2, 5))


def test_growth_word_and_zero_base() -> None:
    down = OPERATING.format(growth="511.84").replace("增长", "下降")
    assert len(findings(make(down, {11: T11}), "N-GROWTH")) == 1
    zero_base = OPERATING.format(growth="100").replace("48.83", "58.37")
    (f,) = findings(make(zero_base, {11: T11}), "N-GROWTH")
    assert f.expected is None


SANGONG = """七、“三公”经费增减变动原因说明

某单位“三公”经费预算3.60万元，比上年增加{total}万元。其中：因公出国（境）费0万元，与上年预算数相同；公务接待费{reception}万元，与上年相比减少0.40万元；公务用车运行维护费3.60万元，与上年相比增加1.60万元；公务用车购置费0万元，与上年预算数相同。
"""
T10: Cells = {"因公出国（境）费": {"合计": None}, "公务接待费": {"合计": None},
              "公务用车购置及运行费": {"合计": 3.6}, "公务用车购置费": {"合计": None},
              "公务用车运行维护费": {"合计": 3.6}, "合计": {"合计": 3.6}}


def test_sangong_passes() -> None:
    assert findings(make(SANGONG.format(total="1.20", reception="0"), {10: T10}), "N-SANGONG") == []
    none = "七、“三公”经费增减变动原因说明\n\n本单位无“三公”经费预算。"
    assert findings(make(none, {10: {"合计": {"合计": None}}}, empty=(10,)), "N-SANGONG") == []


def test_sangong_fails() -> None:
    (f,) = findings(make(SANGONG.format(total="1.20", reception="0.50"), {10: T10}), "N-SANGONG")
    assert (f.expected, f.actual) == (0.0, 0.5)


def test_sangong_change_passes() -> None:
    assert findings(make(SANGONG.format(total="1.20", reception="0"), {10: T10}), "N-SANGONG-CHANGE") == []


def test_sangong_change_fails() -> None:
    (f,) = findings(make(SANGONG.format(total="1.00", reception="0"), {10: T10}), "N-SANGONG-CHANGE")
    assert (f.severity, f.expected, f.actual) == ("error", 1.2, 1.0)


def test_operating_passes() -> None:
    none = "八、机关运行经费增减变动原因说明\n\n本单位属于事业单位，不涉及机关运行经费"
    assert findings(make(none, {11: {"部门合计": {"合计": None}}}, empty=(11,)), "N-OPERATING") == []


def test_operating_fails() -> None:
    none = "八、机关运行经费增减变动原因说明\n\n本单位属于事业单位，不涉及机关运行经费"
    (f,) = findings(make(none, {11: T11}), "N-OPERATING")
    assert (f.expected, f.actual) == (58.37, 0.0)
    # a section 八 with no amount read: the reader may have missed a phrasing, so a warning
    silent = "八、机关运行经费增减变动原因说明\n\n详见附表。"
    assert findings(make(silent, {11: T11}), "N-OPERATING") == []
    (g,) = findings(make(silent, {11: T11}), "N-PART-MISSING")
    assert (g.severity, g.expected, g.lines) == ("warning", 58.37, (1, 2, 3))  # 表11 title and row, the heading


PROCUREMENT = """九、政府采购情况

某单位政府采购预算总额{total}万元。其中：政府采购货物预算19.50万元、政府采购工程预算0万元、政府采购服务预算
0.80万元。
"""


def test_procurement_passes() -> None:
    assert findings(make(PROCUREMENT.format(total="20.30"), {}), "N-PROCUREMENT") == []


def test_procurement_fails() -> None:
    (f,) = findings(make(PROCUREMENT.format(total="20.80"), {}), "N-PROCUREMENT")
    assert (f.expected, f.actual) == (20.3, 20.8)


PERF = """十、绩效管理情况

1、整体绩效目标

某年编报部门整体支出绩效目标，涉及部门预算资金100.00万元，其中基本支出40.00万元，项目支出60.00万元。

2、项目绩效目标

某单位纳入绩效目标管理的二级项目{n}个，共计金额60.00万元。其中：其他运转类项目2个，涉及金额20.00万元；特定目标类项目3个，涉及金额40.00万元。公开项目绩效目标5个，涉及项目金额60.00万元，占部门（单位）项目支出总额的100%。其中：其他运转类项目2个，涉及项目金额20.00万元；特定目标类项目3个，涉及项目金额40.00万元。
"""


def test_perf_sum_passes() -> None:
    doc = make(PERF.format(n=5), {12: {"总计": {"合计": 60.0}}})
    assert findings(doc, "N-PERF-SUM") == [] and findings(doc, "N-SHARE") == []


def test_perf_sum_fails() -> None:
    (f,) = findings(make(PERF.format(n=4), {12: {"总计": {"合计": 60.0}}}), "N-PERF-SUM")
    assert (f.expected, f.actual) == (5.0, 4.0)
    overall = PERF.format(n=5).replace("100.00万元", "110.00万元")
    assert len(findings(make(overall, {}), "N-PERF-SUM")) == 1


def test_perf_t12_passes() -> None:
    assert findings(make(PERF.format(n=5), {12: {"总计": {"合计": 60.0}}}), "N-PERF-T12") == []


def test_perf_t12_fails() -> None:
    (f,) = findings(make(PERF.format(n=5), {12: {"总计": {"合计": 50.0}}}), "N-PERF-T12")
    assert (f.severity, f.expected, f.actual) == ("warning", 50.0, 60.0)


STRUCTURE = """五、一般公共预算支出情况说明

（二）一般公共预算当年支出结构情况

某单位一般公共预算当年支出100.00万元，主要用于以下方面：{name}80.00万元，占80.00%；教育支出20.00万元，占20.00%。
"""
T5: Cells = {"合计": {"合计": 100.0}, "201": {"合计": 80.0}, "205": {"合计": 20.0}}


def test_class_name_passes() -> None:
    doc = make(STRUCTURE.format(name="一般公共服务支出"), {5: T5})
    assert [f for f in check(doc, rules=RULES) if f.severity != "info"] == []


def test_class_name_fails() -> None:
    doc = make(STRUCTURE.format(name="一般公共预算支出"), {5: T5})
    (f,) = findings(doc, "N-CLASS-NAME")
    assert (f.severity, f.expected, f.actual, f.lines) == ("warning", "一般公共服务支出", "一般公共预算支出", (7,))
    assert findings(doc, "N-AMOUNT") == []  # the amount is still checked against class 201


# ---- the seeds ----------------------------------------------------------------------------

SEEDS = {"000": "000_3cbdfbba338dedd0.txt", "001": "001_4c4beb285f788113.txt", "003": "003_5ca8f1ce3fa7ccd0.txt"}


@lru_cache(maxsize=None)
def seed(name: str) -> Document:
    return read_document(FIXTURES / SEEDS[name])


def serious(doc: Document) -> list[tuple[str, str, tuple[int, ...], object, object]]:
    """Errors and warnings, with the narrative lines they point at (table lines left out)."""
    start = doc.narrative.line or 0
    return [(f.rule, f.severity, tuple(n for n in f.lines if n >= start), f.expected, f.actual)
            for f in check(doc, rules=RULES) if f.severity != "info"]


def test_seed_000_findings() -> None:
    assert serious(seed("000")) == [("N-SHARE", "error", (445,), 7.79, 0.0)]


def test_seed_001_findings() -> None:
    assert sorted(serious(seed("001")), key=str) == sorted([
        ("N-GROWTH", "error", (611,), 511.84, 20.0),
        ("N-PERF-SUM", "error", (627,), 34.0, 30.0),
        ("N-PERF-SUM", "error", (627,), 718.15, 2727.4),
        ("N-PERF-SUM", "error", (627,), 18.0, 30.0),
        ("N-PERF-T12", "warning", (627,), 718.15, 2727.4),
        ("N-CLASS-NAME", "warning", (586,), "一般公共服务支出", "一般公共预算支出"),
    ], key=str)


def test_seed_001_tail_is_info() -> None:
    # 1330.85 + 2009.25 = 3340.10 in 表4; the text says 3340.11
    (f,) = [f for f in check(seed("001"), rules=RULES) if f.severity == "info" and f.rule.startswith("N-")]
    assert (f.rule, f.expected, f.actual, 573 in f.lines) == ("N-AMOUNT", 3340.10, 3340.11, True)


def test_seed_003_findings() -> None:
    assert serious(seed("003")) == []


# ---- mutation walk ------------------------------------------------------------------------

# Figures no table and no other figure states: changing them cannot be detected.
UNCHECKABLE = {
    "绩效:整体:单位数": "机关及下属预算单位个数：报表不列单位数",
    "绩效:整体:编报单位数": "编报整体绩效目标的单位个数：报表不列",
    "绩效:整体:编报金额": "编报整体绩效目标的单位所涉资金：与单位数一并只见于说明",
}


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{max(decimals, 0)}f}"


def _edit(lines: list[Line], pieces: tuple[tuple[int, int, int], ...], new: str) -> list[Line]:
    out = list(lines)
    for i, (no, a, b) in enumerate(pieces):
        ln = out[no - 1]
        text = ln.text[:a] + (new if i == 0 else "") + ln.text[b:]
        out[no - 1] = Line(no, text, tuple(text.split("\t")))
    return out


def _growth_step(doc: Document, f: Figure) -> float | None:
    """The smallest change of a year-on-year amount that moves its printed % to a (new) failure."""
    rel = next((i.relation for i in BY_ID["N-GROWTH"].instances(doc)
                if isinstance(i.relation, GrowthOf) and i.relation.change == NarrativeFigure(f.key)), None)
    if rel is None:
        return None
    before = judge(rel, DocumentValues(doc))
    sign = 1.0 if f.value >= 0 else -1.0
    for cents in range(1, 1_000_000):
        moved = dataclasses.replace(f, value=f.value + sign * cents / 100)
        figures = tuple(moved if g.key == f.key else g for g in doc.narrative.figures)
        doc2 = dataclasses.replace(doc, narrative=dataclasses.replace(doc.narrative, figures=figures))
        out = judge(rel, DocumentValues(doc2))
        if out.status == "fail" and (before.status != "fail" or out.expected != before.expected):
            return cents / 100
    return None


def _mutated(f: Figure, doc: Document) -> str:
    printed = abs(f.value) if f.kind in ("change", "growth") else f.value
    if f.kind == "count":
        return _fmt(printed + 1, 0)
    if f.kind in ("share", "growth"):
        return _fmt(printed + 2 * 10.0 ** -f.decimals, f.decimals)
    if f.kind == "change":
        step = _growth_step(doc, f)
        if step is not None:
            return _fmt(printed + step, 2)  # the printed number is unsigned
    if f.decimals >= 2 or printed == 0:
        return _fmt(printed + 0.05, 2)
    # one unit of what is printed ("2727.4" becomes "2727.5")
    return _fmt(printed + 10.0 ** -f.decimals, f.decimals)


@pytest.mark.parametrize("name", list(SEEDS))
def test_mutation_walk(name: str) -> None:
    doc = seed(name)
    path = FIXTURES / SEEDS[name]
    lines = to_lines(decode(path.read_bytes(), str(path)))
    regions = find_regions(lines)
    narrative, pieces = scan_narrative(lines, regions)
    assert narrative == doc.narrative
    base = {(f.rule, f.message) for f in check(doc, rules=RULES) if f.severity == "error"}
    missed: list[str] = []
    walked = 0
    for f in narrative.figures:
        if f.section > 10 or not pieces[f.key] or f.subject in UNCHECKABLE:
            continue
        new = _mutated(f, doc)
        changed = read_narrative(_edit(lines, pieces[f.key], new), regions)
        doc2 = dataclasses.replace(doc, narrative=changed)
        errors = {(g.rule, g.message) for g in check(doc2, rules=RULES) if g.severity == "error"}
        walked += 1
        if not errors - base:
            missed.append(f"{f.key} {f.subject} {f.kind} {f.value} -> {new}")
    assert walked >= 60 and missed == []


def test_unmapped_subjects_are_few() -> None:
    # every amount of sections 一 to 九 the seeds state is tied to a table cell or a sum
    for name in SEEDS:
        for f in seed(name).narrative.figures:
            if f.kind == "amount" and f.section <= 8:
                assert cells_for(f.subject), f
