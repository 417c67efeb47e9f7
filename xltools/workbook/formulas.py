"""One relation → the Excel formulas of its 校验 row: the comparisons of `core.comparisons`,
whose Python side `rules.core.judge` runs.

The row has fixed columns: 实际 (actual), 应为 (expected), 差额 (diff), 容差 (tolerance),
基数 (base, for shares and growth) and 结果 (the live verdict). Each verdict formula reads
only cells of its own row, so it is short and every engine evaluates it the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from openpyxl.utils import column_index_from_string, get_column_letter

from xltools.core.references import Ref
from xltools.rules.core import AtMost, Equal, GrowthOf, Relation, ShareOf, Term, Terms, Unchecked, Verdict, tolerance_of
from xltools.core.comparisons import (at_most_excel, equal_excel, equal_since_excel, number, percent_excel, rounded_excel, share_slack_excel,
                                      under_half_cent_excel)
from xltools.core.verdicts import NOT_CHECKED, PASSED, words
from xltools.workbook.sheets import quoted

Place = tuple[str, str]  # (sheet, A1 cell)
Address = Callable[[Ref], Place | None]

_CELL = re.compile(r"^([A-Z]+)(\d+)$")
_MAX_ARGS = 200  # Excel allows 255 arguments per function


@dataclass(frozen=True)
class RowCells:
    """The A1 names of this 校验 row's cells."""

    actual: str
    expected: str
    diff: str
    tolerance: str
    base: str


@dataclass(frozen=True)
class CheckFormulas:
    actual: str | float | None
    expected: str | float | None
    diff: str | None
    tolerance: float | None
    base: str | None
    verdict: str


def _ranges(places: list[Place], here: str | None = None) -> list[str]:
    """Runs of consecutive cells in a column (E8:E10) or in a row (D8:H8) become ranges."""
    parsed = set()
    for sheet, c in places:
        m = _CELL.match(c)
        assert m, c
        parsed.add((sheet, column_index_from_string(m.group(1)), int(m.group(2))))
    vertical = _runs(sorted(parsed, key=lambda t: (t[0], t[1], t[2])), 2)
    singles = [r[0] for r in vertical if len(r) == 1]
    horizontal = _runs(sorted(singles, key=lambda t: (t[0], t[2], t[1])), 1)
    out: list[tuple[str, int, int, str]] = []
    for run in [r for r in vertical if len(r) > 1] + horizontal:
        (sheet, c0, r0), (_, c1, r1) = run[0], run[-1]
        a = f"{get_column_letter(c0)}{r0}"
        ref = a if len(run) == 1 else f"{a}:{get_column_letter(c1)}{r1}"
        out.append((sheet, c0, r0, ref if sheet == here else f"{quoted(sheet)}!{ref}"))
    return [t[3] for t in sorted(out)]


def _runs(cells: list[tuple[str, int, int]], step_axis: int) -> list[list[tuple[str, int, int]]]:
    runs: list[list[tuple[str, int, int]]] = []
    other = 2 if step_axis == 1 else 1
    for c in cells:
        last = runs[-1][-1] if runs else None
        if last and last[0] == c[0] and last[other] == c[other] and int(c[step_axis]) == int(last[step_axis]) + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def sum_expr(terms: Iterable[tuple[Place | None, float]], here: str | None = None) -> str:
    """Σ factor × cell as explicit SUMs; a missing cell (None) contributes 0. Cells on the
    sheet `here` are written without their sheet name."""
    return _sum_expr(tuple(terms), here)


# The same sums come back: a total in several rules, and every build of the same document
# (a workbook is rebuilt on import, for a draft, for an audit). Bounded; keys are immutable.
@lru_cache(maxsize=1 << 14)
def _sum_expr(terms: tuple[tuple[Place | None, float], ...], here: str | None) -> str:
    groups: dict[float, list[Place]] = {}
    for place, factor in terms:
        if place is not None and factor != 0:
            groups.setdefault(factor, []).append(place)
    parts: list[str] = []
    for factor, places in groups.items():
        args = _ranges(places, here)
        for k in range(0, len(args), _MAX_ARGS):
            s = "SUM(" + ",".join(args[k:k + _MAX_ARGS]) + ")"
            if factor == 1:
                parts.append("+" + s)
            elif factor == -1:
                parts.append("-" + s)
            else:
                parts.append("+" + s + "*" + number(factor))
    return "".join(parts).lstrip("+") or "0"


Offset = Callable[[Ref], float]


def _none(ref: Ref) -> float:
    return 0.0


