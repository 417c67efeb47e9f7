"""Judging the prior-year rules (PY-*) over this year's and last year's documents, and their
findings' messages: the 上年 figure this year's narrative implies, how it was derived, last
year's figure with its line (and page), and the difference."""
from __future__ import annotations

from typing import Iterable

from xltools.core.findings import Finding, Severity, Where
from xltools.core.model import Document
from xltools.evaluation.coverage import Ledger
from xltools.evaluation.finding_keys import KeyNames, Numbering, instance_base
from xltools.evaluation.messages import figure_name
from xltools.rules.common import money
from xltools.rules.core import Equal, Instance, Outcome, Rule, Terms, Unchecked, Verdict, effective_level, judge, rule_instances
from xltools.core.references import NarrativeFigure, PriorCell
from xltools.rules.prior import TwoYears, bind


def judge_prior(doc: Document, prior: Document, rules: Iterable[Rule], ledger: Ledger) -> list[Finding]:
    """The findings of the prior-year rules among `rules`, each judged instance in the ledger."""
    values = TwoYears(doc, prior)
    found: list[Finding] = []
    names, number = KeyNames(doc), Numbering()
    for rule, inst in rule_instances(bind(rules, prior), doc):
        out = judge(inst.relation, values)
        ledger.add(rule, inst, out)
        f = _finding(rule, inst, out, values, number(instance_base(rule, inst, names)))
        if f is not None:
            found.append(f)
    return found


def _finding(rule: Rule, inst: Instance, out: Outcome, values: TwoYears, key: str) -> Finding | None:
    if out.status in ("pass", "unchecked"):
        return None
    severity = Severity.INFO if out.status == "tail" else (
        Severity.ERROR if effective_level(rule, inst) == "M" else Severity.WARNING)
    rel = inst.relation
    places: list[Where] = []
    if isinstance(rel, Equal):
        for t in rel.lhs:
            w = values.where(t.ref)
            if w is not None and w not in places:
                places.append(w)
    extra = rel.lines if isinstance(rel, (Verdict, Unchecked)) else ()
    for line in inst.lines + extra:
        if all(p.line != line for p in places):
            places.append(Where(line=line))
    msg = message(inst, out, values) if isinstance(rel, Equal) else inst.subject
    return Finding(rule.id, severity, msg, out.expected, out.actual, out.diff, tuple(places), key=key)


def _value(values: TwoYears, ts: Terms) -> float:
    return sum((values.value(t.ref) or 0.0) * t.factor for t in ts)


def _this_year(rel: Equal, values: TwoYears) -> str:
    """How the 上年 figure was derived: "本年 表1 收入总计 1,271.91，增加 116.42"."""
    change = [t for t in rel.lhs if t.factor < 0]
    if not change:
        return ""
    parts = [t for t in rel.lhs if t.factor > 0]
    said_at = change[0].ref
    fig = values.doc.narrative.figure(said_at.key) if isinstance(said_at, NarrativeFigure) else None
    amount = _value(values, tuple(parts))
    name = " + ".join(figure_name(t.ref, values) for t in parts)
    said = values.value(change[0].ref) or 0.0
    word = (fig.word if fig is not None and fig.word else ("增加" if said >= 0 else "减少"))
    if word in ("增加", "增长", "上升") and said < 0:
        word = "减少"
    return f"（本年 {name} {money(amount)}，{word} {money(abs(said), fig.decimals if fig else 2)}）"


def _last_year(rel: Equal, values: TwoYears) -> str:
    last = [r for t in rel.rhs if isinstance(r := t.ref, PriorCell)]
    names = " + ".join(figure_name(r.of, values.last_year) for r in last)
    wheres = [w for r in last if (w := values.prior_where(r)) is not None and w.line is not None]
    at = ""
    if wheres:
        lines = "、".join(str(w.line) for w in wheres)
        pages = sorted({w.page for w in wheres if w.page is not None})
        at = f"（上年第{lines}行" + (f"，第{'、'.join(map(str, pages))}页" if pages else "") + "）"
    return f"上年公开 {names} {money(_value(values, rel.rhs))}{at}"


def message(inst: Instance, out: Outcome, values: TwoYears) -> str:
    """"说明一“收入总计”上年数（本年数 − 增减额） 1,155.49（本年 表1 收入总计 1,271.91，增加 116.42）
    ≠ 上年公开 表1 收入总计 1,150.00（上年第126行）（差 5.49）"."""
    rel = inst.relation
    assert isinstance(rel, Equal)
    implied = _value(values, rel.lhs)
    diff = f"（差 {money(out.diff)}）" if out.diff is not None else ""
    text = f"{inst.subject} {money(implied)}{_this_year(rel, values)} ≠ {_last_year(rel, values)}{diff}"
    if inst.guess:
        text += f"（{inst.guess}，不作为错误）"
    return text
