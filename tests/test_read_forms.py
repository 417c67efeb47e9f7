"""Hand-written fixtures for forms of extracted text that no seed shows (DOMAIN.md, "What
extracted text looks like"): wrapped names, amounts whose column only another table
settles, placements that stay a guess, shares printed with few decimals, the ledger."""
from __future__ import annotations

from xltools.evaluation.check import evaluate
from xltools.core.model import Document
from xltools.rules.reading import read_text
from xltools.core.references import NarrativeFigure, Ref
from xltools.rules.core import ShareOf, Term, judge
from xltools.rules.resolve import DocumentValues

T2_HEAD = ("2026年预算收入总表", "单位：万元",
           "科目编码\t科目名称\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算\t财政专户管理资金\t单位资金\t上年结转")
T3_HEAD = ("2026年预算支出总表", "单位：万元", "科目编码\t科目名称\t合计\t基本支出\t项目支出")
T5_HEAD = ("2026年一般公共预算支出预算表（不含上年结转）", "单位：万元", "科目编码\t科目名称\t合计\t基本支出\t项目支出")
T8_HEAD = ("2026年政府性基金预算支出表", "单位：万元", "科目编码\t科目名称\t合计\t基本支出\t项目支出")
T12_HEAD = ("2026年项目支出预算表（本年预算）", "单位：万元",
            "项目名称\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算\t财政专户管理资金\t单位资金")
T13_HEAD = ("2026年项目支出预算表（上年结转）", "单位：万元",
            "项目名称\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算")


def read(*lines: str) -> Document:
    return read_text("\n".join(lines) + "\n", "fixture.txt")


def names(doc: Document, n: int) -> list[tuple[str, str]]:
    t = doc.table(n)
    assert t is not None
    return [(r.key, r.name) for r in t.rows]


def errors_and_warnings(doc: Document) -> list[tuple[str, str]]:
    """What a fixture of a few tables reports, less the parts it leaves out (the other
    tables, the narrative, the 绩效 tables)."""
    return sorted((f.rule, f.severity) for f in evaluate(doc)[0]
                  if f.severity != "info" and f.rule not in ("READ-MISSING-TABLE", "N-PART-MISSING", "P-PART-PROJECTS"))


# --- Wrapped names ----------------------------------------------------------------------

def test_wrapped_names_amounts_on_the_first_or_the_last_piece_across_a_page_break() -> None:
    """表2 wraps 2010101's name with the amounts on the first piece, 表3 with the amounts on
    the last piece and a page break between; 表5 prints it whole."""
    doc = read(*T2_HEAD,
               "合计\t\t10.00\t10.00\t\t\t\t\t",
               "201\t一般公共服务支出\t10.00\t10.00\t\t\t\t\t",
               "20103\t政府办公厅（室）及相关\t10.00\t10.00\t\t\t\t\t",
               "\t机构事务\t\t\t\t\t\t\t",
               "2010350\t事业运行\t10.00\t10.00\t\t\t\t\t",
               *T3_HEAD,
               "合计\t\t10.00\t10.00\t",
               "201\t一般公共服务支出\t10.00\t10.00\t",
               "\t政府办公厅（室）\t\t\t",
               "",
               "仅供内部审核",
               "20103\t及相关机构事务\t10.00\t10.00\t",
               "2010350\t事业运行\t10.00\t10.00\t",
               *T5_HEAD,
               "合计\t\t10.00\t10.00\t",
               "201\t一般公共服务支出\t10.00\t10.00\t",
               "20103\t政府办公厅（室）及相关机构事务\t10.00\t10.00\t",
               "2010350\t事业运行\t10.00\t10.00\t")
    whole = "政府办公厅（室）及相关机构事务"
    for n in (2, 3, 5):
        assert dict(names(doc, n))["20103"] == whole, n
        assert [r.key for r in doc.table(n).rows] == ["合计", "201", "20103", "2010350"]  # type: ignore[union-attr]
    assert errors_and_warnings(doc) == []


