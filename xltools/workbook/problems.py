"""The 问题 sheet: what needs attention first, the 不符 then the 提示, each row live.

Which rows: first every 校验 instance that is 不符 or 提示 when the workbook is imported (judged
as the workbook judges it, `evaluation`), most severe first, as fixed rows. Each row's cells are
references to its 校验 row, so an edit that settles a problem shows 通过 here at once. Below
them, formula rows list every other 不符 and 提示 of 校验, 不符 first, as the last
recalculation judged them: the problems an edit made (problems_live.py). Row 3 counts those.

The officer may type why a row is not a problem into its 说明 column (the last visible one);
the hidden 编号 column beside it holds the finding's stable key (a live row looks it up), so that `xltools check
BOOK.xlsx` reads each typed reason back as an explanation of that finding
(`read_explanations`), as `xltools accept` records one in the file beside a document.
"""
from __future__ import annotations

from typing import Any

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from xltools.evaluation.accepted import Acceptance
from xltools.evaluation.finding_keys import KeyNames, Numbering, instance_base
from xltools.evaluation.judged import Live, LiveDocument, judge_instances
from xltools.core.model import Document
from xltools.rules.core import effective_level
from xltools.workbook.checksheet import FIRST as CHECK_FIRST, VERDICT_COL, CheckRow, Col, lay_out, put_link
from xltools.workbook.cover import count_cell
from xltools.workbook.problems_columns import COLUMNS, FROM_CHECKS_FIGURES, FROM_CHECKS_TEXT, PCol
from xltools.workbook.problems_live import CAP, INDEX_SHEET, heading, number_checks, write_live_rows
from xltools.workbook.cells import printed_pages, put_header, put_text
from xltools.core.verdicts import ADVISORY, MISMATCH, PASSED, TAILED, Status
from xltools.workbook.sheets import CHECKS, FLAG_FILL, LINK_FONT, NOTE_FONT, PASS_FILL, PROBLEMS, RED_FONT, TAIL_FILL, TITLE_FONT, WARN_FILL, quoted

HEADS = tuple(head for head, _ in COLUMNS.values())
EXPLAIN_HEAD, KEY_HEAD = COLUMNS[PCol.EXPLAIN][0], COLUMNS[PCol.KEY][0]
WIDTHS = tuple(width for _, width in COLUMNS.values())
EXPLAIN_COL = int(PCol.EXPLAIN)
KEY_COL = int(PCol.KEY)
FIRST = 5
# A live list whose heading prints with fewer rows than this below it goes on onto the next page.
FEW_LIVE_ROWS = 5
RESULT_COL = get_column_letter(PCol.VERDICT)
# 校验's columns copied into each row: (问题 column, 校验 column); 位置 is a link of its own.
_COPIED = tuple(p for p in FROM_CHECKS_TEXT if p[0] != PCol.PLACE) + FROM_CHECKS_FIGURES


def at_import(doc: Document, checks: list[CheckRow], live: Live) -> list[tuple[CheckRow, str]]:
    """The 校验 rows that are 不符 or 提示 as imported, 不符 first, each in 校验's order."""
    judgements = judge_instances(((row.rule, row.instance) for row in checks), doc, LiveDocument(doc, live), live)
    found: list[tuple[CheckRow, str]] = []
    for row, j in zip(checks, judgements):
        if j.outcome.status == Status.FAIL:
            found.append((row, MISMATCH if effective_level(row.rule, row.instance) == "M" else ADVISORY))
    return sorted(found, key=lambda t: (t[1] != MISMATCH, t[0].row))


