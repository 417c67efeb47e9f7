"""The 校验 sheet: one row per rule instance, both sides as live formulas, a live verdict.

READ-* notes of the reader are listed below the rule rows with 结果 "读取": they are about
the text, not about a relation between cells, so no formula can re-judge them and they
are not counted among 不符/提示 (the cover counts them apart).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from xltools.evaluation.judged import Live
from xltools.core.model import Document
from xltools.rules.core import Equal, GrowthOf, Instance, Relation, Rule, ShareOf, Unchecked, Verdict, effective_level, refs_of
from xltools.workbook.address import AddressMap
from xltools.workbook.fast_cells import cell_at
from xltools.workbook.openpyxl_internals import put_value
from xltools.workbook.cells import fit_rows, fit_to_width, put_header, put_text, restyle
from xltools.core.verdicts import ADVISORY, MISMATCH, PASSED, TAILED
from xltools.workbook.formulas import RowCells, formula
from xltools.workbook.sheets import AMOUNT_FORMAT, BOX, CHECKS, COUNT_FORMAT, FLAG_FILL, LINK_FONT, NOTE_FONT, PASS_FILL, TAIL_FILL, TITLE_FONT, WARN_FILL, decimals_format, quoted

class Col(IntEnum):
    """The sheet's columns, declared once: its writer, the cover's counts, the 问题 sheet and
    the read-back all address them by name."""
    NUMBER = 1
    RULE = 2
    LEVEL = 3
    DESCRIPTION = 4
    SUBJECT = 5
    ACTUAL = 6
    EXPECTED = 7
    DIFF = 8
    TOLERANCE = 9
    BASE = 10
    VERDICT = 11
    PLACE = 12
    LINES = 13


HEADS = {Col.NUMBER: "序号", Col.RULE: "规则", Col.LEVEL: "级别", Col.DESCRIPTION: "说明", Col.SUBJECT: "对象",
         Col.ACTUAL: "实际", Col.EXPECTED: "应为", Col.DIFF: "差额", Col.TOLERANCE: "容差", Col.BASE: "基数",
         Col.VERDICT: "结果", Col.PLACE: "位置", Col.LINES: "原文行"}
FIRST = 4
VERDICT_COL = get_column_letter(Col.VERDICT)
LAST_COL = get_column_letter(Col.LINES)
READ_VERDICT = "读取"


@dataclass(frozen=True)
class CheckRow:
    row: int
    rule: Rule
    instance: Instance


def put_link(ws: Worksheet, row: int, col: int, sheet: str, target: str, text: str) -> None:
    """A cell hyperlink to a place in this workbook, not a HYPERLINK() formula: it works
    in Excel, LibreOffice and WPS alike and costs a formula engine nothing."""
    c = put_text(ws, row, col, text)
    c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{quoted(sheet)}!{target}", display=text)
    c.font = LINK_FONT


def constant(value: str | float | None) -> str | float | None:
    """A formula without any cell reference always has the same value: write the value."""
    if isinstance(value, str) and value.startswith("=") and not _REF.search(value):
        inner = value[1:]
        m = _ROUND_CONST.match(inner)
        if m:
            return round(float(m.group(1)), int(m.group(2)))
        if _NUMBER.match(inner):
            return float(inner)
    return value


_REF = re.compile(r"(?<![A-Za-z0-9_.])\$?[A-Z]{1,3}\$?[0-9]+(?![0-9(])")
_ROUND_CONST = re.compile(r"^ROUND\((-?[0-9.]+),(-?[0-9]+)\)$")
_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")


def write_checks(ws: Worksheet, doc: Document, amap: AddressMap,
                 instances: list[tuple[Rule, Instance]], live: Live) -> tuple[list[CheckRow], int]:
    """Returns the rows written and the last row (for the cover's live counts)."""
    put_text(ws, 1, 1, "校验：全部规则实例（需要处理的不符与提示另列于“问题”表）").font = TITLE_FONT
    put_text(ws, 2, 1, "每条规则实例一行，两侧均为公式，按各表当前数判断，结果随数据变化；合计类单元格以原表数对照重算数。"
                       f"结果：{PASSED} / {TAILED}（差额在容差内）/ {MISMATCH}（M 级规则不成立）/ "
                       f"{ADVISORY}（A 级规则不成立，需说明）/ {READ_VERDICT}（读取原文时的说明，不计入）。"
                       "可按“结果”列筛选。").font = NOTE_FONT
    for col, h in HEADS.items():
        put_header(ws, FIRST - 1, col, h)
    rows: list[CheckRow] = []
    r = FIRST
    for rule, inst in instances:
        cells = RowCells(*(f"{get_column_letter(c)}{r}" for c in (Col.ACTUAL, Col.EXPECTED, Col.DIFF, Col.TOLERANCE, Col.BASE)))
        # Judged as `evaluation.judged` judges a workbook: live figures, live tolerance.
        inst, target = live.prepare(inst)
        address = amap.judging(target)
        f = formula(inst.relation, address, cells, effective_level(rule, inst), live.offset(target), live.since(inst))
        put_value(cell_at(ws, r, Col.NUMBER), r - FIRST + 1)
        put_text(ws, r, Col.RULE, rule.id)
        put_text(ws, r, Col.LEVEL, rule.level)
        put_text(ws, r, Col.DESCRIPTION, rule.description)
        subject = inst.subject
        if isinstance(inst.relation, Unchecked):
            subject += f"（未核对：{inst.relation.reason}）"
        elif inst.guess:
            subject += f"（{inst.guess}）"
        put_text(ws, r, Col.SUBJECT, subject)
        for col, v in ((Col.ACTUAL, f.actual), (Col.EXPECTED, f.expected), (Col.DIFF, f.diff),
                       (Col.TOLERANCE, f.tolerance), (Col.BASE, f.base)):
            c = cell_at(ws, r, col)
            if isinstance(v, str) and isinstance(inst.relation, (Verdict, Unchecked)):
                put_text(ws, r, col, v)  # a fixed verdict's text, never a formula
            else:
                put_value(c, constant(v))
            c.number_format = number_format(inst.relation, col, v)
        if not isinstance(inst.relation, (Verdict, Unchecked)):
            put_value(cell_at(ws, r, Col.VERDICT), f.verdict)
        else:
            put_text(ws, r, Col.VERDICT, f.verdict)
        # The first figure the sheet has (addressing is pure: the rest need not be looked up).
        link = next((p for p in map(address, refs_of(inst.relation)) if p is not None), None)
        if link is not None:
            # A space before the cell: a viewer wraps a long sheet name there, not past the border.
            put_link(ws, r, Col.PLACE, link[0], link[1], f"{link[0]} {link[1]}")
        lines = sorted({ln for ln in inst.lines + tuple(getattr(inst.relation, "lines", ())) if ln})
        if lines:
            put_text(ws, r, Col.LINES, ",".join(map(str, lines)))
        rows.append(CheckRow(r, rule, inst))
        r += 1
    for note in doc.notes:
        put_value(cell_at(ws, r, Col.NUMBER), r - FIRST + 1)
        put_text(ws, r, Col.RULE, note.rule)
        put_text(ws, r, Col.LEVEL, READ_VERDICT)
        put_text(ws, r, Col.DESCRIPTION, note.message)
        put_text(ws, r, Col.VERDICT, READ_VERDICT)
        if note.line:
            put_text(ws, r, Col.LINES, str(note.line))
        for col in Col:
            ws.cell(r, col).font = NOTE_FONT
        r += 1
    last = max(r - 1, FIRST)
    rng = f"{VERDICT_COL}{FIRST}:{VERDICT_COL}{last}"
    for word, fill in ((MISMATCH, FLAG_FILL), (ADVISORY, WARN_FILL), (TAILED, TAIL_FILL), (PASSED, PASS_FILL)):
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f'{VERDICT_COL}{FIRST}="{word}"'], fill=fill))
    lay_out(ws, FIRST, last)
    ws.freeze_panes = "F4"
    ws.auto_filter.ref = f"A{FIRST - 1}:{LAST_COL}{last}"
    # Hundreds of rows, most of them 通过: printed only when asked for. xlsx has no per-sheet
    # "do not print"; a hidden sheet is what Excel's "print entire workbook", WPS and
    # LibreOffice's print and PDF export all leave out, but LibreOffice still prints a hidden
    # sheet that defines a print area: so none is defined. Unhidden, the sheet prints its used
    # range, which is the list, one page wide, with its header row on every page.
    ws.sheet_state = "hidden"
    return rows, last


