"""The fast path's LOOKUP (engine/lookup.py) gives what the package's LOOKUP gives, value and
type, on every kind of vector and result the live 问题 list or a user's edit could present; a
read-only vector is checked once and a changed range (a new array) is checked again."""
from __future__ import annotations

import math
from itertools import product

import numpy as np
import schedula as sh

from xltools.workbook.engine import lookup, program

from test_engine_one_cell import _cell, _same


def _column(values: list[object], readonly: bool = False, row: bool = False) -> np.ndarray:
    a = np.empty((1, len(values)) if row else (len(values), 1), object)
    a.flat[:] = values
    a.flags.writeable = not readonly
    return a


def _errors() -> tuple[object, object]:
    from formulas.functions import Error

    return Error.errors["#N/A"], Error.errors["#DIV/0!"]


def test_the_fast_lookup_gives_what_the_package_gives() -> None:
    na, div = _errors()
    original, fast = program._vetted_objects()["LOOKUP"][0], program._natives()["LOOKUP"]
    vectors = [
        [1, 2, 3, 4, 5, 6], [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], [1, 2, 2, 3, 5, 8],  # plain, floats, a tie
        [3, 1, 2, 6, 5, 4], [1, 2, "x", 4, 5, 6], [1, 2, sh.EMPTY, 4, 5, 6],  # unsorted, text, empty
        [1, np.float64(2), 3, np.int64(4), 5, 6], [1, 2, 3, True, 5, 6], [1, 2, na, 4, 5, 6],
    ]
    results = [
        ["一", "二", "三", "四", "五", "六"], [10, 2.5, -0.0, 1e-9, 7, 0],
        [True, False, sh.EMPTY, "", na, div], [np.float64(1.5), np.int64(2), math.inf, 3, "x", None],
    ]
    values = [0, 0.99, 1, 1.5, 2, 2.5, 3.9999, 6, 7, 1e9, -1, "", "1", "abc", True, False, sh.EMPTY, na,
              np.float64(3.0), np.int64(4), math.nan, math.inf]
    cases = 0
    for vec, res, x, readonly, row in product(vectors, results + [None], values, (False, True), (False, True)):
        v = _column(vec, readonly, row)
        r = None if res is None else _column(res, readonly, row)
        args = (_cell(x), v) if r is None else (_cell(x), v, r)
        want = original(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
        got = fast(*args)
        assert _same(want, got), (vec, res, x, want, got)
        cases += 1
    assert cases > 3000
    # the live list's own case: the 序号 column 1…n, a text column, each rank found
    seqs = _column(list(range(1, 1501)), readonly=True)
    texts = _column([f"规则{i}" for i in range(1, 1501)], readonly=True)
    assert [fast(_cell(k), seqs, texts)[0, 0] for k in (1, 700, 1500)] == ["规则1", "规则700", "规则1500"]


def test_a_read_only_vector_is_checked_once_and_a_new_one_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fast = program._natives()["LOOKUP"]
    checked: list[int] = []
    real = lookup._vector

    def counting(a):  # type: ignore[no-untyped-def]
        checked.append(id(a))
        return real(a)

    monkeypatch.setattr(lookup, "_vector", counting)
    seqs, texts = _column([1, 2, 3, 4], readonly=True), _column(["a", "b", "c", "d"], readonly=True)
    assert [fast(_cell(k), seqs, texts)[0, 0] for k in (1, 2, 3, 4, 2)] == ["a", "b", "c", "d", "b"]
    assert len(checked) == 1
    # the fast model's patch of a kept range: a new array; the old one's check is not reused
    patched = seqs.copy()
    patched[1, 0] = "x"
    patched.flags.writeable = False
    assert fast(_cell(3), patched, texts)[0, 0] == program._vetted_objects()["LOOKUP"][0](
        _cell(3), patched.copy(), texts.copy())[0, 0] == "c"
    assert len(checked) == 2
    # a writeable array is checked at every call: whoever holds it may write to it
    open_ = _column([1, 2, 3, 4])
    fast(_cell(1), open_, texts)
    open_[0, 0] = 9
    assert isinstance(fast(_cell(1), open_, texts)[0, 0], str)  # now unsorted: the package's #N/A
    assert len(checked) == 4


def test_below_the_first_element_the_answer_is_the_packages_and_is_kept() -> None:
    """A value below the vector's first number (an empty row of 问题 looks up 0): the package's
    answer, asked once per value and first elements; 0 and -0.0, 1, 1.0 and TRUE kept apart;
    each cell its own array."""
    na, div = _errors()
    asked: list[object] = []
    package = program._vetted_objects()["LOOKUP"][0]

    def counting(*args):  # type: ignore[no-untyped-def]
        asked.append(args[0])
        return package(*args)

    fast = lookup.fast_lookup(counting)
    vector = _column([5, 6, 7, 8], readonly=True)
    values = [0, -0.0, 0.0, 1, 1.0, True, np.float64(0.0), np.float64(-0.0), -3, 4.999, sh.EMPTY]
    firsts = [["一", "二", "三", "四"], [na, 1, 2, 3], [sh.EMPTY, 1, 2, 3], [-0.0, 1, 2, 3], [div, 1, 2, 3]]
    for first in firsts:
        result = _column(first, readonly=True)
        for v in values:
            want = package(_cell(v), vector.copy(), result.copy())
            got, again = fast(_cell(v), vector, result), fast(_cell(v), vector, result)
            assert _same(want, got) and _same(want, again), (v, first, want, got)
            if isinstance(got, np.ndarray):
                assert got is not again
        assert _same(package(_cell(0), vector.copy()), fast(_cell(0), vector))  # no result vector
    # per first elements: the 9 numbers once each (0, -0.0, 0.0, 1, 1.0, the float64 zeros, -3,
    # 4.999 apart), TRUE and EMPTY (not numbers: the package's whole call) at each of their two
    # calls; and the lookup without a result vector once for all
    assert len(asked) == len(firsts) * (9 + 2 * 2) + 1
    assert fast(_cell(0), vector, _column(["一", "二", "三", "四"]))[0, 0] == na
