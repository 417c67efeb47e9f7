"""Every rule declares the tables it reads as data (`Rule.tables`, `Rule.also_reads`), and the
coverage ledger and the reader's placement go by that declaration, never by the rule's id."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from xltools.core.layouts import LAYOUTS
from xltools.core.model import Document
from xltools.core.references import TableCell
from xltools.evaluation.check import evaluate
from xltools.rules import CATALOGUE
from xltools.rules.core import refs_of, rule_instances
from xltools.rules.reading import read_document, read_text

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "000_3cbdfbba338dedd0.txt"
T8_TITLE = "2026年政府性基金预算支出表（不含上年结转）"
T9_TITLE = "2026年国有资本经营预算收支预算表（不含上年结转）"


@lru_cache(maxsize=1)
def _documents() -> tuple[Document, ...]:
    paths = sorted(FIXTURES.glob("*.txt")) + sorted((FIXTURES / "forms").glob("*.txt"))
    return tuple(read_document(p) for p in paths)


def _without_t8() -> Document:
    """Seed 000 with 表8's block (title to the line before 表9's title) cut out."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start, end = lines.index(T8_TITLE), lines.index(T9_TITLE)
    return read_text("\n".join(lines[:start] + lines[end:]), "无表8.txt")


def test_table_and_cross_rules_name_their_tables() -> None:
    for rule in CATALOGUE:
        assert all(n in LAYOUTS for n in rule.reads), rule.id
        if rule.family == "table":
            assert len(rule.tables) == 1 and not rule.also_reads, rule.id
        if rule.family == "cross":
            assert len(rule.reads) >= 2, rule.id
    by_id = {r.id: r for r in CATALOGUE}
    assert by_id["T9-INCOME-HIER"].tables == (9,)
    assert by_id["X-T12-FUNDS"].reads == {5, 8, 9, 12}
    assert by_id["X-T7-FUND"].tables == (7, 8)
    assert by_id["N-SANGONG"].reads == {10}


def test_every_instance_reads_only_the_tables_its_rule_declares() -> None:
    related = 0
    for doc in _documents():
        for rule, inst in rule_instances(CATALOGUE, doc):
            tables = {r.table for r in refs_of(inst.relation) if isinstance(r, TableCell)}
            assert tables <= rule.reads, f"{doc.source}: {rule.id} {inst.subject} reads {tables - rule.reads}"
            related += bool(tables)
    assert related > 5000  # the fixtures relate thousands of table cells


def test_a_missing_table_8_leaves_the_rules_that_read_it_unchecked() -> None:
    """With 表8 missing, X-T12-FUNDS (表12 政府性基金预算 = 表8 项目支出) and X-T7-FUND were
    counted as not applicable: their ids do not name 表8 first or at all."""
    doc = _without_t8()
    assert doc.table(8) is None and doc.table(12) is not None and doc.table(5) is not None
    _, cov = evaluate(doc)
    cross = cov.families["cross"]
    # X-T8-T2, X-T12-FUNDS, X-T7-FUND
    assert {r.text: k for r, k in cross.unchecked.items()} == {"未找到表8": 3}
    assert {r.text: k for r, k in cov.families["table"].unchecked.items()} == {"未找到表8": 2}  # T8-ROW, T8-HIER
    assert {r.text: k for r, k in cov.tables[8].unchecked.items()} == {"未找到表8": 1}
    # Seed 000 as printed (表7 and 表8 empty): every cross rule is checked or does not apply;
    # X-T7-FUND, not applicable there, now says 表8 is missing.
    _, whole = evaluate(read_document(SEED))
    assert dict(whole.families["cross"].unchecked) == {}
    assert cross.not_applicable == whole.families["cross"].not_applicable - 1
