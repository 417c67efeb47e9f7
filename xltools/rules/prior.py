"""prior-year rules (PY-*): every 上年 figure this year's narrative implies, against last year's
disclosure.

The narrative states last year's amount of a subject in two ways: inline ("比2025年预算A万元减少X
万元", "上年无此项") or through a change ("比上年增加X万元": last year = this year − X). Either is
compared with what last year's disclosure printed for the same subject: its table cell where the
subject is printed in a table (`narrative_map.cells_for`), else the amount its own narrative states.

Rules read two documents. In the catalogue they yield nothing (no last year's document given, so
the ledger counts them as not applicable); `bind` makes them read the document given with
--prior. Last year's cells are `PriorCell`s (a wrapper round the cell as last year's document
addresses it), and `TwoYears` resolves both years' cells.

A comparison is certain only when the two disclosures are of the same body in consecutive years:
a unit renamed, a 部门 against a 单位, a different set of member units, or a year that is not the
one before makes every comparison a warning, and PY-UNIT says why (never a guess that it is the
same body).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator

from xltools.core.findings import Where
from xltools.core.layouts import CLASS_NAMES
from xltools.core.model import Document, Figure, Table
from xltools.core.narrative_subjects import AmountRule
from xltools.core.reasons import Reason, Why
from xltools.core.tolerance import tail_tolerance
from xltools.rules.common import numeral
from xltools.core.references import PriorCell, Ref
from xltools.rules.core import Equal, Instance, Rule, Term, Terms, Unchecked, Verdict
from xltools.rules.narrative_map import amount_rule, cells_for, has_value, nref, partner, present, previous
from xltools.rules.resolve import DocumentValues

# The subjects of PY-OPERATING and PY-SANGONG (their records' `rule`); every other one is PY-TOTAL's.
_PY_OF: dict[AmountRule, str] = {"N-AMOUNT": "PY-TOTAL", "N-SANGONG": "PY-SANGONG", "N-OPERATING": "PY-OPERATING"}


class TwoYears:
    """Values of this year's document, and of last year's `PriorCell`s. A finding's places are
    this year's lines; last year's line is cited in its message (`prior_where`)."""

    def __init__(self, doc: Document, prior: Document) -> None:
        self.doc = doc
        self.prior = prior
        self._this = DocumentValues(doc)
        self._last = DocumentValues(prior)

    def value(self, ref: Ref) -> float | None:
        return self._last.value(ref.of) if isinstance(ref, PriorCell) else self._this.value(ref)

    def printed(self, ref: Ref) -> float | None:
        return self.value(ref)

    def where(self, ref: Ref) -> Where | None:
        return None if isinstance(ref, PriorCell) else self._this.where(ref)

    def prior_where(self, ref: PriorCell) -> Where | None:
        """Where last year's document prints `ref`: its line, and its page when read from a PDF."""
        w = self._last.where(ref.of)
        pages = self.prior.pages
        if w is not None and w.line is not None and 1 <= w.line <= len(pages):
            w = replace(w, page=pages[w.line - 1])
        return w

    @property
    def last_year(self) -> DocumentValues:
        return self._last


# --- is it the same body, one year apart? -------------------------------------------------------

def _norm(name: str) -> str:
    return "".join(name.split()).replace("(", "（").replace(")", "）")


def member_units(doc: Document) -> frozenset[str]:
    """The units a disclosure lists under it: 表11's unit rows, 表12/13's unit subtotal rows."""
    names: set[str] = set()
    for n, kinds in ((11, ("item",)), (12, ("subtotal",)), (13, ("subtotal",))):
        t = doc.table(n)
        if t is None:
            continue
        names.update(_norm(r.name) for r in t.rows if r.kind in kinds and r.name.strip())
    return frozenset(names)


@dataclass(frozen=True)
class Difference:
    """One way the two disclosures are not of the same body in consecutive years."""

    aspect: str  # 单位名称, 主体类型, 年度, 所属单位: part of the finding's key
    what: str  # Chinese: what differs, with both sides
    lines: tuple[int, ...] = ()


