"""Every verdict follows every input: an imported seed edited in 表2, 表3, 表5, 表6 and 表12,
recalculated by each engine, judged in 校验 (no Python) and by `check BOOK.xlsx` and the Excel
buttons (one read-back) exactly as Python's live evaluation of the edited document."""
from __future__ import annotations

import html
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from book_files import sheet_values, with_inputs
from built import once
from conftest import SEED_PATHS
from excel_snapshot import _engine as excel_engine
from test_workbook_seeds import live_findings, python_verdicts
from xltools.core.references import TableCell
from xltools.workbook.engine import recalc_many
from xltools.workbook.engine.fast_model import FastModel
from xltools.excel import buttons
from xltools.excel.actions import evaluate_open
from xltools.core.findings import Finding
from xltools.core.model import Document
from xltools.evaluation.judged import live_of
from xltools.evaluation.plan import derivations, plan_document
from xltools.workbook.address import AddressMap, grid_for
from xltools.workbook.book_check import check_workbook, read_grids, read_verdicts

SEED = "001"
# (table, row key, column) of an input cell, +100.00, and an identity between tables that the
# edit must break: it is judged on the live figures of both sides.
EDITS = {
    2: ("2210201", "一般公共预算", "X-T1-T2-INCOME"),  # 住房公积金
    3: ("2210201", "基本支出", "X-T1-T3-TOTAL"),
    5: ("2210201", "基本支出", "X-T5-T2"),
    6: ("p31", "人员经费", "X-T5-T6"),  # 退休费
    12: ("p30", "一般公共预算", "X-T12-FUNDS"),  # 西街街道2024年戒毒经费
}


def edited(doc: Document, n: int) -> Document:
    key, col, _ = EDITS[n]
    t = doc.tables[n]
    assert t is not None
    rows = tuple(replace(r, amounts={**r.amounts, col: round((r.get(col) or 0.0) + 100, 2)}) if r.key == key else r
                 for r in t.rows)
    return replace(doc, tables={**doc.tables, n: replace(t, rows=rows)})


def _shape(found: list[Finding]) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.severity, f.message) for f in found)


_VERDICTS: dict[int | None, tuple[Document, list[tuple[str, str, str]]]] = {}


def _verdicts(doc: Document, n: int | None) -> list[tuple[str, str, str]]:
    """Python's live verdicts of `doc` as imported (n None) or with table n's input edited:
    the same for both engines' books, so judged once each."""
    kept = _VERDICTS.get(n)
    if kept is None or kept[0] is not doc:
        kept = _VERDICTS[n] = (doc, python_verdicts(doc) if n is None else python_verdicts(edited(doc, n), live_of(doc)))
    return kept[1]


@pytest.fixture(scope="module")
def books(seed_workbooks: dict[str, Path], docs: dict[str, Document],
          tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, str], Path]:
    """(table edited, engine) → the seed's workbook with that one input raised by 100.00
    (built once per run: tests/built.py)."""
    doc = docs[SEED]
    plans = plan_document(doc)
    amap = AddressMap(plans, {n: grid_for(p) for n, p in plans.items()})

    def build(d: Path) -> dict[tuple[int, str], Path]:
        out: dict[tuple[int, str], Path] = {}
        model = FastModel.load(seed_workbooks[SEED]).calculate()  # one model, each edit made and undone
        for n, (key, col, _) in EDITS.items():
            assert (n, key, col) not in derivations(plans), "an input cell, not a formula"
            sheet, a1 = amap.live_cell(TableCell(n, key, col))  # type: ignore[misc]
            old = model.value(sheet, a1)
            assert isinstance(old, (int, float)) and not isinstance(old, bool), (sheet, a1, old)
            new = round(old + 100, 2)
            lo = with_inputs(seed_workbooks[SEED], d / f"t{n}_lo.xlsx", {(sheet, a1): new})
            fast = Path(shutil.copy(seed_workbooks[SEED], d / f"t{n}.xlsx"))
            model.update({(sheet, a1): new})
            model.write(fast)
            model.update({(sheet, a1): old})
            out[(n, "formulas")], out[(n, "libreoffice")] = fast, lo
        recalc_many([out[(n, "libreoffice")] for n in EDITS], "libreoffice")
        return out
    return once(tmp_path_factory, "live-edits", build)


