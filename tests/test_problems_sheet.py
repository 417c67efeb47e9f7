"""The 问题 sheet and the cover's first step: the problems at import, worst first, and live
after edits that settle one and make another."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from xltools.workbook.engine import load_model
from xltools.workbook.book import build
from xltools.workbook.checksheet import FIRST as CHECK_FIRST
from xltools.workbook.problems import FIRST
from xltools.workbook.book_check import read_verdicts

from test_workbook_formulas import RULES, expected_verdicts, small_document


def _rows(path: Path) -> list[tuple[str, str]]:
    ws = openpyxl.load_workbook(path, data_only=True)["问题"]
    return [(str(r[2]), str(r[1])) for r in ws.iter_rows(min_row=FIRST, values_only=True) if r[2]]


def test_problems_are_the_mismatches_and_warnings_worst_first_each_linked(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    built = build(small_document(), RULES)
    built.workbook.save(path)
    load_model(path).write(path)
    verdicts = expected_verdicts(small_document())
    wanted = [(rid, v) for rid, v in verdicts if v == "不符"] + [(rid, v) for rid, v in verdicts if v == "提示"]
    assert _rows(path) == wanted and len(wanted) >= 4
    ws = openpyxl.load_workbook(path)["问题"]
    checks = {rid: row for row, (rid, _, _) in enumerate(read_verdicts(path), start=CHECK_FIRST)}
    for r in range(FIRST, FIRST + len(wanted)):
        rid = ws.cell(r, 3).value
        assert ws.cell(r, 2).value == f"='校验'!K{checks[rid]}"  # the verdict is 校验's, live
        assert ws.cell(r, 12).hyperlink.location == f"'校验'!A{checks[rid]}"
    cover = openpyxl.load_workbook(path, data_only=True)["封面"]
    errors = sum(1 for _, v in verdicts if v == "不符")
    assert cover["A2"].value.startswith(f"先打开“问题”表，更正 {errors} 条不符")
    assert cover["A2"].hyperlink.location == "'问题'!A1"


def _unlisted(path: Path) -> int:
    """校验's 不符 and 提示 that the 问题 rows do not show, as the workbook now judges."""
    listed = dict(_rows(path))
    now = [(rid, v) for rid, _, v in read_verdicts(path) if v in ("不符", "提示")]
    return sum(1 for rid, _ in now if listed.get(rid) not in ("不符", "提示"))


def test_an_edit_settles_a_problem_and_a_new_one_is_announced(tmp_path: Path) -> None:
    path = tmp_path / "live.xlsx"
    built = build(small_document(), RULES)
    built.workbook.save(path)
    model = load_model(path)
    model.write(path)
    assert dict(_rows(path))["T-EQ-FAIL"] == "不符"
    assert not openpyxl.load_workbook(path, data_only=True)["问题"]["A3"].value  # the list is complete
    # 表2 20805 一般公共预算 50: 表2's 合计 becomes 110.00, as 表3's: T-EQ-FAIL holds now,
    # and 表1, which restates 表2, no longer adds up to its printed totals.
    model.update({("表2 收入总表", "D10"): 50.0})
    model.write(path)
    assert dict(_rows(path))["T-EQ-FAIL"] == "通过"
    before = _unlisted(path)
    assert before > 0
    assert openpyxl.load_workbook(path, data_only=True)["问题"]["A3"].value.startswith(f"另有 {before} 条不符或提示")
    # 表3 201 基本支出 500: 基本支出 ≤ 收入总计 (T-ATMOST-PASS) fails too, one more the list lacks.
    sheet, a1 = built.addresses.live_cell((3, "201", "基本支出"))  # type: ignore[misc]
    model.update({(sheet, a1): 500.0})
    model.write(path)
    values = openpyxl.load_workbook(path, data_only=True)
    now = dict((rid, v) for rid, _, v in read_verdicts(path))
    assert now["T-ATMOST-PASS"] == "提示" and "T-ATMOST-PASS" not in dict(_rows(path))
    assert _unlisted(path) == before + 1
    assert values["问题"]["A3"].value.startswith(f"另有 {before + 1} 条不符或提示是编辑后出现的")
    assert f"{sum(1 for v in now.values() if v == '提示')} 条提示" in values["封面"]["A2"].value
