"""Every table-internal and cross-table rule has a passing and a failing case.

For arithmetic relations the case is generic: an instance holds on a real document; moving
one cell it relates by 1.00 万元 breaks it at the rule's level. Verdict rules get their own
cases below, on real text edited the way a hand edit would break it.
"""
from __future__ import annotations

import dataclasses

import pytest
from conftest import SEED_PATHS

from xltools.check import check
from xltools.findings import Where
from xltools.read import read_bytes
from xltools.rules import CATALOGUE
from xltools.rules.core import AtMost, Ref, Rule, Values, judge, refs_of
from xltools.rules.resolve import DocumentValues


class Bumped:
    """The document's values with one cell moved."""

    def __init__(self, base: Values, ref: Ref, delta: float) -> None:
        self.base, self.ref, self.delta = base, ref, delta

    def value(self, ref: Ref) -> float | None:
        v = self.base.value(ref)
        return (v or 0.0) + self.delta if ref == self.ref else v

    def where(self, ref: Ref) -> Where | None:
        return self.base.where(ref)


ARITHMETIC = [r for r in CATALOGUE if r.family in ("table", "cross") and r.id not in ("X-CLASS-KNOWN", "X-CODE-NAME")]


def _synthetic(docs):
    """Seed 003 with 表11 given three units and 表6 given 公务接待费: cases the seeds lack."""
    from xltools.model import Row

    doc = docs["003"]
    t11 = doc.table(11)
    units = tuple(
        Row(f"u{i}", f"单位{i}", {"合计": v, "一般公共预算": v, "政府性基金预算": None, "国有资本经营预算": None},
            line=900 + i, kind="item", level=1, parent="部门合计")
        for i, v in enumerate((1.20, 2.30, 3.40), start=1))
    total = Row("部门合计", "部门合计", {"合计": 6.90, "一般公共预算": 6.90, "政府性基金预算": None, "国有资本经营预算": None},
                line=899, kind="total")
    tables = dict(doc.tables)
    tables[11] = dataclasses.replace(t11, empty=False, rows=(total,) + units)
    return dataclasses.replace(doc, tables=tables)


@pytest.mark.parametrize("rule", ARITHMETIC, ids=lambda r: r.id)
def test_rule_holds_then_breaks(rule: Rule, docs) -> None:
    candidates = list(docs.values()) + [_synthetic(docs)]
    for doc in candidates:
        values = DocumentValues(doc)
        for inst in rule.instances(doc):
            if judge(inst.relation, values).status != "pass":
                continue
            # The first cell is on the left side; for AtMost, push it past the slack.
            slack = judge(inst.relation, values).diff or 0.0
            delta = 1.00 + (abs(slack) if isinstance(inst.relation, AtMost) else 0.0)
            broken = judge(inst.relation, Bumped(values, refs_of(inst.relation)[0], delta))
            assert broken.status == "fail", (rule.id, inst.subject)
            return
    pytest.fail(f"{rule.id}: no passing instance on the seeds")


def _text(seed: str) -> str:
    return SEED_PATHS[seed].read_text(encoding="utf-8")


def _findings(text: str, rule_id: str):
    doc = read_bytes(text.encode("utf-8"), "edited.txt")
    return [f for f in check(doc) if f.rule == rule_id]


def test_class_known_passes_on_seeds(docs) -> None:
    for doc in docs.values():
        assert not [f for f in check(doc) if f.rule == "X-CLASS-KNOWN"]


def test_class_known_fails_for_unknown_class() -> None:
    # 表2 line 165 of seed 000: 类 221 住房保障支出, renumbered 218 (not one of the 30).
    text = _text("000").split("\n")
    assert text[164].startswith("221\t")
    text[164] = "218" + text[164][3:]
    found = _findings("\n".join(text), "X-CLASS-KNOWN")
    assert [f.severity for f in found] == ["error"]
    assert 165 in found[0].lines


def test_code_name_passes_on_000(docs) -> None:
    assert not [f for f in check(docs["000"]) if f.rule == "X-CODE-NAME"]


def test_code_name_fails_on_003(docs) -> None:
    found = [f for f in check(docs["003"]) if f.rule == "X-CODE-NAME"]
    assert sorted(f.lines for f in found) == [(151, 212, 319), (152, 213, 320)]
    assert all(f.severity == "warning" for f in found)
    assert "技术与研究开发" in found[0].message and "技术与开发" in found[0].message


COVERED = {
    "X-CLASS-KNOWN": ("test_class_known_passes_on_seeds", "test_class_known_fails_for_unknown_class"),
    "X-CODE-NAME": ("test_code_name_passes_on_000", "test_code_name_fails_on_003"),
    **{r.id: ("test_rule_holds_then_breaks", "test_rule_holds_then_breaks") for r in ARITHMETIC},
}
