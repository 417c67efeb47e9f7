"""Identities inside one table (DOMAIN.md "Inside tables", all level M)."""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

from xltools.core.layouts import LAYOUTS, T10_SUMS, Layout, column_keys, parts_of
from xltools.core.table_kinds import CLASS_TOTAL
from xltools.core.model import Document
from xltools.rules.common import cell, cell_term, cells, coded_rows, label, present, table
from xltools.rules.core import Equal, Instance, Rule, terms

Gen = Callable[[Document], Iterable[Instance]]


def _row_sum(n: int, total: str, parts: tuple[str, ...]) -> Gen:
    """Each row that has the `total` column (not 表9's income rows) equals the sum of its
    `parts` columns."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        said = f"{total} = {' + '.join(parts)}"
        for r in table(doc, n).rows:
            if total in r.amounts:
                key = r.key
                yield Instance(Equal((cell_term(n, key, total),), tuple([cell_term(n, key, p) for p in parts])),
                               f"{label(n, r)}：{said}")

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
                yield Instance(Equal((cell_term(n, total.key, col),), cells(n, tops, col)), f"表{n} 合计 = Σ 类（{col}）")
            for parent in rows:
                kids = parts.get(parent.key)
                if kids:
                    yield Instance(Equal((cell_term(n, parent.key, col),), cells(n, kids, col)),
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


def _children_sum(n: int, columns: tuple[str, ...], but_total: bool = False) -> Gen:
    """Rows that others add into (表6 class rows, 表11 部门合计, 表12/13 units and grand
    total) equal the sum of their direct children; `but_total`: not the table's total row,
    which its own rule states (表6's 合计, `_economic_total`)."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        t = table(doc, n)
        parts = parts_of(n, t.rows)
        for parent in t.rows:
            kids = parts.get(parent.key)
            if not kids or (but_total and parent.key == LAYOUTS[n].total_key):
                continue
            for col in columns:
                yield Instance(Equal((cell_term(n, parent.key, col),), cells(n, kids, col)),
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


def _economic_total(n: int, columns: tuple[str, ...]) -> Gen:
    """表6: 合计 = Σ the 类 rows (their 经济科目 lines add into the 类, `_children_sum`)."""

    def gen(doc: Document) -> Iterator[Instance]:
        if not present(doc, n):
            return
        t = table(doc, n)
        total = LAYOUTS[n].total_key
        classes = parts_of(n, t.rows).get(total, [])
        if t.row(total) is None or not classes:
            return
        for col in columns:
            yield Instance(Equal(terms(cell(n, total, col)), cells(n, classes, col)), f"表{n} 合计 = Σ 类款（{col}）")

    return gen


def _rule(n: int, id: str, description: str, gen: Gen) -> Rule:
    """A rule inside table `n`: it reads that table only."""
    return Rule(id, "M", "table", description, gen, tables=(n,))


# The id of a fixed sum's rule (`Layout.sums`), by its total row, after "T{n}-"; a sum not
# listed is "SUM-" and its total row.
_SUM_IDS: dict[str, str] = {"支出总计": "EXP-TOTAL", "公务用车购置及运行费": "CAR", "合计": "TOTAL"}
# Its description and subject, after "表{n} ", where they are not worded from its rows
# ("合计等于会议费、培训费之和", "合计 = 会议费 + 培训费").
_SUM_TEXT: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {
    ("支出总计", (CLASS_TOTAL, "年终结转")): ("支出总计等于本年支出合计加年终结转", "支出总计 = 本年支出合计 + 年终结转"),
    T10_SUMS[0]: ("公务用车购置及运行费等于①购置费加②运行维护费", "公务用车购置及运行费 = ① + ②"),
    T10_SUMS[1]: ("合计等于三项经费之和", "合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费"),
}
# Wording kept from before the rules were generated, where it differs from its kind's.
_WORDING: dict[str, str] = {"T7-HIER": "表7 收入科目层级汇总"}
_HIER = "科目层级汇总（类 = Σ款，款 = Σ项，合计 = Σ类）"


def _side_columns(n: int, side: int) -> tuple[str, ...]:
    return tuple(c.key for c in LAYOUTS[n].sides[side].columns)


def _row_rules(n: int) -> Iterator[Rule]:
    for cs in LAYOUTS[n].column_sums:
        yield _rule(n, f"T{n}-ROW", f"表{n} {cs.description}", _row_sum(n, cs.total, cs.parts))


def _identity_rules(n: int) -> Iterator[Rule]:
    """The identities between fixed cells the layout declares (表1/表4's income sums and
    balance)."""
    for i in LAYOUTS[n].identities:
        yield _rule(n, f"T{n}-{i.suffix}", f"表{n} {i.description}", _equal(n, i.lhs, i.rhs, f"表{n} {i.subject}"))


Rules = Callable[[int, Layout, Callable[[str, str, Gen], Rule]], Iterator[Rule]]


def _coded(n: int, lay: Layout, rule: Callable[[str, str, Gen], Rule]) -> Iterator[Rule]:
    yield rule("HIER", _HIER, _hierarchy(n, column_keys(n)))


def _coded_sides(n: int, lay: Layout, rule: Callable[[str, str, Gen], Rule]) -> Iterator[Rule]:
    yield rule("HIER", "支出科目层级汇总", _hierarchy(n, _side_columns(n, 1)))
    yield rule("INCOME-HIER", "收入科目层级汇总", _hierarchy(n, _side_columns(n, 0), prefix=lay.kind.side_prefix))


def _summary(n: int, lay: Layout, rule: Callable[[str, str, Gen], Rule]) -> Iterator[Rule]:
    yield rule("CLASSES", f"{CLASS_TOTAL}等于各类支出之和", _classes_sum(n, _side_columns(n, 1)))


def _economic(n: int, lay: Layout, rule: Callable[[str, str, Gen], Rule]) -> Iterator[Rule]:
    yield rule("CLASS", "各类款等于其下经济科目之和", _children_sum(n, column_keys(n), but_total=True))
    yield rule("TOTAL", "合计等于各类款之和", _economic_total(n, column_keys(n)))


def _units(n: int, lay: Layout, rule: Callable[[str, str, Gen], Rule]) -> Iterator[Rule]:
    yield rule("UNITS", "部门合计等于各单位之和", _children_sum(n, column_keys(n)))


def _projects(n: int, lay: Layout, rule: Callable[[str, str, Gen], Rule]) -> Iterator[Rule]:
    yield rule("UNITS", "总计与各单位小计等于其下各行之和", _children_sum(n, column_keys(n)))
    yield rule("PROJECTS", "总计等于全部项目之和", _projects_sum(n, column_keys(n)))


def _none(n: int, lay: Layout, rule: Callable[[str, str, Gen], Rule]) -> Iterator[Rule]:
    return iter(())  # a fixed table's rows add up as its `sums` declare (`_sum_rules`)


# The rules by which the rows of each kind of table add into each other, by the kind's name
# (`table_kinds`; `layouts.adds_into` says which row adds into which).
STRUCTURE: dict[str, Rules] = {"coded": _coded, "coded_sides": _coded_sides, "summary": _summary,
                               "economic": _economic, "units": _units, "projects": _projects, "fixed": _none}


def _structure_rules(n: int) -> Iterator[Rule]:
    """How the rows of a table of this kind add into each other (`layouts.adds_into`)."""
    lay = LAYOUTS[n]

    def rule(suffix: str, description: str, gen: Gen) -> Rule:
        id = f"T{n}-{suffix}"
        return _rule(n, id, _WORDING.get(id, f"表{n} {description}"), gen)

    yield from STRUCTURE[lay.kind.name](n, lay, rule)


def _sum_rules(n: int) -> Iterator[Rule]:
    """The fixed sums the layout declares, in the columns of the side that holds them."""
    lay = LAYOUTS[n]
    for total, parts in lay.sums:
        side = next(i for i, s in enumerate(lay.sides) if total in dict(s.fixed_rows))
        suffix = _SUM_IDS.get(total, f"SUM-{total}")
        description, subject = _SUM_TEXT.get((total, parts), (f"{total}等于{'、'.join(parts)}之和",
                                                              f"{total} = {' + '.join(parts)}"))
        yield _rule(n, f"T{n}-{suffix}", f"表{n} {description}",
                    _declared(n, total, _side_columns(n, side), f"表{n} {subject}"))


def table_rules() -> tuple[Rule, ...]:
    """The rules inside each table of `LAYOUTS`, table by table: its fixed identities, its
    row sums, how its rows add up by its kind, its fixed sums."""
    return tuple(r for n in LAYOUTS for r in (*_identity_rules(n), *_row_rules(n), *_structure_rules(n),
                                               *_sum_rules(n)))

