"""Why an identity could not be checked is a code with fields (`core.reasons`): the words are
made from it in one place, and the ledger groups by code, never by parsing the words."""
from __future__ import annotations

from pathlib import Path

from xltools.core.reasons import Reason, Why, missing
from xltools.evaluation.check import evaluate
from xltools.evaluation.coverage import not_checked, summary_lines
from xltools.rules.core import Unchecked, rule_instances
from xltools.rules import CATALOGUE
from xltools.rules.reading import read_text

SEED = Path(__file__).parent / "fixtures" / "000_3cbdfbba338dedd0.txt"


def test_every_code_has_its_words() -> None:
    fields = {Why.MISSING_TABLES: {"tables": (7, 8)}, Why.SHARE_BASE_UNKNOWN: {"named": "本年支出"},
              Why.PRIOR_NOT_READ: {"tables": (11,), "named": "机关运行经费"}, Why.PRIOR_NOT_STATED: {"named": "三公 合计"}}
    for why in Why:
        text = Reason(why, **fields.get(why, {})).text  # type: ignore[arg-type]
        assert text and "{" not in text, why
    assert missing(7, 8).text == "未找到表7、表8"
    assert Reason(Why.SHARE_BASE_UNKNOWN, named="本年支出").text == "未能确定占比的基数“本年支出”"
    assert Reason(Why.SHARE_BASE_UNKNOWN).text == "未能确定占比的基数"
    assert Reason(Why.NO_NARRATIVE).short == "未找到第三部分"
    assert Reason(Why.PRIOR_NOT_READ, (11,), "机关运行经费").text == "上年公开未读出表11中的“机关运行经费”，说明也未列此项"


def test_the_ledger_groups_missing_tables_by_code() -> None:
    """Seed 000 without 表7, 表8 and its narrative: the tables not found are said together, the
    narrative after them, each with the count of what it left unchecked."""
    text = SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    start = lines.index("2026年政府性基金预算收入表（不含上年结转）")  # 表7, then 表8
    stop = lines.index("2026年国有资本经营预算收支预算表（不含上年结转）")  # 表9
    narrative = max(i for i, ln in enumerate(lines) if ln.startswith("第三部分"))  # not the contents line
    cut = "\n".join(lines[:start] + lines[stop:narrative])
    doc = read_text(cut, "cut.txt")
    assert doc.table(7) is None and doc.table(8) is None and doc.narrative.line is None
    _, cov = evaluate(doc)
    reasons = {r for t in cov.families.values() for r in t.unchecked}
    assert missing(7) in reasons and missing(8) in reasons and Reason(Why.NO_NARRATIVE) in reasons
    n, said = not_checked(cov)
    assert said[:2] == ["未找到表7、表8", "未找到第三部分"] and n == sum(sum(t.unchecked.values()) for t in cov.families.values())
    assert any(line.startswith("未能核对：未找到表7、表8，其规则 ") for line in summary_lines(cov))


def test_every_unchecked_identity_of_the_seeds_says_why_by_code() -> None:
    for path in sorted(SEED.parent.glob("0*.txt")):
        doc = read_text(path.read_text(encoding="utf-8"), path.name)
        for _, inst in rule_instances(CATALOGUE, doc):
            if isinstance(inst.relation, Unchecked):
                assert isinstance(inst.relation.reason, Reason) and inst.relation.reason.text, inst
