"""The document's own text for the 说明草稿 sheet: its narrative paragraphs, the reasons it gives
and its 'none' sentences.

Taken from the Document (`Narrative.prose`: each section's words as the reader streamed them and
where each figure is printed), never from the file it came from, so that the sheet is the same
whether or not the file is still there. A document without them (made in memory, or a workbook
from before they were kept) shows each figure's sentence in the 原文 column, and no reasons.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence

from xltools.workbook import draft as D
from xltools.core.model import Document, Figure


class Slot(Protocol):
    """What this module reads of a row of the sheet's 数字区 (`draft_sheet.Slot`)."""

    @property
    def figure(self) -> Figure | None: ...
    @property
    def para(self) -> D.Para: ...
    @property
    def source(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def growth(self) -> Slot | None: ...


_ENDS = "。；;：:"
_CLAUSE = re.compile(r"[，,]")
_STOP = re.compile(r"[。；;]")
_LEAD = re.compile(r"^(?:[，,、\s]|主要原因(?:是|为)|原因(?:主要)?(?:是|为|在于)|主要由于|由于)+")
_BEFORE_REASON = re.compile(r"[，,、\s]*(?:主要|其)?")
_NUMBERED = re.compile(r"^\s*[（(]?(?:[一二三四五六七八九十]+|\d+)[)）、.．]")


@dataclass(frozen=True)
class _DocPara:
    start: int
    end: int
    text: str
    heading: bool


class SourceText:
    """The narrative's sections as the reader streamed them, split into paragraphs, with
    where each figure is printed."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        narrative = doc.narrative
        self.title = narrative.title
        self.streams: dict[int, str] = {n: p.text for n, p in narrative.prose.items()}
        self.paras: dict[int, list[_DocPara]] = {n: _split(p.text, p.starts) for n, p in narrative.prose.items()}
        self.heads: dict[int, str] = {n: p.heading for n, p in narrative.prose.items()}
        self.at: dict[str, tuple[int, int]] = {k: v for p in narrative.prose.values() for k, v in p.spans.items()}

    def para_of(self, f: Figure) -> int | None:
        at = self.at.get(f.key)
        if at is None:
            return None
        for i, p in enumerate(self.paras.get(f.section, [])):
            if p.start <= at[0] < p.end:
                return i
        return None

    def assign(self, slots: Sequence[Slot]) -> dict[str, str]:
        """Draft paragraph → the document's paragraphs that state its figures (a paragraph whose
        figures the draft does not state goes with the draft paragraph before it)."""
        owner: dict[tuple[int, int], str] = {}
        for s in slots:
            if s.figure is not None:
                i = self.para_of(s.figure)
                if i is not None:
                    owner.setdefault((s.figure.section, i), s.para.key)
        out: dict[str, list[str]] = {}
        last_owner: dict[int, str] = {}
        for f in self.doc.narrative.figures:
            i = self.para_of(f)
            if i is None:
                continue
            key = owner.get((f.section, i)) or last_owner.get(f.section)
            if key is None:
                continue
            last_owner[f.section] = key
            text = self.paras[f.section][i].text
            if text not in out.setdefault(key, []):
                out[key].append(text)
        result = {k: "\n".join(v) for k, v in out.items()}
        if self.title:
            result["标题"] = self.title
        for p in D.paras():
            if p.kind == "heading" and p.section in self.heads:
                result[p.key] = self.heads[p.section]
        for n in {p.section for p in D.paras() if p.kind == "subheading"}:
            subs = [p for p in D.paras() if p.kind == "subheading" and p.section == n]
            found = [x.text for x in self.paras.get(n, []) if x.heading]
            for p, text in zip(subs, found):
                result[p.key] = text
        return result

    def reasons(self, slots: Sequence[Slot], notes: dict[str, str]) -> dict[str, str]:
        """The reason the document gives after each change it states ("主要原因是…"), up to the
        end of the sentence or the next figure's clause."""
        from xltools.read.narrative import REASON

        out: dict[str, str] = {}
        for s in slots:
            if s.source != "change":
                continue
            stated = [f for f in (s.figure, s.growth.figure if s.growth else None) if f is not None]
            stated = [f for f in stated if f.key in self.at]
            if not stated:
                continue
            n = stated[0].section
            text = self.streams[n]
            end = max(self.at[f.key][1] for f in stated)
            later = [self.at[g.key][0] for g in self.doc.narrative.figures
                     if g.section == n and g.key in self.at and self.at[g.key][0] >= end]
            stop_m = _STOP.search(text, end)
            stop = stop_m.start() if stop_m else len(text)
            if later and min(later) < stop:
                # 三公 items follow each other with a comma: the next item's clause ends the reason
                commas = [m.start() for m in _CLAUSE.finditer(text, end, min(later))]
                stop = commas[-1] if commas else min(later)
            span = text[end:stop]
            m = REASON.search(span)
            if m is None or not _BEFORE_REASON.fullmatch(span[:m.start()]):
                continue
            reason = _LEAD.sub("", span[m.start():]).strip("，,、 。；;")
            if reason:
                out[f"原因:{s.subject}"] = reason
                notes[f"原因:{s.subject}"] = f"取自原文第{stated[-1].line}行"
        return out

    def none_sentences(self, slots: Sequence[Slot], fills: Mapping[str, str | float],
                       notes: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for p in D.paras():
            if p.none is None:
                continue
            zero = next((s.figure for s in slots if s.para.key == p.key and s.figure is not None
                         and s.figure.word == "无"), None)
            text = ""
            if zero is not None:
                i = self.para_of(zero)
                text = self.paras[zero.section][i].text if i is not None else ""
            elif p.none_if is not None and p.none_if.kind == "choice" and fills.get(p.none_if.subject) == p.none_if.value:
                text = next((x.text for x in self.paras.get(p.section, []) if "未编" in x.text), "")
            if text.strip():
                out[f"无:{p.key}"] = text.strip()
                notes[f"无:{p.key}"] = "取自原文"
        return out


def _split(text: str, offsets: tuple[int, ...]) -> list[_DocPara]:
    """A section's stream in paragraphs: a line that ends a sentence (。；：) ends one; a short
    line without punctuation after a closed paragraph (a sub-heading, a chart's caption) is one."""
    out: list[_DocPara] = []
    start = 0
    bounds = list(offsets) + [len(text)]
    for i in range(len(offsets)):
        a, z = bounds[i], bounds[i + 1]
        piece = text[a:z].strip()
        alone = len(piece) <= 30 and not re.search(r"[，,。；;]", piece)
        if start == a and alone or (start < a and _NUMBERED.match(piece) and alone):
            if start < a:
                out.append(_para(text, start, a, False))
            out.append(_para(text, a, z, True))
            start = z
            continue
        if piece.endswith(tuple(_ENDS)):
            out.append(_para(text, start, z, False))
            start = z
    if start < len(text):
        out.append(_para(text, start, len(text), False))
    return [p for p in out if p.text]


def _para(text: str, a: int, z: int, heading: bool) -> _DocPara:
    return _DocPara(a, z, text[a:z].strip(), heading)


def source_text(doc: Document) -> SourceText | None:
    return SourceText(doc) if doc.narrative.prose else None
