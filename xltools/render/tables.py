"""One sheet per table, laid out like the printed table, derived cells as live formulas."""
from __future__ import annotations

from collections import defaultdict

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..layouts import LAYOUTS, group_header
from ..model import Document
from ..rules.core import tail_tolerance
from .address import FIRST_HEADER_ROW, HEADER_ROWS, LABEL_GROUPS, LABELS, AddressMap, SheetGrid, cell
from .cells import put_header, put_text
from .formulas import sum_expr
from .plan import CellKey, TablePlan
from .sheets import (AMOUNT_FORMAT, BODY_FONT, BOLD_FONT, BOX, CENTER, DERIVED_FORMAT, FLAG_FILL, NOTE_FONT,
                     ORIG_FILL, RIGHT, TAIL_FILL, TITLE_FONT)

_TOTALS = {"合计", "总计", "部门合计", "收入:合计", "本年收入合计", "收入总计", "本年支出合计", "支出总计"}


def _title(doc: Document, plan: TablePlan) -> str:
    if plan.table is not None and plan.table.title:
        return plan.table.title
    year = f"{doc.year}年" if doc.year else ""
    return f"{year}{LAYOUTS[plan.number].title}"


def _headers(ws: Worksheet, plan: TablePlan, grid: SheetGrid, year: int | None) -> None:
    n = plan.number
    top, bottom = FIRST_HEADER_ROW, FIRST_HEADER_ROW + HEADER_ROWS - 1
    two_sided = len(grid.sides) > 1
    for side, labels in zip(grid.sides, LABELS[n]):
        if two_sided:
            first = min(side.label_cols)
            put_header(ws, top, first, side.name, last_col=max(side.amount_cols.values()))
            for col, label in zip(side.label_cols, labels):
                put_header(ws, bottom, col, label)
            for key, col in side.amount_cols.items():
                put_header(ws, bottom, col, key)
            continue
        group = LABEL_GROUPS.get(n, "")
        if group:
            put_header(ws, top, min(side.label_cols), group, last_col=max(side.label_cols))
        for col, label in zip(side.label_cols, labels):
            if group:
                put_header(ws, bottom, col, label)
            else:
                put_header(ws, top, col, label, last_row=bottom)
        columns = LAYOUTS[n].sides[0].columns
        i = 0
        while i < len(columns):
            j = i
            while j + 1 < len(columns) and columns[i].group and columns[j + 1].group == columns[i].group:
                j += 1
            first, last = side.amount_cols[columns[i].key], side.amount_cols[columns[j].key]
            if columns[i].group:
                put_header(ws, top, first, group_header(columns[i], year), last_col=last)
                for c in columns[i:j + 1]:
                    put_header(ws, bottom, side.amount_cols[c.key], c.key)
            else:
                put_header(ws, top, first, columns[i].key, last_row=bottom)
            i = j + 1
    if grid.orig_cols:
        cols = list(grid.orig_cols.values())
        put_header(ws, top, min(cols), "原表数（原文印出的数）", last_col=max(cols))
        for key, col in grid.orig_cols.items():
            side = next((s.name for s in grid.sides if key in s.amount_cols), "")
            put_header(ws, bottom, col, f"{side}{key}" if two_sided and side else key)
    if n in (12, 13):
        for i, col in enumerate(range(1, grid.last_table_col + 1), start=1):
            put_header(ws, bottom + 1, col, str(i))


