"""One relation → the Excel formulas of its 校验 row, mirroring `rules.core.judge`.

The row has fixed columns: 实际 (actual), 应为 (expected), 差额 (diff), 容差 (tolerance),
基数 (base, for shares and growth) and 结果 (the live verdict). Each verdict formula reads
only cells of its own row, so it is short and every engine evaluates it the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from openpyxl.utils import column_index_from_string, get_column_letter

from ..rules.core import AtMost, Equal, GrowthOf, Ref, Relation, ShareOf, Terms, Unchecked, Verdict, tolerance_of
from ..tolerance import NO_DIFFERENCE
from .sheets import quoted

Place = tuple[str, str]  # (sheet, A1 cell)
Address = Callable[[Ref], Place | None]

PASS, TAIL, FAIL_M, FAIL_A = "通过", "尾差", "不符", "提示"
UNCHECKED = "未核对"
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


def _number(x: float) -> str:
    return f"{x:.12g}".upper()


def sum_expr(terms: Iterable[tuple[Place | None, float]], here: str | None = None) -> str:
    """Σ factor × cell as explicit SUMs; a missing cell (None) contributes 0. Cells on the
    sheet `here` are written without their sheet name."""
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
                parts.append("+" + s + "*" + _number(factor))
    return "".join(parts).lstrip("+") or "0"


def _terms(ts: Terms, address: Address) -> str:
    return sum_expr((address(t.ref), t.factor) for t in ts)


def _one(ref: Ref, address: Address) -> str:
    return sum_expr([(address(ref), 1.0)])


def formula(rel: Relation, address: Address, cells: RowCells, level: str) -> CheckFormulas:
    fail = FAIL_M if level == "M" else FAIL_A
    a, e, d, t, b = cells.actual, cells.expected, cells.diff, cells.tolerance, cells.base
    if isinstance(rel, Verdict):
        return CheckFormulas(_const(rel.actual), _const(rel.expected), None, None, None,
                             PASS if rel.ok else fail)
    if isinstance(rel, Unchecked):
        return CheckFormulas(None, None, None, None, None, UNCHECKED)
    if isinstance(rel, Equal):
        tol = tolerance_of(rel)
        return CheckFormulas(
            f"=ROUND({_terms(rel.lhs, address)},{rel.decimals})",
            f"=ROUND({_terms(rel.rhs, address)},{rel.decimals})",
            f"=ROUND({a}-{e},2)", tol, None,
            f'=IF(ABS({d})<{NO_DIFFERENCE},"{PASS}",IF(ABS({d})<={t}+1E-9,"{TAIL}","{fail}"))')
    if isinstance(rel, AtMost):
        tol = tolerance_of(rel)
        return CheckFormulas(
            f"=ROUND({_terms(rel.lhs, address)},2)", f"=ROUND({_terms(rel.rhs, address)},2)",
            f"=ROUND({a}-{e},2)", tol, None,
            f'=IF({d}<={NO_DIFFERENCE},"{PASS}",IF({d}<={t}+1E-9,"{TAIL}","{fail}"))')
    if isinstance(rel, ShareOf):
        zero = f"{b}=0"
        return CheckFormulas(
            f"={_one(rel.printed, address)}",
            f'=IF({zero},"",ROUND({_terms(rel.part, address)}/{b}*100+1E-9,{rel.decimals}))',
            f'=IF({zero},"",ROUND({a}-{e},{rel.decimals + 2}))', None,
            f"={_terms(rel.base, address)}",
            f'=IF({zero},IF({a}=0,"{PASS}","{fail}"),'
            f'{_pct(d, rel.decimals, fail, a, _terms(rel.part, address), b, len(rel.part), len(rel.base))})')
    if isinstance(rel, GrowthOf):
        zero = f"ABS({b})<0.005"
        change = _one(rel.change, address)
        return CheckFormulas(
            f"={_one(rel.printed, address)}",
            f'=IF({zero},"",ROUND({change}/{b}*100+1E-9,{rel.decimals}))',
            f'=IF({zero},"",ROUND({a}-{e},{rel.decimals + 2}))', None,
            f"=ROUND({_terms(rel.current, address)}-{change},2)",
            f'=IF({zero},"{fail}",{_pct(d, rel.decimals, fail, a, change, b, 1, len(rel.current) + 1)})')
    raise TypeError(f"unknown relation {rel!r}")


def _pct(d: str, decimals: int, fail: str, printed: str, part: str, base: str, part_cells: int, base_cells: int) -> str:
    """`rules.core._pct_outcome` as a formula: 尾差 only where the rounding of the amounts
    (`share_slack`) can explain the printed figure."""
    step = 10.0 ** -decimals
    ep, eb = _number(0.005 * part_cells), _number(0.005 * base_cells)
    slack = f"100*({ep}/ABS({base})+ABS({part})*{eb}/({base})^2)"
    return (f'IF(ABS({d})<{_number(step / 2)},"{PASS}",'
            f'IF(ABS({printed}-({part})/({base})*100)<={_number(step / 2)}+{slack}+1E-9,"{TAIL}","{fail}"))')


def _const(v: float | str | None) -> float | str | None:
    # Text from a document is never a formula: the writer stores strings as strings.
    return v


def status_of(verdict: str) -> str:
    """结果 text → `judge` status."""
    return {PASS: "pass", TAIL: "tail", UNCHECKED: "unchecked"}.get(verdict, "fail")
