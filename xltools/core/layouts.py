"""The one source of truth for the 13 tables: titles, column keys, fixed rows.

The reader maps printed cells to these column keys, the rules relate cells by them, and
the workbook lays its sheets out from them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from xltools.core.table_kinds import (CLASS_TOTAL, CODED, CODED_SIDES, ECONOMIC, FIXED, PROJECTS, SUMMARY, UNITS, RowLike,
                                      TableKind)

# The 30 功能 类 printed in 表1 and 表4, in print order.
CLASSES: tuple[tuple[str, str], ...] = (
    ("201", "一般公共服务支出"),
    ("202", "外交支出"),
    ("203", "国防支出"),
    ("204", "公共安全支出"),
    ("205", "教育支出"),
    ("206", "科学技术支出"),
    ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"),
    ("209", "社会保险基金支出"),
    ("210", "卫生健康支出"),
    ("211", "节能环保支出"),
    ("212", "城乡社区支出"),
    ("213", "农林水支出"),
    ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"),
    ("216", "商业服务业等支出"),
    ("217", "金融支出"),
    ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"),
    ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"),
    ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"),
    ("227", "预备费"),
    ("229", "其他支出"),
    ("230", "转移性支出"),
    ("231", "债务还本支出"),
    ("232", "债务付息支出"),
    ("233", "债务发行费用支出"),
    ("234", "抗疫特别国债安排的支出"),
)
CLASS_NAMES: dict[str, str] = dict(CLASSES)

# Budget sources, in print order (表1 income, 表2 columns).
SOURCES: tuple[str, ...] = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
# The three 财政拨款 budget types (表4, 表10, 表11, 表13).
FUND_TYPES: tuple[str, ...] = SOURCES[:3]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # printed header (the lowest header row)
    # Printed header spanning this column and its neighbours of the same group, one row
    # above `header` ("" = none). "{year}" stands for the budget year (e.g. "{year}年预算数").
    group: str = ""


@dataclass(frozen=True)
class Side:
    """One side of a table: its columns and, for fixed-row tables, its fixed row keys."""

    name: str
    columns: tuple[Column, ...]
    fixed_rows: tuple[tuple[str, str], ...] = ()  # (key, printed label)


@dataclass(frozen=True)
class ColumnSum:
    """Each row's `total` column is the sum of its `parts` columns: the one declaration the
    table's row rule (T{n}-ROW) and the reader's placement of a short row both follow."""

    total: str
    parts: tuple[str, ...]
    description: str  # the row rule's, after "表{n} "


@dataclass(frozen=True)
class Identity:
    """lhs cells = rhs cells, (row, column) each, stated by the table as one rule: its id is
    "T{n}-" + `suffix`, its description and its subject follow "表{n} "."""

    suffix: str
    description: str
    lhs: tuple[tuple[str, str], ...]
    rhs: tuple[tuple[str, str], ...]
    subject: str


@dataclass(frozen=True)
class Layout:
    number: int
    title: str  # without the year prefix
    sides: tuple[Side, ...]
    coded: bool  # rows carry 功能/收入 codes
    total_key: str  # the row holding the table's grand total
    total_column: str
    kind: TableKind = CODED  # how its rows add up, are placed and labelled (`table_kinds`)
    # The printed label columns of each side (科目编码, 科目名称 …), left of its amounts.
    labels: tuple[tuple[str, ...], ...] = (("科目编码", "科目名称"),)
    label_group: str = ""  # printed above the label columns (项目 over 科目编码 / 科目名称)
    # Fixed sums, (total row, the rows that add into it), besides those the kind implies.
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The sums across each row, at most one per side.
    column_sums: tuple[ColumnSum, ...] = ()
    # Identities between fixed cells the table states besides its sums (表1's 收入总计 = 支出总计).
    identities: tuple[Identity, ...] = ()
    sheet: str = ""  # the workbook's sheet name (Excel: at most 31 characters, no []:*?/\)
    # A name too long for its cell may wrap onto a line of its own (tables_wrap joins it).
    wraps: bool = False
    # Shorter wordings units print for a fixed row, (a word the label contains, the row's key),
    # tried in order after the printed labels.
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c for s in self.sides for c in s.columns)

    def row_sum(self, side: int) -> tuple[int, tuple[int, ...]] | None:
        """The column sum within side `side`, as positions among that side's columns
        (total, parts); None when its rows carry no sum (表7, the income sides)."""
        keys = [c.key for c in self.sides[side].columns]
        for cs in self.column_sums:
            if cs.total in keys:
                return keys.index(cs.total), tuple(keys.index(p) for p in cs.parts)
        return None


def _cols(*keys: str, group: str = "") -> tuple[Column, ...]:
    return tuple(Column(k, k, group) for k in keys)


YEAR_BUDGET = "{year}年预算数"
YEAR_GRANT = "{year}年财政拨款"


_AMOUNT = (Column("金额", "金额"),)
_KEYS_BP = ("合计", "基本支出", "项目支出")
_BASIC_PROJECT = _cols(*_KEYS_BP)
_FUNDS = _cols("合计", *FUND_TYPES)

T1_INCOME = tuple((s, f"{n}、{s}") for n, s in zip("一二三四五", SOURCES)) + (
    ("本年收入合计", "本年收入合计"),
    ("上年结转", "上年结转"),
    ("收入总计", "收入总计"),
)
T1_EXPENSE_TOTALS = (("本年支出合计", "本年支出合计"), ("年终结转", "年终结转"), ("支出总计", "支出总计"))

T4_INCOME = tuple((s, f"{n}、{s}") for n, s in zip("一二三", FUND_TYPES)) + (
    ("本年收入合计", "本年收入合计"),
    ("上年财政拨款结转", "上年财政拨款结转"),
) + tuple((f"结转:{s}", f"{n}、{s}") for n, s in zip("一二三", FUND_TYPES)) + (("收入总计", "收入总计"),)

T10_ROWS = (
    ("因公出国（境）费", "因公出国（境）费"),
    ("公务接待费", "公务接待费"),
    ("公务用车购置及运行费", "公务用车购置及运行费"),
    ("公务用车购置费", "①公务用车购置费"),
    ("公务用车运行维护费", "②公务用车运行维护费"),
    ("合计", "合计"),
)

# 表1/表4: 本年支出合计 and 年终结转 add into 支出总计; the 类 rows into 本年支出合计 (kind).
_SUMMARY_SUMS = (("支出总计", (CLASS_TOTAL, "年终结转")),)
# Shorter wordings of 表10's rows that units print.
T10_ALIASES = (("出国", "因公出国（境）费"), ("接待", "公务接待费"), ("购置及运行", "公务用车购置及运行费"),
               ("运行维护", "公务用车运行维护费"), ("购置费", "公务用车购置费"), ("运行费", "公务用车运行维护费"))
T10_SUMS = (
    ("公务用车购置及运行费", ("公务用车购置费", "公务用车运行维护费")),
    ("合计", ("因公出国（境）费", "公务接待费", "公务用车购置及运行费")),
)
_SUMMARY_LABELS = (("项目",), ("科目编码", "项目"))
T1_IDENTITIES = (
    Identity("INCOME-SUM", "本年收入合计等于五项收入之和", (("本年收入合计", "金额"),), tuple((s, "金额") for s in SOURCES),
             "本年收入合计 = Σ 五项收入"),
    Identity("INCOME-TOTAL", "收入总计等于本年收入合计加上年结转", (("收入总计", "金额"),),
             (("本年收入合计", "金额"), ("上年结转", "金额")), "收入总计 = 本年收入合计 + 上年结转"),
    Identity("BALANCE", "收入总计等于支出总计", (("收入总计", "金额"),), (("支出总计", "合计"),), "收入总计 = 支出总计"),
)
T4_IDENTITIES = (
    Identity("INCOME-SUM", "本年收入合计等于三类财政拨款收入之和", (("本年收入合计", "金额"),),
             tuple((s, "金额") for s in FUND_TYPES), "本年收入合计 = Σ 三类拨款"),
    Identity("CARRY-SUM", "上年财政拨款结转等于三类结转之和", (("上年财政拨款结转", "金额"),),
             tuple((f"结转:{s}", "金额") for s in FUND_TYPES), "上年财政拨款结转 = Σ 三类结转"),
    Identity("INCOME-TOTAL", "收入总计等于本年收入合计加上年财政拨款结转", (("收入总计", "金额"),),
             (("本年收入合计", "金额"), ("上年财政拨款结转", "金额")), "收入总计 = 本年收入合计 + 上年财政拨款结转"),
    Identity("BALANCE", "收入总计等于支出总计", (("收入总计", "金额"),), (("支出总计", "小计"),), "收入总计 = 支出总计"),
)
_BP_SUM = (ColumnSum("合计", ("基本支出", "项目支出"), "每行合计等于基本支出加项目支出"),)
_FUNDS_SUM = (ColumnSum("合计", FUND_TYPES, "每行合计等于三类拨款之和"),)
_UNIT = (("单位名称",),)
_PROJECT = (("项目名称",),)

LAYOUTS: dict[int, Layout] = {
    1: Layout(1, "预算收支总表", (
        Side("收入", _AMOUNT, T1_INCOME),
        Side("支出", _cols("合计", "当年预算安排", "上年结转安排"), CLASSES + T1_EXPENSE_TOTALS),
    ), False, "收入总计", "金额", kind=SUMMARY, labels=_SUMMARY_LABELS, sums=_SUMMARY_SUMS, identities=T1_IDENTITIES,
        column_sums=(ColumnSum("合计", ("当年预算安排", "上年结转安排"), "各类支出合计等于当年预算安排加上年结转安排"),),
        sheet="表1 收支总表"),
    2: Layout(2, "预算收入总表", (Side("", _cols("合计", *SOURCES, group="本年收入") + _cols("上年结转")),),
              True, "合计", "合计", label_group="项目",
              column_sums=(ColumnSum("合计", SOURCES, "每行本年收入合计等于各项来源之和"),),
              sheet="表2 收入总表", wraps=True),
    3: Layout(3, "预算支出总表", (Side("", _cols(*_KEYS_BP, group=YEAR_BUDGET)),), True, "合计", "合计",
              label_group="项目", column_sums=_BP_SUM,
              sheet="表3 支出总表", wraps=True),
    4: Layout(4, "财政拨款收支总表", (
        Side("收入", _AMOUNT, T4_INCOME),
        Side("支出", _cols("小计", *FUND_TYPES), CLASSES + T1_EXPENSE_TOTALS),
    ), False, "收入总计", "金额", kind=SUMMARY, labels=_SUMMARY_LABELS, sums=_SUMMARY_SUMS, identities=T4_IDENTITIES,
        column_sums=(ColumnSum("小计", FUND_TYPES, "各类支出小计等于三类拨款之和"),),
        sheet="表4 财政拨款收支总表"),
    5: Layout(5, "一般公共预算支出预算表（不含上年结转）", (Side("", _cols(*_KEYS_BP, group=YEAR_BUDGET)),), True,
              "合计", "合计", label_group="项目", column_sums=_BP_SUM,
              sheet="表5 一般公共预算支出", wraps=True),
    6: Layout(6, "一般公共预算安排基本支出分经济科目表（不含上年结转）",
              (Side("", _cols("合计", "人员经费", "公用经费", group=YEAR_BUDGET)),), False, "合计", "合计",
              kind=ECONOMIC, labels=(("部门预算经济科目", "政府预算经济科目"),),
              column_sums=(ColumnSum("合计", ("人员经费", "公用经费"), "每行合计等于人员经费加公用经费"),),
              sheet="表6 基本支出经济科目", wraps=True),
    7: Layout(7, "政府性基金预算收入表（不含上年结转）", (Side("", (Column("金额", "金额", "政府性基金收入预算"),)),),
              True, "合计", "金额", label_group="项目",
              sheet="表7 政府性基金收入", wraps=True),
    8: Layout(8, "政府性基金预算支出表（不含上年结转）", (Side("", _BASIC_PROJECT),), True, "合计", "合计",
              column_sums=_BP_SUM,
              sheet="表8 政府性基金支出", wraps=True),
    9: Layout(9, "国有资本经营预算收支预算表（不含上年结转）", (
        Side("收入", _AMOUNT),
        Side("支出", _BASIC_PROJECT),
    ), True, "收入:合计", "金额", kind=CODED_SIDES, labels=(("科目编码", "科目名称"), ("科目编码", "科目名称")),
        column_sums=(ColumnSum("合计", ("基本支出", "项目支出"), "每行支出合计等于基本支出加项目支出"),),
        sheet="表9 国有资本经营收支"),
    10: Layout(10, "财政拨款安排“三公”经费支出预算表", (Side("", _cols("合计", *FUND_TYPES, group=YEAR_BUDGET), T10_ROWS),),
               False, "合计", "合计", kind=FIXED, labels=(("项目",),), sums=T10_SUMS, column_sums=_FUNDS_SUM,
               sheet="表10 三公经费", aliases=T10_ALIASES),
    11: Layout(11, "财政拨款安排机关运行经费预算表", (Side("", _cols("合计", *FUND_TYPES, group=YEAR_BUDGET)),), False,
               "部门合计", "合计", kind=UNITS, labels=_UNIT, column_sums=_FUNDS_SUM,
               sheet="表11 机关运行经费", wraps=True),
    12: Layout(12, "项目支出预算表（本年预算）", (Side("", _cols("合计") + _cols(*FUND_TYPES, group=YEAR_GRANT)
                                                  + _cols(*SOURCES[3:])),), False, "总计", "合计",
               kind=PROJECTS, labels=_PROJECT,
               column_sums=(ColumnSum("合计", SOURCES, "每行合计等于各资金来源之和"),),
               sheet="表12 项目支出本年", wraps=True),
    13: Layout(13, "项目支出预算表（上年结转）", (Side("", _cols("合计") + _cols(*FUND_TYPES, group=YEAR_GRANT)),), False,
               "总计", "合计", kind=PROJECTS, labels=_PROJECT, column_sums=_FUNDS_SUM,
               sheet="表13 项目支出上年结转", wraps=True),
}


def code_level(code: str) -> int:
    """A 功能/收入 code's level: 类 (3 digits) 1, 款 (5) 2, 项 (7) 3."""
    return {3: 1, 5: 2, 7: 3}.get(len(code), 1)


