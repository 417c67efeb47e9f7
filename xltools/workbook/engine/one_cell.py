"""The package's elementwise functions called on one cell: its own per-element function,
without `numpy.vectorize` and the two wrappers around it.

Every operator and elementwise function the fast path runs (`+`, `=`, `&`, IF, ROUND, ABS,
FIXED, …) is made by `formulas.functions.wrap_ufunc`: a wrapper that parses its ranges, one
that turns exceptions into #VALUE!, and one that applies the function's own `args_parser`,
then `np.vectorize(safe_eval)` over the arguments, views the result as the package's array
type and hands it to `return_func`. On a single cell that machinery is 12–19 µs a call
against 2–3 µs for `safe_eval` itself, and the cells the fast path cannot stack (a running
count whose every row reads the row above: a level of its own each) make tens of thousands
of such calls.

Here `safe_eval` and the other parts are taken from the wrapper's closure and called as the
wrapper calls them, on the arguments' one element each, as `np.vectorize` passes it (an
object array's element as it is; a Python constant as itself), inside the same `errstate`.
The package itself does the same for one cell when a function has 32 arguments or more.
Three lanes, fastest first: for the operators and IF on plain values (finite numbers of
Python's types, texts), the per-element function written out (`_natives`, 1 µs); for all
plain numbers, `safe_eval` without its search for an error among them (there is none);
else `safe_eval` itself. Anything else — an argument of another shape or type, a wrapper of
another make, an exception anywhere — goes to the package's function unchanged, so the
result is always the one it gives (`tests/test_engine_one_cell.py` holds the two to the
same values and types, for every vetted function, on values of every kind).
"""
from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np

_SCALARS = (int, float, str, bool)  # the exact types a template's constant may have (template_store)
# Arrays `vectorize` passes element by element: an object array's element as it is, the
# others' as the Python scalar (.item()), as its cast to object does.
_KINDS = "biufUO"


@functools.lru_cache(None)
def _shapes() -> tuple[Any, Any, Any]:
    """The code objects of the three wrappers `wrap_ufunc` nests (outermost first), taken from
    one operator the package makes with it."""
    from formulas.functions.operators import OPERATORS

    outer = OPERATORS["+"]
    middle = _closure(outer)["func"]
    inner = _closure(middle)["func"]
    return outer.__code__, middle.__code__, inner.__code__


def _closure(f: Any) -> dict[str, Any]:
    code = getattr(f, "__code__", None)
    if code is None or f.__closure__ is None:
        return {}
    return {name: cell.cell_contents for name, cell in zip(code.co_freevars, f.__closure__)}


def one_cell(original: Callable[..., Any], name: str) -> Callable[..., Any] | None:
    """A stand-in for `original` (a `wrap_ufunc` function, `name` in the vetted table) that
    computes one cell directly, or None when `original` is not made the way this module knows."""
    try:
        outer, middle, inner = _shapes()
        if getattr(original, "__code__", None) is not outer:
            return None
        mid = _closure(original)["func"]
        if getattr(mid, "__code__", None) is not middle:
            return None
        ufunc = _closure(mid)["func"]
        if getattr(ufunc, "__code__", None) is not inner:
            return None
        parts = _closure(ufunc)
        args_parser, safe_eval = parts["args_parser"], parts["safe_eval"]
        otype, return_func, kw = parts["otype"], parts["return_func"], parts["kw"]
    except (KeyError, AttributeError, ValueError):
        return None
    if kw != {"otypes": [object]}:  # vectorize asked for more than an object result
        return None

    plain_result = _is_default(return_func, "return_func")
    native = _natives().get(name) if plain_result else None
    # The default parser replaces each EMPTY by 0; with the default result, the elements
    # can go to `safe_eval` (or its numeric lane) without building the parsed arrays.
    direct = plain_result and _is_default(args_parser, "args_parser")
    lane = _numeric_lane(safe_eval) if direct else None

    def call(*args: Any) -> Any:
        if not _one(args):
            return original(*args)
        try:
            elements = [_element(a) for a in args]
            if not any(e is _NO for e in elements):
                if native is not None:
                    r = native(*elements)
                    if r is not _NO:
                        return _cell(r, otype)
                if direct:
                    values = [0 if e is _EMPTY() else e for e in elements]
                    if lane is not None and all(type(v) in _LANE for v in values):
                        return _cell(lane(values), otype)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        return _cell(safe_eval(*values), otype)
            parsed = tuple(args_parser(*args))
            values = []
            for a in parsed:
                if isinstance(a, np.ndarray):
                    if a.shape != (1, 1) or a.dtype.kind not in _KINDS:
                        return original(*args)
                    values.append(a[0, 0] if a.dtype == object else a[0, 0].item())
                elif type(a) in _SCALARS:
                    values.append(a)
                else:
                    return original(*args)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = safe_eval(*values)
            out = np.empty((1, 1), object)
            out[0, 0] = r
            return return_func(out.view(otype), *parsed)
        except Exception:  # whatever the package makes of it, it makes
            return original(*args)

    call.__name__ = f"one_cell_{getattr(original, '__name__', 'function')}"
    return call


