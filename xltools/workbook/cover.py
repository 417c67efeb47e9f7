"""The cover (unit, year, source, live counts, links), the 代码 sheet and the charts."""
from __future__ import annotations

from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xltools.core.layouts import CLASS_NAMES, T10_ROWS
from xltools.core.model import Document
from xltools.workbook.address import AddressMap
from xltools.workbook.cells import fit_rows, fit_to_width, put_header, put_text
from xltools.workbook.checksheet import READ_VERDICT, count_formula, put_link
from xltools.core.verdicts import ADVISORY, MISMATCH, PASSED, TAILED
from xltools.core.comparisons import number
from xltools.workbook.formulas import sum_expr
from xltools.core.references import TableCell
from xltools.evaluation.plan import TablePlan
from xltools.workbook.sheets import WRAP, AMOUNT_FORMAT, BOLD_FONT, BOX, COUNT_FORMAT, COVER, NOTE_FONT, PROBLEMS, RED_FONT, TEXT_FORMAT, TITLE_FONT, quoted


# The live counts, one row each from B10: what 问题 and the first step read.
COUNTED = (MISMATCH, ADVISORY, TAILED, PASSED, READ_VERDICT)
COUNT_ROW = 10


def count_cell(word: str) -> str:
    """The cover cell counting `word` in 校验's 结果 column."""
    return f"{quoted(COVER)}!$B${COUNT_ROW + COUNTED.index(word)}"


# The document's facts, one row each from row 3 (label in A, value in B): the 说明草稿 reads
# the unit, the year and the kind from here.
INFO_ROW = 3
INFO_LABELS = ("单位名称", "预算年度", "类别", "来源文件", "金额单位")


def info_cell(label: str) -> str:
    """The cover cell holding the fact `label` (one of `INFO_LABELS`)."""
    return f"B{INFO_ROW + INFO_LABELS.index(label)}"


def write_cover(ws: Worksheet, wb: Workbook, doc: Document, last_check: int) -> None:
    put_text(ws, 1, 1, f"{doc.unit or ''}{doc.year or ''}年预算公开审核工作簿").font = TITLE_FONT
    ws.merge_cells("A1:B1")
    ws["A1"].alignment = WRAP
    info = zip(INFO_LABELS, (doc.unit, str(doc.year or ""), doc.kind, doc.source, "万元（绩效目标表为元）"), strict=True)
    for i, (k, v) in enumerate(info, start=INFO_ROW):
        label = put_text(ws, i, 1, k)
        label.font = BOLD_FONT
        label.alignment = WRAP  # level with its value when that wraps
        put_text(ws, i, 2, v)
    put_header(ws, 9, 1, "校验结果")
    put_header(ws, 9, 2, "条数")
    for i, word in enumerate(COUNTED, start=COUNT_ROW):
        put_text(ws, i, 1, word)
        ws.cell(i, 2).value = count_formula(word, last_check)
        ws.cell(i, 2).number_format = COUNT_FORMAT
        for col in (1, 2):
            ws.cell(i, col).border = BOX
    first_step = ws.cell(2, 1)
    first_step.value = FIRST_STEP
    first_step.font = RED_FONT
    first_step.alignment = WRAP
    first_step.hyperlink = Hyperlink(ref="A2", location=f"{quoted(PROBLEMS)}!A1", display="问题")
    ws.merge_cells("A2:B2")
    put_text(ws, 15, 1, "不符 = 必须成立的关系不成立（错误）；提示 = 通常成立的关系不成立（需说明）；"
                        "尾差 = 四舍五入造成的差额。改动任一输入单元格，所有合计、相关表和结果随之更新。").font = NOTE_FONT
    put_header(ws, 17, 1, "工作表")
    put_header(ws, 17, 2, "链接")
    for i, name in enumerate(wb.sheetnames[1:], start=18):
        if name.startswith("_"):
            continue
        put_text(ws, i, 1, name)
        if wb[name].sheet_state == "visible":
            put_link(ws, i, 2, name, "A1", "打开")
        else:  # a link to a hidden sheet does nothing in Excel
            put_text(ws, i, 2, HIDDEN_NOTE).font = NOTE_FONT
        for col in (1, 2):
            ws.cell(i, col).border = BOX
    ws.merge_cells("A15:B15")
    ws["A15"].alignment = WRAP
    for r in range(INFO_ROW, INFO_ROW + len(INFO_LABELS)):
        ws.cell(r, 2).alignment = WRAP  # a long unit name or path wraps, not runs off the page
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    fit_rows(ws)
    ws.row_dimensions[2].height = max(ws.row_dimensions[2].height or 0, 36)  # the sentence is a formula
    fit_to_width(ws, landscape=False)


HIDDEN_NOTE = "已隐藏，默认不打印。查看或打印：右键任一工作表标签 →“取消隐藏”"


# What to do first, in one sentence, from the live counts of B10 (不符), B11 (提示), B12 (尾差).
FIRST_STEP = ('=IF(B10+B11+B12+B13=0,"尚无校验结果：导入预算公开文本后，这里说明先做什么。",'
              'IF(B10>0,"先打开“问题”表，更正 "&B10&" 条不符"&IF(B11>0,"，再逐条说明 "&B11&" 条提示","")&"。",'
              'IF(B11>0,"没有不符：打开“问题”表，逐条说明 "&B11&" 条提示。",'
              '"没有不符或提示，无需更正"&IF(B12>0,"（"&B12&" 条尾差为四舍五入所致）","")&"。")))')