# Widths that hold a rule id, a figure, a verdict on one line; the texts wrap.
# 实际, 应为 and 差额 hold the family's largest amount, 元 of ten digits with two decimals
# (9,999,999,999.99): narrower, Excel and LibreOffice print ### for it.
WIDTHS = (6, 16, 5, 40, 44, 18, 18, 16, 7, 14, 7, 18, 10)  # 规则: an id on one line; 基数: 万元 of six digits
# 实际 and 应为 wrap for a fixed verdict's text.
WRAPPED = (Col.RULE, Col.DESCRIPTION, Col.SUBJECT, Col.ACTUAL, Col.EXPECTED, Col.PLACE, Col.LINES)
TOP_WRAP = Alignment(vertical="center", wrap_text=True)
MIDDLE = Alignment(vertical="center")


def lay_out(ws: Worksheet, first: int, last: int, widths: tuple[float, ...] = WIDTHS,
            wrapped: tuple[int, ...] = WRAPPED) -> None:
    """Borders, wrapped texts, heights that fit, A4 landscape (校验 and 问题 alike)."""
    ncols = len(widths)
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.cell(r, 1).alignment = Alignment(vertical="center", wrap_text=True)
    for col in range(1, ncols + 1):
        cells = (cell_at(ws, r, col) for r in range(first, last + 1))
        restyle(cells, border=BOX, alignment=TOP_WRAP if col in wrapped else MIDDLE)
    fit_rows(ws)
    fit_to_width(ws, title_rows=f"{first - 1}:{first - 1}")


_COMPARED = (Col.ACTUAL, Col.EXPECTED, Col.DIFF)


def number_format(rel: Relation, col: int, value: object) -> str:
    """实际/应为/差额 as what they are: a share at the decimals the document printed it with
    (as a percent), a count as an integer, money with two decimals."""
    if isinstance(rel, (ShareOf, GrowthOf)):
        if col not in _COMPARED:
            return AMOUNT_FORMAT
        # 应为 and 差额 as check reports them: two decimals at least (7.79% against "0%").
        return decimals_format(rel.decimals if col == Col.ACTUAL else max(rel.decimals, 2), percent=True)
    if isinstance(rel, Equal) and col in _COMPARED:
        return decimals_format(rel.decimals)
    if isinstance(rel, Verdict) and isinstance(value, int) and not isinstance(value, bool):
        return COUNT_FORMAT
    return AMOUNT_FORMAT


def count_formula(word: str, last: int) -> str:
    return f'=COUNTIF({quoted(CHECKS)}!{VERDICT_COL}{FIRST}:{VERDICT_COL}{last},"{word}")'
