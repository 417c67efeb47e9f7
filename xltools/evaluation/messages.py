"""A finding's message, in one line: what is compared and the numbers, once.

`表3 合计 3,050.67 ≠ 表1 支出总计 2,974.95（差 75.72）`, `说明八“机关运行经费”增长 20% ≠ 511.84%
（48.83 / 9.54）`. The rule's description is not repeated here: it stays in the catalogue
(`xltools rules`), and the report, the workbook and the audit summary all show the rule id and
the severity beside the message. Each side of a relation is named by its table, the row's name
as the document prints it and the column's printed header (`layouts`); amounts are shown as the
document printed them: thousands separators, 2 decimals in the tables, the narrative's own
decimals, whole 元 in the 绩效 tables. A judgement no formula makes (`Verdict`) keeps its
subject, which the rule writes to say what is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from xltools.core.layouts import CLASS_NAMES, LAYOUTS
from xltools.core.model import Document, Figure, ProjectTable, Row
from xltools.rules.common import money, numeral, yuan
from xltools.core.references import NarrativeFigure, OverallCell, PriorCell, ProjectCell, Ref, TableCell, spelled, text
from xltools.rules.core import AtMost, Equal, GrowthOf, Instance, Outcome, Relation, Rule, ShareOf, Term, Terms, Unchecked, Values, Verdict, refs_of, total

# 元 → 万元 (the 绩效 tables against 表12): a side so scaled is shown in the 元 it was printed in.
_TO_WAN = 0.0001
# Beyond this many parts a sum is shown by its first and last: "一般公共预算 + … + 单位资金".
_MAX_PARTS = 3
_PERIOD = {"period": "实施期", "annual": "年度"}
_NEGATIVE = ("下降", "减少")
_OPPOSITE = {"增长": "下降", "下降": "增长", "增加": "减少", "减少": "增加"}
_KIND_WORD = {"change": "增减额", "base": "上年数", "share": "占比", "growth": "增减率"}


def message(rule: Rule, inst: Instance, out: Outcome, values: Values) -> str:
    """The one-line message of a failed (or 尾差) instance."""
    names = _Names(document_of(values))
    rel = inst.relation
    if isinstance(rel, Equal):
        text = _equal(rel, out, values, names)
    elif isinstance(rel, AtMost):
        text = _at_most(rel, out, values, names)
    elif isinstance(rel, ShareOf):
        text = _share(rel, out, values, names)
    elif isinstance(rel, GrowthOf):
        text = _growth(rel, out, values, names)
    elif isinstance(rel, (Verdict, Unchecked)):
        text = inst.subject
    else:
        raise TypeError(f"unknown relation {rel!r}")
    if inst.guess and rule.level == "M":
        text += _guess_note(rel, names)
    return text


def figure_name(ref: Ref, values: Values) -> str:
    """One figure by the name a finding gives it: 表12“某项目”, 说明三“支出总计”."""
    return _Names(document_of(values)).cell(ref)


def _shown(ref: Ref, value: float | None, names: "_Names") -> str:
    return _Shown("", value, names.decimals(ref, 2), yuan=isinstance(ref, ProjectCell)).number()


def culprit_message(ref: Ref, values: Values, implied: float, relations: Sequence[Relation]) -> str:
    """"表12“某项目” 疑为 5.83，按 Σ 项目 与 一般公共预算 + … + 单位资金 应为 5.38": the figure,
    what it prints, what the other side of each identity it breaks implies."""
    names = _Names(document_of(values))
    basis: list[str] = []
    for rel in relations:
        if not isinstance(rel, Equal):
            continue
        mine, other = (rel.lhs, rel.rhs) if any(t.ref == ref for t in rel.lhs) else (rel.rhs, rel.lhs)
        said = _side(other, mine, None, rel.decimals, values, names).name
        if said and said not in basis:
            basis.append(said)
    printed = values.value(ref)
    return (f"{names.cell(ref)} 疑为 {_shown(ref, printed, names)}，按{'、'.join(basis)}应为 {_shown(ref, implied, names)}"
            f"（同一数字使 {len(relations)} 项核对不成立）")


def document_of(values: object) -> Document | None:
    """The document behind a source of values. The sources differ (the text as printed, a
    workbook, a view that reads one cell as printed over either); all carry their document,
    directly or through the source they wrap."""
    seen = 0
    while values is not None and seen < 4:
        doc = getattr(values, "doc", None)
        if isinstance(doc, Document):
            return doc
        values = getattr(values, "source", None) or getattr(values, "_printed", None)
        seen += 1
    return None


@dataclass(frozen=True)
class _Shown:
    """One side of a comparison: its name and its number as printed."""

    name: str
    value: float | None
    decimals: int
    yuan: bool = False  # printed in 元 (a 绩效 table)

    def number(self) -> str:
        if self.value is None:
            return "无"
        return f"{yuan(self.value)} 元" if self.yuan else money(self.value, self.decimals)

    def text(self) -> str:
        return f"{self.name} {self.number()}" if self.name else self.number()


def _sides(rel: Equal | AtMost, out: Outcome, values: Values, names: _Names) -> tuple[_Shown, _Shown]:
    decimals = rel.decimals if isinstance(rel, Equal) else 2
    lhs = _side(rel.lhs, rel.rhs, _num(out.actual), decimals, values, names)
    rhs = _side(rel.rhs, rel.lhs, _num(out.expected), decimals, values, names, second=True)
    return lhs, rhs


def _difference(diff: float | None, lhs: _Shown, rhs: _Shown) -> str:
    if diff is None:
        return ""
    if lhs.yuan and rhs.yuan:
        return yuan(diff)
    unit = " 万元" if lhs.yuan or rhs.yuan else ""
    return money(diff, max(lhs.decimals, rhs.decimals)) + unit


def _equal(rel: Equal, out: Outcome, values: Values, names: _Names) -> str:
    lhs, rhs = _sides(rel, out, values, names)
    # A 元 side against a 万元 one: say which unit the other number is in.
    rhs_text = rhs.text() + (" 万元" if lhs.yuan and not rhs.yuan else "")
    lhs_text = lhs.text() + (" 万元" if rhs.yuan and not lhs.yuan else "")
    diff = _difference(out.diff, lhs, rhs)
    return f"{lhs_text} ≠ {rhs_text}" + (f"（差 {diff}）" if diff else "")


def _at_most(rel: AtMost, out: Outcome, values: Values, names: _Names) -> str:
    lhs, rhs = _sides(rel, out, values, names)
    diff = _difference(out.diff, lhs, rhs)
    return f"{lhs.text()} > {rhs.text()}" + (f"（超 {diff}）" if diff else "")


def _share(rel: ShareOf, out: Outcome, values: Values, names: _Names) -> str:
    fig = names.figure(rel.printed)
    word = (fig.word if fig is not None and fig.kind == "growth" else None) or "占"
    said = f"{names.narrative(rel.printed, bare=True)}{word} {_pct(out.actual, rel.decimals, word)}"
    base = total(values, rel.base)
    if out.expected is None or not base:
        return f"{said}，但基数为 0"
    part = total(values, rel.part)
    return f"{said} ≠ {_pct(out.expected, max(rel.decimals, 2), word, computed=True)}（{money(part)} / {money(base)}）"


def _growth(rel: GrowthOf, out: Outcome, values: Values, names: _Names) -> str:
    fig = names.figure(rel.printed)
    word = (fig.word if fig is not None else None) or "增减"
    said = f"{names.narrative(rel.printed, bare=True)}{word} {_pct(out.actual, rel.decimals, word)}"
    if out.expected is None:
        return f"{said}，但上年数为 0（不得有增减率）"
    change = values.value(rel.change) or 0.0
    base = total(values, rel.current) - change
    return (f"{said} ≠ {_pct(out.expected, max(rel.decimals, 2), word, computed=True)}"
            f"（{money(change)} / {money(base)}）")


def _pct(v: float | str | None, decimals: int, word: str, *, computed: bool = False) -> str:
    """A percentage in the sense of its word: "下降 35.27%" for −35.27. A computed rate of the
    other sign takes the other word ("增长 20% ≠ 下降 10.00%")."""
    if not isinstance(v, (int, float)):
        return "无"
    decimals = max(0, decimals)
    if word in _OPPOSITE:
        negative = word in _NEGATIVE
        if computed and v != 0 and (v < 0) != negative:
            return f"{_OPPOSITE[word]} {abs(v):.{decimals}f}%"
        return f"{abs(v):.{decimals}f}%"
    return f"{v:.{decimals}f}%"


def _num(v: float | str | None) -> float | None:
    return float(v) if isinstance(v, (int, float)) else None


def _side(ts: Terms, other: Terms, outcome: float | None, decimals: int, values: Values, names: _Names,
          second: bool = False) -> _Shown:
    """A side of a comparison: one cell as printed, or a sum named by its parts. The second
    of two cells of one table is named without the table: 表1 收入总计 … ≠ 支出总计 …."""
    if len(ts) == 1:
        t = ts[0]
        raw = values.value(t.ref)
        if t.factor == _TO_WAN and isinstance(t.ref, ProjectCell):
            return _Shown(names.cell(t.ref), raw, 0, yuan=True)
        if t.factor == 1.0:
            same = second and len(other) == 1 and _sheet(other[0].ref) == _sheet(t.ref)
            name = names.cell(t.ref, table=not (same and isinstance(t.ref, TableCell)))
            return _Shown(name, raw, names.decimals(t.ref, decimals), yuan=isinstance(t.ref, ProjectCell))
    anchor = other[0].ref if len(other) == 1 else None
    in_yuan = all(isinstance(t.ref, ProjectCell) and t.factor == 1.0 for t in ts)
    return _Shown(names.sum(ts, anchor), outcome, decimals, yuan=in_yuan)


def _guess_note(rel: Relation, names: _Names) -> str:
    """Short: the table and the first column whose placement is a guess."""
    guessed: list[str] = []
    doc = names.doc
    if doc is not None:
        for ref in refs_of(rel):
            row = names.row(ref)
            if isinstance(ref, TableCell) and row is not None and ref.column in row.guessed:
                guessed.append(f"表{ref.table}“{ref.column}”")
    cols = sorted(set(guessed))
    what = (cols[0] + ("等" if len(cols) > 1 else "")) if cols else ""
    return f"（{what}列位置未定，不作为错误）"


class _Names:
    """Names of cells as the document prints them: 表2 201“一般公共服务支出”上年结转."""

    def __init__(self, doc: Document | None) -> None:
        self.doc = doc

    # --- lookups ---------------------------------------------------------------------------
    def row(self, ref: Ref) -> Row | None:
        if self.doc is None or not isinstance(ref, TableCell):
            return None
        t = self.doc.table(ref.table)
        return t.row(ref.row) if t else None

    def figure(self, ref: Ref) -> Figure | None:
        return self.doc.narrative.figure(ref.key) if self.doc is not None and isinstance(ref, NarrativeFigure) else None

    def project(self, ref: ProjectCell) -> ProjectTable | None:
        if self.doc is None:
            return None
        return next((p for p in self.doc.projects if p.key == ref.project), None)

    def decimals(self, ref: Ref, default: int) -> int:
        fig = self.figure(ref)
        return fig.decimals if fig is not None else default

    # --- single cells ----------------------------------------------------------------------
    def cell(self, ref: Ref, *, table: bool = True) -> str:
        match ref:
            case TableCell(n, key, column):
                col = "" if _is_first_column(n, column) else _header(n, column)
                return _glue(f"表{n}" if table else "", self.row_label(n, key), col)
            case NarrativeFigure():
                return self.narrative(ref)
            case ProjectCell(_, column):
                return self.project_name(ref) + _project_column(column)
            case OverallCell(side, part):
                return f"整体绩效目标表 {_overall_side(side)} {part}"
        return text(ref)  # the draft's and last year's cells: no printed name here

    def row_label(self, n: int, key: str) -> str:
        """A fixed row by its label (合计, 支出总计); a row the document names by its code and
        quoted name (201“一般公共服务支出”), or by its quoted name alone (表6, 表12 projects)."""
        row = self.row(TableCell(n, key, ""))
        if row is None or row.kind in ("fixed", "total"):
            if key.isdigit():  # a code this table does not print: named by the others
                return f"{key}“{self._code_name(key)}”"
            return key.replace("结转:", "上年结转 ").replace("收入:", "收入 ")
        if row.code or key.isdigit():
            return f"{row.code or key}“{row.name}”"
        return f"“{row.name}”"

    def _code_name(self, code: str) -> str:
        for n in (2, 3, 5, 8, 1, 4, 7, 9):
            row = self.row(TableCell(n, code, ""))
            if row is not None and row.name:
                return row.name
        return CLASS_NAMES.get(code, "")

    def narrative(self, ref: Ref, *, bare: bool = False) -> str:
        """说明八“机关运行经费”; with its kind (增减额, 上年数) unless `bare`."""
        fig = self.figure(ref)
        if fig is None:
            return f"说明“{spelled(ref)[1]}”"
        kind = "" if bare else _KIND_WORD.get(fig.kind, "")
        return f"说明{numeral(fig.section)}“{_subject_label(fig.subject)}”{kind}"

    def project_name(self, ref: ProjectCell) -> str:
        p = self.project(ref)
        return f"绩效目标表“{p.name if p else ref.project}”"

    # --- sums ------------------------------------------------------------------------------
    def sum(self, ts: Terms, anchor: Ref | None) -> str:
        """A sum named by its parts, short where they share the compared cell's table, row or
        column: "当年预算安排 + 上年结转安排", "Σ 下级科目", "表12 合计 + 表13 合计"."""
        groups: dict[object, list[Term]] = {}
        for t in ts:
            groups.setdefault(_sheet(t.ref), []).append(t)
        parts = [self._group(g, anchor) for g in groups.values()]
        return " + ".join(parts)

    def _group(self, ts: list[Term], anchor: Ref | None) -> str:
        """Parts of one sheet (a table, the narrative, a 绩效 table); `anchor` is the cell they
        are compared with, named by what they add to it where it is on the same sheet."""
        first = ts[0].ref
        mine = anchor if anchor is not None and _sheet(anchor) == _sheet(first) else None
        match first:
            case TableCell(table=n):
                return self._table_group(n, ts, mine if isinstance(mine, TableCell) else None)
            case NarrativeFigure():
                return self._narrative_group(ts, mine)
            case ProjectCell(project=project):
                cells = [r for t in ts if isinstance(r := t.ref, ProjectCell)]
                if len({c.project for c in cells}) == 1:
                    prefix = "" if isinstance(mine, ProjectCell) and mine.project == project else self.project_name(first)
                    return prefix + _join([(t, c.column.partition(":")[2]) for t, c in zip(ts, cells)])
            case OverallCell(side=side):
                sides = [r for t in ts if isinstance(r := t.ref, OverallCell)]
                if len({c.side for c in sides}) == 1:
                    prefix = "" if isinstance(mine, OverallCell) and mine.side == side else f"整体绩效目标表 {_overall_side(side)} "
                    return prefix + _join([(t, c.part) for t, c in zip(ts, sides)])
        return _join([(t, self.cell(t.ref)) for t in ts])

    def _table_group(self, n: int, ts: list[Term], anchor: TableCell | None) -> str:
        cells = [r for t in ts if isinstance(r := t.ref, TableCell)]
        rows = list(dict.fromkeys(c.row for c in cells))
        cols = list(dict.fromkeys(c.column for c in cells))
        table = "" if anchor is not None else f"表{n}"
        if len(ts) == 1 and ts[0].factor == 1.0:
            ref = cells[0]
            if anchor is None:
                return self.cell(ref)
            return _glue(self.row_label(n, ref.row) if ref.row != anchor.row else "",
                         _header(n, ref.column) if ref.column != anchor.column else "")
        if len(rows) == 1:
            columns = _join([(t, _header(n, c.column)) for t, c in zip(ts, cells)])
            if anchor is not None and anchor.row == rows[0]:
                return columns
            # Parenthesised: "表2 合计（合计 + 上年结转）" is one row's columns, not a row and a sum.
            return _glue(table, self.row_label(n, rows[0])) + f"（{columns}）"
        if len(cols) == 1 and all(t.factor == 1.0 for t in ts):
            same = (anchor is not None and anchor.column == cols[0]) or _is_first_column(n, cols[0])
            return _glue(table, self._rows(n, rows, anchor), "" if same else _header(n, cols[0]))
        return _join([(t, _glue(table, self.row_label(n, c.row), _header(n, c.column))) for t, c in zip(ts, cells)])

    def _rows(self, n: int, keys: list[str], anchor: TableCell | None) -> str:
        """Rows summed into one cell, by what they are: Σ 类, Σ 下级科目, Σ 项目."""
        rows = [self.row(TableCell(n, k, "")) for k in keys]
        known = [r for r in rows if r is not None]
        parent = self.row(anchor) if anchor is not None else None
        if known and len(known) == len(rows):
            if LAYOUTS[n].kind.items_word and all(r.kind == "item" for r in known):
                return LAYOUTS[n].kind.items_word
            if parent is not None and all(_is_child(r, parent) for r in known):
                return "Σ 下级科目" if parent.code else "Σ 下级行"
            if all(r.kind == "class" for r in known):
                return LAYOUTS[n].kind.classes_word
        if len(keys) <= _MAX_PARTS:
            return " + ".join(self.row_label(n, k) for k in keys)
        return f"Σ {len(keys)} 行"

    def _narrative_group(self, ts: list[Term], anchor: Ref | None) -> str:
        figs = [self.figure(t.ref) for t in ts]
        if any(f is None for f in figs):
            return _join([(t, self.narrative(t.ref)) for t in ts])
        subjects = {f.subject for f in figs if f is not None}
        first = figs[0]
        assert first is not None
        if len(subjects) == 1:
            # One item stated several ways: 上年数 + 增减额.
            lead = "" if anchor is not None and (a := self.figure(anchor)) is not None and a.subject == first.subject \
                else self.narrative(ts[0].ref, bare=True)
            return lead + _join([(t, _KIND_WORD.get(f.kind, "金额")) for t, f in zip(ts, figs) if f is not None])
        a = self.figure(anchor) if anchor is not None else None
        if a is not None:
            # Parts of the compared figure: named by what they add to its subject.
            shared = set(a.subject.split(":"))
            rel = [(t, "“" + " ".join(p for p in f.subject.split(":") if p not in shared) + "”")
                   for t, f in zip(ts, figs) if f is not None]
            if all(len(name) > 2 for _, name in rel):
                return _join(rel)
        return _join([(t, self.narrative(t.ref)) for t in ts])


def _join(parts: Iterable[tuple[Term, str]]) -> str:
    """a + b − c; beyond a few parts, the first and the last: a + … + e."""
    items = list(parts)
    if len(items) > _MAX_PARTS:
        items = [items[0], (items[-1][0], "… + " + items[-1][1] if items[-1][0].factor >= 0 else "… − " + items[-1][1])]
        return f"{'− ' if items[0][0].factor < 0 else ''}{items[0][1]} + {items[1][1]}"
    out = ""
    for i, (t, name) in enumerate(items):
        sign = (" − " if t.factor < 0 else " + ") if i else ("− " if t.factor < 0 else "")
        out += sign + name
    return out


def _sheet(ref: Ref) -> object:
    """What a sum's parts are grouped by: their table, else their kind of cell (every
    narrative figure together, every 绩效 project cell together), last year's apart."""
    match ref:
        case TableCell(table=n):
            return n
        case PriorCell(of):
            return (PriorCell, _sheet(of))
    return type(ref)


