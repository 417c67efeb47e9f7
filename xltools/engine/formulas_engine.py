"""Thin adapter over the `formulas` package: a workbook in, every cell's value out."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .cache import Value, Values

_KEY = re.compile(r"^'?\[(?P<book>[^\]]+)\](?P<sheet>.+?)'?!(?P<cell>[A-Z]+[0-9]+)$")


def _scalar(v: object) -> Value:
    if isinstance(v, np.ndarray):
        v = v.ravel()[0] if v.size else None
    if isinstance(v, (np.floating, np.integer)):
        return float(v)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, str)):
        return v
    s = str(v)
    if s in ("", "empty"):
        return None
    return s  # an engine error such as #VALUE! stays visible in the cell


def compute(path: Path) -> Values:
    import formulas  # heavy import, only when this engine is used

    model = formulas.ExcelModel().loads(str(path)).finish()
    sol = model.calculate()
    out: Values = {}
    names: dict[str, str] = {}
    with __import__("zipfile").ZipFile(path) as z:
        from .cache import sheet_parts

        names = {n.upper(): n for n in sheet_parts(z)}
    for key, rng in sol.items():
        m = _KEY.match(str(key))
        if not m:
            continue
        sheet = names.get(m.group("sheet").replace("''", "'").upper())
        if sheet is None:
            continue
        out.setdefault(sheet, {})[m.group("cell")] = _scalar(getattr(rng, "value", rng))
    return out