@pytest.mark.parametrize("engine", ["formulas", "libreoffice"])
@pytest.mark.parametrize("n", sorted(EDITS))
def test_every_dependent_verdict_follows_the_edit(books: dict[tuple[int, str], Path], docs: dict[str, Document],
                                                  n: int, engine: str) -> None:
    doc = docs[SEED]
    before, after = _verdicts(doc, None), _verdicts(doc, n)
    changed = {(rid, subject) for (rid, subject, a), (_, _, b) in zip(before, after) if a != b}
    cross = EDITS[n][2]
    assert any(rid == cross for rid, _ in changed), (n, sorted(changed)[:5])
    got = [v for v in read_verdicts(books[(n, engine)]) if v[2] != "读取"]
    assert got == after  # 校验, recalculated with no Python: every verdict as the live evaluation
    assert {(r, s) for (r, s, v), (_, _, w) in zip(got, before) if v != w} == changed


@pytest.mark.parametrize("n", sorted(EDITS))
def test_check_book_and_buttons_find_what_the_live_evaluation_finds(books: dict[tuple[int, str], Path],
                                                                    docs: dict[str, Document], n: int) -> None:
    path = books[(n, "libreoffice")]
    cli = check_workbook(path)
    assert _shape(cli) == _shape(live_findings(edited(docs[SEED], n), live_of(docs[SEED])))
    cross = [f for f in cli if f.rule == EDITS[n][2] and f.severity == "error"]
    assert cross and all(w.sheet and w.cell for w in cross[0].where if w.sheet is not None)
    assert any(w.sheet for w in cross[0].where)
    grids = read_grids(path)
    buttons_view = evaluate_open(grids)
    assert _shape(buttons_view) == _shape(cli)
    # The button run on the book as Excel shows it; its message is what is asserted (the
    # flags it draws are replayed and read back by test_excel_buttons).
    msg = buttons.flag(book=_values_book(path, grids))
    m = re.search(r"不符 (\d+) 条，提示 (\d+) 条", msg)
    assert m is not None, msg
    assert (int(m.group(1)), int(m.group(2))) == (sum(f.severity == "error" for f in cli),
                                                   sum(f.severity == "warning" for f in cli))


def _values_book(path: Path, grids: dict[str, list[list[Any]]]) -> Any:
    """The book as the remote engine gives it to a button (excel_snapshot.snapshot), made from
    the cached values `check BOOK.xlsx` reads: the same values, sheet for sheet, as the
    snapshot of a full load carries (every book of `books` compared), with each sheet's
    visibility; its notes and charts, which 标记问题's count never reads, left out. A full
    load of a seed costs half a second a book."""
    xw = excel_engine()
    with zipfile.ZipFile(path) as z:
        hidden = set(re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*state="(?:hidden|veryHidden)"',
                                z.read("xl/workbook.xml").decode("utf-8")))
    sheets = []
    for title, rows in grids.items():
        values = [[v if v is None or isinstance(v, (int, float, str)) else str(v) for v in row] for row in rows]
        sheets.append({"name": title, "visibility": "Hidden" if html.escape(title) in hidden else "Visible",
                       "values": [[]] if values == [[None]] else values, "pictures": [], "shapes": [], "charts": [],
                       "notes": [], "tables": [], "print_area": None, "show_gridlines": True, "pivot_tables": []})
    return xw.Book(json={"client": "Office.js", "version": xw.__version__,
                         "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
                         "names": [], "sheets": sheets})


