"""Where every row goes and which cells are formulas: the workbook's plan, no openpyxl.

A cell is addressed by the rules' `TableCell` (table number, row key, column key). A *derived* cell is one whose value follows from
other cells (a 类 from its 款, a 合计 from its parts, 表1 from 表2), as the rule catalogue
declares it; the workbook writes it as a live formula over those cells and keeps the
printed figure beside it as 原表数.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from xltools.core.layouts import LAYOUTS
from xltools.core.model import Document, Row, Table
from xltools.rules import CATALOGUE
from xltools.core.references import Ref, TableCell
from xltools.rules.core import Equal

Terms = tuple[tuple[TableCell, float], ...]


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
    derived: dict[TableCell, Terms] = field(default_factory=dict)

    def placed(self) -> dict[str, Placed]:
        return {p.key: p for _, rows in self.sides for p in rows}


def _code(row: Row, prefix: str = "") -> str:
    if row.code:
        return row.code
    key = row.key.removeprefix(prefix) if prefix else row.key
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


def _free(rows: list[Row], prefix: str = "") -> list[Placed]:
    return [Placed(r.key, _code(r, prefix), r.name, r.level, r) for r in rows]


def place(n: int, table: Table | None) -> TablePlan:
    """The rows of each side as the sheet prints them, as the table's kind places them:
    fixed rows (both sides' when it has two), or the rows the text prints, a side's under its
    prefix, each side under its total row (a placeholder when the text lacks it)."""
    rows = table.rows if table else ()
    lay = LAYOUTS[n]
    kind = lay.kind
    if kind.fixed_rows and len(lay.sides) == 2:
        income_side, expense_side = lay.sides
        income_keys = {k for k, _ in income_side.fixed_rows}
        expense_keys = {k for k, _ in expense_side.fixed_rows}
        income = _fixed(tuple(r for r in rows if r.key in income_keys or not r.key[:1].isdigit() and r.key not in expense_keys),
                        income_side.fixed_rows, False)
        expense = _fixed(tuple(r for r in rows if r.key not in {p.key for p in income}), expense_side.fixed_rows, True)
        return TablePlan(n, table, [(income_side.name, income), (expense_side.name, expense)])
    if kind.fixed_rows:
        return TablePlan(n, table, [("", _fixed(rows, lay.sides[0].fixed_rows, False))])
    if len(lay.sides) == 2:  # the first side's rows under its prefix, the second's
        prefix = kind.side_prefix
        inc = [r for r in rows if r.key.startswith(prefix)]
        exp = [r for r in rows if not r.key.startswith(prefix)]
        if not any(r.key == prefix + "合计" for r in inc):
            inc.insert(0, Row(prefix + "合计", "合计", {}, 0, kind="total"))
        if not any(r.key == "合计" for r in exp):
            exp.insert(0, Row("合计", "合计", {}, 0, kind="total"))
        income_side, expense_side = lay.sides
        return TablePlan(n, table, [(income_side.name, _lacking(_free(inc, prefix), table)),
                                    (expense_side.name, _lacking(_free(exp, prefix), table))])
    free = list(rows)
    total = lay.total_key
    if not any(r.key == total for r in free):
        free.insert(0, Row(total, "合计" if total != "总计" else "总计", {}, 0, kind="total"))
    return TablePlan(n, table, [("", _lacking(_free(free), table))])


def _lacking(placed: list[Placed], table: Table | None) -> list[Placed]:
    """A placeholder total row has no source line: keep it, but as a row the document lacks
    (a workbook read back then lacks it too while it stays blank)."""
    return [p if (table and table.row(p.key)) else Placed(p.key, p.code, p.name, p.level, None) for p in placed]


# Families whose mandatory identities give derived cells, in priority order: a table's own
# sums first, then what it carries from another table.
_DERIVING = ("table", "cross")


def cell_key(ref: Ref) -> TableCell | None:
    """A table cell's key; None for any other cell (a narrative figure, a 绩效 table's)."""
    return ref if isinstance(ref, TableCell) else None


def _reaches(terms: Terms, target: TableCell, derived: dict[TableCell, Terms]) -> bool:
    """Whether any of `terms` depends, through derived cells, on `target` (a cycle)."""
    seen: set[TableCell] = set()
    stack = [k for k, _ in terms]
    while stack:
        k = stack.pop()
        if k == target:
            return True
        if k not in seen:
            seen.add(k)
            stack.extend(t for t, _ in derived.get(k, ()))
    return False


def derive(doc: Document, plans: dict[int, TablePlan]) -> None:
    """Fill each plan's `derived` from the rule catalogue, so a sheet's live formulas and
    the rules that check them are one declaration: every mandatory identity that states
    one table cell as a sum of other table cells makes that cell a formula over them. The
    first such identity wins; one that would make a cell depend on itself is skipped."""
    derived: dict[TableCell, Terms] = {}
    placed = {n: set(plan.placed()) for n, plan in plans.items()}
    # Column sums first (a total over the rows printed above it reads like the table), then
    # any other identity: a row's 合计 over its columns, a figure carried from another table.
    for columns_only in (True, False):
        for family in _DERIVING:
            for rule in CATALOGUE:
                if rule.family != family or rule.level != "M":
                    continue
                for inst in rule.instances(doc):
                    rel = inst.relation
                    if not isinstance(rel, Equal) or len(rel.lhs) != 1 or rel.lhs[0].factor != 1.0:
                        continue
                    lhs = rel.lhs[0].ref
                    key = cell_key(lhs)
                    cells = [(cell_key(t.ref), t.factor) for t in rel.rhs]
                    if key is None or key in derived or key.row not in placed.get(key.table, ()):
                        continue
                    terms = tuple((c, f) for c, f in cells if c is not None)
                    if len(terms) != len(cells):
                        continue  # a part outside the tables
                    if columns_only and any(c.table != key.table or c.column != key.column for c, _ in terms):
                        continue
                    if terms and not _reaches(terms, key, derived):
                        derived[key] = terms
    for key, terms in derived.items():
        plans[key.table].derived[key] = terms


def plan_document(doc: Document) -> dict[int, TablePlan]:
    plans = {n: place(n, doc.table(n)) for n in LAYOUTS}
    derive(doc, plans)
    return plans


def live_values(doc: Document, plans: dict[int, TablePlan]) -> dict[TableCell, float]:
    """What every derived cell recomputes to on import, in Python."""
    return recompute(doc, derivations(plans))


def derivations(plans: dict[int, TablePlan]) -> dict[TableCell, Terms]:
    derived: dict[TableCell, Terms] = {}
    for p in plans.values():
        derived.update(p.derived)
    return derived


def figure(doc: Document, k: TableCell, as_printed: bool = False) -> float | None:
    """A table cell's figure in `doc`: as it stands, or as the document printed it (an
    officer's edit undone, `Row.as_printed`); None where the table or row is missing."""
    t = doc.table(k.table)
    r = t.row(k.row) if t else None
    if r is None:
        return None
    return r.as_printed(k.column) if as_printed else r.get(k.column)


