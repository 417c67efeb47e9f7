"""The document model: what a disclosure says, read from its text.

Amounts are floats in the unit the document prints (万元 for the 13 tables and the
narrative, 元 for the 绩效 tables); a blank cell is None, never 0. Every record keeps the
1-based source line it was read from, so a finding can point back at the text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Mapping

Amount = float | None
RowKind = Literal["total", "class", "item", "subtotal", "fixed"]
DocKind = Literal["部门", "单位"]


@dataclass(frozen=True, slots=True)  # many per table, and again per placement the reader weighs
class Row:
    """One printed row of a table (one side of it, for the two-sided 表1/4/9).

    `key` is unique within its table: a 功能/收入 code ("201"), a fixed label key from
    `layouts` ("本年收入合计"), or a positional key ("p3", "u1") for 表6/11/12/13 rows.
    """

    key: str
    name: str
    amounts: Mapping[str, Amount]
    line: int
    code: str | None = None
    kind: RowKind = "item"
    level: int = 0
    parent: str | None = None  # key of the row this one sums into, where not implied by codes
    second_name: str | None = None  # 表6: 政府预算经济科目 name
    # Columns whose amount the reader placed by a guess: another placement fitted the
    # document's arithmetic equally well, so a finding resting on them is not certain.
    guessed: tuple[str, ...] = ()
    # A workbook read back after the officer's edits: the figures the document printed where
    # the cells now hold others (the 原表数 block keeps them), None for a row the officer added.
    # What the document's own 尾差 are measured on, so that an edit is never taken for one.
    # Empty for a document read from its text.
    printed: Mapping[str, Amount] = field(default_factory=dict)

    def get(self, column: str) -> Amount:
        return self.amounts.get(column)

    def as_printed(self, column: str) -> Amount:
        """The figure the document printed in `column` (`get` where nothing was edited)."""
        return self.printed[column] if column in self.printed else self.amounts.get(column)


@dataclass(frozen=True)
class Table:
    number: int
    title: str
    line: int
    empty: bool
    rows: tuple[Row, ...] = ()
    label_line: int | None = None  # the 预算公开表N line, when printed

    def row(self, key: str) -> Row | None:
        return self._index.get(key)

    def by_key(self) -> dict[str, Row]:
        return dict(self._index)

    @cached_property
    def figures(self) -> Mapping[tuple[int, str, str], Amount]:
        """Every printed figure by (table number, row key, column), a key's first row as `row`
        finds it: a `TableCell` is such a tuple and finds its figure in one look-up. Made
        once per table (a table read again is the same object, `read.tables`)."""
        out: dict[tuple[int, str, str], Amount] = {}
        n = self.number
        for key, r in self._index.items():
            for column, v in r.amounts.items():
                out[(n, key, column)] = v
        return out

    @cached_property
    def _index(self) -> dict[str, Row]:
        # First row wins, as a reader keeps the first of duplicated keys.
        index: dict[str, Row] = {}
        for r in self.rows:
            index.setdefault(r.key, r)
        return index


FigureKind = Literal["amount", "share", "growth", "change", "count", "base"]


@dataclass(frozen=True)
class Figure:
    """A number stated in the narrative (第三部分).

    `subject` is a canonical key the narrative rules understand (e.g. "收入总计",
    "收入:一般公共预算", "三公:公务接待费"); `value` is in 万元 for amounts, percent for
    shares and growth, a plain number for counts. `decimals` is what was printed.
    A change carries its sign from the word (增加 +, 减少 −). A "base" is last year's amount
    stated inline ("比2025年预算A万元减少X万元"): what a change and its growth are measured from,
    never a figure of this year.
    """

    key: str
    section: int
    kind: FigureKind
    subject: str
    value: float
    decimals: int
    line: int
    text: str = ""
    word: str | None = None  # 增加/减少/增长/下降 where printed


@dataclass(frozen=True)
class Prose:
    """A narrative section's words as the reader read them, kept so that the 说明草稿 can quote
    the document's paragraphs and reasons without the file: its heading line, its lines joined
    (`text`), where each line starts in it, and where each figure is printed in it."""

    heading: str
    text: str
    starts: tuple[int, ...] = ()
    spans: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # figure key -> (start, end)


@dataclass(frozen=True)
class Narrative:
    line: int | None
    figures: tuple[Figure, ...] = ()
    sections: Mapping[int, tuple[int, int]] = field(default_factory=dict)  # n -> (first, last line)
    class_names: tuple[tuple[str, str, int], ...] = ()  # (code or "", quoted 类 name, line)
    title: str = ""  # the 第三部分 heading line, as printed
    prose: Mapping[int, Prose] = field(default_factory=dict)  # n -> the section's words

    def figure(self, key: str) -> Figure | None:
        return self._by_key.get(key)

    @cached_property
    def _by_key(self) -> dict[str, Figure]:
        # Looked up once per finding: a scan per lookup was quadratic in a long narrative.
        out: dict[str, Figure] = {}
        for f in self.figures:
            out.setdefault(f.key, f)  # the first of a key, as the scan found it
        return out


@dataclass(frozen=True)
class ProjectTable:
    """One 项目支出绩效目标表; amounts in 元. Keys of `period`/`annual`: 总额, 中央, 省级,
    市县, 单位自筹, 其他."""

    key: str
    name: str
    line: int
    name_line: int
    period: Mapping[str, Amount]
    annual: Mapping[str, Amount]
    annual_line: int | None = None
    # The line each amount is printed on, by "period:<part>" / "annual:<part>": a finding
    # cites the line of the figure it compares, not the table's first line.
    lines: Mapping[str, int] = field(default_factory=dict)
    unit: str = ""  # 实施单位, as printed: names a unit subtotal row of 表12/13


@dataclass(frozen=True)
class OverallTable:
    """整体支出绩效目标申报表; amounts in 万元. `by_source` keys: 合计, 一般公共预算, ...;
    `by_direction` keys: 合计, 基本支出, 项目支出."""

    line: int
    by_source: Mapping[str, Amount]
    by_direction: Mapping[str, Amount]
    lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    source: str
    unit: str
    kind: DocKind
    year: int | None
    currency: str
    tables: Mapping[int, Table | None]
    narrative: Narrative
    projects: tuple[ProjectTable, ...] = ()
    overall: OverallTable | None = None
    notes: tuple["ReadNote", ...] = ()
    # Where the text says a 绩效 part is attached: ("project" | "overall", line).
    announced: tuple[tuple[str, int], ...] = ()
    # The printed page of each text line (pages[line - 1]), when read from a PDF; else empty.
    pages: tuple[int, ...] = ()

    def table(self, n: int) -> Table | None:
        return self.tables.get(n)


@dataclass(frozen=True)
class ReadNote:
    """Something the reader could not place or had to decide; becomes a READ-* finding."""

    rule: str  # READ-UNPLACED, READ-PLACEMENT, READ-DUPLICATE, READ-MISSING-TABLE
    message: str
    line: int | None
    table: int | None = None
