"""The fast path's one-cell stand-ins (engine/one_cell.py) give what the package's own
functions give: the same value of the same type in the same kind of array, for every vetted
elementwise operator and function, on values of every kind a cell holds, as cells (1×1 arrays)
and as a template's constants; and the stand-ins are what the fast path runs."""
from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
import schedula as sh

from xltools.workbook.engine import program
from xltools.workbook.engine.one_cell import one_cell

def _values() -> list[object]:
    from formulas.functions import Error

    return [0, 1, -1, 2.5, 0.1, 0.2, -0.005, 1e-9, 1e308, 7, 3.0, "", "abc", "ABC", "不符", "1", "2.5", "empty",
            True, False, sh.EMPTY, Error.errors["#N/A"], Error.errors["#DIV/0!"], np.float64(2.5),
            np.float64(0.0), np.int64(3), np.bool_(True), np.str_("abc"), math.inf]


def _cell(v: object) -> np.ndarray:
    a = np.empty((1, 1), object)
    a[0, 0] = v
    return a


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if type(a) is not type(b):
            return False
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
        return a.shape == b.shape and a.dtype == b.dtype and all(_same(x, y) for x, y in zip(a.flat, b.flat))
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)  # type: ignore[arg-type]
    return a == b or a is b


def _arguments(columns: list[list[object]]) -> list[tuple[object, ...]]:
    """Every combination of the columns' values, each as a cell; and each with the others as
    a template's constants where their types allow."""
    out: list[tuple[object, ...]] = []
    for combo in product(*columns):
        out.append(tuple(_cell(v) for v in combo))
        for k in range(len(combo)):
            if all(type(v) in (int, float, str, bool) for j, v in enumerate(combo) if j != k):
                out.append(tuple(_cell(v) if j == k else v for j, v in enumerate(combo)))
    return out


ARITY = {"U-": 1, "U+": 1, "%": 1, "ABS": 1, "IF": 3, "ROUND": 2, "FIXED": 2}


@pytest.mark.parametrize("name", sorted(set(program.ELEMENTWISE_OPERATORS + program.ELEMENTWISE_FUNCTIONS)
                                        - {"ISNUMBER"}))
def test_a_stand_in_gives_what_the_package_gives(name: str) -> None:
    original = program._vetted_objects()[name][0]
    fast = one_cell(original, name)
    assert fast is not None, f"{name}: the package's wrapper is not of the make one_cell knows"
    values = _values()
    if name == "IF":  # every condition; branches of each kind
        branches = [1, 0, 2.5, "", "不符", True, sh.EMPTY, values[21], np.float64(2.5)]
        cases = _arguments([values, branches, branches[:5]]) + _arguments([values, branches])
    elif name in ("ROUND", "FIXED"):  # digits: 10 ** digits is computed, so no 1e308 of them
        digits = [0, 2, -1, 2.5, "", "2", "abc", True, sh.EMPTY, values[21], np.float64(2.0), np.int64(1)]
        cases = _arguments([values, digits])
    else:
        cases = _arguments([values] * ARITY.get(name, 2))
    differ = []
    with np.errstate(all="ignore"):
        for args in cases:
            want, got = original(*args), fast(*args)
            if not _same(want, got):
                differ.append((args, want, got))
    assert differ == [], differ[:5]
    assert len(cases) >= len(values)


def test_the_fast_path_runs_the_stand_ins_and_they_count() -> None:
    """A running count's cell (problems_live.py) runs the natives, not numpy.vectorize: its
    program's steps are the stand-ins, and their values are those of the package's program."""
    p = program.compile_template('=A1+IF(C1="提示",1,0)+0.000001', ["A1", "C1"])
    assert [fn.__name__ for fn, *_ in p.steps] == ["one_cell_<lambda>", "one_cell_xif", "one_cell_<lambda>",
                                                    "one_cell_<lambda>"]
    slow = program.Program(p.template, p.n_slots, p.constants, p.inputs,
                           tuple((_original(fn),) + tuple(rest) for fn, *rest in p.steps), p.output, p.elementwise)
    for count, verdict in product((0, 3.000004, 1e-6, 12), ("提示", "不符", "", sh.EMPTY, 5)):
        args = [_cell(count), _cell(verdict)]
        assert _same(p.run(args), slow.run(args))
    assert p.run([_cell(3.000004), _cell("提示")])[0, 0] == 3.000004 + 1 + 0.000001


def _original(fn: object) -> object:
    for name, f in program._natives().items():
        if f is fn:
            return program._vetted_objects()[name][0]
    raise AssertionError(f"{fn} is not a stand-in")


def _zero_d(v: object) -> np.ndarray:
    from formulas.functions import Array

    a = np.empty((), object)
    a[()] = v
    return a.view(Array)


def _scalar_arguments(columns: list[list[object]]) -> list[tuple[object, ...]]:
    """Every combination as scalars where a step may hand them over (a template's constants,
    SUM's float64) and as 0-d arrays (SUMIFS's result), and mixed with a cell."""
    out: list[tuple[object, ...]] = []
    for combo in product(*columns):
        out.append(tuple(_zero_d(v) for v in combo))
        if all(type(v) in (int, float, str, bool, np.float64) for v in combo):
            out.append(combo)
            out.append((_cell(combo[0]),) + combo[1:])
        out.append((_zero_d(combo[0]),) + tuple(_cell(v) for v in combo[1:]))
    return out


@pytest.mark.parametrize("name", sorted(set(program.ELEMENTWISE_OPERATORS + program.ELEMENTWISE_FUNCTIONS)
                                        - {"ISNUMBER"}))
def test_a_stand_in_on_scalars_gives_what_the_package_gives(name: str) -> None:
    """ROUND(SUM(…),2) hands ROUND a float64 and a constant, no cell: the stand-in computes
    it too, and gives the package's 0-d array; float64 values, errors, EMPTY, halves and
    negative zero on every operator and function."""
    original = program._vetted_objects()[name][0]
    fast = one_cell(original, name)
    assert fast is not None
    values = _values() + [np.float64(-0.0), -0.0, np.float64(2.675), 0.5, -2.5, np.float64(1e308),
                          np.float64(-0.005), "2", "", sh.EMPTY, np.float64(7.0)]
    if name == "IF":
        branches = [1, "", np.float64(2.5), True, sh.EMPTY, values[21], -0.0]
        cases = _scalar_arguments([values, branches, branches[:4]]) + _scalar_arguments([values, branches])
    elif name in ("ROUND", "FIXED"):
        digits = [0, 2, -1, 2.5, np.float64(2.0), "2", True, sh.EMPTY, values[21]]
        cases = _scalar_arguments([values, digits])
    else:
        cases = _scalar_arguments([values] * ARITY.get(name, 2))
    differ = []
    with np.errstate(all="ignore"):
        for args in cases:
            want, got = original(*args), fast(*args)
            if not _same(want, got) or (isinstance(want, np.ndarray) and any(
                    isinstance(a, float) and math.copysign(1, a) != math.copysign(1, b)  # -0.0 kept as such
                    for a, b in zip(want.flat, got.flat))):
                differ.append((args, want, got))
    assert differ == [], differ[:5]
    assert len(cases) >= 3 * len(values)
