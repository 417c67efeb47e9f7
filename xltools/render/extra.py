"""The 情况说明 and 绩效 sheets: each stated figure beside the table figure it restates."""
from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from ..model import Document
from ..rules.core import Equal, Instance, Ref, Rule, ShareOf, refs_of
from .address import AddressMap, cell
from .cells import fit_to_width, put_header, put_text
from .formulas import sum_expr
from .sheets import AMOUNT_FORMAT, DERIVED_FORMAT, NOTE_FONT, NARRATIVE, PERFORMANCE, TITLE_FONT, WRAP

PARTS = ("总额", "中央", "省级", "市县", "单位自筹", "其他")
FIRST = 4


def place_narrative(doc: Document, amap: AddressMap) -> None:
    for i, f in enumerate(doc.narrative.figures):
        amap.other[Ref("narrative", f.key, "value")] = (NARRATIVE, cell(5, FIRST + i))


def _restated(instances: list[tuple[Rule, Instance]], amap: AddressMap) -> dict[str, str]:
    """Figure key → formula of the table figure it restates (from the rules' own relations)."""
    out: dict[str, str] = {}
    for _, inst in instances:
        rel = inst.relation
        if isinstance(rel, Equal):
            for one, other in ((rel.lhs, rel.rhs), (rel.rhs, rel.lhs)):
                if len(one) == 1 and one[0].ref.sheet == "narrative" and all(t.ref.sheet != "narrative" for t in other):
                    expr = sum_expr((amap.printed(t.ref), t.factor) for t in other)
                    out.setdefault(one[0].ref.row, f"=ROUND({expr},{rel.decimals})")
        elif isinstance(rel, ShareOf) and rel.printed.sheet == "narrative":
            part = sum_expr((amap.printed(t.ref), t.factor) for t in rel.part)
            base = sum_expr((amap.printed(t.ref), t.factor) for t in rel.base)
            out.setdefault(rel.printed.row, f'=IF(({base})=0,"",ROUND(({part})/({base})*100,{rel.decimals}))')
    return out


KIND_ZH = {"amount": "金额", "share": "占比", "growth": "增减率", "change": "增减额", "count": "个数", "base": "上年数"}


