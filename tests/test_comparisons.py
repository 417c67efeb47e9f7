"""Each comparison's Python predicate and its Excel text give the same verdict on the same
values: half-cents, the tolerance's edge, a printed percentage at a rounding boundary, a zero
base. The Excel side is computed by the `formulas` package, the engine `xltools recalc` uses."""
from __future__ import annotations

from functools import cache
from typing import Any, Callable

import formulas
import numpy as np
import pytest

from xltools.core import comparisons as C
from xltools.core.verdicts import PASSED, TAILED, MISMATCH, Status, words

WORDS = words("M")
STATUS_OF = {PASSED: Status.PASS, TAILED: Status.TAIL, MISMATCH: Status.FAIL}


@cache
def _compiled(text: str) -> Any:
    return formulas.Parser().ast("=" + text)[1].compile()


def excel(text: str, **cells: float) -> Any:
    """The formula's value with its cells (named like A1) given."""
    func = _compiled(text)
    out = func(*(cells[name] for name in func.inputs))
    value = out.item() if isinstance(out, np.ndarray) else out
    return value.item() if hasattr(value, "item") else value


# Differences around every boundary: half a cent, 0.01 and 0.02 tolerances, exact and off by
# a float's worth, both signs. A difference of sums is a whole number of cents up to binary
# noise: the sides are printed amounts, so no half cent reaches a ROUND (where Python's round
# and Excel's ROUND would part: round(-0.015, 2) is -0.01, ROUND(-0.015,2) is -0.02).
DIFFS = sorted({s * d for s in (1, -1) for d in (0, 0.0049, 0.005, 0.0051, 0.01, 0.010000001, 0.0100001,
                                                 0.02, 0.02 + 1e-12, 0.021, 0.03, 0.25, 1.0)})
# Two printed amounts apart by whole cents, as sums of cents come out in binary.
AMOUNTS = [(1234.56 + k * 0.01, 1234.56) for k in range(-6, 7)] + [(0.1 + 0.2, 0.3), (2974.94, 2974.95), (1e8 + 0.01, 1e8)]
TOLERANCES = (0.01, 0.015, 0.02, 0.05)


@pytest.mark.parametrize("tolerance", TOLERANCES)
def test_equal_within_tail_is_judged_alike(tolerance: float) -> None:
    for diff in DIFFS:
        python = C.equal_status(round(diff, 2), tolerance)
        sheet = excel(C.equal_excel("D1", "T1", WORDS), D1=round(diff, 2), T1=tolerance)
        assert STATUS_OF[sheet] == python, (diff, tolerance)
    # The cell colours: red where it fails, coloured at all where it does not pass.
    colour = C.difference_excel("A1", "B1")
    for live, printed in AMOUNTS:
        assert excel(colour, A1=live, B1=printed) == C.difference(live, printed)
        python = C.equal_status(C.difference(live, printed), tolerance)
        red = excel(C.beyond_excel(colour, tolerance), A1=live, B1=printed)
        coloured = excel(C.differs_excel(colour), A1=live, B1=printed)
        assert bool(red) == (python == Status.FAIL), (live, printed, tolerance)
        assert bool(coloured) == (python != Status.PASS), (live, printed, tolerance)


SINCES = (0.0, 0.01, -0.01, 0.02, -0.03, 0.31)


@pytest.mark.parametrize("tolerance", TOLERANCES)
def test_equal_since_the_documents_own_difference_is_judged_alike(tolerance: float) -> None:
    for since in SINCES:
        for diff in DIFFS:
            python = C.equal_since_status(round(diff, 2), tolerance, since)
            sheet = excel(C.equal_since_excel("D1", "T1", since, WORDS), D1=round(diff, 2), T1=tolerance)
            assert STATUS_OF[sheet] == python, (diff, since, tolerance)
        colour = C.signed_difference_excel("A1", "B1")
        for live, printed in AMOUNTS:
            assert excel(colour, A1=live, B1=printed) == C.signed_difference(live, printed)
            python = C.equal_since_status(C.signed_difference(live, printed), tolerance, since)
            red = excel(C.fails_since_excel(colour, tolerance, since), A1=live, B1=printed)
            assert bool(red) == (python == Status.FAIL), (live, printed, since, tolerance)