def test_two_wrapped_rows_in_a_row_settled_by_the_other_tables() -> None:
    """The tail of one name, then the head of the next, between the same two rows; each
    table cuts the names elsewhere, so only their agreement tells where one ends."""
    rows = {2: ("事业运行", "其他政府办公厅（室）及", "相关机构事务支出"),
            3: ("事业运行", "其他政府办公厅", "（室）及相关机构事务支出"),
            5: ("事业运行", "其他政府办公厅（室）及相关", "机构事务支出")}
    lines: list[str] = []
    for n, head in ((2, T2_HEAD), (3, T3_HEAD), (5, T5_HEAD)):
        a, piece, b = rows[n]
        pad = "\t\t\t\t\t\t" if n == 2 else "\t"
        lines += [*head, f"合计\t\t5.00\t5.00{pad}", f"20103\t政府办公厅（室）及相关机构事务\t5.00\t5.00{pad}",
                  f"2010350\t{a}\t2.00\t2.00{pad}", f"\t{piece}", f"2010399\t{b}\t3.00\t3.00{pad}"]
    doc = read(*lines)
    for n in (2, 3, 5):
        got = dict(names(doc, n))
        assert (got["2010350"], got["2010399"]) == ("事业运行", "其他政府办公厅（室）及相关机构事务支出"), n
    assert [f.rule for f in evaluate(doc)[0] if f.rule == "X-CODE-NAME"] == []


def test_economic_name_tail_is_not_a_new_class() -> None:
    """表6: the tail of a long name on its own line, spaces between cells."""
    doc = read("2026年一般公共预算安排基本支出分经济科目表", "单位：万元",
               "部门预算支出经济科目名称  政府预算支出经济科目名称  合计  人员经费  公用经费",
               "合计    8.00  5.00  3.00",
               "工资福利支出    5.00  5.00",
               "机关事业单位基本养老  机关事业单位基本支出  5.00  5.00",
               "保险缴费",
               "商品和服务支出    3.00    3.00",
               "办公费  办公经费  3.00    3.00")
    t = doc.table(6)
    assert t is not None
    assert [(r.kind, r.name) for r in t.rows] == [
        ("total", "合计"), ("class", "工资福利支出"), ("item", "机关事业单位基本养老保险缴费"),
        ("class", "商品和服务支出"), ("item", "办公费")]
    assert [r.get("公用经费") for r in t.rows] == [3.0, None, None, 3.0, 3.0]
    assert errors_and_warnings(doc) == []


def test_table1_class_name_wrapped_on_either_side() -> None:
    doc = read("2026年预算收支总表", "单位：万元",
               "收入\t\t支出\t\t\t",
               "项目\t2026年\t项目\t2026年合计\t当年预算安排\t上年结转安排",
               "一、一般公共预算\t10.00\t七、文化旅游体育\t10.00\t10.00\t",
               "\t\t与传媒支出\t\t\t",
               "\t\t二十、自然资",
               "\t\t源海洋气象等支出\t\t\t",
               "本年收入合计\t10.00\t本年支出合计\t10.00\t10.00\t",
               "收入总计\t10.00\t支出总计\t10.00\t10.00\t")
    t = doc.table(1)
    assert t is not None
    assert [(r.key, r.name) for r in t.rows if r.kind == "class"] == [
        ("207", "文化旅游体育与传媒支出"), ("220", "自然资源海洋气象等支出")]
    assert [n.rule for n in doc.notes if n.table == 1] == ["READ-PLACEMENT", "READ-PLACEMENT"]


def test_project_name_wrapped_settled_by_its_performance_table() -> None:
    perf = ("项目支出绩效目标表", "项目名称\t晋城市某某局专项业务工作经费", "主管部门及代码\t某某局\t实施单位\t某某局",
            "项目资金（元）\t年度资金总额\t20,000", "\t其中：市县(区)\t20,000",
            "项目名称\t信息化建设运维项目", "主管部门及代码\t某某局\t实施单位\t某某局",
            "项目资金（元）\t年度资金总额\t30,000", "\t其中：市县(区)\t30,000")
    doc = read(*T12_HEAD,
               "某某局\t5.00\t5.00\t\t\t\t",
               "晋城市某某局专项",
               "业务工作经费\t2.00\t2.00\t\t\t\t",
               "信息化建设运维项目\t3.00\t3.00\t\t\t\t",
               "第三部分 2026年度单位预算情况说明", "（项目绩效目标表公开情况见附件）", *perf)
    assert names(doc, 12)[1:] == [("p1", "晋城市某某局专项业务工作经费"), ("p2", "信息化建设运维项目")]


