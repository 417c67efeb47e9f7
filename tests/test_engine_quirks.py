"""The known differences of `formulas` (../shared/STYLE.md), engine by engine: which way the
fast path, the package's full model and LibreOffice go. The fast path always goes the full
model's way, since it calls the same function objects; LibreOffice goes Excel's way. The
workbook avoids each of these (ROUND of a difference of printed cents, prefix wildcards only,
codes as text but never summed)."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xltools.engine import compute

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
}


@pytest.fixture(scope="module")
def quirks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    path = tmp_path_factory.mktemp("quirks") / "quirks.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Q"
    for i, word in enumerate(WORDS, start=1):
        ws.cell(i, 1, word)
    for ref, value in {"B1": 0.145, "B2": 2.675, "B3": 1.005, "B4": 0.125, "B5": "5", "B6": 1}.items():
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
