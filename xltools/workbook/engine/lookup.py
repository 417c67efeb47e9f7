"""LOOKUP for the fast path: the package's own function, with its search done by numpy when
the lookup vector is plain numbers in ascending order, with no ties at the match.

The package's LOOKUP classifies every element of both vectors in Python at each call (about
1 ms for a column of 700); the live 问题 list (workbook/problems_live.py) makes thousands of
such calls over 校验's columns. In the common case here, the position is found by
`searchsorted` and the package's own function is called on that one element, so its result
and its conversions are exactly the package's; anything else (text or empty cells in the
vector, an unsorted vector, no match) goes to the package's function unchanged.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

_NUMBERS = {int, float, np.float64, np.int64}


def _number(v: Any) -> float | None:
    if isinstance(v, np.ndarray):
        if v.size != 1:
            return None
        v = v.ravel()[0]
    return float(v) if type(v) in _NUMBERS else None


def _text(v: Any) -> bool:
    if isinstance(v, np.ndarray):
        if v.size != 1:
            return False
        v = v.ravel()[0]
    return type(v) is str


def _vector(a: Any) -> np.ndarray | None:
    if not isinstance(a, np.ndarray) or a.ndim != 2 or 1 not in a.shape or a.size < 2:
        return None
    if not set(map(type, a.flat)) <= _NUMBERS:
        return None
    v = a.ravel().astype(float)
    return v if bool(np.all(v[1:] >= v[:-1])) else None


def _one(a: np.ndarray, k: int) -> np.ndarray:
    out = np.empty((1, 1), object)
    out[0, 0] = a.ravel()[k]
    return out


def fast_lookup(original: Callable[..., Any]) -> Callable[..., Any]:
    def lookup(value: Any, vector: Any, result: Any = None, *rest: Any) -> Any:
        x, v = _number(value), _vector(vector)
        if rest or v is None or (result is not None and (
                not isinstance(result, np.ndarray) or result.size != v.size or 1 not in result.shape)):
            return original(value, vector, *(() if result is None else (result,)), *rest)
        if x is None:
            # Text never matches a number: #N/A from any all-number vector, its first element
            # as well (an IF evaluates both branches: each empty row of 问题 asks this).
            text = _text(value)
            k = 0 if text else -1
            if not text:
                return original(value, vector, *(() if result is None else (result,)))
        else:
            k = int(np.searchsorted(v, x, side="right")) - 1
            if k >= 1 and v[k - 1] == v[k]:
                # Ties: which of them a binary search lands on is the package's own affair.
                return original(value, vector, *(() if result is None else (result,)))
        k = max(k, 0)  # below the first: #N/A from the first element as from them all
        return original(value, _one(vector, k), *(() if result is None else (_one(result, k),)))
    lookup.__name__ = "fast_lookup"
    return lookup
