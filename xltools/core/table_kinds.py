"""The kinds of table, each a small strategy declared once: which row adds into which, how
its rows are placed and labelled on a sheet. A `Layout` names its kind; the reader picks
its line reader and the rule catalogue its structure rules by the kind's `name` (their
registries live in their own layers, which core cannot import)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Protocol


class RowLike(Protocol):
    """What a kind reads of a row: the reader's drafts and the model's rows both have it."""

    @property
    def key(self) -> str: ...

    @property
    def code(self) -> str | None: ...

    @property
    def kind(self) -> str: ...

    @property
    def parent(self) -> str | None: ...


# The row the 类 rows of a summary table add into.
CLASS_TOTAL = "本年支出合计"
# A two-sided coded table keeps its income rows under this prefix, so that they never
# collide with the expenditure side's codes.
INCOME_PREFIX = "收入:"

Parent = Callable[[RowLike, str], "str | None"]  # (row, the table's total row) → its parent


def _by_code(r: RowLike, total_key: str) -> str | None:
    """项 into 款 into 类 into 合计, on the row's own side (its key's prefix)."""
    if not r.code:
        return None
    prefix = r.key[: len(r.key) - len(r.code)]
    return prefix + (r.code[:-2] if len(r.code) > 3 else "合计")


def _class_into_total(r: RowLike, total_key: str) -> str | None:
    return CLASS_TOTAL if r.kind == "class" else None


def _class_into_table_total(r: RowLike, total_key: str) -> str | None:
    return total_key if r.kind == "class" else r.parent


def _by_parent(r: RowLike, total_key: str) -> str | None:
    return r.parent


def _declared_only(r: RowLike, total_key: str) -> str | None:
    return None


@dataclass(frozen=True)
class TableKind:
    name: str  # the key of the reader's line readers and the catalogue's structure rules
    parent: Parent  # the row a row adds into, besides the layout's fixed `sums`
    # Rows the layout declares (`Side.fixed_rows`), printed even when the text lacks them;
    # otherwise the rows are those the text prints, under a placeholder total row.
    fixed_rows: bool = False
    # The first side's rows are keyed under this prefix (and its total is prefix + "合计").
    side_prefix: str = ""
    # How a row's label columns read: a code then a name, or two names (no code).
    labels: Literal["code", "names"] = "code"
    # The document prints the code column (a summary table prints its 类 by name only; the
    # working table keeps the codes its formulas look up).
    prints_codes: bool = True
    # The first side's last row is printed on the line of the other side's last row
    # (收入总计 beside 支出总计).
    totals_level: bool = False
    # A wrapped label's piece is joined to the fixed label it completes, before reading.
    joins_label_pieces: bool = False
    # The first row is a grand total named after the department, the units and projects
    # under it nested by their names and sums once all rows are read (its head may wrap).
    nests_units: bool = False
    # The printed table numbers its columns (1 2 3 …) under the header.
    numbered_columns: bool = False
    # Width range (min, max) of the name columns, and of the code column.
    name_width: tuple[float, float] = (12, 30)
    code_width: tuple[float, float] = (7, 12)
    # How a sum of its 类 rows and of its item rows is named in a finding's formula.
    classes_word: str = "Σ 类"
    items_word: str = ""
    # The table has amounts only when it lists an item row (a project).
    amounts_need_items: bool = False


# 表2/3/5/7/8: coded rows, 项 into 款 into 类 into 合计.
CODED = TableKind("coded", _by_code)
# 表9: income and expenditure side by side, each coded, the income rows under "收入:".
CODED_SIDES = TableKind("coded_sides", _by_code, side_prefix=INCOME_PREFIX)
# 表1/表4: two sides of fixed rows, the 30 类 into 本年支出合计.
SUMMARY = TableKind("summary", _class_into_total, fixed_rows=True, prints_codes=False, totals_level=True,
                    joins_label_pieces=True)
# 表6: 经济科目 lines into their 类 row, the 类 rows into 合计; two names, no code.
ECONOMIC = TableKind("economic", _class_into_table_total, labels="names", name_width=(10, 24), classes_word="Σ 类款")
# 表10: fixed rows whose sums the layout's `sums` declares.
FIXED = TableKind("fixed", _declared_only, fixed_rows=True)
# 表11: a unit into 部门合计.
UNITS = TableKind("units", _by_parent, name_width=(16, 34))
# 表12/13: a row into the row it names as its parent (项目 into 单位 into 总计).
PROJECTS = TableKind("projects", _by_parent, nests_units=True, numbered_columns=True, name_width=(16, 34),
                     items_word="Σ 项目", amounts_need_items=True)

KINDS: tuple[TableKind, ...] = (CODED, CODED_SIDES, SUMMARY, ECONOMIC, FIXED, UNITS, PROJECTS)
