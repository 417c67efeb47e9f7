"""尾差: how far a sum of printed amounts may miss its printed total. Decided here only; the
reader's placement, the rules and the workbook's formulas all ask here."""
from __future__ import annotations

# A difference under half a cent is no difference: amounts print to the cent.
NO_DIFFERENCE = 0.0049


def tail_tolerance(cells: int) -> float:
    """DOMAIN.md: within 0.005 × cells added, at least 0.01, a difference is 尾差."""
    return max(0.01, 0.005 * cells)


def tail_cents(cells: int) -> int:
    """The same tolerance in whole cents (for searches over integer cents)."""
    return int(round(tail_tolerance(cells) * 100, 6))
