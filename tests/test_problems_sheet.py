"""The 问题 sheet and the cover's first step: the problems at import, worst first, and live
after edits that settle one and make others, which are listed below them by formulas
(Excel 2010+, WPS, LibreOffice and the fast path alike)."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from book_files import book_values, sheet_values, with_inputs
from excel_harness import press
from xltools.core.references import TableCell
from xltools.workbook.problems_live import INDEX_SHEET
from xltools.excel import buttons
from xltools.core.model import Document
from xltools.evaluation.plan import derivations, plan_document
from xltools.workbook.address import AddressMap, grid_for
from xltools.workbook.book_check import read_grids, sheet_rows
from xltools.workbook.checksheet import Col
from xltools.workbook.engine import load_model, recalc_many
from xltools.workbook.engine.fast_model import FastModel
from xltools.workbook.book import build
from xltools.workbook.checksheet import FIRST as CHECK_FIRST
from xltools.workbook.problems import EXPLAIN_COL, FIRST, read_explanations
from xltools.workbook.sheets import CHECKS
from xltools.workbook.book_check import read_verdicts

from test_workbook_formulas import RULES, expected_verdicts, small_document


def _rows(path: Path) -> list[tuple[str, str]]:
    """问题's rows as its last recalculation left them: (规则, 结果)."""
    ws = sheet_values(path, "问题")
    rows = ((ws.cell(r, 3).value, ws.cell(r, 2).value) for r in range(FIRST, ws.max_row + 1))
    return [(str(rule), str(verdict)) for rule, verdict in rows if rule]


def test_problems_are_the_mismatches_and_warnings_worst_first_each_linked(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    built = build(small_document(), RULES)
    built.workbook.save(path)
    load_model(path).write(path)
    verdicts = expected_verdicts(small_document())
    wanted = [(rid, v) for rid, v in verdicts if v == "不符"] + [(rid, v) for rid, v in verdicts if v == "提示"]
    assert _rows(path) == wanted and len(wanted) >= 4
    wb = openpyxl.load_workbook(path)
    ws = wb["问题"]
    checks = {rid: row for row, (rid, _, _) in enumerate(read_verdicts(path), start=CHECK_FIRST)}
    for r in range(FIRST, FIRST + len(wanted)):
        rid = ws.cell(r, 3).value
        assert ws.cell(r, 2).value == f"='校验'!K{checks[rid]}"  # the verdict is 校验's, live
        assert ws.cell(r, 12).hyperlink.location == f"'校验'!A{checks[rid]}"
    cover = sheet_values(path, "封面")
    errors = sum(1 for _, v in verdicts if v == "不符")
    assert cover["A2"].value.startswith(f"先打开“问题”表，更正 {errors} 条不符")
    assert wb["封面"]["A2"].hyperlink.location == "'问题'!A1"


def _unlisted(path: Path) -> int:
    """校验's 不符 and 提示 that the 问题 rows do not show, as the workbook now judges."""
    listed = dict(_rows(path))
    now = [(rid, v) for rid, _, v in read_verdicts(path) if v in ("不符", "提示")]
    return sum(1 for rid, _ in now if listed.get(rid) not in ("不符", "提示"))


def test_an_edit_settles_a_problem_and_its_new_ones_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "live.xlsx"
    built = build(small_document(), RULES)
    built.workbook.save(path)
    model = load_model(path)
    model.write(path)
    wanted = _rows(path)
    assert dict(wanted)["T-EQ-FAIL"] == "不符"
    assert not sheet_values(path, "问题")["A3"].value  # the list is complete
    # 表2 20805 一般公共预算 50: 表2's 合计 becomes 110.00, as 表3's: T-EQ-FAIL holds now,
    # and 表1, which restates 表2, no longer adds up to its printed totals.
    model.update({("表2 收入总表", "D10"): 50.0})
    model.write(path)
    # 尾差, not 通过: 20805 went from 40.01 to 50 (+9.99), so 表2's 合计 is its printed 100.00
    # + 9.99 = 109.99 against 表3's 110.00 (each identity judged on the printed figures plus
    # the edit, issue 24: the cent 表2 prints off its 类 stays where the document put it).
    assert dict(_rows(path))["T-EQ-FAIL"] == "尾差"
    # The problems the edit made are listed below the import's, live (problems_live.py).
    assert _unlisted(path) == 0
    new = len(_rows(path)) - len(wanted)
    assert new > 0
    assert sheet_values(path, "问题")["A3"].value.startswith(f"编辑后出现 {new} 条不符或提示")
    # 表3 201 基本支出 500: 基本支出 ≤ 收入总计 (T-ATMOST-PASS) fails too: one more row.
    sheet, a1 = built.addresses.live_cell(TableCell(3, "201", "基本支出"))  # type: ignore[misc]
    model.update({(sheet, a1): 500.0})
    model.write(path)
    values = book_values(path)
    now = dict((rid, v) for rid, _, v in read_verdicts(path))
    assert now["T-ATMOST-PASS"] == "提示" and dict(_rows(path))["T-ATMOST-PASS"] == "提示"
    assert _unlisted(path) == 0 and len(_rows(path)) - len(wanted) == new + 1
    assert values["问题"]["A3"].value.startswith(f"编辑后出现 {new + 1} 条不符或提示")
    assert f"{sum(1 for v in now.values() if v == '提示')} 条提示" in values["封面"]["A2"].value


# -- The live list on a real disclosure: an edit's new problems listed with no Python running --

SEED = "001"
EDIT = TableCell(3, "2210201", "基本支出")  # 表3 住房公积金 基本支出, raised by 0.30 (issue 24's example)
LIVE_HEAD = "编辑后出现的不符与提示"


def _rows_of(path: Path, title: str, first: int, width: int) -> list[list[object]]:
    """A sheet's rows from `first` on, `width` cells each, values as cached: its XML alone, read
    as `check BOOK.xlsx` reads it (book_check.sheet_rows: what openpyxl's data-only load shows)."""
    grid = sheet_rows(path, title)
    assert grid is not None, (path, title)
    return [(row + [None] * width)[:width] for row in grid[first - 1:]]


def _checks_problems(path: Path) -> list[tuple[str, str, str, str, object, object, object]]:
    """校验's 不符 and 提示 as its last recalculation judged them: (序号, 结果, 规则, 对象, 实际,
    应为, 差额), 不符 first, each kind in 校验's order."""
    out = []
    for row in _rows_of(path, CHECKS, CHECK_FIRST, max(Col)):
        verdict = row[Col.VERDICT - 1]
        if verdict in ("不符", "提示"):
            out.append((str(row[Col.NUMBER - 1]), verdict, row[Col.RULE - 1], row[Col.SUBJECT - 1],
                        _figure(row[Col.ACTUAL - 1]), _figure(row[Col.EXPECTED - 1]), _figure(row[Col.DIFF - 1])))
    return sorted(out, key=lambda t: (t[1] != "不符", int(t[0])))


def _figure(v: object) -> object:
    return round(v, 6) if isinstance(v, float) else (None if v == "" else v)


def _problems(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str, object, object, object]], str]:
    """问题 as its last recalculation left it: the fixed rows (校验 序号, 结果), the live rows as
    `_checks_problems` gives them, and row 3's note."""
    rows = _rows_of(path, "问题", 3, 14)
    note, rows = str(rows[0][0] or ""), rows[FIRST - 3:]
    head = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith(LIVE_HEAD))
    fixed = [(str(r[11]), str(r[1])) for r in rows[:head] if r[2]]
    live = [(str(r[11]), r[1], r[2], r[5], _figure(r[6]), _figure(r[7]), _figure(r[8]))
            for r in rows[head + 1:] if r[2]]
    return fixed, live, note


