"""Hand-written disclosures (tests/fixtures/forms/narrative_*.txt), one form of the narrative
each, written from DOMAIN.md: every phrasing of a year-on-year change, a base stated inline or
zero, shares over a named base, sections in another order, and the 绩效 attachments printed
without titles right after the narrative. Each test asserts the figures read (subject, value,
base) and the verdicts, then breaks one printed number and asserts the verdict that follows."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from xltools.evaluation.check import evaluate
from xltools.core.model import Document, Figure
from xltools.rules.reading import read_text
from xltools.read.narrative import read_narrative
from xltools.read.narrative_stream import is_perf_row, narrative_end
from xltools.read.regions import Regions, find_regions
from xltools.read.text import Line, to_lines
from xltools.rules.core import Unchecked
from xltools.rules.narrative import RULES

FORMS = Path(__file__).parent / "fixtures" / "forms"

COVERED: dict[str, tuple[str, str]] = {
    "N-BASE": ("test_inline_base_passes", "test_inline_base_fails"),
    "N-PART-MISSING": ("test_part_missing_passes", "test_part_missing_fails"),
}

Fig = tuple[str, str, float, int]  # (kind, subject, value, printed decimals)
Verdict = tuple[str, str, object, object]  # (rule, severity, expected, actual)


def text(name: str) -> str:
    return (FORMS / f"narrative_{name}.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def form(name: str) -> Document:
    return read_text(text(name), f"narrative_{name}.txt")


def edited(name: str, old: str, new: str) -> Document:
    src = text(name)
    assert src.count(old) == 1, old
    return read_text(src.replace(old, new), f"narrative_{name}.txt")


def figs(doc: Document, section: int) -> list[Fig]:
    return [(f.kind, f.subject, f.value, f.decimals) for f in doc.narrative.figures if f.section == section]


def verdicts(doc: Document) -> list[Verdict]:
    """Errors and warnings of the narrative rules, with both values."""
    return [(f.rule, f.severity, f.expected, f.actual) for f in evaluate(doc)[0]
            if f.rule.startswith("N-") and f.severity != "info"]


def unchecked(doc: Document) -> dict[str, int]:
    return {r.text: k for r, k in evaluate(doc)[1].families["narrative"].unchecked.items()}


def one(doc: Document, kind: str, subject: str) -> Figure:
    (f,) = [f for f in doc.narrative.figures if f.kind == kind and f.subject == subject]
    return f


T5 = "一般公共预算:当年支出"
OP = "机关运行经费"


# ---- 比上年增加X万元，增长Y%，主要原因是… ------------------------------------------------------

def test_plain_change_and_growth() -> None:
    doc = form("change_plain")
    # the reason's numbers ("新增乡村振兴项目经费50.00万元，人员增加10.00万元") are no figures
    assert figs(doc, 5) == [("amount", T5, 860.0, 2), ("change", T5, 60.0, 2), ("growth", T5, 7.5, 2)]
    assert figs(doc, 8) == [("amount", OP, 24.0, 2), ("change", OP, -1.0, 2), ("growth", OP, -4.0, 2)]
    # "压减接待批次约0.50万元" explains the 公务接待费 change: it is not the item's amount
    assert [f for f in figs(doc, 7) if f[0] == "amount"] == [
        ("amount", "三公:合计", 12.0, 2), ("amount", "三公:因公出国（境）费", 0.0, 0), ("amount", "三公:公务接待费", 2.0, 2),
        ("amount", "三公:公务用车购置及运行费", 10.0, 2), ("amount", "三公:公务用车购置费", 0.0, 0),
        ("amount", "三公:公务用车运行维护费", 10.0, 2)]
    assert one(doc, "change", "三公:公务用车运行维护费").value == -1.0
    assert verdicts(doc) == []


def test_plain_growth_fails() -> None:
    doc = edited("change_plain", "增长7.50%", "增长8.50%")
    assert verdicts(doc) == [("N-GROWTH", "error", 7.5, 8.5)]  # 60 / (860 − 60)


def test_sangong_item_changes_fail() -> None:
    doc = edited("change_plain", "公务用车运行维护费10.00万元，比上年减少1.00万元", "公务用车运行维护费10.00万元，比上年减少1.50万元")
    assert verdicts(doc) == [("N-SANGONG-CHANGE", "error", -1.5, -1.0)]  # 购置 + 运行维护 ≠ 购置及运行


# ---- 比2025年减少X万元 (no percentage), 较2025年增加 ----------------------------------------

def test_change_without_percentage() -> None:
    doc = form("change_no_percent")
    assert figs(doc, 5) == [("amount", T5, 420.0, 2), ("change", T5, -30.0, 2)]
    assert figs(doc, 8) == [("amount", OP, 18.5, 2), ("change", OP, 1.5, 2)]
    assert one(doc, "change", T5).word == "减少" and one(doc, "change", OP).word == "增加"
    assert verdicts(doc) == [] and unchecked(doc) == {}


# ---- 比2025年预算A万元减少X万元，下降Y% (the base inline) ------------------------------------

def test_inline_base_passes() -> None:
    doc = form("change_inline_base")
    assert figs(doc, 5) == [("amount", T5, 1250.0, 2), ("base", T5, 1000.0, 2), ("change", T5, 250.0, 2),
                            ("growth", T5, 25.0, 2)]
    assert figs(doc, 8) == [("amount", OP, 36.0, 2), ("base", OP, 40.0, 2), ("change", OP, -4.0, 2),
                            ("growth", OP, -10.0, 0)]
    # the base is last year's amount, never restated against 表11 or taken as this year's
    assert [f.value for f in doc.narrative.figures if f.kind == "amount" and f.subject == OP] == [36.0]
    assert verdicts(doc) == []
    cov = evaluate(doc)[1].families["narrative"]
    assert cov.failed == 0 and cov.passed >= 8  # 2 amounts, 2 bases, 2 growths, parts


def test_inline_base_fails() -> None:
    # the printed base does not add up to this year's amount: 41 − 4 ≠ 36 (表11)
    doc = edited("change_inline_base", "比2025年预算40.00万元", "比2025年预算41.00万元")
    assert verdicts(doc) == [("N-BASE", "error", 36.0, 37.0)]


def test_inline_base_growth_fails() -> None:
    # judged over the inline base: −4 / 40 = −10%, so "下降9%" is wrong at its 0 decimals
    doc = edited("change_inline_base", "下降10%", "下降9%")
    assert verdicts(doc) == [("N-GROWTH", "error", -10.0, -9.0)]
    doc = edited("change_inline_base", "增长25.00%", "增长20.00%")
    assert verdicts(doc) == [("N-GROWTH", "error", 25.0, 20.0)]  # 250 / 1000, not 250 / 1250


def test_inline_base_without_change() -> None:
    """"比2025年预算A万元增长Y%": Y = (this year − A) / A."""
    doc = edited("change_inline_base", "比2025年预算1,000.00万元增加250.00万元，增长25.00%",
                 "比2025年预算1,000.00万元增长25.00%")
    assert figs(doc, 5) == [("amount", T5, 1250.0, 2), ("base", T5, 1000.0, 2), ("growth", T5, 25.0, 2)]
    assert verdicts(doc) == []
    doc = edited("change_inline_base", "比2025年预算1,000.00万元增加250.00万元，增长25.00%",
                 "比2025年预算1,000.00万元增长20.00%")
    assert verdicts(doc) == [("N-GROWTH", "error", 25.0, 20.0)]


def test_bare_year_base_only_for_the_year_before() -> None:
    doc = edited("change_inline_base", "比2025年预算1,000.00万元增加", "2025年预算1,000.00万元，增加")
    assert one(doc, "base", T5).value == 1000.0 and verdicts(doc) == []


# ---- 较上年, 同比, 比上年预算数 -------------------------------------------------------------

def test_jiao_tongbi_and_budget_number() -> None:
    doc = form("change_jiao_tongbi")
    assert figs(doc, 5) == [("amount", T5, 630.0, 2), ("change", T5, 30.0, 2), ("growth", T5, 5.0, 0)]
    assert figs(doc, 8) == [("amount", OP, 22.0, 2), ("change", OP, -2.0, 2), ("growth", OP, -8.33, 2)]
    assert figs(doc, 7)[:3] == [("amount", "三公:合计", 8.0, 2), ("change", "三公:合计", 1.0, 2),
                                ("growth", "三公:合计", 14.29, 2)]
    assert one(doc, "change", "三公:公务接待费").word == "持平"
    assert verdicts(doc) == []


def test_jiao_tongbi_growth_fails() -> None:
    assert verdicts(edited("change_jiao_tongbi", "增长5%", "增长6%")) == [("N-GROWTH", "error", 5.0, 6.0)]
    assert verdicts(edited("change_jiao_tongbi", "下降8.33%", "下降9.09%")) == [("N-GROWTH", "error", -8.33, -9.09)]


def test_growth_without_change_is_not_checked() -> None:
    doc = edited("change_jiao_tongbi", "较上年增加30.00万元，增长5%", "较上年增长5%")
    assert figs(doc, 5) == [("amount", T5, 630.0, 2), ("growth", T5, 5.0, 0)]
    assert verdicts(doc) == []
    assert unchecked(doc) == {"说明未列增减额，未能确定增减率的基数": 1}
    insts = [i for r in RULES if r.id == "N-GROWTH" for i in r.instances(doc)]
    assert any(isinstance(i.relation, Unchecked) and i.relation.lines == (50,) for i in insts)


# ---- 与上年持平 ---------------------------------------------------------------------------

def test_flat() -> None:
    doc = form("change_flat")
    assert figs(doc, 5) == [("amount", T5, 300.0, 2), ("change", T5, 0.0, 2)]
    assert figs(doc, 8) == [("amount", OP, 15.0, 2), ("change", OP, 0.0, 2)]
    assert (one(doc, "change", T5).word, one(doc, "change", OP).word) == ("相同", "持平")
    assert verdicts(doc) == []


# ---- 上年无此项 / 上年为0 -------------------------------------------------------------------

def test_zero_base() -> None:
    doc = form("change_zero_base")
    assert figs(doc, 5) == [("amount", T5, 200.0, 2), ("base", T5, 0.0, 2), ("change", T5, 200.0, 2)]
    assert figs(doc, 8) == [("amount", OP, 12.0, 2), ("change", OP, 12.0, 2), ("growth", OP, 100.0, 0),
                            ("base", OP, 0.0, 2)]
    # no growth rate may be stated from a zero base; the changes themselves add up (0 + X = 表)
    assert verdicts(doc) == [("N-GROWTH", "error", None, 100.0)]


def test_zero_base_change_fails() -> None:
    doc = edited("change_zero_base", "比上年增加200.00万元", "比上年增加180.00万元")
    assert verdicts(doc) == [("N-BASE", "error", 200.0, 180.0), ("N-GROWTH", "error", None, 100.0)]


# ---- 增长Y%，增加X万元 (the rate first) ------------------------------------------------------

def test_growth_before_change() -> None:
    doc = form("change_growth_first")
    assert figs(doc, 5) == [("amount", T5, 860.0, 2), ("growth", T5, 7.5, 2), ("change", T5, 60.0, 2)]
    assert figs(doc, 8) == [("amount", OP, 24.0, 2), ("growth", OP, -4.0, 2), ("change", OP, -1.0, 2)]
    assert verdicts(doc) == []
    assert verdicts(edited("change_growth_first", "增长7.50%", "增长7.00%")) == [("N-GROWTH", "error", 7.5, 7.0)]
    # the word must match the sign: 减少 with 增长
    assert verdicts(edited("change_growth_first", "同比下降4.00%", "同比增长4.00%")) == [("N-GROWTH", "error", -4.0, 4.0)]


# ---- 亿元, thousands separators, a number split across lines, "万 元", full-width digits ------

def test_units_and_number_forms() -> None:
    doc = form("change_units")
    assert figs(doc, 5) == [("amount", T5, 12500.0, -2), ("change", T5, 1250.0, 2), ("growth", T5, 11.11, 2)]
    assert one(doc, "change", T5).line == 35  # "1,2" / "50.00万元"
    assert figs(doc, 8) == [("amount", OP, 1025.5, 2), ("base", OP, 1000.0, 2), ("change", OP, 25.5, 2),
                            ("growth", OP, 2.55, 2)]
    assert verdicts(doc) == []
    assert verdicts(edited("change_units", "增长11.11%", "增长10.00%")) == [("N-GROWTH", "error", 11.11, 10.0)]


# ---- shares: the base a sentence names; fewer decimals -------------------------------------

def test_share_named_base() -> None:
    doc = form("share_named_base")
    assert one(doc, "share", "一般公共预算:类:201").word == "一般公共预算当年支出"
    assert one(doc, "share", "一般公共预算:类:205").word == "全部财政资金"
    assert verdicts(doc) == []
    # a base the check cannot identify is not checked, and the ledger says so
    assert unchecked(doc) == {"未能确定占比的基数“全部财政资金”": 1}


def test_share_judged_at_printed_decimals() -> None:
    doc = edited("share_named_base", "占一般公共预算当年支出的80.00%", "占一般公共预算当年支出的79%")
    assert verdicts(doc) == [("N-SHARE", "error", 80.0, 79.0)]
    doc = edited("share_named_base", "占全部财政资金的20%", "占20.0%")
    assert one(doc, "share", "一般公共预算:类:205").decimals == 1 and verdicts(doc) == [] and unchecked(doc) == {}
    doc = edited("share_named_base", "占全部财政资金的20%", "占0%")
    assert verdicts(doc) == [("N-SHARE", "error", 20.0, 0.0)]


# ---- the 绩效 attachments without titles, and lines of cells -------------------------------

def test_untitled_attachments_end_the_narrative() -> None:
    doc = form("untitled_perf")
    shares = [(f.subject, f.value, f.line) for f in doc.narrative.figures if f.kind == "share"]
    # the 结构图's cells (l.30 "100%", l.31 "0%") and the 指标值 (100%, ≥95%, 0%) are not shares
    assert shares == [("一般公共预算:类:208", 100.0, 28), ("绩效:公开:占比", 100.0, 38)]
    assert max(f.line for f in doc.narrative.figures) == 38
    assert verdicts(doc) == []


def test_reader_stops_at_attachments_on_its_own() -> None:
    """Even when the narrative's region runs to the end of the text (no title line marks the
    attachments), the reader stops at the first 绩效 row."""
    lines = to_lines(text("untitled_perf"))
    part3 = next(ln.no for ln in lines if ln.text.startswith("第三部分"))
    wide = Regions(len(lines) + 1, narrative=(part3, len(lines) + 1))
    assert narrative_end(lines, part3, len(lines) + 1) == 42  # the 部门名称 row
    assert read_narrative(lines, wide) == read_narrative(lines, find_regions(lines))


def _line(s: str) -> Line:
    return to_lines(s)[0]


@pytest.mark.parametrize("row", ["项目名称\t困难群众救助补助资金", "项目名称：困难群众救助补助资金", "部门名称  某某县民政局",
                                 "主管部门及代码\u3000208-某某县民政局", "一级指标\t二级指标\t三级指标\t指标值",
                                 "某某县县级预算部门（单位）项目支出绩效目标表", "整体支出绩效目标申报表（2026年度）"])
def test_perf_rows(row: str) -> None:
    assert is_perf_row(_line(row))


@pytest.mark.parametrize("prose", ["（项目绩效目标表公开情况见附件）", "2026年某某县民政局纳入绩效目标管理的二级项目1个。",
                                   "单位名称为某某县民政局的预算说明", "详见项目支出绩效目标表"])
def test_prose_is_no_perf_row(prose: str) -> None:
    assert not is_perf_row(_line(prose))


# ---- sections found by their headings' words ----------------------------------------------

def test_sections_in_another_order() -> None:
    doc = form("sections_reordered")
    assert figs(doc, 8) == [("amount", OP, 9.6, 2), ("change", OP, -0.4, 2), ("growth", OP, -4.0, 0)]
    assert figs(doc, 7) == [("amount", "三公:合计", 0.8, 2), ("change", "三公:合计", 0.0, 2),
                            ("amount", "三公:公务接待费", 0.8, 2)]
    assert doc.narrative.sections[8][0] == 33 and doc.narrative.sections[7][0] == 37  # 七、机关运行 / 八、三公
    assert verdicts(doc) == []
    assert unchecked(doc) == {"未能确定所述金额对应的报表项目": 1}  # 九、其他说明 "专项资金12.00万元"


# ---- a part the tables announce, not found in the narrative --------------------------------

def test_part_missing_passes() -> None:
    doc = form("change_plain")
    insts = [i for r in RULES if r.id == "N-PART-MISSING" for i in r.instances(doc)]
    assert [i.subject for i in insts] == ["说明五（一般公共预算支出情况）已读出", "说明七（“三公”经费）已读出",
                                          "说明八（机关运行经费）已读出"]
    assert [v for v in verdicts(doc) if v[0] == "N-PART-MISSING"] == []


def test_part_missing_fails() -> None:
    doc = form("part_missing")
    found = [f for f in evaluate(doc)[0] if f.rule == "N-PART-MISSING"]
    assert [(f.severity, f.lines) for f in found] == [("warning", (18, 45)), ("warning", (33, 45))]
    assert "表10" in found[0].message and "“三公”经费" in found[0].message
    assert "表11" in found[1].message and "机关运行经费" in found[1].message


def test_section_without_figures_is_a_warning() -> None:
    doc = edited("part_missing", "2026年度某某县自然资源局一般公共预算当年支出640.00万元，比上年增加40.00万元，增长6.67%。",
                 "详见附表。")
    found = [(f.severity, f.lines) for f in evaluate(doc)[0] if f.rule == "N-PART-MISSING"]
    assert ("warning", (5, 47)) in found and len(found) == 3  # 表5 title, the section heading


def test_narrative_not_found_is_an_error() -> None:
    """A disclosure cut after its 13 tables: the tables are read, 第三部分 is not. The document
    cannot be published so: an error of the document (issue 23; it was a warning before)."""
    seed = (Path(__file__).parent / "fixtures" / "000_3cbdfbba338dedd0.txt").read_text(encoding="utf-8")
    doc = read_text(seed[:seed.index("第三部分 2026年度单位预算情况说明\n\n \n一、")], "000_cut.txt")
    found = evaluate(doc)[0]
    (f,) = [f for f in found if f.rule == "READ-MISSING-PART"]
    assert f.severity == "error" and "未找到第三部分" in f.message and f.lines == (86,)  # 表1's title
    assert [f for f in found if f.rule == "N-PART-MISSING"] == []  # said once, not again as a section
    # an extract of a few tables is told of its missing tables (READ-MISSING-TABLE), not of this
    src = text("change_plain")
    cut = evaluate(read_text(src[:src.index("第三部分")], "x.txt"))[0]
    assert [f for f in cut if f.rule in ("N-PART-MISSING", "READ-MISSING-PART")] == []


@pytest.mark.parametrize("said", ["比2025年预算数（40.00万元）减少4.00万元", "较上年的40.00万元减少4.00万元",
                                  "比上年预算40.00万元减少4.00万元", "与2025年预算数40.00万元相比减少4.00万元"])
def test_inline_base_phrasings(said: str) -> None:
    doc = edited("change_inline_base", "比2025年预算40.00万元减少4.00万元", said)
    assert figs(doc, 8) == [("amount", OP, 36.0, 2), ("base", OP, 40.0, 2), ("change", OP, -4.0, 2),
                            ("growth", OP, -10.0, 0)]
    assert verdicts(doc) == []