def _is_default(f: Any, part: str) -> bool:
    """`f` is `wrap_ufunc`'s default `part` (return_func: the result as it is; args_parser:
    each argument with EMPTY replaced by 0), as the arithmetic operators have them."""
    from formulas.functions.operators import OPERATORS

    default = _closure(_closure(_closure(OPERATORS["+"])["func"])["func"])[part]
    return getattr(f, "__code__", None) is default.__code__


def _cell(r: Any, otype: Any) -> np.ndarray:
    out = np.empty((1, 1), object)
    out[0, 0] = r
    return out.view(otype)


@functools.lru_cache(None)
def _EMPTY() -> Any:
    import schedula as sh

    return sh.EMPTY


# Plain numbers: `get_error` finds no error among them, so `safe_eval` is its function alone.
_LANE = (int, float, np.float64)


def _numeric_lane(safe_eval: Any) -> Callable[[list[Any]], Any] | None:
    """`safe_eval` without its error check, for arguments that are all plain numbers; None
    unless its check is the package's `get_error` (which returns None for them)."""
    from formulas.functions import get_error

    parts = _closure(safe_eval)
    try:
        func, input_parser, check_nan = parts["func"], parts["input_parser"], parts["check_nan"]
        if parts["check_error"] is not get_error:
            return None
        g = safe_eval.__globals__
        convert_noshp, convert_nan, xl_error = g["convert_noshp"], g["convert_nan"], g["XlError"]
        found, value_error = g["FoundError"], g["Error"].errors["#VALUE!"]
    except KeyError:
        return None

    def lane(values: list[Any]) -> Any:
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                r = convert_noshp(func(*input_parser(*values)))
            if check_nan and not isinstance(r, (xl_error, str)):
                r = convert_nan(r)
        except found as ex:
            r = ex.err
        except (ValueError, TypeError):
            r = value_error
        return r
    return lane


def _one(args: tuple[Any, ...]) -> bool:
    """At least one argument is a 1×1 array and none is another array (the result is then 1×1)."""
    seen = False
    for a in args:
        if isinstance(a, np.ndarray):
            if a.shape != (1, 1):
                return False
            seen = True
    return seen


# -- natives -----------------------------------------------------------------------------------
# The package's per-element function for the plain values a cell mostly holds, written out:
# numbers of Python's own types (not bool, finite) and texts (not an error, which is a str
# subclass). On these the package's argument parser changes nothing (it replaces only the
# EMPTY token), no error is found among the inputs, and its function reduces to what is below;
# anything else returns _NO and takes the package's `safe_eval`.

_NO = object()
_NUMBERS = (int, float)


def _element(a: Any) -> Any:
    """What `vectorize` passes for `a` when it is a plain value (an object array's element, a
    constant of the template), else _NO."""
    if type(a) in _SCALARS:
        return a
    if isinstance(a, np.ndarray) and a.dtype == object:
        return a[0, 0]
    return _NO


def _number(v: Any) -> bool:
    return type(v) in _NUMBERS and math.isfinite(v)


def _finite(r: float) -> Any:
    from formulas.functions import Error

    return r if math.isfinite(r) else Error.errors["#NUM!"]  # convert_nan


def _arithmetic(op: Callable[[float, float], float]) -> Callable[..., Any]:
    def native(x: Any = _NO, y: Any = _NO, *rest: Any) -> Any:
        if rest or not (_number(x) and _number(y)):
            return _NO
        return _finite(op(float(x), float(y)))  # input_parser: map(float, …)
    return native


def _comparison(op: Callable[[Any, Any], bool]) -> Callable[..., Any]:
    # logic_input_parser compares (type id, value): texts upper-cased, numbers as they are;
    # the same type on both sides leaves the values' own comparison.
    def native(x: Any = _NO, y: Any = _NO, *rest: Any) -> Any:
        if rest:
            return _NO
        if type(x) is str and type(y) is str:
            return op(x.upper(), y.upper())
        if _number(x) and _number(y):
            return op(x, y)
        return _NO
    return native


def _concatenate(x: Any = _NO, y: Any = _NO, *rest: Any) -> Any:
    return x + y if not rest and type(x) is str and type(y) is str else _NO


def _if(cond: Any = _NO, x: Any = _NO, y: Any = False, *rest: Any) -> Any:
    # xif: a text condition is #VALUE!, an error one is the error; the branches are returned
    # as they are (EMPTY, which the parser would make 0, is not a plain value: not here).
    if rest or x is _NO or not (type(cond) is bool or _number(cond)):
        return _NO
    if not (_plain(x) and _plain(y)):
        return _NO
    return x if cond else y


def _plain(v: Any) -> bool:
    return type(v) is bool or type(v) is str or _number(v)


@functools.lru_cache(None)
def _natives() -> dict[str, Callable[..., Any]]:
    import operator

    return {
        "+": _arithmetic(operator.add), "-": _arithmetic(operator.sub), "*": _arithmetic(operator.mul),
        "=": _comparison(operator.eq), "<>": _comparison(operator.ne), "<": _comparison(operator.lt),
        "<=": _comparison(operator.le), ">": _comparison(operator.gt), ">=": _comparison(operator.ge),
        "&": _concatenate, "IF": _if,
    }