def differences(doc: Document, prior: Document) -> list[Difference]:
    out: list[Difference] = []
    if doc.unit and prior.unit and _norm(doc.unit) != _norm(prior.unit):
        out.append(Difference("单位名称", f"单位名称不同：上年为“{prior.unit}”，本年为“{doc.unit}”（更名或重组）"))
    if doc.kind != prior.kind:
        out.append(Difference("主体类型", f"公开主体类型不同：上年为{prior.kind}预算，本年为{doc.kind}预算（口径不同）"))
    if doc.currency != prior.currency:
        out.append(Difference("金额单位", f"金额单位不同：上年为{prior.currency}，本年为{doc.currency}"))
    if doc.year is not None and prior.year is not None and prior.year != doc.year - 1:
        out.append(Difference("年度", f"上年公开的年度为{prior.year}年，不是{doc.year - 1}年"))
    mine, theirs = member_units(doc), member_units(prior)
    if mine and theirs and mine != theirs:
        added, gone = sorted(mine - theirs), sorted(theirs - mine)
        said = "；".join(x for x in (("新增 " + "、".join(added)) if added else "",
                                     ("不再列出 " + "、".join(gone)) if gone else "") if x)
        # This year's rows of the units last year did not list.
        lines = tuple(sorted({r.line for n in (11, 12, 13) if (t := doc.table(n)) is not None
                              for r in t.rows if r.kind in ("item", "subtotal") and _norm(r.name) in added}))
        out.append(Difference("所属单位", f"所属单位构成不同（表11、表12所列单位）：{said}", lines))
    return out


def limitation(doc: Document, prior: Document) -> str:
    """Why every comparison is at most a warning, or "" when the two are comparable."""
    diffs = differences(doc, prior)
    if not diffs:
        return ""
    short = "、".join(f"{d.aspect}不同" for d in diffs)
    return f"上年公开与本年不完全可比（{short}）"


# --- last year's figure of a subject -------------------------------------------------------------

@dataclass(frozen=True)
class LastYear:
    terms: Terms  # last year's cells (`PriorCell`s)
    guess: str = ""  # why the figure is not certain


def _label(subject: str) -> str:
    parts = subject.split(":")
    if len(parts) == 3 and parts[1] == "类":
        return f"{parts[0]} {CLASS_NAMES.get(parts[2], parts[2])}"
    return " ".join(parts)


def last_year(prior: Document, subject: str) -> LastYear | Reason:
    """Last year's amount of `subject`: its table cells, else its narrative's amount; or the
    reason it cannot be found."""
    cells = cells_for(subject)
    missing_rows: list[str] = []
    if cells and present(prior, cells):
        tables: list[tuple[Table, str, str]] = []
        for c in cells:
            t = prior.table(c.table)
            assert t is not None
            tables.append((t, c.row, c.column))
        guessed = [f"表{t.number}“{c}”" for t, k, c in tables
                   if (row := t.row(k)) is not None and c in row.guessed]
        absent = [(t, k) for t, k, _ in tables if t.row(k) is None and not t.empty]
        if not absent:
            # A blank cell of a printed row, or an empty table ("本表无数据"), is a zero.
            guess = f"上年{'、'.join(guessed)}的列位置无法确定" if guessed else ""
            return LastYear(tuple(Term(PriorCell(c)) for c in cells), guess)
        missing_rows = [f"表{t.number}" for t, _ in absent]
    stated = next((f for f in prior.narrative.figures if f.subject == subject and f.kind == "amount"), None)
    if stated is not None:
        return LastYear((Term(PriorCell(nref(stated))),))
    if missing_rows and "类:" in subject:
        # A class a printed coded table does not list had no money; the reader may have
        # missed the row, so not certain.
        return LastYear(tuple(Term(PriorCell(c)) for c in cells),
                        f"上年{'、'.join(missing_rows)}未列此科目（按 0 计）")
    if cells:
        return Reason(Why.PRIOR_NOT_READ, tuple(sorted({c.table for c in cells})), _label(subject))
    return Reason(Why.PRIOR_NOT_STATED, named=_label(subject))


# --- this year's statements of last year's figure -----------------------------------------------

def _decimals(f: Figure) -> int:
    return 2 if f.value == 0 else f.decimals


def _slack(figs: Iterable[Figure]) -> float:
    """What printing with fewer decimals leaves open: "增加5万元" is 4.5 to 5.5."""
    return sum(0.5 * 10.0 ** -_decimals(f) for f in figs if _decimals(f) < 2)


@dataclass(frozen=True)
class Statement:
    """Last year's amount of a subject, as this year's narrative implies it."""

    subject: str
    terms: Terms  # this year's cells and figures whose sum is last year's amount
    figures: tuple[Figure, ...]  # the narrative figures it rests on (their lines are cited)
    anchor: Figure  # the figure that states it (the change or the inline base)


def _current(doc: Document, f: Figure) -> tuple[Terms, tuple[Figure, ...]] | None:
    """This year's amount of `f`'s subject: the table's, else the one the narrative states."""
    cells = cells_for(f.subject)
    if present(doc, cells) and has_value(doc, cells):
        return tuple(Term(r) for r in cells), ()
    amount = previous(doc.narrative.figures, f, "amount", f.subject)
    return ((Term(nref(amount)),), (amount,)) if amount is not None else None