def write_table(ws: Worksheet, doc: Document, plan: TablePlan, grid: SheetGrid, amap: AddressMap,
                live: dict[CellKey, float], leaves: dict[CellKey, int]) -> None:
    n = plan.number
    last = grid.last_table_col
    ws.cell(1, 1).value = None
    put_text(ws, 1, 1, _title(doc, plan)).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.cell(1, 1).alignment = CENTER
    ws.row_dimensions[1].height = 26
    put_text(ws, 2, 1, f"单位名称：{doc.unit}" if doc.unit else "单位名称：")
    put_text(ws, 2, last, "单位：万元").alignment = RIGHT
    if plan.table is None:
        put_text(ws, 3, 1, "原文缺少此表").font = NOTE_FONT
    elif plan.table.empty:
        put_text(ws, 3, 1, "注：本表无数据").font = NOTE_FONT
    _headers(ws, plan, grid, doc.year)
    flags: dict[tuple[int, float], list[int]] = defaultdict(list)
    for (side_name, rows), side, pos in zip(plan.sides, grid.sides, grid.side_rows):
        for p in rows:
            r = pos[p.key]
            bold = p.key in _TOTALS or (p.row is not None and p.row.kind in ("total", "subtotal"))
            font = BOLD_FONT if bold else BODY_FONT
            labels = side.label_cols
            if len(labels) == 2:
                if n == 6:
                    put_text(ws, r, labels[0], p.name)
                    put_text(ws, r, labels[1], p.row.second_name if p.row else None)
                else:
                    put_text(ws, r, labels[0], p.code, code=True)
                    put_text(ws, r, labels[1], p.name)
            else:
                put_text(ws, r, labels[0], p.name)
            for col in labels:
                c = ws.cell(r, col)
                c.border = BOX
                c.font = font
                c.alignment = Alignment(horizontal="left", vertical="center", indent=max(p.level - 1, 0))
            for key, col in side.amount_cols.items():
                ck: CellKey = (n, p.key, key)
                c = ws.cell(r, col)
                c.border = BOX
                c.font = font
                printed = p.row.get(key) if p.row else None
                terms = plan.derived.get(ck)
                if terms is not None:
                    expr = sum_expr(((amap.live_cell(t), f) for t, f in terms), grid.sheet)
                    c.value = 0 if expr == "0" else "=" + expr  # no cell to add up: a constant
                    c.number_format = DERIVED_FORMAT
                    tol = tail_tolerance(leaves[ck])
                    flags[(col, tol)].append(r)
                    now = live.get(ck, 0.0)
                    if abs(round(now - (printed or 0.0), 2)) >= 0.005:
                        c.comment = Comment(f"原表数 {printed or 0:.2f}，重算 {now:.2f}，差 {now - (printed or 0):.2f}", "xltools")
                else:
                    c.value = printed
                    c.number_format = AMOUNT_FORMAT
                oc = grid.orig_cols[key]
                o = ws.cell(r, oc)
                o.value = printed
                o.number_format = AMOUNT_FORMAT
                o.fill = ORIG_FILL
                o.font = NOTE_FONT
    _flags(ws, grid, flags)
    _page(ws, grid)


def _flags(ws: Worksheet, grid: SheetGrid, flags: dict[tuple[int, float], list[int]]) -> None:
    """A recomputed figure that differs from its 原表数: red beyond tolerance, yellow within."""
    orig_of = {grid.main_col(k): c for k, c in grid.orig_cols.items()}
    for (col, tol), rows in sorted(flags.items()):
        rows.sort()
        sqref = " ".join(cell(col, r) for r in rows)
        a, o = cell(col, rows[0]), cell(orig_of[col], rows[0])
        diff = f"ABS(ROUND({a},2)-ROUND({o},2))"
        ws.conditional_formatting.add(sqref, FormulaRule(formula=[f"{diff}>{tol}+1E-9"], fill=FLAG_FILL, stopIfTrue=True))
        ws.conditional_formatting.add(sqref, FormulaRule(formula=[f"{diff}>0.0049"], fill=TAIL_FILL))


def _page(ws: Worksheet, grid: SheetGrid) -> None:
    n = grid.number
    for s in grid.sides:
        for i, col in enumerate(s.label_cols):
            wide = i == len(s.label_cols) - 1 and not (n == 6 and i == 0)
            ws.column_dimensions[get_column_letter(col)].width = 40 if (wide or n == 6) else 11
        for col in s.amount_cols.values():
            ws.column_dimensions[get_column_letter(col)].width = 14
    for col in grid.orig_cols.values():
        ws.column_dimensions[get_column_letter(col)].width = 12
    first_amount = min(c for s in grid.sides for c in s.amount_cols.values())
    if len(grid.sides) == 1:
        ws.freeze_panes = cell(first_amount, grid.first_row)
    else:
        ws.freeze_panes = cell(1, grid.first_row)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{grid.first_row - 1}"
    ws.print_area = f"A1:{cell(grid.last_table_col, max(grid.last_row, grid.first_row))}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
