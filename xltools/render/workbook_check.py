"""Check a workbook again: its cells as the value source of the very same rules."""
from __future__ import annotations

from pathlib import Path

import zipfile

import openpyxl
from openpyxl import Workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..check import finding_for, read_findings
from ..findings import Finding, Where, sort_key
from ..model import Document
from ..read.errors import ReadError
from ..rules import CATALOGUE
from ..rules.core import Ref, judge, rule_instances
from ..rules.resolve import DocumentValues
from . import structure
from .address import AddressMap, grid_for
from .extra import place_narrative, place_performance
from .plan import plan_document


class WorkbookValues:
    """Values read from a (recalculated) workbook at the cells the rules name."""

    def __init__(self, path: Path) -> None:
        self.book = _open(path)
        self.doc = _structure(self.book, path)
        plans = plan_document(self.doc)
        self.amap = AddressMap(plans, {n: grid_for(p) for n, p in plans.items()})
        place_narrative(self.doc, self.amap)
        place_performance(self.doc, self.amap)
        self._doc_values = DocumentValues(self.doc)

    def value(self, ref: Ref) -> float | None:
        place = self.amap.printed(ref)
        if place is None:
            return None
        v = self.book[place[0]][place[1]].value
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    def where(self, ref: Ref) -> Where | None:
        place = self.amap.printed(ref)
        src = self._doc_values.where(ref)
        if place is None:
            return src
        return Where(line=src.line if src else None, table=src.table if src else None, sheet=place[0], cell=place[1])


def _open(path: Path) -> Workbook:
    if not path.is_file():
        raise ReadError(str(path), None, "文件不存在", "file not found")
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReadError(str(path), None, f"不是可读取的 Excel 工作簿（{type(exc).__name__}）",
                        f"not a readable Excel workbook ({type(exc).__name__})") from exc


def _structure(book: Workbook, path: Path) -> Document:
    """The document structure import left in the hidden sheet: what makes it an xltools workbook."""
    if structure.SHEET not in book.sheetnames:
        raise ReadError(str(path), None, f"不是 xltools 工作簿（没有 {structure.SHEET} 工作表），请用 xltools import 生成",
                        f"not an xltools workbook (no {structure.SHEET} sheet): make one with xltools import")
    try:
        return structure.read(book[structure.SHEET])
    except (ValueError, KeyError, TypeError) as exc:
        raise ReadError(str(path), None, f"{structure.SHEET} 工作表已损坏，无法还原表结构",
                        f"the {structure.SHEET} sheet is damaged: the table structure cannot be restored") from exc


def check_workbook(path: str | Path) -> list[Finding]:
    values = WorkbookValues(Path(path))
    found: list[Finding] = list(read_findings(values.doc))
    for rule, inst in rule_instances(CATALOGUE, values.doc):
        f = finding_for(rule, inst, judge(inst.relation, values), values)
        if f is not None:
            found.append(f)
    return sorted(found, key=sort_key)


def read_verdicts(path: str | Path) -> list[tuple[str, str, str]]:
    """(rule id, subject, 结果) of each 校验 row, as the last recalculation left them."""
    from .checksheet import FIRST
    from .sheets import CHECKS

    ws = openpyxl.load_workbook(path, data_only=True)[CHECKS]
    out = []
    for row in ws.iter_rows(min_row=FIRST, max_col=11, values_only=True):
        if row[1] is None:
            continue
        out.append((str(row[1]), str(row[4] or ""), str(row[10])))
    return out
