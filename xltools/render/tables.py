"""One sheet per table, laid out like the printed table, derived cells as live formulas."""
from __future__ import annotations

from collections import defaultdict

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule, Rule
from openpyxl.styles import Alignment
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..layouts import LAYOUTS, group_header
from ..model import Document
from ..rules.core import tail_tolerance
from .address import FIRST_HEADER_ROW, HEADER_ROWS, LABEL_GROUPS, LABELS, AddressMap, SheetGrid, cell
from .cells import fit_columns, fit_rows, footer, put_header, put_text, shown
from .formulas import sum_expr
from ..plan import CellKey, TablePlan
from .sheets import (AMOUNT_FORMAT, BODY_FONT, BOLD_FONT, BOX, CENTER, DERIVED_FORMAT, FAIL_MARK, FLAG_FILL, NOTE_FONT,
                     RIGHT, TAIL_FILL, TAIL_MARK, TITLE_FONT)

MIDDLE = Alignment(vertical="center")  # figures level with their (wrapped) names
_TOTALS = {"合计", "总计", "部门合计", "收入:合计", "本年收入合计", "收入总计", "本年支出合计", "支出总计"}


def _title(doc: Document, plan: TablePlan) -> str:
    if plan.table is not None and plan.table.title:
        return plan.table.title
    year = f"{doc.year}年" if doc.year else ""
    return f"{year}{LAYOUTS[plan.number].title}"


def _headers(ws: Worksheet, plan: TablePlan, grid: SheetGrid, year: int | None, at: int = 0) -> None:
    """The printed two-row header, its first column at column 1 + `at` (the 原表数 block
    repeats it, so that its page reads like the document's)."""
    n = plan.number
    top, bottom = FIRST_HEADER_ROW, FIRST_HEADER_ROW + HEADER_ROWS - 1
    two_sided = len(grid.sides) > 1
    for side, labels in zip(grid.sides, LABELS[n]):
        if two_sided:
            first = min(side.label_cols)
            put_header(ws, top, first + at, side.name, last_col=max(side.amount_cols.values()) + at)
            for col, label in zip(side.label_cols, labels):
                put_header(ws, bottom, col + at, broken(label))
            for key, col in side.amount_cols.items():
                put_header(ws, bottom, col + at, broken(key))
            continue
        group = LABEL_GROUPS.get(n, "")
        if group:
            put_header(ws, top, min(side.label_cols) + at, group, last_col=max(side.label_cols) + at)
        for col, label in zip(side.label_cols, labels):
            if group:
                put_header(ws, bottom, col + at, broken(label))
            else:
                put_header(ws, top, col + at, broken(label), last_row=bottom)
        columns = LAYOUTS[n].sides[0].columns
        i = 0
        while i < len(columns):
            j = i
            while j + 1 < len(columns) and columns[i].group and columns[j + 1].group == columns[i].group:
                j += 1
            first, last = side.amount_cols[columns[i].key] + at, side.amount_cols[columns[j].key] + at
            if columns[i].group:
                put_header(ws, top, first, group_header(columns[i], year), last_col=last)
                for c in columns[i:j + 1]:
                    put_header(ws, bottom, side.amount_cols[c.key] + at, broken(c.key))
            else:
                put_header(ws, top, first, broken(columns[i].key), last_row=bottom)
            i = j + 1
    if LAYOUTS[n].kind == "projects":  # the printed project tables number their columns
        for i, col in enumerate(range(1, grid.last_table_col + 1), start=1):
            put_header(ws, bottom + 1, col + at, str(i))


# Where a long header breaks, as the printed tables break it: between words, never inside one.
_BREAKS = ("一般公共|预算", "政府性基金|预算", "国有资本经营|预算", "国有资本|经营预算", "财政专户|管理资金",
           "当年预算|安排", "上年结转|安排", "部门预算|经济科目", "政府预算|经济科目", "本年收入|合计",
           "政府性基金|收入预算", "财政拨款|结转")


def broken(text: str) -> str:
    """A header with its line break where the words part (国有资本经营预算 → 国有资本 / 经营预算)."""
    for b in _BREAKS:
        if text == b.replace("|", "") and len(text) > 5:
            return b.replace("|", "\n")
    return text


WORK_NOTE = ("工作区：合计、类、款等为重算公式，随录入数变化；原文印出的数在右侧“原表数”，"
             "与重算不同者两处同样着色。打印的是原表数。")
