"""Every comparison a verdict rests on, written once: its Python predicate beside its Excel
text, so that `check`, the 校验 sheet, the cells' colours and the 说明草稿 cannot judge the same
figures differently (tests/test_comparisons.py evaluates both sides on the same values).

Each pair takes numbers in Python and cell names or expressions in Excel; the Excel side uses
only IF, ABS, ROUND and arithmetic, which Excel 2010+, WPS and LibreOffice compute alike.
"""
from __future__ import annotations

from xltools.core.tolerance import NO_DIFFERENCE
from xltools.core.verdicts import Status

# A printed amount is within half a cent of its true value: it prints to the cent.
HALF_CENT = 0.005
# A value exactly on a boundary (a tolerance, a half to round) counts as inside it, whichever
# way binary floating point represents it; Excel, WPS and LibreOffice are nudged alike.
NUDGE = 1e-9


def number(x: float) -> str:
    """A constant as Excel text: 12 significant digits, no trailing zeros (0.005, 1E-09)."""
    return f"{x:.12g}".upper()


_NUDGE = f"{NUDGE:.0E}".replace("E-0", "E-")  # "1E-9"


# -- equal within 尾差: |diff| under half a cent passes, within the tolerance is 尾差 --------------

def equal_status(diff: float, tolerance: float) -> Status:
    if abs(diff) < NO_DIFFERENCE:
        return Status.PASS
    return Status.TAIL if abs(diff) <= tolerance + NUDGE else Status.FAIL


def equal_excel(diff: str, tolerance: str, words: tuple[str, str, str]) -> str:
    """`equal_status` as a formula giving one of `words` (pass, 尾差, fail)."""
    ok, tail, fail = words
    return f'IF(ABS({diff})<{NO_DIFFERENCE},"{ok}",IF(ABS({diff})<={tolerance}+{_NUDGE},"{tail}","{fail}"))'


# -- equal in a workbook that knows the document's own difference -----------------------------

def equal_since_status(diff: float, tolerance: float, since: float) -> Status:
    """`equal_status` of a signed difference in a workbook that knows the identity's difference
    as the document printed it (`since`, fixed at import). Rounding explains that difference
    and nothing more: a 尾差 is the document's own or one an edit brought closer to zero; a
    difference an edit made or enlarged is a mismatch, however small (0.02 in a sum of eight
    cells, whose tolerance is 0.04). With `since` the difference itself, this is `equal_status`."""
    status = equal_status(diff, tolerance)
    if status is Status.TAIL and abs(diff - since) >= NO_DIFFERENCE and abs(diff) + NUDGE >= abs(since):
        return Status.FAIL
    return status


def equal_since_excel(diff: str, tolerance: str, since: float, words: tuple[str, str, str]) -> str:
    """`equal_since_status` as a formula, `since` a constant (0 for most identities: any
    difference is then an edit)."""
    ok, tail, fail = words
    if abs(since) < NO_DIFFERENCE:
        return f'IF(ABS({diff})<{NO_DIFFERENCE},"{ok}","{fail}")'
    # AND and OR as * and + of the comparisons: the fast path computes only what it vets.
    return (f'IF(ABS({diff})<{NO_DIFFERENCE},"{ok}",IF((ABS({diff})<={tolerance}+{_NUDGE})*'
            f'((ABS({diff}-({number(since)}))<{NO_DIFFERENCE})+(ABS({diff})+{_NUDGE}<{number(abs(since))})),"{tail}","{fail}"))')


def fails_since_excel(diff: str, tolerance: float, since: float) -> str:
    """The cell-colour side of `equal_since_status`, on a signed difference
    (`signed_difference_excel`): true where the status is a fail."""
    if abs(since) < NO_DIFFERENCE:
        return f"ABS({diff})>={NO_DIFFERENCE}"
    return (f"OR(ABS({diff})>{number(tolerance)}+{_NUDGE},AND(ABS({diff})>={NO_DIFFERENCE},"
            f"ABS({diff}-({number(since)}))>={NO_DIFFERENCE},ABS({diff})+{_NUDGE}>={number(abs(since))}))")


def signed_difference(a: float, b: float) -> float:
    """`difference` with its sign: a − b at the cent."""
    return round(round(a, 2) - round(b, 2), 2)


