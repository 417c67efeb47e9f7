"""Every table-internal and cross-table rule has a passing and a failing case.

For arithmetic relations the case is generic: an instance holds on a real document; moving
one cell it relates by 1.00 万元 breaks it at the rule's level. Verdict rules get their own
cases below, on real text edited the way a hand edit would break it.
"""
from __future__ import annotations

import dataclasses

import pytest
from conftest import SEED_PATHS

from xltools.evaluation.check import check
from xltools.core.findings import Where
from xltools.core.model import Document, Row
from xltools.rules.reading import read_bytes
from xltools.rules import CATALOGUE
from xltools.core.references import Ref
from xltools.rules.core import AtMost, Rule, Values, judge, refs_of
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


# Verdict rules (a judgement, not a sum) have their own cases: X-T7-FUND in test_diagnosis.py.
ARITHMETIC = [r for r in CATALOGUE if r.family in ("table", "cross")
              and r.id not in ("X-CLASS-KNOWN", "X-CODE-NAME", "X-T7-FUND")]


def _row(key: str, amounts: dict[str, float | None], line: int, **kw) -> Row:
    return Row(key, kw.pop("name", key), amounts, line=line, **kw)


def _synthetic(docs) -> Document:
    """Seed 003 with the shapes the three seeds lack: 表9 filled, 表11 with three units,
    表12 with a unit subtotal level. Amounts are consistent, so every rule holds."""
    doc = docs["003"]
    funds = lambda v: {"合计": v, "一般公共预算": v, "政府性基金预算": None, "国有资本经营预算": None}  # noqa: E731
    bp = lambda v: {"合计": v, "基本支出": None, "项目支出": v}  # noqa: E731
    t11 = (_row("部门合计", funds(6.90), 899, kind="total"),) + tuple(
        _row(f"u{i}", funds(v), 899 + i, name=f"单位{i}", level=1, parent="部门合计")
        for i, v in enumerate((1.20, 2.30, 3.40), start=1))
    t9 = (
        _row("收入:合计", {"金额": 5.00}, 950, kind="total"),
        _row("收入:103", {"金额": 5.00}, 951, code="103", level=1),
        _row("收入:10306", {"金额": 5.00}, 952, code="10306", level=2),
        _row("合计", bp(5.00), 950, kind="total"),
        _row("223", bp(5.00), 951, code="223", level=1),
        _row("22301", bp(5.00), 952, code="22301", level=2),
    )
    t12 = doc.table(12)
    projects = [r for r in t12.rows if r.kind == "item"][:4]
    first, second = projects[:2], projects[2:]
    sums = [{c: round(sum(p.get(c) or 0.0 for p in grp), 2) or None for c in projects[0].amounts} for grp in (first, second)]
    grand = {c: round(sum(p.get(c) or 0.0 for p in projects), 2) or None for c in projects[0].amounts}
    rows12 = [_row("总计", grand, 960, kind="total"),
              _row("u1", sums[0], 961, kind="subtotal", level=1, parent="总计"),
              *(dataclasses.replace(p, parent="u1") for p in first),
              _row("u2", sums[1], 964, kind="subtotal", level=1, parent="总计"),
              *(dataclasses.replace(p, parent="u2") for p in second)]
    tables = dict(doc.tables)
    tables[11] = dataclasses.replace(doc.table(11), empty=False, rows=t11)
    tables[9] = dataclasses.replace(doc.table(9), empty=False, rows=t9)
    tables[12] = dataclasses.replace(t12, rows=tuple(rows12))
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
    # 表2 line 166 of seed 000: 类 221 住房保障支出, renumbered 218 (not one of the 30).
    text = _text("000").split("\n")
    assert text[165].startswith("221\t")
    text[165] = "218" + text[165][3:]
    found = _findings("\n".join(text), "X-CLASS-KNOWN")
    assert [f.severity for f in found] == ["error"]
    assert 166 in found[0].lines


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
