"""Diagnose, don't cascade (issue 23): a document missing a part never passes; 表7 printed
empty beside 政府性基金 income is asked about; unit subtotal rows of 表12/13 are read by their
names as well as their sums, so one wrong figure gives one finding at its row; the figure a
group of failed identities points at is named once, with the value the others imply.

Fixtures (tests/fixtures/forms/dept_*.txt, written for these tests): a 部门 with two units
(the department's own, printed under its name again, and a 管理站), one with three units whose
last unit has a project named like the unit itself, and a 部门 whose 表7 is printed empty
while 表1/2/4 show 3,902.00 of 政府性基金 income that 表8 spends.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import SEED_PATHS

from xltools.cli.audit import Task, audit_one
from xltools.cli.audit_book import first_findings
from xltools.evaluation.check import evaluate
from xltools.cli.main import main
from xltools.core.findings import Finding
from xltools.core.model import Document
from xltools.rules.reading import read_text
from xltools.evaluation.report import to_json, to_text

FORMS = Path(__file__).parent / "fixtures" / "forms"

COVERED = {"X-T7-FUND": ("test_t7_printed_beside_fund_income_passes", "test_t7_empty_beside_fund_income_is_a_warning")}


def text(name: str) -> str:
    return (FORMS / f"{name}.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def form(name: str) -> Document:
    return read_text(text(name), f"{name}.txt")


def edited(name: str, old: str, new: str) -> tuple[Document, int]:
    """The fixture with one printed figure changed, and the line it is on."""
    src = text(name)
    assert src.count(old) == 1, old
    line = src[:src.index(old)].count("\n") + 1
    return read_text(src.replace(old, new), f"{name}.txt"), line


def shown(doc: Document) -> list[Finding]:
    return [f for f in evaluate(doc)[0] if f.severity != "info"]


def units_of(doc: Document, n: int) -> list[tuple[str, str, str | None]]:
    t = doc.table(n)
    assert t is not None
    return [(r.kind, r.name, r.parent) for r in t.rows]


# --- completeness -------------------------------------------------------------------------

def _seed_cut(seed: str, before: str) -> str:
    """The seed up to the line `before` (the part itself, not its contents line)."""
    src = SEED_PATHS[seed].read_text(encoding="utf-8")
    return src[:src.index(f"\n{before}\n") + 1]


def test_document_cut_before_its_narrative_exits_1_naming_the_part(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cut.txt"
    path.write_text(_seed_cut("000", "第三部分 2026年度单位预算情况说明"), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    head = next(x for x in out.splitlines() if x.startswith("结论："))
    # 12 narrative rules and the 32 per-project 绩效 checks of 表12's 20 projects could not run.
    assert head == "结论：错误 1 条，提示 1 条，尾差/信息 23 条　——　44 项未能核对：未找到第三部分、未读到项目支出绩效目标表"
    assert "错误\tREAD-MISSING-PART\t第86行\t未找到第三部分（预算情况说明）" in out
    assert main(["check", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["unchecked"] == {"count": 44, "reasons": ["未找到第三部分", "未读到项目支出绩效目标表"]}
    assert data["headline"] == head
    (f,) = [f for f in data["findings"] if f["rule"] == "READ-MISSING-PART"]
    assert f["severity"] == "error"


def test_document_cut_before_a_table_is_an_error_naming_it(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cut.txt"
    path.write_text(_seed_cut("003", "2026年财政拨款安排机关运行经费预算表"), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "错误\tREAD-MISSING-TABLE\t—\t未找到表11“财政拨款安排机关运行经费预算表”" in out
    assert "错误\tREAD-MISSING-TABLE\t—\t未找到表13“项目支出预算表（上年结转）”" in out
    head = next(x for x in out.splitlines() if x.startswith("结论："))
    # three tables and the narrative after them missing: four errors of the document
    assert head.startswith("结论：错误 4 条") and head.endswith("25 项未能核对：未找到表11、表12、表13、未找到第三部分")


def test_unchecked_part_in_the_audit_summary(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_text(_seed_cut("000", "第三部分 2026年度单位预算情况说明"), encoding="utf-8")
    res = audit_one(Task(str(path)))
    assert res.error == 1 and res.unchecked == "44 项未能核对：未找到第三部分、未读到项目支出绩效目标表"
    assert first_findings(res).splitlines()[-1] == res.unchecked


def test_performance_part_announced_but_not_read_stays_a_warning() -> None:
    doc = read_text((FORMS / "perf_announced_unread.txt").read_text(encoding="utf-8"), "perf.txt")
    found, cov = evaluate(doc)
    parts = sorted((f.rule, f.severity) for f in found if f.rule.startswith("P-PART"))
    assert parts == [("P-PART-OVERALL", "warning"), ("P-PART-PROJECTS", "warning")]
    assert not any(f.rule == "READ-MISSING-PART" for f in found)
    text_out = to_text(doc, found, coverage=cov)
    assert "项未能核对：" in text_out.splitlines()[3] and "未读到项目支出绩效目标表" in text_out.splitlines()[3]


def test_a_complete_clean_document_says_nothing_was_left_unchecked() -> None:
    doc = form("dept_two_units")
    found, cov = evaluate(doc)
    assert [f for f in found if f.severity != "info"] == []
    assert to_text(doc, found, coverage=cov).splitlines()[3] == "结论：错误 0 条，提示 0 条，尾差/信息 0 条　——　未发现错误"
    assert to_json(doc, found, cov)["unchecked"] == {"count": 0, "reasons": []}


# --- 表7 empty beside 政府性基金 income (X-T7-FUND) ----------------------------------------

def test_t7_empty_beside_fund_income_is_a_warning() -> None:
    found = shown(form("dept_t7_empty"))
    assert [(f.rule, f.severity) for f in found] == [("X-T7-FUND", "warning")]
    (f,) = found
    assert "表7 政府性基金预算收入表为空" in f.message
    assert "表1 政府性基金预算收入 3,902.00" in f.message and "表8 政府性基金预算支出合计 3,902.00" in f.message
    doc = form("dept_t7_empty")
    t1, t7, t8 = doc.table(1), doc.table(7), doc.table(8)
    assert t1 is not None and t7 is not None and t8 is not None
    assert set(f.lines) == {t1.row("政府性基金预算").line, t7.line, t8.row("合计").line}  # type: ignore[union-attr]


def test_t7_printed_beside_fund_income_passes() -> None:
    src = text("dept_t7_empty")
    filled = src.replace("收入科目编码\t科目名称\t\n合计\t\t\n\n注：本表无数据",
                         "收入科目编码\t科目名称\t\n合计\t\t3902.00\n103\t非税收入\t3902.00\n10301\t政府性基金收入\t3902.00\n"
                         "1030148\t国有土地使用权出让收入\t3902.00")
    assert filled != src
    doc = read_text(filled, "t7.txt")
    assert shown(doc) == []
    # a unit without fund income has nothing to be asked
    assert [f for f in shown(form("dept_two_units")) if f.rule == "X-T7-FUND"] == []


# --- unit subtotal rows by names and sums -------------------------------------------------

def test_department_with_two_units() -> None:
    doc = form("dept_two_units")
    assert units_of(doc, 12) == [
        ("total", "某某市水务局", None),
        ("subtotal", "某某市水务局", "总计"), ("item", "水资源管理经费", "u1"), ("item", "河湖长制工作经费", "u1"),
        ("subtotal", "某某市水利工程管理站", "总计"), ("item", "水利工程维修养护经费", "u2"),
        ("item", "水利工程运行管理费", "u2"), ("item", "闸坝安全监测经费", "u2")]
    assert [(k, name) for k, name, _ in units_of(doc, 13)] == [
        ("total", "某某市水务局"), ("subtotal", "某某市水务局"), ("item", "防汛物资储备经费"),
        ("subtotal", "某某市水利工程管理站"), ("item", "水毁工程修复经费")]
    assert [(k, name) for k, name, _ in units_of(doc, 11)] == [
        ("total", "部门合计"), ("item", "某某市水务局"), ("item", "某某市水利工程管理站")]
    assert {p.unit for p in doc.projects} == {"某某市水务局", "某某市水利工程管理站"}


def test_department_with_three_units_and_a_project_named_like_its_unit() -> None:
    doc = form("dept_three_units")
    rows = units_of(doc, 12)
    assert [k for k, _, _ in rows].count("subtotal") == 3
    # the last row repeats the third unit's name: a project (it has a 绩效 table and the sums say so)
    assert rows[-1] == ("item", "某某县动物疫病预防控制中心", "u3")
    assert rows[-4] == ("subtotal", "某某县动物疫病预防控制中心", "总计")
    assert shown(doc) == []


@pytest.mark.parametrize("old,new,row", [
    ("水利工程运行管理费\t5.38", "水利工程运行管理费\t5.83", "水利工程运行管理费"),  # a project's 合计 typed wrong
    ("水资源管理经费\t12.50\t12.50", "水资源管理经费\t12.50\t12.05", "水资源管理经费"),  # a fund column
])
def test_one_typo_in_a_project_gives_findings_at_its_row_only(old: str, new: str, row: str) -> None:
    doc, line = edited("dept_two_units", old, new)
    t12 = doc.table(12)
    assert t12 is not None
    assert [r.kind for r in t12.rows] == [r.kind for r in form("dept_two_units").table(12).rows]  # type: ignore[union-attr]
    found = shown(doc)
    assert found and all(abs(f.diff or 0) <= 0.46 for f in found), [f.message for f in found]
    assert all(line in f.lines for f in found)
    assert not any(f.rule == "P-MISSING" for f in found)  # no unit row read as a project without a table
    (lead,) = [f for f in found if f.suggested is not None]
    assert lead.diagnosis.startswith(f"表12“{row}”") and lead.follows_from is not None
    assert lead.follows_from.line == line


def test_typo_in_a_unit_subtotal_is_named_at_its_row() -> None:
    """The issue's second case: a unit subtotal typed 35.01 instead of 35.10."""
    doc, line = edited("dept_two_units", "某某市水利工程管理站\t35.10", "某某市水利工程管理站\t35.01")
    found = shown(doc)
    assert sorted(f.rule for f in found) == ["T12-ROW", "T12-UNITS", "T12-UNITS"]
    assert all(abs(f.diff or 0) <= 0.1 for f in found)
    (lead,) = [f for f in found if f.suggested is not None]
    assert lead.suggested == 35.10 and lead.lines[0] == line
    assert lead.diagnosis.startswith("表12“某某市水利工程管理站” 疑为 35.01，按") and lead.diagnosis.endswith(
        "应为 35.10（同一数字使 3 项核对不成立）")
    assert all(f.follows_from == lead.follows_from for f in found)


