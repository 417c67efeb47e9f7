"""The build's direct writers give a cell exactly what openpyxl's own setters give it: the
same value and type for every kind of value the writers pass, the same error for what Excel
refuses, the same row dimension, the same cell made (issue 21: building a third faster)."""
from __future__ import annotations

import pytest
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.worksheet import Worksheet

from xltools.workbook.fast_cells import cell_at
from xltools.workbook.openpyxl_internals import put_string, put_value, quick_row_dimensions

VALUES: list[object] = [None, 0, 12, -3.5, 1e-9, True, False, "", "=", "=SUM(A1:A3)", "#N/A", "#DIV/0!",
                        "通过", "a\nb", "x" * 40000, "=ROUND(1.5,0)"]


def _sheet() -> Worksheet:
    ws = Workbook().active
    assert isinstance(ws, Worksheet)
    return ws


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:20] for v in VALUES])
def test_put_value_types_a_value_as_openpyxl_does(value: object) -> None:
    ws = _sheet()
    ours, theirs = ws.cell(1, 1), ws.cell(1, 2)
    put_value(ours, value)
    setattr(theirs, "value", value)  # openpyxl's setter, whatever the value
    assert (ours.value, ours.data_type) == (theirs.value, theirs.data_type)
    if isinstance(value, str) and len(value) > 32767:
        assert len(str(ours.value)) == 32767  # truncated as Excel's cell limit asks


def test_a_formula_text_is_a_formula_and_an_error_code_an_error() -> None:
    ws = _sheet()
    put_value(ws.cell(1, 1), "=A2+1")
    put_value(ws.cell(1, 2), "#REF!")
    put_value(ws.cell(1, 3), "=")
    assert [ws.cell(1, c).data_type for c in (1, 2, 3)] == ["f", "e", "s"]


def test_put_string_keeps_text_that_looks_like_a_formula_as_text() -> None:
    ws = _sheet()
    cell = ws.cell(1, 1)
    assert isinstance(cell, Cell)
    put_string(cell, "=1+1")
    assert (ws.cell(1, 1).value, ws.cell(1, 1).data_type) == ("=1+1", "s")


@pytest.mark.parametrize("writer", [put_value, put_string])
def test_a_character_excel_refuses_is_refused_as_openpyxl_refuses_it(writer: object) -> None:
    ws = _sheet()
    with pytest.raises(IllegalCharacterError):
        ws.cell(1, 1).value = "a\x01b"
    with pytest.raises(IllegalCharacterError):
        writer(ws.cell(1, 2), "a\x01b")  # type: ignore[operator]


def test_a_merged_cell_refuses_a_value_as_openpyxl_does() -> None:
    ws = _sheet()
    ws.merge_cells("A1:B1")
    with pytest.raises(AttributeError):
        put_value(ws.cell(1, 2), 5)


def test_cell_at_makes_the_cell_ws_cell_makes() -> None:
    ws = _sheet()
    made = cell_at(ws, 7, 3)
    assert ws.cell(7, 3) is made and (made.row, made.column) == (7, 3)
    assert (ws.max_row, ws.max_column) == (7, 3)
    with pytest.raises(ValueError):
        cell_at(ws, 0, 1)


def test_quick_row_dimensions_are_openpyxls() -> None:
    plain, quick = _sheet(), _sheet()
    quick_row_dimensions(quick)
    for r in (1, 5, 300):
        a, b = plain.row_dimensions[r], quick.row_dimensions[r]
        assert type(a) is type(b) and a.__dict__ == b.__dict__ and b.index == r and b.parent is quick
        assert dict(a) == dict(b) and b.style_id == a.style_id == 0
    quick.row_dimensions[5].height = 30
    assert (quick.row_dimensions[5].height, quick.row_dimensions[300].height) == (30, None)
