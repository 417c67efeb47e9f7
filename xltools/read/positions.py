"""Where each character of a PDF's extracted lines is printed.

The reader keeps, for every character of every line it extracts from a PDF, the box pdfplumber
gave that character (or None for a space or tab the reader put in itself), so that a figure a
finding names by its line and its printed text can be marked on the page it stands on
(`xltools check X.pdf --annotate`). Every extracted line lies on one page (a paragraph is cut at
a page break, a table row is one printed row), `Extracted.pages` says which.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

# x0, top, x1, bottom in points from the page's top-left corner, as pdfplumber measures them.
Box = tuple[float, float, float, float]
Boxes = tuple["Box | None", ...]


@dataclass(frozen=True)
class Positions:
    """`lines[i]`: one entry per character of extracted line i + 1 (empty where unknown);
    `sizes[p - 1]`: page p's width and height as the boxes measure them."""

    lines: tuple[Boxes, ...]
    sizes: tuple[tuple[float, float], ...] = ()

    def of(self, line: int) -> Boxes:
        """The boxes of 1-based `line` (empty where none are known)."""
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ()

    def rects(self, line: int, start: int, end: int) -> list[Box]:
        """The characters `start:end` of 1-based `line`, one rectangle per printed row they
        lie on (a figure wrapped in its cell lies on two)."""
        return rows_of([b for b in self.of(line)[start:end] if b is not None])

    def dropping(self, pattern: re.Pattern[str], texts: Sequence[str]) -> "Positions":
        """The positions once the characters `pattern` matches are taken out of `texts` (the
        lines these positions describe), as the reader drops control characters."""
        out: list[Boxes] = []
        for text, boxes in zip(texts, self.lines):
            if boxes and len(boxes) == len(text) and pattern.search(text):
                boxes = tuple(b for ch, b in zip(text, boxes) if not pattern.match(ch))
            out.append(boxes)
        return Positions(tuple(out), self.sizes)


def rows_of(boxes: Sequence[Box]) -> list[Box]:
    """Character boxes in reading order, merged into one rectangle per printed run: a row of
    characters without a gap wider than two of them (a table row's label and its name, cells
    apart, are two rectangles, not one bar across the empty cells between)."""
    out: list[list[float]] = []
    for x0, top, x1, bottom in boxes:
        mid = (top + bottom) / 2
        if out:
            r = out[-1]
            if r[1] <= mid <= r[3] and r[0] - 1.0 <= x0 <= r[2] + 2 * (bottom - top):
                r[0], r[1], r[2], r[3] = min(r[0], x0), min(r[1], top), max(r[2], x1), max(r[3], bottom)
                continue
        out.append([x0, top, x1, bottom])
    return [(r[0], r[1], r[2], r[3]) for r in out]


def strip_boxed(text: str, boxes: Boxes) -> tuple[str, Boxes]:
    """`text.strip()` and the boxes of the characters it keeps."""
    s = text.lstrip()
    lead = len(text) - len(s)
    s = s.rstrip()
    return s, boxes[lead:lead + len(s)]


def join_boxed(pieces: Iterable[tuple[str, Boxes]]) -> tuple[str, Boxes]:
    """`extracted.join_pieces` with each character's box carried along: wrapped pieces of one
    cell or paragraph, Chinese and numbers run on, Latin words keep one space (boxless)."""
    out = ""
    boxes: list[Box | None] = []
    for p, b in pieces:
        p, b = strip_boxed(p, b)
        if not p:
            continue
        a, c = out[-1:], p[0]
        if a.isascii() and a.isalnum() and c.isascii() and c.isalnum() and not (a.isdigit() and c.isdigit()):
            out += " "
            boxes.append(None)
        out += p
        boxes.extend(b)
    return out, tuple(boxes)


def join_cells(cells: Sequence[tuple[str, Boxes]]) -> tuple[str, Boxes]:
    """A table row's cells, tab-separated (a tab has no box)."""
    text = "\t".join(t for t, _ in cells)
    boxes: list[Box | None] = []
    for k, (_, b) in enumerate(cells):
        if k:
            boxes.append(None)
        boxes.extend(b)
    return text, tuple(boxes)
