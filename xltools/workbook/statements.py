"""The 情况说明 and 绩效 sheets: each stated figure beside the table figure it restates."""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Callable, Iterable

from openpyxl.styles import Alignment, Border
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xltools.core.model import Document
from xltools.core.references import NarrativeFigure, OverallCell, OverallSide, ProjectCell, Ref, TableCell
from xltools.rules.core import Equal, Instance, Rule, ShareOf, Term, Terms, refs_of
from xltools.workbook.address import AddressMap, cell
from xltools.workbook.cells import fit_columns, fit_rows, fit_to_width, put_header, put_text, restyle, shown
from xltools.workbook.formulas import Offset, sum_expr, terms_expr
from xltools.workbook.sheets import AMOUNT_FORMAT, BOLD_FONT, BOX, THIN, COUNT_FORMAT, DERIVED_FORMAT, NOTE_FONT, NARRATIVE, PERFORMANCE, TITLE_FONT, decimals_format

PARTS = ("总额", "中央", "省级", "市县", "单位自筹", "其他")
FIRST = 4
PERF_FIRST = 5  # 绩效 has two header rows: 年度资金 / 实施期资金 over their parts
YUAN_FORMAT = "#,##0"
YUAN_CENTS_FORMAT = "#,##0.00"
MIDDLE = Alignment(vertical="center")
WRAPPED = Alignment(vertical="center", wrap_text=True)
OPEN_BELOW = Border(left=THIN, right=THIN, top=THIN)
OPEN_ABOVE = Border(left=THIN, right=THIN, bottom=THIN)


def _boxed(ws: Worksheet, first: int, last: int, ncols: int, wrapped: tuple[int, ...]) -> None:
    for col in range(1, ncols + 1):
        cells = (ws.cell(r, col) for r in range(first, last + 1))
        restyle(cells, border=BOX, alignment=WRAPPED if col in wrapped else MIDDLE)


def _head_lines(ws: Worksheet, ncols: int) -> None:
    """Title and note over the sheet's width, wrapped: nothing runs past the print area."""
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.cell(r, 1).alignment = Alignment(vertical="center", wrap_text=True)


def figure_format(kind: str, decimals: int) -> str:
    """A narrative figure as what it is: a share or growth as a percent at the decimals the
    document printed, a count as an integer, money with two decimals."""
    if kind in ("share", "growth"):
        return decimals_format(decimals, percent=True)
    if kind == "count":
        return COUNT_FORMAT
    return AMOUNT_FORMAT


def _hide_zero(fmt: str) -> str:
    return f'{fmt};-{fmt};""'


def place_narrative(doc: Document, amap: AddressMap) -> None:
    for i, f in enumerate(doc.narrative.figures):
        amap.other[NarrativeFigure(f.key)] = (NARRATIVE, cell(NCol.STATED, FIRST + i))


@dataclass(frozen=True)
class Restated:
    """The formula of the table figure a narrative figure restates, read as the document
    printed it until an input changes (with the document's own 尾差 under it, as 校验 reads
    it), and its recomputation where the two differ (None where they cannot)."""

    printed: str
    recomputed: str | None


def _restated(instances: list[tuple[Rule, Instance]], amap: AddressMap, offset: Offset) -> dict[str, Restated]:
    """Figure key → the table figure it restates (from the rules' own relations)."""
    out: dict[str, Restated] = {}

    def both(build: Callable[[Offset], str], terms: Iterable[Term]) -> Restated:
        drifts = any(offset(t.ref) for t in terms)
        return Restated(build(offset), build(_no_offset) if drifts else None)

    for _, inst in instances:
        rel = inst.relation
        if isinstance(rel, Equal):
            for one, other in ((rel.lhs, rel.rhs), (rel.rhs, rel.lhs)):
                said = one[0].ref if len(one) == 1 else None
                if isinstance(said, NarrativeFigure) and not any(isinstance(t.ref, NarrativeFigure) for t in other):
                    def equal(off: Offset, other: Terms = other, dec: int = rel.decimals) -> str:
                        return f"=ROUND({terms_expr(other, amap.live, off)},{dec})"
                    out.setdefault(said.key, both(equal, other))
        elif isinstance(rel, ShareOf) and isinstance(rel.printed, NarrativeFigure):
            def share(off: Offset, rel: ShareOf = rel) -> str:
                part, base = terms_expr(rel.part, amap.live, off), terms_expr(rel.base, amap.live, off)
                return f'=IF(({base})=0,"",ROUND(({part})/({base})*100,{rel.decimals}))'
            out.setdefault(rel.printed.key, both(share, rel.part + rel.base))
    return out


