"""One template compiled once by `formulas`, run as a straight line of its own function objects.

`formulas.Parser().ast(template)[1].compile()` gives a schedula `DispatchPipe`; calling it costs
0.3–0.7 ms, most of it schedula's bookkeeping. Its dispatcher holds, per operator and function,
the very object the package's full model calls (`xsum`, the wrapped `xround`, `xif`, …), the
constants, and the filters on the data nodes. `Program` keeps exactly those, in dependency order,
and runs them on input arrays filled in directly: not through the cell's `CellWrapper`, which
rebuilds inputs against the template cell's own range sizes.

Only what is vetted is run here: the operators and functions the workbook writes (and their
elementwise kin), nodes with no attribute beyond inputs, outputs, function and filters. Anything
else raises `NotModelled` and the workbook goes to the package's full model.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from xltools.workbook.engine import template_store
from xltools.workbook.engine.one_cell import NO
from xltools.workbook.engine.scipy_defer import load_functions
from xltools.workbook.engine.xlsx_cells import NotModelled

VETTED_VERSION = "1.3.4"
ELEMENTWISE_FUNCTIONS = ("ABS", "ROUND", "IF", "ISNUMBER", "FIXED")  # FIXED: tests/test_engine_quirks.py
REDUCING_FUNCTIONS = ("SUM", "COUNTIF", "SUMIFS", "LOOKUP")  # LOOKUP: the live 问题 list (problems_live.py)
ELEMENTWISE_OPERATORS = ("+", "-", "U-", "U+", "*", "/", "^", "%", "&", "=", "<>", "<", "<=", ">", ">=")
_FUNCTION_KEYS = {"type", "inputs", "outputs", "function", "index", "wait_inputs", "solve_cycle", "filters"}
_DATA_KEYS = {"type", "wait_inputs", "index", "filters"}


@functools.lru_cache(None)
def vetted() -> dict[int, tuple[str, bool]]:
    """id(function object) → (name, elementwise) for everything a program may call."""
    from formulas import __version__

    if __version__ != VETTED_VERSION:
        raise NotModelled(f"formulas {__version__} is installed; the fast path is vetted on {VETTED_VERSION}")
    table = {id(f): (name, elementwise) for name, (f, elementwise) in _vetted_objects().items()}
    table.update({id(f): (name, table[id(_vetted_objects()[name][0])][1]) for name, f in _natives().items()})
    return table


@functools.lru_cache(None)
def _natives() -> dict[str, Callable[..., Any]]:
    """Vetted functions run by a faster equivalent (lookup.py, one_cell.py): what a program
    calls in place of the package's object."""
    from xltools.workbook.engine.lookup import fast_lookup
    from xltools.workbook.engine.one_cell import one_cell
    from xltools.workbook.engine.sum_cells import fast_sum
    from xltools.workbook.engine.sumifs import fast_sumifs

    out: dict[str, Callable[..., Any]] = {}
    for name, (f, elementwise) in _vetted_objects().items():
        fast = one_cell(f, name) if elementwise else None
        if fast is not None:
            out[name] = fast
    out["LOOKUP"] = fast_lookup(_vetted_objects()["LOOKUP"][0])
    out["SUMIFS"] = fast_sumifs(_vetted_objects()["SUMIFS"][0])
    out["SUM"] = fast_sum(_vetted_objects()["SUM"][0])
    return out


@functools.lru_cache(None)
def _vetted_objects() -> dict[str, tuple[Callable[..., Any], bool]]:
    import schedula as sh
    from formulas.functions.operators import OPERATORS

    functions = load_functions()
    out: dict[str, tuple[Callable[..., Any], bool]] = {"bypass": (sh.bypass, True)}
    for name in ELEMENTWISE_OPERATORS:
        out[name] = (OPERATORS[name], True)
    for names, elementwise in ((ELEMENTWISE_FUNCTIONS, True), (REDUCING_FUNCTIONS, False)):
        for name in names:
            f = functions[name]
            out[name] = (f["function"] if isinstance(f, dict) else f, elementwise)
    return out


@functools.lru_cache(None)
def _stored_names() -> tuple[dict[str, Callable[..., Any]], dict[int, str]]:
    """The callables a stored program may name: the vetted ones and the filter `formulas`
    puts on every template's result (name → object, id → name)."""
    objects = {name: f for name, (f, _) in _vetted_objects().items()}
    objects.update(_natives())
    objects["default filter"] = _default_filter()
    return objects, {id(f): name for name, f in objects.items()}