# --- Amounts whose column only another table settles --------------------------------------

def _fund_doc(t12_fund: str) -> Document:
    return read(*T5_HEAD,
                "合计\t\t10.00\t10.00\t",
                "201\t一般公共服务支出\t10.00\t10.00\t",
                "2010101\t行政运行\t10.00\t10.00\t",
                *T8_HEAD,
                "合计    500.00    500.00",
                "212  城乡社区支出  500.00  500.00",
                "21208  国有土地使用权出让收入安排的支出  500.00  500.00",
                *T12_HEAD,
                f"某单位\t500.00{t12_fund}\t\t\t",
                f"征地项目\t500.00{t12_fund}\t\t\t",
                "2026年国有资本经营预算收支预算表（不含上年结转）", "注：本表无数据")


def test_column_settled_by_the_table_that_restates_it() -> None:
    """Space-separated 表8: 合计 = 项目支出 or 合计 = 基本支出 both add up; 表12's 政府性基金
    column says 项目支出."""
    doc = _fund_doc("\t\t500.00")
    t8 = doc.table(8)
    assert t8 is not None
    assert [(r.key, r.get("基本支出"), r.get("项目支出"), r.guessed) for r in t8.rows] == [
        ("合计", None, 500.0, ()), ("212", None, 500.0, ()), ("21208", None, 500.0, ())]
    # nothing but the 绩效 part this fixture leaves out
    assert [r for r in errors_and_warnings(doc) if not r[0].startswith("P-")] == []
    assert any(n.rule == "READ-PLACEMENT" and "其他表" in n.message for n in doc.notes)


def test_a_placement_left_a_guess_gives_warnings_not_errors() -> None:
    """表13 space-separated: both rows could put their money under 一般公共预算 or 政府性基金;
    nothing in the document says which. The grand total is off the project by 1.00: on 合计
    that is certain (an error); on the type column it rests on the guess (a warning)."""
    doc = read(*T13_HEAD, "某单位  6.00  6.00", "结转项目  5.00  5.00")
    t13 = doc.table(13)
    assert t13 is not None
    assert [r.guessed for r in t13.rows] == [("一般公共预算", "国有资本经营预算", "政府性基金预算")] * 2
    found = {(f.rule, f.severity, f.expected, f.actual) for f in evaluate(doc)[0] if f.severity != "info"}
    assert ("T13-UNITS", "error", 5.0, 6.0) in found
    assert ("T13-UNITS", "warning", 5.0, 6.0) in found
    assert {s for r, s, *_ in found if r.startswith("T13")} == {"error", "warning"}
    assert any(n.rule == "READ-GUESS" for n in doc.notes)
    guessed = [f for f in evaluate(doc)[0] if f.severity == "warning" and f.rule == "T13-UNITS"]
    assert all("不作为错误" in f.message for f in guessed)


# --- Shares and growth at the printed decimals ----------------------------------------------

class _Vals(DocumentValues):
    def __init__(self, cells: dict[str, float]) -> None:
        self.cells = cells

    def value(self, ref: Ref) -> float | None:
        assert isinstance(ref, NarrativeFigure)
        return self.cells.get(ref.key)


def _share(printed: float, part: float, base: float, decimals: int) -> str:
    rel = ShareOf(NarrativeFigure("printed"), (Term(NarrativeFigure("part")),), (Term(NarrativeFigure("base")),), decimals)
    return judge(rel, _Vals({"printed": printed, "part": part, "base": base})).status


def test_share_printed_with_few_decimals_is_judged_at_those_decimals() -> None:
    assert _share(7.8, 99.05, 1271.91, 1) == "pass"  # 7.79% printed as 7.8%
    assert _share(8, 99.05, 1271.91, 0) == "pass"
    assert _share(0, 16.0, 1271.91, 0) == "fail"  # 1.26% printed as 0%: an error, not 尾差
    assert _share(0, 99.05, 1271.91, 0) == "fail"  # seed 000's 7.79% printed as 0%
    assert _share(7.78, 99.05, 1271.91, 2) == "fail"  # 7.787…: a cent of rounding cannot explain 7.78
    # 0.125% of 8.00: 0.01 / 8.00; the cells' rounding (±0.005) spans 0.06%–0.19%: 0.1 and 0.2 both fit
    assert _share(0.1, 0.01, 8.0, 1) == "pass" and _share(0.2, 0.01, 8.0, 1) == "tail"
    assert _share(0.3, 0.01, 8.0, 1) == "fail"


