"""Recalculate a workbook and store every formula's value in the file (its cached <v>).

openpyxl writes formulas without values; a reader that does not recalculate (pandas, a
viewer, `openpyxl data_only=True`) then sees nothing. An engine computes the values and
`cache.write_cached` puts them into the sheet XML, keeping our formatting untouched.

Engines: "formulas" (the compile-once fast path, falling back to the package's full model for
what it does not model), "formulas-full" (always the full model: the reference the fast path
is tested against), "libreoffice". For incremental work, `load_model` keeps a workbook's
compiled model: `update` changes inputs and recomputes only what depends on them, `write`
stores the values in a file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Literal

from xltools.core.progress import RECALC, SAVE
from xltools.workbook.engine.cache import Values, write_cached
from xltools.workbook.engine.fast_model import FastModel
from xltools.workbook.engine.xlsx_cells import NotModelled

Engine = Literal["formulas", "formulas-full", "libreoffice"]


def compute_described(paths: list[Path], engine: Engine) -> list[tuple[Values, str]]:
    """Each file's values and a line saying which engine path computed them."""
    if engine == "formulas":
        from xltools.workbook.engine import formulas_engine

        outcomes = [formulas_engine.compute_detailed(p) for p in paths]
        return [(o.values, o.describe()) for o in outcomes]
    if engine == "formulas-full":
        from xltools.workbook.engine import formulas_engine

        return [(formulas_engine.compute_with_package(p), "formulas full model (asked for)") for p in paths]
    if engine == "libreoffice":
        from xltools.workbook.engine import libreoffice_engine

        return [(v, "libreoffice (headless soffice)") for v in libreoffice_engine.compute_many(paths)]
    raise ValueError(f"unknown engine {engine!r}: use formulas, formulas-full or libreoffice")


def compute(paths: list[Path], engine: Engine) -> list[Values]:
    return [v for v, _ in compute_described(paths, engine)]


def store(path: Path, values: Values) -> None:
    """Write `values` as the cached values of the file's formula cells (a cell without a
    value gets none)."""
    write_cached(path, values, every=True)


def recalc_many(paths: Iterable[str | Path], engine: Engine = "formulas",
                progress: Callable[[str], None] | None = None) -> list[str]:
    """Recalculate several files (one LibreOffice start for all of them); returns, per file,
    which engine path ran. `progress` hears 重新计算 and 保存 as each begins (see progress.py)."""
    ps = [Path(p) for p in paths]
    if progress is not None:
        progress(RECALC)
    described = compute_described(ps, engine)
    if progress is not None:
        progress(SAVE)
    for p, (values, _) in zip(ps, described):
        store(p, values)
    return [d for _, d in described]


def recalc(path: str | Path, engine: Engine = "formulas", progress: Callable[[str], None] | None = None) -> str:
    return recalc_many([path], engine, progress)[0]


def save_recalculated(workbook: Any, path: Path, engine: Engine = "formulas",
                      progress: Callable[[str], None] | None = None) -> str:
    """Save the openpyxl `workbook` to `path`, recalculated as `recalc` would; returns which
    engine path ran. The fast path starts from the cells in memory, not the file read back (the
    same inputs: see workbook_cells.py), and on two cores runs while the workbook is saved
    (alongside.py); anything it does not model reads the saved file as `recalc` does."""
    from xltools.workbook.engine.alongside import discard, save_and_compute

    if engine != "formulas":
        discard()
        workbook.save(path)
        return recalc(path, engine, progress)
    from xltools.workbook.engine.workbook_cells import book_of

    try:
        book = book_of(workbook)
    except NotModelled:
        discard()
        workbook.save(path)
        return recalc(path, engine, progress)
    if progress is not None:
        progress(RECALC)
    from xltools.workbook.engine.quick_save import save_stored

    # Stored, not compressed: `store` below rewrites every part, compressed, at once.
    outcome = save_and_compute(lambda: save_stored(workbook, Path(path)), book, Path(path))
    if progress is not None:
        progress(SAVE)
    store(path, outcome.values)
    return outcome.describe()


def warm_up(engine: Engine | None) -> None:
    """Before a workbook that `save_recalculated` will save is built: on two cores, start
    now the process that will compute its values (engine/alongside.py)."""
    if engine == "formulas":
        from xltools.workbook.engine.alongside import warm_up as fork

        fork()


def load_model(path: str | Path) -> FastModel:
    """The compiled, calculated model of a workbook, kept for incremental recalculation.
    Raises `NotModelled` when the fast path does not model the workbook."""
    from xltools.workbook.engine.fast_model import FastModel

    return FastModel.load(Path(path)).calculate()

__all__ = ["Engine", "FastModel", "NotModelled", "compute", "compute_described", "load_model", "recalc",
           "recalc_many", "save_recalculated", "store", "warm_up"]