def write_codes(ws: Worksheet, plans: dict[int, TablePlan]) -> None:
    put_text(ws, 1, 1, "功能分类与收入分类科目编码").font = TITLE_FONT
    for i, h in enumerate(("科目编码", "科目名称", "出现于"), start=1):
        put_header(ws, 3, i, h)
    seen: dict[str, tuple[str, list[int]]] = {c: (n, []) for c, n in CLASS_NAMES.items()}
    for n, plan in sorted(plans.items()):
        for _, rows in plan.sides:
            for p in rows:
                if p.code and p.row is not None:
                    name, tables = seen.setdefault(p.code, (p.name, []))
                    if n not in tables:
                        tables.append(n)
    for i, code in enumerate(sorted(seen), start=4):
        name, tables = seen[code]
        put_text(ws, i, 1, code, code=True)
        put_text(ws, i, 2, name)
        put_text(ws, i, 3, "、".join(f"表{t}" for t in tables))
        for col in (1, 2, 3):
            ws.cell(i, col).border = BOX
            ws.cell(i, col).alignment = WRAP
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 30
    for row in ws.iter_rows(min_row=4, max_col=1):
        row[0].number_format = TEXT_FORMAT
    fit_rows(ws)
    fit_to_width(ws, landscape=False, title_rows="3:3")


def _block(ws: Worksheet, top: int, title: str, items: list[tuple[str, str]]) -> tuple[int, int]:
    """A small helper table of live formulas a chart binds to; returns (first, last) row."""
    put_text(ws, top, 1, title).font = BOLD_FONT
    for i, (label, expr) in enumerate(items, start=top + 1):
        put_text(ws, i, 1, label).alignment = WRAP
        ws.cell(i, 2).value = "=" + expr
        ws.cell(i, 2).number_format = AMOUNT_FORMAT
        ws.cell(i, 1).border = ws.cell(i, 2).border = BOX
    return top + 1, top + max(len(items), 1)


def write_charts(ws: Worksheet, doc: Document, plans: dict[int, TablePlan], amap: AddressMap,
                 offsets: dict[TableCell, float] | None = None) -> None:
    """`offsets`: each derived figure's printed 尾差 (`plan.offsets`): a chart shows the figure
    the document prints until an input changes, not its recomputation a cent off."""
    put_text(ws, 1, 1, "图表（绑定到各表的实时单元格）").font = TITLE_FONT
    put_text(ws, 2, 1, "左侧为图表所用数据，均为公式，为表中印出的数（编辑后随之变动）。").font = NOTE_FONT
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.cell(r, 1).alignment = WRAP

    def live(n: int, row: str, col: str) -> str:
        cell = TableCell(n, row, col)
        c = (offsets or {}).get(cell, 0.0)
        expr = sum_expr([(amap.live_cell(cell), 1.0)])
        return expr if c == 0 or expr == "0" else f"ROUND({expr}{'+' if c > 0 else '-'}{number(abs(c))},2)"

    income = [(s, live(1, s, "金额")) for s in ("一般公共预算", "政府性基金预算", "国有资本经营预算",
                                                "财政专户管理资金", "单位资金", "上年结转")]
    spend = [("基本支出", live(3, "合计", "基本支出")), ("项目支出", live(3, "合计", "项目支出"))]
    t5 = plans[5]
    classes = [(p.name, live(5, p.key, "合计")) for _, rows in t5.sides for p in rows
               if p.code and len(p.code) == 3 and p.row is not None]
    # The chart shows the leaves: the two 公务用车 items, not their sum, and no 合计.
    sangong = [(k, live(10, k, "合计")) for k, _ in T10_ROWS if k not in ("公务用车购置及运行费", "合计")]
    charts = (("收入结构", income, "pie"), ("支出结构（基本/项目）", spend, "pie"),
              ("一般公共预算支出（按类）", classes, "bar"), ("“三公”经费", sangong, "bar"))
    top = 4
    anchor_row = 4
    for title, items, kind in charts:
        first, last = _block(ws, top, title, items)
        data = Reference(ws, min_col=2, min_row=first, max_row=last)
        cats = Reference(ws, min_col=1, min_row=first, max_row=last)
        chart = PieChart() if kind == "pie" else BarChart()
        if isinstance(chart, BarChart):
            chart.type = "bar"
            chart.legend = None
        chart.title = title
        chart.add_data(data, titles_from_data=False)
        chart.series[0].tx = SeriesLabel(v=title)  # else viewers label it "Column B"
        chart.set_categories(cats)
        # Only the value (bars) or value and share (pies): no series or category name, no key.
        chart.dataLabels = DataLabelList(showVal=True, showPercent=kind == "pie", showSerName=False,
                                         showCatName=False, showLegendKey=False, showLeaderLines=False)
        chart.height, chart.width = 7.5, 14
        ws.add_chart(chart, f"D{anchor_row}")
        anchor_row += 16
        if anchor_row == 36:
            # Two charts a page: a chart a page break cuts prints in two halves.
            ws.row_breaks.append(Break(id=anchor_row - 1))
        top = last + 3
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 14
    fit_rows(ws)
    fit_to_width(ws, landscape=False)