def test_units_in_two_levels_named_by_table11() -> None:
    head = ("2026年财政拨款安排机关运行经费预算表", "部门名称：某部门", "单位：万元",
            "单位名称\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
            "部门合计\t3.00\t3.00\t\t", "某中心\t1.00\t1.00\t\t", "某中心一站\t1.00\t1.00\t\t", "某中心二站\t1.00\t1.00\t\t",
            "2026年项目支出预算表（上年结转）", "项目名称\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算")
    rows = ("某部门\t16.00\t16.00\t\t", "某中心\t16.00\t16.00\t\t", "某中心一站\t10.00\t10.00\t\t",
            "甲项目\t10.00\t10.00\t\t", "某中心二站\t6.00\t6.00\t\t", "乙项目\t4.00\t4.00\t\t", "丙项目\t2.00\t2.00\t\t")
    expected = [("total", "某部门", None), ("subtotal", "某中心", "总计"), ("subtotal", "某中心一站", "u1"),
                ("item", "甲项目", "u2"), ("subtotal", "某中心二站", "u1"), ("item", "乙项目", "u3"),
                ("item", "丙项目", "u3")]
    assert units_of(read_text("\n".join(head + rows), "x.txt"), 13) == expected
    # a typo in a project breaks that unit's sum only: the nesting stays
    typo = rows[:5] + ("乙项目\t4.40\t4.00\t\t",) + rows[6:]
    assert units_of(read_text("\n".join(head + typo), "x.txt"), 13) == expected