def statements(doc: Document) -> Iterator[Statement | tuple[Figure, Reason]]:
    """Each 上年 figure the narrative implies, or (the figure, why it cannot be derived)."""
    figs = doc.narrative.figures
    for f in figs:
        if f.kind not in ("change", "base") or f.section == 10:
            continue
        if f.subject.startswith("其他:"):
            yield f, Reason(Why.CHANGE_SUBJECT_UNKNOWN)
            continue
        if f.kind == "change" and partner(figs, f, "base") is not None:
            continue  # the inline base states last year's amount itself
        if f.kind == "base":
            yield Statement(f.subject, (Term(nref(f)),), (f,), f)
            continue
        current = _current(doc, f)
        if current is None:
            yield f, Reason(Why.PRIOR_NO_CURRENT)
            continue
        terms, stated = current
        yield Statement(f.subject, terms + (Term(nref(f), -1.0),), stated + (f,), f)


def _group(subject: str) -> str:
    """The PY- rule of a subject: the one after the N- rule that compares its amount."""
    return _PY_OF[amount_rule(subject)]


def where_said(f: Figure) -> str:
    kind = "所列上年数" if f.kind == "base" else "上年数（本年数 − 增减额）"
    return f"说明{numeral(f.section)}“{_label(f.subject)}”{kind}"


def _key(f: Figure) -> str:
    """Stable across drafts: the statement's section and subject, never its line."""
    return f"说明{numeral(f.section)}/{f.subject}/上年数"


def _comparisons(rule_id: str, doc: Document, prior: Document) -> Iterator[Instance]:
    limit = limitation(doc, prior)
    for s in statements(doc):
        if isinstance(s, tuple):
            f, why = s
            if _group(f.subject) == rule_id:
                yield Instance(Unchecked(why, (nref(f),), (f.line,)), where_said(f), key=_key(f))
            continue
        if _group(s.subject) != rule_id:
            continue
        found = last_year(prior, s.subject)
        if isinstance(found, Reason):
            yield Instance(Unchecked(found, (nref(s.anchor),), (s.anchor.line,)), where_said(s.anchor),
                           key=_key(s.anchor))
            continue
        tolerance = tail_tolerance(max(len(s.terms), len(found.terms))) + _slack(s.figures)
        rel = Equal(s.terms, found.terms, tolerance=round(tolerance, 4))
        guess = "；".join(x for x in (found.guess, limit) if x)
        yield Instance(rel, where_said(s.anchor), tuple(f.line for f in s.figures), guess=guess, key=_key(s.anchor))


def _same_body(doc: Document, prior: Document) -> Iterator[Instance]:
    diffs = differences(doc, prior)
    for d in diffs:
        yield Instance(Verdict(False, lines=d.lines), f"与上年公开口径不同：{d.what}；上年数的比较仅作提示",
                       key=f"上年公开/{d.aspect}")
    if not diffs:
        yield Instance(Verdict(True), f"上年公开为同一单位（{prior.unit}，{prior.year}年）", key="上年公开")


Bound = Callable[[Document, Document], Iterable[Instance]]

_BOUND: dict[str, Bound] = {
    "PY-UNIT": _same_body,
    "PY-TOTAL": lambda d, p: _comparisons("PY-TOTAL", d, p),
    "PY-SANGONG": lambda d, p: _comparisons("PY-SANGONG", d, p),
    "PY-OPERATING": lambda d, p: _comparisons("PY-OPERATING", d, p),
}


def _none(doc: Document) -> Iterator[Instance]:
    """Without last year's document the rules do not apply."""
    return iter(())


# They read this year's narrative and last year's tables, none of this document's tables:
# no `tables` declared.
RULES: tuple[Rule, ...] = (
    Rule("PY-UNIT", "A", "prior", "上年公开与本年为同一单位、同一口径（单位名称、部门/单位、所属单位、相邻年度）", _none),
    Rule("PY-TOTAL", "M", "prior", "说明所述上年数（本年数 − 增减额，或所列上年数）与上年公开一致：收支总计、一般公共预算等", _none),
    Rule("PY-SANGONG", "M", "prior", "说明所述“三公”经费上年数与上年公开的表10（或其说明）一致", _none),
    Rule("PY-OPERATING", "M", "prior", "说明所述机关运行经费上年数与上年公开的表11（或其说明）一致", _none),
)


def bind(rules: Iterable[Rule], prior: Document) -> tuple[Rule, ...]:
    """The prior-year rules among `rules`, reading `prior` as last year's disclosure."""
    out: list[Rule] = []
    for r in rules:
        impl = _BOUND.get(r.id) if r.family == "prior" else None
        if impl is not None:
            out.append(replace(r, instances=_closure(impl, prior)))
    return tuple(out)


def _closure(impl: Bound, prior: Document) -> Callable[[Document], Iterable[Instance]]:
    def instances(doc: Document) -> Iterable[Instance]:
        return impl(doc, prior)
    return instances