# --- The ledger -------------------------------------------------------------------------------

def test_ledger_counts_what_was_checked_and_what_was_not() -> None:
    doc = _fund_doc("\t\t500.00")
    findings, cov = evaluate(doc)
    table = cov.families["table"]
    assert table.checked > 0 and table.failed == 0
    assert cov.tables[8].checked > 0 and cov.tables[12].checked > 0
    # 表1 was not found: its rules could not be checked, and the narrative part is missing
    said = {f: {r.text: k for r, k in cov.families[f].unchecked.items()} for f in ("table", "narrative")}
    assert said["table"]["未找到表1"] > 0
    assert said["narrative"]["未找到第三部分（预算情况说明）"] > 0
    assert {r.text: k for r, k in cov.tables[1].unchecked.items()}["未找到表1"] == 1
    d = cov.as_dict()
    assert d["tables"]["8"]["checked"] == cov.tables[8].checked
    assert d["families"]["narrative"]["unchecked_reasons"]["未找到第三部分（预算情况说明）"] > 0


def test_ledger_lines_in_the_text_report() -> None:
    from xltools.evaluation.coverage import summary_lines

    _, cov = evaluate(_fund_doc("\t\t500.00"))
    lines = summary_lines(cov)
    assert lines[0].startswith("核对覆盖：表内 ") and "跨表" in lines[0] and "说明 0 项" in lines[0]
    assert "不适用：表9（空表）" in lines
    unchecked = next(x for x in lines if x.startswith("未能核对："))
    assert "未找到表1、表2、表3、表4、表6、表7、表10、表11、表13，其规则" in unchecked
    assert "未找到第三部分（预算情况说明）" in unchecked


# --- The 上年结转 row worded otherwise -----------------------------------------------------

def test_carry_row_worded_otherwise_goes_where_the_layout_declares_it() -> None:
    """表4 may print its 结转 row as 上年结转结余 and 表1 as 上年结余: the row is the one each
    layout declares (表4's 上年财政拨款结转 with its split by type, 表1's 上年结转)."""
    doc = read("2026年财政拨款收支总表", "单位：万元",
               "收入\t\t支出\t\t\t\t",
               "项目\t金额\t项目\t小计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
               "一、一般公共预算\t10.00\t一、一般公共服务支出\t12.00\t12.00\t\t",
               "本年收入合计\t10.00\t本年支出合计\t12.00\t12.00\t\t",
               "上年结转结余\t2.00\t年终结转\t\t\t\t",
               "一、一般公共预算\t2.00\t\t\t\t\t",
               "收入总计\t12.00\t支出总计\t12.00\t12.00\t\t",
               "",
               "2026年预算收支总表", "单位：万元",
               "收入\t\t支出\t\t\t",
               "项目\t2026年\t项目\t2026年合计\t当年预算安排\t上年结转安排",
               "一、一般公共预算\t10.00\t一、一般公共服务支出\t12.00\t10.00\t2.00",
               "本年收入合计\t10.00\t本年支出合计\t12.00\t10.00\t2.00",
               "上年结余\t2.00\t年终结转\t\t\t",
               "收入总计\t12.00\t支出总计\t12.00\t10.00\t2.00")
    t4, t1 = doc.table(4), doc.table(1)
    assert t4 is not None and t1 is not None
    income4 = {r.key: r.amounts.get("金额") for r in t4.rows if r.kind in ("fixed", "total") and "金额" in r.amounts}
    assert income4["一般公共预算"] == 10.0 and income4["上年财政拨款结转"] == 2.0
    assert income4["结转:一般公共预算"] == 2.0
    income1 = {r.key: r.amounts.get("金额") for r in t1.rows if "金额" in r.amounts}
    assert income1["上年结转"] == 2.0 and income1["收入总计"] == 12.0
