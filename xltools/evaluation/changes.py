"""What changed between two drafts of one disclosure: the figures (table, row, column, old → new;
rows added, removed or renamed; the narrative's figures; the 绩效 tables) and the findings fixed,
new and remaining. Plain data; `cli/compare.py` says it in text, JSON and a workbook sheet.

Rows are matched by what identifies them, never by position: a 功能/收入 code, a fixed row's label,
or the printed name (with its 政府预算经济科目 name in 表6 and its unit in 表12/13), so that one
inserted row is one row added, not every later row changed. A row whose name alone changed (the
same amounts, a similar name) is a rename. A blank cell and a printed 0 are the same amount: a
draft that fills 0.00 into an empty cell has not changed a figure.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable, Hashable, Iterable, Literal, Mapping, Sequence, TypeVar

from xltools.core.comparisons import under_half_cent
from xltools.core.findings import Finding
from xltools.core.layouts import LAYOUTS
from xltools.core.model import Amount, Document, Figure, ProjectTable, Row, Table
from xltools.evaluation.check import check
from xltools.evaluation.messages import subject_label
from xltools.rules.common import numeral

ChangeKind = Literal["changed", "added", "removed", "renamed"]
Part = Literal["document", "table", "narrative", "project", "overall"]
Status = Literal["fixed", "new", "remaining"]
T = TypeVar("T")

# A renamed row keeps its amounts and most of its name; below this likeness two rows with the
# same amounts are one removed and one added (two unrelated projects of 5.00 万元 each).
RENAME_LIKENESS = 0.4
_KIND_WORD = {"amount": "金额", "share": "占比", "growth": "增减率", "change": "增减额", "count": "个数",
              "base": "上年数"}
_KIND_UNIT = {"amount": "万元", "change": "万元", "base": "万元", "share": "%", "growth": "%", "count": "个"}
_PERIOD = {"period": "实施期", "annual": "年度"}
_PROJECT_PARTS = ("总额", "中央", "省级", "市县", "单位自筹", "其他")
_POSITIONAL = re.compile(r"[a-z]\d+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Change:
    """One figure (or name) that differs between the drafts. `old` is None for a row added,
    `new` None for a row removed; `place` is where it stands (表2, 说明三, 绩效目标表)."""

    part: Part
    kind: ChangeKind
    place: str
    row: str
    column: str
    old: float | str | None
    new: float | str | None
    old_line: int | None = None
    new_line: int | None = None
    unit: str = ""  # 万元, 元, %, 个; "" for a name
    table: int | None = None
    decimals: int = 2  # as the second draft printed it (the first's, for a row removed)
    old_decimals: int | None = None  # the first draft's, where it printed the figure otherwise

    @property
    def diff(self) -> float | None:
        if isinstance(self.old, str) or isinstance(self.new, str):
            return None
        if self.old is None and self.new is None:
            return None
        return round((self.new or 0.0) - (self.old or 0.0), 6)

    def as_dict(self) -> dict[str, object]:
        return {"part": self.part, "kind": self.kind, "place": self.place, "table": self.table, "row": self.row,
                "column": self.column, "old": self.old, "new": self.new, "diff": self.diff, "unit": self.unit,
                "old_line": self.old_line, "new_line": self.new_line}


@dataclass(frozen=True)
class FindingChange:
    """A finding of either draft, matched by its id: fixed (only the first draft has it), new
    (only the second), or remaining (both; its severity may differ)."""

    status: Status
    key: str
    old: Finding | None
    new: Finding | None

    @property
    def finding(self) -> Finding:
        f = self.new if self.new is not None else self.old
        assert f is not None
        return f

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def is_new_error(self) -> bool:
        """An error the second draft has and the first did not have as an error."""
        return self.new is not None and self.new.severity == "error" and (
            self.old is None or self.old.severity != "error")

    def as_dict(self) -> dict[str, object]:
        f = self.finding
        return {"status": self.status, "key": self.key, "rule": f.rule, "severity": f.severity,
                "old_severity": self.old.severity if self.old is not None else None,
                "message": f.message,
                "old_message": self.old.message if self.old is not None else None,
                "old_where": [w.as_dict() for w in self.old.where] if self.old is not None else [],
                "new_where": [w.as_dict() for w in self.new.where] if self.new is not None else []}


@dataclass(frozen=True)
class Draft:
    source: str
    unit: str
    kind: str
    year: int | None
    errors: int
    warnings: int

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "unit": self.unit, "kind": self.kind, "year": self.year,
                "errors": self.errors, "warnings": self.warnings}


@dataclass(frozen=True)
class Comparison:
    old: Draft
    new: Draft
    document: tuple[Change, ...]  # unit, kind, year: said before anything else
    figures: tuple[Change, ...]
    findings: tuple[FindingChange, ...]
    matched_by: Literal["key", "message"]  # how findings were matched (see `finding_id`)

    def status(self, status: Status) -> list[FindingChange]:
        return [c for c in self.findings if c.status == status]

    @property
    def new_errors(self) -> list[FindingChange]:
        return [c for c in self.findings if c.is_new_error]

    def counts(self) -> dict[str, int]:
        figures = self.figures
        return {
            "changed": sum(c.kind == "changed" for c in figures),
            "added": sum(c.kind == "added" for c in figures),
            "removed": sum(c.kind == "removed" for c in figures),
            "renamed": sum(c.kind == "renamed" for c in figures),
            "fixed": len(self.status("fixed")),
            "new": len(self.status("new")),
            "remaining": len(self.status("remaining")),
            "new_errors": len(self.new_errors),
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "old": self.old.as_dict(),
            "new": self.new.as_dict(),
            "document": [c.as_dict() for c in self.document],
            "figures": [c.as_dict() for c in self.figures],
            "findings": {s: [c.as_dict() for c in self.status(s)] for s in ("fixed", "new", "remaining")},
            "matched_by": self.matched_by,
            "summary": self.counts(),
        }


# --- matching ------------------------------------------------------------------------------

def norm(name: str | None) -> str:
    """A name as compared: no spaces (wrapped cells), full- and half-width alike."""
    return unicodedata.normalize("NFKC", _SPACE.sub("", name or ""))


def pair(old: Sequence[T], new: Sequence[T], ident: Callable[[T], Hashable]
         ) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Items matched by identity, the n-th of an identity in one list with the n-th in the
    other; then those only the first list has (removed) and only the second has (added)."""
    buckets: dict[Hashable, list[int]] = {}
    for i, o in enumerate(old):
        buckets.setdefault(ident(o), []).append(i)
    pairs: list[tuple[T, T]] = []
    added: list[T] = []
    for n in new:
        b = buckets.get(ident(n))
        if b:
            pairs.append((old[b.pop(0)], n))
        else:
            added.append(n)
    removed = [old[i] for i in sorted(i for b in buckets.values() for i in b)]
    return pairs, removed, added


