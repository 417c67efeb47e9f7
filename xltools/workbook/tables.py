"""One sheet per table, laid out like the printed table, derived cells as live formulas."""
from __future__ import annotations

from collections import defaultdict
from functools import cache

from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormatting
from openpyxl.formatting.rule import FormulaRule, Rule
from openpyxl.styles import Alignment
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from xltools.core.layouts import LAYOUTS, group_header
from xltools.core.model import Document
from xltools.evaluation.judged import Live, Source
from xltools.rules.core import tolerance_of
from xltools.workbook.address import FIRST_HEADER_ROW, HEADER_ROWS, AddressMap, SheetGrid, cell
from xltools.workbook.cells import (col_width, fit_columns, fit_rows, footer, points, put_header, put_text, shown,
                                    width_for)
from xltools.workbook.fast_styles import Styles, apply
from xltools.workbook.merges import merge
from xltools.workbook.fast_cells import cell_at
from xltools.workbook.openpyxl_internals import fit_to_page, put_value
from xltools.core.comparisons import beyond_excel, difference_excel, differs_excel, fails_since_excel, number, signed_difference_excel
from xltools.core.verdicts import Status
from xltools.workbook.formulas import sum_expr
from xltools.core.references import TableCell
from xltools.evaluation.plan import TablePlan
from xltools.workbook.sheets import AMOUNT_FORMAT, BODY_FONT, BOLD_FONT, BOX, CENTER, DERIVED_FORMAT, FLAG_FILL, NOTE_FONT, RIGHT, TAIL_FILL, TITLE_FONT

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
    for side, labels in zip(grid.sides, LAYOUTS[n].labels):
        if two_sided:
            first = min(side.label_cols)
            put_header(ws, top, first + at, side.name, last_col=max(side.amount_cols.values()) + at)
            for col, label in zip(side.label_cols, labels):
                put_header(ws, bottom, col + at, broken(label))
            for key, col in side.amount_cols.items():
                put_header(ws, bottom, col + at, broken(key))
            continue
        group = LAYOUTS[n].label_group
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
    if LAYOUTS[n].kind.numbered_columns:  # the printed project tables number their columns
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
# Printed below the 原表数 block, as the document prints its own 注 line: above the headers a
# reader of the printout (or `xltools check` on its PDF) would take it for a row.
PRINTED_NOTE = "注：本表为原文印出的数（原表数）。与重算数不同者着色：黄色为尾差（四舍五入），红色为不符。"
UNIT_TEXT = "单位：万元"


def _frame(ws: Worksheet, doc: Document, plan: TablePlan, grid: SheetGrid, at: int, note: str) -> None:
    """Title, 单位名称 and the note line over the columns 1 + `at` … of the table (单位：万元
    and the merges of its line follow the widths: `_unit_line`)."""
    first, last = 1 + at, grid.last_table_col + at
    put_text(ws, 1, first, _title(doc, plan)).font = TITLE_FONT
    merge(ws, 1, first, 1, last)
    ws.cell(1, first).alignment = CENTER
    ws.row_dimensions[1].height = 26
    put_text(ws, 2, first, _unit_name(doc))
    ws.cell(2, first).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    if note:
        c = put_text(ws, 3, first, note)
        c.font = NOTE_FONT
        c.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        merge(ws, 3, first, 3, last)


def _unit_name(doc: Document) -> str:
    return f"单位名称：{doc.unit}" if doc.unit else "单位名称："