def test_only_the_documents_own_difference_is_rounding() -> None:
    """In a workbook: a difference the document printed stays 尾差; one an edit made, or
    enlarged, or turned round, is a mismatch however small; one an edit brought closer to zero
    (a correction) is judged as 尾差 again."""
    tol = 0.04  # a sum of eight cells
    assert C.equal_since_status(0.02, tol, 0.02) == Status.TAIL  # untouched
    assert C.equal_since_status(0.02, tol, 0.0) == Status.FAIL  # an edit of 0.02
    assert C.equal_since_status(-0.01, tol, 0.01) == Status.FAIL  # turned round by an edit
    assert C.equal_since_status(0.03, tol, 0.01) == Status.FAIL  # enlarged
    assert C.equal_since_status(0.01, tol, 0.31) == Status.TAIL  # a mismatch corrected to a cent
    assert C.equal_since_status(0.0, tol, 0.31) == Status.PASS
    assert C.equal_since_status(0.35, tol, 0.35) == Status.FAIL  # the document's own mismatch
    for since in SINCES:  # with the difference itself as `since`: the text's verdict
        for diff in DIFFS:
            assert C.equal_since_status(round(diff, 2), tol, round(diff, 2)) == C.equal_status(round(diff, 2), tol)


@pytest.mark.parametrize("tolerance", TOLERANCES)
def test_at_most_is_judged_alike(tolerance: float) -> None:
    for diff in DIFFS:
        python = C.at_most_status(round(diff, 2), tolerance)
        sheet = excel(C.at_most_excel("D1", "T1", WORDS), D1=round(diff, 2), T1=tolerance)
        assert STATUS_OF[sheet] == python, (diff, tolerance)


def test_the_tolerance_edge_is_inside() -> None:
    """A difference exactly at the tolerance is 尾差, one cent more is a mismatch: on both sides."""
    assert C.equal_status(0.02, 0.02) == Status.TAIL == STATUS_OF[excel(C.equal_excel("D1", "T1", WORDS), D1=0.02, T1=0.02)]
    assert C.equal_status(0.03, 0.02) == Status.FAIL == STATUS_OF[excel(C.equal_excel("D1", "T1", WORDS), D1=0.03, T1=0.02)]
    # 0.1 + 0.2 - 0.3 is not 0 in binary: still no difference.
    assert C.equal_status(0.1 + 0.2 - 0.3, 0.01) == Status.PASS


def _percent_case(printed: float, part: float, base: float, decimals: int, part_cells: int, base_cells: int) -> None:
    exact = part / base * 100
    slack = C.share_slack(part, base, part_cells, base_cells)
    python = C.percent_status(printed, exact, decimals, slack)
    expected = excel(C.rounded_excel("P1/B1*100", decimals), P1=part, B1=base)
    assert expected == pytest.approx(C.rounded(exact, decimals), abs=1e-12)
    diff = round(printed - expected, decimals + 2)
    text = C.percent_excel("D1", decimals, "A1", "P1", "B1", C.share_slack_excel("P1", "B1", part_cells, base_cells), WORDS)
    sheet = excel(text, D1=diff, A1=printed, P1=part, B1=base)
    assert STATUS_OF[sheet] == python, (printed, part, base, decimals)


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_a_printed_percentage_is_judged_alike(decimals: int) -> None:
    # 1/8 = 12.5 % exactly: the half rounds up in both; 7.79 % printed as 7.8; far off; a
    # share whose printed amounts' rounding explains a last-digit miss.
    for part, base in ((1.0, 8.0), (7.79, 100.0), (2974.94, 6000.0), (0.15, 1.0), (12.345, 98.76), (1.0, 3.0)):
        exact = part / base * 100
        for printed in (C.rounded(exact, decimals), C.rounded(exact, decimals) + 10.0 ** -decimals,
                        C.rounded(exact, decimals) - 10.0 ** -decimals, round(exact, 6), 0.0, exact * 2):
            _percent_case(round(printed, decimals + 2), part, base, decimals, 1, 1)
            _percent_case(round(printed, decimals + 2), part, base, decimals, 3, 12)


def test_exact_halves_round_up_in_both() -> None:
    for x, d in ((12.5, 0), (0.125, 2), (2.675, 2), (1.005, 2), (-0.5, 0)):
        assert excel(C.rounded_excel("A1", d), A1=x) == pytest.approx(C.rounded(x, d), abs=1e-12), (x, d)


def test_under_half_cent_is_judged_alike() -> None:
    for x in (0.0, 0.0049, 0.004999, 0.005, 0.0051, -0.0049, -0.005, 0.01, 1.0):
        assert bool(excel(C.under_half_cent_excel("A1"), A1=x)) == C.under_half_cent(x), x
        assert bool(excel(C.at_least_half_cent_excel("A1"), A1=x)) == (not C.under_half_cent(x)), x


def test_the_drafted_text_rounds_as_the_check_does() -> None:
    """FIXED gives the same digits as `rounded` (with thousands separators)."""
    for x, d in ((2974.945, 2), (12.5, 0), (1234567.125, 2), (0.125, 2)):
        shown: Callable[[float], str] = lambda v: f"{v:,.{d}f}"
        assert excel(C.fixed_excel("A1", d), A1=x) == shown(C.rounded(x, d)), (x, d)
