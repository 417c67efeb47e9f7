"""Reading and checking grow linearly with the input (issue 25): 4 times the text costs at most
about 4 times the work. Work is counted, not timed: the number of Python function calls (and
generator steps) made by reading and checking, and the number of fuzzy name comparisons."""
from __future__ import annotations

import cProfile
import difflib
import pstats
from collections.abc import Iterator

import pytest

from scale_text import RENAMED, long_narrative, scaled_text
from xltools.evaluation.check import check
from xltools.core.findings import Finding
from xltools.core.model import Document
from xltools.rules.reading import read_text
from xltools.core.memo import forget_all

# The increment from 2x to 4x over that from 1x to 2x: 2 when linear, 4 when quadratic.
INCREMENT = 2.4
# Twice the input over once: 2 when linear, 4 when quadratic.
DOUBLE = 3.0


def _calls(text: str) -> tuple[int, Document, list[Finding]]:
    # A first reading: the memos keep what was made of the parts another text shares with
    # this one (`core.memo`), which would count the shared head of the text once only.
    forget_all()
    prof = cProfile.Profile()
    prof.enable()
    doc = read_text(text, "grown.txt")
    found = list(check(doc))
    prof.disable()
    return pstats.Stats(prof).total_calls, doc, found  # type: ignore[attr-defined]


def test_long_narrative_work_grows_linearly() -> None:
    # Work at 1x, 2x and 4x the repeated paragraph: the fixed cost of the rest of the text
    # cancels in the increments, which double when the work is linear (and quadruple when it
    # is quadratic: a pass over all figures for each growth rate did that).
    w1, doc1, found1 = _calls(long_narrative(150))
    w2, _, _ = _calls(long_narrative(300))
    w4, doc4, found4 = _calls(long_narrative(600))
    # the grown narratives are read whole: each copy states its 10 figures
    assert len(doc4.narrative.figures) - len(doc1.narrative.figures) == 450 * 10
    # each copy's two growth rates are checked (and, its figures varied, found not to tie out)
    growth1 = [f for f in found1 if f.rule.startswith("N-GROWTH")]
    growth4 = [f for f in found4 if f.rule.startswith("N-GROWTH")]
    assert len(growth4) - len(growth1) == 450 * 2
    assert w4 - w2 <= INCREMENT * (w2 - w1), (w1, w2, w4)


class _Counting:
    """Counts difflib ratio computations: the fuzzy comparisons of two names."""

    def __init__(self) -> None:
        self.n = 0


@pytest.fixture()
def ratios(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Counting]:
    c = _Counting()
    real = difflib.SequenceMatcher.ratio

    def counted(self: difflib.SequenceMatcher[str]) -> float:
        c.n += 1
        return real(self)
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counted)
    yield c


def _t12_names(doc: Document) -> list[str]:
    t12 = doc.table(12)
    assert t12 is not None
    return [r.name for r in t12.rows if r.kind == "item"]


def test_wrapped_names_fuzzy_comparisons_grow_linearly(ratios: _Counting) -> None:
    # The seed whose 绩效 tables name projects differently, its projects copied: every other
    # copied 表12 name is wrapped, and settling a piece compares the names it would make
    # with every 绩效 name, fuzzily. Comparing all pairs made the comparisons quadratic
    # (4,710 at 2x, 28,110 at 4x); names whose length or characters cannot beat the best
    # ratio found are now skipped, with the same result.
    seed = _t12_names(read_text(RENAMED.read_text(encoding="utf-8"), "seed.txt"))
    forget_all()  # first readings, as in `_calls`
    before = ratios.n
    doc2 = read_text(scaled_text(2, RENAMED), "grown.txt")
    at2 = ratios.n - before
    forget_all()
    before = ratios.n
    doc4 = read_text(scaled_text(4, RENAMED), "grown.txt")
    at4 = ratios.n - before
    # every wrapped name is joined to its own row: the copies are the seed's names, suffixed
    assert len(seed) == 30
    assert _t12_names(doc4) == seed + [f"{n}（副本{c}）" for c in (1, 2, 3) for n in seed]
    assert sum("续行" in n.message and "副本" in n.message for n in doc4.notes) == 42
    assert len(doc2.projects) == 62 and len(doc4.projects) == 124
    # twice the names (and pieces): at most about twice the comparisons (quadratic: 4x)
    assert 0 < at4 <= DOUBLE * at2, (at2, at4)
