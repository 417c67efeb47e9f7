"""A 14th table of an existing kind, added by one declaration (a `Layout` in `LAYOUTS`):
it is read, checked by its row sums and its hierarchy, rendered as a sheet, and counted in
the coverage ledger, with no other edit."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from xltools.core.layouts import FUND_TYPES, LAYOUTS, Column, ColumnSum, Layout, Side
from xltools.evaluation.check import evaluate
from xltools.rules.reading import read_document, read_text
from xltools.workbook.book import build
from xltools.rules import CATALOGUE

SEED = Path(__file__).parent / "fixtures" / "000_3cbdfbba338dedd0.txt"

# Like 表8: coded rows (类/款/项), 合计 = 基本支出 + 项目支出 on every row.
T14 = Layout(14, "专项债券资金支出表", (Side("", tuple(Column(k, k) for k in ("合计", "基本支出", "项目支出"))),),
             True, "合计", "合计",
             column_sums=(ColumnSum("合计", ("基本支出", "项目支出"), "每行合计等于基本支出加项目支出"),),
             sheet="表14 专项债券支出", wraps=True)

# 2120802 prints 60.00 for 10.00 + 40.00, and its 款 21208 (150.00) is short of 100.00 + 60.00.
TEXT = """某某单位2026年单位预算公开

2026年专项债券资金支出表

单位名称：某某单位

单位：万元

科目编码	科目名称	合计	基本支出	项目支出
合计		150.00	40.00	110.00
212	城乡社区支出	150.00	40.00	110.00
21208	国有土地使用权出让收入安排的支出	150.00	40.00	110.00
2120801	征地和拆迁补偿支出	100.00	30.00	70.00
2120802	土地开发支出	60.00	10.00	40.00
"""


@pytest.fixture
def table14(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LAYOUTS, 14, T14)  # the one declaration


def _row_of(ws: Worksheet, code: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == code)


@pytest.mark.usefixtures("table14")
def test_a_14th_table_is_read_checked_rendered_and_counted() -> None:
    doc = read_text(TEXT, "表14.txt")
    t14 = doc.table(14)
    assert t14 is not None and t14.title == "2026年专项债券资金支出表"
    assert [(r.key, r.get("合计")) for r in t14.rows] == [
        ("合计", 150.0), ("212", 150.0), ("21208", 150.0), ("2120801", 100.0), ("2120802", 60.0)]
    assert t14.row("2120802").get("项目支出") == 40.0  # type: ignore[union-attr]

    rules = {r.id: r for r in CATALOGUE if r.reads == {14}}
    assert {i: r.description for i, r in rules.items()} == {
        "T14-ROW": "表14 每行合计等于基本支出加项目支出",
        "T14-HIER": "表14 科目层级汇总（类 = Σ款，款 = Σ项，合计 = Σ类）"}

    findings, cov = evaluate(doc)
    own = sorted((f.rule, f.severity, f.actual, f.expected) for f in findings if f.rule.startswith("T14-"))
    assert own == [("T14-HIER", "error", 150.0, 160.0), ("T14-ROW", "error", 60.0, 50.0)]
    row = next(f for f in findings if f.rule == "T14-ROW")
    assert row.where[0].line == 14 and "土地开发支出" in row.message
    # 5 rows' sums + 3 columns × (合计 = 212, 212 = 21208, 21208 = its 2 项) = 14 checked, 2 failed.
    assert cov.tables[14].as_dict() | {"unchecked_reasons": {}} == {
        "checked": 14, "passed": 12, "tail": 0, "failed": 2, "guessed": 0, "not_applicable": 0,
        "unchecked": 0, "unchecked_reasons": {}}

    wb = build(doc, CATALOGUE).workbook
    names = wb.sheetnames
    assert names.index("表14 专项债券支出") == names.index("表13 项目支出上年结转") + 1
    ws = wb["表14 专项债券支出"]
    assert ws.cell(1, 1).value == "2026年专项债券资金支出表"
    item, kuan = _row_of(ws, "2120802"), _row_of(ws, "21208")
    # The live 合计 of a 项 is its row sum; of a 款 the sum of its 项: both from the rules.
    assert ws.cell(item, 3).value == f"=SUM(D{item}:E{item})"
    assert (ws.cell(item, 4).value, ws.cell(item, 5).value) == (10.0, 40.0)
    assert ws.cell(kuan, 3).value == f"=SUM(C{kuan + 1}:C{kuan + 2})"
    printed = [c for c in ws[item] if c.value == 60.0]  # the 原表数 block keeps the printed figure
    assert len(printed) == 1
    checks = [c.value for row_ in wb["校验"].iter_rows() for c in row_ if c.value in ("T14-ROW", "T14-HIER")]
    assert checks.count("T14-ROW") == 5 and checks.count("T14-HIER") == 9


@pytest.mark.usefixtures("table14")
def test_a_14th_table_not_printed_is_reported_missing() -> None:
    doc = read_document(SEED)
    assert doc.table(14) is None
    findings, cov = evaluate(doc)
    missing = [f for f in findings if f.rule == "READ-MISSING-TABLE"]
    assert [f.message for f in missing] == ["未找到表14“专项债券资金支出表”"]
    assert {r.text: k for r, k in cov.tables[14].unchecked.items()} == {"未找到表14": 1}
    assert {r.text: k for r, k in cov.families["table"].unchecked.items()} == {"未找到表14": 2}  # T14-ROW, T14-HIER


# Like 表10: fixed rows, one of them the sum of others, 合计 = the three 财政拨款 on every row.
T14_FIXED = Layout(14, "会议费培训费支出预算表", (Side("", tuple(Column(k, k) for k in ("合计", *FUND_TYPES)),
                                                 (("会议费", "会议费"), ("培训费", "培训费"), ("合计", "合计"))),),
                   False, "合计", "合计", kind="fixed", labels=(("项目",),), sums=(("合计", ("会议费", "培训费")),),
                   column_sums=(ColumnSum("合计", FUND_TYPES, "每行合计等于三类拨款之和"),), sheet="表14 会议费培训费")

# 合计 prints 21.00: its columns add to 20.00, and so do 会议费 + 培训费.
TEXT_FIXED = """某某单位2026年单位预算公开

