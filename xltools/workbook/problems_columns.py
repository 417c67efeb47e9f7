"""The 问题 sheet's columns, declared once: its fixed rows (problems.py), its live rows
(problems_live.py) and the read-back of the explanations typed into it all use these."""
from __future__ import annotations

from enum import IntEnum

from xltools.workbook.checksheet import Col


class PCol(IntEnum):
    NUMBER = 1
    VERDICT = 2
    RULE = 3
    LEVEL = 4
    DESCRIPTION = 5
    SUBJECT = 6
    ACTUAL = 7
    EXPECTED = 8
    DIFF = 9
    PLACE = 10
    LINES = 11
    CHECK_ROW = 12
    EXPLAIN = 13
    KEY = 14  # hidden: the finding's key, for the read-back


# Header and width of each column, in PCol's order (实际/应为/差额: 元 of ten digits, as 校验).
COLUMNS: dict[PCol, tuple[str, float]] = {
    PCol.NUMBER: ("序号", 5), PCol.VERDICT: ("结果", 7), PCol.RULE: ("规则", 12), PCol.LEVEL: ("级别", 5),
    PCol.DESCRIPTION: ("说明", 28), PCol.SUBJECT: ("对象", 40), PCol.ACTUAL: ("实际", 18), PCol.EXPECTED: ("应为", 18),
    PCol.DIFF: ("差额", 16), PCol.PLACE: ("位置", 22), PCol.LINES: ("原文行", 10), PCol.CHECK_ROW: ("校验行", 8),
    PCol.EXPLAIN: ("说明（已核实无误的，填写原因）", 24), PCol.KEY: ("编号", 12),
}
# Each 问题 column that shows a column of 校验, as text or as a figure.
FROM_CHECKS_TEXT: tuple[tuple[PCol, Col], ...] = (
    (PCol.RULE, Col.RULE), (PCol.LEVEL, Col.LEVEL), (PCol.DESCRIPTION, Col.DESCRIPTION), (PCol.SUBJECT, Col.SUBJECT),
    (PCol.PLACE, Col.PLACE), (PCol.LINES, Col.LINES))
FROM_CHECKS_FIGURES: tuple[tuple[PCol, Col], ...] = (
    (PCol.ACTUAL, Col.ACTUAL), (PCol.EXPECTED, Col.EXPECTED), (PCol.DIFF, Col.DIFF))
