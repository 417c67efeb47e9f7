"""A cell of the document, as the rules name it: one small type per kind of cell, and `Ref`
their union.

The kind is the type, never a string: code asks `isinstance(ref, TableCell)` (or matches on it)
and mypy sees a kind it does not handle. Last year's cells are `PriorCell`, a wrapper round a
cell of this year's kinds, so one document's addresses serve both years.

A reference is shown as text in few places (a finding's fallback name and key): `spelled`
gives that text, as it was before these types existed, and is the only place it is made.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple, Union

# Built per relation term: thousands per workbook, hence slotted (and frozen: dictionary keys).


class TableCell(NamedTuple):
    """A cell of 表1..表13: the row key and column key of `layouts`. A named tuple, hashed in C:
    the workbook's plan keys every cell of every table by it (`evaluation.plan`)."""

    table: int
    row: str
    column: str


@dataclass(frozen=True, slots=True)
class NarrativeFigure:
    """A figure the narrative (第三部分) states: `Figure.key`."""

    key: str


@dataclass(frozen=True, slots=True)
class ProjectCell:
    """An amount of a 绩效 project table: the project's key; the column is "annual:<part>" or
    "period:<part>" (年度 / 实施期 资金, as `ProjectTable.lines` keys them)."""

    project: str
    column: str


OverallSide = Literal["source", "direction"]


@dataclass(frozen=True, slots=True)
class OverallCell:
    """An amount of the overall 绩效 table: 按资金来源 ("source") or 按资金方向 ("direction"),
    and the part (合计, 一般公共预算, 基本支出 …)."""

    side: OverallSide
    part: str


DraftSlot = Literal["input", "value", "printed"]


@dataclass(frozen=True, slots=True)
class DraftCell:
    """A cell of the 说明草稿 sheet (workbook only): an input the officer types, a figure the
    draft states, or the figure it compares with where the document states none."""

    key: str
    slot: DraftSlot


# The cells a document holds: what last year's disclosure is addressed by.
DocumentRef = Union[TableCell, NarrativeFigure, ProjectCell, OverallCell]


@dataclass(frozen=True, slots=True)
class PriorCell:
    """A cell of last year's disclosure (read with --prior), addressed as its own document
    addresses it."""

    of: DocumentRef


Ref = Union[TableCell, NarrativeFigure, ProjectCell, OverallCell, DraftCell, PriorCell]


def spelled(ref: Ref) -> tuple[str, str, str]:
    """The reference as text, (sheet, row, column): "t5", "narrative" (key, "value"),
    "project", "overall", "draft", and "prior." before last year's sheet. The one spelling of
    a reference, for the names and keys that show one (`text`, `evaluation.finding_keys`)."""
    match ref:
        case TableCell(table, row, column):
            return f"t{table}", row, column
        case NarrativeFigure(key):
            return "narrative", key, "value"
        case ProjectCell(project, column):
            return "project", project, column
        case OverallCell(side, part):
            return "overall", side, part
        case DraftCell(key, slot):
            return "draft", key, slot
        case PriorCell(of):
            sheet, row, column = spelled(of)
            return "prior." + sheet, row, column


def text(ref: Ref) -> str:
    """"t5!合计:基本支出": a reference no finding has a printed name for."""
    sheet, row, column = spelled(ref)
    return f"{sheet}!{row}:{column}"
