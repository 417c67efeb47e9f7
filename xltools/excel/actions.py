"""What each button and worksheet function does, on plain data: no xlwings here."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Iterable

from xltools.evaluation.check import check
from xltools.evaluation.judged import as_left
from xltools.core.findings import EDITED_PRINTED, Finding
from xltools.core.verdicts import ADVISORY, MISMATCH, PASSED, SHEET_WORDS
from xltools.core.layouts import CLASS_NAMES, LAYOUTS
from xltools.core.model import Document
from xltools.rules.reading import read_bytes, read_document
from xltools.workbook import structure
from xltools.workbook.book import build
from xltools.workbook.description import BookDescription, describe
from xltools.workbook.address import cell
from xltools.workbook.sheets import CHARTS, CHECKS, CODES, COVER, DRAFT, NARRATIVE, PERFORMANCE, PROBLEMS, TABLE_SHEETS
from xltools.rules import CATALOGUE
from xltools.excel.messages import UserError
from xltools.workbook.readback import Grid, SheetValues, read_back
from xltools.workbook.checksheet import FIRST as FIRST_CHECK_ROW, Col
from xltools.workbook.problems_live import INDEX_SHEET


PASTE_SHEET = "导入"
FLAG_SHEET = "_标记"
XLTOOLS_SHEETS = frozenset({COVER, NARRATIVE, DRAFT, PERFORMANCE, PROBLEMS, CHECKS, CHARTS, CODES, structure.SHEET, FLAG_SHEET,
                            INDEX_SHEET, *TABLE_SHEETS.values()})
ERROR_COLOUR, WARNING_COLOUR = "#FF9999", "#FFE699"


def _blank(grid: Grid) -> bool:
    return all(v is None or v == "" for row in grid for v in row)


def check_target(values: dict[str, Grid]) -> None:
    """The open workbook must be an xltools workbook/template or empty: nothing else is overwritten."""
    foreign = [n for n, g in values.items() if n not in XLTOOLS_SHEETS and n != PASTE_SHEET and not _blank(g)]
    if foreign:
        raise UserError(f"当前工作簿不是 xltools 模板也不是空白工作簿（工作表“{foreign[0]}”有内容），未做任何改动。"
                        "请新建空白工作簿或打开模板后再导入",
                        "the open workbook is neither an xltools template nor empty; nothing was changed")


def pasted_bytes(grid: Grid) -> bytes:
    """Rows of the 导入 sheet back into text lines: cells of a row joined by tabs, as pasted."""
    lines = []
    for row in grid:
        cells = ["" if v is None else _cell_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        lines.append("\t".join(cells))
    while lines and lines[-1] == "":
        lines.pop()
    if not any(lines):
        raise UserError(f"“{PASTE_SHEET}”工作表是空的：请把从 PDF 复制的文本粘贴到它的 A1 单元格",
                        f"the {PASTE_SHEET} sheet is empty: paste the text copied from the PDF into its cell A1")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cell_text(v: Any) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else format(v, ".15g")
    return str(v)


def read_source(path: str | None = None, grid: Grid | None = None) -> Document:
    if path:
        return read_document(path)
    if grid is None:
        raise UserError("没有可导入的文本", "nothing to import")
    return read_bytes(pasted_bytes(grid), f"{PASTE_SHEET}!A1")


def render_description(doc: Document) -> BookDescription:
    """The workbook `xltools import` would write for `doc`, as a description to write into Excel."""
    return describe(build(doc, CATALOGUE).workbook)


def recompute_document(values: dict[str, Grid]) -> Document:
    """The workbook's cells as a document to build again: an edited 原表数 becomes what the
    document printed (so the note that says it was edited is not carried into the new book)."""
    doc = read_back(values).doc
    return dataclasses.replace(doc, notes=tuple(n for n in doc.notes if n.rule != EDITED_PRINTED))


@dataclass(frozen=True)
class Flag:
    sheet: str
    address: str
    colour: str
    note: str


def evaluate_open(values: dict[str, Grid]) -> list[Finding]:
    """The open workbook as it is now: the same read-back and evaluation as `xltools check BOOK.xlsx`."""
    sheet = SheetValues(values)
    source, live = as_left(sheet)
    return check(sheet.doc, CATALOGUE, source, live)


def flags_for(values: dict[str, Grid]) -> tuple[list[Flag], list[Finding]]:
    """Every failed relation → its cells coloured (red 不符, yellow 提示) with the message as a note."""
    found = [f for f in evaluate_open(values) if f.severity != "info"]
    flags: dict[tuple[str, str], Flag] = {}
    for f in found:
        colour = ERROR_COLOUR if f.severity == "error" else WARNING_COLOUR
        for w in f.where:
            if w.sheet is None or w.cell is None:
                continue
            place = (w.sheet, w.cell)
            old = flags.get(place)
            if old is None:
                flags[place] = Flag(place[0], place[1], colour, f.message)
            elif f.message not in old.note:
                flags[place] = Flag(old.sheet, old.address, ERROR_COLOUR if ERROR_COLOUR in (old.colour, colour) else colour,
                                    old.note + "\n" + f.message)
    return list(flags.values()) + _check_sheet_flags(values.get(CHECKS) or []), found


def _check_sheet_flags(grid: Grid) -> list[Flag]:
    """The 校验 sheet's live verdicts 不符/提示, coloured like the cells they judge."""
    out: list[Flag] = []
    col = Col.VERDICT
    for r, row in enumerate(grid, start=1):
        verdict = row[col - 1] if len(row) >= col else None
        if r >= FIRST_CHECK_ROW and verdict in (MISMATCH, ADVISORY):
            colour = ERROR_COLOUR if verdict == MISMATCH else WARNING_COLOUR
            out.append(Flag(CHECKS, cell(col, r), colour, ""))
    return out


