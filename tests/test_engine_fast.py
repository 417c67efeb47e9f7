"""The compile-once fast path: what it shares, what it hands to the package's full model (and
says so), incremental recalculation, and the deferred scipy import."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from xltools.workbook.problems_live import INDEX_SHEET
from xltools.cli.main import main
from xltools.workbook.engine import FastModel, compute, compute_described, load_model
from xltools.workbook.engine.xlsx_cells import read_book
from xltools.workbook.sheets import TABLE_SHEETS

from test_engine_agreement import disagreements


def _book(path: Path, cells: dict[str, object], sheet: str = "S") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


SHAPES = {  # one template at several places, and the same function over ranges of other sizes
    "A1": 1, "A2": 2, "A3": 3.5, "A4": None, "A5": 10, "B1": 4, "B2": "text", "B3": 0.001,
    "C1": "=SUM(A1:A3)", "C2": "=SUM(A2:A4)", "C3": "=SUM(A1:A5)", "C4": "=SUM(A3:A5)", "C5": "=SUM(B1:B3)",
    "D1": "=ROUND(A1-B1,2)", "D2": "=ROUND(A2-B2,2)", "D3": "=ROUND(A3-B3,2)", "D4": "=ROUND(A4-B1,2)",
    "D5": "=ROUND(A5-B3,2)", "D6": '=IF(ABS(D1)<0.0049,"通过",IF(ABS(D1)<=C1+1E-9,"尾差","不符"))',
    "D7": '=IF(ISNUMBER(B2),ROUND(A1-B2,2),"")', "D8": "=A4", "D9": "=C3/A4", "D10": '="x"&A1',
    "E1": "=SUM('S'!C1:C5)+SUM(S!D1)", "E2": "=-A1%", "E3": '=COUNTIF(A1:B5,">1")',
}


def test_shared_templates_and_other_range_sizes_equal_the_full_model(tmp_path: Path) -> None:
    path = _book(tmp_path / "shapes.xlsx", SHAPES)
    (fast, how), = compute_described([path], "formulas")
    assert how.startswith("formulas fast path")
    full = compute([path], "formulas-full")[0]
    assert disagreements(fast, full) == []
    assert fast["S"]["C1"] == 6.5 and fast["S"]["C3"] == 16.5 and fast["S"]["C4"] == 13.5
    model = FastModel.load(path)
    # SUM of 3 cells (C1, C2, C4, C5) and of 5 (C3) are two templates, D1…D5 one, the rest one each.
    assert model.templates == 11
    model.calculate()
    assert ("S", "C1") in model.update({("S", "A1"): None}) and model.value("S", "C1") == 5.5
    assert model.value("S", "E3") == 4  # COUNTIF(A1:B5,">1"): A1 (1) never counted


@pytest.mark.parametrize(("cells", "reason"), [
    ({"A1": 2, "A2": "=MAX(A1,3)*2"}, "function"),  # a function the fast path has not vetted
    ({"A1": "=A2+1", "A2": "=A1+1", "A3": 5}, "cycle"),
    ({"A1": 1, "A2": 2, "B1": ArrayFormula("B1:B2", "=A1:A2*2")}, "formula"),
    ({"A1": 1, "A2": "=Other!A1+1"}, "sheet"),
])
def test_what_the_fast_path_does_not_model_goes_to_the_full_model_visibly(
        tmp_path: Path, cells: dict[str, object], reason: str) -> None:
    path = _book(tmp_path / "other.xlsx", cells)
    (values, how), = compute_described([path], "formulas")
    assert how.startswith("formulas full model (fallback:") and reason in how
    assert disagreements(values, compute([path], "formulas-full")[0]) == []


def test_recalc_verbose_says_which_path_ran(tmp_path: Path, seed_workbooks: dict[str, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    seed = tmp_path / "seed.xlsx"
    seed.write_bytes(seed_workbooks["000"].read_bytes())
    assert main(["recalc", str(seed), "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "engine path: formulas fast path (compile once):" in out and "templates" in out
    other = _book(tmp_path / "max.xlsx", {"A1": 2, "A2": "=MAX(A1,3)"})
    # Not a workbook xltools made: recalculated only when forced (and backed up first).
    assert main(["recalc", str(other), "--verbose"]) == 2
    assert main(["recalc", str(other), "--verbose", "--force"]) == 0
    assert "engine path: formulas full model (fallback:" in capsys.readouterr().out
    assert main(["recalc", str(other), "--force"]) == 0
    assert "engine path" not in capsys.readouterr().out
    assert openpyxl.load_workbook(other, data_only=True)["S"]["A2"].value == 3


def test_an_unvetted_formulas_version_goes_to_the_full_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import formulas

    from xltools.workbook.engine import program

    path = _book(tmp_path / "v.xlsx", {"A1": 2, "A2": "=A1*2"})
    monkeypatch.setattr(formulas, "__version__", "9.9.9")
    program.vetted.cache_clear()
    try:
        (values, how), = compute_described([path], "formulas")
    finally:
        monkeypatch.undo()
        program.vetted.cache_clear()
    assert "formulas 9.9.9 is installed" in how and values["S"]["A2"] == 4


def test_incremental_recalc_recomputes_only_downstream_cells_and_equals_a_full_recalc(
        seed_workbooks: dict[str, Path]) -> None:
    path = seed_workbooks["003"]
    model = load_model(path)
    assert model.value("表2 收入总表", "D9") == 1978.16
    changed = model.update({("表2 收入总表", "D9"): 2000.0})  # 2010350 事业运行, 一般公共预算
    assert ("表2 收入总表", "C9") in changed and ("表2 收入总表", "D6") in changed
    # Downstream only: 表2's own sums, what restates 表2 (表1, whose 类 rows look up 表2's whole
    # code column, 表4, the narrative, 校验, the cover), never a table that does not read 表2.
    assert not {s for s, _ in changed} & {TABLE_SHEETS[n] for n in (3, 5, 6, 7, 8, 10, 11, 12, 13)}
    # Besides: the running counts of 不符 and 提示 beside 校验 (its index sheet) and the live rows
    # of 问题, which read every verdict (workbook/problems_live.py); recomputed only when asked for.
    own = [(s, c) for s, c in changed if s not in ("问题", INDEX_SHEET)]
    assert 10 < len(own) < len(model.cells) / 10
    assert model.value("表2 收入总表", "D8") == pytest.approx(2000.0 + 639.03)

    book = read_book(path)
    si = book.sheets.index("表2 收入总表")
    book.constants[(si, 9, 4)] = 2000.0
    fresh = FastModel(book).calculate()
    assert disagreements(model.results(), fresh.results()) == []
    model.update({("表2 收入总表", "D9"): 1978.16})
    assert model.value("表2 收入总表", "D8") == pytest.approx(1978.16 + 639.03)


def test_incremental_update_refuses_to_overwrite_a_formula(seed_models: dict[str, FastModel]) -> None:
    with pytest.raises(ValueError, match="holds a formula"):
        seed_models["000"].update({("表2 收入总表", "C6"): 1.0})


def test_scipy_is_not_loaded_by_a_fast_recalc(tmp_path: Path) -> None:
    path = _book(tmp_path / "s.xlsx", {"A1": 0.145, "A2": "=ROUND(A1,2)", "A3": '=COUNTIF(A1:A2,">0")'})
    code = ("import sys; from xltools.workbook.engine import recalc; print(recalc(sys.argv[1])); "
            "print('scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0].startswith("formulas fast path") and out.splitlines()[1] == "False"


# LOOKUP as the live 问题 list uses it (workbook/problems_live.py), and the cases the fast
# path's numeric search hands back to the package: ties, below the first, a text lookup value,
# empty and text results, an unsorted vector, text in the vector, a lookup without a result vector.
LOOKUPS = {
    "A1": 0, "A2": 1, "A3": 1, "A4": 2, "A5": 2, "A6": 5,
    "B1": "零", "B2": "一", "B3": None, "B4": 2.5, "B5": "五", "B6": 6,
    "C1": 3, "C2": 1, "C3": 2, "C4": "x", "C5": 4, "C6": 0,
    "D1": "=LOOKUP(1.5,A1:A6,B1:B6)", "D2": "=LOOKUP(0.5,A1:A5,B2:B6)", "D3": "=LOOKUP(2,A1:A6,B1:B6)",
    "D4": "=LOOKUP(-1,A1:A6,B1:B6)", "D5": '=LOOKUP("",A1:A6,B1:B6)', "D6": "=LOOKUP(9,A1:A6,B1:B6)",
    "D7": "=LOOKUP(2,C1:C6,B1:B6)", "D8": "=LOOKUP(3,A1:A6)", "D9": '=IF(A1=0,"",LOOKUP(A1,A2:A6,B2:B6)&"")',
    "D10": "=LOOKUP(5,A1:A6,C1:C6)", "D11": '=IF(LOOKUP(1.5,A3:A4,B3:B4)&""="","",LOOKUP(1.5,A3:A4,B3:B4))',
    "D12": "=LOOKUP(0.5,A1:A6,B1:B6)",
}


def test_lookup_on_the_fast_path_equals_the_full_model_and_libreoffice(tmp_path: Path) -> None:
    path = _book(tmp_path / "lookup.xlsx", LOOKUPS)
    (fast, how), = compute_described([path], "formulas")
    assert how.startswith("formulas fast path")
    assert disagreements(fast, compute([path], "formulas-full")[0]) == []
    s = fast["S"]
    assert (s["D2"], s["D6"], s["D9"], s["D12"]) == ("一", 6, "", "零")
    assert s["D10"] == 0 and s["D11"] == ""  # an empty result cell: 0, and "" where the list asks
    lo = compute([path], "libreoffice")[0]["S"]
    # Not the ties (D1, D3, D8): which one a binary search finds is each engine's own; the live
    # list never asks for a tie (its lookup vectors increase strictly).
    for a1 in ("D2", "D6", "D10", "D11", "D12"):
        assert lo.get(a1) == s[a1] or (lo.get(a1) is None and s[a1] == ""), (a1, lo.get(a1), s[a1])
    assert isinstance(s["D4"], str) and s["D4"].startswith("#N/A") and isinstance(s["D5"], str)


def test_an_update_recomputes_when_asked_and_only_what_moved(seed_workbooks: dict[str, Path],
                                                            seed_models: dict[str, FastModel]) -> None:
    model = load_model(seed_workbooks["001"])
    verdicts = {f"K{r}": model.value("校验", f"K{r}") for r in range(4, 400)}
    old = model.value("表2 收入总表", "D9")
    model.update({("表2 收入总表", "D9"): 1.0})
    moved = {a1: model.value("校验", a1) for a1 in verdicts}  # the levels below each, not the rest
    assert sum(v != verdicts[a1] for a1, v in moved.items()) > 3
    edited = FastModel.load(seed_workbooks["001"])
    edited.values[(edited.sheets.index("表2 收入总表"), 9, 4)] = 1.0
    assert disagreements(model.results(), edited.calculate().results()) == []
    model.update({("表2 收入总表", "D9"): old})
    assert disagreements(model.results(), seed_models["001"].results()) == []
    assert {a1: model.value("校验", a1) for a1 in verdicts} == verdicts
