"""A 14th table of an existing kind, added by one declaration (a `Layout` in `LAYOUTS`):
it is read, checked by its row sums and its hierarchy, rendered as a sheet, and counted in
the coverage ledger, with no other edit."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from xltools.core.layouts import CLASSES, FUND_TYPES, LAYOUTS, T1_EXPENSE_TOTALS, Column, ColumnSum, Identity, Layout, Side
from xltools.core.table_kinds import CODED_SIDES, FIXED, SUMMARY
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
                   False, "合计", "合计", kind=FIXED, labels=(("项目",),), sums=(("合计", ("会议费", "培训费")),),
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


# Like 表1/表4 (the summary kind): income on the left, the 类 on the right, each 类 into
# 本年支出合计; its income identities declared with it, as 表1's are.
T14_SUMMARY = Layout(14, "政府性基金收支总表", (
    Side("收入", (Column("金额", "金额"),), (("政府性基金预算", "一、政府性基金预算"), ("本年收入合计", "本年收入合计"),
                                            ("上年结转", "上年结转"), ("收入总计", "收入总计"))),
    Side("支出", tuple(Column(k, k) for k in ("合计", "当年预算安排", "上年结转安排")), CLASSES + T1_EXPENSE_TOTALS),
), False, "收入总计", "金额", kind=SUMMARY, labels=(("项目",), ("科目编码", "项目")),
    sums=(("支出总计", ("本年支出合计", "年终结转")),),
    identities=(Identity("INCOME-TOTAL", "收入总计等于本年收入合计加上年结转", (("收入总计", "金额"),),
                         (("本年收入合计", "金额"), ("上年结转", "金额")), "收入总计 = 本年收入合计 + 上年结转"),
                Identity("BALANCE", "收入总计等于支出总计", (("收入总计", "金额"),), (("支出总计", "合计"),),
                         "收入总计 = 支出总计")),
    column_sums=(ColumnSum("合计", ("当年预算安排", "上年结转安排"), "各类支出合计等于当年预算安排加上年结转安排"),),
    sheet="表14 政府性基金收支总表")

# 212 prints 60.00 for 40.00 + 10.00, and 本年支出合计 (150.00) is short of 40 + 60 + 60 = 160.00.
TEXT_SUMMARY = """某某单位2026年单位预算公开

2026年政府性基金收支总表

单位名称：某某单位

单位：万元

