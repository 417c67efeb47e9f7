"""Thin adapter over the `formulas` package: a workbook in, every formula cell's value out.

Two paths, both with `formulas`' own function implementations: the compile-once fast path
(`fast_model`), and the package's full `ExcelModel`, which runs whenever the fast path meets
something it does not model (an unvetted function, a cycle, an array formula); `Outcome` says
which ran and why, for `xltools recalc --verbose`.
"""
from __future__ import annotations

import logging
import re
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal

from xltools.workbook.engine.cache import Values, sheet_parts
from xltools.workbook.engine.scalar import scalar
from xltools.workbook.engine.xlsx_cells import Book
from xltools.workbook.safe_xml import install_in_openpyxl

_KEY = re.compile(r"^'?\[(?P<book>[^\]]+)\](?P<sheet>.+?)'?!(?P<cell>[A-Z]+[0-9]+)$")


@dataclass(frozen=True)
class Outcome:
    values: Values
    path: Literal["fast", "full"]
    detail: str  # what the fast path compiled, or why the full model ran instead
    seconds: float

    def describe(self) -> str:
        if self.path == "fast":
            return f"formulas fast path (compile once): {self.detail}, {self.seconds:.2f} s"
        return f"formulas full model (fallback: {self.detail}), {self.seconds:.2f} s"


def compute(path: Path) -> Values:
    return compute_detailed(path).values


def compute_detailed(path: Path, book: Book | None = None) -> Outcome:
    """`book`: the file's cells when already known (`workbook_cells.book_of`), else read."""
    from xltools.workbook.engine.fast_model import FastModel
    from xltools.workbook.engine.xlsx_cells import NotModelled

    t0 = time.perf_counter()
    try:
        with _dispatcher_quiet():
            model = (FastModel.load(path) if book is None else FastModel(book)).calculate()
    except NotModelled as ex:
        values = compute_with_package(path)
        return Outcome(values, "full", str(ex), time.perf_counter() - t0)
    detail = f"{len(model.cells)} formula cells, {model.templates} templates"
    return Outcome(model.results(), "fast", detail, time.perf_counter() - t0)


@contextmanager
def _dispatcher_quiet() -> Iterator[None]:
    """A function `formulas` does not implement gives its cell #NAME? as Excel would; the
    dispatcher also logs a traceback for it, which a user's terminal should not get."""
    quiet = logging.getLogger("schedula")  # its modules' loggers inherit this level
    was = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        quiet.setLevel(was)


class _Quiet:
    """Stands in for tqdm: `formulas` draws a progress bar on stderr while it loads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.total = kwargs.get("total", 0)

    def __enter__(self) -> "_Quiet":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None

    def refresh(self) -> None:
        return None


def _model(path: Path) -> Any:
    """Push only the formula cells: `finish()` pulls in the input cells they reference,
    so text the formulas never read (descriptions, the document's structure) is skipped."""
    from xltools.workbook.engine.scipy_defer import load_functions

    load_functions()  # first: the full model needs scipy no more than the fast path does
    import formulas  # heavy import, only when this engine falls back to it
    from formulas.excel import ExcelModel

    install_in_openpyxl()  # formulas loads the file with openpyxl: its sheets and strings vetted too

    model = formulas.ExcelModel()
    book, context = model.add_book(str(path))
    for ws in book.worksheets:
        ws, ctx = model.add_sheet(ws, context)
        refs = model.references
        frefs = model.formula_references(ctx)
        franges = model.formula_ranges(ctx)
        full = {"external_links": model.external_links(ctx), **ctx}
        cells = [model.compile_cell(c, full, refs, frefs)
                 for row in ws.iter_rows() for c in row if getattr(c, "data_type", None) == "f"]
        for c in cells:
            model.add_cell(c, full, franges)
    tqdm_module = ExcelModel.complete.__globals__["tqdm"]
    saved = tqdm_module.tqdm
    tqdm_module.tqdm = _Quiet
    try:
        return model.finish()
    finally:
        tqdm_module.tqdm = saved


def compute_with_package(path: Path) -> Values:
    with _dispatcher_quiet():
        sol = _model(path).calculate()
    out: Values = {}
    with zipfile.ZipFile(path) as z:
        names = {n.upper(): n for n in sheet_parts(z)}
    for key, rng in sol.items():
        m = _KEY.match(str(key))
        if not m:
            continue
        sheet = names.get(m.group("sheet").replace("''", "'").upper())
        if sheet is None:
            continue
        out.setdefault(sheet, {})[m.group("cell")] = scalar(getattr(rng, "value", rng))
    return out
