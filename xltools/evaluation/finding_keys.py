"""A finding's stable id: its rule and the identities of the cells it compares.

`N-GROWTH:说明一/收入总计/增减率`, `T1-CLASSES:表1/本年支出合计/合计`,
`P-AMOUNT:绩效目标表/2026人大活动经费/年度资金总额`. A cell is named by its table, its code
(or fixed label, or printed name where the reader numbers rows by position) and its column;
a narrative figure by its section, subject and kind; never by a line or a reading position,
which move when a draft is re-typeset, wrapped or edited. The same relation, judged on the
text or on its workbook, gets the same key, so an explanation recorded against one holds on
the other, and two drafts can be compared finding by finding.

Where two instances of one rule name the same cells (a project printed twice, a class name
quoted in two sections), the second gets `#2`, counted over every instance in document order
(not over the failing ones, which would renumber when another finding is fixed).
"""
from __future__ import annotations

import re
from collections import Counter

from xltools.core.model import Document, ProjectTable, ReadNote
from xltools.rules.common import numeral
from xltools.core.references import NarrativeFigure, OverallCell, ProjectCell, Ref, TableCell, spelled
from xltools.rules.core import AtMost, Equal, GrowthOf, Instance, Rule, ShareOf

_POSITIONAL = re.compile(r"[pu]\d+")
_KIND = {"amount": "金额", "share": "占比", "growth": "增减率", "change": "增减额", "count": "数量", "base": "上年数"}
_PERIOD = {"period": "实施期", "annual": "年度"}
_SIDE = {"source": "按资金来源", "direction": "按资金方向"}
# "第123行", "第12、15行", "（第552行）": where a note or a subject stands, not what it is.
_LINES = re.compile(r"(?:第\d+(?:[、,，至\-–]\d+)*行[、，,与和及]?)+")
_SPACE = re.compile(r"\s+")


def _name(text: str) -> str:
    """A printed name as an identity: spaces a wrap left dropped, brackets in one width."""
    return _SPACE.sub("", text).replace("(", "（").replace(")", "）")


class KeyNames:
    """Identities of a document's cells (built once per document: lookups by key)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._projects: dict[str, ProjectTable] = {p.key: p for p in doc.projects}

    def cell(self, ref: Ref) -> str:
        if isinstance(ref, TableCell):  # most cells: asked once per rule instance
            return f"表{ref.table}/{self._row(ref.table, ref.row)}/{ref.column}"
        match ref:
            case NarrativeFigure(key):
                f = self.doc.narrative.figure(key)
                if f is None:
                    return f"说明/{key}"
                return f"说明{numeral(f.section)}/{f.subject}/{_KIND.get(f.kind, f.kind)}"
            case ProjectCell(project, column):
                p = self._projects.get(project)
                side, _, part = column.partition(":")
                name = _PERIOD.get(side, side) + ("资金总额" if part == "总额" else part)
                return f"绩效目标表/{_name(p.name) if p is not None else project}/{name}"
            case OverallCell(side, part):
                return f"整体绩效目标表/{_SIDE.get(side, side)}/{part}"
        return "/".join(spelled(ref))  # the draft's and last year's cells: no printed name here

    def _row(self, n: int, key: str) -> str:
        if key[:1] not in ("p", "u") or not _POSITIONAL.fullmatch(key):
            return key  # a code or a fixed label: the same in every draft
        t = self.doc.table(n)
        row = t.row(key) if t is not None else None
        if row is None:
            return key
        name = _name(row.name)
        if row.second_name:
            name += f"（{_name(row.second_name)}）"  # 表6 prints one first name under two classes
        return f"单位:{name}" if row.kind == "subtotal" else name


def instance_base(rule: Rule, inst: Instance, names: KeyNames) -> str:
    """The key of one rule instance, before duplicates are told apart: the rule and the cell
    the relation checks (the sum's total, the printed share), or what the rule says it
    compares where no cell does."""
    rel = inst.relation
    if inst.key:
        what = inst.key
    elif isinstance(rel, (Equal, AtMost)):
        what = names.cell(rel.lhs[0].ref) if rel.lhs else ""
    elif isinstance(rel, (ShareOf, GrowthOf)):
        what = names.cell(rel.printed)
    else:
        what = names.cell(rel.refs[0]) if rel.refs else ""
    return f"{rule.id}:{what}" if what else rule.id


def note_key(note: ReadNote) -> str:
    """A READ-* note has no cells: its identity is what it says, without the lines it cites."""
    what = _SPACE.sub(" ", _LINES.sub("", note.message)).strip()
    return f"{note.rule}:{what}"


class Numbering:
    """Tells apart equal base keys by their order: the first keeps it, the next get #2, #3."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def __call__(self, base: str) -> str:
        self._seen[base] += 1
        n = self._seen[base]
        return base if n == 1 else f"{base}#{n}"
