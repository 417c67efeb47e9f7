"""Assemble a `Document` from the regions of a disclosure's text."""
from __future__ import annotations

from ..model import Document, Narrative
from .errors import ReadError
from .meta import read_meta
from .narrative import read_narrative
from .performance import read_performance
from .regions import find_regions
from .tables import read_tables
from .tables_across import settle_across
from .text import to_lines


def read_text(text: str, source: str) -> Document:
    lines = to_lines(text)
    if not any(not ln.blank for ln in lines):
        raise ReadError(source, None, "文件为空", "the file is empty")
    regions = find_regions(lines)
    meta = read_meta(lines, regions)
    projects, overall, perf_notes = read_performance(lines, regions)
    # The 绩效 tables print each project's name whole: they settle wrapped 表12/13 names.
    tables, notes, variants = read_tables(lines, regions, [p.name for p in projects])
    if all(t is None for t in tables.values()):
        raise ReadError(source, 1, "未找到任何预算公开表（不是预算公开文本？）",
                        "no budget disclosure table found (not a disclosure text?)")
    narrative = read_narrative(lines, regions) if regions.narrative else Narrative(None)
    doc = Document(
        source=source,
        unit=meta.unit,
        kind=meta.kind,
        year=meta.year,
        currency="万元",
        tables=tables,
        narrative=narrative,
        projects=tuple(projects),
        overall=overall,
        notes=tuple(notes) + tuple(perf_notes),
        announced=tuple((kind, line) for kind, line in regions.perf_announced),
    )
    return settle_across(doc, variants) if variants else doc