def _renames(removed: list[T], added: list[T], group: Callable[[T], Hashable], name: Callable[[T], str],
             amounts: Callable[[T], tuple[float, ...]]) -> list[tuple[T, T]]:
    """Removed and added items that are one item renamed: the same group, the same amounts (not
    all zero), the names alike; the likest first, each item used once."""
    candidates: list[tuple[float, int, int]] = []
    for i, o in enumerate(removed):
        a = amounts(o)
        if not any(a):
            continue
        for j, n in enumerate(added):
            if group(o) == group(n) and _same_all(a, amounts(n)):
                ratio = SequenceMatcher(None, norm(name(o)), norm(name(n))).ratio()
                if ratio >= RENAME_LIKENESS:
                    candidates.append((-ratio, i, j))
    out: list[tuple[T, T]] = []
    used_o: set[int] = set()
    used_n: set[int] = set()
    for _, i, j in sorted(candidates):
        if i not in used_o and j not in used_n:
            used_o.add(i)
            used_n.add(j)
            out.append((removed[i], added[j]))
    for o, n in out:
        removed.remove(o)
        added.remove(n)
    return out


def _same(a: Amount, b: Amount) -> bool:
    return under_half_cent((a or 0.0) - (b or 0.0))  # amounts print to the cent


def _same_all(a: Sequence[float], b: Sequence[float]) -> bool:
    return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))


# --- the document's identity ---------------------------------------------------------------

