"""A finding's stable key: its rule and the cells it compares, never a line, so that the same
finding in a re-typeset or edited draft has the same key (what `accept` and `compare` hold on
to). test_metamorphic compares the keys under every extraction transform too (meta_compare)."""
from __future__ import annotations

import random
import re
from collections import Counter
from functools import lru_cache

from conftest import SEED_PATHS
from transforms import page_breaks

from xltools.core.findings import Finding
from xltools.evaluation.check import check
from xltools.evaluation.finding_keys import KeyNames, instance_base
from xltools.rules import CATALOGUE
from xltools.rules.core import rule_instances
from xltools.rules.reading import read_text

# Each seed's errors and warnings, by key (the review findings of shared/seeds, plus the 绩效
# warnings test_seed_findings pins).
KEYS_000 = {
    "N-SHARE:说明二/上年结转/占比",  # 上年结转 "占0%" of 收入总计
    "P-MISSING:表12/2026年社区运转经费（区级）/合计",
    "P-MISSING:表12/2026年长聘工会经费/合计",
    "P-NAME:绩效目标表/长岭溢洞工程欠款/年度资金总额",
    "P-COUNT:说明十/绩效:公开:个数/数量",
}
SOME_001 = {
    "N-GROWTH:说明八/机关运行经费/增减率",  # 机关运行经费 "增长20%" where the figures give 511.84%
    "N-PERF-SUM:说明十/绩效:纳入:个数/数量",
    "N-CLASS-NAME:说明五/类名/201",  # "一般公共预算支出" for 201 一般公共服务支出
    # The second of two 绩效 tables for one project: numbered, the first keeps the plain key.
    "P-DUPLICATE:绩效目标表/西街街道2024年综合业务费/年度资金总额#2",
}
SOME_003 = {
    "X-CODE-NAME:科目/20604",  # 技术与研究开发 / 技术与开发
    "X-CODE-NAME:科目/2060499",
    "P-NAME:绩效目标表/公安局辅警人员经费/年度资金总额",
}


def _text(seed: str) -> str:
    return SEED_PATHS[seed].read_text("utf-8")


@lru_cache(maxsize=None)
def _findings(seed: str) -> tuple[Finding, ...]:
    return tuple(check(read_text(_text(seed), seed)))


def _keys(findings: tuple[Finding, ...] | list[Finding], severities: tuple[str, ...] = ("error", "warning")) -> Counter[str]:
    return Counter(f.key for f in findings if f.severity in severities)


def _content(findings: tuple[Finding, ...] | list[Finding]) -> Counter[str]:
    return Counter(f.key for f in findings if not (f.severity == "info" and f.rule.startswith("READ-")))


def test_keys_name_the_compared_cells() -> None:
    assert set(_keys(_findings("000"))) == KEYS_000
    assert SOME_001 <= set(_keys(_findings("001")))
    assert SOME_003 <= set(_keys(_findings("003")))
    # A 尾差 has its key too: 表1 本年支出合计 against Σ 类, in 000.
    assert "T1-CLASSES:表1/本年支出合计/合计" in _keys(_findings("000"), ("info",))
    for seed in SEED_PATHS:
        for f in _findings(seed):
            assert f.key.startswith(f.rule), f
            assert not re.search(r"第\d+行", f.key), f  # never a line: lines move between drafts


def test_keys_are_unique_within_each_seed() -> None:
    """Every finding's key differs from every other's; where two instances name the same
    cells (one figure stated twice in a section, a project with two 绩效 tables) the later is
    numbered, so even the instances that pass have distinct keys."""
    for seed in SEED_PATHS:
        keys = Counter(f.key for f in _findings(seed))
        assert not [k for k, n in keys.items() if n > 1], seed
        doc = read_text(_text(seed), seed)
        names = KeyNames(doc)
        bases = Counter(instance_base(r, i, names) for r, i in rule_instances(CATALOGUE, doc))
        repeated = {k for k, n in bases.items() if n > 1}
        # The same 说明五 figure is stated twice in each seed (一般公共预算支出 当年支出).
        assert "N-AMOUNT:说明五/一般公共预算:当年支出/金额" in repeated
        if seed == "001":
            assert "P-DUPLICATE:绩效目标表/西街街道2024年综合业务费/年度资金总额" in repeated
        assert len(repeated) <= 6, (seed, repeated)  # few, and each explained above


def test_keys_survive_blank_lines_and_moved_page_breaks() -> None:
    for seed in sorted(SEED_PATHS):
        lines = _text(seed).split("\n")
        padded = "\n".join(ln + ("\n" if i % 40 == 39 else "") for i, ln in enumerate(lines))
        moved = page_breaks(padded, random.Random(5))
        got = check(read_text(moved, seed))
        base = _findings(seed)
        # Every finding of the document, 尾差 included; the reader's own READ-* notes say how it
        # read this layout (a row a blank line cut short), which is not the document's content.
        assert _content(got) == _content(base), seed
        # The lines did move: the keys are equal although the findings' lines are not.
        assert {f.lines for f in got if f.severity != "info"} != {f.lines for f in base if f.severity != "info"}


def test_an_edit_removes_its_finding_and_keeps_the_other_keys() -> None:
    """The second draft corrects 000's 上年结转 share and inserts a paragraph above the tables:
    the corrected finding's key is gone, every other finding keeps its key."""
    text = _text("000").replace("上年结转99.05万元，占0%", "上年结转99.05万元，占7.79%")
    assert text != _text("000")
    lines = text.split("\n")
    text = "\n".join(lines[:20] + ["（二稿：根据审核意见修改）", ""] + lines[20:])
    got = _keys(check(read_text(text, "000")))
    assert got == _keys(_findings("000")) - Counter({"N-SHARE:说明二/上年结转/占比": 1})