def _fit_frame(ws: Worksheet, grid: SheetGrid, title: str, unit: str, hidden: set[int]) -> None:
    """Widens the name column until the title and the 单位名称 line each fit on one line over
    the table: wrapped in a narrow table (表7's three columns) they broke inside a word."""
    name_col = max(grid.sides[0].label_cols)

    def widen(cols: list[int], need: float) -> None:
        have = sum(col_width(ws, c) for c in cols if c not in hidden)
        if have < need and name_col in cols:
            letter = get_column_letter(name_col)
            ws.column_dimensions[letter].width = round(col_width(ws, name_col) + need - have + 0.5, 1)

    last = grid.last_table_col
    # 单位：万元 in the last column alone, so that 单位名称 has all the others.
    letter = get_column_letter(last)
    ws.column_dimensions[letter].width = max(col_width(ws, last), width_for(UNIT_TEXT))
    widen(list(range(1, last + 1)), width_for(title, points(TITLE_FONT), True))
    widen(list(range(1, last)), width_for(unit))


def _unit_line(ws: Worksheet, grid: SheetGrid, at: int) -> None:
    """单位名称 over the columns before the last, 单位：万元 right-aligned in the last."""
    first, last = 1 + at, grid.last_table_col + at
    if last - 1 > first:
        merge(ws, 2, first, 2, last - 1)
    put_text(ws, 2, last, UNIT_TEXT).alignment = RIGHT


def _footnote(ws: Worksheet, grid: SheetGrid, text: str) -> int:
    """The 原表数 block's 注 line below its last row; returns that row."""
    row = max(grid.last_row, grid.first_row) + 1
    first, last = grid.orig_col(1), grid.orig_col(grid.last_table_col)
    c = put_text(ws, row, first, text)
    c.font = NOTE_FONT
    c.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    merge(ws, row, first, row, last)
    return row


def has_printed(doc: Document) -> bool:
    """A document read from a disclosure (its tables print figures), not the blank template."""
    return any(v is not None for t in doc.tables.values() if t is not None for r in t.rows for v in r.amounts.values())


def write_table(ws: Worksheet, doc: Document, plan: TablePlan, grid: SheetGrid, amap: AddressMap,
                live: dict[TableCell, float], judging: Live, imported_values: Source) -> None:
    """`live`: each derived cell's recomputation on import; `judging`: the workbook's evaluation,
    `imported_values` the figures it judges right after import (`judged.LiveDocument`). A
    recomputed figure is marked by its own identity only, as 校验 judges it and from the same
    evaluation (`Live.judge_cell`, `Live.since_of`): its 原表数 against its direct parts (their
    printed figures until an input changes), with the tolerance of those parts."""
    n = plan.number
    imported = has_printed(doc)
    missing = "原文缺少此表。" if plan.table is None else "注：本表无数据。" if plan.table.empty else ""
    _frame(ws, doc, plan, grid, 0, (missing + WORK_NOTE) if imported else missing)
    _frame(ws, doc, plan, grid, grid.orig_offset, "")
    _headers(ws, plan, grid, doc.year)
    _headers(ws, plan, grid, doc.year, grid.orig_offset)
    widths: dict[int, list[str]] = defaultdict(list)  # column → the figures it shows, for its width
    # (column, tolerance, the parts' 尾差, the identity's difference as printed or None) → rows
    flags: dict[tuple[int, float, float, float | None], list[int]] = defaultdict(list)
    for (side_name, rows), side, pos in zip(plan.sides, grid.sides, grid.side_rows):
        for p in rows:
            r = pos[p.key]
            bold = p.key in _TOTALS or (p.row is not None and p.row.kind in ("total", "subtotal"))
            labels = side.label_cols
            if len(labels) == 2:
                if LAYOUTS[n].kind.labels == "names":  # two names (部门, 政府 经济科目), no code
                    put_text(ws, r, labels[0], p.name)
                    put_text(ws, r, labels[1], p.row.second_name if p.row else None)
                else:
                    put_text(ws, r, labels[0], p.code, code=True)
                    put_text(ws, r, labels[1], p.name)
            else:
                put_text(ws, r, labels[0], p.name)
            for col in labels:
                c = cell_at(ws, r, col)
                # Names wrap in their column rather than run over the figures beside them.
                label = _label_styles(bold, max(p.level - 1, 0),
                                      col != labels[0] or len(labels) == 1 or LAYOUTS[n].kind.labels == "names")
                apply(c, label)
                mirror = cell_at(ws, r, grid.orig_col(col))
                if c.value is not None:
                    put_value(mirror, c.value)
                    mirror.data_type = "s"
                    mirror.number_format = c.number_format
                apply(mirror, label)
            for key, col in side.amount_cols.items():
                ck = TableCell(n, p.key, key)
                c = cell_at(ws, r, col)
                apply(c, _AMOUNT[bold])
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
                    put_value(c, 0 if expr == "0" else "=" + expr)  # no cell to add up: a constant
                    c.number_format = DERIVED_FORMAT
                    identity = judging.identity(ck)
                    assert identity is not None  # a derived cell of the plan the evaluation was made from
                    # The identity's own tolerance, the parts' own 尾差 under it (so that a cent
                    # deep in 表2 marks 表2's sum, not every figure above it) and its difference
                    # as printed, beyond which any difference is an edit: 校验's, all three.
                    flags[(col, tolerance_of(identity), judging.parts_offset(ck), judging.since_of(ck))].append(r)
                    now = judging.judge_cell(ck, imported_values)
                    if now is not None and now.status is not Status.PASS:
                        # Only the printed figure, which no recalculation changes: the
                        # recomputation is the cell itself, its verdict the cell's colour.
                        c.comment = Comment(f"原表数 {printed or 0:,.2f}：本格为重算公式，与原表数不同（黄色为尾差，红色为不符）", "xltools")
                else:
                    put_value(c, printed)
                    c.number_format = AMOUNT_FORMAT
                oc = grid.orig_cols[key]
                o = cell_at(ws, r, oc)
                put_value(o, p.row.as_printed(key) if p.row else None)
                apply(o, _PRINTED[bold])
                figure = live.get(ck, printed or 0.0) if terms is not None else printed
                widths[col] += [shown(printed, AMOUNT_FORMAT),
                                shown(figure, AMOUNT_FORMAT)]
    _flags(ws, grid, flags)
    _page(ws, grid, widths, imported, _title(doc, plan), _unit_name(doc), missing or PRINTED_NOTE)


