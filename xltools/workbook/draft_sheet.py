"""The 说明草稿 sheet: the 第三部分 drafted as live formulas, beside the document's own text.

Top: one row per paragraph of `draft.PARAS` (column B its sentence, one formula; C the text the
document printed; D the figures that differ, live), the inputs the tables do not hold in E/F
below it. Below: one row per figure the sentences state (数字区): its value (F), as worded (C),
and, where the document states the same figure, the comparison (H–M) written by
`formulas.formula` from a relation of `rules.core`, over the cells `rules.narrative_map` says
the figure restates: the same relations, the same judging as the 校验 rows of the N- rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from xltools.workbook import draft as D
from xltools.core.layouts import CLASS_NAMES
from xltools.core.model import Document, Figure
from xltools.core.narrative_subjects import home
from xltools.evaluation.judged import Live
from xltools.core.references import DraftCell, Ref, TableCell
from xltools.rules.core import Equal, GrowthOf, Instance, Relation, Rule, ShareOf, Term, Terms, Verdict
from xltools.rules.narrative import figure_decimals as printed_decimals, shown
from xltools.rules.narrative_map import cells_for, nref, share_base
from xltools.workbook.address import AddressMap, cell
from xltools.workbook.draft_source import SourceText, source_text
from xltools.workbook.cover import info_cell
from xltools.workbook.cells import DEFAULT_ROW, fit_rows, fit_to_width, height_for, lines_for, put_header, put_text
from xltools.core.comparisons import (HALF_CENT, at_least_half_cent_excel, fixed_excel, number, under_half_cent,
                                      under_half_cent_excel)
from xltools.core.verdicts import ADVISORY, MISMATCH, PASSED, TAILED
from xltools.workbook.formulas import RowCells, formula, sum_expr
from xltools.workbook.sheets import AMOUNT_FORMAT, BOLD_FONT, COVER, FLAG_FILL, NOTE_FONT, PASS_FILL, TAIL_FILL, TITLE_FONT, WARN_FILL, WRAP, quoted

INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
# The cover facts a sentence states, by its tag.
COVER_CELLS = {"单位": info_cell("单位名称"), "年": info_cell("预算年度"), "上年": info_cell("预算年度"),
               "类别": info_cell("类别")}
PARA_HEADS = ("段", "草稿（公式）", "原文", "与原文不同的数字", "输入项", "输入值", "输入说明")
FIG_HEADS = ("段", "数字", "草稿文字", "与原文不同", "键", "草稿数", "小数位", "原文数", "应为", "差额", "容差",
             "基数", "结果", "原文行", "原文键", "计数", "片段", "原文（文字）", "尾差调整")
# 数字区 columns
C_PARA, C_LABEL, C_TEXT, C_MSG, C_KEY, C_VALUE, C_DEC = "ABCDEFG"
C_ACTUAL, C_EXPECTED, C_DIFF, C_TOL, C_BASE, C_VERDICT, C_LINE, C_FIG, C_COUNT, C_FRAG, C_SAID, C_DRIFT = \
    "HIJKLMNOPQRS"
# A:D are printed, fitted to A4 landscape's width: 120 units stay at 9 pt or more of the
# sheet's 10 pt in LibreOffice (about 9.4 px a unit) and unscaled in Excel (7 px a unit).
# The note above the paragraphs, printed at the scale the widths give: 9 pt or more on paper.
READABLE_NOTE = Font(name=NOTE_FONT.name, size=10, color=NOTE_FONT.color)
WIDTHS = dict(zip("ABCDEFGHIJKLMNOPQRS", (6, 50, 42, 22, 26, 36, 20, 12, 12, 10, 8, 12, 8, 8, 10, 6, 30, 14, 10)))
UNITS = {"amount": "万元", "base": "万元", "change": "万元", "share": "%", "growth": "%", "count": "个"}


@dataclass
class Slot:
    """One figure a sentence states: a row of the 数字区."""

    key: str
    para: D.Para
    kind: str  # amount / share / change / growth / base / count, as narrative figures are; cover, item
    subject: str
    label: str
    source: str  # table / share / change / growth / base / input / sum / perf-share / whole / cover / item
    row: int = 0
    figure: Figure | None = None
    cells: tuple[TableCell, ...] = ()
    list_of: str = ""  # the 类列表/经济列表 the slot is an entry of
    base: Slot | None = None  # a change's last-year amount
    growth: Slot | None = None  # a change's rate, where its style states one

    @property
    def value(self) -> str:
        return f"{C_VALUE}{self.row}"

    @property
    def text(self) -> str:
        return f"{C_TEXT}{self.row}"


def _lit(s: str) -> str:
    """A string constant; Excel allows 255 characters in one, so longer text is chained."""
    if not s:
        return '""'
    return "&".join('"' + s[i:i + 200].replace('"', '""') + '"' for i in range(0, len(s), 200))


def _money(x: str) -> str:
    return f'IF({under_half_cent_excel(x)},"0",{fixed_excel(x, 2)})'


def _pct(x: str, decimals: str) -> str:
    return f'IF({under_half_cent_excel(x)},"0",{fixed_excel(x, decimals)})'


def _count(x: str) -> str:
    return fixed_excel(x, 0)


class _Builder:
    def __init__(self, ws: Worksheet, doc: Document, amap: AddressMap,
                 instances: list[tuple[Rule, Instance]], judging: Live, live: dict[TableCell, float]) -> None:
        self.ws = ws
        self.doc = doc
        self.amap = amap
        self.instances = instances
        self.placed = D.layout()
        self.input_rows: dict[str, int] = {i.key: r for p in self.placed for i, r in p.inputs}
        self.slots: list[Slot] = []
        self.by_key: dict[str, Slot] = {}
        self.cover: dict[str, Slot] = {}
        self.live = live
        self.judging = judging
        self.cell_slots: list[Slot] = []  # 表格数 rows, after the sentences' own
        self.narrated = doc.narrative.line is not None and bool(doc.narrative.figures)
        self.source: SourceText | None = source_text(doc) if self.narrated else None
        self.fills: dict[str, str | float] = {}  # input key → the value the document gives it
        self.notes: dict[str, str] = {}
        self.name_rows: list[tuple[str, int]] = []  # (paragraph, row) of each quoted class name

    # ---- addresses ----------------------------------------------------------------------
    def place(self, ref: Ref) -> tuple[str, str] | None:
        if isinstance(ref, TableCell) and ref.table not in self.amap.grids:
            return None  # a table the document lacks: 0, as `judge` reads a missing cell
        return self.amap.live(ref)

    def expr(self, terms: Iterable[Term]) -> str:
        return sum_expr(((self.place(t.ref), t.factor) for t in terms), here=D.SHEET)

    def input_ref(self, key: str) -> DraftCell:
        return DraftCell(key, "input")

    def input_cell(self, key: str) -> str:
        return f"F{self.input_rows[key]}"

    def slot_ref(self, slot: Slot) -> DraftCell:
        return DraftCell(slot.key, "value")

    # ---- the slots ----------------------------------------------------------------------
    def add(self, slot: Slot) -> Slot:
        if slot.key in self.by_key:
            return self.by_key[slot.key]
        self.slots.append(slot)
        self.by_key[slot.key] = slot
        return slot

    def collect(self) -> None:
        for tag, label in (("年", "预算年度"), ("上年", "上一年度"), ("单位", "单位名称"), ("类别", "部门/单位")):
            self.cover[tag] = self.add(Slot(f"封面:{tag}", D.paras()[0], "cover", tag, label, "cover"))
        for placed in self.placed:
            p = placed.para
            for tag, arg in D.tags(p.text):
                self.collect_tag(p, tag, arg)

    def collect_tag(self, p: D.Para, tag: str, arg: str) -> None:
        k = f"{p.key}|{tag}:{arg}" if arg else f"{p.key}|{tag}"
        name = D.subject_label(arg) if arg else ""
        if tag == "金额":
            self.add(Slot(k, p, "amount", arg, name, "table", cells=cells_for(arg)))
        elif tag == "占比":
            self.add(Slot(k, p, "share", arg, name + "占比", "share", cells=cells_for(arg)))
        elif tag == "变动":
            base = self.add(Slot(k + ":上年", p, "base", arg, "上年" + name, "base"))
            change = self.add(Slot(k, p, "change", arg, name + "增减额", "change", cells=cells_for(arg)))
            change.base = base
            if D.STYLES[D.CHANGES[arg][0]].growth:
                growth = self.add(Slot(k + ":增减率", p, "growth", arg, name + "增减率", "growth", cells=cells_for(arg)))
                change.growth = growth
        elif tag in ("输入", "个数"):
            self.add(Slot(k, p, "count" if tag == "个数" else "amount", arg, name, "input"))
        elif tag == "合计":
            self.add(Slot(k, p, "count" if arg.endswith("个数") else "amount", arg, name, "sum"))
        elif tag == "绩效占比":
            self.add(Slot(k, p, "share", D.PERF_SHARE[0], "公开项目金额占比", "perf-share"))
        elif tag == "整体":
            self.add(Slot(k, p, "amount", arg, name, "whole"))
        elif tag == "类列表":
            prefix, _ = D.LISTS[arg]
            for code in CLASS_NAMES:
                subject = prefix + code
                name = D.subject_label(subject)
                self.add(Slot(f"{p.key}|类:{code}", p, "amount", subject, name, "table",
                              cells=cells_for(subject), list_of=arg))
                if arg == "一般公共预算":
                    self.add(Slot(f"{p.key}|占比:类:{code}", p, "share", subject, name + "占比", "share",
                                  cells=cells_for(subject)))
        elif tag == "经济列表":
            for name6, keys in self.economic_lines():
                self.add(Slot(f"{p.key}|{arg}:{name6}", p, "item", name6, name6, "item",
                              cells=tuple(TableCell(6, key, arg) for key in keys), list_of=arg))

    def economic_lines(self) -> list[tuple[str, list[str]]]:
        """表6's lines (not its class rows), one per name: a name printed twice (two 政府预算经济
        科目) is one entry whose amount is both rows'."""
        plan = self.amap.plans.get(6)
        out: dict[str, list[str]] = {}
        if plan is None:
            return []
        for _, rows in plan.sides:
            for placed in rows:
                row = placed.row
                if row is None or row.kind in ("class", "total") or not placed.name:
                    continue
                out.setdefault(placed.name, []).append(placed.key)
        return list(out.items())

    # ---- pairing with the document's figures --------------------------------------------
    def pair(self) -> None:
        """Each slot takes the first figure of its kind and subject that the document states in
        its section (三公 and 机关运行经费 wherever they stand, as rule N-PART-MISSING reads them)."""
        if not self.narrated:
            return
        used: set[str] = set()
        for s in self.slots:
            if s.kind not in _PAIRED:
                continue
            for f in self.doc.narrative.figures:
                if f.key in used or f.kind != s.kind or f.subject != s.subject:
                    continue
                if home(f.subject, f.section) != home(s.subject, s.para.section):
                    continue
                s.figure = f
                used.add(f.key)
                break

    # ---- layout of the 数字区 -----------------------------------------------------------
    def assign_rows(self) -> int:
        for s in list(self.slots):  # the table cells the relations read, as shown: rows of their own
            self.relation(s)
            if s.source == "whole" and s.subject in D.WHOLE_BASES:
                for cells in D.WHOLE_BASES[s.subject]:
                    self.shown_terms(cells)
        first = D.last_row() + 4
        self.slots += self.cell_slots
        for i, s in enumerate(self.slots):
            s.row = first + i
            self.amap.other[self.slot_ref(s)] = (D.SHEET, s.value)
        for key, r in self.input_rows.items():
            self.amap.other[self.input_ref(key)] = (D.SHEET, f"F{r}")
        return first

    # ---- each slot's value, wording and comparison ----------------------------------------
    def relation(self, s: Slot) -> Relation | None:
        """The relation that states the slot's figure, with the document's figure (if any) as
        its printed side: an N- rule's own shape (Equal for amounts, ShareOf, GrowthOf), over
        the table cells as the draft shows them (`shown_terms`)."""
        printed: Ref = nref(s.figure) if s.figure else DraftCell(s.key, "printed")
        dec = printed_decimals(s.figure) if s.figure else 2
        if s.source == "table":
            return Equal((Term(printed),), self.shown_terms(s.cells), decimals=dec)
        if s.source == "share":
            return ShareOf(printed, self.shown_terms(s.cells), self.shown_terms(self.share_cells(s)),
                           s.figure.decimals if s.figure else 2)
        if s.source == "base":
            return Equal((Term(printed),), self.base_terms(s.subject), decimals=dec)
        if s.source == "change":
            minus = tuple(Term(t.ref, -t.factor) for t in self.base_terms(s.subject))
            return Equal((Term(printed),), self.shown_terms(s.cells) + minus, decimals=dec)
        if s.source == "growth":
            change = self.by_key[s.key.removesuffix(":增减率")]
            return GrowthOf(printed, self.slot_ref(change), self.shown_terms(s.cells),
                            s.figure.decimals if s.figure else 2)
        if s.source == "input":
            return Equal((Term(printed),), (Term(self.input_ref(self.input_key(s))),),
                         decimals=0 if s.kind == "count" else dec)
        if s.source == "sum":
            parts = D.SUMS[s.subject]
            return Equal((Term(printed),), tuple(Term(self.input_ref(self.part_key(p))) for p in parts),
                         decimals=0 if s.kind == "count" else dec)
        if s.source == "perf-share":
            _, part, base = D.PERF_SHARE
            return ShareOf(printed, tuple(Term(self.input_ref(self.part_key(p))) for p in D.SUMS[part]),
                           tuple(Term(self.input_ref(self.part_key(p))) for p in D.SUMS[base]),
                           s.figure.decimals if s.figure else 2)
        if s.source == "whole":
            return Equal((Term(printed),), (Term(self.slot_ref(s)),), decimals=dec)
        return None

    def share_cells(self, s: Slot) -> tuple[TableCell, ...]:
        named = s.figure.word if s.figure else None
        # A base the sentence names but the rules cannot identify: the family's default base.
        return share_base(s.subject, named) or share_base(s.subject)

    def shown_terms(self, cells: Iterable[TableCell]) -> Terms:
        return tuple(Term(self.slot_ref(self.cell_slot(c))) for c in cells)

    def cell_slot(self, c: TableCell) -> Slot:
        """A table cell as the draft states it (数字区, 表格数 rows): a derived cell's printed
        figure (原表数) moved by any edit where the document's identities under it hold up to
        尾差, so the narrative agrees with the table as published; its recomputation where
        they do not (`offset`)."""
        key = f"表{c.table}|{c.row}|{c.column}"
        if key in self.by_key:
            return self.by_key[key]
        n = c.table
        plan = self.amap.plans.get(n)
        placed = plan.placed().get(c.row) if plan else None
        name = placed.name if placed else c.row
        slot = Slot(key, D.paras()[0], "cell", c.row, f"表{n} {name}·{c.column}", "cell", cells=(c,))
        self.cell_slots.append(slot)
        self.by_key[key] = slot
        return slot

    def shown_cell(self, s: Slot) -> str:
        """The cell now, plus what its printed figure was off its recomputation on import when
        that was a 尾差 (column S): the printed total until the officer edits, then the
        printed total moved by exactly the edit."""
        live = self.place(s.cells[0])
        now = AddressMap.a1(live, D.SHEET) if live is not None else "0"
        return f"{now}+{C_DRIFT}{s.row}"

    def offset(self, c: TableCell) -> float:
        """Column S: a derived cell's own 尾差 as printed (`plan.offsets`) while every identity
        at and below it passes or is 尾差 as the document printed it (`Live.holds_as_printed`,
        the verdicts 校验 starts from); beyond 尾差 the printed total is wrong and its parts
        are right: the draft follows them (0)."""
        return self.judging.offsets.get(c, 0.0) if self.judging.holds_as_printed(c) else 0.0

    def input_key(self, s: Slot) -> str:
        return ("个数:" if s.kind == "count" else "输入:") + s.subject

    def part_key(self, subject: str) -> str:
        return ("个数:" if subject.endswith("个数") else "输入:") + subject

    def base_terms(self, subject: str) -> Terms:
        _, parts = D.CHANGES[subject]
        if not parts:
            return (Term(self.input_ref(f"上年:{subject}")),)
        return tuple(t for p in parts for t in self.base_terms(p))

    def base_inputs(self, subject: str) -> list[str]:
        return [t.ref.key for t in self.base_terms(subject) if isinstance(t.ref, DraftCell)]

    def value_formula(self, s: Slot, rel: Relation | None) -> str | None:
        if s.source == "whole":
            t3, t5 = (self.expr(self.shown_terms(cells)) for cells in D.WHOLE_BASES[s.subject])
            return f'=IF({self.input_cell("选择:整体口径")}="表5",{t5},{t3})'
        if s.source == "cell":
            return "=" + self.shown_cell(s)
        if s.source == "item":
            return "=" + self.expr(Term(c) for c in s.cells)
        if isinstance(rel, Equal):
            return "=" + self.expr(rel.rhs) + ("+0" if s.source in ("input", "base") else "")
        if isinstance(rel, ShareOf):
            part, base = self.expr(rel.part), self.expr(rel.base)
            return f"=IF(({base})=0,0,({part})/({base})*100)"
        if isinstance(rel, GrowthOf):
            change = self.expr((Term(rel.change),))
            base = f"ROUND({self.expr(rel.current)}-{change},2)"
            return f'=IF({under_half_cent_excel(base)},"",{change}/{base}*100)'
        return None

    def typed(self, keys: list[str]) -> str:
        """Whether the officer (or the import) filled any of these inputs."""
        tests = [f"ISNUMBER({self.input_cell(k)})" for k in keys]
        # Never "ISNUMBER(x)>0": Excel (and formulas) rank TRUE and FALSE above every number.
        return tests[0] if len(tests) == 1 else "(" + "+".join(tests) + ")>0"

    def text_formula(self, s: Slot) -> str:
        v = s.value
        dec = f"{C_DEC}{s.row}"
        if s.source == "cover":
            c = f"{quoted(COVER)}!{COVER_CELLS[s.subject]}"
            return {"年": f'=IF({c}="","____",{c})',
                    "上年": f'=IF({c}="","上",{c}-1)',
                    "单位": f'=IF({c}="","本单位",{c})',
                    "类别": f'=IF({c}="部门","部门","单位")'}[s.subject]
        if s.source == "item":
            names = [self.name_cell(6, c.row) for c in s.cells]
            return "=" + (names[0] if names[0] else _lit(s.subject))
        if s.kind in ("share",):
            text = _pct(v, dec)
            if s.source == "perf-share":
                _, part, base = D.PERF_SHARE
                keys = [self.part_key(p) for p in D.SUMS[part] + D.SUMS[base]]
                return f'=IF({self.typed(keys)},{text},"{D.MISSING}")'
            return "=" + text
        if s.kind == "growth":
            return f'=IF(ISNUMBER({v}),{fixed_excel(f"ABS({v})", dec)},"")'
        if s.kind == "change":
            return "=" + self.phrase(s)
        fmt = _count(v) if s.kind == "count" else _money(v)
        if s.source == "input":
            return f'=IF(ISNUMBER({self.input_cell(self.input_key(s))}),{fmt},"{D.MISSING}")'
        if s.source == "sum":
            return f'=IF({self.typed([self.part_key(p) for p in D.SUMS[s.subject]])},{fmt},"{D.MISSING}")'
        if s.source == "base":
            return f'=IF({self.typed(self.base_inputs(s.subject))},{fmt},"{D.MISSING_BASE}")'
        return "=" + fmt

    def name_cell(self, n: int, key: str) -> str:
        g = self.amap.grids.get(n)
        if g is None or key not in g.rows:
            return ""
        col = g.sides[0].label_cols[0]
        return f"{quoted(g.sheet)}!{cell(col, g.rows[key])}"

    def template_expr(self, template: str) -> str:
        """A template with cover tags only (a style's words, a 'none' sentence) as an expression."""
        parts: list[str] = []
        for piece in D.pieces(template):
            if isinstance(piece, str):
                parts.append(_lit(piece))
            else:
                parts.append(self.cover[piece[0]].text)
        return "&".join(parts) or '""'

    def phrase(self, s: Slot) -> str:
        """A change worded by its sign: 增加/减少 and 增长/下降; 与上年持平 when zero; no rate
        from a zero base; a reminder while last year's amount is not typed."""
        style = D.STYLES[D.CHANGES[s.subject][0]]
        base = s.base
        assert base is not None
        delta = s.value
        amount = f'{fixed_excel(f"ABS({delta})", 2)}&"万元"'
        worded = f"IF({delta}>0,{self.template_expr(style.up)},{self.template_expr(style.down)})&{amount}"
        if style.growth:
            growth = s.growth
            assert growth is not None
            rate = (f'IF({under_half_cent_excel(base.value)},{_lit(D.ZERO_BASE)},'
                    f'"，"&IF({delta}>0,"{D.GROWTH_UP}","{D.GROWTH_DOWN}")&{growth.text}&"%")')
            worded += "&" + rate
        same = self.template_expr(style.same)
        return f'IF({self.typed(self.base_inputs(s.subject))},IF({under_half_cent_excel(delta)},{same},{worded}),"{D.MISSING_BASE}")'

    # ---- writing -------------------------------------------------------------------------
    def write_slots(self, first: int) -> None:
        ws = self.ws
        put_text(ws, first - 2, 1, "数字区：每句所述数字的草稿数（公式）与原文数对照").font = BOLD_FONT
        for i, h in enumerate(FIG_HEADS, start=1):
            put_header(ws, first - 1, i, h)
        share_dec, growth_dec = self.usual_decimals("share"), self.usual_decimals("growth")
        for s in self.slots:
            r = s.row
            rel = self.relation(s)
            put_text(ws, r, 1, "表格" if s.source == "cell" else s.para.key)
            put_text(ws, r, 2, s.label)
            put_text(ws, r, 5, s.key)
            vf = self.value_formula(s, rel)
            if vf:
                ws[s.value] = vf
                ws[s.value].number_format = AMOUNT_FORMAT if s.kind != "count" else "0"
            if s.kind in ("share", "growth"):
                dec = s.figure.decimals if s.figure and s.figure.value else (share_dec if s.kind == "share" else growth_dec)
                ws[f"{C_DEC}{r}"] = dec
                ws[f"{C_DEC}{r}"].fill = INPUT_FILL
                ws[f"{C_DEC}{r}"].number_format = "0"
            ws[s.text] = self.text_formula(s)
            if s.source == "cell":
                ws[f"{C_DRIFT}{r}"] = self.offset(s.cells[0])
                ws[f"{C_DRIFT}{r}"].number_format = AMOUNT_FORMAT
            if s.figure is not None and rel is not None:
                self.write_compare(s, rel)
            if s.list_of:
                self.write_fragment(s)

    def usual_decimals(self, kind: str) -> int:
        """The decimals the document prints its shares (growth rates) with: a printed 0 says none."""
        counts: dict[int, int] = {}
        for f in self.doc.narrative.figures:
            if f.kind == kind and f.value:
                counts[f.decimals] = counts.get(f.decimals, 0) + 1
        return max(counts, key=lambda d: (counts[d], d)) if counts else 2

    def write_compare(self, s: Slot, rel: Relation) -> None:
        ws, r = self.ws, s.row
        assert s.figure is not None
        cells = RowCells(f"{C_ACTUAL}{r}", f"{C_EXPECTED}{r}", f"{C_DIFF}{r}", f"{C_TOL}{r}", f"{C_BASE}{r}")
        f = formula(rel, self.place, cells, "M")
        for col, v in ((C_ACTUAL, f.actual), (C_EXPECTED, f.expected), (C_DIFF, f.diff), (C_TOL, f.tolerance),
                       (C_BASE, f.base)):
            ws[f"{col}{r}"] = v
            ws[f"{col}{r}"].number_format = AMOUNT_FORMAT
        ws[f"{C_VERDICT}{r}"] = f.verdict
        ws[f"{C_LINE}{r}"] = s.figure.line
        put_text(ws, r, 15, s.figure.key)
        unit = UNITS.get(s.kind, "")
        put_text(ws, r, 18, shown(s.figure) + unit)
        decimals = 0 if s.kind == "count" else 2
        draft = f'IF(ISNUMBER({s.value}),{fixed_excel(s.value, decimals)}&"{unit}","（上年为0，无增减率）")'
        if s.source in ("change", "base", "growth"):
            draft = f'IF({self.typed(self.base_inputs(s.subject))},{draft},"{D.MISSING_BASE}")'
        # Only a mismatch is a difference: a 尾差 is the rounding every disclosure warns of. The
        # words come from cells (B, R), so that every row is one formula template for the engines.
        ws[f"{C_MSG}{r}"] = (f'=IF({C_VERDICT}{r}="{PASSED}","",IF({C_VERDICT}{r}="{TAILED}","",'
                             f'{C_LABEL}{r}&"：原文"&{C_SAID}{r}&"，草稿"&{draft}&"；"))')

    def write_fragment(self, s: Slot) -> None:
        """A list entry: its position among the entries with an amount (P), and its words (Q)."""
        ws, r = self.ws, s.row
        prev = self.previous_in_list(s)
        before = f"{C_COUNT}{prev.row}" if prev else "0"
        on = at_least_half_cent_excel(s.value)
        ws[f"{C_COUNT}{r}"] = f"={before}+IF({on},1,0)"
        if s.list_of in D.LISTS:
            _, sep = D.LISTS[s.list_of]
            words = f'{C_LABEL}{r}&{s.text}&"万元"'
            share = self.by_key.get(s.key.replace("|类:", "|占比:类:"))
            if share is not None:
                words += f'&IF({self.input_cell("选择:列示占比")}="是","，占"&{share.text}&"%","")'
        else:
            sep = "、"
            words = s.text
        ws[f"{C_FRAG}{r}"] = f'=IF({on},IF({before}>0,"{sep}","")&{words},"")'

    def previous_in_list(self, s: Slot) -> Slot | None:
        members = [x for x in self.slots if x.list_of == s.list_of and x.para.key == s.para.key]
        i = members.index(s)
        return members[i - 1] if i else None

    def list_expr(self, para: D.Para, tag: str, arg: str) -> str:
        members = [x for x in self.slots if x.list_of == arg and x.para.key == para.key]
        if not members:
            return '""'
        frags = "&".join(f"{C_FRAG}{m.row}" for m in members)
        if tag == "经济列表":
            return f'IF({C_COUNT}{members[-1].row}>0,"，主要包括："&{frags}&"等","")'
        return frags

    def sentence(self, placed: D.Placed) -> str | None:
        """The paragraph as one formula: its literal words, each figure's wording, its reasons."""
        p = placed.para
        if not any(True for _ in D.tags(p.text)):
            return None
        parts: list[str] = []
        for piece in D.pieces(p.text):
            if isinstance(piece, str):
                parts.append(_lit(piece))
                continue
            tag, arg = piece
            if tag in D.COVER_TAGS:
                parts.append(self.cover[tag].text)
            elif tag == "原因":
                c = self.input_cell(f"原因:{arg}")
                parts.append(f'IF({c}="","",{_lit(D.REASON)}&{c})')
            elif tag in ("类列表", "经济列表"):
                parts.append(self.list_expr(p, tag, arg))
            else:
                k = f"{p.key}|{tag}:{arg}" if arg else f"{p.key}|{tag}"
                parts.append(self.by_key[k].text)
        main = "&".join(parts)
        condition = self.none_condition(p)
        if condition is None:
            return "=" + main
        leader = p if p.none_of is None else next(x for x in D.paras() if x.key == p.none_of)
        other = self.input_cell(f"无:{leader.key}") if p.none_of is None else '""'
        return f"=IF({condition},{other},{main})"

    def none_condition(self, p: D.Para) -> str | None:
        leader = p if p.none_of is None else next(x for x in D.paras() if x.key == p.none_of)
        rule = leader.none_if
        if rule is None:
            return None
        if rule.kind == "choice":
            return f'{self.input_cell(rule.subject)}="{rule.value}"'
        if rule.kind == "zero":
            amount = self.by_key[f"{leader.key}|金额:{rule.subject}"]
            base = self.by_key[f"{leader.key}|变动:{rule.subject}:上年"]
            return f"ABS({amount.value})+ABS({base.value})<{number(HALF_CENT)}"
        total = self.by_key[f"{leader.key}|合计:{rule.subject}"]
        keys = [self.part_key(x) for x in D.SUMS[rule.subject]]
        typed = "+".join(f"ISNUMBER({self.input_cell(k)})" for k in keys)
        return f"({typed})*({under_half_cent_excel(total.value)})={len(keys)}"

    def write_paragraphs(self) -> None:
        ws = self.ws
        for i, h in enumerate(PARA_HEADS, start=1):
            put_header(ws, 3, i, h)
        origin = self.source.assign(self.slots) if self.source else {}
        for placed in self.placed:
            p, r = placed.para, placed.row
            put_text(ws, r, 1, p.key)
            f = self.sentence(placed)
            if f is None:
                put_text(ws, r, 2, p.text)
            else:
                ws.cell(r, 2).value = f
            ws.cell(r, 2).alignment = WRAP
            if p.kind != "body":
                ws.cell(r, 2).font = BOLD_FONT
            said = origin.get(p.key, "")
            if said:
                put_text(ws, r, 3, said).alignment = WRAP
            msg = self.differences(p)
            if msg:
                ws.cell(r, 4).value = msg
                ws.cell(r, 4).alignment = WRAP
            heights = []
            for inp, row in placed.inputs:
                put_text(ws, row, 5, inp.label).alignment = WRAP
                self.write_input(inp, row)
                value = self.fills.get(inp.key)
                heights.append(height_for(max(lines_for(inp.label, WIDTHS["E"]),
                                              lines_for(str(value or ""), WIDTHS["F"]))))
            # The paragraph stands in its first row, its inputs in that row and the ones below.
            # Not merged over them: a merged cell that a page break crosses prints cut in two.
            heights = heights or [DEFAULT_ROW]
            need = height_for(max(lines_for(said or "", WIDTHS["C"]), self.estimated_lines(p)))
            heights[0] = max(heights[0], need)
            for k, height in enumerate(heights):
                ws.row_dimensions[r + k].height = height

    def estimated_lines(self, p: D.Para) -> int:
        text = D.TAG.sub("0,000.00", p.text)
        extra = sum(1 for s in self.slots if s.list_of and s.para.key == p.key and self.nonzero(s)) * 16
        return lines_for(text + "字" * extra, WIDTHS["B"])

    def nonzero(self, s: Slot) -> bool:
        total = 0.0
        for c in s.cells:
            if c in self.live:
                total += self.live[c]
            else:
                t = self.doc.table(c.table)
                row = t.row(c.row) if t else None
                total += (row.get(c.column) or 0.0) if row else 0.0
        return not under_half_cent(total)

    def differences(self, p: D.Para) -> str | None:
        cells = [f"{C_MSG}{s.row}" for s in self.slots if s.para.key == p.key and s.figure is not None]
        cells += [f"{C_MSG}{r}" for para, r in self.name_rows if para == p.key]
        if not cells:
            return None
        return "=" + "&".join(cells)

    def write_input(self, inp: D.Input, row: int) -> None:
        ws = self.ws
        c = ws.cell(row, 6)
        value = self.fills.get(inp.key)
        note = self.notes.get(inp.key)
        if value is not None:
            if isinstance(value, str):
                put_text(ws, row, 6, value)  # the document's words stay words, even "=…"
            else:
                c.value = value
                c.number_format = AMOUNT_FORMAT if inp.kind == "amount" else "0"
        elif inp.default is not None:
            if inp.kind == "choice":
                put_text(ws, row, 6, inp.default)
            else:
                c.value = "=" + self.template_expr(inp.default)
        elif inp.kind == "amount":
            c.number_format = AMOUNT_FORMAT
        c.fill = INPUT_FILL
        c.alignment = WRAP
        if inp.kind == "choice":
            dv = DataValidation(type="list", formula1='"' + ",".join(inp.choices) + '"', allow_blank=False)
            ws.add_data_validation(dv)
            dv.add(c)
        if note:
            put_text(ws, row, 7, note).font = NOTE_FONT

    # ---- import: the inputs the document's narrative states ---------------------------------
    def fill(self) -> None:
        if not self.narrated:
            return
        figures = self.doc.narrative.figures
        for s in self.slots:
            f = s.figure
            if s.source == "input" and f is not None:
                self.fills[self.input_key(s)] = f.value
                self.notes[self.input_key(s)] = f"取自原文第{f.line}行"
            elif s.source == "change" and not D.CHANGES[s.subject][1]:
                key = f"上年:{s.subject}"
                base = s.base
                if base is not None and base.figure is not None:
                    self.fills[key] = base.figure.value
                    self.notes[key] = f"原文第{base.figure.line}行所列上年数"
                elif f is not None:
                    current = self.current(s)
                    if current is None:
                        current = next((g.value for g in figures if g.kind == "amount" and g.subject == s.subject), None)
                    if current is not None:
                        self.fills[key] = round(current - f.value, 2)
                        self.notes[key] = f"本年数减原文第{f.line}行所述增减额"
        for s in self.slots:
            # "“三公”经费与上年持平" with no item stated: each item as this year's, for the officer
            # to check; a total that changed cannot be split, and stays to be typed.
            if s.source == "change" and D.CHANGES[s.subject][1] and s.figure is not None and s.figure.value == 0:
                leaves = self.base_inputs(s.subject)
                if not any(k in self.fills for k in leaves):
                    for k in leaves:
                        item = self.by_key.get(f"{s.para.key}|金额:{k.removeprefix('上年:')}") or next(
                            (x for x in self.slots if x.source == "table" and x.subject == k.removeprefix("上年:")), None)
                        current = self.current(item) if item is not None else None
                        if current is not None:
                            self.fills[k] = current
                            self.notes[k] = f"原文第{s.figure.line}行只说合计与上年相同，按本年数填入，请核对"
        for s in self.slots:
            if s.source == "whole" and s.figure is not None and s.subject == "绩效:整体:合计":
                t3, t5 = (self.current_of(cells) for cells in D.WHOLE_BASES[s.subject])
                d = printed_decimals(s.figure)
                v = s.figure.value
                fits5 = t5 is not None and round(t5, d) == round(v, d)
                fits3 = t3 is not None and round(t3, d) == round(v, d)
                if not fits5 and not fits3 and t5 is not None and t3 is not None:
                    # Neither as stated (a total the draft takes from its parts, a 尾差 off the
                    # printed one): the 口径 the figure is nearer to.
                    fits5 = abs(t5 - v) < abs(t3 - v)
                self.fills["选择:整体口径"] = "表5" if fits5 and not fits3 else "表3"
        whole = [f for f in figures if f.subject.startswith("绩效:整体:") and f.kind == "amount"]
        if 10 in self.doc.narrative.sections and not whole:
            self.fills["选择:整体编报"] = "否"
        listed = [f for f in figures if f.section == 5 and f.subject.startswith("一般公共预算:类:")]
        if listed and not any(f.kind == "share" for f in listed):
            self.fills["选择:列示占比"] = "否"
        if self.source is not None:
            self.fills.update(self.source.reasons(self.slots, self.notes))
            self.fills.update(self.source.none_sentences(self.slots, self.fills, self.notes))
        else:
            for p in D.paras():
                if p.none is None:
                    continue
                zero = next((s.figure for s in self.slots if s.para.key == p.key and s.figure is not None
                             and s.figure.word == "无"), None)
                if zero is not None and zero.text:
                    self.fills[f"无:{p.key}"] = zero.text.strip()

    def current(self, s: Slot) -> float | None:
        return self.current_of(s.cells)

    def current_of(self, cells: tuple[TableCell, ...]) -> float | None:
        if not cells:
            return None
        total = 0.0
        for c in cells:
            t = self.doc.table(c.table)
            row = t.row(c.row) if t else None
            if c in self.live:
                total += self.live[c] + self.offset(c)  # as the draft shows it
            elif row is not None and row.get(c.column) is not None:
                total += row.get(c.column) or 0.0
            elif row is None:
                return None
        return round(total, 2)

    # ---- class names quoted in sections 四 and 五 -----------------------------------------
    def write_names(self, first_free: int) -> int:
        """The verdicts of rule N-CLASS-NAME on the names the document quotes, beside the name
        the draft uses (the table's): fixed, as 校验 writes a Verdict."""
        self.name_rows = []
        r = first_free
        sections = self.doc.narrative.sections
        for rule, inst in self.instances:
            if rule.id != "N-CLASS-NAME" or not isinstance(inst.relation, Verdict):
                continue
            v = inst.relation
            line = v.lines[0] if v.lines else None
            para = None
            for key, sec in (("四.1", 4), ("五.2", 5)):
                span = sections.get(sec)
                if line is not None and span and span[0] <= line <= span[1]:
                    para = key
            if para is None:
                continue
            verdict = PASSED if v.ok else ADVISORY
            put_text(self.ws, r, 1, para)
            put_text(self.ws, r, 2, f"类名（原文第{line}行）")
            put_text(self.ws, r, 3, str(v.expected or ""))
            put_text(self.ws, r, 8, str(v.actual or ""))
            put_text(self.ws, r, 9, str(v.expected or ""))
            put_text(self.ws, r, 13, verdict)
            self.ws.cell(r, 14).value = line
            put_text(self.ws, r, 15, f"类名:{v.actual}")
            msg = "" if v.ok else f"类名：原文“{v.actual}”，报表为“{v.expected}”；"
            put_text(self.ws, r, 4, msg)
            self.name_rows.append((para, r))
            r += 1
        return r

    def write_unpaired(self, r: int) -> None:
        paired = {s.figure.key for s in self.slots if s.figure is not None}
        rest = [f for f in self.doc.narrative.figures if f.key not in paired]
        if not rest:
            return
        r += 1
        put_text(self.ws, r, 1, "原文中草稿未列的数字（未对照）").font = BOLD_FONT
        r += 1
        for i, h in enumerate(("段", "主题", "原文", "原文数", "原文键", "类型", "原文行"), start=1):
            put_header(self.ws, r, i, h)
        from xltools.rules.common import numeral

        for f in rest:
            r += 1
            put_text(self.ws, r, 1, numeral(f.section))
            put_text(self.ws, r, 2, f.subject)
            put_text(self.ws, r, 3, f.text).alignment = WRAP
            put_text(self.ws, r, 4, shown(f) + UNITS.get(f.kind, ""))
            put_text(self.ws, r, 5, f.key)
            put_text(self.ws, r, 6, f.kind)
            self.ws.cell(r, 7).value = f.line