def _glue(*names: str) -> str:
    """Names of a cell, outermost first, spaced except beside a quote: 表2 合计 上年结转,
    表2 201“一般公共服务支出”上年结转, 表12“某项目”."""
    out = ""
    for name in names:
        if not name:
            continue
        if out and not out.endswith("”") and not name.startswith("“"):
            out += " "
        out += name
    return out


def _header(n: int, key: str) -> str:
    for c in LAYOUTS[n].columns:
        if c.key == key:
            return c.header
    return key


def _is_first_column(n: int, key: str) -> bool:
    """The first column of its side (合计, 小计, 金额): a row's total, named by the row alone."""
    return any(s.columns and s.columns[0].key == key for s in LAYOUTS[n].sides)


def _is_child(row: Row, parent: Row) -> bool:
    if row.parent is not None:
        return row.parent == parent.key
    return bool(row.code and parent.code and len(row.code) > len(parent.code) and row.code.startswith(parent.code))


def _project_column(column: str) -> str:
    side, _, part = column.partition(":")
    period = _PERIOD.get(side, side)
    return f"{period}资金总额" if part == "总额" else f"{period}{part}"


def _overall_side(row: str) -> str:
    return "按资金来源" if row == "source" else "按资金方向"


def subject_label(subject: str) -> str:
    """A narrative figure's subject as findings name it (used by `changes` for the same words)."""
    return _subject_label(subject)


def _subject_label(subject: str) -> str:
    """The narrative's canonical subject in words: "一般公共预算:类:201" → 一般公共预算 一般公共服务支出."""
    parts = subject.split(":")
    if parts[0] == "绩效" and len(parts) >= 3 and parts[1] in ("纳入", "公开"):
        # 绩效:纳入:其他运转类:个数 → 纳入其他运转类项目个数
        return parts[1] + "".join(parts[2:-1]) + "项目" + parts[-1]
    out: list[str] = []
    for i, p in enumerate(parts):
        if p == "类" and i + 1 < len(parts):
            continue
        out.append(CLASS_NAMES.get(p, p) if i and parts[i - 1] == "类" else p)
    return " ".join(out)
