"""`check` reports exactly what the independent review found (shared/seeds/README.md), at the
stated severity, and no other error or warning. Each entry: (severity, lines the finding must
name). Differences of 0.01 (尾差) are info and not listed."""
from __future__ import annotations

import pytest

from xltools.evaluation.check import check
from xltools.core.findings import Finding

EXPECTED: dict[str, list[tuple[str, set[int]]]] = {
    "000": [
        ("error", {445}),  # 上年结转 "占0%": 7.79%
        ("warning", {506}),  # 20 tables announced, 18 attached
        ("warning", {401}),  # 2026年社区运转经费（区级） has no table
        ("warning", {405}),  # 2026年长聘工会经费 has no table
        ("warning", {1098, 403}),  # 长岭溢洞 vs 长岭涵洞, same amount
    ],
    "001": [
        ("error", {611}),  # 机关运行经费 growth 20% vs 511.84%
        ("error", {627}),  # 纳入 30 vs 16 + 18
        ("error", {627}),  # 纳入 amount 2727.40 vs 432.92 + 285.23
        ("error", {627}),  # 公开 30 vs 6 + 12
        ("warning", {627}),  # 纳入 amount vs 表12 合计 718.15
        ("warning", {586}),  # 201 called 一般公共预算支出
        ("error", {1266}),  # 实施期 28,300 vs parts 28,800
        ("error", {1266}),  # 年度资金总额 28,300 vs parts 28,800
        ("error", {1266, 498}),  # vs 表12 2.88 万元
        ("warning", {670, 501, 503}),  # one table covers two projects
        ("warning", {1529, 1486}),  # repeated table
        ("warning", {497}),  # 社区办公经费 has no table
        ("warning", set()),  # 31 tables attached for 30 announced
        ("warning", {635, 519}),  # 团学 vs 团委青年工作经费
        ("warning", {920, 500}),  # 运河员 vs 巡河员
        ("warning", {1346, 512}),  # 取物经费 vs 政协经费
        ("warning", {1709, 516}),  # 路北塔 vs 后圪塔
        ("warning", set()), ("warning", set()), ("warning", set()),  # six more renamed projects
        ("warning", set()), ("warning", set()), ("warning", set()),
    ],
    "003": [
        ("warning", {151, 212, 319}),  # 20604 named three ways
        ("warning", {152, 213, 320}),  # 2060499 likewise
        ("warning", {1350, 472}),  # 公安局 vs 公安分局辅警人员经费
    ],
}


def _match(found: list[Finding], expected: list[tuple[str, set[int]]]) -> list[str]:
    """Pair each expectation with a distinct finding; most specific expectations first."""
    pool = list(found)
    missing = []
    for sev, lines in sorted(expected, key=lambda e: -len(e[1])):
        hit = next((f for f in pool if f.severity == sev and lines <= set(f.lines)), None)
        if hit is None:
            missing.append(f"{sev} at {sorted(lines)}")
        else:
            pool.remove(hit)
    return missing


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_review_findings_exactly(seed: str, docs) -> None:
    found = [f for f in check(docs[seed]) if f.severity != "info"]
    expected = EXPECTED[seed]
    assert _match(found, expected) == []
    detail = "\n".join(f"{f.severity} {f.rule} {f.lines} {f.message}" for f in found)
    assert sum(f.severity == "error" for f in found) == sum(s == "error" for s, _ in expected), detail
    assert sum(f.severity == "warning" for f in found) == sum(s == "warning" for s, _ in expected), detail


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_differences_within_tolerance_are_info(seed: str, docs) -> None:
    for f in check(docs[seed]):
        if f.severity == "info" and f.diff is not None:
            assert abs(f.diff) <= 0.05, f
