"""The 13 tables read from the three seeds (totals, row counts, tricky rows by line) and
from small synthetic texts (placement by arithmetic, unit subtotals, odd layouts)."""
from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import SEED_PATHS

from xltools.core.layouts import CLASSES, column_keys
from xltools.core.model import ReadNote, Row, Table
from xltools.read.regions import find_regions
from xltools.read.tables import read_tables
from xltools.read.text import decode, to_lines

Read = tuple[dict[int, Table | None], list[ReadNote]]


def read_text(text: str) -> Read:
    lines = to_lines(text)
    tables, notes, _ = read_tables(lines, find_regions(lines))
    return tables, notes


@lru_cache(maxsize=None)
def seed(key: str) -> Read:
    path = SEED_PATHS[key]
    lines = to_lines(decode(path.read_bytes(), str(path)))
    tables, notes, _ = read_tables(lines, find_regions(lines))
    return tables, notes


def table(key: str, n: int) -> Table:
    t = seed(key)[0][n]
    assert t is not None
    return t


def row(t: Table, key: str) -> Row:
    r = t.row(key)
    assert r is not None, f"表{t.number} has no row {key}"
    return r


def amounts(r: Row, *columns: str) -> tuple[float | None, ...]:
    return tuple(r.get(c) for c in columns)


def notes_of(rule: str, notes: list[ReadNote]) -> list[ReadNote]:
    return [n for n in notes if n.rule == rule]


