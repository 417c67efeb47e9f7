"""说明草稿: the 第三部分 (预算情况说明) drafted from the workbook's own figures.

The sentences are declared once, here, as data: sections 一 to 十 in the family's order and
wording (../shared/seeds), each paragraph a template whose tags name the figures it states.
`render/draft_sheet.py` turns each template into one live Excel formula over the table cells
(and the inputs the tables do not hold: last year's amounts, 政府采购, the 绩效 split, the
reasons); `write_docx` reads the same declaration to know which cell of the sheet holds which
heading and paragraph, and writes them, as the workbook computed them, into a Word file.

Tags, in braces:
  {年} {上年} {单位} {类别}        the cover: budget year, the year before, unit, 部门/单位
  {金额:S}                         the table figure of narrative subject S (`cells_for`)
  {占比:S}                         S over its base (`share_base`), in percent
  {变动:S}                         S against last year: "比上年增加X万元，增长Y%", by its sign
  {原因:S}                         "，主要原因是…" when the reason input is filled
  {输入:S} {个数:S}                an amount / a count typed in (the tables do not hold it)
  {合计:S}                         the sum of the inputs `SUMS` lists for S
  {绩效占比}                       公开 over 纳入 项目金额 (the rule N-SHARE's base)
  {整体:S}                         the 整体绩效 figure S over 表3 or 表5, as the document counts it
  {类列表:K}                       the 类 with an amount, K = 财政拨款 (表4) or 一般公共预算 (表5)
  {经济列表:K}                     the 表6 lines with an amount in column K (人员经费/公用经费)

A narrative subject no paragraph states may carry a sentence of its own in its record
(`core.narrative_subjects.Subject.sentence`, its tags without the subject: {金额}, {占比}, …):
`paras` adds it as a paragraph at the end of its section. Each subject's change wording
(`CHANGES`) and label (`subject_label`) are its record's too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping, Sequence

from xltools.core.narrative_subjects import SUBJECTS, spoken, subject as declared, sums
from xltools.rules.common import numeral
from xltools.core.references import TableCell
from xltools.rules.narrative_map import cells_for

ParaKind = Literal["title", "heading", "subheading", "body"]
InputKind = Literal["amount", "count", "text", "choice"]

SHEET = "说明草稿"  # the sheet render/draft_sheet.py lays out (render.sheets.DRAFT)
FIRST_ROW = 4  # the first paragraph's row: a title, a note and the column heads above it
TAG = re.compile(r"\{([^{}:]+)(?::([^{}]+))?\}")
COVER_TAGS = ("年", "上年", "单位", "类别")


@dataclass(frozen=True)
class ChangeStyle:
    """How a change is worded, by its sign; `growth`: followed by the rate ("，增长Y%")."""

    up: str
    down: str
    same: str
    growth: bool


STYLES: dict[str, ChangeStyle] = {
    "年度": ChangeStyle("比上年增加", "比上年减少", "与上年持平", True),
    "三公合计": ChangeStyle("比{上年}年增加", "比{上年}年减少", "与{上年}年预算数相同", False),
    "三公项": ChangeStyle("与上年相比预算数增加", "与上年相比预算数减少", "与上年预算数相同", False),
    "机关": ChangeStyle("比{上年}年预算增加", "比{上年}年预算减少", "与{上年}年预算持平", True),
}
GROWTH_UP, GROWTH_DOWN = "增长", "下降"
ZERO_BASE = "，上年预算数为0"  # no rate from a zero base (DOMAIN.md); the reader reads it as such
MISSING = "【待填】"
MISSING_BASE = "【待填上年数】"
REASON = "，主要原因是"


class _Changes(Mapping[str, tuple[str, tuple[str, ...]]]):
    """Subject → (style, the subjects whose last-year amounts add up to its own, or () when its
    last-year amount is an input): each subject's record (`change`, `change_parts`). The 三公
    total and the 公务用车 pair follow from the items, so the item changes always add up to the
    total change (rule N-SANGONG-CHANGE)."""

    def __getitem__(self, key: str) -> tuple[str, tuple[str, ...]]:
        s = declared(key)
        if s is None or s.change is None:
            raise KeyError(key)
        return s.change, s.change_parts

    def __iter__(self) -> Iterator[str]:
        return (s.key for s in SUBJECTS.values() if s.change is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


CHANGES: Mapping[str, tuple[str, tuple[str, ...]]] = _Changes()


class _Sums(Mapping[str, tuple[str, ...]]):
    """A total the narrative states over its own figures → the subjects that add up to it
    (`Subject.sum_of`): typed as parts, it is always their sum (rules N-PROCUREMENT, N-PERF-SUM)."""

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return sums()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(sums())

    def __len__(self) -> int:
        return len(sums())


SUMS: Mapping[str, tuple[str, ...]] = _Sums()
# The share the narrative states of two of its own figures (subject, part, base): `Subject.share_of`.
PERF_SHARE = next((s.key, s.share_of.part, s.share_of.base) for s in SUBJECTS.values() if s.share_of is not None)
# 整体绩效目标: the document counts its funds over 表3 (all money) or 表5 (一般公共预算 of the
# year): the cells each 口径 restates, the narrative subjects' own where the rules map one.
WHOLE_BASES: dict[str, tuple[tuple[TableCell, ...], tuple[TableCell, ...]]] = {
    "绩效:整体:合计": (cells_for("支出:合计"), cells_for("一般公共预算:当年支出")),
    "绩效:整体:基本支出": (cells_for("支出:基本支出"), cells_for("一般公共预算:基本支出")),
    "绩效:整体:项目支出": (cells_for("支出:项目支出"), (TableCell(5, "合计", "项目支出"),)),
}
WHOLE_CHOICES = ("表3", "表5")
LISTS: dict[str, tuple[str, str]] = {  # 类列表 K → (subject prefix, separator)
    "财政拨款": ("财政拨款:类:", "、"),
    "一般公共预算": ("一般公共预算:类:", "；"),
}
ECONOMIC = ("人员经费", "公用经费")


@dataclass(frozen=True)
class NoneRule:
    """When a paragraph gives way to its 'none' sentence: `zero` — the table figure of
    `subject` and its last-year amount are both 0; `choice` — input `subject` says `value`;
    `typed-zero` — the parts of sum `subject` are typed and add up to 0."""

    kind: Literal["zero", "choice", "typed-zero"]
    subject: str
    value: str = ""


@dataclass(frozen=True)
class Para:
    key: str
    kind: ParaKind
    section: int  # the standard section (1…10; 0 for the title) whose figures it restates
    text: str
    none: str | None = None  # the sentence when `none_if` holds (the default of its input cell)
    none_if: NoneRule | None = None
    # The paragraph the 'none' sentence belongs to: a follower shares its leader's condition
    # and input, and then reads "" (the 三公 items under a "无“三公”经费" sentence).
    none_of: str | None = None


_S = "财政专户管理资金"
PARAS: tuple[Para, ...] = (
    Para("标题", "title", 0, "第三部分 {年}年度{类别}预算情况说明"),
    Para("一", "heading", 1, "一、{类别}预算收支数据变动情况及原因"),
    Para("一.1", "body", 1,
         "{年}年度{单位}预算收入总计{金额:收入总计}万元，其中：本年收入{金额:本年收入}万元，上年结转{金额:上年结转}万元，"
         "{变动:收入总计}{原因:收入总计}；本年{类别}预算支出总计{金额:支出总计}万元，其中：本年预算安排{金额:本年支出}万元，"
         "上年结转{金额:支出:上年结转}万元，{变动:支出总计}{原因:支出总计}。"),
    Para("二", "heading", 2, "二、收入预算情况说明"),
    Para("二.1", "body", 2,
         "{年}年度{单位}预算收入{金额:收入总计}万元，主要包括一般公共预算拨款收入{金额:收入:一般公共预算}万元，"
         "占{占比:收入:一般公共预算}%；政府性基金预算拨款收入{金额:收入:政府性基金预算}万元，占{占比:收入:政府性基金预算}%；"
         "国有资本经营预算拨款收入{金额:收入:国有资本经营预算}万元，占{占比:收入:国有资本经营预算}%；"
         f"财政专户管理资金收入{{金额:收入:{_S}}}万元，占{{占比:收入:{_S}}}%；单位资金{{金额:收入:单位资金}}万元，"
         "占{占比:收入:单位资金}%；上年结转{金额:上年结转}万元，占{占比:上年结转}%。"),
    Para("三", "heading", 3, "三、支出预算情况说明"),
    Para("三.1", "body", 3,
         "{年}年度{单位}支出预算{金额:支出:合计}万元，其中：基本支出{金额:支出:基本支出}万元，占{占比:支出:基本支出}%；"
         "项目支出{金额:支出:项目支出}万元，占{占比:支出:项目支出}%。"),
    Para("四", "heading", 4, "四、财政拨款收支预算总体情况说明"),
    Para("四.1", "body", 4,
         "{年}年度{单位}财政拨款收支总预算{金额:财政拨款:收入总计}万元。其中：一般公共预算拨款{金额:财政拨款:一般公共预算}万元，"
         "政府性基金预算拨款{金额:财政拨款:政府性基金预算}万元，国有资本经营预算拨款{金额:财政拨款:国有资本经营预算}万元。"
         "其中：当年拨款收入{金额:财政拨款:本年收入}万元，上年结转收入{金额:财政拨款:上年结转}万元。"
         "支出包括：{类列表:财政拨款}等。"),
    Para("五", "heading", 5, "五、一般公共预算支出情况说明"),
    Para("五.一", "subheading", 5, "（一）一般公共预算当年支出规模变化情况"),
    Para("五.1", "body", 5,
         "{年}年度{单位}一般公共预算当年支出{金额:一般公共预算:当年支出}万元，"
         "{变动:一般公共预算:当年支出}{原因:一般公共预算:当年支出}。"),
    Para("五.二", "subheading", 5, "（二）一般公共预算当年支出结构情况"),
    Para("五.2", "body", 5,
         "{年}年度{单位}一般公共预算当年支出{金额:一般公共预算:当年支出}万元，主要用于以下方面：{类列表:一般公共预算}等。"),
    Para("六", "heading", 6, "六、一般公共预算基本支出情况说明"),
    Para("六.1", "body", 6, "{年}年度{单位}一般公共预算安排基本支出{金额:一般公共预算:基本支出}万元，其中："),
    Para("六.2", "body", 6, "人员经费{金额:基本支出:人员经费}万元{经济列表:人员经费}；"),
    Para("六.3", "body", 6, "公用经费{金额:基本支出:公用经费}万元{经济列表:公用经费}。"),
    Para("七", "heading", 7, "七、“三公”经费增减变动原因说明"),
    Para("七.1", "body", 7,
         "{年}年{单位}财政拨款安排的“三公”经费预算{金额:三公:合计}万元，{变动:三公:合计}{原因:三公:合计}。",
         none="本{类别}无“三公”经费预算。", none_if=NoneRule("zero", "三公:合计")),
    Para("七.2", "body", 7,
         "其中：因公出国（境）费{金额:三公:因公出国（境）费}万元，{变动:三公:因公出国（境）费}{原因:三公:因公出国（境）费}；"
         "公务接待费{金额:三公:公务接待费}万元，{变动:三公:公务接待费}{原因:三公:公务接待费}；"
         "公务用车购置及运行费{金额:三公:公务用车购置及运行费}万元，{变动:三公:公务用车购置及运行费}"
         "{原因:三公:公务用车购置及运行费}，其中：公务用车购置费{金额:三公:公务用车购置费}万元，"
         "{变动:三公:公务用车购置费}{原因:三公:公务用车购置费}；公务用车运行维护费{金额:三公:公务用车运行维护费}万元，"
         "{变动:三公:公务用车运行维护费}{原因:三公:公务用车运行维护费}。", none_of="七.1"),
    Para("八", "heading", 8, "八、机关运行经费增减变动原因说明"),
    Para("八.1", "body", 8,
         "本{类别}机关运行经费财政拨款预算{金额:机关运行经费}万元，{变动:机关运行经费}{原因:机关运行经费}。",
         none="本{类别}无机关运行经费。", none_if=NoneRule("zero", "机关运行经费")),
    Para("九", "heading", 9, "九、政府采购情况"),
    Para("九.1", "body", 9,
         "{年}年{单位}政府采购预算总额{合计:政府采购:总额}万元。其中：政府采购货物预算{输入:政府采购:货物}万元、"
         "政府采购工程预算{输入:政府采购:工程}万元、政府采购服务预算{输入:政府采购:服务}万元。",
         none="本{类别}无政府采购预算。", none_if=NoneRule("typed-zero", "政府采购:总额")),
    Para("十", "heading", 10, "十、绩效管理情况"),
    Para("十.一", "subheading", 10, "1、整体绩效目标"),
    Para("十.1", "body", 10,
         "{年}年编报{类别}整体支出绩效目标，涉及{类别}预算资金{整体:绩效:整体:合计}万元，"
         "其中基本支出{整体:绩效:整体:基本支出}万元，项目支出{整体:绩效:整体:项目支出}万元。",
         none="本{类别}未编制整体绩效目标。", none_if=NoneRule("choice", "选择:整体编报", "否")),
    Para("十.二", "subheading", 10, "2、项目绩效目标"),
    Para("十.2", "body", 10,
         "{年}年{单位}纳入绩效目标管理的二级项目{合计:绩效:纳入:个数}个，共计金额{合计:绩效:纳入:金额}万元。"
         "其中：其他运转类项目{个数:绩效:纳入:其他运转类:个数}个，涉及金额{输入:绩效:纳入:其他运转类:金额}万元；"
         "特定目标类项目{个数:绩效:纳入:特定目标类:个数}个，涉及金额{输入:绩效:纳入:特定目标类:金额}万元。"
         "公开项目绩效目标{合计:绩效:公开:个数}个，涉及项目金额{合计:绩效:公开:金额}万元，"
         "占部门（单位）项目支出总额的{绩效占比}%。其中：其他运转类项目{个数:绩效:公开:其他运转类:个数}个，"
         "涉及项目金额{输入:绩效:公开:其他运转类:金额}万元；特定目标类项目{个数:绩效:公开:特定目标类:个数}个，"
         "涉及项目金额{输入:绩效:公开:特定目标类:金额}万元。"),
)


@dataclass(frozen=True)
class Input:
    """A cell beside its paragraph that the officer fills (import fills it from the text)."""

    key: str
    label: str
    kind: InputKind
    choices: tuple[str, ...] = ()
    default: str | None = None  # a template (tags allowed) written as the cell's formula


def tags(text: str) -> Iterator[tuple[str, str]]:
    for m in TAG.finditer(text):
        yield m.group(1), m.group(2) or ""


def pieces(text: str) -> list[str | tuple[str, str]]:
    """A template as literal text and (tag, argument) pairs, in order."""
    out: list[str | tuple[str, str]] = []
    pos = 0
    for m in TAG.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        out.append((m.group(1), m.group(2) or ""))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def subject_label(subject: str) -> str:
    """A subject as an officer reads it (its record's name): "绩效:纳入:其他运转类:个数" →
    纳入·其他运转类·个数."""
    s = declared(subject)
    return s.label if s is not None else spoken(subject)


_OWN_TAG = re.compile(r"\{(金额|占比|变动|原因)\}")


def paras() -> tuple[Para, ...]:
    """`PARAS`, and after each section's last paragraph a paragraph for each declared subject of
    that section that has a sentence of its own (`Subject.sentence`) and no paragraph states."""
    stated = {arg for p in PARAS for _, arg in tags(p.text)}
    extra: dict[int, list[Para]] = {}
    for s in SUBJECTS.values():
        if s.sentence is None or s.key in stated:
            continue
        own = extra.setdefault(s.section, [])
        n = sum(1 for p in PARAS if p.section == s.section and p.kind == "body") + len(own) + 1
        text = _OWN_TAG.sub(lambda m: "{" + m.group(1) + ":" + s.key + "}", s.sentence)
        own.append(Para(f"{numeral(s.section)}.{n}", "body", s.section, text))
    if not extra:
        return PARAS
    out: list[Para] = []
    for i, p in enumerate(PARAS):
        out.append(p)
        last = i + 1 == len(PARAS) or PARAS[i + 1].section != p.section
        if last:
            out.extend(extra.pop(p.section, ()))
    return tuple(out)


def inputs_of(para: Para) -> list[Input]:
    """The input cells a paragraph has, in the order its tags name them."""
    out: list[Input] = []
    seen: set[str] = set()

    def add(i: Input) -> None:
        if i.key not in seen:
            seen.add(i.key)
            out.append(i)

    for tag, arg in tags(para.text):
        if tag == "变动" and not CHANGES[arg][1]:
            add(Input(f"上年:{arg}", f"上年{subject_label(arg)}（万元）", "amount"))
        elif tag == "原因":
            add(Input(f"原因:{arg}", f"{subject_label(arg)}增减原因", "text"))
        elif tag == "输入":
            add(Input(f"输入:{arg}", f"{subject_label(arg)}（万元）", "amount"))
        elif tag == "个数":
            add(Input(f"个数:{arg}", subject_label(arg), "count"))
        elif tag == "整体":
            add(Input("选择:整体口径", "整体绩效资金口径（表3 全部资金 / 表5 一般公共预算）", "choice", WHOLE_CHOICES, "表3"))
        elif tag == "类列表" and arg == "一般公共预算":
            add(Input("选择:列示占比", "各类支出后列示占比（是/否）", "choice", ("是", "否"), "是"))
    if para.none_if is not None and para.none_if.kind == "choice":
        add(Input(para.none_if.subject, "是否编报整体绩效目标（是/否）", "choice", ("是", "否"), "是"))
    if para.none is not None:
        add(Input(f"无:{para.key}", "无此项时的表述", "text", default=para.none))
    return out


@dataclass(frozen=True)
class Placed:
    para: Para
    row: int
    inputs: tuple[tuple[Input, int], ...]  # (input, its row)


def layout() -> list[Placed]:
    """Each paragraph's row and its inputs' rows below it: fixed by the declaration alone, so
    the .docx writer finds every paragraph of any workbook without reading anything else."""
    out: list[Placed] = []
    row = FIRST_ROW
    for p in paras():
        ins = inputs_of(p)
        out.append(Placed(p, row, tuple((i, row + k) for k, i in enumerate(ins))))
        row += max(1, len(ins))
    return out


def last_row() -> int:
    placed = layout()[-1]
    return placed.row + max(1, len(placed.inputs)) - 1


# ---- The drafted text, as a workbook holds it after recalculation ------------------------

Grid = list[list[Any]]
TEXT_COL = 2  # column B: the paragraph's formula


@dataclass(frozen=True)
class Paragraph:
    kind: ParaKind
    text: str


class NotDrafted(ValueError):
    """The workbook has no 说明草稿 sheet, or its sentences hold no values (never recalculated)."""


def paragraphs(grid: Grid) -> list[Paragraph]:
    """The drafted 第三部分 from the 说明草稿 sheet's values: a paragraph that reads "" (the
    三公 items under "无“三公”经费") is left out."""
    out: list[Paragraph] = []
    for placed in layout():
        r = placed.row
        v = grid[r - 1][TEXT_COL - 1] if r - 1 < len(grid) and TEXT_COL - 1 < len(grid[r - 1]) else None
        text = "" if v is None else str(v).strip()
        if text:
            out.append(Paragraph(placed.para.kind, text))
    # A workbook never recalculated holds its headings (text) and no sentence (formulas).
    if not any(p.kind == "body" for p in out):
        raise NotDrafted("说明草稿的句子没有数值：工作簿未重新计算")
    return out


LATIN = "Times New Roman"  # the figures of an official document


def docx_document(paras: Sequence[Paragraph]) -> Any:
    """A Word document laid out as a disclosure's 第三部分: 黑体 title and headings, 楷体
    sub-headings, 仿宋 body with a two-character first-line indent, A4 with official margins."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = WordDocument()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def font(run: Any, name: str, size: float, bold: bool = False) -> None:
        run.font.name = LATIN
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor(0, 0, 0)
        # Word takes a CJK run's font from eastAsia; digits and Latin letters from ascii/hAnsi.
        rpr = run._element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), name)
        fonts.set(qn("w:ascii"), LATIN)
        fonts.set(qn("w:hAnsi"), LATIN)

    # Bold headings: they stay headings where 黑体 is missing and a plain font stands in.
    looks = {"title": ("黑体", 18.0, True, WD_ALIGN_PARAGRAPH.CENTER, "Heading 1"),
             "heading": ("黑体", 16.0, True, WD_ALIGN_PARAGRAPH.LEFT, "Heading 2"),
             "subheading": ("楷体_GB2312", 16.0, True, WD_ALIGN_PARAGRAPH.LEFT, "Heading 3"),
             "body": ("仿宋_GB2312", 16.0, False, WD_ALIGN_PARAGRAPH.JUSTIFY, "Normal")}
    for p in paras:
        name, size, bold, align, style = looks[p.kind]
        par = doc.add_paragraph(style=style)
        fmt = par.paragraph_format
        fmt.alignment = align
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
        fmt.space_before = Pt(12 if p.kind == "title" else 0)
        fmt.space_after = Pt(12 if p.kind == "title" else 0)
        fmt.keep_with_next = p.kind != "body"
        # The family indents every line but the title by two characters, as official documents do.
        fmt.first_line_indent = None if p.kind == "title" else Pt(size * 2)
        font(par.add_run(p.text), name, size, bold)
    return doc


def write_docx(paras: Sequence[Paragraph], out: Path) -> Path:
    """Written whole or not at all; a replaced file is kept as .bak (`safe_write`)."""
    from xltools.files.safe_write import write_atomically

    document = docx_document(paras)
    return write_atomically(Path(out), lambda tmp: document.save(str(tmp)))
