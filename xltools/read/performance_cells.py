"""Cells of the 绩效 tables: labels and amounts, recognised by what they say.

The 绩效 tables drift between tab positions from one table to the next, so nothing here
looks at a column index: a label is recognised by its words and its value is the next
cell that holds one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from xltools.core.model import Amount
from xltools.read.text import Line

_SPACE = re.compile(r"\s+")
# At most 15 digits before the point, as Excel keeps: 400 digits are not an amount (float overflows).
_AMOUNT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d+)?$")
_GLUED = re.compile(r"^(.*[^\d,.:\-])(\d[\d,]*(?:\.\d+)?)$")
_BLANKISH = frozenset({"-", "—", "－", "/", "／", "——", "无"})
# A label never fills a whole paragraph; a longer cell is prose (项目概况 and the like).
LABEL_MAX = 16


# The cells' words are normalised and read as labels and amounts several times over by the
# finders and readers of the 绩效 part; these pure functions of a cell's text are each
# worked out once for a text (and its recurring labels once for many).
@lru_cache(maxsize=1 << 14)
def norm(s: str) -> str:
    """Spaces out, full-width punctuation folded, so that labels compare as words."""
    s = _SPACE.sub("", s)
    s = s.replace("（", "(").replace("）", ")").replace("：", ":").replace("，", ",")
    return s


@lru_cache(maxsize=1 << 14)
def amount(cell: str) -> tuple[bool, Amount]:
    """(is an amount or a blank mark, value). "308,384" → 308384.0; "—" → None."""
    s = norm(cell)
    if s in _BLANKISH:
        return True, None
    for unit in ("万元", "元"):
        if s.endswith(unit):
            s = s[: -len(unit)]
            break
    if _AMOUNT.match(s):
        return True, float(s.replace(",", ""))
    return False, None


@dataclass(frozen=True, slots=True)
class Cell:
    index: int
    text: str  # normalised


def filled(line: Line) -> list[Cell]:
    return [Cell(i, norm(c)) for i, c in enumerate(line.cells) if c.strip()]


@lru_cache(maxsize=1 << 14)
def split_label(text: str) -> tuple[str, str]:
    """ "实施期资金总额:308,384" → ("实施期资金总额", "308,384"); a bare label → (label, "")."""
    head, sep, tail = text.partition(":")
    if sep and tail and amount(tail)[0]:
        return head, tail
    # Extractions without tabs may glue the value to its label: "其中:中央财政资金0".
    m = _GLUED.match(text)
    if m and amount(m.group(2))[0]:
        return m.group(1).rstrip(":"), m.group(2)
    return text.rstrip(":"), ""


def first_label(line: Line) -> str:
    """The first cell's label, without a value glued to it."""
    cells = filled(line)
    return split_label(cells[0].text)[0] if cells else ""


def label_values(cells: list[Cell], is_label: "LabelFn") -> list[tuple[str, Cell, Amount | None, bool]]:
    """Each recognised label of a row with the value that follows it, before the next label.

    Returns (key, label cell, value, readable): `readable` is False when a non-amount
    text sits where the value should be.
    """
    out: list[tuple[str, Cell, Amount | None, bool]] = []
    i = 0
    while i < len(cells):
        label, inline = split_label(cells[i].text)
        key = is_label(label) if len(label) <= LABEL_MAX else None
        if key is None:
            i += 1
            continue
        if inline:
            out.append((key, cells[i], amount(inline)[1], True))
            i += 1
            continue
        value: Amount = None
        readable = True
        j = i + 1
        if j < len(cells):
            nxt, _ = split_label(cells[j].text)
            if not (len(nxt) <= LABEL_MAX and is_label(nxt) is not None):
                ok, value = amount(cells[j].text)
                readable = ok
                j += 1
        out.append((key, cells[i], value, readable))
        i = j
    return out


class LabelFn:
    """Maps a normalised label to a key, or None: a small callable table of patterns."""

    def __init__(self, patterns: tuple[tuple[str, str], ...]) -> None:
        self._patterns = tuple((re.compile(p), k) for p, k in patterns)
        # Asked of every cell of every row looked at, most of them the same few labels.
        self._known = lru_cache(maxsize=1 << 12)(self._search)

    def __call__(self, label: str) -> str | None:
        return self._known(label)

    def _search(self, label: str) -> str | None:
        for pat, key in self._patterns:
            if pat.search(label):
                return key
        return None
