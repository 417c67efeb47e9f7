"""The compile-once model of a workbook: every formula cell evaluated by its template's program,
in topological order over the cell dependency graph, and kept for incremental recalculation.

A cell whose references are single cells and whose program has an element-wise form (every
step a one-cell stand-in: program.py `scalar_steps`) is computed on the cells' values, no array
made. Cells of one elementwise template and one dependency level whose references are single
cells run together: each distinct row of inputs element-wise, else their inputs stacked as N×1
arrays (one call instead of N). `update` changes input cells and re-evaluates only the formula
cells downstream of them.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from xltools.workbook.engine.cache import Value, Values, write_cached
from xltools.workbook.engine.graph import Readers, downstream, levels
from xltools.workbook.engine.one_cell import NO
from xltools.workbook.engine.program import Program, compile_template
from xltools.workbook.engine.scalar import scalar
from xltools.workbook.engine.template import Ref, parse
from xltools.workbook.engine.xlsx_cells import Book, Cell, NotModelled, a1, parse_a1, read_book, unescape, unescape_many

BATCH_MIN = 4  # below this, stacking the inputs costs more than it saves
MEMO_MAX = 64  # inputs of more cells than this are not looked up for reuse
RANGE_CACHE_MIN = 32  # ranges of at least this many cells are gathered once and kept
DOWNSTREAM_KEPT = 16  # the downstream cells of the last few sets of changed cells


class FastModel:
    """Built from a `Book`; raises `NotModelled` for what it does not model (the caller then
    uses the package's full model). Compiles only: `calculate` evaluates."""

    def __init__(self, book: Book) -> None:
        import schedula as sh
        from formulas.tokens.operand import XlError

        self._empty = sh.EMPTY
        self._token, self._error = sh.Token, XlError
        self.sheets = book.sheets
        self._sheet_index = {n.upper(): i for i, n in enumerate(book.sheets)}
        self.values: dict[Cell, Any] = dict(book.constants)
        self.cells: list[Cell] = list(book.formulas)
        self._index = {c: i for i, c in enumerate(self.cells)}  # only to refuse writing a formula cell
        programs: dict[str, Program] = {}
        self._program: list[Program] = []
        self._refs: list[tuple[Ref, ...]] = []
        known: dict[int, dict[str, Ref]] = {}
        for (si, row, col), formula in book.formulas.items():
            parsed = parse(formula, si, self._sheet_index, known)
            prog = programs.get(parsed.key)
            if prog is None:
                prog = programs[parsed.key] = compile_template(parsed.key, parsed.placeholders)
            self._program.append(prog)
            self._refs.append(parsed.refs)
        self.templates = len(programs)
        self._memo: dict[Any, Any] = {}
        self._readers: Readers | None = None
        self._parents: list[list[int]] | None = None  # node → the nodes it reads (`levels`' graph turned round)
        self._downstream_kept: dict[frozenset[Cell], tuple[list[int], list[tuple[int, list[int]]]]] = {}
        # What `update` left to recompute, and what it changed: evaluated when a value is asked
        # for, and then only the levels below the cell asked (see `_flush`).
        self._pending: defaultdict[int, set[int]] = defaultdict(set)  # level → cells
        # Its levels, sorted: a chain such as the live 问题 index has a level a row (1,500 in
        # a seed), and every `value` asks which of them lie at or above its own cell's.
        self._pending_levels: list[int] = []
        self._names: list[tuple[str, str]] | None = None  # (sheet, A1) of each formula cell
        self._changed: Changed | None = None
        self._ranges: dict[Ref, np.ndarray] = {}
        self._range_cells: defaultdict[Cell, list[Ref]] = defaultdict(list)
        self._users, self._level = levels(self.cells, self._refs, self.name)
        for c in self.cells:
            self.values.pop(c, None)
        self._escaped = self._unescape_read(book.escaped)

    def _unescape_read(self, escaped: Mapping[Cell, str]) -> dict[Cell, str]:
        """Put into `values` the escaped texts (`Book.escaped`) some reference covers;
        returns the others, unescaped only if asked for by `value`."""
        if not escaped:
            return {}
        by_sheet: defaultdict[int, list[Cell]] = defaultdict(list)
        for cell in escaped:
            by_sheet[cell[0]].append(cell)
        read: set[Cell] = set()
        for ref in {ref for refs in self._refs for ref in refs}:
            on_sheet = by_sheet.get(ref.sheet)
            if not on_sheet:
                continue
            if ref.r1 == ref.r2 and ref.c1 == ref.c2:  # most references: one cell
                cell = (ref.sheet, ref.r1, ref.c1)
                if cell in escaped:
                    read.add(cell)
                continue
            h, w = ref.shape
            if h * w <= len(on_sheet):
                read.update(c for r in range(ref.r1, ref.r2 + 1) for c in
                            ((ref.sheet, r, col) for col in range(ref.c1, ref.c2 + 1)) if c in escaped)
            else:
                read.update(c for c in on_sheet if ref.r1 <= c[1] <= ref.r2 and ref.c1 <= c[2] <= ref.c2)
        cells = list(read)
        for cell, text in zip(cells, unescape_many([escaped[c] for c in cells])):
            self.values[cell] = text
        return {c: t for c, t in escaped.items() if c not in read}

    @classmethod
    def load(cls, path: Path) -> "FastModel":
        return cls(read_book(Path(path)))

    def prepare_updates(self) -> "FastModel":
        """Build the index `update` uses (else built by the first update)."""
        if self._readers is None:
            self._readers = Readers(self._refs)
        return self

    # -- evaluation ----------------------------------------------------------------------

    def name(self, cell: Cell) -> str:
        return f"'{self.sheets[cell[0]]}'!{a1(cell[1], cell[2])}"

    def _array(self, ref: Ref, shared: bool = False) -> np.ndarray:
        """The range's values; `shared`: only LOOKUP's vectors or SUMIFS's ranges read it
        (Program.shared), so a kept range may be handed over as it is, read-only."""
        get, empty, si = self.values.get, self._empty, ref.sheet
        h, w = ref.shape
        if h == w == 1:
            out = np.empty((1, 1), object)
            out[0, 0] = get((si, ref.r1, ref.c1), empty)
            return out
        cached = self._ranges.get(ref)
        if cached is not None:
            # Otherwise the package's functions get their own array, as in its model.
            return cached if shared else cached.copy()
        flat = np.empty(h * w, object)
        flat[:] = [get((si, r, c), empty) for r in range(ref.r1, ref.r2 + 1) for c in range(ref.c1, ref.c2 + 1)]
        out = flat.reshape(h, w)
        if h * w >= RANGE_CACHE_MIN:
            # Kept and patched by `_set`: after one changed input, a column total or the
            # COUNTIF of 校验 would otherwise gather thousands of cells again.
            kept = out.copy()
            kept.flags.writeable = False
            self._ranges[ref] = kept
            for r in range(ref.r1, ref.r2 + 1):
                for c in range(ref.c1, ref.c2 + 1):
                    self._range_cells[(si, r, c)].append(ref)
        return out

    def _set(self, cell: Cell, value: Any) -> None:
        if value is self._empty:
            self.values.pop(cell, None)
        else:
            self.values[cell] = value
        for ref in self._range_cells.get(cell, ()):
            # A new array, not the kept one written over: LOOKUP keeps what it learnt of a
            # read-only array for as long as that array lives (lookup.py).
            patched = self._ranges[ref].copy()
            patched[cell[1] - ref.r1, cell[2] - ref.c1] = value
            patched.flags.writeable = False
            self._ranges[ref] = patched

    def _store(self, i: int, result: Any) -> None:
        if isinstance(result, np.ndarray) and result.size == 1:
            # replace_empty, the filter the full model puts on every cell, on one element:
            # EMPTY (compared by identity, as the token compares) becomes 0.
            result = result.ravel()[0]
            if result is self._empty:
                result = 0
        else:
            from formulas.functions import replace_empty

            result = replace_empty(result)
            if isinstance(result, np.ndarray):
                if result.size != 1:
                    raise NotModelled(f"{self.name(self.cells[i])} gives a {result.shape} array")
                result = result.ravel()[0]
        self._check(i, result)
        self._set(self.cells[i], result)

    def _check(self, i: int, result: Any) -> None:
        # An Excel error (#VALUE!) is a value; a schedula marker such as NONE ("no output")
        # means the package's model would not have set the cell the way we do.
        if isinstance(result, self._token) and not isinstance(result, self._error) and result is not self._empty:
            raise NotModelled(f"{self.name(self.cells[i])} gives no value ({result})")

    def _run_one(self, i: int) -> None:
        # Many cells compute one template on the same inputs (the 校验 rows pull the same
        # totals): the vetted functions are pure, so a result is reused for inputs equal in
        # value and in type (True, 1 and 1.0 are equal keys in Python, not in Excel).
        prog = self._program[i]
        if prog.scalar_steps is not None and self._run_scalar(i, prog):
            return
        shared = prog.shared
        args = [self._array(r, k in shared) for k, r in enumerate(self._refs[i])]
        if sum(a.size for a in args) > MEMO_MAX:  # a long column is seldom read twice alike
            self._store(i, prog.run(args))
            return
        key: tuple[Any, ...] | None = (id(prog), tuple(tuple((type(x), x) for x in a.flat) for a in args))
        try:
            self._set(self.cells[i], self._memo[key])
            return
        except KeyError:
            pass
        except TypeError:  # an unhashable input: no reuse
            key = None
        self._store(i, prog.run(args))
        if key is not None:
            self._memo[key] = self.values.get(self.cells[i], self._empty)

    def _run_scalar(self, i: int, prog: Program) -> bool:
        """Cell i by its program's element-wise steps when its references are single cells
        (no arrays made: a running count of 问题 is a level a row, thousands of cells one by
        one); False when they are not, or a step has no element-wise answer."""
        refs = self._refs[i]
        if not all(r.r1 == r.r2 and r.c1 == r.c2 for r in refs):
            return False
        get, empty = self.values.get, self._empty
        result = prog.run_scalar([get((r.sheet, r.r1, r.c1), empty) for r in refs])
        if result is NO:
            return False
        if result is empty:  # replace_empty, as `_store` applies it
            result = 0
        self._check(i, result)
        self._set(self.cells[i], result)
        return True

    def _run_batch(self, prog: Program, group: list[int]) -> None:
        from formulas.functions import replace_empty

        get, empty = self.values.get, self._empty
        rows: dict[tuple[Any, ...], int] = {}  # distinct inputs → row of the stacked arrays
        where = []
        for i in group:
            key = tuple((type(v), v) for v in (get(r[:3], empty) for r in self._refs[i]))
            where.append(rows.setdefault(key, len(rows)))
        if prog.scalar_steps is not None:
            # Each distinct row by the element-wise steps, as `vectorize` would run it on the
            # stacked arrays; should one have no such answer, the rows are stacked after all.
            found = [prog.run_scalar([v for _, v in key]) for key in rows]
            if not any(r is NO for r in found):
                for i, row in zip(group, where):
                    result = 0 if found[row] is empty else found[row]
                    self._check(i, result)
                    self._set(self.cells[i], result)
                return
        n, width = len(rows), len(self._refs[group[0]])
        args = [np.empty((n, 1), object) for _ in range(width)]
        for row, key in enumerate(rows):
            for k in range(width):
                args[k][row, 0] = key[k][1]
        result = prog.run(args)
        if not isinstance(result, np.ndarray) or result.shape != (n, 1):
            # A constant template (no step reads the inputs) or a broadcasting surprise:
            # run the cells one by one rather than guess.
            for i in group:
                self._run_one(i)
            return
        result = replace_empty(result)
        for i, row in zip(group, where):
            self._check(i, result[row, 0])
            self._set(self.cells[i], result[row, 0])

    def _batchable(self, i: int) -> bool:
        return self._program[i].elementwise and bool(self._refs[i]) and all(r.shape == (1, 1) for r in self._refs[i])

    def _evaluate(self, todo: Iterable[int], changed: "Changed | None" = None) -> None:
        """`changed`: the cells an update set. Then a cell none of whose references covers a
        changed cell is not run again (the vetted functions are pure), and a cell whose value
        stays the same changes nothing below it: a list that reads all of 校验 (the live 问题
        rows) reruns only where a verdict or figure it reads moved."""
        by_level: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i in todo:
            by_level[self._level[i]][id(self._program[i])].append(i)
        for lvl in sorted(by_level):
            for group in by_level[lvl].values():
                if changed is not None:
                    group = [i for i in group if self._reads_any(i, changed)]
                    if not group:
                        continue
                    before = [self.values.get(self.cells[i], self._empty) for i in group]
                self._run_group(group)
                if changed is not None:
                    for i, old in zip(group, before):
                        new = self.values.get(self.cells[i], self._empty)
                        if not _same(old, new):
                            changed.add(self.cells[i])

    def _reads_any(self, i: int, changed: "Changed") -> bool:
        return any(changed.covers(ref) for ref in self._refs[i])

    def _run_group(self, group: list[int]) -> None:
        """Cells of one template and one level: stacked when they can be, else one by one."""
        prog = self._program[group[0]]
        if len(group) >= BATCH_MIN and self._batchable(group[0]):
            self._run_batch(prog, group)
        else:
            for i in group:
                self._run_one(i)

    def calculate(self) -> "FastModel":
        self._evaluate(range(len(self.cells)))
        return self

    def _downstream(self, changed: Iterable[Cell]) -> tuple[list[int], list[tuple[int, list[int]]]]:
        """Formula cells that read any of `changed`, directly or through other formula cells,
        and those cells by level: kept for the last cells changed, as an officer
        types into one cell again and again (an input's readers in a seed: two thousand
        cells, the live 问题 rows among them, walked through the graph on each edit)."""
        key = frozenset(changed)
        kept = self._downstream_kept.get(key)
        if kept is None:
            if self._readers is None:
                self._readers = Readers(self._refs)
            todo = downstream(self._readers.of(key), self._users, len(self.cells))
            by_level: defaultdict[int, list[int]] = defaultdict(list)
            for i in todo:
                by_level[self._level[i]].append(i)
            kept = (todo, list(by_level.items()))
            while len(self._downstream_kept) >= DOWNSTREAM_KEPT:
                del self._downstream_kept[next(iter(self._downstream_kept))]
            self._downstream_kept[key] = kept
        return kept

    def update(self, changes: Mapping[tuple[str, str], Value]) -> list[tuple[str, str]]:
        """Set input cells (sheet name, A1) to new values (None empties a cell); only what
        depends on them is re-evaluated, when a value is next asked for (`value`, `results`,
        `write`). Returns the formula cells to recompute. Should a recomputed cell raise
        `NotModelled`, the model is stale: recalculate the file instead."""
        cells = []
        for (sheet, ref), value in changes.items():
            si = self._sheet_index.get(sheet.upper())
            if si is None:
                raise KeyError(f"no sheet {sheet!r}")
            cell = (si, *parse_a1(ref))
            if cell in self._index:
                raise ValueError(f"{sheet}!{ref} holds a formula; change its inputs instead")
            self._escaped.pop(cell, None)
            if value is None:
                self._set(cell, self._empty)
            else:
                self._set(cell, round(value, 15) if isinstance(value, float) else value)
            cells.append(cell)
        todo, by_level = self._downstream(cells)
        if self._changed is None:
            self._changed = Changed(cells)
        else:
            for cell in cells:
                self._changed.add(cell)
        pending = self._pending
        for lvl, at in by_level:
            if lvl not in pending:
                bisect.insort(self._pending_levels, lvl)
            pending[lvl].update(at)
        names = self._cell_names()
        return [names[i] for i in todo]

    def _cell_names(self) -> list[tuple[str, str]]:
        if self._names is None:
            self._names = [(self.sheets[c[0]], a1(c[1], c[2])) for c in self.cells]
        return self._names

    def _flush(self, level: int | None = None) -> None:
        """Recompute what updates left pending, up to `level` (None: all). A cell reads only
        cells of lower levels, so the levels up to a cell's own give its value; a long list
        that reads all of 校验 (the live 问题 rows, at the deepest levels) waits until the
        whole workbook is asked for (`results`, `write`)."""
        k = len(self._pending_levels) if level is None else bisect.bisect_right(self._pending_levels, level)
        if not k:
            return
        levels = self._pending_levels[:k]
        del self._pending_levels[:k]
        todo = [i for lvl in levels for i in self._pending.pop(lvl)]
        assert self._changed is not None
        self._evaluate(todo, self._changed)
        if not self._pending:
            self._changed = None

    def results(self) -> Values:
        self._flush()
        out: Values = {}
        for cell in self.cells:
            out.setdefault(self.sheets[cell[0]], {})[a1(cell[1], cell[2])] = _plain(self.values.get(cell))
        return out

    def write(self, path: Path) -> None:
        """Store the current values as the cached values of `path`'s formula cells."""
        write_cached(Path(path), self.results(), every=True)

    def value(self, sheet: str, ref: str) -> Value:
        cell = (self._sheet_index[sheet.upper()], *parse_a1(ref))
        if cell in self._escaped:
            return unescape(self._escaped[cell])
        i = self._index.get(cell)
        if i is not None and self._pending_levels and self._pending_levels[0] <= self._level[i]:
            self._flush_for(i)
        return _plain(self.values.get(cell))

    def _flush_for(self, i: int) -> None:
        """Recompute what updates left pending that cell i reads, directly or not, and only
        that: a 校验 verdict asked after an edit waits for neither the 说明草稿 sentences nor
        the 情况说明 figures of its level. What is pending is closed downwards (an update
        leaves every reader of a changed cell pending, and a cell leaves with all it reads),
        so the cells i reads are found through pending cells alone."""
        pending = self._pending
        level = self._level
        if self._parents is None:
            parents: list[list[int]] = [[] for _ in self._users]
            for j, users in enumerate(self._users):
                for u in users:
                    parents[u].append(j)
            self._parents = parents
        n, parents = len(self.cells), self._parents
        found: list[int] = []
        seen = {i}
        stack = [i]
        while stack:
            j = stack.pop()
            if j < n:
                if j not in pending.get(level[j], ()):
                    continue
                found.append(j)
            for k in parents[j]:
                if k not in seen:
                    seen.add(k)
                    stack.append(k)
        if not found:
            return
        for j in found:
            at = pending[level[j]]
            at.discard(j)
            if not at:
                del pending[level[j]]
                self._pending_levels.remove(level[j])
        assert self._changed is not None
        self._evaluate(found, self._changed)
        if not pending:
            self._changed = None


class Changed:
    """The cells an update changed so far, by sheet and column: a reference over a column of
    校验 asks only that column's changed rows."""

    def __init__(self, cells: Iterable[Cell]) -> None:
        self._rows: defaultdict[tuple[int, int], list[int]] = defaultdict(list)  # sorted
        for c in cells:
            self.add(c)

    def add(self, cell: Cell) -> None:
        rows = self._rows[(cell[0], cell[2])]
        k = bisect.bisect_left(rows, cell[1])
        if k == len(rows) or rows[k] != cell[1]:
            rows.insert(k, cell[1])

    def covers(self, ref: Ref) -> bool:
        for col in range(ref.c1, ref.c2 + 1):
            rows = self._rows.get((ref.sheet, col))
            if rows:
                k = bisect.bisect_left(rows, ref.r1)
                if k < len(rows) and rows[k] <= ref.r2:
                    return True
        return False


def _same(a: Any, b: Any) -> bool:
    """The same cell value: equal and of one type (1, 1.0 and True differ in Excel)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # an array or an object without equality: assume it changed
        return False


def _plain(v: Any) -> Value:
    """A cell value as the cache writer and the tests see it (the same conversion the
    full-model adapter applies)."""
    return scalar(v)
