"""Findings: the immutable records that checks yield."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from xltools.core.verdicts import SEVERITY_ORDER, Severity

# A 原表数 an officer changed after import, told by a workbook's read-back (a warning: the
# workbook's 校验 and `check BOOK.xlsx` then judge different printed figures).
EDITED_PRINTED = "READ-PRINTED-EDITED"

__all__ = ["SEVERITY_ORDER", "Finding", "FollowsFrom", "Severity", "Where", "sort_key", "with_pages"]


@dataclass(frozen=True)
class Where:
    """A place a finding rests on: a source line (and its table), or a workbook cell."""

    line: int | None = None
    table: int | None = None
    sheet: str | None = None
    cell: str | None = None
    page: int | None = None  # the printed page of `line`, where the text was read from a PDF

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.table is not None:
            out["table"] = self.table
        if self.line is not None:
            out["line"] = self.line
        if self.page is not None:
            out["page"] = self.page
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.cell is not None:
            out["cell"] = self.cell
        return out


@dataclass(frozen=True)
class FollowsFrom:
    """The one figure whose correction would make a group of failed identities hold: its
    name, its line, what it prints and the value the others imply."""

    figure: str
    line: int | None
    printed: float | None
    suggested: float

    def as_dict(self) -> dict[str, object]:
        return {"figure": self.figure, "line": self.line, "printed": self.printed, "suggested": self.suggested}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    expected: float | str | None = None
    actual: float | str | None = None
    diff: float | None = None
    where: tuple[Where, ...] = ()
    # The culprit of a group (`diagnose`): the value its figure should have, and the other
    # identities (rule and message) that the same figure breaks.
    suggested: float | None = None
    diagnosis: str = ""  # "表12“某项目” 疑为 5.83，按…应为 5.38"
    breaks: tuple[str, ...] = ()
    follows_from: FollowsFrom | None = None  # set on every finding of such a group
    # The finding's stable id: its rule and the identities of the cells it compares (table,
    # code or row name, column; never a line), the same in a re-typeset or edited draft, so
    # that an explanation (`accept`) and a comparison of drafts can hold on to it.
    key: str = ""

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(sorted({w.line for w in self.where if w.line is not None}))

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "key": self.key,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "diff": self.diff,
            "where": [w.as_dict() for w in self.where],
        }
        if self.suggested is not None:
            out["suggested"] = self.suggested
            out["diagnosis"] = self.diagnosis
            out["breaks"] = list(self.breaks)
        if self.follows_from is not None:
            out["follows_from"] = self.follows_from.as_dict()
        return out


def sort_key(f: Finding) -> tuple[int, int, str]:
    first = min((w.line for w in f.where if w.line is not None), default=10**9)
    return (SEVERITY_ORDER[f.severity], first, f.rule)


def with_pages(findings: Sequence[Finding], pages: Sequence[int]) -> list[Finding]:
    """Every cited line with the page it is printed on (`pages[line - 1]`): a reviewer holding
    the PDF looks for page 12, not for line 445 of a text they never saw."""
    if not pages:
        return list(findings)

    def paged(w: Where) -> Where:
        if w.line is None or w.page is not None or not 1 <= w.line <= len(pages):
            return w
        return replace(w, page=pages[w.line - 1])

    return [replace(f, where=tuple(paged(w) for w in f.where)) if f.where else f for f in findings]
