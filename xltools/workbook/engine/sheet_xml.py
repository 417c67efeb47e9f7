"""The shapes of a worksheet's XML that the engine's scans read, stated once: the fast path's
reader of constants and formulas (xlsx_cells.py) and the reader of saved values
(saved_values.py) find cells, values and texts by the same patterns."""
from __future__ import annotations

import re

CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)  # (attributes, content or None)
VALUE = re.compile(r"<v\b[^>]*?(?:/>|>(.*?)</v>)", re.S)
TEXT = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)  # readings, not the text


def plain_text(inner: str) -> str:
    """A string item's (<si>, <is>) <t> texts in order, phonetic runs left out, still escaped."""
    return "".join(t or "" for t in TEXT.findall(PHONETIC.sub("", inner)))
