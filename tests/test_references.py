"""A reference is one small type per kind of cell (`core.references`): its text where a finding
shows one is as it was when the kind was a string; last year's cell is a wrapper that reads
last year's document; and mypy refuses a cell of the wrong kind."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from built import locked

from xltools.core.references import (DraftCell, NarrativeFigure, OverallCell, PriorCell, ProjectCell, Ref, TableCell,
                                     spelled, text)
from xltools.evaluation.finding_keys import KeyNames
from xltools.evaluation.messages import figure_name
from xltools.rules.prior import TwoYears
from xltools.rules.reading import read_document

ROOT = Path(__file__).resolve().parent.parent
PRIOR = ROOT / "tests" / "fixtures" / "prior"
MYPY_CACHE = Path(tempfile.gettempdir()) / "xltools-tests-mypy"


@pytest.mark.parametrize(("ref", "spelling"), [
    (TableCell(5, "合计", "基本支出"), "t5!合计:基本支出"),
    (TableCell(12, "u1", "一般公共预算"), "t12!u1:一般公共预算"),
    (NarrativeFigure("s8.f2"), "narrative!s8.f2:value"),
    (ProjectCell("j1", "annual:总额"), "project!j1:annual:总额"),
    (OverallCell("direction", "基本支出"), "overall!direction:基本支出"),
    (DraftCell("上年:收入总计", "input"), "draft!上年:收入总计:input"),
    (PriorCell(TableCell(1, "收入总计", "金额")), "prior.t1!收入总计:金额"),
    (PriorCell(NarrativeFigure("s1.f1")), "prior.narrative!s1.f1:value"),
])
def test_each_kind_is_spelled_as_the_string_sheets_were(ref: Ref, spelling: str) -> None:
    assert text(ref) == spelling
    sheet, row, column = spelled(ref)
    assert f"{sheet}!{row}:{column}" == spelling


def test_cells_without_a_printed_name_keep_their_old_text_in_messages_and_keys() -> None:
    doc = read_document(str(PRIOR / "dept_2026.txt"))
    draft = DraftCell("输入:绩效:纳入:个数", "input")
    last = PriorCell(TableCell(10, "合计", "合计"))
    assert KeyNames(doc).cell(draft) == "draft/输入:绩效:纳入:个数/input"
    assert KeyNames(doc).cell(last) == "prior.t10/合计/合计"
    assert figure_name(last, TwoYears(doc, doc)) == "prior.t10!合计:合计"
    # A cell with a printed name is named by it, as before.
    assert figure_name(TableCell(10, "合计", "合计"), TwoYears(doc, doc)) == "表10 合计"
    assert KeyNames(doc).cell(NarrativeFigure("s1.f1")) == "说明一/收入总计/金额"


def test_last_years_cell_wraps_this_years_address_and_reads_last_years_document() -> None:
    this, last = read_document(str(PRIOR / "dept_2026.txt")), read_document(str(PRIOR / "dept_2025.txt"))
    values = TwoYears(this, last)
    for cell, now, then, line in ((TableCell(10, "合计", "合计"), 22.80, 25.00, 20),
                                  (TableCell(11, "部门合计", "合计"), 86.40, 82.80, 30),
                                  (NarrativeFigure("s1.f1"), 2365.40, 2500.00, 38)):
        wrapped = PriorCell(cell)
        assert wrapped.of == cell and wrapped != cell and PriorCell(cell) == wrapped
        assert len({cell, wrapped, PriorCell(cell)}) == 2  # hashable: a dictionary key either way
        assert values.value(cell) == pytest.approx(now) and values.value(wrapped) == pytest.approx(then)
        # A finding's places are this year's lines; last year's is cited from its own document.
        assert values.where(wrapped) is None
        w = values.prior_where(wrapped)
        assert w is not None and w.line == line


_WRONG = '''\
from xltools.core.references import DraftCell, NarrativeFigure, OverallCell, PriorCell, Ref, TableCell


def row_of(ref: Ref) -> str:
    return ref.row


def in_table(cell: TableCell) -> int:
    return cell.table


in_table(NarrativeFigure("s1.f1"))
PriorCell(DraftCell("x", "input"))
OverallCell("left", "合计")


def right(ref: Ref) -> str:
    if isinstance(ref, TableCell):
        return ref.row
    return ""
'''


def test_mypy_refuses_a_cell_of_the_wrong_kind(tmp_path: Path) -> None:
    """A row asked of any reference, a narrative figure where a table cell is wanted, a
    wrapper round a draft cell, a side the overall table has not: each an error, at its line."""
    snippet = tmp_path / "wrong_kinds.py"
    snippet.write_text(_WRONG, encoding="utf-8")
    MYPY_CACHE.mkdir(exist_ok=True)
    with locked(MYPY_CACHE / "references.lock"):
        run = subprocess.run([sys.executable, "-m", "mypy", str(snippet), "--ignore-missing-imports",
                              "--cache-dir", str(MYPY_CACHE / "references")],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
    errors = [ln for ln in run.stdout.splitlines() if ": error:" in ln]
    lines = sorted({int(ln.split(":")[1]) for ln in errors})
    assert run.returncode == 1, run.stdout + run.stderr
    assert lines == [5, 12, 13, 14], run.stdout
    assert any('Item "NarrativeFigure"' in ln and 'has no attribute "row"' in ln for ln in errors), run.stdout