# --- the culprit named --------------------------------------------------------------------

def test_overall_basic_expenditure_typo_is_named_once() -> None:
    """整体绩效 基本支出 140.00 where 表5 and 合计 − 项目支出 both say 150.00: P-OVERALL-T5 and
    P-OVERALL-DIRECTION follow from the one figure."""
    doc = read_text((FORMS / "perf_spaces.txt").read_text(encoding="utf-8"), "perf_spaces.txt")
    found, cov = evaluate(doc)
    group = [f for f in found if f.follows_from is not None]
    assert sorted(f.rule for f in group) == ["P-OVERALL-DIRECTION", "P-OVERALL-T5"]
    (lead,) = [f for f in group if f.suggested is not None]
    assert lead.suggested == 150.00 and lead.follows_from is not None and lead.follows_from.line == 56
    assert lead.diagnosis.startswith("整体绩效目标表 按资金方向 基本支出 疑为 140.00，按")
    assert "表5 合计 基本支出" in lead.diagnosis and lead.diagnosis.endswith("应为 150.00（同一数字使 2 项核对不成立）")
    data = to_json(doc, found, cov)
    rows = [f for f in data["findings"] if "follows_from" in f]
    assert len(rows) == 2 and all(f["follows_from"]["suggested"] == 150.0 and f["follows_from"]["line"] == 56 for f in rows)
    (j,) = [f for f in rows if "suggested" in f]
    assert j["suggested"] == 150.0 and len(j["breaks"]) == 1
    out = to_text(doc, found, coverage=cov).splitlines()
    at = next(i for i, x in enumerate(out) if "疑为 140.00" in x)
    assert out[at + 1].startswith("　└ 错误") and out[at + 2].startswith("　└ 错误")


