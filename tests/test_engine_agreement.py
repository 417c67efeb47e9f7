"""Every formula cell of every seed's workbook: the fast path, the `formulas` package's full
model and LibreOffice agree (numbers within 1e-9, text and errors equal)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from xltools.workbook.engine import FastModel
from xltools.workbook.engine.cache import Values, formula_cells

from book_files import book_values
from conftest import SEED_PATHS

SEEDS = sorted(SEED_PATHS)


def _number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def same(a: object, b: object) -> bool:
    if a in ("", None) and b in ("", None):
        return True  # an empty text result: LibreOffice stores <v></v>, which openpyxl reads as None
    if _number(a) and _number(b):
        return abs(float(a) - float(b)) <= 1e-9  # type: ignore[arg-type]
    return _number(a) == _number(b) and a == b  # text and error values (#DIV/0!) compare as text


def cached(path: Path) -> Values:
    """The values LibreOffice cached in the formula cells of the file it recalculated (read as
    `check BOOK.xlsx` reads them: the same values as the workbook loaded whole)."""
    values = book_values(path)
    return {s: {a: values[s][a].value for a in addrs} for s, addrs in formula_cells(path).items()}


def disagreements(left: Values, right: Values) -> list[tuple[str, str, object, object]]:
    out = []
    for sheet, cells in left.items():
        for a1, v in cells.items():
            w = right.get(sheet, {}).get(a1)
            if not same(v, w):
                out.append((sheet, a1, v, w))
    return out


@pytest.fixture(scope="module")
def libreoffice_values(seed_books: dict[tuple[str, str], Path]) -> dict[str, Values]:
    return {k: cached(seed_books[(k, "libreoffice")]) for k in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_fast_path_equals_libreoffice_on_every_formula_cell(seed: str, seed_models: dict[str, FastModel],
                                                            libreoffice_values: dict[str, Values]) -> None:
    fast = seed_models[seed].results()
    assert sum(map(len, fast.values())) == sum(map(len, libreoffice_values[seed].values())) > 3000
    assert disagreements(fast, libreoffice_values[seed]) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_fast_path_equals_the_packages_full_model_on_every_formula_cell(
        seed: str, seed_models: dict[str, FastModel], full_model_values: Callable[[str], Values]) -> None:
    fast, full = seed_models[seed].results(), full_model_values(seed)
    assert sum(map(len, fast.values())) == sum(map(len, full.values())) > 3000
    assert disagreements(fast, full) == []


def test_each_template_is_compiled_once(seed_workbooks: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """One compilation per distinct formula shape, however many cells share it."""
    from xltools.workbook.engine import fast_model, program

    keys: list[str] = []

    def counting(template: str, placeholders):  # type: ignore[no-untyped-def]
        keys.append(template)
        return program.compile_template(template, placeholders)

    monkeypatch.setattr(fast_model, "compile_template", counting)
    model = FastModel.load(seed_workbooks["001"])
    assert len(keys) == len(set(keys)) == model.templates
    # 说明草稿's paragraphs are a template each; the tables' and 校验's thousands of cells share few.
    assert len(model.cells) > 20 * model.templates
