"""Recalculate a workbook and store every formula's value in the file (its cached <v>).

openpyxl writes formulas without values; a reader that does not recalculate (pandas, a
viewer, `openpyxl data_only=True`) then sees nothing. An engine computes the values and
`cache.write_cached` puts them into the sheet XML, keeping our formatting untouched.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Literal

from .cache import Values, formula_cells, write_cached

Engine = Literal["formulas", "libreoffice"]


def compute(paths: list[Path], engine: Engine) -> list[Values]:
    if engine == "formulas":
        from . import formulas_engine

        return [formulas_engine.compute(p) for p in paths]
    if engine == "libreoffice":
        from . import libreoffice_engine

        return libreoffice_engine.compute_many(paths)
    raise ValueError(f"unknown engine {engine!r}: use formulas or libreoffice")


def recalc_many(paths: Iterable[str | Path], engine: Engine = "formulas") -> None:
    """Recalculate several files (one LibreOffice start for all of them)."""
    ps = [Path(p) for p in paths]
    for p, values in zip(ps, compute(ps, engine)):
        cells = formula_cells(p)
        write_cached(p, {s: {a: values.get(s, {}).get(a) for a in addrs} for s, addrs in cells.items()})


def recalc(path: str | Path, engine: Engine = "formulas") -> None:
    recalc_many([path], engine)