# The kinds of narrative figure a slot is paired with (the reader's FigureKind).
_PAIRED = frozenset({"amount", "share", "change", "growth", "base", "count"})


def write_draft(ws: Worksheet, doc: Document, amap: AddressMap, instances: list[tuple[Rule, Instance]],
                judging: Live, live: dict[TableCell, float]) -> None:
    """The 说明草稿 sheet (see the module's docstring); `judging`: the workbook's evaluation,
    whose verdicts as printed decide where a sentence states a printed total (`_Builder.offset`);
    `live`: each derived cell's recomputation on import (`plan.live_values`, as the tables')."""
    b = _Builder(ws, doc, amap, instances, judging, live)
    b.collect()
    b.pair()
    first = b.assign_rows()
    b.fill()
    put_text(ws, 1, 1, "说明草稿：第三部分（预算情况说明）由各表当前数字生成").font = TITLE_FONT
    note = put_text(ws, 2, 1, "B 列每段是一个公式，随各表数字变化；浅黄色为输入单元格（上年数、原因、政府采购、绩效分类等，"
                              "导入时取自原文）。C 列为原文，D 列列出与原文不同的数字。“生成说明”按钮或 xltools draft "
                              "把 B 列写成 Word 文档。")
    note.font = READABLE_NOTE
    # Over the printed columns, wrapped: nothing of it runs past the print area.
    note.alignment = Alignment(vertical="top", wrap_text=True)
    ws.merge_cells(f"A2:{C_MSG}2")
    printed = sum(WIDTHS[c] for c in "ABCD")
    ws.row_dimensions[2].height = height_for(lines_for(str(note.value), printed, READABLE_NOTE.sz or 10), READABLE_NOTE.sz or 10)
    b.write_slots(first)
    end = b.write_names(first + len(b.slots))
    b.write_paragraphs()
    b.write_unpaired(end)
    _style(ws, first)


