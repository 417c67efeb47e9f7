"""The blank workbook: every sheet laid out like the printed tables, no document in it.

Fixed rows (the 30 类 of 表1/表4, 表10's rows) are there, their totals already formulas;
coded tables hold only their 合计 row. No rule rows: the rules depend on a document.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..layouts import LAYOUTS
from ..model import Document, Narrative, Table
from .book import build


def blank_document() -> Document:
    tables = {n: Table(n, "", 0, False) for n in LAYOUTS}
    return Document(source="", unit="", kind="单位", year=None, currency="万元", tables=tables,
                    narrative=Narrative(None))


def build_template() -> Workbook:
    wb = build(blank_document()).workbook
    wb.properties.creator = "xltools"
    return wb


def write_template(path: str | Path) -> Path:
    p = Path(path)
    wb = build_template()
    wb.save(p)
    return p
