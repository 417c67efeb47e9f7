"""Run the rule catalogue over a document: findings out, nothing raised for a finding."""
from __future__ import annotations

from typing import Iterable, Iterator

from .coverage import Coverage, Ledger
from .findings import Finding, Severity, Where, sort_key
from .model import Document
from .rules import CATALOGUE
from .rules.core import Instance, Outcome, Rule, Unchecked, Values, Verdict, effective_level, judge, refs_of, rule_instances
from .rules.resolve import DocumentValues


def _fmt(v: float | str | None) -> str:
    if v is None:
        return "无"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def finding_for(rule: Rule, inst: Instance, out: Outcome, values: Values) -> Finding | None:
    if out.status in ("pass", "unchecked"):
        return None
    severity: Severity
    if out.status == "tail":
        severity = "info"
        verdict = "尾差"
    else:
        level = effective_level(rule, inst)
        severity = "error" if level == "M" else "warning"
        verdict = "不符" if level == "M" else "提示"
    places: list[Where] = []
    for ref in refs_of(inst.relation):
        w = values.where(ref)
        if w is not None and w not in places:
            places.append(w)
    # A Verdict carries the lines its judgement read (a 绩效 table's title, a sentence).
    extra = inst.relation.lines if isinstance(inst.relation, (Verdict, Unchecked)) else ()
    for line in inst.lines + extra:
        if all(p.line != line for p in places):
            places.append(Where(line=line))
    msg = f"[{verdict}] {rule.description}：{inst.subject}"
    if out.expected is not None or out.actual is not None:
        msg += f"（应为 {_fmt(out.expected)}，实为 {_fmt(out.actual)}"
        msg += f"，差 {out.diff:.2f}）" if out.diff is not None else "）"
    if inst.guess and rule.level == "M":
        msg += f"（{inst.guess}，不作为错误）"
    return Finding(rule.id, severity, msg, out.expected, out.actual, out.diff, tuple(places))


def read_findings(doc: Document) -> Iterator[Finding]:
    sev = {"READ-MISSING-TABLE": "error", "READ-UNPLACED": "warning"}
    for n in doc.notes:
        yield Finding(n.rule, sev.get(n.rule, "info"), n.message, where=(Where(line=n.line, table=n.table),))  # type: ignore[arg-type]


def evaluate(doc: Document, rules: Iterable[Rule] = CATALOGUE) -> tuple[list[Finding], Coverage]:
    """The findings, and the ledger of what was checked and what could not be."""
    rules = tuple(rules)
    values = DocumentValues(doc)
    ledger = Ledger(doc)
    found: list[Finding] = list(read_findings(doc))
    for rule, inst in rule_instances(rules, doc):
        out = judge(inst.relation, values)
        ledger.add(rule, inst, out)
        f = finding_for(rule, inst, out, values)
        if f is not None:
            found.append(f)
    return sorted(found, key=sort_key), ledger.finish(rules)


def check(doc: Document, rules: Iterable[Rule] = CATALOGUE) -> list[Finding]:
    return evaluate(doc, rules)[0]