def doc(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Seed 000: plain text, 表7–11 empty, 表13 repeats its unit row.

def test_000_titles_and_lines() -> None:
    tables, notes = seed("000")
    assert all(tables[n] is not None for n in range(1, 14))
    assert notes == []
    t1 = table("000", 1)
    assert (t1.title, t1.line, t1.label_line) == ("2026年预算收支总表", 86, 84)
    assert table("000", 2).line == 131 and table("000", 2).label_line is None
    assert table("000", 13).title == "2026年项目支出预算表（上年结转）"


def test_000_table1() -> None:
    t = table("000", 1)
    assert len(t.rows) == 41
    assert [r.key for r in t.rows if r.kind == "class"] == [c for c, _ in CLASSES]
    assert row(t, "收入总计").get("金额") == 1271.91
    assert row(t, "一般公共预算").get("金额") == 1172.86
    assert row(t, "政府性基金预算").get("金额") is None
    assert row(t, "上年结转").get("金额") == 99.05
    assert row(t, "本年收入合计").get("金额") == 1172.86
    r201 = row(t, "201")
    assert (r201.line, r201.name, r201.code) == (94, "一般公共服务支出", "201")
    assert amounts(r201, "合计", "当年预算安排", "上年结转安排") == (855.84, 756.79, 99.05)
    assert amounts(row(t, "212"), "合计", "当年预算安排", "上年结转安排") == (363.38, 363.38, None)
    assert row(t, "223").line == 116  # after the page break
    assert amounts(row(t, "支出总计"), "合计", "当年预算安排", "上年结转安排") == (1271.91, 1172.86, 99.05)
    assert all(v is None for v in row(t, "年终结转").amounts.values())
    # each side keeps its own columns
    assert set(row(t, "收入总计").amounts) == {"金额"}
    assert set(r201.amounts) == {"合计", "当年预算安排", "上年结转安排"}


def test_000_table2_and_the_short_row_after_the_break() -> None:
    t = table("000", 2)
    assert len(t.rows) == 29
    assert amounts(row(t, "合计"), "合计", "一般公共预算", "上年结转") == (1172.86, 1172.86, 99.05)
    assert amounts(row(t, "20139"), "合计", "一般公共预算", "上年结转") == (715.12, 715.12, 60.59)
    # line 157: one tab fewer after the blank line 156; its values stay where printed.
    r = row(t, "2080506")
    assert r.line == 157
    assert r.amounts == {"合计": 7.75, "一般公共预算": 7.75, "政府性基金预算": None, "国有资本经营预算": None,
                         "财政专户管理资金": None, "单位资金": None, "上年结转": None}
    assert tuple(r.amounts) == column_keys(2)
    assert row(t, "2210201").line == 168
    assert isinstance(row(t, "2010199").code, str)


def test_000_tables3_to_6() -> None:
    t3 = table("000", 3)
    assert len(t3.rows) == 29
    assert amounts(row(t3, "合计"), "合计", "基本支出", "项目支出") == (1271.91, 171.30, 1100.61)
    assert amounts(row(t3, "2013299"), "合计", "基本支出", "项目支出") == (72.13, 0.48, 71.65)
    t4 = table("000", 4)
    assert len(t4.rows) == 42
    assert row(t4, "收入总计").get("金额") == 1271.91
    assert row(t4, "上年财政拨款结转").get("金额") == 99.05
    assert row(t4, "结转:一般公共预算").get("金额") == 99.05
    assert row(t4, "结转:一般公共预算").line == 250
    assert row(t4, "结转:政府性基金预算").get("金额") is None
    assert amounts(row(t4, "支出总计"), "小计", "一般公共预算") == (1271.91, 1271.91)
    t5 = table("000", 5)
    assert len(t5.rows) == 29
    assert amounts(row(t5, "合计"), "合计", "基本支出", "项目支出") == (1172.86, 171.30, 1001.56)
    t6 = table("000", 6)
    assert len(t6.rows) == 18
    assert amounts(row(t6, "合计"), "合计", "人员经费", "公用经费") == (171.30, 160.34, 10.96)
    classes = [r for r in t6.rows if r.kind == "class"]
    assert [r.name for r in classes] == ["工资福利支出", "商品和服务支出", "对个人和家庭的补助"]
    last = t6.rows[-1]
    assert (last.line, last.name, last.second_name, last.parent) == (318, "奖励金", "社会福利和救助", classes[2].key)


def test_000_empty_tables() -> None:
    for n in (7, 8, 9, 10, 11):
        t = table("000", n)
        assert t.empty, n
        assert all(v is None for r in t.rows for v in r.amounts.values())
    assert [r.key for r in table("000", 7).rows] == ["合计"]
    assert [r.key for r in table("000", 8).rows] == ["合计"]
    assert [r.key for r in table("000", 11).rows] == ["部门合计"]
    assert [r.key for r in table("000", 10).rows] == [
        "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行维护费", "合计"]
    for n in (1, 2, 3, 4, 5, 6, 12, 13):
        assert not table("000", n).empty


def test_000_projects() -> None:
    t12 = table("000", 12)
    total = row(t12, "总计")
    assert (total.line, total.kind, total.name) == (394, "total", "阳泉高新技术产业开发区大连街管理服务中心")
    assert amounts(total, "合计", "一般公共预算") == (1001.56, 1001.56)
    projects = [r for r in t12.rows if r.kind == "item"]
    assert len(projects) == 20 and len(t12.rows) == 21
    assert all(r.parent == "总计" for r in projects)
    assert (projects[8].line, projects[8].name, projects[8].get("合计")) == (403, "长岭涵洞工程欠款", 83.47)
    t13 = table("000", 13)
    assert amounts(row(t13, "总计"), "合计", "一般公共预算") == (99.05, 99.05)
    units = [r for r in t13.rows if r.kind == "subtotal"]
    assert [(u.key, u.line, u.parent, u.level, u.get("合计")) for u in units] == [("u1", 426, "总计", 1, 99.05)]
    projects = [r for r in t13.rows if r.kind == "item"]
    assert len(projects) == 8
    assert all(r.parent == "u1" and r.level == 2 for r in projects)
    assert round(sum(r.get("合计") or 0 for r in projects), 2) == 99.06  # 尾差 0.01 against 99.05


# ---------------------------------------------------------------------------
# Seed 001: markdown, many page breaks inside 表2, repeated names in 表6.

def test_001_table2_page_breaks() -> None:
    tables, notes = seed("001")
    t = table("001", 2)
    assert len(t.rows) == 51
    assert amounts(row(t, "合计"), "合计", "一般公共预算", "上年结转") == (1330.85, 1330.85, 2009.25)
    assert amounts(row(t, "2050299"), "合计", "上年结转") == (None, 175.40)
    assert amounts(row(t, "2080505"), "合计", "一般公共预算") == (55.63, 55.63)
    # After the break at line 165 the rows are a cell short: 上年结转 printed in 单位资金.
    moved = {177: ("212", 724.09, 131.15), 181: ("21203", 75.84, 131.15), 182: ("2120303", 75.84, 131.15),
             188: ("221", 55.57, 1702.70), 189: ("22101", 10.00, 1702.70), 190: ("2210107", None, 2.70),
             191: ("2210108", None, 1700.00)}
    for line, (code, general, carry) in moved.items():
        r = row(t, code)
        assert r.line == line
        assert amounts(r, "一般公共预算", "单位资金", "上年结转") == (general, None, carry), code
    placements = notes_of("READ-PLACEMENT", notes)
    assert sorted(n.line for n in placements) == sorted(moved)
    assert all(n.table == 2 and "上年结转" in n.message for n in placements)
    assert "131.15" in next(n.message for n in placements if n.line == 177)
    assert [n for n in notes if n.rule != "READ-PLACEMENT"] == []
    assert row(t, "22102").line == 196


def test_001_other_tables() -> None:
    t1 = table("001", 1)
    assert row(t1, "收入总计").get("金额") == 3340.11
    assert amounts(row(t1, "221"), "合计", "当年预算安排", "上年结转安排") == (1758.27, 55.57, 1702.70)
    assert row(t1, "232").line == 128  # 二十八、债务付息支出, after the break
    t3 = table("001", 3)
    assert amounts(row(t3, "合计"), "合计", "基本支出", "项目支出") == (3340.11, 612.70, 2727.40)
    assert len(t3.rows) == 51
    t4 = table("001", 4)
    assert row(t4, "结转:一般公共预算").get("金额") == 2009.25
    t5 = table("001", 5)
    assert amounts(row(t5, "合计"), "合计", "基本支出", "项目支出") == (1330.85, 612.70, 718.15)
    assert len(t5.rows) == 46
    for n in (7, 8, 9):
        assert table("001", n).empty
    t10 = table("001", 10)
    assert not t10.empty
    assert amounts(row(t10, "合计"), "合计", "一般公共预算") == (3.60, 3.60)
    assert row(t10, "公务用车运行维护费").get("合计") == 3.60
    assert row(t10, "公务用车购置费").get("合计") is None
    t11 = table("001", 11)
    assert [(r.key, r.parent, r.get("合计")) for r in t11.rows] == [("部门合计", None, 58.37), ("u1", "部门合计", 58.37)]


def test_001_table6_repeated_names() -> None:
    t = table("001", 6)
    assert len(t.rows) == 34
    assert amounts(row(t, "合计"), "合计", "人员经费", "公用经费") == (612.70, 554.34, 58.37)
    assert [r.name for r in t.rows if r.kind == "class"] == ["工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出"]
    pension = [(r.line, r.second_name, r.get("合计")) for r in t.rows if r.name == "机关事业单位基本养老保险缴费"]
    assert pension == [(389, "社会保障缴费", 10.42), (390, "工资福利支出", 45.21)]
    assert len({r.key for r in t.rows}) == len(t.rows)
    assert row(t, "p24").name == "维修(护)费"


def test_001_projects() -> None:
    t12 = table("001", 12)
    assert row(t12, "总计").get("合计") == 718.15
    projects = [r for r in t12.rows if r.kind == "item"]
    assert len(projects) == 30
    assert [r.line for r in projects if r.line > 517][:1] == [519]  # after the break at 518
    t13 = table("001", 13)
    assert row(t13, "总计").get("合计") == 2009.25
    assert [r.kind for r in t13.rows] == ["total", "subtotal", "item", "item", "item", "item"]
    assert row(t13, "p2").name == "华西小区改造(城财基2021年444号)"


# ---------------------------------------------------------------------------
# Seed 003: the largest; 表7 and 表8 filled; label lines inside the previous table.

def test_003_tables() -> None:
    tables, notes = seed("003")
    assert notes == []
    t1 = table("003", 1)
    assert row(t1, "收入总计").get("金额") == 8530.80
    assert row(t1, "政府性基金预算").get("金额") == 500.00
    t2 = table("003", 2)
    assert len(t2.rows) == 51
    assert amounts(row(t2, "合计"), "合计", "一般公共预算", "政府性基金预算", "上年结转") == (8527.45, 8027.45, 500.00, 3.35)
    r = row(t2, "2013902")  # first row after the break at 140 carries only 上年结转
    assert (r.line, r.get("合计"), r.get("上年结转")) == (142, None, 3.35)
    assert row(t2, "20604").name == "技术与研究开发"
    t3 = table("003", 3)
    assert amounts(row(t3, "合计"), "合计", "基本支出", "项目支出") == (8530.80, 2835.51, 5695.28)
    assert row(t3, "20604").name == "技术与开发"
    t5 = table("003", 5)
    assert amounts(row(t5, "合计"), "合计", "基本支出", "项目支出") == (8027.45, 2835.51, 5191.94)
    assert len(t5.rows) == 48
    t6 = table("003", 6)
    assert len(t6.rows) == 28
    assert amounts(row(t6, "合计"), "合计", "人员经费", "公用经费") == (2835.51, 2392.23, 443.28)


def test_003_tables7_to_11() -> None:
    t7 = table("003", 7)
    assert not t7.empty
    assert [(r.key, r.code, r.get("金额")) for r in t7.rows] == [
        ("合计", None, 500.0), ("103", "103", 500.0), ("10301", "10301", 500.0), ("1030148", "1030148", 500.0)]
    t8 = table("003", 8)
    assert not t8.empty
    total = row(t8, "合计")  # 合计 printed in the name column
    assert (total.line, total.kind) == (400, "total")
    assert amounts(total, "合计", "基本支出", "项目支出") == (500.0, None, 500.0)
    assert [r.key for r in t8.rows] == ["合计", "212", "21208", "2120899"]
    t9 = table("003", 9)
    assert t9.empty and t9.label_line == 405
    t10 = table("003", 10)
    assert t10.label_line == 420
    assert amounts(row(t10, "合计"), "合计", "一般公共预算") == (32.60, 32.60)
    assert row(t10, "公务用车购置及运行费").get("合计") == 31.60
    assert row(t10, "公务用车购置费").get("合计") == 18.00
    assert row(t10, "公务接待费").get("合计") == 1.00
    assert table("003", 11).empty


def test_003_projects() -> None:
    t12 = table("003", 12)
    assert amounts(row(t12, "总计"), "合计", "一般公共预算", "政府性基金预算") == (5691.94, 5191.94, 500.00)
    projects = [r for r in t12.rows if r.kind == "item"]
    assert len(projects) == 46
    fund = [r for r in projects if r.get("政府性基金预算")]
    assert [(r.line, r.get("合计"), r.get("一般公共预算")) for r in fund] == [(497, 500.0, None)]
    t13 = table("003", 13)
    assert [(r.key, r.parent, r.get("合计")) for r in t13.rows] == [
        ("总计", None, 3.35), ("u1", "总计", 3.35), ("p1", "u1", 3.35)]


# ---------------------------------------------------------------------------
# Every sum of every table ties out on the seeds, up to 0.01 尾差: the placement is right.

def _off(total: float | None, parts: list[float | None]) -> float:
    return round((total or 0.0) - sum(p or 0.0 for p in parts), 2)


def sums(t: Table) -> list[tuple[str, float]]:
    """(what, difference) of every identity inside one table that does not hold exactly."""
    out: list[tuple[str, float]] = []
    rows = list(t.rows)
    n = t.number

    def eq(what: str, total: float | None, parts: list[float | None]) -> None:
        d = _off(total, parts)
        if d:
            out.append((what, d))

    for r in rows:
        a = r.amounts
        if n == 1 and "合计" in a:
            eq(f"{r.key} row", a["合计"], [a["当年预算安排"], a["上年结转安排"]])
        elif n == 4 and "小计" in a:
            eq(f"{r.key} row", a["小计"], [a[k] for k in a if k != "小计"])
        elif n not in (1, 4, 7) and "合计" in a:
            eq(f"{r.key} row", a["合计"], [a[k] for k in a if k not in ("合计", "上年结转")])
    by = t.by_key()
    for prefix in ("", "收入:"):
        coded = [r for r in rows if r.code and r.key == prefix + r.code]
        if not coded:
            continue
        tops = [r for r in coded if len(r.code or "") == 3]
        for col in coded[0].amounts:
            if prefix + "合计" in by:
                eq(f"合计=Σ类 {col}", by[prefix + "合计"].get(col), [r.get(col) for r in tops])
            for p in coded:
                kids = [r for r in coded if len(r.code or "") == len(p.code or "") + 2 and (r.code or "").startswith(p.code or "")]
                if kids:
                    eq(f"{p.key}=Σ {col}", p.get(col), [k.get(col) for k in kids])
    for p in rows:
        kids = [r for r in rows if r.parent == p.key]
        for col in p.amounts if kids else ():
            eq(f"{p.key}=Σ下级 {col}", p.get(col), [k.get(col) for k in kids])
    classes = [r for r in rows if r.kind == "class"]
    if n == 6:
        for col in by["合计"].amounts:
            eq(f"合计=Σ类 {col}", by["合计"].get(col), [r.get(col) for r in classes])
    if n in (1, 4):
        for col in by["本年支出合计"].amounts:
            eq(f"本年支出合计=Σ类 {col}", by["本年支出合计"].get(col), [r.get(col) for r in classes])
        eq("收入总计", by["收入总计"].get("金额"), [by["本年收入合计"].get("金额"),
                                              by["上年结转" if n == 1 else "上年财政拨款结转"].get("金额")])
    if n in (12, 13):
        items = [r for r in rows if r.kind == "item"]
        for col in by["总计"].amounts:
            eq(f"总计=Σ项目 {col}", by["总计"].get(col), [r.get(col) for r in items])
    return out


@pytest.mark.parametrize("key", ["000", "001", "003"])
def test_every_table_sums_on_the_seeds(key: str) -> None:
    tables, _ = seed(key)
    checked = 0
    for n, t in tables.items():
        assert t is not None
        diffs = sums(t)
        assert all(abs(d) <= 0.01 for _, d in diffs), (n, diffs)
        checked += 1
    assert checked == 13


def test_seed_tail_differences_are_few() -> None:
    """The 尾差 the seeds do print (e.g. 000 表2 合计 vs Σ类 by 0.01) are still seen."""
    assert ("合计=Σ类 合计", 0.01) in sums(table("000", 2))
    assert sums(table("000", 7)) == []


# ---------------------------------------------------------------------------
# Synthetic texts.

T2_HEAD = ("2026年预算收入总表", "单位名称：测试单位", "单位：万元",
           "项目\t\t本年收入\t\t\t\t\t\t上年结转",
           "科目编码\t科目名称\t合计\t一般公共预算\t政府性基金\t国有资本经营预算\t财政专户管理资金\t单位资金\t")


def test_missing_tables_are_noted() -> None:
    tables, notes = read_text(doc(*T2_HEAD, "合计\t\t1.00\t1.00\t\t\t\t\t"))
    assert tables[2] is not None and all(tables[n] is None for n in range(1, 14) if n != 2)
    missing = notes_of("READ-MISSING-TABLE", notes)
    assert sorted(n.table for n in missing) == [n for n in range(1, 14) if n != 2]
    assert all(n.line is None and n.message.startswith("未找到表") for n in missing)


def test_row_a_cell_short_after_a_page_break() -> None:
    text = doc(*T2_HEAD,
               "合计\t\t100.00\t100.00\t\t\t\t\t30.00",
               "212\t城乡社区支出\t100.00\t100.00\t\t\t\t\t30.00",
               "21201\t城乡社区管理事务\t60.00\t60.00\t\t\t\t\t",
               "2120199\t其他城乡社区管理事务支出\t60.00\t60.00\t\t\t\t\t",
               "", "仅供内部审核", "",
               "21203\t城乡社区公共设施\t40.00\t40.00\t\t\t\t30.00",
               "2120303\t小城镇基础设施建设\t40.00\t40.00\t\t\t\t30.00")
    tables, notes = read_text(text)
    t = tables[2]
    assert t is not None
    for code, line in (("21203", 13), ("2120303", 14)):
        r = row(t, code)
        assert r.line == line
        assert amounts(r, "合计", "一般公共预算", "单位资金", "上年结转") == (40.0, 40.0, None, 30.0)
    placed = notes_of("READ-PLACEMENT", notes)
    assert [(n.line, n.table) for n in placed] == [(13, 2), (14, 2)]
    assert "30.00 从“单位资金”移至“上年结转”" in placed[0].message


def test_placement_by_the_parents_sums() -> None:
    """Both placements satisfy the row's own sum (合计 = 基本 + 项目); the 类 above decides,
    and the 项 follows its 款."""
    text = doc("2026年预算支出总表", "单位：万元",
               "科目编码\t科目名称\t合计\t基本支出\t项目支出",
               "合计\t\t150.00\t50.00\t100.00",
               "208\t社会保障和就业支出\t50.00\t50.00\t",
               "20805\t行政事业单位养老支出\t50.00\t50.00\t",
               "2080505\t机关事业单位基本养老保险缴费支出\t50.00\t50.00\t",
               "212\t城乡社区支出\t100.00\t\t100.00",
               "",
               "21201\t城乡社区管理事务\t100.00\t100.00",
               "2120199\t其他城乡社区管理事务支出\t100.00\t100.00")
    tables, notes = read_text(text)
    t = tables[3]
    assert t is not None
    for code in ("21201", "2120199"):
        assert amounts(row(t, code), "合计", "基本支出", "项目支出") == (100.0, None, 100.0)
    # the 208 rows are a cell short too (trailing blank), but their printed place is consistent
    assert amounts(row(t, "20805"), "合计", "基本支出", "项目支出") == (50.0, 50.0, None)
    assert sorted(n.line for n in notes_of("READ-PLACEMENT", notes)) == [10, 11]


def test_row_split_by_spaces_instead_of_tabs() -> None:
    text = doc(*T2_HEAD,
               "合计 1,172.86 1,172.86 99.05",
               "201 一般公共服务支出 756.79 756.79 99.05",
               "20101  人大事务  6.00  6.00",
               "2010199 其他人大 事务支出 6.00 6.00",
               "212 城乡社区支出 416.07 416.07")
    tables, notes = read_text(text)
    t = tables[2]
    assert t is not None
    assert amounts(row(t, "合计"), "合计", "一般公共预算", "政府性基金预算", "上年结转") == (1172.86, 1172.86, None, 99.05)
    r = row(t, "201")
    assert (r.name, r.line) == ("一般公共服务支出", 7)
    assert amounts(r, "合计", "一般公共预算", "政府性基金预算", "上年结转") == (756.79, 756.79, None, 99.05)
    assert amounts(row(t, "20101"), "合计", "一般公共预算") == (6.0, 6.0)
    assert row(t, "2010199").name == "其他人大事务支出"
    assert amounts(row(t, "212"), "合计", "一般公共预算") == (416.07, 416.07)
    assert sorted(n.line for n in notes_of("READ-PLACEMENT", notes)) == [6, 7]
    assert notes_of("READ-UNPLACED", notes) == []


def _spaced(text: str, sep: str) -> str:
    """The text as another extractor gives it: table cells joined by spaces, blanks lost."""
    lines = to_lines(text)
    inside = {no for a, b in find_regions(lines).tables.values() for no in range(a + 1, b)}
    raw = text.split("\n")
    return "\n".join(sep.join(c.strip() for c in line.split("\t") if c.strip()) if no in inside else line
                     for no, line in enumerate(raw, start=1))


@pytest.mark.parametrize("key", ["000", "001", "003"])
@pytest.mark.parametrize("sep", [" ", "  "])
def test_seeds_read_the_same_without_tabs(key: str, sep: str) -> None:
    """Every blank cell is gone; the arithmetic puts every value back in its column.
    (003 表8 is 500.00 in 合计 and 项目支出 on every row: nothing in the table itself
    says which column the second 500.00 belongs to.)"""
    text = SEED_PATHS[key].read_text(encoding="utf-8")
    base, _ = seed(key)
    tables, notes = read_text(_spaced(text, sep))
    assert [n for n in notes if n.rule != "READ-PLACEMENT"] == []
    for n in range(1, 14):
        a, b = base[n], tables[n]
        assert a is not None and b is not None
        if (key, n) == ("003", 8):
            assert [r.get("合计") for r in b.rows] == [r.get("合计") for r in a.rows]
            continue
        assert b.rows == a.rows, n
        assert b.empty == a.empty


def test_table6_split_by_spaces_and_a_row_named_like_a_note() -> None:
    text = doc("2026年一般公共预算安排基本支出分经济科目表（不含上年结转）",
               "部门预算支出经济科目名称 政府预算支出经济科目名称 2026年预算数",
               "合计 人员经费 公用经费",
               "合计 11.00 8.00 3.00",
               "工资福利支出 8.00 8.00",
               "基本工资 工资福利支出 8.00 8.00",
               "商品和服务支出 3.00 3.00",
               "注册费 商品和服务支出 1.00 1.00",
               "办公费 办公经费 2.00 2.00")
    tables, notes = read_text(text)
    t = tables[6]
    assert t is not None
    got = [(r.key, r.kind, r.name, r.second_name, r.parent, r.get("人员经费"), r.get("公用经费")) for r in t.rows]
    assert got == [("合计", "total", "合计", None, None, 8.0, 3.0),
                   ("p1", "class", "工资福利支出", None, None, 8.0, None),
                   ("p2", "item", "基本工资", "工资福利支出", "p1", 8.0, None),
                   ("p3", "class", "商品和服务支出", None, None, None, 3.0),
                   ("p4", "item", "注册费", "商品和服务支出", "p3", None, 1.0),
                   ("p5", "item", "办公费", "办公经费", "p3", None, 2.0)]
    assert [n.rule for n in notes if n.table == 6] == ["READ-PLACEMENT"] * 3


def test_table12_unknown_header_words_and_empty_table13() -> None:
    text = doc("2026年项目支出预算表（本年预算）",
               "项目名称\t合计\t本年财政拨款\t\t\t其他资金\t",
               "\t\t一般公共预算\t政府性基金\t国有资本\t\t",
               "某单位\t5.00\t5.00\t\t\t\t",
               "项目一\t5.00\t5.00\t\t\t\t",
               "2026年项目支出预算表（上年结转）",
               "项目名称\t合计\t本年财政拨款\t\t",
               "某单位\t\t\t\t",
               "注：本表无数据")
    tables, notes = read_text(text)
    t12, t13 = tables[12], tables[13]
    assert t12 is not None and t13 is not None
    assert [(r.key, r.get("合计")) for r in t12.rows] == [("总计", 5.0), ("p1", 5.0)]
    assert t13.empty and [(r.key, r.name, r.get("合计")) for r in t13.rows] == [("总计", "某单位", None)]
    assert [n for n in notes if n.table in (12, 13)] == []


def test_total_in_the_name_column_and_empty_marker() -> None:
    text = doc("2026年政府性基金预算支出表（不含上年结转）", "单位名称：测试单位", "单位：万元",
               "科目编码\t科目名称\t合计\t基本支出\t项目支出",
               "\t合计\t500.00\t\t500.00",
               "212\t城乡社区支出\t500.00\t\t500.00",
               "21208\t国有土地使用权出让收入安排的支出\t500.00\t\t500.00",
               "2120899\t其他国有土地使用权出让收入安排的支出\t500.00\t\t500.00",
               "2026年政府性基金预算收入表（不含上年结转）",
               "项目\t\t政府性基金收入预算",
               "收入科目编码\t科目名称\t",
               "合计\t\t",
               "注：本表无数据")
    tables, notes = read_text(text)
    t8, t7 = tables[8], tables[7]
    assert t8 is not None and t7 is not None
    assert not t8.empty
    assert [(r.key, r.kind, r.get("合计")) for r in t8.rows] == [
        ("合计", "total", 500.0), ("212", "class", 500.0), ("21208", "item", 500.0), ("2120899", "item", 500.0)]
    assert t7.empty and [(r.key, r.get("金额")) for r in t7.rows] == [("合计", None)]
    assert notes_of("READ-UNPLACED", notes) == []


def test_table12_with_two_levels_of_unit_subtotals() -> None:
    text = doc("2026年项目支出预算表（本年预算）", "部门名称：某部门", "单位：万元",
               "项目名称\t合计\t2026年财政拨款\t\t\t财政专户管理资金\t单位资金",
               "\t\t一般公共预算\t政府性基金预算\t国有资本经营预算\t\t",
               "1\t2\t3\t4\t5\t6\t7",
               "某部门\t300.00\t300.00\t\t\t\t",
               "某局\t200.00\t200.00\t\t\t\t",
               "某局本级\t120.00\t120.00\t\t\t\t",
               "项目甲\t100.00\t100.00\t\t\t\t",
               "项目乙\t20.00\t20.00\t\t\t\t",
               "某局下属中心\t80.00\t80.00\t\t\t\t",
               "项目丙\t80.00\t80.00\t\t\t\t",
               "某站\t100.00\t100.00\t\t\t\t",
               "某站\t100.00\t100.00\t\t\t\t",
               "项目丁\t60.00\t60.00\t\t\t\t",
               "项目戊\t40.00\t40.00\t\t\t\t")
    tables, notes = read_text(text)
    t = tables[12]
    assert t is not None and notes_of("READ-UNPLACED", notes) == []
    got = [(r.key, r.kind, r.level, r.parent, r.name) for r in t.rows]
    assert got == [
        ("总计", "total", 0, None, "某部门"),
        ("u1", "subtotal", 1, "总计", "某局"),
        ("u2", "subtotal", 2, "u1", "某局本级"),
        ("p1", "item", 3, "u2", "项目甲"),
        ("p2", "item", 3, "u2", "项目乙"),
        ("u3", "subtotal", 2, "u1", "某局下属中心"),
        ("p3", "item", 3, "u3", "项目丙"),
        ("u4", "subtotal", 1, "总计", "某站"),
        ("u5", "subtotal", 2, "u4", "某站"),
        ("p4", "item", 3, "u5", "项目丁"),
        ("p5", "item", 3, "u5", "项目戊"),
    ]


def test_table12_projects_only_even_when_one_equals_the_next_ones() -> None:
    """项目A = 项目B + 项目C by chance, but 总计 = Σ all rows: no unit rows at all."""
    text = doc("2026年项目支出预算表（本年预算）",
               "项目名称\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算\t财政专户管理资金\t单位资金",
               "1\t2\t3\t4\t5\t6\t7",
               "某单位\t30.00\t30.00\t\t\t\t",
               "项目A\t10.00\t10.00\t\t\t\t",
               "项目B\t6.00\t6.00\t\t\t\t",
               "项目C\t4.00\t4.00\t\t\t\t",
               "项目D\t10.00\t10.00\t\t\t\t")
    t = read_text(text)[0][12]
    assert t is not None
    assert [(r.key, r.parent) for r in t.rows] == [("总计", None), ("p1", "总计"), ("p2", "总计"), ("p3", "总计"),
                                                    ("p4", "总计")]


def test_table13_one_level_with_a_unit_of_one_project() -> None:
    text = doc("2026年项目支出预算表（上年结转）",
               "项目名称\t合计\t2026年财政拨款\t\t",
               "\t\t一般公共预算\t政府性基金预算\t国有资本经营预算",
               "1\t2\t3\t4\t5",
               "某部门\t15.00\t15.00\t\t",
               "甲单位\t10.00\t10.00\t\t",
               "甲项目\t10.00\t10.00\t\t",
               "乙单位\t5.00\t5.00\t\t",
               "乙项目一\t2.00\t2.00\t\t",
               "乙项目二\t3.00\t3.00\t\t")
    t = read_text(text)[0][13]
    assert t is not None
    assert [(r.key, r.parent) for r in t.rows] == [("总计", None), ("u1", "总计"), ("p1", "u1"), ("u2", "总计"),
                                                    ("p2", "u2"), ("p3", "u2")]


def test_table13_units_when_the_grand_total_is_off() -> None:
    """The units tie out to their projects but not to 总计 (the rules report that): they
    are still units. When nothing ties out, rows repeating the total's name are units."""
    head = ("2026年项目支出预算表（上年结转）", "项目名称\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算")
    t = read_text(doc(*head, "某部门\t16.00\t16.00\t\t", "甲单位\t10.00\t10.00\t\t", "甲项目\t10.00\t10.00\t\t",
                      "乙单位\t5.00\t5.00\t\t", "乙项目\t5.00\t5.00\t\t"))[0][13]
    assert t is not None
    assert [(r.key, r.parent) for r in t.rows] == [("总计", None), ("u1", "总计"), ("p1", "u1"), ("u2", "总计"),
                                                    ("p2", "u2")]
    tables, notes = read_text(doc(*head, "某部门\t16.00\t16.00\t\t", "某部门\t16.00\t16.00\t\t",
                                  "甲项目\t10.00\t10.00\t\t", "乙项目\t5.00\t5.00\t\t"))
    t = tables[13]
    assert t is not None
    assert [(r.key, r.parent) for r in t.rows] == [("总计", None), ("u1", "总计"), ("p1", "u1"), ("p2", "u1")]
    assert [(n.rule, n.line) for n in notes if n.table == 13] == [("READ-PLACEMENT", 3)]


def test_table11_with_three_units() -> None:
    text = doc("2026年财政拨款安排机关运行经费预算表", "部门名称：某部门", "单位：万元",
               "单位名称\t2026预算数\t\t\t",
               "\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
               "部门合计\t60.00\t60.00\t\t",
               "单位一\t10.00\t10.00\t\t",
               "单位二\t20.00\t20.00\t\t",
               "",
               "单位 三\t30.00\t30.00\t\t")
    t = read_text(text)[0][11]
    assert t is not None and not t.empty
    assert [(r.key, r.kind, r.parent, r.name, r.get("合计")) for r in t.rows] == [
        ("部门合计", "total", None, "部门合计", 60.0),
        ("u1", "item", "部门合计", "单位一", 10.0),
        ("u2", "item", "部门合计", "单位二", 20.0),
        ("u3", "item", "部门合计", "单位三", 30.0),
    ]


def test_table10_half_width_brackets() -> None:
    text = doc("2026年财政拨款安排“三公”经费支出预算表",
               "项目\t2026年预算数\t\t\t",
               "\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
               "因公出国(境)费\t1.00\t1.00\t\t",
               "公务接待费\t2.00\t2.00\t\t",
               "公务用车购置及运行费\t3.00\t3.00\t\t",
               "①公务用车购置费\t\t\t\t",
               "② 公务用车运行维护费\t3.00\t3.00\t\t",
               "合计\t6.00\t6.00\t\t")
    t = read_text(text)[0][10]
    assert t is not None
    assert [(r.key, r.get("合计")) for r in t.rows] == [
        ("因公出国（境）费", 1.0), ("公务接待费", 2.0), ("公务用车购置及运行费", 3.0), ("公务用车购置费", None),
        ("公务用车运行维护费", 3.0), ("合计", 6.0)]


def test_table1_wrapped_class_name_and_income_side() -> None:
    text = doc("2026年预算收支总表", "单位：万元",
               "收入\t\t支出\t\t\t",
               "项目\t2026年\t项目\t2026年合计\t当年预算安排\t上年结转安排",
               "一、一般公共预算\t10.00\t一、一般公共服务支出\t12.00\t10.00\t2.00",
               "\t\t二十二、国有资本经营 预算支出\t\t\t",
               "本年收入合计\t10.00\t本年支出合计\t12.00\t10.00\t2.00",
               "上年结转\t2.00\t年终结转\t\t\t",
               "收入总计\t12.00\t支出总计\t12.00\t10.00\t2.00")
    t = read_text(text)[0][1]
    assert t is not None
    r = row(t, "223")
    assert (r.name, r.kind, r.line) == ("国有资本经营预算支出", "class", 6)
    assert [r.key for r in t.rows] == ["一般公共预算", "201", "223", "本年收入合计", "本年支出合计", "上年结转",
                                       "年终结转", "收入总计", "支出总计"]


def test_table9_both_sides() -> None:
    text = doc("2026年国有资本经营预算收支预算表（不含上年结转）",
               "国有资本经营预算收入\t\t国有资本经营预算支出\t\t\t\t\t",
               "项目\t\t国有资本经营收入预算\t科目编码\t科目名称\t合计\t基本支出\t项目支出",
               "收入科目编码\t科目名称\t\t\t\t\t\t",
               "合计\t\t100.00\t合计\t\t100.00\t\t100.00",
               "103\t非税收入\t100.00\t223\t国有资本经营预算支出\t100.00\t\t100.00",
               "10306\t国有资本经营收入\t100.00\t22301\t国有资本经营预算支出\t100.00\t\t100.00")
    t = read_text(text)[0][9]
    assert t is not None
    assert [(r.key, r.code, r.get("金额") if r.key.startswith("收入:") else r.get("项目支出")) for r in t.rows] == [
        ("收入:合计", None, 100.0), ("合计", None, 100.0), ("收入:103", "103", 100.0), ("223", "223", 100.0),
        ("收入:10306", "10306", 100.0), ("22301", "22301", 100.0)]


def test_duplicate_and_unplaced_lines_are_noted() -> None:
    text = doc(*T2_HEAD,
               "合计\t\t6.00\t6.00\t\t\t\t\t",
               "201\t一般公共服务支出\t6.00\t6.00\t\t\t\t\t",
               "20101\t人大事务\t6.00\t6.00\t\t\t\t\t",
               "20101\t人大事务\t6.00\t6.00\t\t\t\t\t",
               "这一行不是表格的一部分。",  # a sentence, not a piece of a wrapped name
               "2010199\t其他人大事务支出\t6.00\t6.00\t\t\t\t\t")
    tables, notes = read_text(text)
    t = tables[2]
    assert t is not None
    assert [r.key for r in t.rows] == ["合计", "201", "20101", "2010199"]
    dup = notes_of("READ-DUPLICATE", notes)
    assert [(n.line, n.table) for n in dup] == [(9, 2)] and "20101" in dup[0].message
    unplaced = notes_of("READ-UNPLACED", notes)
    assert [(n.line, n.table) for n in unplaced] == [(10, 2)]


def test_header_noise_is_not_a_row() -> None:
    """Markdown headings, bold, tags, labels, the 尾差 note and repeated headers are skipped."""
    text = doc("## 2026年预算支出总表", "**单位名称：测试单位**", "<b>单位：万元</b>",
               "项目\t\t2026年预算数\t\t", "科目编码\t科目名称\t合计\t基本支出\t项目支出",
               "合计\t\t5.00\t5.00\t", "208\t社会保障和就业支出\t5.00\t5.00\t",
               "", "仅供内部", "科目编码\t科目名称\t合计\t基本支出\t项目支出",
               "20805\t行政事业单位养老支出\t5.00\t5.00\t",
               "2080505\t机关事业单位基本养老保险缴费支出\t5.00\t5.00\t",
               "注：本套报表因取数时四舍五入，部分金额可能存在尾差", "预算公开表4")
    tables, notes = read_text(text)
    t = tables[3]
    assert t is not None and not t.empty
    assert [r.key for r in t.rows] == ["合计", "208", "20805", "2080505"]
    assert [n for n in notes if n.rule != "READ-MISSING-TABLE"] == []
