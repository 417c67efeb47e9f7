"""Identities inside one table (DOMAIN.md "Inside tables", all level M)."""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

from xltools.core.layouts import CLASS_TOTAL, FUND_TYPES, LAYOUTS, SOURCES, parts_of
from xltools.core.model import Document, Row
from xltools.rules.common import cell, cells, coded_rows, label, present, table
from xltools.rules.core import Equal, Instance, Rule, terms

Gen = Callable[[Document], Iterable[Instance]]


def _row_sum(n: int, total: str, parts: tuple[str, ...], keep: Callable[[Row], bool] = lambda r: True) -> Gen:
    """Each row's `total` column equals the sum of its `parts` columns."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        for r in table(doc, n).rows:
            if keep(r) and total in r.amounts:
                yield Instance(
                    Equal(terms(cell(n, r.key, total)), tuple(t for p in parts for t in terms(cell(n, r.key, p)))),
                    f"{label(n, r)}：{total} = {' + '.join(parts)}",
                )

    return gen


def _hierarchy(n: int, columns: tuple[str, ...], prefix: str = "") -> Gen:
    """类 = Σ 款, 款 = Σ 项, and the 合计 row = Σ 类, in every amount column: the rows that
    add into each other as the layout declares (`layouts.adds_into`)."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        t = table(doc, n)
        rows = coded_rows(t, prefix)
        parts = parts_of(n, rows)
        total = t.row(prefix + "合计")
        tops = parts.get(prefix + "合计", [])
        for col in columns:
            if total is not None and tops:
                yield Instance(Equal(terms(cell(n, total.key, col)), cells(n, tops, col)), f"表{n} 合计 = Σ 类（{col}）")
            for parent in rows:
                kids = parts.get(parent.key)
                if kids:
                    yield Instance(Equal(terms(cell(n, parent.key, col)), cells(n, kids, col)),
                                   f"{label(n, parent)} = Σ 下级科目（{col}）")

    return gen


def _declared(n: int, total: str, columns: tuple[str, ...], subject: str) -> Gen:
    """A fixed sum the layout declares (`Layout.sums`): total = Σ its parts, per column."""
    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        parts = dict(LAYOUTS[n].sums)[total]
        for col in columns:
            yield Instance(Equal(terms(cell(n, total, col)), cells(n, parts, col)), f"{subject}（{col}）")

    return gen


def _equal(n: int, lhs: tuple[tuple[str, str], ...], rhs: tuple[tuple[str, str], ...], subject: str) -> Gen:
    """A fixed identity between named cells of one table."""

    def gen(doc: Document) -> Iterator[Instance]:
        if present(doc, n):
            yield Instance(Equal(tuple(terms(*(cell(n, r, c) for r, c in lhs))),
                                 tuple(terms(*(cell(n, r, c) for r, c in rhs)))), subject)

    return gen


def _classes_sum(n: int, columns: tuple[str, ...]) -> Gen:
    """表1/表4: 本年支出合计 = Σ of the printed 类 rows, per column."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        classes = parts_of(n, table(doc, n).rows).get(CLASS_TOTAL, [])
        for col in columns:
            yield Instance(Equal(terms(cell(n, CLASS_TOTAL, col)), cells(n, classes, col)),
                           f"表{n} {CLASS_TOTAL} = Σ 类（{col}）")

    return gen


def _children_sum(n: int, columns: tuple[str, ...]) -> Gen:
    """Rows that others add into (表6 class rows, 表11 部门合计, 表12/13 units and grand
    total) equal the sum of their direct children; 表6's 合计 is `_t6_total`."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        t = table(doc, n)
        parts = parts_of(n, t.rows)
        for parent in t.rows:
            kids = parts.get(parent.key)
            if not kids or (LAYOUTS[n].kind == "economic" and parent.key == LAYOUTS[n].total_key):
                continue
            for col in columns:
                yield Instance(Equal(terms(cell(n, parent.key, col)), cells(n, kids, col)),
                               f"{label(n, parent)} = Σ 下级行（{col}）")

    return gen