# A table's cells are styled a few ways, each a constant `Styles` (fast_styles.apply).
_AMOUNT: dict[bool, Styles] = {b: (("border", BOX), ("font", BOLD_FONT if b else BODY_FONT), ("alignment", MIDDLE))
                               for b in (False, True)}
_PRINTED: dict[bool, Styles] = {b: (("number_format", AMOUNT_FORMAT),) + _AMOUNT[b] for b in (False, True)}


@cache
def _label_styles(bold: bool, indent: int, wrap: bool) -> Styles:
    align = Alignment(horizontal="left", vertical="center", indent=indent, wrap_text=wrap)
    return (("border", BOX), ("font", BOLD_FONT if bold else BODY_FONT), ("alignment", align))


def _flags(ws: Worksheet, grid: SheetGrid, flags: dict[tuple[int, float, float, float | None], list[int]]) -> None:
    """A recomputed figure that differs from its 原表数: red beyond tolerance or where an edit
    made or enlarged the difference (`since`, an imported document's), yellow for the
    document's own 尾差, on the formula and on the printed figure alike."""
    orig_of = {grid.main_col(k): c for k, c in grid.orig_cols.items()}
    for (col, tol, below, since), rows in sorted(flags.items(), key=lambda kv: (kv[0][:3], kv[0][3] or 0.0)):
        rows.sort()
        a, o = cell(col, rows[0]), cell(orig_of[col], rows[0])
        if below:
            a = f"({a}{'+' if below > 0 else '-'}{number(abs(below))})"
        # printed − parts, as the 校验 row's 差额 (实际 − 应为) that `since` is a value of
        diff = difference_excel(o, a)
        tail = differs_excel(diff)
        beyond = beyond_excel(diff, tol) if since is None else fails_since_excel(signed_difference_excel(o, a), tol, since)
        # Each range parsed once for its two rules (openpyxl parses a range given as text anew).
        sqref = _cells_of(col, rows)
        ws.conditional_formatting.add(sqref, FormulaRule(formula=[beyond], fill=FLAG_FILL, stopIfTrue=True))
        ws.conditional_formatting.add(sqref, FormulaRule(formula=[tail], fill=TAIL_FILL))
        printed = _cells_of(orig_of[col], rows)
        # The fill only, no mark beside the figure: the printed 原表数 reads as the document
        # prints it (and as `xltools check` reads a PDF of it); 问题 lists each 不符 by its cell.
        for formula, fill in ((beyond, FLAG_FILL), (tail, TAIL_FILL)):
            ws.conditional_formatting.add(printed, Rule(type="expression", dxf=DifferentialStyle(fill=fill),
                                                        formula=[formula], stopIfTrue=fill is FLAG_FILL))


