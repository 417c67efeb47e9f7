"""The prior-year rules (PY-*, `check --prior`): every 上年 figure this year's narrative implies
against last year's disclosure.

Pairs: each seed against last year's disclosure derived from it (`prior_pairs.derive_prior`:
coherent, its figures the ones the seed's narrative implies), with inconsistencies planted on
either side; and hand-written 部门 pairs (tests/fixtures/prior/), one renamed, one reorganised.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from prior_pairs import derive_prior, replace_on_line, targets
from xltools.cli.main import main
from xltools.core.findings import Finding
from xltools.core.model import Document
from xltools.evaluation.check import evaluate
from xltools.evaluation.coverage import Coverage, summary_lines
from xltools.rules import CATALOGUE
from xltools.rules.reading import read_text

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = {"000": "000_3cbdfbba338dedd0.txt", "001": "001_4c4beb285f788113.txt", "003": "003_5ca8f1ce3fa7ccd0.txt"}
PAIRS = FIXTURES / "prior"


@lru_cache(maxsize=None)
def seed_text(seed: str) -> str:
    return (FIXTURES / SEEDS[seed]).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def derived(seed: str) -> str:
    return derive_prior(seed_text(seed), f"{seed}_上年.txt")


@lru_cache(maxsize=None)
def doc_of(text: str, name: str) -> Document:
    return read_text(text, name)


def run(this: str, last: str) -> tuple[list[Finding], Coverage]:
    return evaluate(doc_of(this, "本年.txt"), prior=doc_of(last, "上年.txt"))


def prior_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule.startswith("PY-") and f.severity != "info"]


def pair(name: str) -> str:
    return (PAIRS / name).read_text(encoding="utf-8")


# --- the seeds and the previous year derived from them -------------------------------------------

# (seed, 上年 figures the narrative implies: subject → value, PY comparisons)
IMPLIED = {
    "000": ({"收入总计": 1155.49, "支出总计": 1155.49, "一般公共预算:当年支出": 1058.29}, 3),
    "001": ({"收入总计": 5160.31, "一般公共预算:当年支出": 2961.87, "三公:合计": 2.40, "三公:公务接待费": 0.40,
             "三公:公务用车运行维护费": 2.00, "机关运行经费": 9.54}, 9),
    "003": ({"收入总计": 15973.50, "一般公共预算:当年支出": 15968.33, "三公:合计": 32.60,
             "三公:因公出国（境）费": 10.75, "三公:公务接待费": 4.00, "三公:公务用车购置及运行费": 17.85,
             "三公:公务用车运行维护费": 17.85, "三公:公务用车购置费": 0.00}, 9),
}


# Each PY rule's passing and failing case (tests/test_rule_coverage.py).
COVERED: dict[str, tuple[str, str]] = {
    "PY-TOTAL": ("test_a_seed_and_its_derived_previous_year_agree",
                 "test_a_wrong_change_in_this_years_narrative_is_found_at_its_line"),
    "PY-SANGONG": ("test_a_hand_written_pair_agrees_in_every_form_of_statement",
                   "test_a_sangong_item_of_last_year_that_differs_is_found"),
    "PY-OPERATING": ("test_a_seed_and_its_derived_previous_year_agree",
                     "test_operating_costs_of_last_year_that_differ_are_found"),
    "PY-UNIT": ("test_a_seed_and_its_derived_previous_year_agree",
                "test_a_renamed_unit_is_reported_and_nothing_is_called_an_error"),
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_a_seed_and_its_derived_previous_year_agree(seed: str) -> None:
    implied, comparisons = IMPLIED[seed]
    # The helper's targets are the seed's own figures: this year's amount − the stated change.
    said = {t.subject: t.value for t in targets(doc_of(seed_text(seed), seed))}
    for subject, value in implied.items():
        assert said[subject] == pytest.approx(value, abs=0.001), subject
    findings, coverage = run(seed_text(seed), derived(seed))
    assert prior_findings(findings) == []
    tally = coverage.families["prior"]
    assert (tally.checked, tally.failed, tally.guessed) == (comparisons + 1, 0, 0)  # + PY-UNIT
    assert not tally.unchecked


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_derived_previous_year_is_coherent(seed: str) -> None:
    """Derived along whole chains of cells: no error the seed itself does not have."""
    this = {f.rule for f in evaluate(doc_of(seed_text(seed), seed))[0] if f.severity == "error"}
    last = doc_of(derived(seed), f"{seed}_上年")
    assert last.year is not None and last.year + 1 == doc_of(seed_text(seed), seed).year
    assert {f.rule for f in evaluate(last)[0] if f.severity == "error"} <= this
    t1, t5 = last.table(1), last.table(5)
    assert t1 is not None and t5 is not None
    row1, row5 = t1.row("收入总计"), t5.row("合计")
    assert row1 is not None and row5 is not None
    implied = IMPLIED[seed][0]
    assert row1.get("金额") == pytest.approx(implied["收入总计"])
    assert row5.get("合计") == pytest.approx(implied["一般公共预算:当年支出"])


def test_a_wrong_change_in_this_years_narrative_is_found_at_its_line() -> None:
    # 000 l.441: 收入总计 1,271.91 "比上年增加116.42万元"; planted 106.42 → 上年 1,165.49, printed 1,155.49.
    this = replace_on_line(seed_text("000"), 441, "上年结转99.05万元，比上年增加116.42万元，增长10.08%，主要原因是主要",
                           "上年结转99.05万元，比上年增加106.42万元，增长10.08%，主要原因是主要")
    found = prior_findings(run(this, derived("000"))[0])
    assert [(f.rule, f.severity, f.diff) for f in found] == [("PY-TOTAL", "error", 10.0)]
    f = found[0]
    assert 441 in f.lines and f.actual == pytest.approx(1165.49) and f.expected == pytest.approx(1155.49)
    assert f.message.startswith("说明一“收入总计”上年数（本年数 − 增减额） 1,165.49（本年 表1 收入总计 1,271.91，增加 106.42）")
    assert "≠ 上年公开 表1 收入总计 1,155.49（上年第127行）（差 10.00）" in f.message
    assert f.key == "PY-TOTAL:说明一/收入总计/上年数"


def test_a_sangong_item_of_last_year_that_differs_is_found() -> None:
    # 003 l.569: 公务接待费 1.00, "减少3.00万元" → 上年 4.00; last year's 表10 planted at 5.00 (and
    # its 合计 at 33.60, so that last year's own table still adds up).
    last = replace_on_line(derived("003"), 431, "公务接待费\t4.00\t4.00", "公务接待费\t5.00\t5.00")
    last = replace_on_line(last, 435, "合计\t32.60\t32.60", "合计\t33.60\t33.60")
    found = prior_findings(run(seed_text("003"), last)[0])
    got = sorted((f.rule, f.severity, f.diff, f.actual, f.expected) for f in found)
    assert got == [("PY-SANGONG", "error", -1.0, 4.0, 5.0), ("PY-SANGONG", "error", -1.0, 32.6, 33.6)]
    for f in found:
        assert 569 in f.lines  # the sentence that states the change
    reception = next(f for f in found if f.actual == 4.0)
    assert "上年公开 表10 公务接待费 5.00（上年第431行）" in reception.message
    total = next(f for f in found if f.actual == 32.6)
    assert "表10 合计 33.60（上年第435行）" in total.message


def test_operating_costs_of_last_year_that_differ_are_found() -> None:
    # 001 l.611: 机关运行经费 58.37, "比2023年预算增加48.83万元" → 上年 9.54; last year's 表11 says 10.54.
    last = replace_on_line(derived("001"), 479, "部门合计\t9.54\t9.54", "部门合计\t10.54\t10.54")
    last = replace_on_line(last, 480, "\t9.54\t9.54", "\t10.54\t10.54")
    found = prior_findings(run(seed_text("001"), last)[0])
    assert [(f.rule, f.severity, f.diff, 611 in f.lines) for f in found] == [("PY-OPERATING", "error", -1.0, True)]
    assert "上年公开 表11 部门合计 10.54（上年第479行）" in found[0].message


# --- hand-written pairs ----------------------------------------------------------------------------

def test_a_hand_written_pair_agrees_in_every_form_of_statement() -> None:
    """Changes, an inline base ("比上年预算5.70万元减少1.20万元"), "与上年预算数相同", "上年无此项",
    last year's figure from its table (表10, 表11) or from its narrative (收入总计: no 表1)."""
    findings, coverage = run(pair("dept_2026.txt"), pair("dept_2025.txt"))
    assert prior_findings(findings) == []
    tally = coverage.families["prior"]
    assert (tally.checked, tally.passed) == (10, 10)
    assert any(line.startswith("核对覆盖：") and "上年 10 项（对照 上年.txt：通过 10" in line
               for line in summary_lines(coverage))