@pytest.fixture(scope="module")
def edited_books(seed_workbooks: dict[str, Path], seed_books: dict[tuple[str, str], Path], docs: dict[str, Document],
                 tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """("edited" | "undone", engine) → the seed's workbook with EDIT's input +0.30 (then set
    back), recalculated by that engine."""
    doc = docs[SEED]
    plans = plan_document(doc)
    assert (EDIT.table, EDIT.row, EDIT.column) not in derivations(plans), "an input cell, not a formula"
    sheet, a1 = AddressMap(plans, {n: grid_for(p) for n, p in plans.items()}).live_cell(EDIT)  # type: ignore[misc]
    d = tmp_path_factory.mktemp("problems-live")
    src = seed_workbooks[SEED]
    # The fast path's books from one model of the seed, the edit made and undone in it
    # (FastModel.update), as a workbook open in Excel recalculates: the undone book is the
    # model back where it was imported, not the seed recalculated afresh.
    model = FastModel.load(src).calculate()
    old = model.value(sheet, a1)
    assert isinstance(old, float) and old > 0, (sheet, a1, old)
    out: dict[tuple[str, str], Path] = {}
    for engine in ("formulas", "libreoffice"):
        edited = with_inputs(src, d / f"edited-{engine}.xlsx", {(sheet, a1): round(old + 0.30, 2)})
        out[("edited", engine)] = edited
        out[("undone", engine)] = with_inputs(edited, d / f"undone-{engine}.xlsx", {(sheet, a1): old})
    for state, value in (("edited", round(old + 0.30, 2)), ("undone", old)):
        model.update({(sheet, a1): value})
        model.write(out[(state, "formulas")])
    # The file set back is the seed as imported, part for part: LibreOffice recalculates a file
    # from its cells alone, so its recalculation of it is the session's of the seed (seed_books),
    # not a request of its own.
    with zipfile.ZipFile(out[("undone", "libreoffice")]) as undone, zipfile.ZipFile(src) as imported:
        assert [(n, undone.read(n)) for n in undone.namelist()] == [(n, imported.read(n)) for n in imported.namelist()]
    out[("undone", "libreoffice")] = seed_books[(SEED, "libreoffice")]
    recalc_many([out[("edited", "libreoffice")]], "libreoffice")
    out[("imported", "formulas")] = src
    return out


@pytest.mark.parametrize("engine", ["formulas", "libreoffice"])
def test_an_edit_s_new_problems_are_listed_as_check_sheet_has_them(
        edited_books: dict[tuple[str, str], Path], seed_books: dict[tuple[str, str], Path], engine: str) -> None:
    imported_fixed, imported_live, note = _problems(seed_books[(SEED, engine)])
    assert imported_live == [] and note == ""  # as imported: every problem is a fixed row
    listed = {seq for seq, _ in imported_fixed}
    path = edited_books[("edited", engine)]
    fixed, live, note = _problems(path)
    wanted = [p for p in _checks_problems(path) if p[0] not in listed]
    # The 0.30 breaks the identities over 表3's 2210201 and its 类/款 and 合计 rows: new 不符.
    assert len(wanted) >= 3 and all(p[1] == "不符" for p in wanted)
    assert {p[2] for p in wanted} >= {"X-T1-T3-TOTAL"}
    assert live == wanted  # rule ids, subjects, figures and 校验 序号 exactly as 校验 has them
    assert note.startswith(f"编辑后出现 {len(wanted)} 条不符或提示，列于第 ")
    assert [seq for seq, _ in fixed] == [seq for seq, _ in imported_fixed]
    # Undone: back to the import's list, nothing below it.
    fixed, live, note = _problems(edited_books[("undone", engine)])
    assert (fixed, live, note) == (imported_fixed, [], "")


def test_a_reason_typed_beside_a_live_row_reads_back_for_its_finding(
        edited_books: dict[tuple[str, str], Path]) -> None:
    path = edited_books[("edited", "formulas")]
    grids = read_grids(path)
    grid = grids["问题"]
    head = next(i for i, r in enumerate(grid) if str(r[0] or "").startswith(LIVE_HEAD))
    row = grid[head + 1]
    seq = int(row[11])
    # 校验 and the index sheet as the scan just read them (what a data-only load shows).
    row_of = {r[0]: i for i, r in enumerate(grids[CHECKS][CHECK_FIRST - 1:])}
    index = grids[INDEX_SHEET][CHECK_FIRST - 1:]
    key = index[row_of[seq]][2]  # the index sheet's key column, row for row beside 校验
    assert isinstance(key, str) and key.startswith(row[2] + ":")  # the finding key of that 校验 row
    row[EXPLAIN_COL - 1] = "已核实：调整后数"
    got = read_explanations(grids, str(path))
    assert [(a.key, a.reason, a.origin) for a in got] == [(key, "已核实：调整后数", f"问题!M{head + 1 + 1}")]


def test_the_recompute_button_lists_every_problem_after_an_edit(edited_books: dict[tuple[str, str], Path],
                                                                tmp_path: Path) -> None:
    path = Path(shutil.copy(edited_books[("edited", "formulas")], tmp_path / "button.xlsx"))
    before = _checks_problems(path)
    msg, _ = press(path, buttons.recompute)
    assert msg.startswith("已重新计算：不符 24 条，提示 16 条")
    # The button rebuilds the workbook from its cells, and the edit is still told from the
    # document's own 尾差 (the 原表数 block keeps what was printed): the 0.30 still shows at
    # every identity above it, 表1's 支出总计 four levels up included, with the same figures.
    assert _checks_problems(path) == before
    assert ("不符", "X-T1-T3-TOTAL", "表1 支出总计 = 表3 合计") in {p[1:4] for p in before}
    # 重新计算 rebuilds 校验 and 问题 from the sheets as they are: the edit's problems are now
    # the import's rows, and 问题 lists every 不符 and 提示 of 校验, each once.
    fixed, live, note = _problems(path)
    listed = [(seq, v) for seq, v in fixed if v in ("不符", "提示")] + [(p[0], p[1]) for p in live]
    problems = _checks_problems(path)
    assert sorted(listed) == sorted((p[0], p[1]) for p in problems)
    assert "T3-ROW" in {p[2] for p in problems}  # 表3 2210201: 合计 ≠ 基本支出 + 项目支出 after the 0.30
