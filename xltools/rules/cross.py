"""Identities across tables (DOMAIN.md "Across tables"), M and A."""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable, Iterable, Iterator

from xltools.core.layouts import CLASS_NAMES, FUND_TYPES, SOURCES
from xltools.core.model import Document
from xltools.rules.common import cell, coded_rows, label, money, present, table
from xltools.core.references import Ref, TableCell
from xltools.rules.core import AtMost, Equal, Instance, Rule, Verdict, terms

Gen = Callable[[Document], Iterable[Instance]]


def _pairs(tables: tuple[int, ...], pairs: tuple[tuple[Ref, tuple[Ref, ...], str], ...]) -> Gen:
    """Fixed equalities between named cells: (lhs, rhs cells, subject)."""

    def gen(doc: Document) -> Iterator[Instance]:
        if present(doc, *tables):
            for lhs, rhs, subject in pairs:
                yield Instance(Equal(terms(lhs), terms(*rhs)), subject)

    return gen


def _by_code(a: int, a_col: str, b: int, b_cols: tuple[str, ...]) -> Gen:
    """For every code printed in table `a` or `b`: a[code][a_col] = Σ b[code][b_cols]."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, a, b):
            return
        codes: dict[str, None] = {"合计": None}
        for n in (a, b):
            for r in coded_rows(table(doc, n)):
                codes.setdefault(r.code or "", None)
        for code in codes:
            yield Instance(Equal(terms(cell(a, code, a_col)), terms(*(cell(b, code, c) for c in b_cols))),
                           f"{code} {_name(doc, code)}：表{a} {a_col} = 表{b} {' + '.join(b_cols)}")

    return gen


def _name(doc: Document, code: str) -> str:
    for n in (2, 3, 5, 8):
        t = doc.table(n)
        r = t.row(code) if t else None
        if r is not None:
            return r.name
    return CLASS_NAMES.get(code, "")


def _t1_classes(doc: Document) -> Iterator[Instance]:
    """表1 each 类 = 表3 same 类; its 当年 / 上年结转 parts = 表2 本年收入合计 / 上年结转."""
    if not present(doc, 1, 2, 3):
        return
    codes = {r.key for r in table(doc, 1).rows if r.kind == "class"}
    codes |= {r.code for n in (2, 3) for r in coded_rows(table(doc, n)) if r.code and len(r.code) == 3}
    for code in sorted(codes):
        name = CLASS_NAMES.get(code, _name(doc, code))
        yield Instance(Equal(terms(cell(1, code, "合计")), terms(cell(3, code, "合计"))), f"{code} {name}：表1 合计 = 表3 合计")
        yield Instance(Equal(terms(cell(1, code, "当年预算安排")), terms(cell(2, code, "合计"))),
                       f"{code} {name}：表1 当年预算安排 = 表2 本年收入合计")
        yield Instance(Equal(terms(cell(1, code, "上年结转安排")), terms(cell(2, code, "上年结转"))),
                       f"{code} {name}：表1 上年结转安排 = 表2 上年结转")


def _t4_types(doc: Document) -> Iterator[Instance]:
    """表4 income by type = 表2 合计 row by source; 表4 expenditure of a type = its income + its carry-over."""
    if not present(doc, 2, 4):
        return
    for s in FUND_TYPES:
        yield Instance(Equal(terms(cell(4, s, "金额")), terms(cell(2, "合计", s))), f"{s}：表4 收入 = 表2 合计行")
    for s in FUND_TYPES:
        yield Instance(Equal(terms(cell(4, "支出总计", s)), terms(cell(4, s, "金额"), cell(4, f"结转:{s}", "金额"))),
                       f"{s}：表4 支出总计 = 本年收入 + 上年结转")


def _classes_known(doc: Document) -> Iterator[Instance]:
    """Every 类 printed in 表2/3/5 is one of the 30 rows of 表1 and 表4."""
    for n in (2, 3, 5):
        t = doc.table(n)
        if t is None:
            continue
        for r in coded_rows(t):
            if r.code and len(r.code) == 3:
                ok = r.code in CLASS_NAMES
                yield Instance(Verdict(ok, "表1/表4 的30个类之一", r.code, refs=(cell(n, r.key, "合计"),)),
                               f"{label(n, r)} 不在表1/表4 的类中" if not ok else f"{label(n, r)}")


def _find(doc: Document, n: int, name: str) -> str | None:
    t = doc.table(n)
    if t is None:
        return None
    for r in t.rows:
        if _norm(r.name) == name:
            return r.key
    return None


def _at_most(n_small: int, small_name: str, small_col: str, n_big: int, big_key: str, big_col: str, subject: str) -> Gen:
    """A row of one table, found by name, is at most a cell of another."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n_small, n_big):
            return
        key = _find(doc, n_small, small_name)
        if key is not None:
            yield Instance(AtMost(terms(cell(n_small, key, small_col)), terms(cell(n_big, big_key, big_col))), subject)

    return gen


