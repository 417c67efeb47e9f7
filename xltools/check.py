"""Run the rule catalogue over a document: findings out, nothing raised for a finding."""
from __future__ import annotations

from typing import Iterable, Iterator

from .coverage import Coverage, Ledger
from .diagnose import diagnose, grouped
from .evaluation import Judged, Live, Source, judged
from .finding_text import message
from .findings import Finding, Severity, Where, sort_key, with_pages
from .model import Document
from .rules import CATALOGUE
from .rules.core import Instance, Outcome, Rule, Unchecked, Values, Verdict, effective_level, refs_of


def finding_for(rule: Rule, inst: Instance, out: Outcome, values: Values) -> Finding | None:
    if out.status in ("pass", "unchecked"):
        return None
    severity: Severity
    if out.status == "tail":
        severity = "info"
    else:
        severity = "error" if effective_level(rule, inst) == "M" else "warning"
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
    # One line: the cells compared and their numbers; the rule's description is in the catalogue.
    msg = message(rule, inst, out, values)
    return Finding(rule.id, severity, msg, out.expected, out.actual, out.diff, tuple(places))


def read_findings(doc: Document) -> Iterator[Finding]:
    # A part of the document missing is an error of the document itself: it cannot be
    # published so (DOMAIN.md, completeness).
    sev = {"READ-MISSING-TABLE": "error", "READ-MISSING-PART": "error", "READ-UNPLACED": "warning"}
    for n in doc.notes:
        yield Finding(n.rule, sev.get(n.rule, "info"), n.message, where=(Where(line=n.line, table=n.table),))  # type: ignore[arg-type]


def evaluate(doc: Document, rules: Iterable[Rule] = CATALOGUE, source: Source | None = None,
             live: Live | None = None) -> tuple[list[Finding], Coverage]:
    """The findings, and the ledger of what was checked and what could not be: of the
    document as printed, or (`source`, `live`) of a workbook as it is now. The one loop
    the command line, the workbook check and the Excel buttons all run."""
    rules = tuple(rules)
    ledger = Ledger(doc)
    found: list[Finding] = list(read_findings(doc))
    every: list[Judged] = []
    failed: list[tuple[int, Judged]] = []
    for j in judged(rules, doc, source, live):
        ledger.add(j.rule, j.instance, j.outcome)
        every.append(j)
        f = finding_for(j.rule, j.instance, j.outcome, j.values)
        if f is not None:
            if j.outcome.status == "fail":
                failed.append((len(found), j))
            found.append(f)
    if source is None and failed:
        # The document as printed: one wrong figure named once (a workbook's cells are the
        # officer's own, judged live, and told cell by cell).
        found = diagnose(found, failed, every)
    return with_pages(grouped(sorted(found, key=sort_key)), doc.pages), ledger.finish(rules)


def check(doc: Document, rules: Iterable[Rule] = CATALOGUE, source: Source | None = None,
          live: Live | None = None) -> list[Finding]:
    return evaluate(doc, rules, source, live)[0]
