"""Why an identity the document states could not be checked: a code and its fields, with the
words a user reads made from them here only. The coverage ledger groups by code (the tables
not found together), the 校验 sheet and the reports print the words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Why(StrEnum):
    MISSING_TABLES = "missing-tables"  # the tables it reads were not found
    NO_NARRATIVE = "no-narrative"  # no 第三部分
    NO_PROJECTS = "no-projects"  # no 项目支出绩效目标表 read
    NO_OVERALL = "no-overall"  # no 整体支出绩效目标申报表 read
    CELL_UNKNOWN = "cell-unknown"  # a narrative amount whose table item is not identified
    SHARE_BASE_UNLISTED = "share-base-unlisted"  # a 绩效 share whose base the narrative does not list
    SHARE_BASE_UNKNOWN = "share-base-unknown"  # a share over a base the sentence names or implies, not identified
    SHARE_PART_UNKNOWN = "share-part-unknown"  # a share whose amount is not identified
    GROWTH_SUBJECT_UNKNOWN = "growth-subject-unknown"  # a growth rate whose item is not identified
    CURRENT_UNKNOWN = "current-unknown"  # this year's amount of a change not found
    GROWTH_NO_CHANGE = "growth-no-change"  # a growth rate with no change stated to measure it by
    GROWTH_NO_CURRENT = "growth-no-current"  # a growth rate whose current amount is not found
    CHANGE_SUBJECT_UNKNOWN = "change-subject-unknown"  # a change whose item is not identified
    PRIOR_NO_CURRENT = "prior-no-current"  # last year's amount cannot be derived: no current amount
    PRIOR_NOT_READ = "prior-not-read"  # last year's tables lack the item and its narrative does not state it
    PRIOR_NOT_STATED = "prior-not-stated"  # last year's narrative does not state the item


_WORDS: dict[Why, str] = {
    Why.NO_NARRATIVE: "未找到第三部分（预算情况说明）",
    Why.NO_PROJECTS: "未读到项目支出绩效目标表",
    Why.NO_OVERALL: "未读到整体支出绩效目标申报表",
    Why.CELL_UNKNOWN: "未能确定所述金额对应的报表项目",
    Why.SHARE_BASE_UNLISTED: "未能确定占比的基数（说明未列公开或纳入项目金额）",
    Why.SHARE_PART_UNKNOWN: "未能确定占比所对应的金额",
    Why.GROWTH_SUBJECT_UNKNOWN: "未能确定增减率所属项目，无法确定其基数",
    Why.CURRENT_UNKNOWN: "未能确定本年数",
    Why.GROWTH_NO_CHANGE: "说明未列增减额，未能确定增减率的基数",
    Why.GROWTH_NO_CURRENT: "未能确定本年数，无法确定增减率的基数",
    Why.CHANGE_SUBJECT_UNKNOWN: "未能确定增减额所属项目",
    Why.PRIOR_NO_CURRENT: "未能确定本年数，无法推算上年数",
}
_ASIDE = re.compile(r"（[^）]*）")


@dataclass(frozen=True)
class Reason:
    """`tables`: the tables not found (MISSING_TABLES) or last year's tables read
    (PRIOR_NOT_READ); `named`: the base a sentence names (SHARE_BASE_UNKNOWN, as printed) or the
    item last year's disclosure lacks (PRIOR_*)."""

    code: Why
    tables: tuple[int, ...] = ()
    named: str = ""

    @property
    def text(self) -> str:
        """The reason in the words the reports, the ledger and the 校验 sheet print."""
        if self.code is Why.MISSING_TABLES:
            return "未找到" + "、".join(f"表{n}" for n in self.tables)
        if self.code is Why.SHARE_BASE_UNKNOWN:
            return f"未能确定占比的基数“{self.named}”" if self.named else "未能确定占比的基数"
        if self.code is Why.PRIOR_NOT_READ:
            tabs = "、".join(f"表{n}" for n in self.tables)
            return f"上年公开未读出{tabs}中的“{self.named}”，说明也未列此项"
        if self.code is Why.PRIOR_NOT_STATED:
            return f"上年公开的说明未列“{self.named}”"
        return _WORDS[self.code]

    @property
    def short(self) -> str:
        """The words without their aside, for a one-line summary."""
        return _ASIDE.sub("", self.text)

    @property
    def part_missing(self) -> bool:
        """A part of the document not found (a table, the narrative): listed first."""
        return self.code in (Why.MISSING_TABLES, Why.NO_NARRATIVE)

    def __str__(self) -> str:
        return self.text


def missing(*tables: int) -> Reason:
    return Reason(Why.MISSING_TABLES, tuple(tables))