def terms_expr(ts: Terms, address: Address, offset: Offset = _none) -> str:
    """Σ factor × cell, plus the constant the cells' offsets add (`plan.offsets`), in
    brackets then: the sum is also divided and subtracted. With the offsets, the figures as
    the document printed them until an input changes; without, their recomputation."""
    expr = sum_expr((address(t.ref), t.factor) for t in ts)
    c = round(sum(offset(t.ref) * t.factor for t in ts), 6)
    if c == 0:
        return expr
    k = number(abs(c))
    if expr == "0":
        return f"(-{k})" if c < 0 else k
    return f"({expr}{'-' if c < 0 else '+'}{k})"


def _one(ref: Ref, address: Address, offset: Offset = _none) -> str:
    return terms_expr((Term(ref),), address, offset)


def formula(rel: Relation, address: Address, cells: RowCells, level: str, offset: Offset = _none,
            since: float | None = None) -> CheckFormulas:
    """`offset`: what each figure read live adds, so that the row judges the figures the
    document printed until an input changes (`evaluation.judged.Live.offset`); `since`: an
    equality's difference as the document printed it (`Live.since`), beyond which any
    difference is an edit."""
    said = words(level)
    a, e, d, t, b = cells.actual, cells.expected, cells.diff, cells.tolerance, cells.base
    if isinstance(rel, Verdict):
        return CheckFormulas(_const(rel.actual), _const(rel.expected), None, None, None,
                             PASSED if rel.ok else said[2])
    if isinstance(rel, Unchecked):
        return CheckFormulas(None, None, None, None, None, NOT_CHECKED)
    if isinstance(rel, Equal):
        return CheckFormulas(
            f"=ROUND({terms_expr(rel.lhs, address, offset)},{rel.decimals})",
            f"=ROUND({terms_expr(rel.rhs, address, offset)},{rel.decimals})",
            f"=ROUND({a}-{e},2)", tolerance_of(rel), None,
            "=" + (equal_excel(d, t, said) if since is None else equal_since_excel(d, t, since, said)))
    if isinstance(rel, AtMost):
        return CheckFormulas(
            f"=ROUND({terms_expr(rel.lhs, address, offset)},2)", f"=ROUND({terms_expr(rel.rhs, address, offset)},2)",
            f"=ROUND({a}-{e},2)", tolerance_of(rel), None, "=" + at_most_excel(d, t, said))
    if isinstance(rel, ShareOf):
        zero = f"{b}=0"
        part = terms_expr(rel.part, address, offset)
        ratio = f"{part}/{b}*100"
        return CheckFormulas(
            f"={_one(rel.printed, address, offset)}",
            f'=IF({zero},"",{rounded_excel(ratio, _shown(rel.decimals))})',
            f'=IF({zero},"",ROUND({a}-{e},{_shown(rel.decimals) + 2}))', None,
            f"={terms_expr(rel.base, address, offset)}",
            f'=IF({zero},IF({a}=0,"{PASSED}","{said[2]}"),'
            f'{percent_excel(_off(a, ratio, rel.decimals), rel.decimals, a, part, b, share_slack_excel(part, b, len(rel.part), len(rel.base)), said)})')
    if isinstance(rel, GrowthOf):
        zero = under_half_cent_excel(b)
        change = _one(rel.change, address, offset)
        ratio = f"{change}/{b}*100"
        slack = share_slack_excel(change, b, 1, len(rel.current) + 1)
        return CheckFormulas(
            f"={_one(rel.printed, address, offset)}",
            f'=IF({zero},"",{rounded_excel(ratio, _shown(rel.decimals))})',
            f'=IF({zero},"",ROUND({a}-{e},{_shown(rel.decimals) + 2}))', None,
            f"=ROUND({terms_expr(rel.current, address, offset)}-{change},2)",
            f'=IF({zero},"{said[2]}",{percent_excel(_off(a, ratio, rel.decimals), rel.decimals, a, change, b, slack, said)})')
    raise TypeError(f"unknown relation {rel!r}")


def _shown(decimals: int) -> int:
    """A percentage's 应为 and 差额 at two decimals at least, as `check` reports them ("占0%"
    against 7.79%, not 8%); the verdict still judges it at its printed decimals (`_off`)."""
    return max(decimals, 2)


def _off(printed: str, ratio: str, decimals: int) -> str:
    """The printed percentage minus the exact one rounded to the printed decimals."""
    return f"ROUND({printed}-{rounded_excel(ratio, decimals)},{decimals + 2})"


def _const(v: float | str | None) -> float | str | None:
    # Text from a document is never a formula: the writer stores strings as strings.
    return v

