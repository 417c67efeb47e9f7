"""A formula's template: the formula with each reference replaced by a placeholder.

Cells that differ only in where their references point share one template, so `formulas`
parses and compiles it once. A placeholder keeps its reference's shape (range sizes matter to
SUM and COUNTIF), and the same cell referenced twice gets the same placeholder, as `formulas`
shares the sub-expression. Placeholders sit side by side on row 1 of an unnamed sheet, one
column apart, so no two of them overlap.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from xltools.workbook.engine.xlsx_cells import NotModelled, col_letters, col_number

# A string literal (kept as is) or a reference: optional sheet, a cell, optional ":cell".
_TOKEN = re.compile(
    r'"(?:[^"]|"")*"'
    r"|(?<![\w.$])(?:(?P<sheet>'(?:[^']|'')+'|[^\W\d][\w.]*+)!)?"
    r"\$?(?P<c1>[A-Za-z]{1,3}+)\$?(?P<r1>[0-9]++)(?::\$?(?P<c2>[A-Za-z]{1,3}+)\$?(?P<r2>[0-9]++))?(?![\w(!:$])"
)
# The possessive runs (*+, {1,3}+, ++) match what the plain ones match: what follows each (a
# "!", a "$" or a digit, a ":" or the end of the token) is never what it gave back would be;
# they only spare the engine those retries, a tenth of a workbook's parse.


class Ref(NamedTuple):  # a tuple: thousands are made and hashed per workbook
    """A rectangle on a sheet (index into the book's sheets); rows and columns 1-based."""
    sheet: int
    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.r2 - self.r1 + 1, self.c2 - self.c1 + 1


class Parsed(NamedTuple):  # a tuple: one is made per formula cell
    key: str  # the template, e.g. "=ROUND(SUM(A1:A3),2)"
    refs: tuple[Ref, ...]  # the cell's own references, in placeholder order
    placeholders: tuple[str, ...]  # "A1:A3", … as `formulas` names its inputs


def _sheet_index(token: str, own: int, sheets: dict[str, int]) -> int:
    name = token[1:-1].replace("''", "'") if token.startswith("'") else token
    try:
        return sheets[name.upper()]
    except KeyError:
        raise NotModelled(f"reference to a sheet not in the workbook: {name!r}") from None


def _ref(m: re.Match[str], own_sheet: int, sheets: dict[str, int]) -> Ref:
    sheet, a, r1, b, r2 = m.groups()
    si = own_sheet if sheet is None else _sheet_index(sheet, own_sheet, sheets)
    if b is None:
        r, c = int(r1), _column(a)
        return Ref(si, r, c, r, c)
    ra, rb, ca, cb = int(r1), int(r2), _column(a), _column(b)
    return Ref(si, min(ra, rb), min(ca, cb), max(ra, rb), max(ca, cb))


def parse(formula: str, own_sheet: int, sheets: dict[str, int],
          known: dict[int, dict[str, Ref]] | None = None) -> Parsed:
    """`sheets`: upper-cased sheet name → index (Excel compares sheet names without case).
    `known`: the references read so far from the same workbook (sheet → text → Ref), kept by
    the caller across formulas: a workbook's formulas name the same cells and columns again
    and again (every row of 问题 reads 校验's columns)."""
    refs: list[Ref] = []
    names: list[str] = []
    seen: dict[Ref, str] = {}
    next_col = 1
    on_sheet = {} if known is None else known.setdefault(own_sheet, {})

    def sub(m: re.Match[str]) -> str:
        nonlocal next_col
        token = m.group(0)
        ref = on_sheet.get(token)
        if ref is None:
            if token[0] == '"':  # a string literal
                return token
            ref = on_sheet[token] = _ref(m, own_sheet, sheets)
        name = seen.get(ref)
        if name is not None:
            return name
        w = ref.c2 - ref.c1 + 1
        if ref.r1 == ref.r2 and w == 1:
            name = _cell_name(next_col)
        else:
            name = f"{_cell_name(next_col)}:{col_letters(next_col + w - 1)}{ref.r2 - ref.r1 + 1}"
        next_col += w + 1
        seen[ref] = name
        refs.append(ref)
        names.append(name)
        return name

    key = _TOKEN.sub(sub, formula)
    return Parsed(key, tuple(refs), tuple(names))


# Ten thousand formulas name a few dozen columns: each is worked out once.
_COLUMNS: dict[str, int] = {}
_NAMES: dict[int, str] = {}


def _column(letters: str) -> int:
    n = _COLUMNS.get(letters)
    if n is None:
        n = _COLUMNS[letters] = col_number(letters.upper())
    return n


def _cell_name(col: int) -> str:
    name = _NAMES.get(col)
    if name is None:
        name = _NAMES[col] = f"{col_letters(col)}1"
    return name