def adds_into(number: int, rows: Iterable[RowLike]) -> dict[str, str]:
    """Row key → the key of the row it adds into, one level up: the one declaration of a
    table's sums that the reader's placement and the sum rules both follow."""
    lay = LAYOUTS[number]
    out: dict[str, str] = {}
    for r in rows:
        parent = lay.kind.parent(r, lay.total_key)
        if parent:
            out[r.key] = parent
    for total, parts in lay.sums:
        for part in parts:
            out[part] = total
    return out


def parts_of(number: int, rows: Iterable[RowLike]) -> dict[str, list[str]]:
    """Row key → the keys of the rows that add into it, in row order."""
    out: dict[str, list[str]] = {}
    rows = list(rows)
    into = adds_into(number, rows)
    order = {r.key: i for i, r in enumerate(rows)}
    for child, parent in sorted(into.items(), key=lambda kv: order.get(kv[0], len(order))):
        out.setdefault(parent, []).append(child)
    return out


def column_keys(number: int) -> tuple[str, ...]:
    return tuple(c.key for c in LAYOUTS[number].columns)


def group_header(column: Column, year: int | None) -> str:
    """A column's group header for a given budget year (without one: no year prefix)."""
    return column.group.replace("{year}", str(year)) if year else column.group.replace("{year}年", "").replace("{year}", "")
