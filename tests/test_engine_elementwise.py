"""The fast path's element-wise runs (program.py `run_scalar`, fast_model.py `_run_scalar`) give
what the programs' own runs on 1×1 arrays give — value, type, the sign of a zero — for every
template of a seed workbook that has them, on values of every kind a cell holds; SUM
(engine/sum_cells.py) gives what the package's SUM gives; and the running counts of 问题 are
computed element by element."""
from __future__ import annotations

import math
from itertools import product
from pathlib import Path

import numpy as np
import pytest
import schedula as sh

from xltools.workbook.engine import program
from xltools.workbook.engine.fast_model import FastModel
from xltools.workbook.engine.one_cell import NO
from xltools.workbook.engine.xlsx_cells import read_book

from test_engine_one_cell import _cell, _same


def _kinds() -> list[object]:
    from formulas.functions import Error

    return [0, 1, -1, 2.5, -0.0, 0.005, -2.675, 1e-9, 1e308, 3.0, np.float64(2.5), np.float64(-0.0),
            np.float64(1e308), "", "不符", "提示", "通过", "1", "abc", True, False, sh.EMPTY,
            Error.errors["#N/A"], Error.errors["#VALUE!"], math.inf]


def _exact(a: object, b: object) -> bool:
    zero_sign = not isinstance(a, float) or not isinstance(b, float) or math.isnan(a) or \
        math.copysign(1, a) == math.copysign(1, b)
    return _same(a, b) and zero_sign


def _element(result: object) -> object:
    """The cell's value from `run`'s result, as FastModel._store takes it."""
    from formulas.functions import replace_empty

    if isinstance(result, np.ndarray):
        result = result.ravel()[0]
    return replace_empty(result)


@pytest.fixture(scope="module")
def seed_programs(seed_workbooks: dict[str, Path]) -> list[program.Program]:
    model = FastModel(read_book(seed_workbooks["000"]))
    return list({id(p): p for p in model._program}.values())


def test_every_element_wise_template_of_a_seed_gives_what_its_arrays_give(seed_programs: list[program.Program]) -> None:
    kinds = _kinds()
    eligible = [p for p in seed_programs if p.scalar_steps is not None]
    assert len(eligible) >= 40  # of 182 templates in seed 000: the comparisons, counts, ROUND(A1-C1,2), …
    answered = differ = 0
    bad = []
    with np.errstate(all="ignore"):
        for p in eligible:
            n = len(p.inputs)
            combos = list(product(kinds, repeat=n)) if n <= 2 else \
                [tuple(kinds[(i * 7 + k * 3) % len(kinds)] for k in range(n)) for i in range(len(kinds) * 4)]
            for combo in combos:
                got = p.run_scalar(list(combo))
                if got is NO:
                    continue
                answered += 1
                want = _element(p.run([_cell(v) for v in combo]))
                if not _exact(0 if got is sh.EMPTY else got, want):
                    differ += 1
                    bad.append((p.template, combo, want, got))
    assert bad == [], bad[:5]
    assert answered > 5000  # most inputs are answered element-wise, not handed back


def test_the_running_counts_run_element_wise_and_give_the_seed_figures(
        seed_workbooks: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The running count of 问题 (a level a row) takes no array run; its last row counts the
    seed's 不符 verdicts, as the full run of every cell does."""
    p = program.compile_template('=A1+IF(C1="不符",1,0)+0.000001', ["A1", "C1"])
    assert p.scalar_steps is not None
    ran: list[str] = []
    real = program.Program.run

    def counting(self: program.Program, args: list[object]) -> object:
        ran.append(self.template)
        return real(self, args)

    monkeypatch.setattr(program.Program, "run", counting)
    model = FastModel(read_book(seed_workbooks["000"])).calculate()
    assert not any(t == p.template for t in ran)
    monkeypatch.setattr(program.Program, "scalar_steps", None)  # every cell by its arrays
    arrays = FastModel(read_book(seed_workbooks["000"])).calculate()
    assert any(t == p.template for t in ran)
    assert {c: (type(v), v) for c, v in model.values.items()} == {c: (type(v), v) for c, v in arrays.values.items()}


def test_sum_gives_what_the_package_gives() -> None:
    """Numbers of every type, empty cells, booleans (TRUE in a range is not counted, FALSE is
    0, TRUE as an argument is 1), texts and errors (the package's own call), negative zero, the
    pairwise sum of numpy (same float64 order: the same bits), scalars among the ranges."""
    from formulas.functions import Error

    original, fast = program._vetted_objects()["SUM"][0], program._natives()["SUM"]
    assert fast is not original
    col = lambda *v: np.array(v, dtype=object).reshape(-1, 1)  # noqa: E731
    many = [0.1 * k + 1e-13 * (k % 7) for k in range(300)]  # past numpy's blocks of 8 and 128
    cases = [
        (col(1, 2.5, np.float64(3.25)),), (col(sh.EMPTY, sh.EMPTY),), (col(-0.0),), (col(-0.0, sh.EMPTY),),
        (col(True, False, 2),), (True, col(1)), (col(1, 2), 3, np.float64(0.5)), (col(*many),),
        (col(*many).reshape(10, 30),), (col(*many[:150]), col(*many[150:])), (col(1e308, 1e308),),
        (col(1, "2", "abc"),), (col(1, Error.errors["#N/A"]),), ("3", col(1)), ("x", col(1)),
        (col(1, math.inf),), (col(np.int64(3), 1),), (np.array([[1.0, 2.0]]),), (col(),),
    ]
    for args in cases:
        with np.errstate(over="ignore"):  # 1e308 + 1e308, in both
            want, got = original(*args), fast(*args)
        assert _exact(want, got) or (isinstance(want, np.ndarray) and _same(want, got)), (args, want, got)
    assert fast(col(*many)) == np.sum(np.array(many))  # the same float64 sum, not math.fsum
