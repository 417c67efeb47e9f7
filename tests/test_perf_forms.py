"""The 绩效 part in forms no seed shows (DOMAIN.md, "The 绩效 attachments, as the family prints
them"): attachments without titles, the 部门 overall table (部门名称 in a cell, or in a
部门基本信息 block), cells separated by runs of spaces or by one U+3000, and a part the text
announces but that is not there.

The fixtures (tests/fixtures/forms/perf_*.txt) carry the minimum document around the 绩效
part: 表5, 表12 and the narrative's 绩效 section.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from xltools.evaluation.check import check
from xltools.core.findings import Finding
from xltools.core.model import Document
from xltools.rules.reading import read_document
from xltools.read.performance import read_performance
from xltools.read.regions import find_regions
from xltools.read.text import to_lines

FORMS = Path(__file__).parent / "fixtures" / "forms"
# The same 部门 disclosure, its 绩效 part without titles, as three extractors give it.
UNTITLED = ("perf_untitled_department.txt", "perf_spaces.txt", "perf_ideographic.txt")


@lru_cache(maxsize=None)
def doc(name: str) -> Document:
    return read_document(FORMS / name)


def findings(name: str) -> list[Finding]:
    """Every error (less the tables the fixture leaves out) and the 绩效 warnings: the
    fixtures leave out parts whose absence other families warn about."""
    return [f for f in check(doc(name)) if f.rule != "READ-MISSING-TABLE"
            and (f.severity == "error" or (f.severity == "warning" and f.rule.startswith("P-")))]


def brief(name: str) -> list[tuple[str, str, object, object, tuple[int, ...]]]:
    return sorted((f.rule, f.severity, f.expected, f.actual, f.lines) for f in findings(name))


# --- a 绩效 part without titles ------------------------------------------------------------

@pytest.mark.parametrize("name", UNTITLED)
def test_untitled_tables_are_found_by_their_rows(name: str) -> None:
    text = (FORMS / name).read_text("utf-8")
    regions = find_regions(to_lines(text))
    # The narrative ends where the overall table starts (its 部门名称 row, l.49), not at 第四部分.
    assert regions.narrative == (33, 49)
    assert [(t.start, t.kind, t.titled) for t in regions.perf_tables] == [
        (49, "overall", False), (68, "project", False), (83, "project", False), (98, "project", False)]
    assert regions.performance == (49, 113)  # 第四部分 at l.113
    assert regions.perf_announced == (("overall", 41), ("project", 47))


@pytest.mark.parametrize("name", UNTITLED)
def test_untitled_project_tables_values(name: str) -> None:
    d = doc(name)
    got = [(p.name, p.line, p.name_line, p.annual_line, p.annual["总额"], p.period["总额"]) for p in d.projects]
    assert got == [("财政信息化运维经费", 68, 68, 71, 600000.0, 600000.0),
                   ("预算绩效评价经费", 83, 83, 86, 310000.0, 310000.0),
                   ("票据印制经费", 98, 98, 101, 100000.0, 100000.0)]
    first, _, third = d.projects
    assert first.annual == {"总额": 600000.0, "中央": 0.0, "省级": 0.0, "市县": 600000.0, "单位自筹": None, "其他": None}
    assert third.annual == {"总额": 100000.0, "中央": None, "省级": 40000.0, "市县": 60000.0, "单位自筹": None, "其他": None}
    assert third.period == third.annual


@pytest.mark.parametrize("name", UNTITLED)
def test_untitled_department_overall_table(name: str) -> None:
    o = doc(name).overall
    assert o is not None and o.line == 49
    assert o.by_source == {"合计": 250.0, "一般公共预算": 250.0, "政府性基金预算": 0.0, "国有资本经营预算": 0.0,
                           "社会保险基金预算": 0.0, "财政专户管理资金": None, "单位资金": 0.0}  # 专项/单位资金
    assert o.by_direction == {"合计": 250.0, "基本支出": 140.0, "项目支出": 100.0}
    assert (o.lines["source:合计"], o.lines["direction:基本支出"], o.lines["source:单位资金"]) == (55, 56, 60)


@pytest.mark.parametrize("name", UNTITLED)
def test_untitled_department_real_findings(name: str) -> None:
    # The three findings of the document, and no other error or warning: the 指标值 of the
    # attachments (100%, 0%, ≥95%) are no narrative shares.
    assert brief(name) == [
        ("P-AMOUNT", "error", 30.0, 31.0, (30, 83, 86)),  # 310,000 元 vs 表12 30.00
        ("P-OVERALL-DIRECTION", "error", 240.0, 250.0, (49, 55, 56, 57)),  # 合计 ≠ 基本 + 项目
        ("P-OVERALL-T5", "error", 150.0, 140.0, (13, 49, 56)),  # 基本支出 vs 表5 l.13
    ]
    d = doc(name)
    assert max(f.line for f in d.narrative.figures) < 49


# --- the 部门 overall table in a 部门基本信息 block, with titles -------------------------------

def test_titles_with_region_prefix_and_year_line() -> None:
    regions = find_regions(to_lines((FORMS / "perf_department_block.txt").read_text("utf-8")))
    # Each table starts at its title; the 部门名称 row under 部门基本信息 opens no second table.
    assert [(t.start, t.kind, t.titled) for t in regions.perf_tables] == [
        (49, "overall", True), (72, "project", True), (88, "project", True), (103, "project", True)]
    assert regions.narrative == (33, 49)


def test_department_block_values() -> None:
    d = doc("perf_department_block.txt")
    o = d.overall
    assert o is not None and o.line == 49
    # "1,250.00" inside <p> tags, blanks for 国有资本 and 社会保险基金, a watermark line above.
    assert o.by_source == {"合计": 1250.0, "一般公共预算": 1200.0, "政府性基金预算": 50.0, "国有资本经营预算": None,
                           "社会保险基金预算": None, "财政专户管理资金": None, "单位资金": 0.0}
    assert o.by_direction == {"合计": 1250.0, "基本支出": 1150.0, "项目支出": 100.0}
    got = [(p.name, p.line, p.name_line, p.annual["总额"], p.period["总额"]) for p in d.projects]
    assert got == [("财政信息化运维经费", 72, 76, 600000.0, 1800000.0),
                   ("预算绩效评价经费", 88, 92, 300000.0, 300000.0),  # cells drifted two tabs right
                   ("票据印制经费", 103, 107, 100000.0, 100000.0)]
    drifted = d.projects[1]
    assert drifted.annual == {"总额": 300000.0, "中央": None, "省级": 100000.0, "市县": 200000.0, "单位自筹": None, "其他": None}


def test_department_block_ties_out() -> None:
    assert brief("perf_department_block.txt") == []


# --- a part announced but not read --------------------------------------------------------

def test_announced_but_not_read_is_one_warning_per_part() -> None:
    got = brief("perf_announced_unread.txt")
    assert [(r, s) for r, s, *_ in got] == [("P-PART-OVERALL", "warning"), ("P-PART-PROJECTS", "warning")]
    overall, projects = got
    # The lines: 表12 (l.19), the narrative's counts (l.45), the 见附件 sentences and captions.
    assert overall[4] == (41, 49)
    assert projects[4] == (19, 45, 47, 51) and (projects[2], projects[3]) == (3, 0)
    # No "no table" per 表12 project, no count mismatch: the whole part was not read.
    assert not any(f.rule in ("P-MISSING", "P-COUNT") for f in findings("perf_announced_unread.txt"))


# --- small texts read directly ------------------------------------------------------------

UNIT_FORM = """第三部分 说明
（单位整体目标表公开情况见附件）
单位名称\t某某中心
单位职责\t为辖区居民服务
年度预算情况
按资金来源划分\t资金总额（万元）\t按资金方向划分\t资金总额（万元）
合计\t12.50\t合计\t12.50
一般公共预算\t12.50\t基本支出\t10.00
\t\t项目支出\t2.50
年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t服务人数\t≥800人
项目名称\t某某服务经费
主管部门及代码\t001-某某中心
项目资金（元）\t实施期资金总额：25,000\t年度资金总额：25,000
\t其中：中央财政资金\t\t其中：中央财政资金\t
\t市县（区）财政资金\t25,000\t市县（区）财政资金\t25,000
"""


def test_unit_form_without_title_and_a_lone_budget_heading() -> None:
    lines = to_lines(UNIT_FORM)
    regions = find_regions(lines)
    assert [(t.start, t.kind) for t in regions.perf_tables] == [(3, "overall"), (12, "project")]
    projects, overall, notes = read_performance(lines, regions)
    assert notes == []
    assert overall is not None and overall.line == 3
    assert overall.by_direction == {"合计": 12.5, "基本支出": 10.0, "项目支出": 2.5}
    assert overall.by_source["合计"] == 12.5 and overall.by_source["一般公共预算"] == 12.5
    (p,) = projects
    assert (p.name, p.annual["总额"], p.annual["市县"], p.period["总额"]) == ("某某服务经费", 25000.0, 25000.0, 25000.0)


def test_table12_header_is_no_project_table() -> None:
    # "项目名称 合计 …" heads 表12; without a 绩效 row under it, it starts no 绩效 table.
    text = "第三部分 说明\n项目名称\t合计\t一般公共预算\n1\t2\t3\n甲\t1.00\t1.00\n"
    assert find_regions(to_lines(text)).perf_tables == ()


def test_announcement_that_nothing_is_published() -> None:
    text = "第三部分 说明\n本单位未编制整体绩效目标，整体目标表不见附件。\n"
    assert find_regions(to_lines(text)).perf_announced == ()


def test_contents_line_announces_the_overall_table() -> None:
    text = ("目录\n附件1 部门整体支出绩效目标申报表 ...... 45\n"
            "2026年一般公共预算支出预算表（不含上年结转）\n单位：万元\n第三部分 说明\n十、绩效管理情况\n")
    assert find_regions(to_lines(text)).perf_announced == (("overall", 2),)


def test_unit_name_line_over_a_project_table_is_not_an_overall_table() -> None:
    text = ("第三部分 说明\n项目支出绩效目标表\n单位名称：某某中心\n项目名称\t甲经费\n"
            "项目资金（元）\t年度资金总额：\t1,000\n")
    regions = find_regions(to_lines(text))
    assert [(t.start, t.kind, t.titled) for t in regions.perf_tables] == [(2, "project", True)]


def test_without_a_narrative_the_last_table_stops_at_the_attachments() -> None:
    text = ("2026年项目支出预算表（上年结转）\n单位：万元\n项目名称\t合计\t一般公共预算\n甲\t1.00\t1.00\n"
            "项目名称\t甲\n主管部门及代码\t001-某某中心\n项目资金（元）\t年度资金总额：\t10,000\n")
    regions = find_regions(to_lines(text))
    assert regions.tables[13] == (1, 5) and regions.perf_tables[0].start == 5 and regions.narrative is None