def test_a_figure_in_two_broken_identities_is_named_and_a_lone_one_is_not() -> None:
    """表1 收入总计 typed 265.70: 本年收入合计 + 上年结转, 支出总计 and the narrative all say
    256.70. A 绩效 table's 实施期 市县 amount off alone breaks one identity: no culprit."""
    doc, line = edited("dept_two_units", "收入总计\t256.70\t支出总计\t256.70\t247.20",
                       "收入总计\t265.70\t支出总计\t256.70\t247.20")
    found = shown(doc)
    (lead,) = [f for f in found if f.suggested is not None]
    assert lead.suggested == 256.70 and lead.follows_from is not None and lead.follows_from.line == line
    assert all(f.follows_from == lead.follows_from for f in found)
    src = text("dept_two_units")
    at = src.index("\t市县(区)财政资金\t125,000")
    doc = read_text(src[:at] + src[at:].replace("125,000", "125,400", 1), "x.txt")
    found = shown(doc)
    assert [f.rule for f in found] == ["P-PERIOD-SUM"] and found[0].suggested is None


def test_performance_sums_cite_the_lines_of_their_figures(docs) -> None:
    """P-PERIOD-SUM / P-ANNUAL-SUM name the lines that print the total and its parts."""
    found = [f for f in evaluate(docs["001"])[0] if f.rule in ("P-PERIOD-SUM", "P-ANNUAL-SUM")]
    assert [f.lines for f in found] == [(1266, 1269, 1270, 1271, 1272, 1273, 1274)] * 2


# --- a column the space-separated text leaves open, settled by the other tables ------------

def test_unit_funds_placed_by_the_tables_that_restate_them() -> None:
    """Cells separated by spaces, blanks lost: a project of 27.80 万元 of 单位资金 reads "27.80
    27.80" in 表12, which fits any source column. 表8 and 表9 are empty (no 政府性基金, no
    国有资本经营预算), 表2's 财政专户 column is empty and its 单位资金 is 27.80: 单位资金 it is,
    certain, and the uncorrupted document has no finding."""
    doc = form("dept_own_funds_spaces")
    assert shown(doc) == []
    t12 = doc.table(12)
    assert t12 is not None
    row = next(r for r in t12.rows if r.name == "水质检测服务收入安排经费")
    assert (row.get("合计"), row.get("单位资金"), row.guessed) == (27.80, 27.80, ())
    total = t12.row("总计")
    assert total is not None and total.get("单位资金") == 27.80 and total.get("政府性基金预算") is None
    assert [r.kind for r in t12.rows] == ["total", "subtotal", "item", "item", "subtotal", "item", "item", "item"]