def _no_offset(ref: Ref) -> float:
    return 0.0


KIND_ZH = {"amount": "金额", "share": "占比", "growth": "增减率", "change": "增减额", "count": "个数", "base": "上年数"}


class NCol(IntEnum):
    """情况说明's columns, with their headers (`N_HEADS`)."""

    KEY = 1  # hidden: ties a row to the document's structure (s1.f1)
    SECTION = 2
    KIND = 3
    SUBJECT = 4
    STATED = 5  # 原文数: the figure the narrative prints, what `place_narrative` names
    RESTATED = 6
    DIFF = 7
    RECOMPUTED = 8
    LINE = 9
    TEXT = 10


N_HEADS = {NCol.KEY: "键", NCol.SECTION: "段", NCol.KIND: "类型", NCol.SUBJECT: "主题", NCol.STATED: "原文数",
           NCol.RESTATED: "表中对应数", NCol.DIFF: "差额", NCol.RECOMPUTED: "表中重算数", NCol.LINE: "原文行", NCol.TEXT: "原文"}


def write_narrative(ws: Worksheet, doc: Document, amap: AddressMap, instances: list[tuple[Rule, Instance]],
                    offset: Offset = _no_offset) -> None:
    """`offset`: each table figure's printed 尾差 (`Live.offset`), so that 表中对应数 shows the
    table's figure as the document prints it until an input changes, and 表中重算数 beside it
    the recomputation where the two differ."""
    put_text(ws, 1, 1, "预算情况说明中的数字（原文数）与表中对应数").font = TITLE_FONT
    put_text(ws, 2, 1, "表中对应数由校验规则的同一关系生成，为表中印出的数（编辑后随之变动）；表中重算数为各表明细"
                       "重新相加之数，仅在与表中对应数不同（原表尾差）时列出。金额单位万元，占比与增幅为百分数。").font = NOTE_FONT
    for col, h in N_HEADS.items():
        put_header(ws, 3, col, h)
    restated = _restated(instances, amap, offset)
    stated, shown_at, diff = (get_column_letter(c) for c in (NCol.STATED, NCol.RESTATED, NCol.DIFF))
    for i, f in enumerate(doc.narrative.figures):
        r = FIRST + i
        fmt = figure_format(f.kind, f.decimals)
        put_text(ws, r, NCol.KEY, f.key)
        ws.cell(r, NCol.SECTION).value = f.section
        ws.cell(r, NCol.SECTION).number_format = COUNT_FORMAT
        put_text(ws, r, NCol.KIND, KIND_ZH.get(f.kind, f.kind))
        put_text(ws, r, NCol.SUBJECT, f.subject)
        ws.cell(r, NCol.STATED).value = f.value
        ws.cell(r, NCol.STATED).number_format = fmt
        if f.key in restated:
            ws.cell(r, NCol.RESTATED).value = restated[f.key].printed
            ws.cell(r, NCol.RESTATED).number_format = fmt
            ws.cell(r, NCol.DIFF).value = f'=IF(ISNUMBER({shown_at}{r}),ROUND({stated}{r}-{shown_at}{r},2),"")'
            ws.cell(r, NCol.DIFF).number_format = _hide_zero(fmt)
            recomputed = restated[f.key].recomputed
            if recomputed is not None:  # shown only where it differs from 表中对应数
                ws.cell(r, NCol.RECOMPUTED).value = f'=IF({recomputed[1:]}={shown_at}{r},"",{recomputed[1:]})'
                ws.cell(r, NCol.RECOMPUTED).number_format = fmt
        ws.cell(r, NCol.LINE).value = f.line
        put_text(ws, r, NCol.TEXT, f.text)
    last = FIRST + max(len(doc.narrative.figures), 1) - 1
    _head_lines(ws, len(N_HEADS))
    _boxed(ws, FIRST, last, len(N_HEADS), wrapped=(NCol.KEY, NCol.SUBJECT, NCol.TEXT))
    for col, w in ((NCol.SECTION, 5), (NCol.KIND, 7), (NCol.LINE, 7)):
        ws.column_dimensions[get_column_letter(col)].width = w
    # 原文数, 表中对应数, 差额 and 表中重算数 as wide as the figures the text prints (the others
    # are formulas: sized by the printed ones); a narrower column prints ###.
    figures = [shown(ws.cell(r, NCol.STATED).value, ws.cell(r, NCol.STATED).number_format) for r in range(FIRST, last + 1)]
    fit_columns(ws, {NCol.KEY: (8, 16), NCol.SUBJECT: (12, 24), NCol.TEXT: (40, 60), NCol.STATED: (12, 20),
                     NCol.RESTATED: (12, 20), NCol.DIFF: (10, 20), NCol.RECOMPUTED: (12, 20)},
                FIRST, {NCol.RESTATED: figures, NCol.DIFF: figures, NCol.RECOMPUTED: figures})
    # The 键 ties a row to the document's structure (s1.f1): kept, but neither shown nor printed.
    ws.column_dimensions[get_column_letter(NCol.KEY)].hidden = True
    fit_rows(ws)
    ws.freeze_panes = "A4"
    fit_to_width(ws, title_rows="3:3")
    ws.print_area = f"A1:{get_column_letter(max(NCol))}{last}"