def write_narrative(ws: Worksheet, doc: Document, amap: AddressMap, instances: list[tuple[Rule, Instance]]) -> None:
    put_text(ws, 1, 1, "预算情况说明中的数字（原文数）与表中对应数").font = TITLE_FONT
    put_text(ws, 2, 1, "表中对应数由校验规则的同一关系生成；金额单位万元，占比与增幅为百分数。").font = NOTE_FONT
    heads = ("键", "段", "类型", "主题", "原文数", "表中对应数", "差额", "原文行", "原文")
    for i, h in enumerate(heads, start=1):
        put_header(ws, 3, i, h)
    restated = _restated(instances, amap)
    for i, f in enumerate(doc.narrative.figures):
        r = FIRST + i
        put_text(ws, r, 1, f.key)
        ws.cell(r, 2).value = f.section
        put_text(ws, r, 3, KIND_ZH.get(f.kind, f.kind))
        put_text(ws, r, 4, f.subject)
        ws.cell(r, 5).value = f.value
        ws.cell(r, 5).number_format = AMOUNT_FORMAT
        if f.key in restated:
            ws.cell(r, 6).value = restated[f.key]
            ws.cell(r, 6).number_format = AMOUNT_FORMAT
            ws.cell(r, 7).value = f'=IF(ISNUMBER(F{r}),ROUND(E{r}-F{r},2),"")'
            ws.cell(r, 7).number_format = DERIVED_FORMAT
        ws.cell(r, 8).value = f.line
        put_text(ws, r, 9, f.text).alignment = WRAP
    for col, w in zip("ABCDEFGHI", (10, 5, 8, 26, 12, 12, 10, 8, 70)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A4"
    fit_to_width(ws, title_rows="1:3")


def place_performance(doc: Document, amap: AddressMap) -> None:
    for i, p in enumerate(doc.projects):
        r = FIRST + i
        for j, part in enumerate(PARTS):
            amap.other[Ref("project", p.key, f"annual:{part}")] = (PERFORMANCE, cell(4 + j, r))
            amap.other[Ref("project", p.key, f"period:{part}")] = (PERFORMANCE, cell(10 + j, r))
    if doc.overall is not None:
        base = FIRST + len(doc.projects) + 3
        for k, (side, values) in enumerate((("source", doc.overall.by_source), ("direction", doc.overall.by_direction))):
            for j, key in enumerate(values):
                amap.other[Ref("overall", side, key)] = (PERFORMANCE, cell(3 + j, base + 2 * k))


def _pairs(instances: list[tuple[Rule, Instance]]) -> dict[str, Ref]:
    """Project key → the 表12 合计 cell a rule compares it with."""
    out: dict[str, Ref] = {}
    for _, inst in instances:
        refs = refs_of(inst.relation)
        projects = [r for r in refs if r.sheet == "project"]
        t12 = [r for r in refs if r.sheet == "t12" and r.column == "合计"]
        if len(t12) == 1:
            for p in projects:
                out.setdefault(p.row, t12[0])
    return out


def write_performance(ws: Worksheet, doc: Document, amap: AddressMap, instances: list[tuple[Rule, Instance]]) -> None:
    put_text(ws, 1, 1, "项目支出绩效目标表（元）与表12 对应项目（万元）").font = TITLE_FONT
    put_text(ws, 2, 1, "年度资金与实施期资金为原文数（元）；表12 合计取自表12 原表数。").font = NOTE_FONT
    heads = ["键", "项目名称", "原文行"] + [f"年度:{p}" for p in PARTS] + [f"实施期:{p}" for p in PARTS] + \
            ["表12 项目", "表12 合计（万元）", "年度总额（万元）", "差额"]
    for i, h in enumerate(heads, start=1):
        put_header(ws, 3, i, h)
    pairs = _pairs(instances)
    t12 = doc.table(12)
    for i, p in enumerate(doc.projects):
        r = FIRST + i
        put_text(ws, r, 1, p.key)
        put_text(ws, r, 2, p.name)
        ws.cell(r, 3).value = p.line
        for j, part in enumerate(PARTS):
            for col, src in ((4 + j, p.annual), (10 + j, p.period)):
                ws.cell(r, col).value = src.get(part)
                ws.cell(r, col).number_format = "#,##0"
        ref = pairs.get(p.key)
        if ref is not None:
            row = t12.row(ref.row) if t12 else None
            put_text(ws, r, 16, row.name if row else None)
            ws.cell(r, 17).value = "=" + sum_expr([(amap.printed(ref), 1.0)])
            ws.cell(r, 17).number_format = AMOUNT_FORMAT
            ws.cell(r, 19).value = f"=ROUND(R{r}-Q{r},2)"
            ws.cell(r, 19).number_format = DERIVED_FORMAT
        ws.cell(r, 18).value = f"=ROUND(D{r}/10000,2)"
        ws.cell(r, 18).number_format = AMOUNT_FORMAT
    if doc.overall is not None:
        base = FIRST + len(doc.projects) + 2
        put_text(ws, base, 1, "整体支出绩效目标申报表（万元）").font = TITLE_FONT
        for k, (label, values) in enumerate((("按来源", doc.overall.by_source), ("按用途", doc.overall.by_direction))):
            r = base + 2 * k + 1
            put_text(ws, r, 1, label)
            for j, key in enumerate(values):
                ws.cell(r, 3 + j).value = values[key]
                ws.cell(r, 3 + j).number_format = AMOUNT_FORMAT
            for j, key in enumerate(values):
                put_text(ws, r + 1, 3 + j, key).font = NOTE_FONT
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["P"].width = 34
    ws.freeze_panes = "C4"
    fit_to_width(ws, title_rows="1:3")
    for row in ws.iter_rows(min_row=FIRST, max_col=2):
        row[1].alignment = Alignment(wrap_text=False)
