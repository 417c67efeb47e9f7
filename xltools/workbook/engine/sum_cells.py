"""SUM for the fast path: the package's own sum of the cells' numbers, without its wrappers.

The package's SUM (`wrap_func(xsum)`) searches every argument for an Excel error, reshapes and
concatenates them, drops the empty cells and converts every element to a number through a
numpy ufunc of Python calls, before `np.sum`: 20–60 µs for a handful of cells, and a seed's
workbook sums a few thousand ranges. On the arguments a workbook's SUM mostly reads — object
arrays whose cells hold numbers (Python's or numpy's float64), booleans or nothing — the
numbers it keeps are known without that machinery: each number as `float()` makes it, an
empty cell dropped, a FALSE as 0 and a TRUE dropped (the package's `_to_number` makes TRUE
NaN, and NaN is dropped). The sum is then `np.sum` over the same float64 values in the same
order, so the same pairwise summation, the same bits. An argument of any other kind (a text,
an error, an array of another dtype, a Ranges) goes to the package's function unchanged, on
copies of the arrays (a kept range may be shared read-only: fast_model.py).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

_NUMBERS = frozenset((int, float, np.float64))


def _is_package_sum(original: Callable[..., Any]) -> bool:
    """`original` is the package's SUM as this module knows it: wrap_ranges_func(wrap_func(xsum))."""
    from formulas.functions import math as xl_math

    inner = getattr(getattr(original, "__wrapped__", None), "__wrapped__", None)
    defaults: dict[str, Any] = getattr(xl_math.xsum, "__kwdefaults__", None) or {}
    return inner is xl_math.xsum and defaults.get("func") is np.sum


def fast_sum(original: Callable[..., Any]) -> Callable[..., Any]:
    """A stand-in for the package's SUM (`original`), or `original` itself when it is not made
    the way `_is_package_sum` knows."""
    if not _is_package_sum(original):
        return original
    import schedula as sh

    empty = sh.EMPTY

    def total(*args: Any) -> Any:
        numbers: list[Any] = []
        keep = numbers.append
        for a in args:
            t = type(a)
            if t in _NUMBERS:
                keep(a)
            elif t is bool:  # an argument itself, not a cell: xsum counts it (float(TRUE) = 1)
                keep(float(a))
            elif isinstance(a, np.ndarray) and a.dtype == object:
                for v in a.flat:
                    t = type(v)
                    if t in _NUMBERS:
                        keep(v)
                    elif v is empty or v is True:
                        continue
                    elif v is False:
                        keep(0.0)
                    else:
                        return _package(original, args)
            else:
                return _package(original, args)
        values = np.array(numbers, dtype=float)
        return np.sum(values[~np.isnan(values)])
    total.__name__ = "fast_sum"
    return total


def _package(original: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return original(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