# 绩效: two rows a project, 年度资金 over 实施期资金, their parts side by side: 14 columns
# that print legibly on A4 landscape (one row with both would be 20 columns wide).
P_KEY, P_NAME, P_LINE, P_KIND, P_PARTS, P_T12, P_T12_SUM, P_ANNUAL, P_DIFF = 1, 2, 3, 4, 5, 11, 12, 13, 14
P_COLS = 14


def _project_row(i: int) -> int:
    return PERF_FIRST + 2 * i


def place_performance(doc: Document, amap: AddressMap) -> None:
    for i, p in enumerate(doc.projects):
        r = _project_row(i)
        for j, part in enumerate(PARTS):
            amap.other[ProjectCell(p.key, f"annual:{part}")] = (PERFORMANCE, cell(P_PARTS + j, r))
            amap.other[ProjectCell(p.key, f"period:{part}")] = (PERFORMANCE, cell(P_PARTS + j, r + 1))
    if doc.overall is not None:
        base = _overall_title(doc) + 2
        sides: tuple[OverallSide, ...] = ("source", "direction")
        for k, (side, values) in enumerate(zip(sides, (doc.overall.by_source, doc.overall.by_direction))):
            for j, key in enumerate(values):
                amap.other[OverallCell(side, key)] = (PERFORMANCE, cell(P_PARTS + j, base + 2 * k))


def _overall_title(doc: Document) -> int:
    """The row of the overall table's title, a blank row below the projects; each of its two
    parts is a row of headers (its items) over a row of figures."""
    return _project_row(max(len(doc.projects), 1)) + 1


def _pairs(instances: list[tuple[Rule, Instance]]) -> dict[str, TableCell]:
    """Project key → the 表12 合计 cell a rule compares it with."""
    out: dict[str, TableCell] = {}
    for _, inst in instances:
        refs = refs_of(inst.relation)
        projects = [r for r in refs if isinstance(r, ProjectCell)]
        t12 = [r for r in refs if isinstance(r, TableCell) and r.table == 12 and r.column == "合计"]
        if len(t12) == 1:
            for p in projects:
                out.setdefault(p.project, t12[0])
    return out


