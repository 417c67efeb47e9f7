"""Every ribbon button on the seeds, through xlwings' remote engine, asserting real cells."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from excel_harness import SEED, empty_workbook, find_row, press, values
from xltools.excel import buttons
from xltools.excel.actions import FLAG_SHEET, PASTE_SHEET
from xltools.workbook.sheets import CHECKS, NARRATIVE, TABLE_SHEETS

T1, T2 = TABLE_SHEETS[1], TABLE_SHEETS[2]


@pytest.fixture(scope="module")
def imported_000(pressed_000: tuple[Path, str, list[str]]) -> tuple[Path, str]:
    path, msg, alerts = pressed_000
    assert alerts == [msg]
    return path, msg


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy.xlsx"
    shutil.copyfile(src, dst)
    return dst


def test_import_file_000_fills_table1_and_checks(imported_000: tuple[Path, str]) -> None:
    path, msg = imported_000
    assert "不符 1 条" in msg
    wb = values(path)
    assert "Sheet" not in wb.sheetnames  # the empty workbook's own sheet made way
    t1 = wb[T1]
    r = find_row(t1, "收入总计", 1)
    assert t1.cell(r, 2).value == pytest.approx(1271.91)
    t2 = wb[T2]
    r = find_row(t2, "20101", 1)
    assert t2.cell(r, 2).value == "人大事务" and t2.cell(r, 3).value == pytest.approx(6.0)
    checks = wb[CHECKS]
    bad = [row for row in checks.iter_rows(min_row=4, values_only=True) if row[10] == "不符"]
    share = [row for row in bad if row[1] == "N-SHARE"]
    assert len(share) == 1 and "上年结转" in share[0][4] and share[0][9] == pytest.approx(1271.91)


def test_import_matches_the_workbook_builder(imported_000: tuple[Path, str], tmp_path: Path) -> None:
    """Through Excel or straight from the builder: the same cells, value for value."""
    from xltools.rules.reading import read_document
    from xltools.workbook.import_file import import_document

    direct = import_document(read_document(SEED["000"]), tmp_path / "direct.xlsx", recalc="formulas")
    a, b = values(direct), values(imported_000[0])
    for ws in a.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert b[ws.title][c.coordinate].value == c.value, (ws.title, c.coordinate)


def test_import_pasted_001(tmp_path: Path) -> None:
    path = tmp_path / "paste.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = PASTE_SHEET
    for i, line in enumerate(SEED["001"].read_text(encoding="utf-8").splitlines(), start=1):
        for j, cell in enumerate(line.split("\t"), start=1):
            if cell:
                c = ws.cell(i, j, cell)
                c.number_format = "@"
    wb.save(path)
    msg, _ = press(path, buttons.import_pasted)
    assert msg.startswith("已导入")
    out = values(path)
    assert PASTE_SHEET in out.sheetnames  # the pasted text stays for another try
    t1 = out[T1]
    row = [c.value for c in t1[find_row(t1, "收入总计", 1)]]
    assert row[1] == pytest.approx(3340.11, abs=0.011)  # recomputed from 表2: a 尾差 from the print
    assert 3340.11 in row  # the printed figure, as 原表数


def test_import_pasted_creates_the_sheet_first(tmp_path: Path) -> None:
    path = empty_workbook(tmp_path / "new.xlsx")
    msg, _ = press(path, buttons.import_pasted, calc=False)
    wb = openpyxl.load_workbook(path)
    assert PASTE_SHEET in msg and PASTE_SHEET in wb.sheetnames
    assert wb[PASTE_SHEET].column_dimensions["A"].number_format == "@"  # pasted numbers keep their decimals


def test_import_refuses_a_foreign_workbook_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "foreign.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "我的数据"
    wb.active["A1"] = "重要"
    wb.save(path)
    msg, seen = press(path, buttons.import_file, str(SEED["000"]), calc=False)
    assert "不是 xltools 模板" in msg and seen["funcs"] == ["alert"] and seen["alerts"] == [msg]
    after = openpyxl.load_workbook(path)
    assert after.sheetnames == ["我的数据"] and after["我的数据"]["A1"].value == "重要"


def test_failed_import_leaves_the_workbook_and_shows_no_traceback(imported_000: tuple[Path, str], tmp_path: Path) -> None:
    path = _copy(imported_000[0], tmp_path)
    missing = tmp_path / "没有这个文件.txt"
    msg, seen = press(path, buttons.import_file, str(missing), calc=False)
    assert msg.startswith("出错：") and "Traceback" not in msg and "文件不存在" in msg
    assert seen["funcs"] == ["alert"]  # the dialog, and not one write into the workbook


def test_recompute_takes_a_row_the_user_added(imported_000: tuple[Path, str], tmp_path: Path) -> None:
    path = _copy(imported_000[0], tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[T2]
    r = find_row(ws, "2010199", 1) + 1
    ws.insert_rows(r)
    ws.cell(r, 1, "2010102").number_format = "@"
    ws.cell(r, 2, "新增测试项")
    ws.cell(r, 4, 10.0)  # 一般公共预算
    wb.save(path)
    msg, _ = press(path, buttons.recompute)
    assert msg.startswith("已重新计算")
    t2 = values(path)[T2]
    row = find_row(t2, "2010102", 1)
    assert t2.cell(row, 3).value == pytest.approx(10.0)  # its 合计, a new row-sum formula
    assert t2.cell(find_row(t2, "20101", 1), 4).value == pytest.approx(16.0)  # 款 6.00 + 10.00
    assert t2.cell(find_row(t2, "合计", 2), 4).value == pytest.approx(1182.85)
    assert t2.cell(find_row(t2, "合计", 2), 13).value == pytest.approx(1172.86)  # 原表数 kept (the table repeated from L)


def test_flag_and_clear_flags(imported_000: tuple[Path, str], tmp_path: Path) -> None:
    path = _copy(imported_000[0], tmp_path)
    bad_rows = [c.row for (c,) in values(path)[CHECKS].iter_rows(min_col=11, max_col=11) if c.value == "不符"]
    msg, seen = press(path, buttons.flag, calc=False)
    assert "不符 1 条" in msg
    wb = openpyxl.load_workbook(path)
    sheet, address = seen["selection"]
    first = wb[sheet][address]
    assert first.fill.fgColor.rgb.endswith("FF9999") and first.comment is not None
    narr = wb[NARRATIVE]
    share = [c for row in narr.iter_rows() for c in row if c.comment and "N-SHARE" not in c.comment.text
             and "上年结转" in c.comment.text and "0%" in c.comment.text]
    assert share, "the 占0% figure of 上年结转 carries the finding as a note"
    assert bad_rows and all(wb[CHECKS].cell(r, 11).fill.fgColor.rgb.endswith("FF9999") for r in bad_rows)
    log = [row for row in wb[FLAG_SHEET].iter_rows(values_only=True) if row[0]]
    assert wb[FLAG_SHEET].sheet_state == "hidden" and len(log) >= 2

    msg, _ = press(path, buttons.clear_flags, calc=False)
    assert f"已清除 {len(log)} 个标记" in msg
    wb = openpyxl.load_workbook(path)
    cleared = wb[sheet][address]
    assert cleared.comment is None and cleared.fill.fill_type is None
    assert not any(row[0] for row in wb[FLAG_SHEET].iter_rows(values_only=True))


def test_doctor_button(tmp_path: Path) -> None:
    path = empty_workbook(tmp_path / "d.xlsx")
    msg, seen = press(path, buttons.doctor, calc=False)
    assert "全部正常" in msg and seen["alerts"] == [msg]


def test_import_again_into_an_imported_workbook(imported_000: tuple[Path, str], tmp_path: Path) -> None:
    """Every sheet xltools writes (问题 and 说明草稿 too) is its own: a second import replaces them."""
    path = _copy(imported_000[0], tmp_path)
    msg, _ = press(path, buttons.import_file, str(SEED["001"]), calc=False)
    assert msg.startswith("已导入"), msg
    assert "晋城市城区人民政府西街街道办事处" in str(values(path)[T1]["A2"].value)