@functools.lru_cache(None)
def _default_filter() -> Callable[[Any], Any]:
    """The filter `formulas` puts on every template's result, `wrap_ranges_func(sh.bypass)`,
    as it acts on one value: a `Ranges` read as its value (by the package's own call), any
    other value passed on as it is. Every formula cell runs it once, and the package's two
    wrappers cost more than most cells' own function."""
    from formulas.builder import _default_filter as package_filter
    from formulas.ranges import Ranges

    package = package_filter()[0]

    def default_filter(value: Any) -> Any:
        return package(value) if isinstance(value, Ranges) else value
    default_filter.__name__ = "default_filter"
    return default_filter


def _fast_filters(filters: Any) -> tuple[Callable[[Any], Any], ...]:
    """A node's filters, the package's default filter replaced by `_default_filter`."""
    from formulas.builder import _default_filter as package_filter

    package, fast = package_filter()[0], _default_filter()
    return tuple(fast if f is package else f for f in filters)


Step = tuple[Callable[..., Any], tuple[int, ...], int, tuple[Callable[[Any], Any], ...]]


def _identity(value: Any) -> Any:
    return value  # sh.bypass of one value


@dataclass(frozen=True)
class Program:
    template: str
    n_slots: int
    constants: tuple[tuple[int, Any], ...]  # (slot, value)
    inputs: tuple[tuple[int, int, tuple[Callable[[Any], Any], ...]], ...]  # (placeholder, slot, filters)
    steps: tuple[Step, ...]
    output: int
    elementwise: bool  # every step elementwise: N cells can run at once as N×1 arrays

    @functools.cached_property
    def shared(self) -> tuple[int, ...]:
        """The placeholders only LOOKUP's vectors, SUMIFS's sum and criteria ranges and SUM's
        arguments read (unfiltered): the fast model may hand them the kept, read-only array of
        a range rather than a copy (see lookup.py, sumifs.py, sum_cells.py; each copies what
        it hands the package)."""
        natives = _natives()
        readers_of: dict[int, Any] = {id(natives["LOOKUP"]): (1, 2)}
        if natives["SUMIFS"] is not _vetted_objects()["SUMIFS"][0]:  # the package's own may not share
            readers_of[id(natives["SUMIFS"])] = (0, 1)
        if natives["SUM"] is not _vetted_objects()["SUM"][0]:
            readers_of[id(natives["SUM"])] = range(256)  # every argument (Excel allows 255)
        readers: dict[int, list[tuple[Any, int]]] = {}
        for fn, ins, _, _ in self.steps:
            for pos, slot in enumerate(ins):
                readers.setdefault(slot, []).append((fn, pos))
        return tuple(k for k, slot, filters in self.inputs if not filters and slot in readers
                     and all(pos in readers_of.get(id(fn), ()) for fn, pos in readers[slot]))

    @functools.cached_property
    def scalar_steps(self) -> tuple[tuple[Callable[..., Any], tuple[int, ...], int], ...] | None:
        """The steps as element-wise functions (`run_scalar`), or None when one has no such
        form: every step a one-cell stand-in (one_cell.py) or a bypass of one value, no filter
        on a step or an input but the default one (which passes a value that is not a Ranges
        on as it is), every constant a value `vectorize` passes as it is."""
        import schedula as sh

        from xltools.workbook.engine.one_cell import SCALAR_ARGS, scalar_of

        passing = _default_filter()
        if any(f is not passing for _, _, filters in self.inputs for f in filters) or \
                any(type(v) not in SCALAR_ARGS for _, v in self.constants):
            return None
        out = []
        for fn, ins, o, filters in self.steps:
            if any(f is not passing for f in filters):
                return None
            f = _identity if fn is sh.bypass and len(ins) == 1 else scalar_of(fn)
            if f is None:
                return None
            out.append((f, ins, o))
        return tuple(out)

    def run_scalar(self, elements: Sequence[Any]) -> Any:
        """The result's element for cells holding `elements` (one per placeholder, each a
        single cell), as `run` gives it on them as 1×1 arrays; one_cell.NO where a step has
        no element-wise answer (then `run` it). Only for programs with `scalar_steps`."""
        steps = self.scalar_steps
        assert steps is not None
        slots: list[Any] = [None] * self.n_slots
        for slot, value in self.constants:
            slots[slot] = value
        for k, slot, _ in self.inputs:
            slots[slot] = elements[k]
        for f, ins, out in steps:
            v = f(*[slots[i] for i in ins])
            if v is NO:
                return NO
            slots[out] = v
        return slots[self.output]

    def run(self, args: Sequence[Any]) -> Any:
        """`args[k]`: the 2-D object array for placeholder k."""
        slots: list[Any] = [None] * self.n_slots
        for slot, value in self.constants:
            slots[slot] = value
        for k, slot, filters in self.inputs:
            v = args[k]
            for f in filters:
                v = f(v)
            slots[slot] = v
        for fn, ins, out, filters in self.steps:
            v = fn(*[slots[i] for i in ins])
            for f in filters:
                v = f(v)
            slots[out] = v
        return slots[self.output]