def document_changes(old: Document, new: Document) -> list[Change]:
    out: list[Change] = []
    if norm(old.unit) != norm(new.unit):
        out.append(Change("document", "changed", "", "单位", "名称", old.unit, new.unit))
    if old.kind != new.kind:
        out.append(Change("document", "changed", "", "类型", "", old.kind, new.kind))
    if old.year != new.year:
        out.append(Change("document", "changed", "", "年度", "", old.year, new.year, decimals=0))
    return out


# --- the 13 tables -------------------------------------------------------------------------

def _positional(row: Row) -> bool:
    return row.code is None and bool(_POSITIONAL.fullmatch(row.key))


def _row_identity(table: Table) -> Callable[[Row], tuple[str, ...]]:
    by_key = table.by_key()

    def parent(row: Row) -> str:
        p = by_key.get(row.parent) if row.parent else None
        # A unit subtotal is its unit's name; the grand total (named after the department) is
        # itself, so that renaming the department does not move every project.
        return norm(p.name) if p is not None and _positional(p) else (row.parent or "")

    def ident(row: Row) -> tuple[str, ...]:
        if row.code:
            return ("code", row.code)
        if not _positional(row):
            return ("key", row.key)
        return ("name", norm(row.name), norm(row.second_name), parent(row))
    return ident


def row_label(row: Row) -> str:
    """The row as the findings name it: 201“一般公共服务支出”, “某项目”, 合计, 上年结转 一般公共预算."""
    if row.code:
        return f"{row.code}“{row.name}”"
    if not _positional(row):
        return row.key.replace("结转:", "上年结转 ").replace("收入:", "收入 ")
    second = f"（{row.second_name}）" if row.second_name and row.kind != "class" else ""
    return f"“{row.name}”{second}"


def _header(n: int, key: str) -> str:
    return next((c.header for c in LAYOUTS[n].columns if c.key == key), key)


def _state(t: Table | None) -> str:
    return "未读到" if t is None else ("空表" if t.empty else "有数据")


def table_changes(n: int, old: Table | None, new: Table | None) -> list[Change]:
    out: list[Change] = []
    if _state(old) != _state(new):
        out.append(Change("table", "changed", f"表{n}", "", "状态", _state(old), _state(new),
                          old.line if old else None, new.line if new else None, table=n))
    if old is None or new is None:
        return out
    ident = _row_identity(new)
    old_ident = _row_identity(old)
    # Identities are computed per table (a row's parent is looked up in its own table).
    keyed_old = [(old_ident(r), r) for r in old.rows]
    keyed_new = [(ident(r), r) for r in new.rows]
    pairs, removed, added = pair(keyed_old, keyed_new, lambda kr: kr[0])
    # A rename stays under its parent (a project within its unit).
    renamed = _renames(removed, added, group=lambda kr: (kr[1].kind, kr[0][-1]),
                       name=lambda kr: kr[1].name, amounts=lambda kr: _amounts(kr[1]))
    placed: list[tuple[float, Change]] = []
    new_index = {id(r): i for i, r in enumerate(new.rows)}
    old_to_new: dict[int, int] = {}
    for (_, o), (_, r) in pairs + renamed:
        old_to_new[id(o)] = new_index[id(r)]
    for (_, o), (_, r) in pairs + renamed:
        at = float(new_index[id(r)])
        if norm(o.name) != norm(r.name):
            placed.append((at, Change("table", "renamed", f"表{n}", row_label(r), "名称", o.name, r.name,
                                      o.line, r.line, table=n)))
        for col in _columns(o, r):
            a, b = o.get(col), r.get(col)
            if not _same(a, b):
                placed.append((at + 0.1, Change("table", "changed", f"表{n}", row_label(r), _header(n, col), a, b,
                                                o.line, r.line, "万元", n)))
    # A row with no amount at all holds no figure (and a header line read as a row in one
    # extraction is such a row): not a change a reviewer can act on.
    added = [kr for kr in added if _printed(kr[1])]
    removed = [kr for kr in removed if _printed(kr[1])]
    for _, r in added:
        col = _lead_column(r)
        placed.append((float(new_index[id(r)]), Change("table", "added", f"表{n}", row_label(r), _header(n, col),
                                                       None, r.get(col), None, r.line, "万元", n)))
    for _, o in removed:
        # Listed after the row that preceded it in the first draft.
        before = [old_to_new[id(p)] for p in old.rows[:old.rows.index(o)] if id(p) in old_to_new]
        col = _lead_column(o)
        placed.append(((max(before) if before else -1) + 0.5,
                       Change("table", "removed", f"表{n}", row_label(o), _header(n, col), o.get(col), None,
                              o.line, None, "万元", n)))
    return [c for _, c in sorted(placed, key=lambda pc: pc[0])]