def _projects_sum(n: int, columns: tuple[str, ...]) -> Gen:
    """表12/13: the grand total also equals Σ projects, however the units nest."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        t = table(doc, n)
        if t.row("总计") is None:
            return
        projects = [r.key for r in t.rows if r.kind == "item"]
        has_units = any(r.kind == "subtotal" for r in t.rows)
        if not has_units:
            return  # then Σ children of 总计 is already Σ projects
        for col in columns:
            yield Instance(Equal(terms(cell(n, "总计", col)), cells(n, projects, col)),
                           f"表{n} 总计 = Σ 项目（{col}）")

    return gen


def _t6_total(doc: Document) -> Iterator[Instance]:
    if not present(doc, 6):
        return
    t = table(doc, 6)
    classes = parts_of(6, t.rows).get("合计", [])
    if t.row("合计") is None or not classes:
        return
    for col in ("合计", "人员经费", "公用经费"):
        yield Instance(Equal(terms(cell(6, "合计", col)), cells(6, classes, col)), f"表6 合计 = Σ 类款（{col}）")


_T1_EXP = ("合计", "当年预算安排", "上年结转安排")
_T4_EXP = ("小计", *FUND_TYPES)
_BP = ("合计", "基本支出", "项目支出")
_FUNDS = ("合计", *FUND_TYPES)
_T12 = ("合计", *SOURCES)


def _is_expense(r: Row) -> bool:
    return not r.key.startswith("收入:") and r.key not in ("收入总计",)


def _rule(id: str, description: str, gen: Gen) -> Rule:
    return Rule(id, "M", "table", description, gen)


RULES: tuple[Rule, ...] = (
    # 表1
    _rule("T1-INCOME-SUM", "表1 本年收入合计等于五项收入之和",
          _equal(1, (("本年收入合计", "金额"),), tuple((s, "金额") for s in SOURCES), "表1 本年收入合计 = Σ 五项收入")),
    _rule("T1-INCOME-TOTAL", "表1 收入总计等于本年收入合计加上年结转",
          _equal(1, (("收入总计", "金额"),), (("本年收入合计", "金额"), ("上年结转", "金额")),
                 "表1 收入总计 = 本年收入合计 + 上年结转")),
    _rule("T1-BALANCE", "表1 收入总计等于支出总计",
          _equal(1, (("收入总计", "金额"),), (("支出总计", "合计"),), "表1 收入总计 = 支出总计")),
    _rule("T1-ROW", "表1 各类支出合计等于当年预算安排加上年结转安排",
          _row_sum(1, "合计", ("当年预算安排", "上年结转安排"), lambda r: "合计" in r.amounts)),
    _rule("T1-CLASSES", "表1 本年支出合计等于各类支出之和", _classes_sum(1, _T1_EXP)),
    _rule("T1-EXP-TOTAL", "表1 支出总计等于本年支出合计加年终结转",
          _declared(1, "支出总计", _T1_EXP, "表1 支出总计 = 本年支出合计 + 年终结转")),
    # 表2
    _rule("T2-ROW", "表2 每行本年收入合计等于各项来源之和", _row_sum(2, "合计", SOURCES)),
    _rule("T2-HIER", "表2 科目层级汇总（类 = Σ款，款 = Σ项，合计 = Σ类）", _hierarchy(2, ("合计", *SOURCES, "上年结转"))),
    # 表3
    _rule("T3-ROW", "表3 每行合计等于基本支出加项目支出", _row_sum(3, "合计", ("基本支出", "项目支出"))),
    _rule("T3-HIER", "表3 科目层级汇总（类 = Σ款，款 = Σ项，合计 = Σ类）", _hierarchy(3, _BP)),
    # 表4
    _rule("T4-INCOME-SUM", "表4 本年收入合计等于三类财政拨款收入之和",
          _equal(4, (("本年收入合计", "金额"),), tuple((s, "金额") for s in FUND_TYPES), "表4 本年收入合计 = Σ 三类拨款")),
    _rule("T4-CARRY-SUM", "表4 上年财政拨款结转等于三类结转之和",
          _equal(4, (("上年财政拨款结转", "金额"),), tuple((f"结转:{s}", "金额") for s in FUND_TYPES),
                 "表4 上年财政拨款结转 = Σ 三类结转")),
    _rule("T4-INCOME-TOTAL", "表4 收入总计等于本年收入合计加上年财政拨款结转",
          _equal(4, (("收入总计", "金额"),), (("本年收入合计", "金额"), ("上年财政拨款结转", "金额")),
                 "表4 收入总计 = 本年收入合计 + 上年财政拨款结转")),
    _rule("T4-BALANCE", "表4 收入总计等于支出总计",
          _equal(4, (("收入总计", "金额"),), (("支出总计", "小计"),), "表4 收入总计 = 支出总计")),
    _rule("T4-ROW", "表4 各类支出小计等于三类拨款之和",
          _row_sum(4, "小计", FUND_TYPES, lambda r: "小计" in r.amounts)),
    _rule("T4-CLASSES", "表4 本年支出合计等于各类支出之和", _classes_sum(4, _T4_EXP)),
    _rule("T4-EXP-TOTAL", "表4 支出总计等于本年支出合计加年终结转",
          _declared(4, "支出总计", _T4_EXP, "表4 支出总计 = 本年支出合计 + 年终结转")),
    # 表5
    _rule("T5-ROW", "表5 每行合计等于基本支出加项目支出", _row_sum(5, "合计", ("基本支出", "项目支出"))),
    _rule("T5-HIER", "表5 科目层级汇总（类 = Σ款，款 = Σ项，合计 = Σ类）", _hierarchy(5, _BP)),
    # 表6
    _rule("T6-ROW", "表6 每行合计等于人员经费加公用经费", _row_sum(6, "合计", ("人员经费", "公用经费"))),
    _rule("T6-CLASS", "表6 各类款等于其下经济科目之和", _children_sum(6, ("合计", "人员经费", "公用经费"))),
    _rule("T6-TOTAL", "表6 合计等于各类款之和", _t6_total),
    # 表7
    _rule("T7-HIER", "表7 收入科目层级汇总", _hierarchy(7, ("金额",))),
    # 表8
    _rule("T8-ROW", "表8 每行合计等于基本支出加项目支出", _row_sum(8, "合计", ("基本支出", "项目支出"))),
    _rule("T8-HIER", "表8 科目层级汇总（类 = Σ款，款 = Σ项，合计 = Σ类）", _hierarchy(8, _BP)),
    # 表9
    _rule("T9-ROW", "表9 每行支出合计等于基本支出加项目支出",
          _row_sum(9, "合计", ("基本支出", "项目支出"), _is_expense)),
    _rule("T9-HIER", "表9 支出科目层级汇总", _hierarchy(9, _BP)),
    _rule("T9-INCOME-HIER", "表9 收入科目层级汇总", _hierarchy(9, ("金额",), prefix="收入:")),
    # 表10
    _rule("T10-ROW", "表10 每行合计等于三类拨款之和", _row_sum(10, "合计", FUND_TYPES)),
    _rule("T10-CAR", "表10 公务用车购置及运行费等于①购置费加②运行维护费",
          _declared(10, "公务用车购置及运行费", _FUNDS, "表10 公务用车购置及运行费 = ① + ②")),
    _rule("T10-TOTAL", "表10 合计等于三项经费之和",
          _declared(10, "合计", _FUNDS, "表10 合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费")),
    # 表11
    _rule("T11-ROW", "表11 每行合计等于三类拨款之和", _row_sum(11, "合计", FUND_TYPES)),
    _rule("T11-UNITS", "表11 部门合计等于各单位之和", _children_sum(11, _FUNDS)),
    # 表12 / 表13
    _rule("T12-ROW", "表12 每行合计等于各资金来源之和", _row_sum(12, "合计", SOURCES)),
    _rule("T12-UNITS", "表12 总计与各单位小计等于其下各行之和", _children_sum(12, _T12)),
    _rule("T12-PROJECTS", "表12 总计等于全部项目之和", _projects_sum(12, _T12)),
    _rule("T13-ROW", "表13 每行合计等于三类拨款之和", _row_sum(13, "合计", FUND_TYPES)),
    _rule("T13-UNITS", "表13 总计与各单位小计等于其下各行之和", _children_sum(13, _FUNDS)),
    _rule("T13-PROJECTS", "表13 总计等于全部项目之和", _projects_sum(13, _FUNDS)),
)