def _norm(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    return s.replace("(", "（").replace(")", "）")


_NAMED_TABLES = (1, 2, 3, 4, 5, 7, 8, 9)  # the tables that print a code beside its name


def _code_names(doc: Document) -> Iterator[Instance]:
    """The same code carries the same name everywhere in the document."""
    seen: dict[str, dict[str, list[tuple[int, int, str]]]] = defaultdict(lambda: defaultdict(list))
    for n in _NAMED_TABLES:
        t = doc.table(n)
        if t is None:
            continue
        for r in t.rows:
            code = r.code or (r.key if r.kind == "class" and r.key in CLASS_NAMES else None)
            if code and r.name:
                seen[code][_norm(r.name)].append((n, r.line, r.name))
    for code, names in seen.items():
        if len(names) < 2:
            continue
        variants = "；".join(
            f"“{ps[0][2]}”（表{'、'.join(str(n) for n in sorted({p[0] for p in ps}))}）" for ps in names.values())
        lines = tuple(sorted({line for ps in names.values() for _, line, _ in ps}))
        yield Instance(Verdict(False, "同一名称", variants, lines=lines), f"科目 {code} 名称不一致：{variants}",
                       key=f"科目/{code}")


def _t12_t13_projects(doc: Document) -> Iterator[Instance]:
    if present(doc, 3, 12, 13):
        yield Instance(Equal(terms(cell(12, "总计", "合计"), cell(13, "总计", "合计")), terms(cell(3, "合计", "项目支出"))),
                       "表12 合计 + 表13 合计 = 表3 项目支出")


_FUND = "政府性基金预算"


def _t7_empty(doc: Document) -> Iterator[Instance]:
    """表7 lists fund revenue by 收入科目; a unit that only receives a fund appropriation may
    print it empty, but a reviewer asks why when 表1/2/4 show fund income and 表8 spends it."""
    if not present(doc, 7, 8):
        return
    t8 = table(doc, 8).row("合计")
    spent = t8.get("合计") if t8 is not None else None
    income = [(ref, v) for ref in (cell(1, _FUND, "金额"), cell(2, "合计", _FUND), cell(4, _FUND, "金额"))
              if (v := _value(doc, ref))]
    if not income or not spent:
        return
    ref, amount = income[0]
    where = f"表{ref.table}"
    refs = (ref, cell(8, "合计", "合计"))
    t7 = table(doc, 7)
    if not t7.empty:
        yield Instance(Verdict(True, None, None, refs), f"表7 列有政府性基金收入，{where} 政府性基金预算收入与表8 支出同见")
        return
    also = "、".join(f"表{r.table}" for r, _ in income[1:])
    yield Instance(Verdict(False, amount, 0.0, refs, (t7.line,)),
                   f"表7 政府性基金预算收入表为空，而{where} 政府性基金预算收入 {money(amount)}"
                   f"{f'（{also} 同）' if also else ''}、表8 政府性基金预算支出合计 {money(spent)}：请核实表7 是否漏列收入科目")


def _value(doc: Document, ref: TableCell) -> float | None:
    t = doc.table(ref.table)
    r = t.row(ref.row) if t is not None else None
    return r.get(ref.column) if r is not None else None


def _m(id: str, tables: tuple[int, ...], description: str, gen: Gen, also_reads: tuple[int, ...] = ()) -> Rule:
    """A mandatory rule across `tables` (each needed to check it), reading `also_reads` where printed."""
    return Rule(id, "M", "cross", description, gen, tables, also_reads)


def _a(id: str, tables: tuple[int, ...], description: str, gen: Gen, also_reads: tuple[int, ...] = ()) -> Rule:
    return Rule(id, "A", "cross", description, gen, tables, also_reads)


RULES: tuple[Rule, ...] = (
    _m("X-T1-T2-INCOME", (1, 2), "表1 各项收入及上年结转等于表2 合计行",
       _pairs((1, 2), tuple((cell(1, s, "金额"), (cell(2, "合计", s),), f"{s}：表1 = 表2 合计行") for s in SOURCES)
              + ((cell(1, "上年结转", "金额"), (cell(2, "合计", "上年结转"),), "上年结转：表1 = 表2 合计行"),))),
    _m("X-T1-T3-TOTAL", (1, 3), "表1 支出总计等于表3 合计",
       _pairs((1, 3), ((cell(1, "支出总计", "合计"), (cell(3, "合计", "合计"),), "表1 支出总计 = 表3 合计"),))),
    _m("X-T1-CLASS", (1, 2, 3), "表1 各类支出等于表3 同类合计，其当年预算安排、上年结转安排等于表2 同类", _t1_classes),
    _m("X-T3-T2", (3, 2), "表3 各科目合计等于表2 本年收入合计加上年结转", _by_code(3, "合计", 2, ("合计", "上年结转"))),
    _m("X-T5-T2", (5, 2), "表5 各科目合计等于表2 一般公共预算", _by_code(5, "合计", 2, ("一般公共预算",))),
    _m("X-T5-T6", (5, 6), "表5 基本支出合计等于表6 合计",
       _pairs((5, 6), ((cell(5, "合计", "基本支出"), (cell(6, "合计", "合计"),), "表5 基本支出 = 表6 合计"),))),
    _m("X-T4-T2", (4, 2), "表4 各类收入等于表2 合计行同一来源，各类支出等于其收入加结转", _t4_types),
    _m("X-T8-T2", (8, 2), "表8 各科目合计等于表2 政府性基金预算", _by_code(8, "合计", 2, ("政府性基金预算",))),
    _m("X-T9-T2", (9, 2), "表9 各科目合计等于表2 国有资本经营预算", _by_code(9, "合计", 2, ("国有资本经营预算",))),
    _m("X-T12-FUNDS", (12, 5, 8, 9), "表12 各财政拨款列等于表5/表8/表9 项目支出",
       _pairs((5, 8, 9, 12), (
           (cell(12, "总计", "一般公共预算"), (cell(5, "合计", "项目支出"),), "表12 一般公共预算 = 表5 项目支出"),
           (cell(12, "总计", "政府性基金预算"), (cell(8, "合计", "项目支出"),), "表12 政府性基金预算 = 表8 项目支出"),
           (cell(12, "总计", "国有资本经营预算"), (cell(9, "合计", "项目支出"),), "表12 国有资本经营预算 = 表9 项目支出"),
       ))),
    _m("X-T12-T13-T3", (12, 13, 3), "表12 合计加表13 合计等于表3 项目支出", _t12_t13_projects),
    _m("X-CLASS-KNOWN", (), "表2/表3/表5 的每个类都在表1/表4 的30个类之中", _classes_known, also_reads=(2, 3, 5)),
    _a("X-T13-T1", (13, 1), "表13 合计通常等于表1 上年结转",
       _pairs((1, 13), ((cell(13, "总计", "合计"), (cell(1, "上年结转", "金额"),), "表13 合计 = 表1 上年结转"),))),
    _a("X-T6-T10-RECEPTION", (6, 10), "表6 公务接待费不超过表10 公务接待费",
       _at_most(6, "公务接待费", "合计", 10, "公务接待费", "合计", "表6 公务接待费 ≤ 表10 公务接待费")),
    _a("X-T6-T10-CAR", (6, 10), "表6 公务用车运行维护费不超过表10 ②公务用车运行维护费",
       _at_most(6, "公务用车运行维护费", "合计", 10, "公务用车运行维护费", "合计", "表6 公务用车运行维护费 ≤ 表10 ②运行维护费")),
    _a("X-T11-T6", (11, 6), "表11 机关运行经费合计不超过表6 公用经费",
       lambda doc: (Instance(AtMost(terms(cell(11, "部门合计", "合计")), terms(cell(6, "合计", "公用经费"))),
                             "表11 合计 ≤ 表6 公用经费") for _ in [0] if present(doc, 6, 11))),
    _a("X-CODE-NAME", (), "同一科目编码在全文中名称一致", _code_names, also_reads=_NAMED_TABLES),
    _a("X-T12-T2-SOURCE", (12, 2), "表12 各资金来源不超过表2 合计行同一来源",
       lambda doc: (Instance(AtMost(terms(cell(12, "总计", s)), terms(cell(2, "合计", s))),
                             f"{s}：表12 总计 ≤ 表2 合计行") for s in SOURCES if present(doc, 2, 12))),
    _a("X-T7-FUND", (7, 8), "表1/表2/表4 有政府性基金收入且表8 有支出时，表7 列出政府性基金收入", _t7_empty,
       also_reads=(1, 2, 4)),
)

