"""A finding's message is one line: the cells compared and their numbers, once, as the
document printed them (`xltools.evaluation.messages`); the rule's description is in `xltools rules`;
the text report gives the 尾差 of one rule one line."""
from __future__ import annotations

import json
import re

import pytest
from conftest import SEED_PATHS

from xltools.evaluation.check import check, finding_for
from xltools.cli.main import main
from xltools.core.findings import Finding
from xltools.core.model import Document
from xltools.core.references import NarrativeFigure, ProjectCell
from xltools.rules.reading import read_text
from xltools.evaluation.report import TAIL_LINES, to_json, to_text
from xltools.rules import BY_ID, CATALOGUE
from xltools.rules.core import Equal, Instance, Outcome, Rule, Terms, judge, rule_instances
from xltools.rules.resolve import DocumentValues

# Text a message may carry besides the names it quotes (“…”, nested quotes included).
MAX_TEXT = 80


def unquoted(message: str) -> str:
    out: list[str] = []
    depth = 0
    for ch in message:
        if ch == "“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def judged_findings(doc: Document) -> list[tuple[Rule, Instance, Outcome, Finding]]:
    values = DocumentValues(doc)
    out = []
    for rule, inst in rule_instances(CATALOGUE, doc):
        o = judge(inst.relation, values)
        f = finding_for(rule, inst, o, values)
        if f is not None:
            out.append((rule, inst, o, f))
    return out


def printed(doc: Document, ts: Terms, total: float | None, decimals: int) -> str:
    """How the message must show one side (the spec, written out independently): a table
    cell with 2 decimals, a narrative figure with the decimals it was printed with, a 绩效
    table's 元 whole, a sum at the relation's decimals; thousands separators throughout."""
    values = DocumentValues(doc)
    if len(ts) == 1:
        t = ts[0]
        v = values.value(t.ref)
        if v is None:
            return "无"
        if isinstance(t.ref, ProjectCell):
            return f"{v:,.0f} 元"
        if t.factor == 1.0:
            if isinstance(t.ref, NarrativeFigure):
                fig = doc.narrative.figure(t.ref.key)
                assert fig is not None
                return f"{v:,.{max(0, fig.decimals)}f}"
            return f"{v:,.2f}"
    assert total is not None
    if all(isinstance(t.ref, ProjectCell) for t in ts):
        return f"{total:,.0f} 元"
    return f"{total:,.{decimals}f}"


@pytest.mark.parametrize("seed", sorted(SEED_PATHS))
def test_every_message_is_one_short_line(seed: str, docs: dict[str, Document]) -> None:
    for f in check(docs[seed]):
        assert "\n" not in f.message and "\r" not in f.message, f
        assert len(unquoted(f.message)) < MAX_TEXT, f.message
        rule = BY_ID.get(f.rule)
        if rule is not None:  # READ-* notes have no catalogue entry
            assert rule.description not in f.message, f.message
            assert not f.message.startswith("["), f.message


@pytest.mark.parametrize("seed", sorted(SEED_PATHS))
def test_equal_findings_carry_both_numbers_as_printed(seed: str, docs: dict[str, Document]) -> None:
    doc = docs[seed]
    found = [(inst, o, f) for _, inst, o, f in judged_findings(doc) if isinstance(inst.relation, Equal)]
    assert found  # every seed has 尾差 at least
    for inst, o, f in found:
        rel = inst.relation
        assert isinstance(rel, Equal)
        lhs = printed(doc, rel.lhs, o.actual if isinstance(o.actual, float) else None, rel.decimals)
        rhs = printed(doc, rel.rhs, o.expected if isinstance(o.expected, float) else None, rel.decimals)
        text = unquoted(f.message)
        assert f" {lhs}" in text and f" {rhs}" in text, (f.message, lhs, rhs)
        assert text.index(f" {lhs}") < text.index("≠") < text.rindex(f" {rhs}"), f.message
        assert "差 " in text, f.message
        # Every amount keeps its digits: grouped by thousands, never cut to six figures.
        for n in re.findall(r"\d[\d,]*\.\d+", text):
            assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d+", n), (n, f.message)


def edited(seed: str, old: str, new: str) -> Document:
    text = SEED_PATHS[seed].read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    return read_text(text.replace(old, new, 1), SEED_PATHS[seed].name)


def test_a_large_amount_keeps_every_digit() -> None:
    """95,160.46 once printed as 95160.5 (`:g` keeps six significant digits)."""
    doc = edited("000", "预算收入总计1,271.91万元", "预算收入总计95,160.46万元")
    (f,) = [f for f in check(doc) if f.rule == "N-AMOUNT" and f.severity == "error"]
    assert f.message == "说明一“收入总计” 95,160.46 ≠ 表1 收入总计 1,271.91（差 93,888.55）"
    assert "95160.5" not in f.message