def _printed(row: Row) -> bool:
    return any(v is not None for v in row.amounts.values())


def _amounts(row: Row) -> tuple[float, ...]:
    return tuple(v or 0.0 for v in row.amounts.values())


def _columns(a: Row, b: Row) -> list[str]:
    return list(dict.fromkeys([*a.amounts, *b.amounts]))


def _lead_column(row: Row) -> str:
    """The column an added or removed row is shown by: its first (合计, 金额), else its first filled."""
    cols = list(row.amounts)
    if not cols:
        return ""
    return cols[0] if row.amounts[cols[0]] is not None else next(
        (c for c in cols if row.amounts[c] is not None), cols[0])


# --- the narrative -------------------------------------------------------------------------

def narrative_changes(old: Sequence[Figure], new: Sequence[Figure]) -> list[Change]:
    def ident(f: Figure) -> Hashable:
        return (f.section, f.kind, f.subject)

    pairs, removed, added = pair(old, new, ident)
    out: list[tuple[tuple[int, int], Change]] = []
    for o, f in pairs:
        if not _same(o.value, f.value):
            out.append(((f.section, f.line), _figure_change("changed", o, f)))
    for f in added:
        out.append(((f.section, f.line), _figure_change("added", None, f)))
    for o in removed:
        out.append(((o.section, o.line), _figure_change("removed", o, None)))
    return [c for _, c in sorted(out, key=lambda kc: kc[0])]


def _figure_change(kind: ChangeKind, o: Figure | None, f: Figure | None) -> Change:
    any_f = f if f is not None else o
    assert any_f is not None
    decimals = (f or any_f).decimals
    old_decimals = o.decimals if o is not None and o.decimals != decimals else None
    return Change("narrative", kind, f"说明{numeral(any_f.section)}", f"“{subject_label(any_f.subject)}”",
                  _KIND_WORD.get(any_f.kind, any_f.kind), o.value if o else None, f.value if f else None,
                  o.line if o else None, f.line if f else None, _KIND_UNIT.get(any_f.kind, ""),
                  decimals=decimals, old_decimals=old_decimals)


# --- the 绩效 tables -----------------------------------------------------------------------

def project_changes(old: Sequence[ProjectTable], new: Sequence[ProjectTable]) -> list[Change]:
    pairs, removed, added = pair(old, new, lambda p: norm(p.name))
    renamed = _renames(removed, added, group=lambda p: 0, name=lambda p: p.name, amounts=_project_amounts)
    out: list[tuple[int, Change]] = []
    for o, p in pairs + renamed:
        if norm(o.name) != norm(p.name):
            out.append((p.name_line, Change("project", "renamed", "绩效目标表", f"“{p.name}”", "项目名称",
                                            o.name, p.name, o.name_line, p.name_line)))
        if norm(o.unit) != norm(p.unit):
            out.append((p.name_line, Change("project", "changed", "绩效目标表", f"“{p.name}”", "实施单位",
                                            o.unit, p.unit, o.line, p.line)))
        for side, part in _project_columns():
            a, b = getattr(o, side).get(part), getattr(p, side).get(part)
            if not _same(a, b):
                col = f"{side}:{part}"
                out.append((p.lines.get(col, p.line), Change(
                    "project", "changed", "绩效目标表", f"“{p.name}”", _project_header(side, part), a, b,
                    o.lines.get(col, o.line), p.lines.get(col, p.line), "元", decimals=0)))
    for p in added:
        out.append((p.line, Change("project", "added", "绩效目标表", f"“{p.name}”", "年度资金总额", None,
                                   p.annual.get("总额"), None, p.line, "元", decimals=0)))
    for o in removed:
        out.append((-1, Change("project", "removed", "绩效目标表", f"“{o.name}”", "年度资金总额",
                               o.annual.get("总额"), None, o.line, None, "元", decimals=0)))
    return [c for _, c in sorted(out, key=lambda lc: lc[0])]


