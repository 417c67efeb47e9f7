"""Import: safe writing, cached values, and a workbook that stays live after an edit."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from xltools.workbook.engine import load_model, recalc
from xltools.workbook.book import build
from xltools.workbook.description import describe
from xltools.workbook.import_file import import_document
from xltools.workbook.book_check import read_verdicts

from book_files import book_values, sheet_values
from test_workbook_formulas import RULES, expected_verdicts, small_document
from xltools.evaluation.judged import live_of


def test_import_refuses_existing_file_then_keeps_a_backup(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        import_document(small_document(), out)
    assert out.read_bytes() == b"old"
    import_document(small_document(), out, overwrite=True)
    assert (tmp_path / "out.xlsx.bak").read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".xltools-")]
    values = book_values(out)  # the cached values, as `check BOOK.xlsx` reads them
    # cached by the formulas engine: 表1 收入总计 recomputed from 表2 (100.01 + 10)
    assert values["表1 收支总表"]["B38"].value == pytest.approx(110.01)
    assert values["表2 收入总表"]["C6"].value == pytest.approx(100.01)
    assert values["封面"]["B1"].value is None and values["封面"]["A3"].value == "单位名称"


def test_recomputed_figure_off_its_printed_value_gets_a_note() -> None:
    ws = describe(build(small_document(), RULES).workbook).sheet("表2 收入总表")
    notes = dict(ws.notes)
    # 208 prints 40.00, its 款 20805 prints 40.01: the 类 formula recomputes 40.01.
    c9 = ws.cell("C9")
    assert c9 is not None and c9.value == "=SUM(C10)"
    assert "原表数 40.00" in notes["C9"] and "40.01" not in notes["C9"]  # nothing to go stale
    assert "C7" not in notes
    # … and it turns red beyond the 尾差 of the cells it adds directly (issue 24), 208 over its one
    # 款 0.01, or once an edit moves its own cent (+0.01 as printed); 表2's 合计 over its 类
    # carries 208's printed cent (C6-0.01), so that it is judged at 100.00 as printed, not
    # marked for a cent that is 208's own: any difference there is an edit.
    red = [area for cf in ws.conditionals if cf.fill == "#FF9999" for area in cf.areas()]
    # The difference printed − parts, as 校验's 差额: 208's as printed is 40.00 − 40.01.
    d9 = "ROUND(ROUND(M9,2)-ROUND(C9,2),2)"
    assert ("C9", f"OR(ABS({d9})>0.01+1E-9,AND(ABS({d9})>=0.0049,ABS({d9}-(-0.01))>=0.0049,ABS({d9})+1E-9>=0.01))") in red
    assert ("C6", "ABS(ROUND(ROUND(M6,2)-ROUND((C6-0.01),2),2))>=0.0049") in red
    assert "C6" not in notes


def test_changing_an_input_updates_totals_dependent_tables_and_verdicts(tmp_path: Path) -> None:
    path = tmp_path / "live.xlsx"
    build(small_document(), RULES).workbook.save(path)
    model = load_model(path)  # compiled once, kept: the edit below recomputes only what depends on it
    model.write(path)
    before = dict((rid, v) for rid, _, v in read_verdicts(path))
    assert before["T-EQ-ROW"] == "通过"
    wb = openpyxl.load_workbook(path)
    t2 = wb["表2 收入总表"]
    assert t2["B10"].value == "行政事业单位养老支出" and t2["D10"].value == 40.01
    t2["D10"].value = 50.0  # 20805 一般公共预算
    wb.save(path)
    changed = model.update({("表2 收入总表", "D10"): 50.0})
    assert ("表2 收入总表", "C9") in changed and ("表2 收入总表", "C7") not in changed
    model.write(path)
    v = book_values(path)  # the cached values, as `check BOOK.xlsx` reads them
    assert v["表2 收入总表"]["C9"].value == pytest.approx(50.0)  # 类 208
    assert v["表2 收入总表"]["D6"].value == pytest.approx(110.0)  # 合计 row
    assert v["表1 收支总表"]["B6"].value == pytest.approx(110.0)  # 表1 一般公共预算 from 表2
    assert v["表1 收支总表"]["B38"].value == pytest.approx(120.0)  # 表1 收入总计
    after = dict((rid, verdict) for rid, _, verdict in read_verdicts(path))
    # Each identity on its own terms (issue 24): 表3 合计 110.00 against 表2's 合计 as printed,
    # 100.00, before the edit; after it 100.00 + the edit's 9.99 (20805: 40.01 → 50) = 109.99,
    # a 尾差 (the cent 表2 prints off its 类 stays 表2's); a row's 合计 against its parts holds.
    assert (before["T-EQ-FAIL"], after["T-EQ-FAIL"]) == ("不符", "尾差")
    assert after["T-EQ-ROW"] == "通过"
    edited = small_document()
    t2 = edited.tables[2]
    rows = tuple(replace(r, amounts={**r.amounts, "一般公共预算": 50.0}) if r.key == "20805" else r for r in t2.rows)
    edited = replace(edited, tables={**edited.tables, 2: replace(t2, rows=rows)})
    assert list(after.items()) == expected_verdicts(edited, live_of(small_document()))
    assert v["封面"]["B10"].value == sum(1 for x in after.values() if x == "不符")
    recalc(path)  # the incremental result is the file's full recalculation
    assert dict((rid, verdict) for rid, _, verdict in read_verdicts(path)) == after


def test_imported_file_gets_normal_permissions_and_keeps_a_replaced_files_mode(tmp_path: Path) -> None:
    import os
    import stat

    out = import_document(small_document(), tmp_path / "m.xlsx", recalc=None)
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask  # not mkstemp's 0600
    os.chmod(out, 0o640)
    import_document(small_document(), out, overwrite=True)  # recalculated: cache rewrite too
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_a_users_own_formula_is_recalculated_too(tmp_path: Path) -> None:
    path = tmp_path / "u.xlsx"
    wb = build(small_document(), RULES).workbook
    wb["表2 收入总表"]["Z1"] = "=MAX(C6:C10)*2"  # a user's own formula: MAX is not ours
    wb.save(path)
    recalc(path)
    v = sheet_values(path, "表2 收入总表")
    assert v["Z1"].value == pytest.approx(200.02)  # 2 × the 合计 100.01
    assert v["C6"].value == pytest.approx(100.01)


def test_check_sheet_links_are_cell_hyperlinks_not_formulas() -> None:
    d = describe(build(small_document(), RULES).workbook)
    checks = d.sheet("校验")
    links = [link for link in checks.links if link.cell.startswith("L")]
    texts = {c.address: c for c in checks.cells}
    assert links and all(not texts[link.cell].formula for link in links)
    assert links[0].location.startswith("'表")
    cover = {link.cell: link.location for link in d.sheet("封面").links}
    assert cover["B18"] == "'问题'!A1" and cover["B19"] == "'表1 收支总表'!A1"


def test_style_lists_by_identity_give_the_same_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    """`render/fast_styles.py` files a style by the object, trusting that the renderer never
    changes a style once made: a seed's workbook is the same as with openpyxl's own lists."""
    from xltools.rules.reading import read_document
    from xltools.workbook import book as book_module
    from xltools.workbook.description import describe

    seed = next((Path(__file__).parent / "fixtures").glob("003_*.txt"))
    doc = read_document(seed)
    fast = describe(build(doc, RULES).workbook)
    monkeypatch.setattr(book_module, "new_workbook", openpyxl.Workbook)
    plain = describe(build(doc, RULES).workbook)
    assert fast == plain and sum(len(s.cells) for s in fast.sheets) > 10_000
