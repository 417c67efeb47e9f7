"""The 绩效 part: the overall table and every project table."""
from __future__ import annotations

from ..model import OverallTable, ProjectTable, ReadNote
from .regions import Regions
from .text import Line


def read_performance(lines: list[Line], regions: Regions) -> tuple[list[ProjectTable], OverallTable | None, list[ReadNote]]:
    raise NotImplementedError
