"""Verdicts and severities, with the words every surface shows for them, declared once.

A `Status` is how one identity came out; a `Severity` is how a finding counts. Both are
string enums, so they compare equal to, and serialise as, their plain values ("fail",
"error"), which the JSON report and the tests read.
"""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    TAIL = "tail"
    FAIL = "fail"
    UNCHECKED = "unchecked"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER: dict[str, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

# The 校验 sheet's 结果 words: a failed mandatory identity is 不符, a failed advisory one 提示.
PASSED, TAILED, MISMATCH, ADVISORY, NOT_CHECKED = "通过", "尾差", "不符", "提示", "未核对"
# A document's conclusion in an audit (the summary's 结论, the tally `audit` prints).
HAS_ERRORS, HAS_WARNINGS, UNREADABLE = "有错误", "有提示", "无法读取"
CONCLUSIONS = (HAS_ERRORS, HAS_WARNINGS, PASSED, UNREADABLE)

# A finding's severity as the audit summary names it, as the text report heads its lines (its
# info lines also carry what the reader noted), and as a workbook's 问题 and 校验 name it.
SEVERITY_WORDS: dict[str, str] = {Severity.ERROR: "错误", Severity.WARNING: ADVISORY, Severity.INFO: TAILED}
REPORT_WORDS: dict[str, str] = {**SEVERITY_WORDS, Severity.INFO: "尾差/信息"}
SHEET_WORDS: dict[str, str] = {Severity.ERROR: MISMATCH, Severity.WARNING: ADVISORY, Severity.INFO: TAILED}


def words(level: str) -> tuple[str, str, str]:
    """The 结果 words of a comparison of a rule at `level` ("M" mandatory, "A" advisory)."""
    return PASSED, TAILED, MISMATCH if level == "M" else ADVISORY


def status_of_word(word: str) -> Status:
    """A 结果 word read back from a workbook → its status (both failure words are a fail)."""
    return {PASSED: Status.PASS, TAILED: Status.TAIL, NOT_CHECKED: Status.UNCHECKED}.get(word, Status.FAIL)