def compile_template(template: str, placeholders: Sequence[str]) -> Program:
    """The template's program: from the store of compiled templates when this `formulas`
    version compiled it before (see template_store.py), else compiled now and stored."""
    from formulas import __version__

    table = vetted()
    objects, names = _stored_names()
    stored = template_store.fetch(__version__, template, placeholders, objects, table)
    if stored is not None:
        return Program(*stored)
    program = _compile(template, placeholders, table)
    template_store.keep(__version__, template, placeholders, program, names)
    return program


def _compile(template: str, placeholders: Sequence[str], table: dict[int, tuple[str, bool]]) -> Program:
    from formulas import Parser

    try:
        pipe = Parser().ast(template)[1].compile()
    except Exception as ex:  # the package's own parse error, named for --verbose
        raise NotModelled(f"formulas cannot compile {template!r}: {ex}") from None
    dsp = pipe.dsp
    wanted = {p: k for k, p in enumerate(placeholders)}
    if set(pipe.inputs) != set(wanted):
        raise NotModelled(f"{template!r} reads {sorted(pipe.inputs)}, not just its references")
    slot: dict[Any, int] = {}

    def slot_of(node: Any) -> int:
        return slot.setdefault(node, len(slot))

    def data_filters(node: Any) -> tuple[Callable[[Any], Any], ...]:
        attrs = dsp.nodes[node]
        extra = set(attrs) - _DATA_KEYS
        if extra:
            raise NotModelled(f"{template!r}: data node {node!r} has {sorted(extra)}")
        return _fast_filters(attrs.get("filters", ()))

    constants = tuple((slot_of(k), v["value"]) for k, v in dsp.default_values.items())
    inputs = tuple((wanted[k], slot_of(k), data_filters(k)) for k in pipe.inputs)
    pending = dict(dsp.function_nodes)
    steps: list[Step] = []
    elementwise = True
    while pending:
        ready = [k for k, n in pending.items() if all(i in slot for i in n["inputs"] or ())]
        if not ready:
            raise NotModelled(f"{template!r}: its nodes do not form a straight line")
        for k in sorted(ready, key=lambda k: pending[k].get("index", ())):
            node = pending.pop(k)
            name, ew = _vet(node, template, table)
            elementwise &= ew
            (out,) = node["outputs"]
            steps.append((_natives().get(name, node["function"]), tuple(slot[i] for i in node["inputs"] or ()), slot_of(out),
                          _fast_filters(node.get("filters", ())) + data_filters(out)))
    (output,) = pipe.outputs
    if output not in slot:
        raise NotModelled(f"{template!r}: no step computes its result")
    return Program(template, len(slot), constants, inputs, tuple(steps), slot[output], elementwise)


def _vet(node: dict[str, Any], template: str, table: dict[int, tuple[str, bool]]) -> tuple[str, bool]:
    extra = set(node) - _FUNCTION_KEYS
    if extra or not node.get("wait_inputs", True):  # a node that runs on partial inputs
        raise NotModelled(f"{template!r}: a node with {sorted(extra) or 'wait_inputs=False'}")
    entry = table.get(id(node["function"]))
    if entry is None:
        name = getattr(node["function"], "__name__", repr(node["function"]))
        raise NotModelled(f"{template!r}: function {name} is not vetted for the fast path")
    if len(node["outputs"]) != 1:
        raise NotModelled(f"{template!r}: a node with {len(node['outputs'])} outputs")
    return entry
