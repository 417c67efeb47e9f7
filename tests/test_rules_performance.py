"""绩效 rules: each rule passing and failing on a small document, then the seeds' findings."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pytest

from xltools.evaluation.check import check
from xltools.core.findings import Finding
from xltools.core.model import Document, Figure, Narrative, OverallTable, ProjectTable, ReadNote, Row, Table
from xltools.rules.core import Unchecked
from xltools.rules.performance import RULES
from xltools.rules.performance_match import Similarity, match, norm_name

BY_ID = {r.id: r for r in RULES}
PARTS = ("总额", "中央", "省级", "市县", "单位自筹", "其他")

COVERED: dict[str, tuple[str, str]] = {
    "P-PERIOD-SUM": ("test_sums_pass", "test_period_sum_fails"),
    "P-ANNUAL-SUM": ("test_sums_pass", "test_annual_sum_fails"),
    "P-AMOUNT": ("test_pairing_by_name_passes", "test_amount_fails_when_names_match"),
    "P-NAME": ("test_pairing_by_name_passes", "test_name_differs_with_same_amount"),
    "P-COVERS": ("test_pairing_by_name_passes", "test_one_table_covers_two_projects"),
    "P-UNMATCHED": ("test_pairing_by_name_passes", "test_table_without_project"),
    "P-MISSING": ("test_pairing_by_name_passes", "test_project_without_table"),
    "P-DUPLICATE": ("test_pairing_by_name_passes", "test_duplicate_table"),
    "P-OVERALL-DIRECTION": ("test_overall_passes", "test_overall_direction_fails"),
    "P-OVERALL-SOURCE": ("test_overall_passes", "test_overall_source_fails"),
    "P-OVERALL-T5": ("test_overall_passes", "test_overall_t5_fails"),
    "P-COUNT": ("test_count_passes", "test_count_fails"),
    "P-PART-PROJECTS": ("test_part_projects_passes", "test_part_projects_fails_once"),
    "P-PART-OVERALL": ("test_part_overall_passes", "test_part_overall_fails"),
}


# --- building small documents ------------------------------------------------------------

def project(n: int, name: str, annual: float, *, parts: dict[str, float] | None = None,
            period: dict[str, float] | None = None) -> ProjectTable:
    """A table at title line 100n, name line 100n+2, money row 100n+3."""
    a = {k: None for k in PARTS} | {"总额": annual, "市县": annual} | (parts or {})
    p = dict(a) if period is None else {k: None for k in PARTS} | period
    return ProjectTable(f"j{n}", name, 100 * n, 100 * n + 2, p, a, 100 * n + 3)


def t12(*items: tuple[str, float]) -> Table:
    """表12 at l.10; its projects on l.12, 13, …"""
    total = sum(v for _, v in items)
    rows = [Row("总计", "单位", {"合计": round(total, 2)}, 11, kind="total")]
    rows += [Row(f"p{i}", name, {"合计": v, "一般公共预算": v}, 11 + i, kind="item", parent="总计")
             for i, (name, v) in enumerate(items, start=1)]
    return Table(12, "项目支出预算表（本年预算）", 10, False, tuple(rows))


def document(projects: Iterable[ProjectTable] = (), table12: Table | None = None,
             overall: OverallTable | None = None, t5_basic: float | None = None,
             figures: tuple[Figure, ...] = (), notes: tuple[tuple[str, int], ...] = ()) -> Document:
    """`notes`: where the text says a 绩效 part is attached, as (kind, line)."""
    tables: dict[int, Table | None] = {12: table12}
    if t5_basic is not None:
        tables[5] = Table(5, "一般公共预算支出预算表", 50, False,
                          (Row("合计", "合计", {"合计": t5_basic, "基本支出": t5_basic, "项目支出": 0.0}, 55, kind="total"),))
    return Document("x.txt", "单位", "单位", 2026, "万元", tables, Narrative(1, figures), tuple(projects), overall,
                    announced=notes)


def run(doc: Document, rule: str) -> list[Finding]:
    """The rule's findings (the reader's notes, which `check` also reports, left out)."""
    return [f for f in check(doc, [BY_ID[rule]]) if f.rule == rule]


def problems(doc: Document, rule: str) -> list[tuple[str, tuple[int, ...]]]:
    return [(f.severity, f.lines) for f in run(doc, rule) if f.severity != "info"]


# --- project tables' own sums ----------------------------------------------------------

def test_sums_pass() -> None:
    doc = document([project(1, "甲", 30000.0, parts={"省级": 10000.0, "市县": 20000.0})], t12())
    assert run(doc, "P-PERIOD-SUM") == [] and run(doc, "P-ANNUAL-SUM") == []


def test_period_sum_fails() -> None:
    t = project(1, "甲", 28300.0, period={"总额": 28300.0, "省级": 13200.0, "市县": 15600.0})
    (f,) = run(document([t], t12()), "P-PERIOD-SUM")
    assert (f.severity, f.expected, f.actual, f.diff) == ("error", 28800.0, 28300.0, -500.0)
    assert 102 in f.lines


def test_annual_sum_fails() -> None:
    t = project(1, "甲", 28300.0, parts={"省级": 13200.0, "市县": 15600.0})
    (f,) = run(document([t], t12()), "P-ANNUAL-SUM")
    assert f.severity == "error" and f.lines == (102, 103)


# --- pairing with 表12 -------------------------------------------------------------------

def test_pairing_by_name_passes() -> None:
    # Full-width vs half-width brackets and spaces do not make a different name.
    doc = document([project(1, "2026基层党建经费(区级)", 308384.0), project(2, "纪检 业务经费", 20000.0)],
                   t12(("2026基层党建经费（区级）", 30.84), ("纪检业务经费", 2.00)))
    for rule in ("P-AMOUNT", "P-NAME", "P-COVERS", "P-UNMATCHED", "P-MISSING", "P-DUPLICATE"):
        assert run(doc, rule) == [], rule
    assert len(list(BY_ID["P-AMOUNT"].instances(doc))) == 2
    assert len(list(BY_ID["P-MISSING"].instances(doc))) == 2


def test_amount_fails_when_names_match() -> None:
    doc = document([project(1, "离任两主干生活补贴(新)", 28300.0)], t12(("离任两主干生活补贴（新）", 2.88)))
    (f,) = run(doc, "P-AMOUNT")
    assert (f.severity, f.expected, f.actual, f.lines) == ("error", 2.88, 2.83, (12, 102, 103))
    assert problems(doc, "P-NAME") == [] and problems(doc, "P-UNMATCHED") == [] and problems(doc, "P-MISSING") == []


def test_amount_rounds_yuan_to_cents() -> None:
    doc = document([project(1, "门磁监控补助", 206785.35)], t12(("门磁监控补助", 20.68)))
    assert run(doc, "P-AMOUNT") == []


def test_name_differs_with_same_amount() -> None:
    doc = document([project(1, "西街街道2024年取物经费", 7000.0), project(2, "西街街道2024年戒毒经费", 10000.0)],
                   t12(("西街街道2024年政协经费", 0.70), ("西街街道2024年戒毒经费", 1.00)))
    (f,) = run(doc, "P-NAME")
    assert (f.rule, f.severity, f.expected, f.actual) == ("P-NAME", "warning", "西街街道2024年政协经费", "西街街道2024年取物经费")
    assert {102, 12} <= set(f.lines)
    assert run(doc, "P-AMOUNT") == [] and problems(doc, "P-MISSING") == [] and problems(doc, "P-UNMATCHED") == []


def test_shared_amount_goes_to_the_most_similar_name() -> None:
    doc = document([project(1, "西吕幼儿园周边环境提升工程", 500000.0), project(2, "社区治理提升改造", 500000.0)],
                   t12(("社区治理试点提升改造工程", 50.00), ("西吕匠幼儿园周边景观提升工程", 50.00)))
    pairs = {p.table.key: p.row.key for p in match(doc).pairs}
    assert pairs == {"j1": "p2", "j2": "p1"}


def test_one_table_covers_two_projects() -> None:
    doc = document([project(1, "“两馆一站”免费开放资金", 50000.0),
                    project(2, "西街街道“两馆一站”免费开放资金", 46000.0),
                    project(3, "西街街道“两馆一站”免费开放上级资金", 4000.0)],
                   t12(("西街街道“两馆一站”免费开放资金", 4.60), ("西街街道“两馆一站”免费开放上级资金", 0.40)))
    (f,) = run(doc, "P-COVERS")
    assert f.severity == "warning" and {102, 12, 13} <= set(f.lines)
    assert "另有各自的绩效目标表" in f.message
    assert problems(doc, "P-UNMATCHED") == [] and problems(doc, "P-DUPLICATE") == []


def test_table_without_project() -> None:
    doc = document([project(1, "完全无关的项目", 12345.0)], t12(("别的经费", 9.99)))
    (f,) = run(doc, "P-UNMATCHED")
    assert (f.severity, f.lines) == ("warning", (102, 103))
    assert problems(doc, "P-MISSING") == [("warning", (12,))]


def test_project_without_table() -> None:
    doc = document([project(1, "甲经费", 10000.0)], t12(("甲经费", 1.00), ("社区运转经费（区级）", 55.20)))
    (f,) = run(doc, "P-MISSING")
    assert (f.severity, f.lines) == ("warning", (13,))
    assert "社区运转经费（区级）" in f.message


def test_duplicate_table() -> None:
    doc = document([project(1, "综合业务费", 960000.0), project(2, "综合业务费", 960000.0)], t12(("综合业务费", 96.00)))
    (f,) = run(doc, "P-DUPLICATE")
    assert f.severity == "warning" and {202, 102, 12} <= set(f.lines)
    assert problems(doc, "P-UNMATCHED") == [] and problems(doc, "P-AMOUNT") == []


def test_no_table12_no_pairing() -> None:
    doc = document([project(1, "甲", 1.0)], None)
    for rule in ("P-AMOUNT", "P-NAME", "P-COVERS", "P-UNMATCHED", "P-MISSING", "P-DUPLICATE"):
        assert list(BY_ID[rule].instances(doc)) == [], rule


def test_names_are_normalised_and_rare_characters_weigh_more() -> None:
    assert norm_name("“两馆一站” 免费（开放）") == norm_name('"两馆一站"免费(开放)') == "两馆一站免费开放"
    sim = Similarity(["街道甲经费", "街道乙经费", "街道丙经费", "街道丁补助"])
    assert sim("街道甲经费", "街道甲经费") == pytest.approx(1.0)
    # Sharing only the common words scores lower than plain difflib would (0.8).
    assert sim("街道甲经费", "街道乙经费") < 0.8


# --- the overall table -------------------------------------------------------------------

def overall(total: float = 1172.86, basic: float = 171.30, proj: float = 1001.56, general: float = 1172.86) -> OverallTable:
    return OverallTable(510, {"合计": total, "一般公共预算": general, "政府性基金预算": 0.0, "国有资本经营预算": 0.0,
                              "社会保险基金预算": 0.0, "财政专户管理资金": 0.0, "单位资金": None},
                        {"合计": total, "基本支出": basic, "项目支出": proj},
                        {"source:合计": 522, "direction:合计": 522, "direction:基本支出": 523, "direction:项目支出": 524})


def test_overall_passes() -> None:
    doc = document(overall=overall(), t5_basic=171.30)
    for rule in ("P-OVERALL-DIRECTION", "P-OVERALL-SOURCE", "P-OVERALL-T5"):
        assert len(list(BY_ID[rule].instances(doc))) == 1 and run(doc, rule) == [], rule
    assert list(BY_ID["P-OVERALL-T5"].instances(document(overall=overall()))) == []


def test_overall_direction_fails() -> None:
    (f,) = run(document(overall=overall(proj=1000.56)), "P-OVERALL-DIRECTION")
    assert (f.severity, f.expected, f.actual) == ("error", 1171.86, 1172.86)
    assert {522, 523, 524} <= set(f.lines)


def test_overall_source_fails() -> None:
    (f,) = run(document(overall=overall(general=1170.00)), "P-OVERALL-SOURCE")
    assert (f.severity, f.expected, f.actual) == ("error", 1170.00, 1172.86)


def test_overall_t5_fails() -> None:
    (f,) = run(document(overall=overall(), t5_basic=181.30), "P-OVERALL-T5")
    assert (f.severity, f.expected, f.actual) == ("error", 181.30, 171.30)
    assert {523, 55} <= set(f.lines)


# --- the published count -----------------------------------------------------------------

def figure(value: float) -> Figure:
    return Figure("s10.f5", 10, "count", "绩效:公开:个数", value, 0, 506, "公开项目绩效目标20个")


def test_count_passes() -> None:
    doc = document([project(1, "甲", 1.0), project(2, "乙", 2.0)], t12(), figures=(figure(2),))
    assert len(list(BY_ID["P-COUNT"].instances(doc))) == 1 and run(doc, "P-COUNT") == []


def test_count_fails() -> None:
    doc = document([project(1, "甲", 1.0)], t12(), figures=(figure(20),))
    (f,) = run(doc, "P-COUNT")
    assert (f.severity, f.expected, f.actual, f.lines) == ("warning", 1, 20, (506,))


# --- a part announced but not read --------------------------------------------------------

def announced(kind: str, line: int) -> tuple[str, int]:
    """A line saying the part is attached."""
    return (kind, line)


def test_part_projects_passes() -> None:
    doc = document([project(1, "甲", 10000.0)], t12(("甲", 1.00)), figures=(figure(1),))
    (inst,) = BY_ID["P-PART-PROJECTS"].instances(doc)
    assert run(doc, "P-PART-PROJECTS") == []
    # Nothing announced, nothing read: the rule does not apply.
    assert list(BY_ID["P-PART-PROJECTS"].instances(document([], t12()))) == []


def test_part_projects_fails_once() -> None:
    # 表12 lists three projects, the narrative announces 20, l.508 says the tables are
    # attached: none was read. One warning with those lines, no "no table" per project.
    doc = document([], t12(("甲", 1.00), ("乙", 2.00), ("丙", 3.00)), figures=(figure(20),),
                   notes=(announced("project", 508),))
    (f,) = run(doc, "P-PART-PROJECTS")
    assert (f.rule, f.severity, f.expected, f.actual) == ("P-PART-PROJECTS", "warning", 20, 0)
    assert f.lines == (10, 506, 508)
    assert "未读到任何项目支出绩效目标表" in f.message
    assert problems(doc, "P-MISSING") == [] and problems(doc, "P-COUNT") == []
    missing = list(BY_ID["P-MISSING"].instances(doc))
    assert len(missing) == 3 and all(isinstance(i.relation, Unchecked) for i in missing)
    (count,) = BY_ID["P-COUNT"].instances(doc)
    assert isinstance(count.relation, Unchecked) and count.relation.reason.text == "未读到项目支出绩效目标表"
    # 表12 alone announces them too.
    (f,) = run(document([], t12(("甲", 1.00))), "P-PART-PROJECTS")
    assert (f.severity, f.lines, f.expected) == ("warning", (10,), 1)


def test_part_overall_passes() -> None:
    doc = document(overall=overall(), t5_basic=171.30, notes=())
    (inst,) = BY_ID["P-PART-OVERALL"].instances(doc)
    assert run(doc, "P-PART-OVERALL") == []
    # Neither announced nor read: not applicable (a 单位 may have no overall table).
    assert list(BY_ID["P-PART-OVERALL"].instances(document(t5_basic=171.30))) == []


def test_part_overall_fails() -> None:
    doc = document(t5_basic=171.30, notes=(announced("overall", 502),))
    (f,) = run(doc, "P-PART-OVERALL")
    assert (f.severity, f.lines) == ("warning", (502,))
    # Its identities are counted as not checked, never as findings.
    for rule in ("P-OVERALL-DIRECTION", "P-OVERALL-SOURCE", "P-OVERALL-T5"):
        (inst,) = BY_ID[rule].instances(doc)
        assert isinstance(inst.relation, Unchecked) and inst.relation.reason.text == "未读到整体支出绩效目标申报表", rule
        assert run(doc, rule) == [], rule
    # A project note does not announce the overall table.
    assert run(document(notes=(announced("project", 508),)), "P-PART-OVERALL") == []


def test_covered_functions_exist() -> None:
    assert set(COVERED) == set(BY_ID)
    for passing, failing in COVERED.values():
        assert callable(globals()[passing]) and callable(globals()[failing])


# --- the seeds (shared/seeds/README.md) --------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = {"000": "000_3cbdfbba338dedd0.txt", "001": "001_4c4beb285f788113.txt", "003": "003_5ca8f1ce3fa7ccd0.txt"}

# (rule, severity, lines the finding must name: the 绩效 table's 项目名称 line, the 表12 row's line)
EXPECTED: dict[str, list[tuple[str, str, set[int]]]] = {
    "000": [
        ("P-COUNT", "warning", {506}),
        ("P-MISSING", "warning", {401}),
        ("P-MISSING", "warning", {405}),
        ("P-NAME", "warning", {1098, 403}),
    ],
    "001": [
        ("P-PERIOD-SUM", "error", {1266}),
        ("P-ANNUAL-SUM", "error", {1266}),
        ("P-AMOUNT", "error", {1266, 498}),
        ("P-COVERS", "warning", {670, 501, 503}),
        ("P-DUPLICATE", "warning", {1529, 1486}),
        ("P-MISSING", "warning", {497}),
        ("P-COUNT", "warning", {627}),
    ] + [("P-NAME", "warning", {table, row}) for table, row in (
        (635, 519), (777, 495), (920, 500), (955, 505), (1346, 512),
        (1417, 494), (1554, 515), (1588, 496), (1622, 506), (1709, 516))],
    "003": [
        ("P-NAME", "warning", {1350, 472}),
    ],
}

_docs: dict[str, Document] = {}


def seed_findings(name: str) -> list[Finding]:
    from xltools.rules.reading import read_document

    if name not in _docs:
        _docs[name] = read_document(FIXTURES / SEEDS[name])
    return [f for f in check(_docs[name], RULES) if f.severity != "info"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_findings_exactly(name: str) -> None:
    found = seed_findings(name)
    left = list(EXPECTED[name])
    unexpected = []
    for f in found:
        hit = next((e for e in left if e[0] == f.rule and e[1] == f.severity and e[2] <= set(f.lines)), None)
        if hit is None:
            unexpected.append((f.rule, f.severity, f.lines, f.message))
        else:
            left.remove(hit)
    assert unexpected == [] and left == []


def test_seed_000_details() -> None:
    found = {(f.rule, f.lines[0]): f for f in seed_findings("000")}
    count = next(f for f in found.values() if f.rule == "P-COUNT")
    assert (count.expected, count.actual) == (18, 20)
    name = next(f for f in found.values() if f.rule == "P-NAME")
    assert (name.expected, name.actual) == ("长岭涵洞工程欠款", "长岭溢洞工程欠款")


def test_seed_001_details() -> None:
    found = seed_findings("001")
    amount = next(f for f in found if f.rule == "P-AMOUNT")
    assert (amount.expected, amount.actual) == (2.88, 2.83)
    sums = [f for f in found if f.rule in ("P-PERIOD-SUM", "P-ANNUAL-SUM")]
    assert [(f.expected, f.actual) for f in sums] == [(28800.0, 28300.0)] * 2
    count = next(f for f in found if f.rule == "P-COUNT")
    assert (count.expected, count.actual) == (31, 30)
    names = {f.lines: (f.expected, f.actual) for f in found if f.rule == "P-NAME"}
    assert ("西街街道2024年政协经费", "西街街道2024年取物经费") in names.values()
    assert ("西街办事处2024年巡河员补助", "西街办事处2024年运河员补助") in names.values()


def test_seed_000_overall_ties_to_table5() -> None:
    from xltools.rules.reading import read_document

    doc = _docs.get("000") or read_document(FIXTURES / SEEDS["000"])
    (inst,) = BY_ID["P-OVERALL-T5"].instances(doc)
    assert run(doc, "P-OVERALL-T5") == [] and run(doc, "P-OVERALL-DIRECTION") == []
    assert doc.overall is not None and doc.overall.by_direction["基本支出"] == 171.30