def printed_in(doc: Document) -> Callable[[TableCell], float]:
    """Each cell as the document printed it, 0 where blank."""
    return lambda k: figure(doc, k, as_printed=True) or 0.0


def recompute(doc: Document, derived: dict[TableCell, Terms]) -> dict[TableCell, float]:
    live = recomputed(doc, derived)
    return {k: live[k] for k in derived}


def recomputed(doc: Document, derived: dict[TableCell, Terms]) -> "Recomputed":
    """`recompute`, each derived cell made when first asked."""
    return Recomputed(lambda k: figure(doc, k) or 0.0, derived)


def recompute_over(inputs: Callable[[TableCell], float], derived: dict[TableCell, Terms]) -> dict[TableCell, float]:
    """Every derived cell's recomputation, each other cell read from `inputs`."""
    live = Recomputed(inputs, derived)
    return {k: live[k] for k in derived}


class Recomputed:
    """The derived cells' recomputations, each made when first asked (with those below it):
    a view that judges a few identities of an edited document (an officer's one edit) reads a
    few cells, not every derived cell of the 13 tables. The same sums, in the same order, as
    the whole recomputation makes."""

    def __init__(self, inputs: Callable[[TableCell], float], derived: dict[TableCell, Terms]) -> None:
        self._inputs, self._derived = inputs, derived
        self._memo: dict[TableCell, float] = {}

    def __contains__(self, k: object) -> bool:
        return k in self._derived

    def __getitem__(self, k: TableCell) -> float:
        if k not in self._derived:
            raise KeyError(k)
        return self._value(k)

    def _value(self, k: TableCell) -> float:
        memo = self._memo
        if k in memo:
            return memo[k]
        terms = self._derived.get(k)
        v = self._inputs(k) if terms is None else sum(self._value(t) * f for t, f in terms)
        memo[k] = v
        return v


def offsets(derived: dict[TableCell, Terms], printed: Callable[[TableCell], float]) -> dict[TableCell, float]:
    """How far each derived cell's printed figure is from its recomputation over the printed
    figures (the document's own 尾差, e.g. a 合计 a cent off its 类): a workbook judges a
    derived cell as its recomputation plus this constant, which is its printed figure until
    an input changes and then moves by exactly that change. So an untouched workbook judges
    the figures the document prints (as `check` does), and an edit reaches every identity
    above it undiluted by the rounding of the cells it passes through. Zero offsets are left out."""
    out: dict[TableCell, float] = {}
    for k, v in recompute_over(printed, derived).items():
        c = round(printed(k) - v, 6)  # printed figures are cents: the rest is binary noise
        if c != 0:
            out[k] = c
    return out

