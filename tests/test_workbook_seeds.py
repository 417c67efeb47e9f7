"""The three seeds imported: Excel verdicts equal Python's live evaluation instance by
instance, with the formulas engine and with LibreOffice; `check BOOK.xlsx` finds what
that evaluation finds; every recomputed figure ties to its 原表数."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from book_files import book_values, sheet_values

from xltools.evaluation.check import check
from xltools.core.model import Document
from xltools.core.references import NarrativeFigure, TableCell
from xltools.evaluation.plan import TablePlan, derivations, live_values, plan_document
from xltools.workbook.book_check import check_workbook, read_verdicts
from xltools.rules import CATALOGUE
from xltools.evaluation.judged import Live, LiveDocument, judged, live_of
from xltools.core.findings import Finding
from xltools.rules.core import effective_level, tail_tolerance

WORD = {"pass": "通过", "tail": "尾差"}


@pytest.fixture(scope="module")
def books(seed_books: dict[tuple[str, str], Path]) -> dict[tuple[str, str], Path]:
    """Each seed imported once, recalculated by formulas (the fast path) and, in a copy, by
    LibreOffice: the session's workbooks (tests/conftest.py), shared with the engine tests."""
    return seed_books


def leaf_counts(plans: dict[int, TablePlan]) -> dict[TableCell, int]:
    """How many input cells each derived cell adds up, through every level: how far its
    recomputation may drift from its printed figure (a 合计 over 20 项 may be off by more than
    one cent)."""
    derived = derivations(plans)
    memo: dict[TableCell, int] = {}

    def count(k: TableCell) -> int:
        if k not in memo:
            terms = derived.get(k)
            memo[k] = 1 if terms is None else sum(count(t) for t, _ in terms)
        return memo[k]

    return {k: max(count(k), 1) for k in derived}


def python_verdicts(doc: Document, live: Live | None = None) -> list[tuple[str, str, str]]:
    """Each instance as the workbook judges it on import: live figures (`evaluation`). An
    edited document is judged with `live` of the document as imported: the workbook's offsets
    (each derived figure's printed 尾差) are constants written at import."""
    live = live or live_of(doc)
    return [(j.rule.id, j.instance.subject,
             WORD.get(j.outcome.status, "不符" if effective_level(j.rule, j.instance) == "M" else "提示"))
            for j in judged(CATALOGUE, doc, LiveDocument(doc, live), live)]


def live_findings(doc: Document, live: Live | None = None) -> list[Finding]:
    live = live or live_of(doc)
    return check(doc, CATALOGUE, LiveDocument(doc, live), live)


CASES = [(k, e) for k in ("000", "001", "003") for e in ("formulas", "libreoffice")]


@pytest.mark.parametrize(("seed", "engine"), CASES)
def test_excel_verdicts_equal_python_instance_by_instance(books: dict[tuple[str, str], Path], docs: dict[str, Document],
                                                          seed: str, engine: str) -> None:
    got = [v for v in read_verdicts(books[(seed, engine)]) if v[2] != "读取"]
    assert got == python_verdicts(docs[seed])


@pytest.mark.parametrize(("seed", "engine"), CASES)
def test_counts_on_check_sheet_and_cover_equal_check_summary(books: dict[tuple[str, str], Path],
                                                            docs: dict[str, Document], seed: str, engine: str) -> None:
    counts = Counter(v[2] for v in read_verdicts(books[(seed, engine)]))
    found = Counter(f.severity for f in live_findings(docs[seed]) if not f.rule.startswith("READ-"))
    assert (counts["不符"], counts["提示"], counts["尾差"]) == (found["error"], found["warning"], found["info"])
    assert counts["读取"] == len(docs[seed].notes)
    cover = sheet_values(books[(seed, engine)], "封面")
    assert [cover.cell(r, 2).value for r in range(10, 15)] == [counts[w] for w in ("不符", "提示", "尾差", "通过", "读取")]


def test_seed_000_share_error_shows_as_one_mismatch(books: dict[tuple[str, str], Path]) -> None:
    rows = read_verdicts(books[("000", "formulas")])
    assert [(r[0], r[1]) for r in rows if r[2] == "不符"] == [("N-SHARE", "说明二“上年结转”0%")]
    values = book_values(books[("000", "formulas")])
    t2 = values["表2 收入总表"]
    assert t2["A6"].value is None and t2["B6"].value == "合计"
    # 合计 recomputed from its 类 rows is 1172.85; the table prints 1172.86: a 尾差, kept beside.
    assert t2["C6"].value == pytest.approx(1172.85) and t2["M6"].value == pytest.approx(1172.86)
    assert t2["L6"].value == "合计"  # the 原表数 block repeats the table, labels included
    assert values["表1 收支总表"]["B38"].value == pytest.approx(1271.91)  # 收入总计 = 1172.86 + 99.05