def test_planted_differences_in_a_hand_written_pair() -> None:
    # Last year's 表10 公务接待费 5.90 (and 合计 25.20); this year says "比上年预算5.70万元减少1.20万元"
    # and "三公 22.80 比2025年预算减少2.20万元" (25.00). 机关运行经费: 86.40 − 3.60 = 82.80, last year
    # planted at 83.00 in its narrative while its 表11 still prints 82.80: the table is what counts.
    last = replace_on_line(pair("dept_2025.txt"), 16, "5.70\t5.70", "5.90\t5.90")
    last = replace_on_line(last, 20, "25.00\t25.00", "25.20\t25.20")
    last = replace_on_line(last, 46, "预算82.80万元", "预算83.00万元")
    found = prior_findings(run(pair("dept_2026.txt"), last)[0])
    got = sorted((f.rule, f.severity, f.diff, f.lines) for f in found)
    assert got == [("PY-SANGONG", "error", -0.2, (20, 42)), ("PY-SANGONG", "error", -0.2, (42,))]
    base = next(f for f in found if f.lines == (42,))
    assert base.message.startswith("说明七“三公 公务接待费”所列上年数 5.70 ≠ 上年公开 表10 公务接待费 5.90（上年第16行）")


def test_a_renamed_unit_is_reported_and_nothing_is_called_an_error() -> None:
    last = pair("dept_2025.txt").replace("某市文化和旅游局", "某市文化广电和旅游局")
    last = replace_on_line(last, 16, "5.70\t5.70", "5.90\t5.90")
    last = replace_on_line(last, 20, "25.00\t25.00", "25.20\t25.20")
    findings, coverage = run(pair("dept_2026.txt"), last)
    found = prior_findings(findings)
    unit = [f for f in found if f.rule == "PY-UNIT"]
    assert [f.severity for f in unit] == ["warning", "warning"]
    name = next(f for f in unit if f.key == "PY-UNIT:上年公开/单位名称")
    assert "单位名称不同：上年为“某市文化广电和旅游局”，本年为“某市文化和旅游局”（更名或重组）" in name.message
    members = next(f for f in unit if f.key == "PY-UNIT:上年公开/所属单位")
    assert "新增 某市文化和旅游局（本级）；不再列出 某市文化广电和旅游局（本级）" in members.message
    differing = [f for f in found if f.rule == "PY-SANGONG"]
    assert [f.diff for f in differing] == [-0.2, -0.2]
    assert all(f.severity == "warning" and "上年公开与本年不完全可比（单位名称不同、所属单位不同）" in f.message
               for f in differing)
    assert not [f for f in findings if f.rule.startswith("PY-") and f.severity == "error"]
    assert coverage.families["prior"].guessed == 9


