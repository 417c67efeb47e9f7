"""Where a finding's figures are printed: the characters of the text lines that show them.

A finding cites lines; the figures it compares are cells of those lines (a table's amounts, a
narrative's numbers, a 绩效 table's 元). The instance behind each finding is judged again to
learn its cells (`Ref`s), and each cell is found in its line's text by its value, in the order
the line prints its cells: a line's cells and the numbers its text prints are walked together,
each cell taking the next number that reads its value, so that of two equal numbers on a line
each cell gets its own (表1 收入总计 1271.91 and 支出总计 1271.91; the fourth "占0%" of a
paragraph, not the first). A line a finding cites for no cell (a 绩效 table's 项目名称, a
table row whose name differs) is marked whole. A cell printed blank has nothing to mark; a
cell whose number the line does not print is reported as not found, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from xltools.core.findings import Finding
from xltools.core.layouts import LAYOUTS
from xltools.core.model import Amount, Document
from xltools.evaluation.judged import judged
from xltools.evaluation.messages import figure_name, message
from xltools.rules import CATALOGUE
from xltools.core.references import NarrativeFigure, OverallCell, OverallSide, ProjectCell, Ref, TableCell
from xltools.rules.core import Rule, refs_of
from xltools.rules.resolve import DocumentValues

# A number as the narrative prints it: 1,271.91 / 0 / 92.21, its unit or % after it.
_NUMBER = re.compile(r"(?<![\d.])\d(?:[\d,]*\d)?(?:\.\d+)?")
# A table cell that is a number and nothing else (an amount, 元 with thousands separators).
_CELL = re.compile(r"^\s*([-−]?\d(?:[\d,]*\d)?(?:\.\d+)?)\s*(?:万?元)?\s*$")
# How far past its own line a narrative figure is looked for: a paragraph cut by a page break.
_SPILL = 3
_PERCENT_KINDS = ("share", "growth")
_PROJECT_PARTS = ("总额", "中央", "省级", "市县", "单位自筹", "其他")


@dataclass(frozen=True)
class Span:
    """Characters `start:end` of 1-based text line `line`."""

    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Located:
    """A finding's marks: its figures' characters and the cited lines that hold no figure
    (whole); `missing` names the printed figures that could not be found in their lines."""

    spans: tuple[Span, ...]
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    value: float
    percent: bool


@dataclass(frozen=True)
class _Cell:
    ref: Ref
    value: float
    percent: bool | None  # None: a table's cell (any number); else a narrative figure's kind


def locate(doc: Document, lines: Sequence[str], findings: Iterable[Finding]) -> list[Located]:
    """Each finding's marks, in the order of `findings` (those of `check.evaluate(doc)`, the
    document as printed; `lines` the text it was read from)."""
    findings = list(findings)
    values = DocumentValues(doc)
    refs = _refs_by_message(doc, {(f.rule, f.message) for f in findings})
    index = _Lines(doc, lines, values)
    out: list[Located] = []
    for f in findings:
        cited = set(f.lines)
        cells: list[Ref] = []
        for inst_refs in refs.get((f.rule, f.message), ()):
            here = {w.line for r in inst_refs if (w := values.where(r)) is not None and w.line is not None}
            if here <= cited or not cited:
                cells += [r for r in inst_refs if r not in cells]
        spans: list[Span] = []
        missing: list[str] = []
        holding: set[int] = set()  # cited lines a cell of the finding is printed on
        for ref in cells:
            w = values.where(ref)
            if w is None or w.line is None:
                continue
            holding.add(w.line)
            if values.value(ref) is None:
                continue  # printed blank: nothing to mark
            span = index.span(ref, w.line)
            if span is None:
                missing.append(figure_name(ref, values))
            elif span not in spans:
                spans.append(span)
        for line in sorted(cited - holding):
            whole = _whole(lines, line)
            if whole is not None:
                spans.append(whole)
        out.append(Located(tuple(spans), tuple(missing)))
    return out


def _refs_by_message(doc: Document, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[Ref, ...]]]:
    """The cells of every instance whose finding is wanted, by (rule, message): the message
    names the cells and their numbers, so it tells the instances of one rule apart."""
    out: dict[tuple[str, str], list[tuple[Ref, ...]]] = {}
    rules_wanted = {rule for rule, _ in wanted}
    # The prior-year rules compare with another document (bound to it only by `evaluate`):
    # their findings are marked on the lines they cite.
    rules: tuple[Rule, ...] = tuple(r for r in CATALOGUE if r.id in rules_wanted and r.family != "prior")
    for j in judged(rules, doc):
        if j.outcome.status in ("pass", "unchecked"):
            continue
        key = (j.rule.id, message(j.rule, j.instance, j.outcome, j.values))
        if key in wanted:
            out.setdefault(key, []).append(tuple(dict.fromkeys(refs_of(j.instance.relation))))
    return out


def _whole(lines: Sequence[str], line: int) -> Span | None:
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return Span(line, start, end) if end > start else None


class _Lines:
    """The cells each text line prints, in printed order, matched to its numbers once."""

    def __init__(self, doc: Document, lines: Sequence[str], values: DocumentValues) -> None:
        self.doc = doc
        self.lines = lines
        self.values = values
        self._cells = _cells_by_line(doc, values)
        self._matched: dict[int, dict[Ref, Span]] = {}
        self._used: dict[int, set[int]] = {}

    def span(self, ref: Ref, line: int) -> Span | None:
        got = self._line(line).get(ref)
        if got is not None or not isinstance(ref, NarrativeFigure):
            return got
        # A narrative number on the next line: the paragraph went on after a page break.
        cell = next((c for c in self._cells.get(line, ()) if c.ref == ref), None)
        if cell is None:
            return None
        for other in range(line + 1, min(line + _SPILL, len(self.lines)) + 1):
            self._line(other)
            used = self._used.setdefault(other, set())
            for k, tok in enumerate(_tokens(self.lines[other - 1], table=False)):
                if k not in used and _reads(tok, cell):
                    used.add(k)
                    return Span(other, tok.start, tok.end)
        return None

    def _line(self, line: int) -> dict[Ref, Span]:
        got = self._matched.get(line)
        if got is not None:
            return got
        got = {}
        if 1 <= line <= len(self.lines):
            text = self.lines[line - 1]
            cells = self._cells.get(line, [])
            table = any(c.percent is None for c in cells)
            tokens = _tokens(text, table=table)
            used: set[int] = set()
            at = 0
            for cell in cells:
                k = next((k for k in range(at, len(tokens)) if k not in used and _reads(tokens[k], cell)), None)
                if k is None:  # out of the printed order (a cell the reader placed elsewhere)
                    k = next((k for k in range(len(tokens)) if k not in used and _reads(tokens[k], cell)), None)
                else:
                    at = k + 1
                if k is not None:
                    used.add(k)
                    got[cell.ref] = Span(line, tokens[k].start, tokens[k].end)
            self._used[line] = used
        self._matched[line] = got
        return got


def _reads(tok: _Token, cell: _Cell) -> bool:
    if cell.percent is not None and tok.percent != cell.percent:
        return False
    # A change prints its size, the word its sign (减少 5.00: −5); a table cell its sign.
    want = abs(cell.value) if cell.percent is not None else cell.value
    got = tok.value if cell.percent is None else abs(tok.value)
    return abs(got - want) <= 1e-6 * max(1.0, abs(want))


def _tokens(text: str, *, table: bool) -> list[_Token]:
    """The numbers a line prints: a table row's cells that are numbers, or every number of a
    sentence (in 万元: one printed in 亿元 counts ten thousand times)."""
    out: list[_Token] = []
    if table:
        at = 0
        for cell in text.split("\t"):
            m = _CELL.match(cell)
            if m:
                raw = m.group(1)
                out.append(_Token(at + m.start(1), at + m.end(1),
                                  float(raw.replace(",", "").replace("−", "-")), False))
            at += len(cell) + 1
        return out
    for m in _NUMBER.finditer(text):
        after = text[m.end():m.end() + 3].lstrip()
        value = float(m.group().replace(",", ""))
        if after.startswith("亿"):
            value *= 10000
        percent = after[:1] in ("%", "％")
        end = text.index(after[0], m.end()) + 1 if percent else m.end()  # the % sign marked with it
        out.append(_Token(m.start(), end, value, percent))
    return out


def _cells_by_line(doc: Document, values: DocumentValues) -> dict[int, list[_Cell]]:
    """Every printed cell of the document by its line, in the order the line prints them."""
    out: dict[int, list[_Cell]] = {}

    def add(line: int | None, ref: Ref, value: float | None, percent: bool | None) -> None:
        if line is not None and value is not None:
            out.setdefault(line, []).append(_Cell(ref, value, percent))

    for n, table in sorted(doc.tables.items()):
        if table is None:
            continue
        order = [c.key for side in LAYOUTS[n].sides for c in side.columns]
        for row in table.rows:
            for col in sorted(row.amounts, key=lambda k: order.index(k) if k in order else len(order)):
                add(row.line, TableCell(n, row.key, col), row.get(col), None)
    for fig in sorted(doc.narrative.figures, key=lambda f: (f.line, _figure_order(f.key))):
        add(fig.line, NarrativeFigure(fig.key), fig.value, fig.kind in _PERCENT_KINDS)
    for p in doc.projects:
        for side in ("period", "annual"):  # 实施期 is printed before 年度
            for part in _PROJECT_PARTS:
                column = f"{side}:{part}"
                ref: Ref = ProjectCell(p.key, column)
                add(p.lines.get(column), ref, values.value(ref), None)
    if doc.overall is not None:
        o = doc.overall
        sides: tuple[tuple[OverallSide, Mapping[str, Amount]], ...] = (("source", o.by_source), ("direction", o.by_direction))
        for side, parts in sides:  # 来源 on the left
            for part in parts:
                ref = OverallCell(side, part)
                add(o.lines.get(f"{side}:{part}"), ref, values.value(ref), None)
    return out


def _figure_order(key: str) -> tuple[int, ...]:
    """s2.f13 → (2, 13): the order the narrative states its figures in."""
    return tuple(int(x) for x in re.findall(r"\d+", key)) or (0,)