def findings_rows(values: dict[str, Grid]) -> list[list[Any]]:
    """The findings as a table for a dynamic array: 级别, 规则, 说明, 原文行."""
    rows: list[list[Any]] = [["级别", "规则", "说明", "原文行"]]
    for f in evaluate_open(values):
        rows.append([SHEET_WORDS[f.severity], f.rule, f.message, ",".join(map(str, f.lines))])
    if len(rows) == 1:
        rows.append([PASSED, "", "未发现问题", ""])
    return rows


def official_name(code: Any, lookup: Iterable[Iterable[Any]] | None = None) -> str:
    """功能分类 code → its official name: 类 from the catalogue, 款/项 from the document's tables."""
    text = _cell_text(code).strip() if code is not None else ""
    if not re.fullmatch(r"\d{3}(\d{2}){0,2}", text):
        return f"#N/A 不是功能分类科目编码：{text} / not a function code"
    if len(text) == 3 and text in CLASS_NAMES:
        return CLASS_NAMES[text]
    for row in lookup or ():
        cells = ["" if v is None else _cell_text(v).strip() for v in row]
        for i, c in enumerate(cells[:-1]):
            if c == text and cells[i + 1]:
                return cells[i + 1]
    return f"#N/A 未找到科目 {text} / code not found"


def table_codes(doc: Document) -> list[list[str]]:
    """(code, name) of every coded row in the document's tables: the lookup for 款/项 names."""
    out: list[list[str]] = []
    for n in LAYOUTS:
        t = doc.table(n)
        for r in (t.rows if t else ()):
            if r.code and r.name:
                out.append([r.code, r.name])
    return out


_NUM = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)\s*(万元|元|%|个)?")


def check_sentence(sentence: str, figures: Iterable[Iterable[Any]]) -> str:
    """One narrative sentence against (label, amount) pairs: every label the sentence names must
    be followed by its amount, at the decimals the sentence prints."""
    if not sentence:
        return "#N/A 句子为空 / empty sentence"
    problems: list[str] = []
    checked = 0
    for pair in figures:
        cells = list(pair)
        if len(cells) < 2 or cells[0] in (None, "") or not isinstance(cells[1], (int, float)):
            continue
        label, value = str(cells[0]).strip(), float(cells[1])
        at = sentence.find(label)
        if at < 0:
            continue
        m = _NUM.search(sentence, at + len(label))
        if m is None:
            problems.append(f"{label}：句中无数字")
            continue
        printed = m.group(1).replace(",", "")
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        checked += 1
        if abs(float(printed) - round(value, decimals)) > 10 ** -decimals / 2:
            problems.append(f"{label}：句中 {printed}，表中 {value:.{max(decimals, 2)}f}")
    if problems:
        return "不符：" + "；".join(problems)
    if checked == 0:
        return "#N/A 句中未出现给定项目 / no given label in the sentence"
    return f"通过（核对 {checked} 项）"
