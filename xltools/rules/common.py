"""Small helpers shared by the rule families: cell references and row lookups."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from xltools.core.layouts import LAYOUTS
from xltools.core.model import Document, Row, Table
from xltools.core.comparisons import under_half_cent
from xltools.core.references import TableCell
from xltools.rules.core import Term, Terms


# The cells of the 13 tables are few (codes and fixed labels recur from document to document)
# and are named afresh by every rule instance: each is made once, as is its term. Both are
# immutable, so sharing them between documents shares nothing that could change.
@lru_cache(maxsize=1 << 15, typed=True)
def cell(table: int, row: str, column: str) -> TableCell:
    return TableCell(table, row, column)


@lru_cache(maxsize=1 << 15, typed=True)
def cell_term(table: int, row: str, column: str) -> Term:
    return Term(cell(table, row, column))


def cells(table: int, rows: Iterable[str], column: str) -> Terms:
    return tuple([cell_term(table, r, column) for r in rows])


def present(doc: Document, *numbers: int) -> bool:
    """A rule over tables only applies when every table it names was found."""
    return all(doc.table(n) is not None for n in numbers)


def table(doc: Document, n: int) -> Table:
    t = doc.table(n)
    assert t is not None
    return t


def coded_rows(t: Table, prefix: str = "") -> list[Row]:
    return [r for r in t.rows if r.code and r.key == prefix + r.code]


def label(t: int, row: Row) -> str:
    name = f"{row.code} {row.name}" if row.code else row.name
    return f"表{t} {name}".strip()


def amount_columns(n: int, side: int | None = None) -> tuple[str, ...]:
    sides = LAYOUTS[n].sides if side is None else (LAYOUTS[n].sides[side],)
    return tuple(c.key for s in sides for c in s.columns)



def money(v: float, decimals: int = 2) -> str:
    """An amount as a disclosure prints money: thousands separators, its own decimals.
    Never `:g`, which keeps six significant digits (95,160.46 became 95160.5)."""
    decimals = max(0, decimals)  # 1.25亿元 is 12,500 万元 printed to the hundred (decimals −2)
    if round(v, decimals) == 0:
        v = 0.0  # no "-0.00"
    return f"{v:,.{decimals}f}"


def yuan(v: float) -> str:
    """元 as the 绩效 tables print them: whole 元 unless the document gave fen."""
    return money(v, 0 if under_half_cent(v - round(v)) else 2)


_CN = "〇一二三四五六七八九十"


def numeral(n: int) -> str:
    """1…99 in Chinese numerals; a section keyed 20 + n (a second heading of one kind,
    `read.narrative_stream.find_sections`) is named by its printed numeral n."""
    if n > 20:
        n -= 20
    if n <= 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return (_CN[tens] if tens > 1 else "") + "十" + (_CN[ones] if ones else "")
