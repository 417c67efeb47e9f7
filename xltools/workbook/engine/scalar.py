"""A value an engine computed, as a cell holds it: a number, a bool, a text, None for empty,
or an error's text (#VALUE!), whichever engine computed it."""
from __future__ import annotations

import numpy as np

from xltools.workbook.engine.cache import Value


def scalar(v: object) -> Value:
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
