"""Where each narrative subject is printed in the tables, and what its shares are over: the
subjects' own records (`core.narrative_subjects`), and the bases a sentence may name."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict

from xltools.core.model import Document, Figure
from xltools.core.narrative_subjects import AmountRule, all_cells, cells_of, subject
from xltools.core.references import NarrativeFigure, TableCell

__all__ = ["TABLES", "amount_rule", "cells_for", "has_value", "missing_tables", "nref", "partner", "present",
           "previous", "share_base"]


def cells_for(subject_key: str) -> tuple[TableCell, ...]:
    """The table cells a figure of this subject restates (`core.narrative_subjects`)."""
    return cells_of(subject_key)


def amount_rule(subject_key: str) -> AmountRule:
    """The N- rule that compares an amount of this subject with its cells (its record's)."""
    s = subject(subject_key)
    return s.rule if s is not None else "N-AMOUNT"


# A base a share names ("占本年收入的"), matched whole: a name not listed here is a base the
# check cannot identify, and the share is then not checked (never judged over a guess).
_NAMED_BASES: tuple[tuple[re.Pattern[str], tuple[TableCell, ...]], ...] = tuple((re.compile(p), c) for p, c in (
    (r"^(?:本年|当年)(?:预算)?收入(?:合计)?$", (TableCell(1, "本年收入合计", "金额"),)),
    (r"^(?:本?部门|本?单位)?(?:预算)?(?:总|全部)?收入(?:预算)?(?:总计|合计|总额)?$", (TableCell(1, "收入总计", "金额"),)),
    (r"^一般公共预算(?:当年)?(?:拨款)?(?:支出)?(?:预算)?(?:总额|合计)?$", (TableCell(5, "合计", "合计"),)),
    (r"^财政拨款(?:支出)?(?:预算)?(?:总额|合计|总计)?$", (TableCell(4, "支出总计", "小计"),)),
    (r"^(?:“|\")?三公(?:”|\")?经费(?:预算)?(?:总额|合计)?$", (TableCell(10, "合计", "合计"),)),
    (r"^基本支出(?:预算)?(?:总额|合计)?$", (TableCell(6, "合计", "合计"),)),
    (r"^(?:本?部门|本?单位)?(?:预算)?(?:总|全部)?支出(?:预算)?(?:总计|合计|总额)?$", (TableCell(3, "合计", "合计"),)),
))


# Every table a narrative figure is compared with (its restated cells and share bases).
TABLES: tuple[int, ...] = tuple(sorted({c.table for c in all_cells()}
                                       | {c.table for _, cells in _NAMED_BASES for c in cells}))


def share_base(subject_key: str, named: str | None = None) -> tuple[TableCell, ...]:
    """DOMAIN.md: 收入 shares over 收入总计, 支出 over 表3 合计, 一般公共预算 structure over 表5 合计
    (each subject's own `share_base`); a base the sentence names ("占本年收入的") wins; () when
    the base is not identified."""
    if named:
        for pat, cells in _NAMED_BASES:
            if pat.match(named):
                return cells
        return ()
    s = subject(subject_key)
    return s.share_base if s else ()


def missing_tables(doc: Document, cells: tuple[TableCell, ...]) -> list[int]:
    return sorted({c.table for c in cells if doc.table(c.table) is None})


def present(doc: Document, cells: tuple[TableCell, ...]) -> bool:
    """The tables these cells live in were read (an absent table is a READ finding)."""
    return bool(cells) and all(doc.table(c.table) is not None for c in cells)


def has_value(doc: Document, cells: tuple[TableCell, ...]) -> bool:
    for c in cells:
        t = doc.table(c.table)
        row = t.row(c.row) if t else None
        if row is None or row.get(c.column) is None:
            return False
    return True


def nref(f: Figure) -> NarrativeFigure:
    return NarrativeFigure(f.key)


class _Index:
    """Positions of the figures by (section, kind[, subject]) and by (section, subject), so
    that finding a figure's neighbours costs a bisection rather than a pass over every figure
    (a pass per growth figure was quadratic in a long narrative)."""

    def __init__(self, figures: tuple[Figure, ...]) -> None:
        self.pos: dict[int, int] = {}
        self.kinds: dict[tuple[int, str, str | None], list[int]] = defaultdict(list)
        self.groups: dict[tuple[int, str], list[Figure]] = defaultdict(list)
        self.in_group: dict[int, int] = {}
        # per (section, subject): the group positions of each kind
        self.group_kinds: dict[tuple[int, str, str], list[int]] = defaultdict(list)
        for i, g in enumerate(figures):
            self.pos.setdefault(id(g), i)
            self.kinds[(g.section, g.kind, None)].append(i)
            self.kinds[(g.section, g.kind, g.subject)].append(i)
            group = self.groups[(g.section, g.subject)]
            self.in_group.setdefault(id(g), len(group))
            self.group_kinds[(g.section, g.subject, g.kind)].append(len(group))
            group.append(g)


_LAST: list[tuple[tuple[Figure, ...], _Index]] = []


def _index(figures: tuple[Figure, ...]) -> _Index:
    """The index of `figures`, kept for the last tuple asked about (the rules ask about one
    document's figures many times in a row). The entry holds the tuple, so `is` is safe."""
    last = _LAST[0] if _LAST else None
    if last is not None and last[0] is figures:
        return last[1]
    ix = _Index(figures)
    _LAST[:] = [(figures, ix)]
    return ix


def previous(figures: tuple[Figure, ...], f: Figure, kind: str, subject: str | None = None) -> Figure | None:
    """The nearest figure of `kind` (and subject) stated before `f` in its section."""
    ix = _index(figures)
    at = ix.pos.get(id(f), len(figures))
    found = ix.kinds.get((f.section, kind, subject), [])
    k = bisect_left(found, at)
    return figures[found[k - 1]] if k > 0 else None


def partner(figures: tuple[Figure, ...], f: Figure, kind: str) -> Figure | None:
    """The figure of `kind` stated with `f` (a growth's change, its inline base): same section
    and subject, in the same statement (between the amounts of that subject around `f`),
    nearest before `f`, else nearest after it ("增长10.08%，增加116.42万元")."""
    ix = _index(figures)
    same = ix.groups[(f.section, f.subject)]
    i = ix.in_group[id(f)]
    amounts = ix.group_kinds.get((f.section, f.subject, "amount"), [])
    a = bisect_left(amounts, i)
    lo = amounts[a - 1] if a > 0 else -1
    b = bisect_right(amounts, i)
    hi = amounts[b] if b < len(amounts) else len(same)
    of_kind = ix.group_kinds.get((f.section, f.subject, kind), [])
    k = bisect_left(of_kind, i)
    if k > 0 and of_kind[k - 1] > lo:
        return same[of_kind[k - 1]]
    k = bisect_right(of_kind, i)
    if k < len(of_kind) and of_kind[k] < hi:
        return same[of_kind[k]]
    return None
