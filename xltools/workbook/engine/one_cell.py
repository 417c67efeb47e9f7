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
Python's types and float64, texts; an error among an operator's inputs), the per-element
function written out (`_natives`, 1 µs); for all plain numbers, `safe_eval` without its
search for an error among them (there is none); else `safe_eval` itself. Arguments that are
all scalars (ROUND(SUM(…),2): SUM gives a float64, the digits are a constant) or 0-d arrays
(SUMIFS's result) take the same lanes and give the 0-d array `vectorize` gives them. Each
stand-in also has an element-wise form (`scalar_of`): the same lanes on elements, no array
made, for the programs the fast model runs on single cells element by element. Anything else — an argument of another shape or type, a wrapper of
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
# Scalars `vectorize` passes as they are: the constants, and the float64 SUM gives.
_SCALAR_ARGS = frozenset((int, float, str, bool, np.float64))
SCALAR_ARGS = _SCALAR_ARGS
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
        shape = _shape(args)
        if shape is None:
            return original(*args)
        try:
            elements = [_element(a) for a in args]
            if not any(e is _NO for e in elements):
                if native is not None:
                    r = native(*elements)
                    if r is not _NO:
                        return _cell(r, otype, shape)
                if direct:
                    values = [0 if e is _EMPTY() else e for e in elements]
                    if lane is not None and all(type(v) in _LANE for v in values):
                        return _cell(lane(values), otype, shape)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        return _cell(safe_eval(*values), otype, shape)
            if not shape:
                return original(*args)
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

    def scalar(*elements: Any) -> Any:
        """`call`'s element, `call` given these elements as cells: its first lanes on them
        (no array made), or _NO where `call` would take the package's parser or function."""
        try:
            r: Any = _NO
            if native is not None:
                r = native(*elements)
            if r is _NO and direct:
                values = [0 if e is _EMPTY() else e for e in elements]
                if lane is not None and all(type(v) in _LANE for v in values):
                    r = lane(values)
                else:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        r = safe_eval(*values)
        except Exception:  # `call` hands it to the package's function
            return _NO
        # A sequence would not go into a cell's array as it is: left to `call`.
        return _NO if isinstance(r, (np.ndarray, list, tuple)) else r

    call.__name__ = f"one_cell_{getattr(original, '__name__', 'function')}"
    call.scalar = scalar  # type: ignore[attr-defined]
    return call


def scalar_of(fn: Callable[..., Any]) -> Callable[..., Any] | None:
    """The element-wise form of a stand-in `one_cell` made (see `call.scalar`), else None."""
    return getattr(fn, "scalar", None)


def _is_default(f: Any, part: str) -> bool:
    """`f` is `wrap_ufunc`'s default `part` (return_func: the result as it is; args_parser:
    each argument with EMPTY replaced by 0), as the arithmetic operators have them."""
    from formulas.functions.operators import OPERATORS

    default = _closure(_closure(_closure(OPERATORS["+"])["func"])["func"])[part]
    return getattr(f, "__code__", None) is default.__code__


def _cell(r: Any, otype: Any, shape: tuple[int, ...] = (1, 1)) -> np.ndarray:
    out = np.empty(shape, object)
    if shape:
        out[0, 0] = r
    else:
        out[()] = r
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


def _shape(args: tuple[Any, ...]) -> tuple[int, ...] | None:
    """The result's shape when it is one cell: (1, 1) when an argument is a 1×1 array and no
    other is an array of another shape; () when every argument is a scalar (a template's
    constant, a number a reducing function gave: ROUND(SUM(…),2)) or a 0-d object array
    (SUMIFS's result), as `np.vectorize` then gives; None for anything else."""
    shape: tuple[int, ...] = ()
    for a in args:
        if isinstance(a, np.ndarray):
            if a.shape == (1, 1):
                shape = (1, 1)
            elif a.shape != () or a.dtype != object:
                return None
        elif type(a) not in _SCALAR_ARGS:
            return None
    return shape


# -- natives -----------------------------------------------------------------------------------
# The package's per-element function for the plain values a cell mostly holds, written out:
# finite numbers of Python's types and numpy's float64 (not bool) and texts (not an error,
# which is a str subclass). On these the package's argument parser changes nothing (it
# replaces only the EMPTY token), no error is found among the inputs, and its function reduces
# to what is below. An Excel error among an operator's inputs is its result (its check finds
# it first); IF's branches are passed on whatever they hold. Anything else returns _NO and
# takes the package's `safe_eval`.

_NO = object()
NO = _NO  # what a stand-in's element-wise form gives where it cannot answer
_NUMBERS = (int, float, np.float64)  # float64: what SUM gives; input_parser's float() makes it a float


def _element(a: Any) -> Any:
    """What `vectorize` passes for `a` when it is a plain value (an object array's element, a
    constant of the template, a scalar a step gave), else _NO."""
    if type(a) in _SCALAR_ARGS:
        return a
    if isinstance(a, np.ndarray) and a.dtype == object:
        return a[0, 0] if a.ndim == 2 else a[()]
    return _NO


def _number(v: Any) -> bool:
    return type(v) in _NUMBERS and math.isfinite(v)


def _finite(r: float) -> Any:
    from formulas.functions import Error

    return r if math.isfinite(r) else Error.errors["#NUM!"]  # convert_nan


@functools.lru_cache(None)
def _xl_error() -> type:
    from formulas.tokens.operand import XlError

    return XlError


def _error(x: Any, y: Any) -> Any:
    """The first of two elements that is an Excel error, else None: what `get_error`, the
    operators' check, finds among them before any parsing (the result is that error)."""
    err = _xl_error()
    if isinstance(x, err):
        return x
    if isinstance(y, err):
        return y
    return None


def _arithmetic(op: Callable[[float, float], float]) -> Callable[..., Any]:
    def native(x: Any = _NO, y: Any = _NO, *rest: Any) -> Any:
        if rest or y is _NO:
            return _NO
        if not (_number(x) and _number(y)):
            err = _error(x, y)
            return _NO if err is None else err
        return _finite(op(float(x), float(y)))  # input_parser: map(float, …)
    return native


def _comparison(op: Callable[[Any, Any], bool]) -> Callable[..., Any]:
    # logic_input_parser compares (type id, value): texts upper-cased, numbers as they are;
    # the same type on both sides leaves the values' own comparison.
    def native(x: Any = _NO, y: Any = _NO, *rest: Any) -> Any:
        if rest or y is _NO:
            return _NO
        if type(x) is str and type(y) is str:
            return op(x.upper(), y.upper())
        if _number(x) and _number(y):
            # As the package compares them, (type id, value) pairs: with a float64 the type
            # of the answer depends on it (numpy's bool where the values differ).
            return op((0, x), (0, y))
        err = _error(x, y)
        return _NO if err is None else err
    return native


def _concatenate(x: Any = _NO, y: Any = _NO, *rest: Any) -> Any:
    if rest or y is _NO:
        return _NO
    if type(x) is str and type(y) is str:
        return x + y
    err = _error(x, y)
    return _NO if err is None else err


def _if(cond: Any = _NO, x: Any = _NO, y: Any = False, *rest: Any) -> Any:
    # xif: an error condition is the error (its check reads the condition alone), a text one
    # #VALUE!; else a branch as it is (not converted: check_nan is off), but for EMPTY, which
    # the default argument parser has made 0.
    if rest or x is _NO:
        return _NO
    if not (type(cond) is bool or _number(cond)):
        return cond if isinstance(cond, _xl_error()) else _NO
    r = x if cond else y
    if isinstance(r, np.ndarray):  # an array held in a cell: convert_noshp's affair
        return _NO
    return 0 if r is _EMPTY() else r


@functools.lru_cache(None)
def _natives() -> dict[str, Callable[..., Any]]:
    import operator

    return {
        "+": _arithmetic(operator.add), "-": _arithmetic(operator.sub), "*": _arithmetic(operator.mul),
        "=": _comparison(operator.eq), "<>": _comparison(operator.ne), "<": _comparison(operator.lt),
        "<=": _comparison(operator.le), ">": _comparison(operator.gt), ">=": _comparison(operator.ge),
        "&": _concatenate, "IF": _if,
    }
