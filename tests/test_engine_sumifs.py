"""The fast path's SUMIFS (engine/sumifs.py) gives what the package's SUMIFS gives, value and
type, on every kind of value a code or an amount cell holds and every kind of criterion the
workbook writes or a user could type; a read-only criteria range is tested once per criterion
and a changed range (a new array) again; and the fast model runs the stand-in."""
from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np
import schedula as sh

from xltools.workbook.engine import program, sumifs
from xltools.workbook.engine.fast_model import FastModel

from test_engine_lookup import _column
from test_engine_one_cell import _cell, _same


def _errors() -> tuple[object, object]:
    from formulas.functions import Error

    return Error.errors["#N/A"], Error.errors["#DIV/0!"]


def _package() -> object:
    return program._vetted_objects()["SUMIFS"][0]


def test_the_fast_sumifs_gives_what_the_package_gives() -> None:
    na, div = _errors()
    original, fast = _package(), program._natives()["SUMIFS"]
    assert fast is not original
    codes = [
        ["201", "20101", "201", "2010101", "202", "合计", "201", "2"],  # the workbook's: texts
        [201, 20101, 201.0, "201", 202, sh.EMPTY, True, "201 "],  # numbers, numeric texts, empty, a bool
        ["201", na, "", sh.EMPTY, "x", 201, False, "2020-01-01"],  # an error, "", a date text
    ]
    amounts = [
        [1.5, 2, 3.25, 4, 5, 6, 7, 8],
        [1, "2", "x", sh.EMPTY, True, 6.5, np.float64(0.25), -3],  # texts, empty, a bool
        [1, 2, na, 4, div, 6, 7, 8],  # errors: the sum is an error only where one is matched
    ]
    criteria: list[object] = ["201", 201, 201.0, "2", "", "合计", ">200", "<>201", "20*", "2?1", True,
                              _cell("201"), _cell(201), _cell(sh.EMPTY), _cell(na), _cell(False), _cell(""),
                              _cell(np.float64(201)), np.array([["201", "202"]], object)]
    cases = 0
    for code, amount, readonly in product(codes, amounts, (False, True)):
        # One pair of arrays for every criterion: a read-only range keeps a mask per criterion.
        c, a = _column(code, readonly), _column(amount, readonly)
        for criterion in criteria:
            crit = criterion.copy() if isinstance(criterion, np.ndarray) else criterion
            want = original(a.copy(), c.copy(), crit)
            got = fast(a, c, criterion)
            assert _same(want, got), (code, amount, criterion, want, got)
            cases += 1
    assert cases == 342
    # Values from the cases above, as the workbook's by_code cells read them.
    texts, plain = _column(codes[0], True), _column(amounts[0], True)
    assert fast(plain, texts, "201")[()] == 1.5 + 3.25 + 7  # "201" only, not 20101 nor 2010101
    assert fast(plain, texts, _cell("201"))[0, 0] == 11.75
    # 201, 201.0 and the texts "201" and "201 " (a number to float()), not the bool True
    assert fast(plain, _column(codes[1], True), 201)[()] == 1.5 + 3.25 + 4 + 8
    assert fast(_column(amounts[2], True), _column(codes[2], True), "201")[()] == 1 + 6
    assert fast(_column(amounts[2], True), texts, _cell("201"))[0, 0] == na  # the matched #N/A


def test_a_read_only_criteria_range_is_tested_once_and_a_new_one_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import formulas.functions as ff

    fast = program._natives()["SUMIFS"]
    tested: list[int] = []
    real = getattr(ff, "__xfilter")

    def counting(test_range, condition):  # type: ignore[no-untyped-def]
        tested.append(id(condition))
        return real(test_range, condition)

    monkeypatch.setattr(ff, "__xfilter", counting)
    sumifs._MASKS.clear()
    fast = sumifs.fast_sumifs(_package())  # the stand-in made with the counting test
    codes = _column(["201", "202", "201", "203"], readonly=True)
    amounts = _column([1, 2, 3, 4], readonly=True)
    assert [fast(amounts, codes, _cell(k))[0, 0] for k in ("201", "202", "201", "203", "201")] == [4, 2, 4, 4, 4]
    assert len(tested) == 3  # one test per distinct criterion
    # another amounts column (an edited amount: a new array) reuses the codes' mask
    assert fast(_column([10, 2, 30, 4], readonly=True), codes, _cell("201"))[0, 0] == 40
    assert len(tested) == 3
    # the fast model's patch of a kept range: a new array, tested again
    patched = codes.copy()
    patched[1, 0] = "201"
    patched.flags.writeable = False
    assert fast(amounts, patched, _cell("201"))[0, 0] == 6
    assert len(tested) == 4
    # a writeable range goes to the package at every call: whoever holds it may write to it
    open_codes = codes.copy()
    assert fast(amounts, open_codes, _cell("201"))[0, 0] == fast(amounts, open_codes, _cell("201"))[0, 0] == 4
    assert len(tested) == 6


def test_the_fast_model_hands_sumifs_its_kept_ranges(seed_workbooks: dict[str, Path]) -> None:
    model = FastModel.load(seed_workbooks["003"])
    natives = program._natives()
    progs = [(p, refs) for p, refs in zip(model._program, model._refs) if "SUMIFS" in p.template]
    assert len(progs) == 44
    for p, refs in progs:
        assert any(fn is natives["SUMIFS"] for fn, _, _, _ in p.steps)
        assert p.shared == (0, 1) and refs[0].shape == refs[1].shape == (151, 1)


def test_a_code_column_is_read_as_numbers_once_for_all_its_criteria(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The package's test reads the code column as numbers (a date parse of each text) for a
    numeric criterion; over one kept column that reading serves every criterion, and each
    criterion's sum is the package's."""
    import formulas.functions as ff

    read: list[int] = []
    real = ff.text2num

    def counting(*args, **kw):  # type: ignore[no-untyped-def]
        read.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(ff, "text2num", counting)
    sumifs._MASKS.clear()
    package = _package()
    fast = sumifs.fast_sumifs(package)
    codes = _column(["201", "202", 201, "2010101", sh.EMPTY, "abc", "2020-01-01", 203.0, True], readonly=True)
    amounts = _column([1, 2, 4, 8, 16, 32, 64, 128, 256], readonly=True)
    criteria = [201, 202, "201", ">=202", 203, "<>201", 43831, "abc", 2010101, 0, "", True]
    got = [fast(amounts, codes, _cell(c))[0, 0] for c in criteria]
    numeric = len(read)
    want = [package(amounts.copy(), codes.copy(), _cell(c))[0, 0] for c in criteria]
    assert [(type(x), x) for x in got] == [(type(x), x) for x in want]
    assert got[0] == 1 + 4 and got[2] == 1 + 4  # "201" and 201: both, as the package reads them
    assert numeric == 1  # one reading of the column for all the numeric criteria
