"""LOOKUP for the fast path: the package's own function, with its search done by numpy when
the lookup vector is plain numbers in ascending order, with no ties at the match.

The package's LOOKUP classifies every element of both vectors in Python at each call (about
1 ms for a column of 700); the live 问题 list (workbook/problems_live.py) makes thousands of
such calls over 校验's columns. In the common case here, the position is found by
`searchsorted`; a result that is a plain value (a text, a finite number, a boolean, an empty
cell) is returned as the package returns it (`xlookup` takes the element, `safe_eval` keeps a
finite number, a text or EMPTY as it is), and any other is the package's own function called
on that one element, so its conversions are exactly the package's. Anything else (text or
empty cells in the vector, an unsorted vector, no match) goes to the package's function
unchanged, on copies of the vectors.

A vector the fast model hands over read-only (a much-read range: fast_model.py) is checked
once, not at each call: it cannot change while it is read-only, and a changed range is a new
array. The check is kept with the array itself, so an id is never mistaken for another's.
"""
from __future__ import annotations

import math
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


_CHECKED: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
CHECKED_MAX = 256  # read-only vectors whose check is kept (the live list reads about a dozen)
BELOW_MAX = 1024  # answers kept for values below a vector's first element


def _checked(a: Any) -> np.ndarray | None:
    """`_vector(a)`, kept for a read-only array."""
    if not isinstance(a, np.ndarray) or a.flags.writeable:
        return _vector(a)
    hit = _CHECKED.get(id(a))
    if hit is not None and hit[0] is a:
        return hit[1]
    v = _vector(a)
    if len(_CHECKED) >= CHECKED_MAX:
        _CHECKED.clear()
    _CHECKED[id(a)] = (a, v)
    return v


def _plain_result(r: Any) -> bool:
    """A result `xlookup`/`safe_eval` pass on unchanged: a text (not an error), a finite
    number of Python's own types, a boolean, or the EMPTY of an empty cell."""
    import schedula as sh

    t = type(r)
    return t is str or t is bool or r is sh.EMPTY or (t in (int, float) and math.isfinite(r))


def _exact(v: Any) -> tuple[Any, ...]:
    """A key telling apart what Python's equality does not: 1, 1.0 and True; 0.0 and -0.0."""
    return (type(v), v, math.copysign(1.0, v) if type(v) in (float, np.float64) else None)


def _cell(r: Any) -> np.ndarray:
    from formulas.functions import Array

    out = np.empty((1, 1), object)
    out[0, 0] = r
    return out.view(Array)


def _one(a: np.ndarray, k: int) -> np.ndarray:
    out = np.empty((1, 1), object)
    out[0, 0] = a.ravel()[k]
    return out


def fast_lookup(original: Callable[..., Any]) -> Callable[..., Any]:
    def lookup(value: Any, vector: Any, result: Any = None, *rest: Any) -> Any:
        x, v = _number(value), (None if rest else _checked(vector))
        if v is None or (result is not None and (
                not isinstance(result, np.ndarray) or result.size != v.size or 1 not in result.shape)):
            return _whole(original, value, vector, result, rest)
        if x is None:
            # Text never matches a number: #N/A from any all-number vector, its first element
            # as well (an IF evaluates both branches: each empty row of 问题 asks this).
            if not _text(value):
                return _whole(original, value, vector, result, rest)
            k = 0
        elif not math.isfinite(x):
            return _whole(original, value, vector, result, rest)
        else:
            k = int(np.searchsorted(v, x, side="right")) - 1
            if k >= 1 and v[k - 1] == v[k]:
                # Ties: which of them a binary search lands on is the package's own affair.
                return _whole(original, value, vector, result, rest)
            if k >= 0:
                found = (vector if result is None else result).ravel()[k]
                if _plain_result(found):
                    return _cell(found)
        if k < 0:
            return below(value, vector, result)
        return original(value, _one(vector, k), *(() if result is None else (_one(result, k),)))

    below_memo: dict[tuple[Any, ...], np.ndarray] = {}

    def below(value: Any, vector: Any, result: Any) -> Any:
        """Below the first element: #N/A from the first element as from them all. The
        package's answer depends on the value and the two first elements alone, so it is
        kept by them (an IF evaluates both branches: each empty row of 问题 asks this)."""
        array = isinstance(value, np.ndarray)
        key = (type(value), (value.shape, value.dtype) if array else None, _exact(value.ravel()[0] if array else value),
               _exact(vector.ravel()[0]), None if result is None else _exact(result.ravel()[0]))
        try:
            hit = below_memo.get(key)
            kept = True
        except TypeError:  # an unhashable element: not kept
            hit, kept = None, False
        if hit is None:
            hit = original(value, _one(vector, 0), *(() if result is None else (_one(result, 0),)))
            if not kept or not isinstance(hit, np.ndarray) or getattr(hit, "__dict__", None):  # attributes a copy drops
                return hit
            if len(below_memo) >= BELOW_MAX:
                below_memo.clear()
            below_memo[key] = hit
        return hit.copy()  # each cell its own array, as from the package's call
    lookup.__name__ = "fast_lookup"
    return lookup


def _whole(original: Callable[..., Any], value: Any, vector: Any, result: Any, rest: tuple[Any, ...]) -> Any:
    """The package's LOOKUP over the whole vectors, each its own copy (a read-only range is
    shared by every cell that looks it up)."""
    def own(a: Any) -> Any:
        return a.copy() if isinstance(a, np.ndarray) else a

    return original(value, own(vector), *(() if result is None else (own(result),)), *map(own, rest))
