"""Assemble a `Document` from the regions of a disclosure's text.

Where a table's own arithmetic leaves a placement open, the reader returns the alternatives
beside the document (`Parsed.open`); the rules settle them (`rules.reading`), since only the
identities across tables can say which one the document means."""
from __future__ import annotations

from dataclasses import dataclass

from xltools.core.memo import as_declared
from xltools.core.model import Document, Narrative, ReadNote, Table
from xltools.read.errors import ReadError
from xltools.read.meta import read_meta
from xltools.read.narrative import read_narrative
from xltools.read.performance import read_performance
from xltools.read.regions import find_regions
from xltools.read.tables import Variants, read_tables
from xltools.read.text import to_lines


# Of a text with this many of the 13 tables the 第三部分 is due: an extract of a few tables
# is told of the tables it lacks (READ-MISSING-TABLE), not of the narrative too.
MOST_TABLES = 7
NO_NARRATIVE = "未找到第三部分（预算情况说明）"


def _missing_parts(tables: dict[int, Table | None], narrative: bool) -> list[ReadNote]:
    """A disclosure without its 第三部分 cannot be published so: an error of the document,
    named once (the narrative's identities are then counted as not checked)."""
    read = sorted((t for t in tables.values() if t is not None), key=lambda t: t.line)
    if narrative or len(read) < MOST_TABLES:
        return []
    return [ReadNote("READ-MISSING-PART", f"{NO_NARRATIVE}：已读出 {len(read)} 张报表，其后没有“第三部分 预算情况说明”，"
                     "说明与报表是否一致未能核对 / part 3 (the narrative) not found", read[0].line)]


@dataclass(frozen=True)
class Parsed:
    """A document as its text reads, with the placements its text leaves open: for each such
    table, the other whole-table placements the text allows (`tables.Variants`)."""
    document: Document
    open: Variants


def parse_text(text: str, source: str) -> Parsed:
    as_declared()
    lines = to_lines(text)
    if not any(not ln.blank for ln in lines):
        raise ReadError(source, None, "文件为空", "the file is empty")
    regions = find_regions(lines)
    meta = read_meta(lines, regions)
    projects, overall, perf_notes = read_performance(lines, regions)
    # The 绩效 tables print each project's name whole: they settle wrapped 表12/13 names.
    # Their 实施单位 names the units whose subtotal rows 表12/13 print.
    tables, notes, variants = read_tables(lines, regions, [p.name for p in projects],
                                          [meta.unit, *(p.unit for p in projects)])
    if all(t is None for t in tables.values()):
        raise ReadError(source, 1, "未找到任何预算公开表（不是预算公开文本？）",
                        "no budget disclosure table found (not a disclosure text?)")
    narrative = read_narrative(lines, regions) if regions.narrative else Narrative(None)
    notes += _missing_parts(tables, regions.narrative is not None)
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
    return Parsed(doc, variants)