PRINTED_NOTE = f"原表数（原文印出的数）。与重算数不同者着色并标记：{TAIL_MARK} 尾差（四舍五入）　{FAIL_MARK} 不符"


def _frame(ws: Worksheet, doc: Document, plan: TablePlan, grid: SheetGrid, at: int, note: str) -> None:
    """Title, 单位名称 / 单位：万元 and the note line over the columns 1 + `at` … of the table."""
    first, last = 1 + at, grid.last_table_col + at
    put_text(ws, 1, first, _title(doc, plan)).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    ws.cell(1, first).alignment = CENTER
    ws.row_dimensions[1].height = 26
    # 单位：万元 over the last two columns: one narrow amount column cannot hold it.
    unit_first = max(last - 1, first + 1)
    put_text(ws, 2, first, f"单位名称：{doc.unit}" if doc.unit else "单位名称：")
    if unit_first - 1 > first:
        ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=unit_first - 1)
    ws.cell(2, first).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    put_text(ws, 2, unit_first, "单位：万元").alignment = RIGHT
    if last > unit_first:
        ws.merge_cells(start_row=2, start_column=unit_first, end_row=2, end_column=last)
    if note:
        c = put_text(ws, 3, first, note)
        c.font = NOTE_FONT
        c.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)


def has_printed(doc: Document) -> bool:
    """A document read from a disclosure (its tables print figures), not the blank template."""
    return any(v is not None for t in doc.tables.values() if t is not None for r in t.rows for v in r.amounts.values())


def write_table(ws: Worksheet, doc: Document, plan: TablePlan, grid: SheetGrid, amap: AddressMap,
                live: dict[CellKey, float], leaves: dict[CellKey, int]) -> None:
    n = plan.number
    imported = has_printed(doc)
    missing = "原文缺少此表。" if plan.table is None else "注：本表无数据。" if plan.table.empty else ""
    _frame(ws, doc, plan, grid, 0, (missing + WORK_NOTE) if imported else missing)
    _frame(ws, doc, plan, grid, grid.orig_offset, missing or PRINTED_NOTE)
    _headers(ws, plan, grid, doc.year)
    _headers(ws, plan, grid, doc.year, grid.orig_offset)
    widths: dict[int, list[str]] = defaultdict(list)  # column → the figures it shows, for its width
    flags: dict[tuple[int, float], list[int]] = defaultdict(list)
    for (side_name, rows), side, pos in zip(plan.sides, grid.sides, grid.side_rows):
        for p in rows:
            r = pos[p.key]
            bold = p.key in _TOTALS or (p.row is not None and p.row.kind in ("total", "subtotal"))
            font = BOLD_FONT if bold else BODY_FONT
            labels = side.label_cols
            if len(labels) == 2:
                if LAYOUTS[n].kind == "economic":  # two names (部门, 政府 经济科目), no code
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
                # Names wrap in their column rather than run over the figures beside them.
                align = Alignment(horizontal="left", vertical="center", indent=max(p.level - 1, 0),
                                  wrap_text=col != labels[0] or len(labels) == 1 or LAYOUTS[n].kind == "economic")
                c.alignment = align
                mirror = ws.cell(r, grid.orig_col(col))
                if c.value is not None:
                    mirror.value = c.value
                    mirror.data_type = "s"
                    mirror.number_format = c.number_format
                mirror.border, mirror.font, mirror.alignment = BOX, font, align
            for key, col in side.amount_cols.items():
                ck: CellKey = (n, p.key, key)
                c = ws.cell(r, col)
                c.border = BOX
                c.font = font
                c.alignment = MIDDLE
                printed = p.row.get(key) if p.row else None
                terms = plan.derived.get(ck)
                if terms is not None:
                    expr = sum_expr(((amap.live_cell(t), f) for t, f in terms), grid.sheet)
                    # The code to look up is this row's own code cell when it prints the same
                    # code: one formula shape for every 类 row, whatever its code.
                    own = cell(labels[0], r, True) if len(labels) == 2 and p.code else None
                    pulled = [(amap.by_code(t, grid.sheet, own if t[1] == p.code else None), f)
                              for t, f in terms if amap.live_cell(t) is None]
                    for sumifs, f in pulled:
                        if sumifs is not None:
                            expr = ("" if expr == "0" else expr + "+") + (sumifs if f == 1 else f"{sumifs}*{f:g}")
                    c.value = 0 if expr == "0" else "=" + expr  # no cell to add up: a constant
                    c.number_format = DERIVED_FORMAT
                    tol = tail_tolerance(leaves[ck])
                    flags[(col, tol)].append(r)
                    now = live.get(ck, 0.0)
                    if abs(round(now - (printed or 0.0), 2)) >= 0.005:
                        # Only the printed figure, which no recalculation changes: the
                        # recomputation is the cell itself, its verdict the cell's colour.
                        c.comment = Comment(f"原表数 {printed or 0:,.2f}：本格为重算公式，与原表数不同（黄色为尾差，红色为不符）", "xltools")
                else:
                    c.value = printed
                    c.number_format = AMOUNT_FORMAT
                oc = grid.orig_cols[key]
                o = ws.cell(r, oc)
                o.value = printed
                o.number_format = AMOUNT_FORMAT
                o.border = BOX
                o.font = font
                o.alignment = MIDDLE
                figure = live.get(ck, printed or 0.0) if terms is not None else printed
                widths[col] += [shown(printed, AMOUNT_FORMAT) + (f" {FAIL_MARK}" if terms is not None else ""),
                                shown(figure, AMOUNT_FORMAT)]
    _flags(ws, grid, flags)
    _page(ws, grid, widths, imported)


