"""Where every row goes and which cells are formulas: the workbook's plan, no openpyxl.

A cell is addressed by `CellKey` (table number, row key, column key), the same keys the
rules use in `Ref("t<n>", row, column)`. A *derived* cell is one whose value follows from
other cells (a 类 from its 款, a 合计 from its parts, 表1 from 表2); the workbook writes it
as a live formula over those cells and keeps the printed figure beside it as 原表数.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..layouts import CLASSES, FUND_TYPES, LAYOUTS, SOURCES, T1_EXPENSE_TOTALS, T1_INCOME, T4_INCOME, T9_INCOME_PREFIX, T10_ROWS
from ..model import Document, Row, Table

CellKey = tuple[int, str, str]
Terms = tuple[tuple[CellKey, float], ...]


@dataclass(frozen=True)
class Placed:
    """A row as the sheet prints it; `row` is None for a fixed row the document lacks."""

    key: str
    code: str
    name: str
    level: int
    row: Row | None


@dataclass
class TablePlan:
    number: int
    table: Table | None
    sides: list[tuple[str, list[Placed]]]
    derived: dict[CellKey, Terms] = field(default_factory=dict)

    def placed(self) -> dict[str, Placed]:
        return {p.key: p for _, rows in self.sides for p in rows}


# Column that sums the row's other columns, per table (and the columns it sums).
ROW_SUMS: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("合计", ("当年预算安排", "上年结转安排")),
    2: ("合计", SOURCES),
    3: ("合计", ("基本支出", "项目支出")),
    4: ("小计", FUND_TYPES),
    5: ("合计", ("基本支出", "项目支出")),
    6: ("合计", ("人员经费", "公用经费")),
    8: ("合计", ("基本支出", "项目支出")),
    9: ("合计", ("基本支出", "项目支出")),
    10: ("合计", FUND_TYPES),
    11: ("合计", FUND_TYPES),
    12: ("合计", SOURCES),
    13: ("合计", FUND_TYPES),
}
TREE_TOTALS: dict[int, str] = {2: "合计", 3: "合计", 5: "合计", 6: "合计", 7: "合计", 8: "合计",
                               11: "部门合计", 12: "总计", 13: "总计"}


def _code(row: Row) -> str:
    if row.code:
        return row.code
    key = row.key.removeprefix(T9_INCOME_PREFIX)
    return key if key.isdigit() else ""


def _fixed(rows: tuple[Row, ...], fixed: tuple[tuple[str, str], ...], coded: bool) -> list[Placed]:
    by_key = {r.key: r for r in rows}
    out = []
    for key, label in fixed:
        r = by_key.get(key)
        code = key if coded and key.isdigit() else ""
        out.append(Placed(key, code, r.name if r and r.name and not code else label, 1 if code else 0, r))
    known = {k for k, _ in fixed}
    out += [Placed(r.key, _code(r), r.name, r.level, r) for r in rows if r.key not in known]
    return out


def _free(rows: list[Row]) -> list[Placed]:
    return [Placed(r.key, _code(r), r.name, r.level, r) for r in rows]


def place(n: int, table: Table | None) -> TablePlan:
    rows = table.rows if table else ()
    lay = LAYOUTS[n]
    if n in (1, 4):
        income_keys = {k for k, _ in lay.sides[0].fixed_rows}
        income = _fixed(tuple(r for r in rows if r.key in income_keys or not r.key[:1].isdigit() and r.key not in {k for k, _ in T1_EXPENSE_TOTALS}),
                        T1_INCOME if n == 1 else T4_INCOME, False)
        expense = _fixed(tuple(r for r in rows if r.key not in {p.key for p in income}), CLASSES + T1_EXPENSE_TOTALS, True)
        return TablePlan(n, table, [("收入", income), ("支出", expense)])
    if n == 10:
        return TablePlan(n, table, [("", _fixed(rows, T10_ROWS, False))])
    if n == 9:
        inc = [r for r in rows if r.key.startswith(T9_INCOME_PREFIX)]
        exp = [r for r in rows if not r.key.startswith(T9_INCOME_PREFIX)]
        if not any(r.key == T9_INCOME_PREFIX + "合计" for r in inc):
            inc.insert(0, Row(T9_INCOME_PREFIX + "合计", "合计", {}, 0, kind="total"))
        if not any(r.key == "合计" for r in exp):
            exp.insert(0, Row("合计", "合计", {}, 0, kind="total"))
        return TablePlan(n, table, [("收入", _free(inc)), ("支出", _free(exp))])
    free = list(rows)
    total = TREE_TOTALS.get(n, lay.total_key)
    if not any(r.key == total for r in free):
        free.insert(0, Row(total, "合计" if total != "总计" else "总计", {}, 0, kind="total"))
    placed = _free(free)
    # A placeholder total row has no source line: keep it, but as a row the document lacks.
    placed = [p if (table and table.row(p.key)) else Placed(p.key, p.code, p.name, p.level, None) for p in placed]
    return TablePlan(n, table, [("", placed)])


def _tree(n: int, rows: list[Placed], total: str, prefix: str = "") -> dict[str, list[str]]:
    """Parent row key → child row keys, from codes (coded tables) or `Row.parent`."""
    children: dict[str, list[str]] = {}
    keys = {p.key for p in rows}
    for p in rows:
        if p.key == total:
            continue
        parent = None
        if p.row is not None and p.row.parent and p.row.parent in keys:
            parent = p.row.parent
        elif p.code:
            for cut in (5, 3):
                if len(p.code) > cut and prefix + p.code[:cut] in keys:
                    parent = prefix + p.code[:cut]
                    break
        if parent is None:
            parent = total
        children.setdefault(parent, []).append(p.key)
    return children


def _present(doc: Document, n: int) -> bool:
    t = doc.table(n)
    return t is not None and not t.empty


def derive(doc: Document, plans: dict[int, TablePlan]) -> None:
    """Fill each plan's `derived`: explicit sums, never a table over its own column."""
    for n, plan in plans.items():
        cols = [c.key for c in LAYOUTS[n].columns]
        d = plan.derived
        if n in (1, 4):
            _derive_summary(doc, n, plan)
            continue
        if n == 10:
            rsum = ROW_SUMS[10]
            for key in ("因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费"):
                d[(10, key, rsum[0])] = tuple(((10, key, c), 1.0) for c in rsum[1])
            for c in cols:
                d[(10, "公务用车购置及运行费", c)] = (((10, "公务用车购置费", c), 1.0), ((10, "公务用车运行维护费", c), 1.0))
                d[(10, "合计", c)] = tuple(((10, k, c), 1.0) for k in ("因公出国（境）费", "公务接待费", "公务用车购置及运行费"))
            continue
        for side, rows in plan.sides:
            if n == 9 and side == "收入":
                total, prefix, side_cols = T9_INCOME_PREFIX + "合计", T9_INCOME_PREFIX, ["金额"]
            else:
                total, prefix = (TREE_TOTALS.get(n) or LAYOUTS[n].total_key), ""
                side_cols = [c.key for c in LAYOUTS[n].sides[-1].columns]
            tree = _tree(n, rows, total, prefix)
            for p in rows:
                kids = tree.get(p.key)
                if kids:
                    for c in side_cols:
                        d[(n, p.key, c)] = tuple(((n, k, c), 1.0) for k in kids)
                elif n in ROW_SUMS and not (n == 9 and side == "收入") and p.key != total:
                    head, parts = ROW_SUMS[n]
                    d[(n, p.key, head)] = tuple(((n, p.key, c), 1.0) for c in parts)


