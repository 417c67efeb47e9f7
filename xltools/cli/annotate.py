"""`xltools check 预算公开.pdf --annotate 审核意见.pdf`: the check, and a copy of the PDF with
each finding marked where its figures are printed.

The reviewer reads the PDF, not our text: each finding becomes a highlight on the figures it
compares (every one of them, on every page they stand; red an error, yellow a warning) whose
note is the finding's line as `check` prints it (rule, both values, difference, the likely
correction), and pages put in front list the findings with links to their pages. Positions
are those of the characters the reader extracted (`read.positions`); a finding whose figures
cannot be found on the page is still listed, saying so. The input PDF is never written to;
the copy is written atomically, an earlier file of that name kept as .bak.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from xltools.core.findings import Finding
from xltools.core.verdicts import REPORT_WORDS
from xltools.core.model import Document
from xltools.read import Extracted
from xltools.read.errors import ReadError
from xltools.read.positions import Box
from xltools.cli.annotate_parts import Entry, Mark
from xltools.cli.annotate_pdf import annotated
from xltools.evaluation.coverage import Coverage
from xltools.evaluation.spans import Located, locate
from xltools.files.safe_write import OutputRefused, backup_paths, check_output

UNLOCATED = "未能在页面上定位"
WHOLE = "针对整份文件，不在某一页上"


class AnnotateFailed(Exception):
    """The PDF could be read but not written with its marks: said in both languages."""

    def __init__(self, path: Path, zh: str, en: str) -> None:
        super().__init__(en)
        self.filename = str(path)
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class Outcome:
    entries: tuple[Entry, ...]

    @property
    def unlocated(self) -> int:
        """Findings that cite lines, none of which could be found on its page."""
        return sum(1 for e in self.entries if not e.marks and e.unlocated.startswith(UNLOCATED))


def refuse_paths(path: Path, out: Path) -> None:
    """Before any work: the input must be a PDF, the output a new name for a .pdf that can be
    written and is not the input."""
    if out.suffix.lower() != ".pdf":
        raise OutputRefused(out, "审核意见文件的扩展名应为 .pdf", "the annotated copy's name must end in .pdf")
    same = out.resolve() == path.resolve()
    if not same and out.exists() and path.exists():
        same = os.path.samefile(out, path)
    if same:
        raise OutputRefused(out, "不能写到原 PDF 上：请给审核意见另起一个文件名",
                            "the annotated copy cannot replace the input PDF: give it another name")
    check_output(out)
    try:
        with open(path, "rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise ReadError(str(path), None, "文件不存在", "file not found") from None
    except IsADirectoryError:
        raise ReadError(str(path), None, "这是一个文件夹，不是文件", "this is a directory, not a file") from None
    if b"%PDF-" not in head:
        raise ReadError(str(path), None, "--annotate 只适用于 PDF 文件（标注画在 PDF 的页面上）；"
                        "Word、文本或工作簿请不加 --annotate 检查",
                        "--annotate works on a PDF only (the marks are drawn on its pages); check a Word "
                        "file, a text or a workbook without --annotate")


def write_annotated(path: Path, out: Path, doc: Document, extracted: Extracted, findings: Sequence[Finding],
                    coverage: Coverage | None, *, show_info: bool) -> int:
    """Write `out`, the PDF at `path` with `findings` marked (those `check` prints: errors and
    warnings, 尾差 too with `show_info`); say so on stderr. Returns how many were marked."""
    from xltools.evaluation.report import headline
    from xltools.files.safe_write import write_atomically

    shown = [f for f in findings if f.severity != "info" or show_info]
    outcome = entries_of(doc, extracted, shown)
    marked = sum(1 for e in outcome.entries if e.marks)
    counts = {s: sum(1 for f in shown if f.severity == s) for s in ("error", "warning", "info")}
    heading = [
        f"文件：{path.name}",
        f"单位：{doc.unit or '（未识别）'}　年度：{doc.year or '（未识别）'}",
        headline(list(findings), coverage),
        f"本文件标注 {marked} 条：错误 {counts['error']} 条（红色），提示 {counts['warning']} 条（黄色）"
        + (f"，尾差/信息 {counts['info']} 条（蓝色）" if counts["info"] else "")
        + (f"；{outcome.unlocated} 条{UNLOCATED}，见下" if outcome.unlocated else "") + "。",
        "下列页码是原 PDF 的页码（与 xltools check 的报告相同）；点击页码跳到该页，点击页面上的标记查看说明。",
    ]
    data = path.read_bytes()
    try:
        pdf, front = annotated(data, outcome.entries, heading)
    except Exception as exc:  # pypdf's errors on a PDF pdfminer could read
        raise AnnotateFailed(out, f"无法在此 PDF 上写出标注（{type(exc).__name__}: {exc}）",
                             f"could not write the marks on this PDF ({type(exc).__name__}: {exc})") from exc
    replaced = out.exists()

    def write(tmp: Path) -> None:
        tmp.write_bytes(pdf)

    write_atomically(out, write)
    if replaced:
        print(f"原文件已备份为 {backup_paths(out)[0]} / the old file was kept as {backup_paths(out)[0]}",
              file=sys.stderr)
    lost = f"，{outcome.unlocated} 条{UNLOCATED}" if outcome.unlocated else ""
    lost_en = f", {outcome.unlocated} could not be located on the page" if outcome.unlocated else ""
    print(f"已写入审核意见 {out}（前 {front} 页为问题清单）：标注 {marked} 条{lost} / annotated copy written to {out} "
          f"(the first {front} page(s) list the findings): {marked} finding(s) marked{lost_en}", file=sys.stderr)
    return marked


def entries_of(doc: Document, extracted: Extracted, findings: Sequence[Finding]) -> Outcome:
    """Each finding as a note with its marks, in the order `check` lists them."""
    located = locate(doc, extracted.lines, findings)
    entries = tuple(_entry(f, loc, extracted) for f, loc in zip(findings, located))
    return Outcome(entries)


def _entry(f: Finding, loc: Located, extracted: Extracted) -> Entry:
    positions = extracted.positions
    by_page: dict[int, list[Box]] = {}
    lost: list[str] = list(loc.missing)
    for span in loc.spans:
        rects = positions.rects(span.line, span.start, span.end) if positions is not None else []
        page = extracted.pages[span.line - 1] if 1 <= span.line <= len(extracted.pages) else None
        if not rects or page is None:
            lost.append(f"第{span.line}行")
            continue
        here = by_page.setdefault(page, [])
        here.extend(r for r in rects if r not in here)
    marks = tuple(Mark(p, tuple(rs)) for p, rs in sorted(by_page.items()))
    if not f.lines:  # the document as a whole (a missing table, last year's unit renamed)
        unlocated = WHOLE
    else:
        unlocated = UNLOCATED if not marks else (f"{UNLOCATED}：{'、'.join(lost)}" if lost else "")
    heading = f"{REPORT_WORDS[f.severity]} {f.rule} {_where(f)}"
    return Entry(f.severity, heading, note_text(f, heading), marks, unlocated)


def _where(f: Finding) -> str:
    """第85、86行（第6页）: as `check` prints it."""
    lines = "、".join(str(x) for x in f.lines)
    where = f"第{lines}行" if lines else "—"
    pages = sorted({w.page for w in f.where if w.page is not None})
    if pages:
        where += f"（第{'、'.join(str(p) for p in pages)}页）"
    return where


def note_text(f: Finding, heading: str) -> str:
    """The note: the finding's line as `check` prints it, the likely correction where one
    figure explains it, the rule's text."""
    from xltools.rules import BY_ID

    parts = [heading, f.message]
    if f.suggested is not None and f.diagnosis:
        parts.append(f"可能的更正：{f.diagnosis}")
    elif f.follows_from is not None:
        ff = f.follows_from
        at = f"（第{ff.line}行）" if ff.line else ""
        yuan = ff.figure.startswith("绩效目标表")  # printed in whole 元
        parts.append(f"可能源于 {ff.figure}{at} 一处数字：疑为 {_num(ff.printed, yuan)}，应为 {_num(ff.suggested, yuan)}")
    rule = BY_ID.get(f.rule)
    if rule is not None:
        parts.append(f"规则 {f.rule}：{rule.description}")
    key = getattr(f, "key", "")
    if key:  # what `xltools accept` takes to record an explanation
        parts.append(f"编号：{key}")
    return "\n".join(parts)


def _num(v: float | None, yuan: bool) -> str:
    if v is None:
        return "无"
    return f"{v:,.0f} 元" if yuan else f"{v:,.2f}"
