"""The diagnosis walk (issue 23): printed amounts moved by Δ = 0.45 万元 one at a time; each
corruption gives a new finding that cites the moved figure's line, and no new finding is off
by more than 2Δ + 0.05 (元 figures compared in 万元).

Every amount of the hand-written 部门 fixtures is walked (two and three units in 表11/12/13,
a project named like its unit). On the seeds, a deterministic selection: in every part (each
table, the narrative, the 绩效 tables) amounts spread evenly over it, and every unit subtotal
and grand-total row of 表11/12/13. (A full walk of the seeds takes minutes; its figures are in
the report of issue 23.)
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEED_PATHS
from diagnosis_walk import Outcome, Spot, spots, stratified, walk

from xltools.core.model import Document

DELTA = 0.45
FORMS = Path(__file__).parent / "fixtures" / "forms"
PER_PART = 2


def _report(bad: list[Outcome], text: str) -> str:
    raw = text.split("\n")
    out = []
    for o in bad[:8]:
        s = o.spot
        out.append(f"{s.part} l.{s.line} {raw[s.line - 1][s.start:s.end]}: found={o.found} precise={o.precise} "
                   + "; ".join(f"{f.rule} {f.lines[:4]} {f.diff}" for f in o.new[:4]))
    return "\n".join(out)


@pytest.mark.parametrize("name", ["dept_two_units", "dept_three_units"])
def test_every_amount_of_a_department_fixture(name: str) -> None:
    text = (FORMS / f"{name}.txt").read_text(encoding="utf-8")
    chosen = spots(text)
    # all the tables that print money, the narrative and the 绩效 tables are walked
    assert {s.part for s in chosen} >= {"表1", "表2", "表3", "表4", "表5", "表6", "表10", "表11", "表12", "表13", "说明", "绩效"}
    assert len(chosen) > 150
    outcomes = walk(text, DELTA, chosen)
    # a corruption no identity can see (`Spot.blind`) must at least give no false finding
    bad = [o for o in outcomes if not ((o.found or (o.spot.blind and not o.new)) and o.precise)]
    assert bad == [], _report(bad, text)


def _unit_rows(doc: Document, all_spots: list[Spot]) -> list[Spot]:
    """The first amount of every 总计, 部门合计 and unit subtotal row of 表11/12/13."""
    lines = {r.line for n in (11, 12, 13) if (t := doc.table(n)) is not None for r in t.rows
             if r.kind in ("total", "subtotal") and any(v is not None for v in r.amounts.values())}
    out: dict[int, Spot] = {}
    for s in all_spots:
        if s.line in lines and s.part in ("表11", "表12", "表13"):
            out.setdefault(s.line, s)
    return list(out.values())


@pytest.mark.parametrize("seed", sorted(SEED_PATHS))
def test_stratified_amounts_of_a_seed(seed: str, docs: dict[str, Document]) -> None:
    text = SEED_PATHS[seed].read_text(encoding="utf-8")
    all_spots = spots(text)
    chosen = stratified(all_spots, PER_PART)
    chosen += [s for s in _unit_rows(docs[seed], all_spots) if s not in chosen]
    parts = {s.part for s in chosen}
    assert {"说明", "绩效", "表1", "表12"} <= parts and len(parts) >= 10
    outcomes = walk(text, DELTA, chosen)
    # a corruption no identity can see (`Spot.blind`) must at least give no false finding
    bad = [o for o in outcomes if not ((o.found or (o.spot.blind and not o.new)) and o.precise)]
    assert bad == [], _report(bad, text)
