"""SUMIFS for the fast path: the package's own criterion test and accumulator, with the test's
result (which cells of the criteria range match) kept while that range's array lives.

The workbook's SUMIFS are SUMIFS(amounts, codes, criterion) (workbook/address.py `by_code`).
At each call the package re-reads the criterion and runs its per-element check over the whole
code column, converting every element to a number first (`text2num`, which tries a date
parse on each text that is not a number): about 0.25 ms for a column of 150, and an edited
amount reruns every SUMIFS over that column although its codes did not change.

Here, for one criterion (a constant or one cell) over a criteria range the fast model hands
over read-only (a kept range: fast_model.py), the mask is the package's own `__xfilter` on
that array, computed once per (array, criterion) and kept with the array itself, so an id is
never mistaken for another's; a changed range is a new array. The sum is the package's own
accumulator on `amounts[mask]`, put in an array of the criterion's shape as `np.vectorize`
puts it. Anything else (more criteria pairs, a criterion of several cells, a writeable range,
an exception anywhere, an accumulator result that is itself an array) goes to the package's
function unchanged, on copies of the ranges: its result, errors included, is always the one
the package gives (`tests/test_engine_sumifs.py`).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

# id(codes) → (codes, the test range `__xfilter` reads, criterion → mask)
_MASKS: dict[int, tuple[np.ndarray, dict[str, Any], dict[tuple[type, Any], np.ndarray]]] = {}
_SCALARS = (int, float, str, bool)  # a template's constants (template_store): passed as they are
MASKS_MAX = 256  # read-only criteria ranges whose masks are kept (a seed reads one or two)


def _parts(original: Callable[..., Any]) -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """(the package's per-criterion test, the accumulator) when `original` is the package's
    SUMIFS as this module knows it: wrap_func(partial(xfilters, accumulator)); else None."""
    import formulas.functions as ff

    inner = getattr(getattr(original, "__wrapped__", None), "__wrapped__", None)
    if not isinstance(inner, functools.partial) or inner.func is not ff.xfilters or len(inner.args) != 1 or inner.keywords:
        return None
    test = getattr(ff, "__xfilter", None)  # a module-level name: not mangled
    return None if test is None else (test, inner.args[0])


def fast_sumifs(original: Callable[..., Any]) -> Callable[..., Any]:
    """A stand-in for the package's SUMIFS (`original`), or `original` itself when it is not
    made the way `_parts` knows."""
    parts = _parts(original)
    if parts is None:
        return original
    test, accumulate = parts
    from formulas.functions import Array, replace_empty

    def mask_of(test_range: dict[str, Any], criterion: Any) -> np.ndarray:
        b = test(test_range, criterion)
        b.flags.writeable = False
        return b

    def kept_mask(codes: np.ndarray, criterion: Any) -> np.ndarray:
        hit = _MASKS.get(id(codes))
        if hit is None or hit[0] is not codes:
            if len(_MASKS) >= MASKS_MAX:
                _MASKS.clear()
            # As `xfilters` builds the test range: EMPTY read as "". The test adds the range
            # read as numbers ('num', `text2num` of each code: a date parse of each text, most
            # of a mask's cost) and reads it again for the next criterion, as the package's
            # own vectorised loop over a criterion's cells does; it depends on the codes only.
            hit = _MASKS[id(codes)] = (codes, {"raw": replace_empty(codes, "")}, {})
        key = (type(criterion), criterion)
        try:
            b = hit[2].get(key)
        except TypeError:  # an unhashable criterion: not kept
            return mask_of({"raw": replace_empty(codes, "")}, criterion)
        if b is None:
            b = hit[2][key] = mask_of(hit[1], criterion)
        return b

    def sumifs(amounts: Any, codes: Any, criterion: Any, *rest: Any) -> Any:
        if (rest or not isinstance(codes, np.ndarray) or codes.flags.writeable
                or not isinstance(amounts, np.ndarray)
                or (criterion.size != 1 or criterion.dtype != object if isinstance(criterion, np.ndarray)
                    else type(criterion) not in _SCALARS)):
            return _whole(original, amounts, codes, criterion, rest)
        # `np.vectorize` over the criterion: an array's one element as it is, else the value.
        one = criterion.ravel()[0] if isinstance(criterion, np.ndarray) else criterion
        try:
            r = accumulate(np.asarray(amounts)[kept_mask(codes, one)])
        except Exception:  # the package's own handling (an error found, a shape mismatch)
            return _whole(original, amounts, codes, criterion, rest)
        if isinstance(r, np.ndarray) or np.ndim(r) != 0:
            return _whole(original, amounts, codes, criterion, rest)
        out = np.empty(criterion.shape if isinstance(criterion, np.ndarray) else (), object)
        out[...] = r
        return out.view(Array)
    sumifs.__name__ = "fast_sumifs"
    return sumifs


def _whole(original: Callable[..., Any], amounts: Any, codes: Any, criterion: Any, rest: tuple[Any, ...]) -> Any:
    """The package's SUMIFS, each range its own copy (a read-only range is shared)."""
    def own(a: Any) -> Any:
        return a.copy() if isinstance(a, np.ndarray) else a

    return original(own(amounts), own(codes), own(criterion), *map(own, rest))