def _flags(ws: Worksheet, grid: SheetGrid, flags: dict[tuple[int, float], list[int]]) -> None:
    """A recomputed figure that differs from its 原表数: red beyond tolerance, yellow within,
    on the formula and on the printed figure alike; the printed figure also carries a mark,
    which a black-and-white printout keeps."""
    orig_of = {grid.main_col(k): c for k, c in grid.orig_cols.items()}
    for (col, tol), rows in sorted(flags.items()):
        rows.sort()
        a, o = cell(col, rows[0]), cell(orig_of[col], rows[0])
        diff = f"ABS(ROUND({a},2)-ROUND({o},2))"
        beyond, tail = f"{diff}>{tol}+1E-9", f"{diff}>0.0049"
        sqref = " ".join(cell(col, r) for r in rows)
        ws.conditional_formatting.add(sqref, FormulaRule(formula=[beyond], fill=FLAG_FILL, stopIfTrue=True))
        ws.conditional_formatting.add(sqref, FormulaRule(formula=[tail], fill=TAIL_FILL))
        printed = " ".join(cell(orig_of[col], r) for r in rows)
        for formula, fill, fmt_id, mark in ((beyond, FLAG_FILL, 401, FAIL_MARK), (tail, TAIL_FILL, 400, TAIL_MARK)):
            style = DifferentialStyle(fill=fill, numFmt=NumberFormat(numFmtId=fmt_id, formatCode=f'#,##0.00" {mark}"'))
            ws.conditional_formatting.add(printed, Rule(type="expression", dxf=style, formula=[formula],
                                                        stopIfTrue=mark == FAIL_MARK))


def _page(ws: Worksheet, grid: SheetGrid, figures: dict[int, list[str]], imported: bool) -> None:
    """Widths from the content (names wrap past a limit), heights that fit, A4 landscape.
    An imported document prints its 原表数 block, the blank template its working table."""
    n = grid.number
    kind = LAYOUTS[n].kind
    names = (16, 34) if kind in ("units", "projects") else (12, 30)
    cols: dict[int, tuple[float, float]] = {}
    for s, labels in zip(grid.sides, LABELS[n]):
        for i, (col, label) in enumerate(zip(s.label_cols, labels)):
            coded = len(s.label_cols) == 2 and kind != "economic" and i == 0
            cols[col] = (7, 12) if coded else (10, 24) if kind == "economic" else names
            figures[col] = figures.get(col, []) + broken(label).split("\n")
        for key, col in s.amount_cols.items():
            cols[col] = (9, 16)
            # Wide enough for each line of its header, so the header wraps only where broken.
            figures[col] = figures.get(col, []) + broken(key).split("\n")
    fit_columns(ws, cols, grid.first_row, figures)
    for col in range(1, grid.last_table_col + 1):
        ws.column_dimensions[get_column_letter(grid.orig_col(col))].width = ws.column_dimensions[get_column_letter(col)].width
    ws.column_dimensions[get_column_letter(grid.orig_offset)].width = 3
    fit_rows(ws)
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
    at = grid.orig_offset if imported else 0
    last_row = max(grid.last_row, grid.first_row)
    ws.print_area = f"{cell(1 + at, 1)}:{cell(grid.last_table_col + at, last_row)}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    footer(ws)
