"""The sheet scan (engine/xlsx_cells.py `_read_sheet`) reads a cell of the shape xltools writes
in one match and any other cell as the general reader does: on cells of every shape, its
constants, formulas and escaped texts are those of the general reader run on each <c>."""
from __future__ import annotations

from xltools.workbook.engine.sheet_xml import CELL
from xltools.workbook.engine.xlsx_cells import Book, _read_cell, _read_sheet

CELLS = [
    '<c r="A1" s="3" t="n"><v>1.5</v></c>', '<c r="B1"><v>7</v></c>', '<c r="C1" s="2"/>',
    '<c r="D1" t="inlineStr"><is><t>表1 收支总表</t></is></c>', '<c r="E1" t="inlineStr"><is><t>A&amp;B&#20013;</t></is></c>',
    '<c r="F1" s="1"><f>ROUND(SUM(A1:B1),2)</f><v>8.5</v></c>', '<c r="G1" t="str"><f>IF(A1&lt;0,"x","")</f><v></v></c>',
    '<c r="H1" t="b"><v>1</v></c>', '<c r="I1" t="e"><v>#N/A</v></c>', '<c r="J1" t="s"><v>0</v></c>',
    '<c r="K1" s="4" t="n"></c>', '<c r="L1" t="str"><v>a&lt;b</v></c>',
    # shapes the one match does not take: the general reader's
    '<c s="3" r="A2" t="n"><v>2</v></c>', '<c r="B2" t="inlineStr"><is><t xml:space="preserve"> 空格 </t></is></c>',
    '<c r="C2" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r><rPh><t>ふ</t></rPh></is></c>',
    '<c r="D2" t="n"><is><t>x</t></is></c>', '<c r="E2" t="inlineStr"><v>5</v></c>', '<c r="F2"><f t="normal">A1+1</f></c>',
    '<c r="G2" t="n"><v xml:space="preserve">3</v></c>', '<c r="H2"><f>=A1*2</f></c>', '<c r="I2" t="n"><v>1E-3</v></c>',
]


def _general(xml: str) -> Book:
    book = Book(["S"])
    for m in CELL.finditer(xml):
        _read_cell(m.group(1), m.group(2), 0, "S", ["共享"], book)
    return book


def test_every_shape_of_cell_is_read_as_the_general_reader_reads_it() -> None:
    xml = "<worksheet><sheetData><row r=\"1\">" + "".join(CELLS) + "</row></sheetData></worksheet>"
    scanned = Book(["S"])
    _read_sheet(xml.encode("utf-8"), 0, "S", ["共享"], scanned)
    general = _general(xml)
    assert scanned.formulas == general.formulas
    assert scanned.escaped == general.escaped
    assert {c: (type(v), v) for c, v in scanned.constants.items()} == {c: (type(v), v) for c, v in general.constants.items()}
    # what was read, from the document's own cells
    assert scanned.constants[(0, 1, 1)] == 1.5 and scanned.constants[(0, 1, 10)] == "共享"
    assert scanned.formulas[(0, 1, 6)] == "=ROUND(SUM(A1:B1),2)" and scanned.formulas[(0, 1, 7)] == '=IF(A1<0,"x","")'
    assert scanned.escaped[(0, 1, 5)] == "A&amp;B&#20013;" and scanned.constants[(0, 2, 2)] == " 空格 "
    assert scanned.constants[(0, 2, 3)] == "富文本" and scanned.formulas[(0, 2, 8)] == "=A1*2"
    assert (0, 1, 11) not in scanned.constants and (0, 2, 4) not in scanned.constants