def test_a_reorganised_department_is_reported() -> None:
    # Last year's 表11 listed 某市文化馆 where this year lists 某市图书馆.
    last = replace_on_line(pair("dept_2025.txt"), 32, "某市图书馆", "某市文化馆")
    found = prior_findings(run(pair("dept_2026.txt"), last)[0])
    assert [(f.rule, f.severity) for f in found] == [("PY-UNIT", "warning")]
    assert "新增 某市图书馆；不再列出 某市文化馆" in found[0].message and found[0].lines == (32,)


def test_a_disclosure_of_the_same_year_is_not_last_years() -> None:
    found = prior_findings(run(pair("dept_2026.txt"), pair("dept_2026.txt"))[0])
    unit = [f for f in found if f.rule == "PY-UNIT"]
    assert [f.message for f in unit] == ["与上年公开口径不同：上年公开的年度为2026年，不是2025年；上年数的比较仅作提示"]
    assert all(f.severity == "warning" for f in found)


def test_a_subject_last_year_does_not_print_is_counted_not_checked() -> None:
    text = pair("dept_2025.txt").split("\n")
    cut = text.index("2025年财政拨款安排机关运行经费预算表")
    end = text.index("八、机关运行经费增减变动原因说明")
    last = "\n".join(text[:cut] + text[cut + 11:end])  # no 表11, no section 八
    findings, coverage = run(pair("dept_2026.txt"), last)
    assert prior_findings(findings) == []
    reasons = {r.text: k for r, k in coverage.families["prior"].unchecked.items()}
    assert reasons == {"上年公开未读出表11中的“机关运行经费”，说明也未列此项": 1}
    assert coverage.families["prior"].checked == 9


