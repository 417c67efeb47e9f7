"""Two sides printed on one line (income left, expenditure right): the summary kind (表1,
表4) and the two-sided coded kind (表9).

A summary table's rows are found by their labels (the 30 类 by name or Chinese ordinal, the
fixed income and total rows its layout declares); a two-sided coded table's by its codes
(收入 codes start with 1, 支出 codes with 2).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from xltools.core.layouts import CLASS_NAMES, CLASSES, LAYOUTS, SOURCES, Layout, code_level
from xltools.core.model import ReadNote, RowKind
from xltools.read.tables_cells import is_amount, is_code, is_text, is_total_label, norm_label, norm_name, squash, strip_ordinal
from xltools.read.tables_place import Draft, place

_CLASS_BY_NAME = {norm_label(n): c for c, n in CLASSES}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ORDINAL = re.compile(r"^([一二三四五六七八九十]+)[、.．]")

_INCOME_TOTALS = {
    "本年收入合计": "本年收入合计", "本年收入小计": "本年收入合计", "本年收入": "本年收入合计",
    "收入总计": "收入总计", "收入合计": "收入总计",
}
_EXPENSE_FIXED = {
    "本年支出合计": "本年支出合计", "本年支出小计": "本年支出合计", "本年支出": "本年支出合计",
    "年终结转": "年终结转", "年终结转结余": "年终结转", "年终结余": "年终结转", "结转下年": "年终结转",
    "支出总计": "支出总计", "支出合计": "支出总计",
}
# How a 上年结转 income row is printed; which row it is follows from the table's layout.
_CARRY = ("上年结转", "上年结转结余", "上年结余", "上年财政拨款结转", "上年财政拨款结转结余")
_EXPENSE_TOTALS = {"本年支出合计", "支出总计"}


def _chinese_number(s: str) -> int | None:
    if not s:
        return None
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(s)


def class_code(label: str) -> str | None:
    """The 类 code of a printed 表1/表4 expenditure label, by name, then by ordinal."""
    t = norm_label(label)
    if t in _CLASS_BY_NAME:
        return _CLASS_BY_NAME[t]
    for name, code in _CLASS_BY_NAME.items():
        if len(t) >= 4 and (t in name or name in t):
            return code
    m = _ORDINAL.match(squash(label))
    n = _chinese_number(m.group(1)) if m else None
    if n is not None and 1 <= n <= len(CLASSES) and t.endswith("支出"):
        return CLASSES[n - 1][0]
    return None


@dataclass
class SideState:
    """What a two-sided table has seen so far (表4's 结转 rows follow 上年财政拨款结转)."""

    number: int
    in_carry: bool = False


@dataclass(frozen=True)
class _Income:
    """A summary table's fixed rows as its layout declares them: the income side's 一、二、…
    types, its 上年结转 row (if any), the rows that split the 结转 by type (表4's
    结转:一般公共预算 …), and every fixed row by its printed label (side, key)."""

    types: frozenset[str]
    carry: str | None
    carried: frozenset[str]
    declared: dict[str, tuple[str, str]]  # the later of two rows printed alike (表4's 结转 rows)
    labels: frozenset[str]
    keys: frozenset[str]  # every fixed row but the 类


@cache
def _income(layout: Layout) -> _Income:
    keys = [k for k, _ in layout.sides[0].fixed_rows]
    labels = dict(layout.sides[0].fixed_rows)
    declared = {norm_label(printed): (side, key) for side, s in zip(("收入", "支出"), layout.sides)
                for key, printed in s.fixed_rows if key not in CLASS_NAMES}
    return _Income(frozenset(k for k in keys if ":" not in k and _ORDINAL.match(labels[k])),
                   next((k for k in keys if k in _CARRY), None), frozenset(k for k in keys if k.startswith("结转:")),
                   declared, frozenset(declared),
                   frozenset(key for s in layout.sides for key, _ in s.fixed_rows if key not in CLASS_NAMES))


def _label_key(state: SideState, label: str) -> tuple[str, str, RowKind, str | None] | None:
    """(side, key, kind, code) for a label of a summary table: one of the rows its layout
    declares, in any of the wordings units print; None when it is no row of the table."""
    t = norm_label(label)
    layout = LAYOUTS[state.number]
    income = _income(layout)
    found = _vocabulary_key(state, income, t)
    if found is None and t in income.declared:
        side, key = income.declared[t]
        found = (side, key, "total" if key == layout.total_key else "fixed", None)
    if found is None:
        code = class_code(label)
        return ("支出", code, "class", code) if code is not None else None
    return found if found[1] in income.keys else None


def _vocabulary_key(state: SideState, income: _Income, t: str) -> tuple[str, str, RowKind, str | None] | None:
    if t in income.types:
        if state.in_carry and f"结转:{t}" in income.carried:
            return ("收入", f"结转:{t}", "fixed", None)
        return ("收入", t, "fixed", None)
    if t in _INCOME_TOTALS:
        return ("收入", _INCOME_TOTALS[t], "total", None)
    if t in _CARRY:
        state.in_carry = True
        return ("收入", income.carry, "fixed", None) if income.carry is not None else None
    if t in _EXPENSE_FIXED:
        key = _EXPENSE_FIXED[t]
        return ("支出", key, "total" if key in _EXPENSE_TOTALS else "fixed", None)
    return None


_VOCAB = frozenset(set(SOURCES) | set(_INCOME_TOTALS) | set(_EXPENSE_FIXED) | set(_CARRY)
                   | set(_CLASS_BY_NAME))


def is_label(word: str, layout: Layout | None = None) -> bool:
    """A whole label of a summary table (not a piece of one): a fixed row (in any wording
    units print, or as `layout` declares it) or an official 类 name."""
    t = norm_label(word)
    return t in _VOCAB or t in _CLASS_BY_NAME or (layout is not None and t in _income(layout).labels)


def join_pieces(rows: list[tuple[int, list[str]]], layout: Layout | None = None
                ) -> tuple[list[tuple[int, list[str]]], list[tuple[int, str, str]]]:
    """Summary-table (表1/表4) lines with a wrapped label's piece on a line of its own: the
    piece joined to the label above or below it that it completes to a whole label (`layout`:
    its declared labels count as whole). Returns the lines left and (line, piece, label) for
    each join; a piece that completes nothing stays a line."""
    out = [(no, list(cells)) for no, cells in rows]
    joined: list[tuple[int, str, str]] = []
    drop: set[int] = set()
    for i, (no, cells) in enumerate(out):
        filled = [c for c in cells if c]
        if len(filled) != 1 or not is_text(filled[0]) or is_label(filled[0], layout):
            continue
        piece = filled[0]
        for j, after in ((i - 1, True), (i + 1, False)):
            if not 0 <= j < len(out) or out[j][0] in drop:
                continue
            cells_j = out[j][1]
            k = next((k for k, c in enumerate(cells_j) if is_text(c) and not is_label(c, layout)
                      and is_label(c + piece if after else piece + c, layout)), None)
            if k is not None:
                whole = cells_j[k] + piece if after else piece + cells_j[k]
                cells_j[k] = whole
                drop.add(no)
                joined.append((no, piece, norm_name(whole)))
                break
    return [(no, cells) for no, cells in out if no not in drop], joined


def _starts_label(word: str) -> bool:
    return bool(_ORDINAL.match(word)) or norm_label(word) in _VOCAB


def split_labels(cells: list[str]) -> list[str]:
    """A space-separated line joins two labels in one cell ("二、政府性基金预算 二、外交支出");
    split it where a label starts, keeping a wrapped name ("国有资本经营 预算支出") whole."""
    out: list[str] = []
    for c in cells:
        words = c.split()
        if len(words) < 2 or not is_text(c) or norm_label(c) in _VOCAB:
            out.append(c)
            continue
        groups: list[str] = []
        for w in words:
            if groups and not _starts_label(w):
                groups[-1] += " " + w
            else:
                groups.append(w)
        out.extend(groups)
    return out


def read_summary(number: int, state: SideState, line: int, cells: list[str],
                 notes: list[ReadNote]) -> list[Draft] | None:
    """The rows of one line of a summary table (表1/表4); None when nothing on it is a row."""
    cells = split_labels(cells)
    sides = LAYOUTS[number].sides
    income_cols = tuple(c.key for c in sides[0].columns)
    expense_cols = tuple(c.key for c in sides[1].columns)
    income_id, expense_id = LAYOUTS[number].row_sum(0), LAYOUTS[number].row_sum(1)
    out: list[Draft] = []
    stray: list[str] = []
    i = 0
    n = len(cells)
    while i < n:
        c = cells[i]
        if not is_text(c):
            if c:
                stray.append(c)
            i += 1
            continue
        j = i + 1
        while j < n and not is_text(cells[j]):
            j += 1
        found = _label_key(state, c)
        if found is None:
            notes.append(ReadNote("READ-UNPLACED", f"表{number}“{norm_name(c)}”不是本表的行", line, number))
            i = j
            continue
        side, key, kind, code = found
        cols = income_cols if side == "收入" else expense_cols
        printed, cands, extra = place(cells[i + 1:j], cols, income_id if side == "收入" else expense_id)
        name = strip_ordinal(norm_name(c))
        level = {"class": 1, "total": 0}.get(kind, 1)
        out.append(Draft(key, name, line, cols, printed, cands, code, kind, level, extra=extra))
        i = j
    if stray:
        notes.append(ReadNote("READ-UNPLACED", f"表{number}第{line}行有不属于任何行的金额：{'、'.join(stray)}",
                              line, number))
    return out or None


def read_coded_sides(number: int, line: int, cells: list[str], notes: list[ReadNote]) -> list[Draft] | None:
    """A two-sided coded table (表9: [收入科目编码, 科目名称, 金额, 科目编码, 科目名称, 合计,
    基本支出, 项目支出]): a line with every cell in place is split where the layout's second
    side starts; otherwise each side starts at a code or a total label."""
    lay = LAYOUTS[number]
    sides = lay.sides
    income_cols = tuple(c.key for c in sides[0].columns)
    expense_cols = tuple(c.key for c in sides[1].columns)
    split = len(lay.labels[0]) + len(sides[0].columns)  # where the second side's cells start
    width = split + len(lay.labels[-1]) + len(sides[1].columns)
    segments: list[tuple[str, str, list[str]]] = []  # side, label, cells after it
    positional = len(cells) in (width - 1, width) and (not cells[split] or is_code(cells[split])
                                                       or is_total_label(cells[split])) \
        and (not cells[0] or is_code(cells[0]) or is_total_label(cells[0]))
    if positional:
        for side, part in (("收入", cells[:split]), ("支出", cells[split:])):
            label = part[0] or (part[1] if len(part) > 1 and is_total_label(part[1]) else "")
            rest = part[1:]
            if not label:
                if any(rest[1:]) and segments and is_total_label(segments[0][1]):
                    label = segments[0][1]  # one printed 合计 for both sides
                else:
                    continue
            segments.append((side, label, rest))
    else:
        i = 0
        while i < len(cells):
            c = cells[i]
            if is_code(c) or is_total_label(c):
                j = i + 1
                while j < len(cells) and not (is_code(cells[j]) or is_total_label(cells[j])):
                    j += 1
                side = "收入" if (c.startswith("1") or (is_total_label(c) and not segments and i < split)) else "支出"
                segments.append((side, c, cells[i + 1:j]))
                i = j
            else:
                i += 1
    out: list[Draft] = []
    for side, label, rest in segments:
        name = ""
        if rest and not is_amount(rest[0]) and not is_total_label(rest[0]):
            name = norm_name(rest[0])
            rest = rest[1:]
        elif rest and is_total_label(rest[0]):
            rest = rest[1:]
        cols = income_cols if side == "收入" else expense_cols
        identity = lay.row_sum(0 if side == "收入" else 1)
        printed, cands, extra = place(rest, cols, identity)
        prefix = lay.kind.side_prefix if side == "收入" else ""
        if is_total_label(label):
            out.append(Draft(prefix + "合计", "合计", line, cols, printed, cands, None, "total", 0, extra=extra))
        else:
            level = code_level(label)
            out.append(Draft(prefix + label, name, line, cols, printed, cands, label,
                             "class" if level == 1 else "item", level, extra=extra))
    return out or None
