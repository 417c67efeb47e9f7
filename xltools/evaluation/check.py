"""Run the rule catalogue over a document: findings out, nothing raised for a finding."""
from __future__ import annotations

from typing import Iterable, Iterator

from xltools.evaluation.coverage import Coverage, Ledger
from xltools.evaluation.diagnose import diagnose, grouped
from xltools.evaluation.finding_keys import KeyNames, Numbering, instance_base, note_key
from xltools.evaluation.judged import Judged, Live, Source, by_rule
from xltools.evaluation.messages import message
from xltools.evaluation.prior import judge_prior
from xltools.core.findings import EDITED_PRINTED, Finding, Severity, Where, sort_key, with_pages
from xltools.core.model import Document
from xltools.rules import CATALOGUE
from xltools.rules.core import Instance, Outcome, Rule, Unchecked, Values, Verdict, effective_level, refs_of


def finding_for(rule: Rule, inst: Instance, out: Outcome, values: Values, key: str = "") -> Finding | None:
    if out.status in ("pass", "unchecked"):
        return None
    severity: Severity
    if out.status == "tail":
        severity = Severity.INFO
    else:
        severity = Severity.ERROR if effective_level(rule, inst) == "M" else Severity.WARNING
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
    return Finding(rule.id, severity, msg, out.expected, out.actual, out.diff, tuple(places), key=key)


def read_findings(doc: Document) -> Iterator[Finding]:
    # A part of the document missing is an error of the document itself: it cannot be
    # published so (DOMAIN.md, completeness).
    sev = {"READ-MISSING-TABLE": "error", "READ-MISSING-PART": "error", "READ-UNPLACED": "warning",
           EDITED_PRINTED: "warning"}
    number = Numbering()
    for n in doc.notes:
        yield Finding(n.rule, sev.get(n.rule, "info"), n.message, where=(Where(line=n.line, table=n.table),),  # type: ignore[arg-type]
                      key=number(note_key(n)))


def evaluate(doc: Document, rules: Iterable[Rule] = CATALOGUE, source: Source | None = None,
             live: Live | None = None, prior: Document | None = None) -> tuple[list[Finding], Coverage]:
    """The findings, and the ledger of what was checked and what could not be: of the
    document as printed, or (`source`, `live`) of a workbook as it is now. The one loop
    the command line, the workbook check and the Excel buttons all run. With `prior` (last
    year's disclosure) the prior-year rules compare the 上年 figures the narrative implies."""
    rules = tuple(rules)
    ledger = Ledger(doc)
    found: list[Finding] = list(read_findings(doc))
    every: list[Judged] = []
    failed: list[tuple[int, Judged]] = []
    names, number = KeyNames(doc), Numbering()
    for r in by_rule(rules, doc, source, live):
        block = r.block
        if block is not None and block.judged:  # counted and keyed once per table read (`kept`)
            ledger.add_counts(r.rule, block.family, block.tables)
        for i, j in enumerate(r.judged):
            if block is None:
                ledger.add(j.rule, j.instance, j.outcome)
            every.append(j)
            key = number(block.bases[i] if block is not None else instance_base(j.rule, j.instance, names))
            f = finding_for(j.rule, j.instance, j.outcome, j.values, key)
            if f is not None:
                if j.outcome.status == "fail":
                    failed.append((len(found), j))
                found.append(f)
    if source is None and failed:
        # The document as printed: one wrong figure named once (a workbook's cells are the
        # officer's own, judged live, and told cell by cell).
        found = diagnose(found, failed, every)
    if prior is not None:
        found += judge_prior(doc, prior, rules, ledger)
    coverage = ledger.finish(rules)
    coverage.prior = prior.source if prior is not None else None
    return with_pages(grouped(sorted(found, key=sort_key)), doc.pages), coverage


def check(doc: Document, rules: Iterable[Rule] = CATALOGUE, source: Source | None = None,
          live: Live | None = None) -> list[Finding]:
    return evaluate(doc, rules, source, live)[0]
