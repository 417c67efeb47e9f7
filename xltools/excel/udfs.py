"""Worksheet functions (xlwings UDFs) for what a formula alone cannot do.

Import them once with the xlwings add-in (UDF Modules: xltools.excel.udfs). A failure is
a short "#N/A …" text in the cell, never a traceback.
"""
from __future__ import annotations

from typing import Any

import xlwings as xw

from xltools.excel import actions
from xltools.excel.messages import short_message
from xltools.excel.transfer import book_values
from xltools.workbook.readback import read_back


def _na(msg: str) -> str:
    return "#N/A " + msg


@xw.func
@xw.arg("lookup", ndim=2)
def XLT_NAME(code: Any, lookup: Any = None, caller: Any = None) -> str:
    """功能分类科目编码 → 官方名称。类 from the catalogue; 款/项 from `lookup` (code, name columns),
    or from the tables of the workbook the formula is in."""
    try:
        rows = lookup
        if not rows and caller is not None and len(str(code or "").strip().split(".")[0]) > 3:
            rows = actions.table_codes(read_back(book_values(caller.sheet.book)).doc)
        return actions.official_name(code, rows)
    except Exception as exc:
        return _na(short_message(exc))


@xw.func
@xw.ret(expand="table")
def XLT_FINDINGS(caller: Any) -> list[list[Any]]:
    """The workbook's findings (级别, 规则, 说明, 原文行) as a dynamic array."""
    try:
        return actions.findings_rows(book_values(caller.sheet.book))
    except Exception as exc:
        return [[_na(short_message(exc))]]


@xw.func
@xw.arg("figures", ndim=2)
def XLT_CHECK_SENTENCE(sentence: Any, figures: Any) -> str:
    """One narrative sentence against (label, amount) pairs from the tables."""
    try:
        return actions.check_sentence("" if sentence is None else str(sentence), figures or [])
    except Exception as exc:
        return _na(short_message(exc))