收入\t\t支出\t\t\t
项目\t2026年\t项目\t2026年合计\t当年预算安排\t上年结转安排
一、政府性基金预算\t120.00\t八、社会保障和就业支出\t40.00\t30.00\t10.00
\t\t十二、城乡社区支出\t60.00\t40.00\t10.00
\t\t十三、农林水支出\t60.00\t50.00\t10.00
本年收入合计\t120.00\t本年支出合计\t150.00\t120.00\t30.00
上年结转\t30.00\t年终结转\t\t\t
收入总计\t150.00\t支出总计\t150.00\t120.00\t30.00
"""


def _rows(ws: Worksheet, col: int, label: str) -> list[int]:
    return [r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == label]


def test_a_14th_summary_table_through_one_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LAYOUTS, 14, T14_SUMMARY)
    doc = read_text(TEXT_SUMMARY, "表14.txt")
    t14 = doc.table(14)
    assert t14 is not None and t14.title == "2026年政府性基金收支总表"
    assert [(r.key, r.kind, r.get("金额") if "金额" in r.amounts else r.get("合计")) for r in t14.rows] == [
        ("政府性基金预算", "fixed", 120.0), ("208", "class", 40.0), ("212", "class", 60.0), ("213", "class", 60.0),
        ("本年收入合计", "total", 120.0), ("本年支出合计", "total", 150.0), ("上年结转", "fixed", 30.0),
        ("年终结转", "fixed", None), ("收入总计", "total", 150.0), ("支出总计", "total", 150.0)]
    assert t14.row("212").name == "城乡社区支出" and t14.row("212").get("上年结转安排") == 10.0  # type: ignore[union-attr]

    assert {r.id: r.description for r in CATALOGUE if r.reads == {14}} == {
        "T14-INCOME-TOTAL": "表14 收入总计等于本年收入合计加上年结转",
        "T14-BALANCE": "表14 收入总计等于支出总计",
        "T14-ROW": "表14 各类支出合计等于当年预算安排加上年结转安排",
        "T14-CLASSES": "表14 本年支出合计等于各类支出之和",
        "T14-EXP-TOTAL": "表14 支出总计等于本年支出合计加年终结转"}

    findings, cov = evaluate(doc)
    own = sorted((f.rule, f.severity, f.actual, f.expected, f.where[0].line) for f in findings
                 if f.rule.startswith("T14-"))
    assert own == [("T14-CLASSES", "error", 150.0, 160.0, 14), ("T14-ROW", "error", 60.0, 50.0, 12)]
    assert "城乡社区支出" in next(f for f in findings if f.rule == "T14-ROW").message
    # 收入总计 twice (its parts, 支出总计), the 6 expenditure rows' sums (年终结转's blanks as
    # zeros), 本年支出合计 = Σ 类 and 支出总计 = 本年支出合计 + 年终结转 in 3 columns each.
    assert (cov.tables[14].checked, cov.tables[14].failed) == (14, 2)

    ws = build(doc, CATALOGUE).workbook["表14 政府性基金收支总表"]
    assert ws.cell(1, 1).value == "2026年政府性基金收支总表"
    (classes,) = _rows(ws, 4, "本年支出合计")
    first, last = _rows(ws, 4, "一般公共服务支出")[0], _rows(ws, 4, "抗疫特别国债安排的支出")[0]
    assert last - first == 29  # the 30 类 are printed, those the text lacks blank
    (social,), (urban,), (farm,) = (_rows(ws, 4, name) for name in ("社会保障和就业支出", "城乡社区支出", "农林水支出"))
    assert (social, urban, farm) == (first + 7, first + 11, first + 12)
    assert ws.cell(classes, 5).value == f"=SUM(E{social},E{urban}:E{farm})"  # live: 本年支出合计 = Σ the 类 read
    assert ws.cell(urban, 5).value == f"=SUM(F{urban}:G{urban})"
    assert ws.cell(urban, 3).value == "212"  # the working table keeps the code its formulas look up
    # 收入总计 on the line of 支出总计, as the document prints it.
    assert _rows(ws, 1, "收入总计") == _rows(ws, 4, "支出总计")


# Like 表9 (coded, two sides): income codes left under "收入:", expenditure codes right.
T14_SIDES = Layout(14, "社会保险基金预算收支表", (
    Side("收入", (Column("金额", "金额"),)),
    Side("支出", tuple(Column(k, k) for k in ("合计", "基本支出", "项目支出"))),
), True, "收入:合计", "金额", kind=CODED_SIDES, labels=(("科目编码", "科目名称"), ("科目编码", "科目名称")),
    column_sums=(ColumnSum("合计", ("基本支出", "项目支出"), "每行支出合计等于基本支出加项目支出"),),
    sheet="表14 社会保险基金收支")

# 1020102 prints 40.00: its 款 10201 (80.00) is short of 50.00 + 40.00.
TEXT_SIDES = """某某单位2026年单位预算公开

2026年社会保险基金预算收支表

单位名称：某某单位

单位：万元

