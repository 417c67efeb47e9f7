"""What a reader of a PDF or a Word file gives back: the text lines the text reader reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from xltools.read.positions import Positions


@dataclass(frozen=True)
class Extracted:
    """The text a reader makes of a file, one entry per line; `pages[i]` is the printed page
    (from 1) of line i + 1, empty where the format has no pages (a Word file, text).
    `scanned` lists the pages that hold an image and no text: their content was not read.
    `positions`: where each character of each line is printed (a PDF only); not part of what
    the text is, so two extractions of the same text compare equal however they were laid out."""

    lines: tuple[str, ...]
    pages: tuple[int, ...] = ()
    scanned: tuple[int, ...] = ()
    positions: Positions | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def join_pieces(pieces: Iterable[str]) -> str:
    """Wrapped pieces of one cell or paragraph: Chinese and numbers run on without a space,
    Latin words keep one."""
    out = ""
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        a, b = out[-1:], p[0]
        if a.isascii() and a.isalnum() and b.isascii() and b.isalnum() and not (a.isdigit() and b.isdigit()):
            out += " "  # words wrapped at a space; a number cut in two runs on
        out += p
    return out