def _project_columns() -> Iterable[tuple[str, str]]:
    for side in ("period", "annual"):
        for part in _PROJECT_PARTS:
            yield side, part


def _project_header(side: str, part: str) -> str:
    return f"{_PERIOD[side]}资金总额" if part == "总额" else f"{_PERIOD[side]}{part}"


def _project_amounts(p: ProjectTable) -> tuple[float, ...]:
    return tuple(getattr(p, side).get(part) or 0.0 for side, part in _project_columns())


def overall_changes(old: Document, new: Document) -> list[Change]:
    o, n = old.overall, new.overall
    if o is None and n is None:
        return []
    if o is None or n is None:
        return [Change("overall", "added" if o is None else "removed", "整体绩效目标表", "", "合计",
                       o.by_source.get("合计") if o else None, n.by_source.get("合计") if n else None,
                       o.line if o else None, n.line if n else None, "万元")]
    out: list[Change] = []
    for side, name in (("source", "按资金来源"), ("direction", "按资金方向")):
        a_map: Mapping[str, Amount] = o.by_source if side == "source" else o.by_direction
        b_map: Mapping[str, Amount] = n.by_source if side == "source" else n.by_direction
        for col in dict.fromkeys([*a_map, *b_map]):
            if not _same(a_map.get(col), b_map.get(col)):
                key = f"{side}:{col}"
                out.append(Change("overall", "changed", "整体绩效目标表", name, col, a_map.get(col), b_map.get(col),
                                  o.lines.get(key, o.line), n.lines.get(key, n.line), "万元"))
    return out


def figure_changes(old: Document, new: Document) -> list[Change]:
    """Every figure that differs, in the order of the document: the tables, the narrative, the
    绩效 tables."""
    out: list[Change] = []
    for n in LAYOUTS:
        out += table_changes(n, old.table(n), new.table(n))
    out += narrative_changes(old.narrative.figures, new.narrative.figures)
    out += overall_changes(old, new)
    out += project_changes(old.projects, new.projects)
    return out


# --- findings ------------------------------------------------------------------------------

_LINE_REF = re.compile(r"（?第[\d、]+行）?")
_NUMBER = re.compile(r"[\d,.]+")


def finding_id(f: Finding) -> str:
    """The finding's stable id (`Finding.key`: its rule and the identities of the cells it
    compares, never a line). A finding made without one (none is, as `check` makes them) falls
    back to its rule and its message with the line numbers and the numbers taken out."""
    if f.key:
        return f.key
    return f"{f.rule}|{_NUMBER.sub('#', _LINE_REF.sub('', f.message))}"


def finding_changes(old: Sequence[Finding], new: Sequence[Finding]) -> list[FindingChange]:
    """Errors and warnings of the two drafts matched by id; 尾差 and other information are left
    out (a reviewer sends a draft back for neither)."""
    o = [f for f in old if f.severity != "info"]
    n = [f for f in new if f.severity != "info"]
    pairs, removed, added = pair(o, n, finding_id)
    out = [FindingChange("remaining", finding_id(b), a, b) for a, b in pairs]
    out += [FindingChange("fixed", finding_id(a), a, None) for a in removed]
    out += [FindingChange("new", finding_id(b), None, b) for b in added]
    return out


def _draft(doc: Document, findings: Sequence[Finding]) -> Draft:
    return Draft(doc.source, doc.unit, doc.kind, doc.year, sum(f.severity == "error" for f in findings),
                 sum(f.severity == "warning" for f in findings))


def compare(old: Document, old_findings: Sequence[Finding], new: Document, new_findings: Sequence[Finding]
            ) -> Comparison:
    keyed = all(f.key for f in [*old_findings, *new_findings] if f.severity != "info")
    return Comparison(_draft(old, old_findings), _draft(new, new_findings), tuple(document_changes(old, new)),
                      tuple(figure_changes(old, new)), tuple(finding_changes(old_findings, new_findings)),
                      "key" if keyed else "message")


def compare_documents(old: Document, new: Document) -> Comparison:
    """Both drafts checked, then compared."""
    return compare(old, check(old), new, check(new))