2026年会议费培训费支出预算表

单位名称：某某单位

单位：万元

项目	合计	一般公共预算	政府性基金预算	国有资本经营预算
会议费	12.00	10.00	2.00	0.00
培训费	8.00	8.00	0.00	0.00
合计	21.00	18.00	2.00	0.00
"""


def test_a_14th_fixed_row_table_through_one_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LAYOUTS, 14, T14_FIXED)
    doc = read_text(TEXT_FIXED, "表14.txt")
    t14 = doc.table(14)
    assert t14 is not None
    assert [(r.key, r.kind, r.get("合计")) for r in t14.rows] == [
        ("会议费", "fixed", 12.0), ("培训费", "fixed", 8.0), ("合计", "total", 21.0)]
    assert {r.id: r.description for r in CATALOGUE if r.reads == {14}} == {
        "T14-ROW": "表14 每行合计等于三类拨款之和", "T14-TOTAL": "表14 合计等于会议费、培训费之和"}
    findings, cov = evaluate(doc)
    own = sorted((f.rule, f.actual, f.expected, f.where[0].line) for f in findings if f.rule.startswith("T14-"))
    assert own == [("T14-ROW", 21.0, 20.0, 12), ("T14-TOTAL", 21.0, 20.0, 12)]
    assert (cov.tables[14].checked, cov.tables[14].failed) == (7, 2)  # 3 rows + 合计 in 4 columns
    ws = build(doc, CATALOGUE).workbook["表14 会议费培训费"]
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    meeting = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "会议费")
    assert ws.cell(total, 2).value == f"=SUM(B{meeting}:B{meeting + 1})"
    assert ws.cell(meeting, 2).value == f"=SUM(C{meeting}:E{meeting})"


def test_the_catalogue_follows_the_layouts() -> None:
    """Without the declaration there is no 表14: nothing above was left behind."""
    assert 14 not in LAYOUTS and not [r for r in CATALOGUE if 14 in r.reads]
    assert [r.id for r in CATALOGUE if r.family == "table"][:6] == [
        "T1-INCOME-SUM", "T1-INCOME-TOTAL", "T1-BALANCE", "T1-ROW", "T1-CLASSES", "T1-EXP-TOTAL"]
