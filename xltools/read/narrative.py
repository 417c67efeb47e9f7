"""The narrative (第三部分): every figure it states, with its section and line."""
from __future__ import annotations

from ..model import Narrative
from .regions import Regions
from .text import Line


def read_narrative(lines: list[Line], regions: Regions) -> Narrative:
    raise NotImplementedError
