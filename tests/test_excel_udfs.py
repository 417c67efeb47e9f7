"""Worksheet functions, called the way Excel calls them, on a workbook imported from seed 000."""
from __future__ import annotations

from pathlib import Path

import pytest

from excel_harness import empty_workbook
from xltools.excel import udfs
from excel_snapshot import remote_book
from xltools.workbook.sheets import TABLE_SHEETS

SENTENCE = ("2026年度阳泉高新技术产业开发区大连街管理服务中心预算收入总计1,271.91万元，其中：本年收入1,172.86万元，"
            "上年结转99.05万元")  # seed 000, l.441


@pytest.fixture(scope="module")
def book_000(pressed_000: tuple[Path, str, list[str]]) -> Path:
    return pressed_000[0]


def test_class_name_from_the_catalogue() -> None:
    assert udfs.XLT_NAME("201") == "一般公共服务支出"
    assert udfs.XLT_NAME(208.0) == "社会保障和就业支出"  # a code typed as a number


def test_kuan_name_from_the_open_document(book_000: Path) -> None:
    caller = remote_book(book_000).sheets[TABLE_SHEETS[1]].range("A1")
    assert udfs.XLT_NAME("20101", None, caller) == "人大事务"
    assert udfs.XLT_NAME("2013299", None, caller) == "其他组织事务支出"
    assert udfs.XLT_NAME("2019999", None, caller).startswith("#N/A 未找到科目 2019999")


def test_kuan_name_from_a_given_range() -> None:
    assert udfs.XLT_NAME("20132", [["20101", "人大事务"], ["20132", "组织事务"]]) == "组织事务"
    assert udfs.XLT_NAME("abc").startswith("#N/A")


def test_findings_as_a_dynamic_array(book_000: Path) -> None:
    caller = remote_book(book_000).sheets[0].range("A1")
    rows = udfs.XLT_FINDINGS(caller)
    assert rows[0] == ["级别", "规则", "说明", "原文行"]
    errors = [r for r in rows[1:] if r[0] == "不符"]
    assert len(errors) == 1 and errors[0][1] == "N-SHARE" and "445" in errors[0][3]
    warnings = {r[1] for r in rows[1:] if r[0] == "提示"}
    assert warnings  # 绩效 count/name warnings of seed 000


def test_findings_without_a_document_is_a_short_message(tmp_path: Path) -> None:
    caller = remote_book(empty_workbook(tmp_path / "e.xlsx")).sheets[0].range("A1")
    out = udfs.XLT_FINDINGS(caller)
    assert out[0][0].startswith("#N/A") and "_结构" in out[0][0] and "Traceback" not in out[0][0]


def test_check_sentence() -> None:
    figures = [["收入总计", 1271.91], ["本年收入", 1172.86], ["上年结转", 99.05]]
    assert udfs.XLT_CHECK_SENTENCE(SENTENCE, figures) == "通过（核对 3 项）"
    wrong = udfs.XLT_CHECK_SENTENCE(SENTENCE, [["上年结转", 99.06]])
    assert wrong.startswith("不符") and "99.05" in wrong and "99.06" in wrong
    assert udfs.XLT_CHECK_SENTENCE(SENTENCE, [["公务接待费", 1.0]]).startswith("#N/A")
    assert udfs.XLT_CHECK_SENTENCE(None, figures).startswith("#N/A")