def write_performance(ws: Worksheet, doc: Document, amap: AddressMap, instances: list[tuple[Rule, Instance]]) -> None:
    put_text(ws, 1, 1, "项目支出绩效目标表（元）与表12 对应项目（万元）").font = TITLE_FONT
    put_text(ws, 2, 1, "年度资金与实施期资金为原文数（元）；表12 合计取自表12 当前数（随表12 变化）。").font = NOTE_FONT
    top, bottom = PERF_FIRST - 2, PERF_FIRST - 1
    for col, h in ((P_KEY, "键"), (P_NAME, "项目名称"), (P_LINE, "原文行"), (P_KIND, "资金")):
        put_header(ws, top, col, h, last_row=bottom)
    put_header(ws, top, P_PARTS, "绩效目标表资金（元）", last_col=P_PARTS + len(PARTS) - 1)
    for j, part in enumerate(PARTS):
        put_header(ws, bottom, P_PARTS + j, part)
    put_header(ws, top, P_T12, "表12 对应项目（万元）", last_col=P_DIFF)
    for col, h in ((P_T12, "项目名称"), (P_T12_SUM, "表12 合计"), (P_ANNUAL, "年度总额"), (P_DIFF, "差额")):
        put_header(ws, bottom, col, h)
    pairs = _pairs(instances)
    t12 = doc.table(12)
    total, t12_sum, annual = (get_column_letter(c) for c in (P_PARTS, P_T12_SUM, P_ANNUAL))
    for i, p in enumerate(doc.projects):
        r = _project_row(i)
        put_text(ws, r, P_KEY, p.key)
        put_text(ws, r, P_NAME, p.name)
        ws.cell(r, P_LINE).value = p.line
        put_text(ws, r, P_KIND, "年度")
        put_text(ws, r + 1, P_KIND, "实施期")
        # At the table's own decimals: 元 with cents where the table prints any (26,906,012.88
        # is not 26,906,013), whole 元 where it prints none.
        cents = any(v is not None and round(v, 2) != round(v) for v in (*p.annual.values(), *p.period.values()))
        for j, part in enumerate(PARTS):
            for rr, src in ((r, p.annual), (r + 1, p.period)):
                ws.cell(rr, P_PARTS + j).value = src.get(part)
                ws.cell(rr, P_PARTS + j).number_format = YUAN_CENTS_FORMAT if cents else YUAN_FORMAT
        ref = pairs.get(p.key)
        if ref is not None:
            row = t12.row(ref.row) if t12 else None
            put_text(ws, r, P_T12, row.name if row else None)
            ws.cell(r, P_T12_SUM).value = "=" + sum_expr([(amap.live(ref), 1.0)])
            ws.cell(r, P_T12_SUM).number_format = AMOUNT_FORMAT
            ws.cell(r, P_DIFF).value = f"=ROUND({annual}{r}-{t12_sum}{r},2)"
            ws.cell(r, P_DIFF).number_format = DERIVED_FORMAT
        ws.cell(r, P_ANNUAL).value = f"=ROUND({total}{r}/10000,2)"
        ws.cell(r, P_ANNUAL).number_format = AMOUNT_FORMAT
    last = _project_row(max(len(doc.projects), 1)) - 1
    _boxed(ws, PERF_FIRST, last, P_COLS, wrapped=(P_KEY, P_NAME, P_T12))
    # A project's own cells read as one over its two rows, without a merge: a merged cell
    # that a page break splits prints its text cut in two.
    for i in range(len(doc.projects)):
        r = _project_row(i)
        for col in (P_KEY, P_NAME, P_LINE, P_T12, P_T12_SUM, P_ANNUAL, P_DIFF):
            ws.cell(r, col).border = OPEN_BELOW
            ws.cell(r + 1, col).border = OPEN_ABOVE
    samples: dict[int, list[str]] = {c: ["00,000,000"] for c in range(P_PARTS, P_PARTS + len(PARTS))}
    samples.update({c: ["00,000.00"] for c in (P_T12_SUM, P_ANNUAL, P_DIFF)})
    if doc.overall is not None:
        title = _overall_title(doc)
        put_text(ws, title, 1, "整体支出绩效目标申报表（万元）").font = BOLD_FONT
        ws.merge_cells(start_row=title, start_column=1, end_row=title, end_column=P_KIND)
        for k, (label, values) in enumerate((("按来源", doc.overall.by_source), ("按用途", doc.overall.by_direction))):
            head, r = title + 1 + 2 * k, title + 2 + 2 * k
            put_header(ws, head, 1, label, last_col=P_KIND)
            put_text(ws, r, 1, "金额（万元）")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=P_KIND)
            for j, key in enumerate(values):
                put_header(ws, head, P_PARTS + j, key)
                ws.cell(r, P_PARTS + j).value = values[key]
                ws.cell(r, P_PARTS + j).number_format = AMOUNT_FORMAT
            for col in range(1, P_PARTS + len(values)):
                ws.cell(r, col).border = BOX
                ws.cell(r, col).alignment = MIDDLE
        last = title + 4
    _head_lines(ws, P_COLS)
    for col, w in ((P_LINE, 7), (P_KIND, 7)):
        ws.column_dimensions[get_column_letter(col)].width = w
    fit_columns(ws, {P_KEY: (5, 10), P_NAME: (16, 28), P_T12: (14, 24),
                     **{c: (9, 22) for c in range(P_PARTS, P_PARTS + len(PARTS))},  # up to 9,999,999,999.99
                     **{c: (9, 12) for c in (P_T12_SUM, P_ANNUAL, P_DIFF)}}, PERF_FIRST, samples)
    fit_rows(ws)
    ws.freeze_panes = f"{cell(P_PARTS, PERF_FIRST)}"
    fit_to_width(ws, title_rows=f"{top}:{bottom}")
    ws.print_area = f"A1:{cell(P_COLS, last)}"