def _derive_summary(doc: Document, n: int, plan: TablePlan) -> None:
    """表1 and 表4: income from 表2's 合计 row, 表1 类 rows from 表2, totals over the rows."""
    d = plan.derived
    placed = plan.placed()
    classes = [k for k, _ in CLASSES] + [p.key for _, rows in plan.sides for p in rows
                                        if p.code and p.key not in dict(CLASSES)]
    t2 = doc.table(2)
    sources = SOURCES if n == 1 else FUND_TYPES
    if _present(doc, 2):
        for s in sources:
            d[(n, s, "金额")] = (((2, "合计", s), 1.0),)
        if n == 1:
            d[(1, "上年结转", "金额")] = (((2, "合计", "上年结转"), 1.0),)
    d[(n, "本年收入合计", "金额")] = tuple(((n, s, "金额"), 1.0) for s in sources)
    carry = "上年结转" if n == 1 else "上年财政拨款结转"
    if n == 4:
        d[(4, carry, "金额")] = tuple(((4, f"结转:{s}", "金额"), 1.0) for s in FUND_TYPES)
    d[(n, "收入总计", "金额")] = (((n, "本年收入合计", "金额"), 1.0), ((n, carry, "金额"), 1.0))
    head, parts = ROW_SUMS[n]
    exp_cols = (head,) + parts
    for k in classes:
        if k not in placed:
            continue
        d[(n, k, head)] = tuple(((n, k, c), 1.0) for c in parts)
        printed_row = plan.table is not None and plan.table.row(k) is not None
        if n == 1 and _present(doc, 2) and t2 is not None and (printed_row or t2.row(k)):
            d[(1, k, "当年预算安排")] = (((2, k, "合计"), 1.0),) if t2.row(k) else ()
            d[(1, k, "上年结转安排")] = (((2, k, "上年结转"), 1.0),) if t2.row(k) else ()
    for c in exp_cols:
        d[(n, "本年支出合计", c)] = tuple(((n, k, c), 1.0) for k in classes if k in placed)
        d[(n, "支出总计", c)] = (((n, "本年支出合计", c), 1.0), ((n, "年终结转", c), 1.0))


def plan_document(doc: Document) -> dict[int, TablePlan]:
    plans = {n: place(n, doc.table(n)) for n in LAYOUTS}
    derive(doc, plans)
    return plans


def live_values(doc: Document, plans: dict[int, TablePlan]) -> dict[CellKey, float]:
    """What every derived cell recomputes to (for the import's notes), in Python."""
    derived: dict[CellKey, Terms] = {}
    for p in plans.values():
        derived.update(p.derived)
    memo: dict[CellKey, float] = {}

    def printed(k: CellKey) -> float:
        t = doc.table(k[0])
        r = t.row(k[1]) if t else None
        return (r.get(k[2]) or 0.0) if r else 0.0

    def value(k: CellKey) -> float:
        if k in memo:
            return memo[k]
        terms = derived.get(k)
        v = printed(k) if terms is None else sum(value(t) * f for t, f in terms)
        memo[k] = v
        return v

    return {k: value(k) for k in derived}


def leaf_counts(plans: dict[int, TablePlan]) -> dict[CellKey, int]:
    """How many input cells each derived cell adds up, through every level: its 尾差
    tolerance grows with them (a 合计 over 20 项 may be off by more than one cent)."""
    derived: dict[CellKey, Terms] = {}
    for p in plans.values():
        derived.update(p.derived)
    memo: dict[CellKey, int] = {}

    def count(k: CellKey) -> int:
        if k not in memo:
            terms = derived.get(k)
            memo[k] = 1 if terms is None else sum(count(t) for t, _ in terms)
        return memo[k]

    return {k: max(count(k), 1) for k in derived}