def signed_difference_excel(a: str, b: str) -> str:
    return f"ROUND(ROUND({a},2)-ROUND({b},2),2)"


def difference(a: float, b: float) -> float:
    """How far two amounts are apart at the cent, as `judge` takes it: each side rounded, then
    the difference rounded again (1E8+0.01 − 1E8 is 0.0100000016 in binary)."""
    return abs(round(round(a, 2) - round(b, 2), 2))


def difference_excel(a: str, b: str) -> str:
    return f"ABS(ROUND(ROUND({a},2)-ROUND({b},2),2))"


def differs_excel(diff: str) -> str:
    """The cell-colour side of `equal_status`: true where the status is not a pass."""
    return f"{diff}>{NO_DIFFERENCE}"


def beyond_excel(diff: str, tolerance: float) -> str:
    """The cell-colour side of `equal_status`: true where the status is a fail (diff ≥ 0)."""
    return f"{diff}>{tolerance}+{_NUDGE}"


# -- at most: only an excess counts -----------------------------------------------------------

def at_most_status(diff: float, tolerance: float) -> Status:
    if diff <= NO_DIFFERENCE:
        return Status.PASS
    return Status.TAIL if diff <= tolerance + NUDGE else Status.FAIL


def at_most_excel(diff: str, tolerance: str, words: tuple[str, str, str]) -> str:
    ok, tail, fail = words
    return f'IF({diff}<={NO_DIFFERENCE},"{ok}",IF({diff}<={tolerance}+{_NUDGE},"{tail}","{fail}"))'


# -- under half a cent: a base too small to divide by, a figure that is zero -------------------------------------------------------------

def under_half_cent(x: float) -> bool:
    return abs(x) < HALF_CENT


def under_half_cent_excel(x: str) -> str:
    return f"ABS({x})<{number(HALF_CENT)}"


def at_least_half_cent_excel(x: str) -> str:
    return f"ABS({x})>={number(HALF_CENT)}"


# -- a percentage, judged at its printed decimals --------------------------------------------

def rounded(x: float, decimals: int) -> float:
    """Rounded half up at an exact half, as ROUND and FIXED do in every engine."""
    return round(x + NUDGE, decimals)


def rounded_excel(x: str, decimals: int | str) -> str:
    return f"ROUND({x}+{_NUDGE},{decimals})"


def fixed_excel(x: str, decimals: int | str) -> str:
    """`rounded` as text with thousands separators (FIXED), for a drafted sentence."""
    return f"FIXED({x}+{_NUDGE},{decimals})"


def share_slack(part: float, base: float, part_cells: int, base_cells: int) -> float:
    """How far (in percentage points) a share of printed amounts can be from the share of
    the amounts before rounding: each printed cell is within half a cent of its true value."""
    ep, eb = HALF_CENT * part_cells, HALF_CENT * base_cells
    return 100 * (ep / abs(base) + abs(part) * eb / base ** 2)


def share_slack_excel(part: str, base: str, part_cells: int, base_cells: int) -> str:
    ep, eb = number(HALF_CENT * part_cells), number(HALF_CENT * base_cells)
    return f"100*({ep}/ABS({base})+ABS({part})*{eb}/({base})^2)"


def percent_status(printed: float, exact: float, decimals: int, slack: float) -> Status:
    """A printed percentage against the exact one: equal at its printed decimals passes; one
    the rounding of the amounts (`slack`) can explain is 尾差; any other is a mismatch, however
    few decimals were printed ("占0%" for 1.26% fails)."""
    step = 10.0 ** -decimals
    if abs(round(printed - rounded(exact, decimals), decimals + 2)) < step / 2:
        return Status.PASS
    return Status.TAIL if abs(printed - exact) <= step / 2 + slack + NUDGE else Status.FAIL


def percent_excel(diff: str, decimals: int, printed: str, part: str, base: str, slack: str,
                  words: tuple[str, str, str]) -> str:
    """`percent_status` as a formula; `diff` is printed − the exact share rounded to its
    decimals (already rounded to decimals + 2, as the Python side rounds it)."""
    ok, tail, fail = words
    half = number(10.0 ** -decimals / 2)
    return (f'IF(ABS({diff})<{half},"{ok}",'
            f'IF(ABS({printed}-({part})/({base})*100)<={half}+{slack}+{_NUDGE},"{tail}","{fail}"))')
