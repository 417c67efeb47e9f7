"""Where each narrative subject is printed in the tables, and what its shares are over."""
from __future__ import annotations

import re

from ..layouts import FUND_TYPES, SOURCES, T10_ROWS
from ..model import Document, Figure
from .core import Ref

Cell = tuple[str, str, str]  # (sheet, row key, column key)

_FIXED: dict[str, tuple[Cell, ...]] = {
    "收入总计": (("t1", "收入总计", "金额"),),
    "本年收入": (("t1", "本年收入合计", "金额"),),
    "上年结转": (("t1", "上年结转", "金额"),),
    "支出总计": (("t1", "支出总计", "合计"),),
    "本年支出": (("t1", "支出总计", "当年预算安排"),),
    "支出:上年结转": (("t1", "支出总计", "上年结转安排"),),
    "支出:合计": (("t3", "合计", "合计"),),
    "支出:基本支出": (("t3", "合计", "基本支出"),),
    "支出:项目支出": (("t3", "合计", "项目支出"),),
    "财政拨款:收入总计": (("t4", "收入总计", "金额"),),
    "财政拨款:本年收入": (("t4", "本年收入合计", "金额"),),
    "财政拨款:上年结转": (("t4", "上年财政拨款结转", "金额"),),
    "一般公共预算:当年支出": (("t5", "合计", "合计"),),
    "一般公共预算:基本支出": (("t5", "合计", "基本支出"),),
    "基本支出:人员经费": (("t6", "合计", "人员经费"),),
    "基本支出:公用经费": (("t6", "合计", "公用经费"),),
    "机关运行经费": (("t11", "部门合计", "合计"),),
}
for _s in SOURCES:
    _FIXED[f"收入:{_s}"] = (("t1", _s, "金额"),)
for _t in FUND_TYPES:
    # The 财政拨款 of a type, as section 四 states it, includes its carry-over.
    _FIXED[f"财政拨款:{_t}"] = (("t4", _t, "金额"), ("t4", f"结转:{_t}", "金额"))

SANGONG_ITEMS = tuple(k for k, _ in T10_ROWS if k != "合计")
for _i in SANGONG_ITEMS + ("合计",):
    _FIXED[f"三公:{_i}"] = (("t10", _i, "合计"),)


def cells_for(subject: str) -> tuple[Cell, ...]:
    if subject in _FIXED:
        return _FIXED[subject]
    for prefix, sheet, column in (("财政拨款:类:", "t4", "小计"), ("一般公共预算:类:", "t5", "合计")):
        if subject.startswith(prefix):
            code = subject[len(prefix):]
            return ((sheet, code, column),) if code.isdigit() else ()
    return ()


# A base a share names ("占本年收入的"), matched whole: a name not listed here is a base the
# check cannot identify, and the share is then not checked (never judged over a guess).
_NAMED_BASES: tuple[tuple[re.Pattern[str], tuple[Cell, ...]], ...] = tuple((re.compile(p), c) for p, c in (
    (r"^(?:本年|当年)(?:预算)?收入(?:合计)?$", (("t1", "本年收入合计", "金额"),)),
    (r"^(?:本?部门|本?单位)?(?:预算)?(?:总|全部)?收入(?:预算)?(?:总计|合计|总额)?$", (("t1", "收入总计", "金额"),)),
    (r"^一般公共预算(?:当年)?(?:拨款)?(?:支出)?(?:预算)?(?:总额|合计)?$", (("t5", "合计", "合计"),)),
    (r"^财政拨款(?:支出)?(?:预算)?(?:总额|合计|总计)?$", (("t4", "支出总计", "小计"),)),
    (r"^(?:“|\")?三公(?:”|\")?经费(?:预算)?(?:总额|合计)?$", (("t10", "合计", "合计"),)),
    (r"^基本支出(?:预算)?(?:总额|合计)?$", (("t6", "合计", "合计"),)),
    (r"^(?:本?部门|本?单位)?(?:预算)?(?:总|全部)?支出(?:预算)?(?:总计|合计|总额)?$", (("t3", "合计", "合计"),)),
))


def share_base(subject: str, named: str | None = None) -> tuple[Cell, ...]:
    """DOMAIN.md: 收入 shares over 收入总计, 支出 over 表3 合计, 一般公共预算 structure over 表5 合计;
    a base the sentence names ("占本年收入的") wins; () when the base is not identified."""
    if named:
        for pat, cells in _NAMED_BASES:
            if pat.match(named):
                return cells
        return ()
    if subject.startswith("收入:") or subject in ("上年结转", "本年收入"):
        return (("t1", "收入总计", "金额"),)
    if subject.startswith("支出:"):
        return (("t3", "合计", "合计"),)
    if subject.startswith("一般公共预算:类:"):
        return (("t5", "合计", "合计"),)
    if subject.startswith("财政拨款:类:"):
        return (("t4", "支出总计", "小计"),)
    if subject.startswith("三公:") and subject != "三公:合计":
        return (("t10", "合计", "合计"),)
    return ()


def missing_tables(doc: Document, cells: tuple[Cell, ...]) -> list[int]:
    return sorted({int(s[1:]) for s, _, _ in cells if doc.table(int(s[1:])) is None})


def present(doc: Document, cells: tuple[Cell, ...]) -> bool:
    """The tables these cells live in were read (an absent table is a READ finding)."""
    return bool(cells) and all(doc.table(int(s[1:])) is not None for s, _, _ in cells)


def has_value(doc: Document, cells: tuple[Cell, ...]) -> bool:
    for s, r, c in cells:
        t = doc.table(int(s[1:]))
        row = t.row(r) if t else None
        if row is None or row.get(c) is None:
            return False
    return True


def refs(cells: tuple[Cell, ...]) -> tuple[Ref, ...]:
    return tuple(Ref(*c) for c in cells)


def nref(f: Figure) -> Ref:
    return Ref("narrative", f.key, "value")


def previous(figures: tuple[Figure, ...], f: Figure, kind: str, subject: str | None = None) -> Figure | None:
    """The nearest figure of `kind` (and subject) stated before `f` in its section."""
    found = None
    for g in figures:
        if g is f:
            break
        if g.section == f.section and g.kind == kind and (subject is None or g.subject == subject):
            found = g
    return found


def partner(figures: tuple[Figure, ...], f: Figure, kind: str) -> Figure | None:
    """The figure of `kind` stated with `f` (a growth's change, its inline base): same section
    and subject, in the same statement (between the amounts of that subject around `f`),
    nearest before `f`, else nearest after it ("增长10.08%，增加116.42万元")."""
    same = [g for g in figures if g.section == f.section and g.subject == f.subject]
    i = next(k for k, g in enumerate(same) if g is f)
    lo = max((k for k in range(i) if same[k].kind == "amount"), default=-1)
    hi = min((k for k in range(i + 1, len(same)) if same[k].kind == "amount"), default=len(same))
    before = [g for g in same[lo + 1:i] if g.kind == kind]
    if before:
        return before[-1]
    return next((g for g in same[i + 1:hi] if g.kind == kind), None)
