"""Small helpers shared by the rule families: cell references and row lookups."""
from __future__ import annotations

from typing import Iterable

from ..layouts import LAYOUTS
from ..model import Document, Row, Table
from .core import Ref, Term, Terms


def cell(table: int, row: str, column: str) -> Ref:
    return Ref(f"t{table}", row, column)


def cells(table: int, rows: Iterable[str], column: str) -> Terms:
    return tuple(Term(cell(table, r, column)) for r in rows)


def present(doc: Document, *numbers: int) -> bool:
    """A rule over tables only applies when every table it names was found."""
    return all(doc.table(n) is not None for n in numbers)


def table(doc: Document, n: int) -> Table:
    t = doc.table(n)
    assert t is not None
    return t


def coded_rows(t: Table, prefix: str = "") -> list[Row]:
    return [r for r in t.rows if r.code and r.key == prefix + r.code]


def children(rows: list[Row], parent: Row) -> list[Row]:
    """Coded rows one level below `parent`: 款 of a 类, 项 of a 款."""
    assert parent.code is not None
    want = {3: 5, 5: 7}.get(len(parent.code))
    return [r for r in rows if r.code and len(r.code) == want and r.code.startswith(parent.code)]


def label(t: int, row: Row) -> str:
    name = f"{row.code} {row.name}" if row.code else row.name
    return f"表{t} {name}".strip()


def amount_columns(n: int, side: int | None = None) -> tuple[str, ...]:
    sides = LAYOUTS[n].sides if side is None else (LAYOUTS[n].sides[side],)
    return tuple(c.key for s in sides for c in s.columns)