def _style(ws: Worksheet, first: int) -> None:
    for col, w in WIDTHS.items():
        ws.column_dimensions[col].width = w
    last = D.last_row()
    ws.conditional_formatting.add(f"D{D.FIRST_ROW}:D{last}",
                                  FormulaRule(formula=[f'LEN(D{D.FIRST_ROW})>0'], fill=FLAG_FILL))
    rng = f"{C_VERDICT}{first}:{C_VERDICT}{ws.max_row}"
    for word, fill in ((MISMATCH, FLAG_FILL), (ADVISORY, WARN_FILL), (TAILED, TAIL_FILL), (PASSED, PASS_FILL)):
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f'{C_VERDICT}{first}="{word}"'], fill=fill))
    for row in ws.iter_rows(min_row=D.FIRST_ROW, max_row=last, max_col=4):
        for c in row:
            c.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    fit_rows(ws, D.FIRST_ROW)  # every text cell's lines, at the widths just set
    ws.freeze_panes = "C4"
    fit_to_width(ws, title_rows="3:3")
    # Printed: the paragraphs beside the document's and the figures that differ, at a size that
    # reads (about 9.5 pt of 11 on A4 landscape); the inputs and the 数字区 are for the screen.
    ws.print_area = f"A1:{C_MSG}{last}"