def test_without_last_years_disclosure_the_rules_do_not_apply() -> None:
    findings, coverage = evaluate(doc_of(pair("dept_2026.txt"), "本年.txt"))
    assert not [f for f in findings if f.rule.startswith("PY-")]
    tally = coverage.families["prior"]
    assert (tally.checked, tally.not_applicable) == (0, len([r for r in CATALOGUE if r.family == "prior"]))
    assert "上年 未对照（用 --prior 指定上年的预算公开可核对上年数）" in summary_lines(coverage)[0]


# --- the command line ------------------------------------------------------------------------------

def test_check_with_prior_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    this, last = tmp_path / "2026.txt", tmp_path / "2025.txt"
    this.write_text(pair("dept_2026.txt"), encoding="utf-8")
    last.write_text(replace_on_line(pair("dept_2025.txt"), 30, "部门合计\t82.80", "部门合计\t80.80"), encoding="utf-8")
    code = main(["check", str(this), "--prior", str(last)])
    out = capsys.readouterr().out
    assert code == 1
    lines = [x for x in out.splitlines() if "\tPY-" in x]
    assert lines == ["错误\tPY-OPERATING\t第30、46行\t说明八“机关运行经费”上年数（本年数 − 增减额） 82.80（本年 表11 部门合计 "
                     "86.40，增加 3.60） ≠ 上年公开 表11 部门合计 80.80（上年第30行）（差 2.00）"
                     "\t[PY-OPERATING:说明八/机关运行经费/上年数]"]
    assert f"上年 10 项（对照 {last}：通过 9，尾差 0，不成立 1）" in out
    assert main(["check", str(this), "--prior", str(last), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["coverage"]["prior"] == str(last)
    assert [f["diff"] for f in data["findings"] if f["rule"] == "PY-OPERATING"] == [2.0]


def test_an_unreadable_prior_is_named_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    this = tmp_path / "2026.txt"
    this.write_text(pair("dept_2026.txt"), encoding="utf-8")
    missing = tmp_path / "2025不存在.pdf"
    assert main(["check", str(this), "--prior", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "Traceback" not in err


def test_last_years_page_is_cited_when_it_was_read_from_a_pdf() -> None:
    from dataclasses import replace

    last = replace_on_line(pair("dept_2025.txt"), 30, "部门合计\t82.80", "部门合计\t80.80")
    prior = doc_of(last, "2025.pdf")
    pages = tuple(1 + i // 20 for i in range(len(last.split("\n"))))  # 20 lines a page: line 30 on page 2
    findings, _ = evaluate(doc_of(pair("dept_2026.txt"), "本年.txt"), prior=replace(prior, pages=pages))
    (f,) = prior_findings(findings)
    assert "上年公开 表11 部门合计 80.80（上年第30行，第2页）（差 2.00）" in f.message


def test_a_unit_budget_against_a_department_budget_is_reported() -> None:
    last = pair("dept_2025.txt").replace("部门预算", "单位预算").replace("部门名称", "单位名称")
    assert doc_of(last, "上年.txt").kind == "单位"
    found = prior_findings(run(pair("dept_2026.txt"), last)[0])
    unit = [f for f in found if f.rule == "PY-UNIT"]
    assert [f.message for f in unit] == ["与上年公开口径不同：公开主体类型不同：上年为单位预算，本年为部门预算（口径不同）；上年数的比较仅作提示"]
    assert all(f.severity == "warning" for f in found)