收入\t\t\t支出\t\t\t\t
收入科目编码\t科目名称\t金额\t科目编码\t科目名称\t合计\t基本支出\t项目支出
合计\t\t80.00\t合计\t\t80.00\t30.00\t50.00
102\t社会保险基金收入\t80.00\t209\t社会保险基金支出\t80.00\t30.00\t50.00
10201\t企业职工基本养老保险基金收入\t80.00\t20901\t企业职工基本养老保险基金支出\t80.00\t30.00\t50.00
1020101\t企业职工基本养老保险费收入\t50.00\t2090101\t基本养老金\t50.00\t20.00\t30.00
1020102\t财政补贴收入\t40.00\t2090199\t其他企业职工基本养老保险基金支出\t30.00\t10.00\t20.00
"""


def test_a_14th_two_sided_coded_table_through_one_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LAYOUTS, 14, T14_SIDES)
    doc = read_text(TEXT_SIDES, "表14.txt")
    t14 = doc.table(14)
    assert t14 is not None and t14.title == "2026年社会保险基金预算收支表"
    assert [(r.key, r.get("金额") if "金额" in r.amounts else r.get("合计")) for r in t14.rows] == [
        ("收入:合计", 80.0), ("合计", 80.0), ("收入:102", 80.0), ("209", 80.0), ("收入:10201", 80.0),
        ("20901", 80.0), ("收入:1020101", 50.0), ("2090101", 50.0), ("收入:1020102", 40.0), ("2090199", 30.0)]
    assert t14.row("2090199").get("项目支出") == 20.0  # type: ignore[union-attr]
    assert t14.row("收入:1020102").name == "财政补贴收入"  # type: ignore[union-attr]

    assert {r.id: r.description for r in CATALOGUE if r.reads == {14}} == {
        "T14-ROW": "表14 每行支出合计等于基本支出加项目支出",
        "T14-HIER": "表14 支出科目层级汇总", "T14-INCOME-HIER": "表14 收入科目层级汇总"}

    findings, cov = evaluate(doc)
    own = [(f.rule, f.severity, f.actual, f.expected, f.where[0].line) for f in findings if f.rule.startswith("T14-")]
    assert own == [("T14-INCOME-HIER", "error", 80.0, 90.0, 13)]  # at 10201, the row its 项 add into
    assert next(f for f in findings if f.rule == "T14-INCOME-HIER").message == \
        "表14 10201“企业职工基本养老保险基金收入” 80.00 ≠ Σ 下级科目 90.00（差 -10.00）"
    # 5 expenditure rows' sums; 3 columns × (合计 = 209, 209 = 20901, 20901 = its 2 项);
    # 金额 × (合计 = 102, 102 = 10201, 10201 = its 2 项).
    assert (cov.tables[14].checked, cov.tables[14].failed) == (17, 1)

    ws = build(doc, CATALOGUE).workbook["表14 社会保险基金收支"]
    assert ws.cell(1, 1).value == "2026年社会保险基金预算收支表"
    (kuan,) = _rows(ws, 1, "10201")
    (item,) = _rows(ws, 1, "1020101")
    assert ws.cell(kuan, 3).value == f"=SUM(C{item}:C{item + 1})"  # the income 款 = Σ its 项, live
    (pension,) = _rows(ws, 4, "2090101")
    assert ws.cell(pension, 6).value == f"=SUM(G{pension}:H{pension})"
    assert (ws.cell(pension, 7).value, ws.cell(pension, 8).value) == (20.0, 30.0)


def test_a_summary_table_reads_the_rows_its_layout_declares(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows are the layout's: a label it declares is read as its row (key 补助收入, printed
    一、上级补助收入), and a row it does not declare (上年结转) is reported, not made up."""
    income = Side("收入", (Column("金额", "金额"),), (("补助收入", "一、上级补助收入"), ("本年收入合计", "本年收入合计"),
                                                    ("收入总计", "收入总计")))
    monkeypatch.setitem(LAYOUTS, 14, replace(T14_SUMMARY, sides=(income, T14_SUMMARY.sides[1]), identities=()))
    text = TEXT_SUMMARY.replace("一、政府性基金预算", "一、上级补助收入")
    doc = read_text(text, "表14.txt")
    t14 = doc.table(14)
    assert t14 is not None
    assert [(r.key, r.get("金额")) for r in t14.rows if "金额" in r.amounts] == [
        ("补助收入", 120.0), ("本年收入合计", 120.0), ("收入总计", 150.0)]
    assert t14.row("上年结转") is None and t14.row("年终结转") is not None
    assert [(n.message, n.line) for n in doc.notes if n.table == 14 and n.rule == "READ-UNPLACED"] == [
        ("表14“上年结转”不是本表的行", 15)]


def test_every_kind_has_its_line_reader_and_its_structure_rules() -> None:
    """A layout may name any kind: each is read by its own line reader and checked by its
    own structure rules (a fixed table's rows add up by its declared sums alone)."""
    from xltools.core.table_kinds import KINDS
    from xltools.read.tables import LINE_READERS
    from xltools.rules.tables import STRUCTURE
    names = [k.name for k in KINDS]
    assert len(set(names)) == len(names) == 7
    assert set(LINE_READERS) == set(STRUCTURE) == set(names)
    assert {lay.kind.name for lay in LAYOUTS.values()} == set(names)  # the 13 tables use every kind
