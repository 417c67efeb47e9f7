"""The 校验 sheet: one row per rule instance, both sides as live formulas, a live verdict.

READ-* notes of the reader are listed below the rule rows with 结果 "读取": they are about
the text, not about a relation between cells, so no formula can re-judge them and they
are not counted among 不符/提示 (the cover counts them apart).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..model import Document
from ..rules.core import Instance, Rule, Unchecked, Verdict, effective_level, refs_of
from .address import AddressMap
from .cells import fit_to_width, put_header, put_text
from .formulas import FAIL_A, FAIL_M, PASS, TAIL, RowCells, formula
from .sheets import (AMOUNT_FORMAT, CHECKS, FLAG_FILL, LINK_FONT, NOTE_FONT, PASS_FILL, TAIL_FILL, TITLE_FONT,
                     WARN_FILL, quoted)

HEADS = ("序号", "规则", "级别", "说明", "对象", "实际", "应为", "差额", "容差", "基数", "结果", "位置", "原文行")
FIRST = 4
VERDICT_COL = "K"
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
                 instances: list[tuple[Rule, Instance]]) -> tuple[list[CheckRow], int]:
    """Returns the rows written and the last row (for the cover's live counts)."""
    put_text(ws, 1, 1, "校验：每条规则实例一行，两侧均为公式，结果随数据变化").font = TITLE_FONT
    put_text(ws, 2, 1, f"结果：{PASS} / {TAIL}（差额在容差内）/ {FAIL_M}（M 级规则不成立）/ "
                       f"{FAIL_A}（A 级规则不成立，需说明）/ {READ_VERDICT}（读取原文时的说明，不计入）").font = NOTE_FONT
    for i, h in enumerate(HEADS, start=1):
        put_header(ws, 3, i, h)
    rows: list[CheckRow] = []
    r = FIRST
    for rule, inst in instances:
        cells = RowCells(f"F{r}", f"G{r}", f"H{r}", f"I{r}", f"J{r}")
        f = formula(inst.relation, amap.printed, cells, effective_level(rule, inst))
        ws.cell(r, 1).value = r - FIRST + 1
        put_text(ws, r, 2, rule.id)
        put_text(ws, r, 3, rule.level)
        put_text(ws, r, 4, rule.description)
        subject = inst.subject
        if isinstance(inst.relation, Unchecked):
            subject += f"（未核对：{inst.relation.reason}）"
        elif inst.guess:
            subject += f"（{inst.guess}）"
        put_text(ws, r, 5, subject)
        for col, v in ((6, f.actual), (7, f.expected), (8, f.diff), (9, f.tolerance), (10, f.base)):
            c = ws.cell(r, col)
            if isinstance(v, str) and isinstance(inst.relation, (Verdict, Unchecked)):
                put_text(ws, r, col, v)  # a fixed verdict's text, never a formula
            else:
                c.value = constant(v)
            c.number_format = AMOUNT_FORMAT
        if not isinstance(inst.relation, (Verdict, Unchecked)):
            ws.cell(r, 11).value = f.verdict
        else:
            put_text(ws, r, 11, f.verdict)
        places = [amap.printed(ref) for ref in refs_of(inst.relation)]
        target = next((p for p in places if p is not None), None)
        if target is not None:
            put_link(ws, r, 12, target[0], target[1], f"{target[0]}!{target[1]}")
        lines = sorted({ln for ln in inst.lines + tuple(getattr(inst.relation, "lines", ())) if ln})
        if lines:
            put_text(ws, r, 13, ",".join(map(str, lines)))
        rows.append(CheckRow(r, rule, inst))
        r += 1
    for note in doc.notes:
        ws.cell(r, 1).value = r - FIRST + 1
        put_text(ws, r, 2, note.rule)
        put_text(ws, r, 3, READ_VERDICT)
        put_text(ws, r, 4, note.message)
        put_text(ws, r, 11, READ_VERDICT)
        if note.line:
            put_text(ws, r, 13, str(note.line))
        for col in range(1, 14):
            ws.cell(r, col).font = NOTE_FONT
        r += 1
    last = max(r - 1, FIRST)
    rng = f"{VERDICT_COL}{FIRST}:{VERDICT_COL}{last}"
    for word, fill in ((FAIL_M, FLAG_FILL), (FAIL_A, WARN_FILL), (TAIL, TAIL_FILL), (PASS, PASS_FILL)):
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f'{VERDICT_COL}{FIRST}="{word}"'], fill=fill))
    for col, w in zip("ABCDEFGHIJKLM", (6, 14, 5, 40, 40, 12, 12, 10, 8, 12, 8, 26, 12)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "F4"
    fit_to_width(ws, title_rows="3:3")
    ws.auto_filter.ref = f"A3:M{last}"
    return rows, last


def count_formula(word: str, last: int) -> str:
    return f'=COUNTIF({quoted(CHECKS)}!{VERDICT_COL}{FIRST}:{VERDICT_COL}{last},"{word}")'
