"""The committed template equals a fresh generation, compared as XML (dates and calc
settings aside), and it is laid out like the printed tables."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl

from xltools.core.layouts import CLASSES
from xltools.workbook.template import build_template, write_template

COMMITTED = Path(__file__).resolve().parents[1] / "workbook_templates" / "预算公开审核模板.xlsx"
_VOLATILE = re.compile(r"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>|<calcPr[^>]*/>")


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        out = {}
        for name in sorted(z.namelist()):
            if name.endswith((".xml", ".rels")):
                text = _VOLATILE.sub("", z.read(name).decode("utf-8"))
                out[name] = ET.canonicalize(text, strip_text=True)
        return out


def test_committed_template_equals_fresh_generation(tmp_path: Path) -> None:
    fresh = write_template(tmp_path / "fresh.xlsx")
    committed, generated = _parts(COMMITTED), _parts(fresh)
    assert sorted(committed) == sorted(generated)
    for name in generated:
        assert committed[name] == generated[name], f"{name} differs: regenerate the template"


def test_template_prints_the_30_classes_and_fixed_rows() -> None:
    wb = build_template()
    assert wb.sheetnames[:4] == ["封面", "问题", "表1 收支总表", "表2 收入总表"]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in wb.sheetnames)
    t1 = wb["表1 收支总表"]
    codes = [t1.cell(r, 3).value for r in range(6, 36)]
    assert codes == [c for c, _ in CLASSES]
    assert t1["D6"].value == "一般公共服务支出" and t1["C6"].number_format == "@"
    # 收入总计 shares the last line with 支出总计, both live formulas.
    assert t1["A38"].value == "收入总计" and t1["D38"].value == "支出总计"
    assert t1["B38"].value == "=SUM(B11:B12)"
    assert t1["E36"].value == "=SUM(E6:E35)"
    t10 = wb["表10 三公经费"]
    assert [t10.cell(r, 1).value for r in range(6, 12)] == [
        "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "①公务用车购置费", "②公务用车运行维护费", "合计"]
    assert t10["B8"].value == "=SUM(B9:B10)" and t10["B11"].value == "=SUM(B6:B8)"
    t12 = wb["表12 项目支出本年"]
    assert [t12.cell(6, c).value for c in range(1, 8)] == [str(i) for i in range(1, 8)]
    # The headers repeat on every page; the title and 单位 line print once, as the document's.
    assert t12.freeze_panes == "B7" and t12.print_title_rows == "$4:$6"
    assert t12.page_setup.orientation == "landscape" and t12.page_setup.fitToWidth == 1
    assert t12["A4"].value == "项目名称" and t12["C4"].value == "财政拨款"


def test_template_opens_with_openpyxl_and_keeps_structure_hidden() -> None:
    wb = openpyxl.load_workbook(COMMITTED)
    assert wb["_结构"].sheet_state == "hidden"
    assert wb["封面"]["A10"].value == "不符" and wb["封面"]["B10"].value.startswith("=COUNTIF('校验'!K4:K")
