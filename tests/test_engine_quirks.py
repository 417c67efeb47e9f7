"""The known differences of `formulas` (../shared/STYLE.md), engine by engine: which way the
fast path, the package's full model and LibreOffice go. The fast path always goes the full
model's way, since it calls the same function objects; LibreOffice goes Excel's way. The
workbook avoids each of these (ROUND of a difference of printed cents, prefix wildcards only,
codes as text but never summed; a code is looked up with SUMIFS, on which all agree)."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xltools.workbook.engine import compute

WORDS = ["abc", "abcd", "ac", "bc", "xabc"]
# cell → (formula, formulas' answer, LibreOffice's = Excel's answer)
CASES: dict[str, tuple[str, object, object]] = {
    "C1": ("=ROUND(0.145,2)", 0.14, 0.15),  # 0.145 is 0.14499999999999999 in binary
    "C2": ("=ROUND(B1,2)", 0.14, 0.15),  # the same, from a cell
    "C3": ("=ROUND(-0.145,2)", -0.14, -0.15),
    "C4": ("=ROUND(B3,2)", 1.0, 1.01),  # 1.005
    "C5": ("=ROUND(B2,2)", 2.68, 2.68),  # 2.675: both up
    "C6": ("=ROUND(B4,2)", 0.13, 0.13),  # 0.125, exact in binary: both up
    "C7": ('=COUNTIF(A1:A5,"ab*")', 2, 2),  # prefix wildcard: agreed
    "C8": ('=COUNTIF(A1:A5,"abc")', 1, 1),  # no wildcard: agreed
    "C9": ('=COUNTIF(A1:A5,"a?c")', 3, 1),  # formulas does not anchor the pattern's end
    "C10": ('=COUNTIF(A1:A5,"*bc")', 4, 3),  # suffix wildcard: the same
    "C11": ("=SUM(B5:B6)", 6.0, 1),  # B5 holds the text "5": formulas counts it, Excel does not
    # 表1's 类 rows pull a class by its code (typed as text, or as a number by an officer):
    # a code criterion, literal or from a text cell, matches both, 20101 never. Agreed.
    "C12": ("=SUMIFS($E$1:$E$5,$D$1:$D$5,$F$1)", 3.5, 3.5),
    "C13": ('=SUMIFS(E1:E5,D1:D5,"201")', 3.5, 3.5),
    "C14": ('=SUMIFS(E1:E5,D1:D5,"202")', 0.0, 0.0),
    # FIXED words the 说明草稿's figures (money to 2 decimals with separators, shares at the
    # document's decimals). Like ROUND, formulas rounds the binary value: 1271.905 is just below
    # the half. The draft adds 1E-9 first (as rules.core judges a share), and then all agree.
    "C15": ("=FIXED(B7,2)", "1,271.90", "1,271.91"),
    "C16": ("=FIXED(B7+1E-9,2)", "1,271.91", "1,271.91"),
    "C17": ("=FIXED(B1+1E-9,2)", "0.15", "0.15"),
    "C18": ("=FIXED(B8+1E-9,2)", "1,234,567.89", "1,234,567.89"),
    "C19": ("=FIXED(B9+1E-9,1)", "7.8", "7.8"),
    "C20": ("=FIXED(ABS(B10)+1E-9,0)", "512", "512"),
    "C21": ("=FIXED(0+1E-9,2)", "0.00", "0.00"),
    "C22": ('="占"&FIXED(B9+1E-9,2)&"%"', "占7.79%", "占7.79%"),
    # A logical compared with a number: formulas ranks TRUE and FALSE above every number, as
    # Excel does; LibreOffice compares FALSE as 0. The draft never compares ISNUMBER with a number.
    "C23": ("=ISNUMBER(B11)>0", True, False),
}


@pytest.fixture(scope="module")
def quirks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    path = tmp_path_factory.mktemp("quirks") / "quirks.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Q"
    for i, word in enumerate(WORDS, start=1):
        ws.cell(i, 1, word)
    for ref, value in {"B1": 0.145, "B2": 2.675, "B3": 1.005, "B4": 0.125, "B5": "5", "B6": 1,
                       "D1": "201", "D2": 201, "D3": "20101", "E1": 1.5, "E2": 2.0, "E3": 4.0, "F1": "201",
                       "B7": 1271.905, "B8": 1234567.891, "B9": 7.7875, "B10": -511.84486}.items():
        ws[ref] = value
    for ref, (formula, _, _) in CASES.items():
        ws[ref] = formula
    wb.save(path)
    return {engine: compute([path], engine)[0]["Q"] for engine in ("formulas", "formulas-full", "libreoffice")}


@pytest.mark.parametrize("ref", sorted(CASES, key=lambda r: int(r[1:])))
def test_each_engine_goes_its_known_way(quirks: dict[str, dict[str, object]], ref: str) -> None:
    formula, by_formulas, by_libreoffice = CASES[ref]
    assert quirks["formulas"][ref] == pytest.approx(by_formulas), formula
    assert quirks["formulas-full"][ref] == pytest.approx(by_formulas), formula
    assert quirks["libreoffice"][ref] == pytest.approx(by_libreoffice), formula


def test_the_quirks_workbook_runs_on_the_fast_path(tmp_path: Path) -> None:
    """The cases above are the fast path's own answers, not the full model's standing in."""
    from xltools.workbook.engine import compute_described

    path = tmp_path / "fixed.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Q"
    ws["B7"], ws["B9"] = 1271.905, 7.7875
    for ref in ("C15", "C16", "C19", "C22", "C23"):
        ws[ref] = CASES[ref][0]
    wb.save(path)
    (values, described), = compute_described([path], "formulas")
    assert "fast path" in described, described
    assert values["Q"]["C22"] == "占7.79%"