def test_a_class_added_to_table_2_reaches_table_1(seed_workbooks: dict[str, Path], tmp_path: Path) -> None:
    """213 农林水支出 is not in 000's 表2: an officer adds it (类, 款, 项) below the table."""
    path = Path(shutil.copy(seed_workbooks["000"], tmp_path / "added.xlsx"))
    wb = openpyxl.load_workbook(path)
    t2 = wb["表2 收入总表"]
    last = max(r for r in range(1, t2.max_row + 1) if t2.cell(r, 1).value or t2.cell(r, 2).value)
    for i, (code, name) in enumerate((("213", "农林水支出"), ("21301", "农业农村"), ("2130101", "行政运行"))):
        r = last + 1 + i
        t2.cell(r, 1).value = code
        t2.cell(r, 2).value = name
        t2.cell(r, 3).value = 12.34  # 合计
        t2.cell(r, 4).value = 12.34  # 一般公共预算
    wb.save(path)
    recalc_many([path], "libreoffice")
    t1 = sheet_values(path, "表1 收支总表")
    row = next(r for r in range(1, t1.max_row + 1) if t1.cell(r, 3).value == "213")
    assert t1.cell(row, 4).value == "农林水支出"
    assert t1.cell(row, 6).value == pytest.approx(12.34)  # 当年预算安排 = 表2 本年收入合计 of 213
    assert t1.cell(row, 5).value == pytest.approx(12.34)  # its 合计
    found = check_workbook(path)
    # The new rows are read back: 表2's 合计 does not add them (a fixed sum) and says so.
    assert any(f.rule == "T2-HIER" and f.severity == "error" and any(w.cell and w.sheet == "表2 收入总表" for w in f.where)
               for f in found)


def test_check_book_json_has_the_shape_of_a_texts_with_sheet_and_cell(books: dict[tuple[int, str], Path],
                                                                      docs: dict[str, Document],
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from xltools.cli.main import main

    path = books[(3, "formulas")]
    assert main(["check", str(path), "--json"]) == 1
    book = json.loads(capsys.readouterr().out)
    assert main(["check", str(SEED_PATHS[SEED]), "--json"]) == 1
    text = json.loads(capsys.readouterr().out)
    assert book.keys() == text.keys() and book["source"] == str(path)
    assert book["document"] == text["document"] and book["tables"]["3"]["rows"] == text["tables"]["3"]["rows"]
    total = next(f for f in book["findings"] if f["rule"] == "X-T1-T3-TOTAL")
    # 表3's 合计 live, 100.00 over the printed 3,340.11 after the edit, against 表1's.
    assert total["severity"] == "error" and total["diff"] == pytest.approx(-100.0, abs=0.02)
    assert {(w["sheet"], w["cell"]) for w in total["where"]} >= {("表3 支出总表", "C6")}
    assert all("line" in w for w in total["where"])


def test_a_template_filled_by_hand_is_judged_on_its_live_values(tmp_path: Path) -> None:
    """No 原表数 anywhere: every figure as typed, 表1's 类 row pulled live from 表2 by code."""
    from xltools.workbook.template import write_template

    path = write_template(tmp_path / "hand.xlsx")
    wb = openpyxl.load_workbook(path)
    t2 = wb["表2 收入总表"]
    typed = (("201", "一般公共服务支出", 50.0), ("20101", "人大事务", 50.0), ("2010101", "行政运行", 30.0),
             ("2010102", "一般行政管理事务", 21.0))
    for i, (code, name, amount) in enumerate(typed):
        t2.cell(7 + i, 1).value, t2.cell(7 + i, 2).value, t2.cell(7 + i, 3).value = code, name, amount
        t2.cell(7 + i, 4).value = 20.0 if code == "2010102" else amount  # 一般公共预算
    t2["D6"].value = 50.0
    wb.save(path)
    recalc_many([path], "libreoffice")
    assert sheet_values(path, "表1 收支总表")["F6"].value == pytest.approx(50.0)  # 201 当年预算安排, from 表2
    found = {(f.rule, f.message) for f in check_workbook(path) if f.severity == "error"}
    assert ("T2-HIER", "表2 20101“人大事务” 50.00 ≠ Σ 下级科目 51.00（差 -1.00）") in found
    assert ("T2-ROW", "表2 2010102“一般行政管理事务” 21.00 ≠ 一般公共预算 + … + 单位资金 20.00（差 1.00）") in found
    assert not any(rule == "X-T1-T2-INCOME" for rule, _ in found)  # 表1 一般公共预算 = 表2's, live