@pytest.mark.parametrize("engine", ["formulas", "libreoffice"])
@pytest.mark.parametrize("seed", ["000", "001", "003"])
def test_every_recomputed_figure_ties_to_its_printed_value(books: dict[tuple[str, str], Path],
                                                           docs: dict[str, Document], seed: str, engine: str) -> None:
    doc = docs[seed]
    plans = plan_document(doc)
    live, leaves = live_values(doc, plans), leaf_counts(plans)
    from xltools.workbook.address import AddressMap, grid_for

    amap = AddressMap(plans, {n: grid_for(p) for n, p in plans.items()})
    wb = book_values(books[(seed, engine)])
    checked = 0
    for key, python_value in live.items():
        sheet, a1 = amap.live_cell(key)  # type: ignore[misc]
        excel = wb[sheet][a1].value or 0.0
        assert excel == pytest.approx(python_value, abs=1e-6), (key, sheet, a1)
        table = doc.table(key[0])
        row = table.row(key[1]) if table else None
        printed = (row.get(key[2]) or 0.0) if row else 0.0
        assert abs(round(excel - printed, 2)) <= tail_tolerance(leaves[key]) + 1e-9, (key, excel, printed)
        checked += 1
    assert checked > 200


def test_check_workbook_points_at_sheet_and_cell(books: dict[tuple[str, str], Path], docs: dict[str, Document]) -> None:
    found = check_workbook(books[("001", "formulas")])
    expected = live_findings(docs["001"])
    assert sorted((f.rule, f.severity, f.message) for f in found) == sorted((f.rule, f.severity, f.message) for f in expected)
    # As printed, the text has the same errors and warnings: live figures only turn exact
    # matches into 尾差 where a printed total is a cent off its parts.
    printed = [f for f in check(docs["001"]) if f.severity != "info"]
    assert sorted((f.rule, f.message) for f in found if f.severity != "info") == sorted((f.rule, f.message) for f in printed)
    growth = [f for f in found if f.severity == "error" and any(w.line == 611 for w in f.where)]
    assert growth and all(w.sheet and w.cell for w in growth[0].where if w.sheet)
    assert any(w.sheet == "情况说明" for w in growth[0].where)


def _restating(doc: Document) -> dict[str, set[float]]:
    """Narrative figure key → what the rules that compare it with the tables compute for the
    tables' side, on the figures as the document prints them (`check`'s 应为)."""
    out: dict[str, set[float]] = {}
    for j in judged(CATALOGUE, doc):
        refs = [t.ref for t in getattr(j.instance.relation, "lhs", ())] or \
            [getattr(j.instance.relation, "printed", None)]
        for ref in refs:
            if isinstance(ref, NarrativeFigure) and isinstance(j.outcome.expected, float):
                out.setdefault(ref.key, set()).add(round(j.outcome.expected, getattr(j.instance.relation, "decimals", 2)))
    return out


@pytest.mark.parametrize(("seed", "engine"), CASES)
def test_the_narrative_sheet_restates_the_tables_as_printed(books: dict[tuple[str, str], Path],
                                                            docs: dict[str, Document], seed: str, engine: str) -> None:
    """情况说明's 表中对应数 is the table's figure as the document prints it (what `check`
    compares the narrative with), not its recomputation a cent off; 表中重算数 shows the
    recomputation only where it differs; the charts show printed figures too."""
    doc = docs[seed]
    wanted = _restating(doc)
    wb = openpyxl.load_workbook(books[(seed, engine)], read_only=True, data_only=True)
    rows = [r for r in wb["情况说明"].iter_rows(min_row=4, values_only=True) if r[0]]
    restated = [(r[0], r[5], r[7]) for r in rows if isinstance(r[5], (int, float))]
    assert len(restated) >= 20
    for key, shown, recomputed in restated:
        assert round(shown, 2) in wanted[key], (key, shown, wanted[key])
        assert recomputed in (None, "") or round(recomputed, 2) != round(shown, 2)
    differs = {key: (shown, recomputed) for key, shown, recomputed in restated if recomputed not in (None, "")}
    assert len(differs) >= 10  # every seed prints totals a cent or two off their parts
    if seed == "000":  # 说明一's 本年收入: 表1 prints 1,172.86, its parts add to 1,172.85
        key = next(k for k, s, _ in restated if k.startswith("s1.") and s == pytest.approx(1172.86))
        assert differs[key] == (pytest.approx(1172.86), pytest.approx(1172.85))
    charts = {r[0]: r[1] for r in wb["图表"].iter_rows(min_row=4, max_col=2, values_only=True) if r[0]}
    t1 = doc.table(1)
    assert t1 is not None
    for source in ("一般公共预算", "上年结转"):
        row = t1.row(source)
        assert row is not None and charts[source] == pytest.approx(row.get("金额") or 0.0, abs=1e-9)