def test_messages_of_each_relation_kind(docs: dict[str, Document]) -> None:
    by_rule = {(f.rule, f.lines): f.message for f in check(docs["000"]) + check(docs["001"])}
    msgs = {rule: m for (rule, _), m in by_rule.items()}
    # ShareOf: the printed share, the one computed, and its part and base.
    assert msgs["N-SHARE"] == "说明二“上年结转”占 0% ≠ 7.79%（99.05 / 1,271.91）"
    # GrowthOf: change / (current − change).
    assert msgs["N-GROWTH"] == "说明八“机关运行经费”增长 20% ≠ 511.84%（48.83 / 9.54）"
    # A 绩效 table in 元 against 表12 in 万元: each number in the unit it was printed in.
    assert msgs["P-AMOUNT"] == ("绩效目标表“西街街道2024年离任两主干生活补贴(新)”年度资金总额 28,300 元 ≠ "
                                "表12“西街街道2024年离任两主干生活补贴（新）” 2.88 万元（差 -0.05 万元）")
    assert msgs["P-ANNUAL-SUM"].endswith("年度资金总额 28,300 元 ≠ 中央 + … + 其他 28,800 元（差 -500）")
    # Verdict: the subject, which says what is wrong.
    assert msgs["N-CLASS-NAME"] == "说明所称类名“一般公共预算支出”（201），报表为“一般公共服务支出”"
    # Equal inside one table, and across tables.
    assert "表1 收入总计 3,340.11 ≠ 本年收入合计 + 上年结转 3,340.10（差 0.01）" in msgs.values()
    assert "表3 合计 3,340.11 ≠ 表2 合计（合计 + 上年结转） 3,340.10（差 0.01）" in msgs.values()


def test_at_most_names_both_cells_and_the_excess() -> None:
    doc = edited("003", "公务接待费\t公务接待费\t1.00\t\t1.00", "公务接待费\t公务接待费\t3.00\t\t3.00")
    (f,) = [f for f in check(doc) if f.rule == "X-T6-T10-RECEPTION"]
    assert f.severity == "warning"
    assert f.message == "表6“公务接待费” 3.00 > 表10 公务接待费 1.00（超 2.00）"


def test_growth_from_a_zero_base() -> None:
    doc = edited("001", "增加48.83万元，增长20%", "增加58.37万元，增长20%")
    (f,) = [f for f in check(doc) if f.rule == "N-GROWTH"]
    assert f.message == "说明八“机关运行经费”增长 20%，但上年数为 0（不得有增减率）"


def test_a_guessed_placement_says_so_briefly() -> None:
    from test_read_forms import T13_HEAD, read

    doc = read(*T13_HEAD, "某单位  6.00  6.00", "结转项目  5.00  5.00")
    (f,) = [f for f in check(doc) if f.rule == "T13-UNITS" and f.severity == "warning"]
    assert f.message == "表13 总计 一般公共预算 6.00 ≠ “结转项目”一般公共预算 5.00（差 1.00）（表13“一般公共预算”列位置未定，不作为错误）"


def test_tails_of_one_rule_are_one_line_in_the_report(docs: dict[str, Document]) -> None:
    doc = docs["000"]
    findings = check(doc)
    text = to_text(doc, findings, show_info=True)
    tails = [line for line in text.splitlines() if line.startswith("尾差/信息\t")]
    assert "尾差/信息\tT2-HIER\t第139、147行\t表2 科目层级汇总（类 = Σ款，款 = Σ项，合计 = Σ类） 尾差 ×3" in tails
    assert "尾差/信息\tT1-CLASSES\t第125行\t表1 本年支出合计等于各类支出之和 尾差 ×2" in tails
    assert len({line.split("\t")[1] for line in tails}) == len(tails)  # one line a rule
    for line in tails:
        assert line.split("\t")[2].count("、") < TAIL_LINES, line
    # The counts and the JSON keep every finding.
    info = sum(f.severity == "info" for f in findings)
    assert f"尾差/信息 {info} 条" in text
    assert len(to_json(doc, findings)["findings"]) == len(findings)


def test_rules_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    by_id = {line.split("\t")[0]: line.split("\t") for line in lines if "\t" in line}
    assert set(by_id) == {r.id for r in CATALOGUE}
    assert by_id["X-T1-T3-TOTAL"] == ["X-T1-T3-TOTAL", "M", "跨表", "表1 支出总计等于表3 合计"]
    assert by_id["P-NAME"][1:3] == ["A", "绩效"]
    assert main(["rules", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [r.id for r in CATALOGUE]
    assert rows[0] == {"id": CATALOGUE[0].id, "level": CATALOGUE[0].level, "family": CATALOGUE[0].family,
                       "description": CATALOGUE[0].description}