def _cells_of(col: int, rows: list[int]) -> ConditionalFormatting:
    """The cells of `col` at `rows`, as `ConditionalFormatting("E8 E9 …")` makes them, each
    range made from its numbers rather than parsed back from its name."""
    return ConditionalFormatting(MultiCellRange({CellRange(min_col=col, min_row=r, max_col=col, max_row=r) for r in rows}))


def _page(ws: Worksheet, grid: SheetGrid, figures: dict[int, list[str]], imported: bool, title: str, unit: str,
          note: str) -> None:
    """Widths from the content (names wrap past a limit), heights that fit, A4 landscape.
    An imported document prints its 原表数 block as the document prints the table: the title
    and 单位 line once, the headers on every page, no column the document does not print
    (表1/表4 print no 科目编码), the 注 line below; the blank template prints its working table."""
    n = grid.number
    kind = LAYOUTS[n].kind
    cols: dict[int, tuple[float, float]] = {}
    for s, labels in zip(grid.sides, LAYOUTS[n].labels):
        for i, (col, label) in enumerate(zip(s.label_cols, labels)):
            coded = len(s.label_cols) == 2 and kind.labels == "code" and i == 0
            cols[col] = kind.code_width if coded else kind.name_width
            figures[col] = figures.get(col, []) + broken(label).split("\n")
        for key, col in s.amount_cols.items():
            cols[col] = (9, 16)
            # Wide enough for each line of its header, so the header wraps only where broken.
            figures[col] = figures.get(col, []) + broken(key).split("\n")
    fit_columns(ws, cols, grid.first_row, figures)
    # The 科目编码 of 表1/表4 is the working table's (its formulas look codes up); the document
    # prints the 类 by name only, and so does the 原表数 block.
    uncoded = {s.label_cols[0] for s in grid.sides if not kind.prints_codes and len(s.label_cols) == 2}
    _fit_frame(ws, grid, title, unit, uncoded if imported else set())
    for col in range(1, grid.last_table_col + 1):
        ws.column_dimensions[get_column_letter(grid.orig_col(col))].width = ws.column_dimensions[get_column_letter(col)].width
    for col in uncoded:
        ws.column_dimensions[get_column_letter(grid.orig_col(col))].hidden = True
    ws.column_dimensions[get_column_letter(grid.orig_offset)].width = 3
    _unit_line(ws, grid, 0)
    _unit_line(ws, grid, grid.orig_offset)
    last_row = _footnote(ws, grid, note) if imported else max(grid.last_row, grid.first_row)
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
    fit_to_page(ws.sheet_properties)
    ws.print_title_rows = f"{FIRST_HEADER_ROW}:{grid.first_row - 1}"
    at = grid.orig_offset if imported else 0
    ws.print_area = f"{cell(1 + at, 1)}:{cell(grid.last_table_col + at, last_row)}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    footer(ws)
