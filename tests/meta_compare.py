"""What a check of a document gives, reduced to what must not depend on the extraction."""
from __future__ import annotations

from collections import Counter
from typing import Any

from xltools.evaluation.check import check
from xltools.core.model import Document
from xltools.evaluation.report import table_total


def signature(doc: Document, *, lines: bool = True, families: tuple[str, ...] = ()) -> dict[str, Any]:
    findings = [f for f in check(doc) if f.severity != "info"]
    if families:
        findings = [f for f in findings if f.rule.startswith(families)]
    def key(f: Any) -> tuple[Any, ...]:
        e = round(f.expected, 2) if isinstance(f.expected, float) else f.expected
        a = round(f.actual, 2) if isinstance(f.actual, float) else f.actual
        # The stable key too: the same finding in another extraction is the same finding (accept, compare).
        return (f.rule, f.severity, e, a, f.key) + ((f.lines,) if lines else ())
    return {
        "meta": (doc.unit, doc.kind, doc.year),
        "totals": {n: table_total(doc, n) for n in range(1, 14)},
        "findings": Counter(key(f) for f in findings),
    }
