"""The comparison of two drafts as a workbook: 变化 (one row per figure that changed, old and new
as numbers) and 问题变化 (one row per finding fixed, new or remaining). Written atomically; a
file replaced is kept as .bak."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xltools.cli.compare_text import KIND_ZH, SEVERITY_ZH, STATUS_ZH, headline, summary_lines, where_text
from xltools.core.findings import SEVERITY_ORDER
from xltools.evaluation.changes import Comparison
from xltools.files.safe_write import write_atomically
from xltools.workbook.cells import fit_columns, fit_rows, fit_to_width, put_header, put_text
from xltools.workbook.sheets import AMOUNT_FORMAT, BODY_FONT, BOLD_FONT, CENTER, WRAP

CHANGES = "变化"
FINDINGS = "问题变化"
_FORMATS = {"万元": AMOUNT_FORMAT, "元": "#,##0", "%": '0.00"%"', "个": "0"}
# The table starts below the two files and the counts (row 1 .. 5), a blank row, its header.
_FIGURE_HEADS = ("位置", "行", "栏目", "变化", "初稿", "二稿", "增减", "单位", "初稿行", "二稿行")
_FINDING_HEADS = ("状态", "级别", "规则", "说明", "初稿位置", "二稿位置", "问题编号")


def write_book(c: Comparison, out: Path) -> Path:
    def write(tmp: Path) -> None:
        build(c).save(tmp)

    return write_atomically(out, write)


def build(c: Comparison) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = CHANGES
    _figures(ws, c)
    _findings(wb.create_sheet(FINDINGS), c)
    return wb


def _preamble(ws: Worksheet, c: Comparison) -> int:
    """The two files, the counts and the verdict above the table; returns the header's row."""
    lines = summary_lines(c)
    for i, text in enumerate(lines, start=1):
        cell = put_text(ws, i, 1, text)
        cell.font = BOLD_FONT if text == headline(c) else BODY_FONT
    return len(lines) + 2


def _table(ws: Worksheet, head_row: int, heads: tuple[str, ...], last: int) -> None:
    for i, h in enumerate(heads, start=1):
        put_header(ws, head_row, i, h)
    ws.freeze_panes = ws.cell(head_row + 1, 1).coordinate
    ws.auto_filter.ref = f"A{head_row}:{get_column_letter(len(heads))}{max(last, head_row)}"
    fit_to_width(ws, title_rows=f"{head_row}:{head_row}")


def _figures(ws: Worksheet, c: Comparison) -> None:
    head = _preamble(ws, c)
    r = head
    for ch in (*c.document, *c.figures):
        r += 1
        place = ch.place or "文件"
        for col, text in enumerate((place, ch.row, ch.column, KIND_ZH[ch.kind]), start=1):
            put_text(ws, r, col, text).alignment = WRAP
        fmt = _FORMATS.get(ch.unit, "General")
        for col, value in ((5, ch.old), (6, ch.new), (7, ch.diff if ch.kind == "changed" else None)):
            if isinstance(value, str):
                put_text(ws, r, col, value).alignment = WRAP
            elif value is not None:
                cell = ws.cell(r, col, value)
                cell.number_format = fmt
                cell.font = BODY_FONT
        put_text(ws, r, 8, ch.unit).alignment = CENTER
        for col, line in ((9, ch.old_line), (10, ch.new_line)):
            if line is not None:
                ws.cell(r, col, line).font = BODY_FONT
    if r == head:
        put_text(ws, head + 1, 1, "两稿的数字没有变化")
    _table(ws, head, _FIGURE_HEADS, r)
    fit_columns(ws, {1: (8, 14), 2: (12, 40), 3: (8, 18), 4: (6, 8), 5: (10, 16), 6: (10, 16), 7: (10, 14),
                     8: (6, 6), 9: (8, 10), 10: (8, 10)}, first_row=head)
    fit_rows(ws, head + 1)


def _findings(ws: Worksheet, c: Comparison) -> None:
    head = _preamble(ws, c)
    order = {"new": 0, "fixed": 1, "remaining": 2}
    items = sorted(c.findings, key=lambda f: (order[f.status], SEVERITY_ORDER[f.severity]))
    r = head
    for f in items:
        r += 1
        sev = SEVERITY_ZH[f.severity]
        if f.old is not None and f.new is not None and f.old.severity != f.new.severity:
            sev = f"{SEVERITY_ZH[f.old.severity]}→{sev}"
        texts = (STATUS_ZH[f.status], sev, f.finding.rule, f.finding.message, where_text(f.old), where_text(f.new),
                 f.key)
        for col, text in enumerate(texts, start=1):
            put_text(ws, r, col, text).alignment = WRAP
    if r == head:
        put_text(ws, head + 1, 1, "两稿都没有错误或提示")
    _table(ws, head, _FINDING_HEADS, r)
    fit_columns(ws, {1: (8, 8), 2: (6, 10), 3: (10, 16), 4: (30, 70), 5: (10, 18), 6: (10, 18), 7: (12, 30)},
                first_row=head)
    fit_rows(ws, head + 1)