def write_problems(ws: Worksheet, checks_ws: Worksheet, doc: Document, checks: list[CheckRow], live: Live) -> None:
    # 校验's totals are the cover's counts: each COUNTIF over 校验 once in the workbook.
    errors, warnings = count_cell(MISMATCH), count_cell(ADVISORY)
    found = at_import(doc, checks, live)
    keys = finding_keys(doc, checks)
    last = FIRST + max(len(found), 1) - 1
    put_text(ws, 1, 1, "问题：需要处理的不符与提示（最严重的在前）").font = TITLE_FONT
    book = checks_ws.parent
    assert book is not None  # a sheet openpyxl made belongs to its workbook
    counts = number_checks(book.create_sheet(INDEX_SHEET), checks, {row.row for row, _ in found}, keys) if checks else None
    live_rows = 0 if counts is None else min(CAP, len(checks) - len(found))
    live_first = last + 2  # below the fixed rows and the live list's heading
    ws.cell(2, 1).value = (f'="校验当前：不符 "&{errors}&" 条（必须更正），提示 "&{warnings}&" 条（需说明）。'
                           f'本表先列导入时的 {len(found)} 条，已更正者显示“{PASSED}”；再列编辑后出现的。'
                           f'均随数据实时更新（编辑后请重新计算）。"')
    ws.cell(2, 1).font = NOTE_FONT
    if counts is not None:
        unlisted = counts.unlisted
        more = (f'&IF({unlisted}>{live_rows},"；其中 "&({unlisted}-{live_rows})&" 条超出本表，请在“校验”表按“结果”列筛选","")'
                if live_rows < len(checks) - len(found) else "")
        ws.cell(3, 1).value = (f'=IF({unlisted}>0,"编辑后出现 "&{unlisted}&" 条不符或提示，列于第 {live_first} 行起"'
                               f'{more}&"。","")')
    ws.cell(3, 1).font = RED_FONT
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(HEADS))
    for i, h in enumerate(HEADS, start=1):
        put_header(ws, FIRST - 1, i, h)
    if not found:
        put_text(ws, FIRST, 2, "导入时没有不符或提示。")
        ws.merge_cells(start_row=FIRST, start_column=2, end_row=FIRST, end_column=len(HEADS))
    for i, (row, _) in enumerate(found):
        r = FIRST + i
        ws.cell(r, PCol.NUMBER).value = i + 1
        ws.cell(r, PCol.VERDICT).value = f"={quoted(CHECKS)}!{VERDICT_COL}{row.row}"
        for col, src_col in _COPIED:
            src = checks_ws.cell(row.row, src_col)
            c = ws.cell(r, col)
            if src.data_type == "f":
                # The figure as 校验 computes it now (a formula returning "" stays blank).
                c.value = f"={quoted(CHECKS)}!{src.coordinate}"
            elif isinstance(src.value, str):
                put_text(ws, r, col, src.value)
            else:
                c.value = src.value
            c.number_format = src.number_format
        link = checks_ws.cell(row.row, Col.PLACE)
        if link.hyperlink is not None and link.value:
            c = put_text(ws, r, PCol.PLACE, str(link.value))
            c.hyperlink = Hyperlink(ref=c.coordinate, location=link.hyperlink.location, display=str(link.value))
            c.font = LINK_FONT
        put_link(ws, r, PCol.CHECK_ROW, CHECKS, f"A{row.row}", str(row.row - CHECK_FIRST + 1))
        put_text(ws, r, KEY_COL, keys[row.row])
    rng = f"{RESULT_COL}{FIRST}:{RESULT_COL}{last}"
    for word, fill in ((MISMATCH, FLAG_FILL), (ADVISORY, WARN_FILL), (TAILED, TAIL_FILL), (PASSED, PASS_FILL)):
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f'{RESULT_COL}{FIRST}="{word}"'], fill=fill))
    lay_out(ws, FIRST, last, WIDTHS, wrapped=(PCol.RULE, PCol.DESCRIPTION, PCol.SUBJECT, PCol.ACTUAL, PCol.EXPECTED,
                                              PCol.PLACE, PCol.LINES, PCol.EXPLAIN))
    if counts is not None and live_rows:
        write_live_rows(ws, counts, live_first, live_rows, number_from=len(found), check_col=PCol.CHECK_ROW, key_col=KEY_COL,
                        seq_col=len(HEADS) + 1, ncols=len(HEADS))
        rng_live = f"{RESULT_COL}{live_first}:{RESULT_COL}{live_first + live_rows - 1}"
        for word, fill in ((MISMATCH, FLAG_FILL), (ADVISORY, WARN_FILL)):
            ws.conditional_formatting.add(rng_live, FormulaRule(formula=[f'{RESULT_COL}{live_first}="{word}"'], fill=fill))
    # The key is for the read-back, not for the reader: hidden, so neither screen nor print shows it.
    ws.column_dimensions[chr(ord("A") + KEY_COL - 1)].hidden = True
    # The visible columns only: the hidden ones hold the key and the live list's helpers.
    columns = f"A1:{get_column_letter(PCol.EXPLAIN)}"
    ws.print_area = f"{columns}{live_first + live_rows - 1 if live_rows else last}"
    if live_rows:
        printed = _printed_live_rows(ws, live_first, live_rows)
        ws.print_area = f"{columns}{live_first + printed - 1}"
        heading(ws, live_first - 1, len(HEADS), printed if printed < live_rows else None)
    ws.freeze_panes = f"C{FIRST}"
    ws.auto_filter.ref = f"A{FIRST - 1}:{chr(ord('A') + len(HEADS) - 1)}{last}"



def _printed_live_rows(ws: Worksheet, first: int, rows: int) -> int:
    """How many of the live rows print: those on the page the live list's heading prints on
    (all of them on a page that has room for few, then the next page's). An empty row prints
    too (its formulas are content), so the list is not let run onto a page of empty rows;
    the heading says how many print, 校验 lists the rest."""
    pages = printed_pages(ws, first + rows - 1)
    on = pages[first - 1]
    fit = sum(1 for r in range(first, first + rows) if pages[r] == on)
    if fit < FEW_LIVE_ROWS:
        fit += sum(1 for r in range(first, first + rows) if pages[r] == on + 1)
    return max(1, min(fit, rows))


def finding_keys(doc: Document, checks: list[CheckRow]) -> dict[int, str]:
    """Each 校验 row's finding key, as `evaluation.check` gives the finding (same instances,
    same order)."""
    names, number = KeyNames(doc), Numbering()
    return {row.row: number(instance_base(row.rule, row.instance, names)) for row in checks}


def read_explanations(grids: dict[str, list[list[Any]]], source: str) -> list[Acceptance]:
    """The reasons typed into the 问题 sheet's 说明 column, each for the finding its row's 编号
    names. Columns are found by their headers: a column the officer inserted moves them."""
    grid = grids.get(PROBLEMS) or []
    if len(grid) < FIRST - 1:
        return []
    heads = [str(v).strip() if v is not None else "" for v in grid[FIRST - 2]]
    if EXPLAIN_HEAD not in heads or KEY_HEAD not in heads:
        return []  # a workbook made before the column existed
    ei, ki = heads.index(EXPLAIN_HEAD), heads.index(KEY_HEAD)
    out: list[Acceptance] = []
    for r, row in enumerate(grid[FIRST - 1:], start=FIRST):
        reason = row[ei] if ei < len(row) else None
        key = row[ki] if ki < len(row) else None
        if key is None or not str(key).strip() or reason is None or not str(reason).strip():
            continue
        cell = f"{PROBLEMS}!{chr(ord('A') + ei)}{r}"
        out.append(Acceptance(str(key).strip(), str(reason).strip(), origin=cell))
    return out
