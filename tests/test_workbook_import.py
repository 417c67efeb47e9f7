"""Import: safe writing, cached values, and a workbook that stays live after an edit."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xltools.engine import recalc
from xltools.render.book import build
from xltools.render.fill import import_document
from xltools.render.workbook_check import read_verdicts

from test_workbook_formulas import RULES, small_document


def test_import_refuses_existing_file_then_keeps_a_backup(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        import_document(small_document(), out)
    assert out.read_bytes() == b"old"
    import_document(small_document(), out, overwrite=True)
    assert (tmp_path / "out.xlsx.bak").read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".xltools-")]
    values = openpyxl.load_workbook(out, data_only=True)
    # cached by the formulas engine: 表1 收入总计 recomputed from 表2 (100.01 + 10)
    assert values["表1 收支总表"]["B38"].value == pytest.approx(110.01)
    assert values["表2 收入总表"]["C6"].value == pytest.approx(100.01)
    assert values["封面"]["B1"].value is None and values["封面"]["A3"].value == "单位名称"


def test_recomputed_figure_off_its_printed_value_gets_a_note(tmp_path: Path) -> None:
    out = import_document(small_document(), tmp_path / "n.xlsx", recalc=None)
    ws = openpyxl.load_workbook(out)["表2 收入总表"]
    # 208 prints 40.00, its 款 20805 prints 40.01: the 类 formula recomputes 40.01.
    assert ws["C9"].value == "=SUM(C10)"
    assert "原表数 40.00，重算 40.01" in ws["C9"].comment.text
    assert ws["C7"].comment is None
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any("ABS(ROUND(C" in f for r in rules for f in r.formula)


def test_changing_an_input_updates_totals_dependent_tables_and_verdicts(tmp_path: Path) -> None:
    path = tmp_path / "live.xlsx"
    build(small_document(), RULES).workbook.save(path)
    recalc(path)
    before = dict((rid, v) for rid, _, v in read_verdicts(path))
    assert before["T-EQ-ROW"] == "通过"
    wb = openpyxl.load_workbook(path)
    t2 = wb["表2 收入总表"]
    assert t2["B10"].value == "行政事业单位养老支出" and t2["D10"].value == 40.01
    t2["D10"].value = 50.0  # 20805 一般公共预算
    wb.save(path)
    recalc(path)
    v = openpyxl.load_workbook(path, data_only=True)
    assert v["表2 收入总表"]["C9"].value == pytest.approx(50.0)  # 类 208
    assert v["表2 收入总表"]["D6"].value == pytest.approx(110.0)  # 合计 row
    assert v["表1 收支总表"]["B6"].value == pytest.approx(110.0)  # 表1 一般公共预算 from 表2
    assert v["表1 收支总表"]["B38"].value == pytest.approx(120.0)  # 表1 收入总计
    after = dict((rid, verdict) for rid, _, verdict in read_verdicts(path))
    assert after["T-EQ-ROW"] == "不符"
    assert v["封面"]["B10"].value == sum(1 for x in after.values() if x == "不符")
