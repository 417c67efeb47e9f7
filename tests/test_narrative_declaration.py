"""The narrative's subjects are declared once (`core.narrative_subjects`): one record adds a
subject that the reader labels, an N- rule compares with its cell and the 说明草稿 drafts; and
every subject the reader produces, or the narrative's modules name, has its record."""
from __future__ import annotations

import ast
import dataclasses
import re
from functools import lru_cache
from pathlib import Path

import openpyxl
import pytest

from conftest import SEED_PATHS
from xltools.core import narrative_subjects as NS
from xltools.core.model import Document
from xltools.evaluation.check import check
from xltools.rules import CATALOGUE
from xltools.core.references import NarrativeFigure, TableCell
from xltools.rules.core import Equal
from xltools.rules.narrative import RULES
from xltools.rules.reading import read_document, read_text
from xltools.workbook import draft as D
from xltools.workbook.book import build
from xltools.workbook.draft_sheet import C_FIG, C_KEY, C_VERDICT
from xltools.workbook.engine import recalc
from xltools.workbook.sheets import DRAFT

FIXTURES = Path(__file__).parent / "fixtures"
PACKAGE = Path(__file__).resolve().parent.parent / "xltools"

# A subject the family's disclosures do not state: 表4's 财政拨款 支出总计, in section 四.
NEW = NS.Subject("财政拨款:支出总计", 4, "财政拨款支出总计",
                 labels=(NS.Label(4, r"支出(?:预算)?(?:总计|合计|总额)$"),),
                 cells=(TableCell(4, "支出总计", "小计"),),
                 sentence="{年}年度{单位}财政拨款支出总计{金额}万元。")

# Seed 001's section 四, with one sentence added that states the new subject (表4 prints
# 支出总计 小计 3,340.11 at line 317).
ANCHOR = "上年结转收入2,009.25万元。"


@lru_cache(maxsize=None)
def _seed_001() -> str:
    return SEED_PATHS["001"].read_text(encoding="utf-8")


def stated(amount: str) -> tuple[str, int]:
    """Seed 001 with the new sentence after ANCHOR, and the sentence's line."""
    text = _seed_001()
    assert text.count(ANCHOR) == 1
    at = text.index(ANCHOR) + len(ANCHOR)
    line = text[:at].count("\n") + 1
    return text[:at] + f"财政拨款支出总计{amount}万元。" + text[at:], line


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> NS.Subject:
    monkeypatch.setitem(NS.SUBJECTS, NEW.key, NEW)
    return NEW


def _figure(doc: Document, line: int) -> tuple[str, float, str]:
    (f,) = [f for f in doc.narrative.figures if f.line == line and f.kind == "amount" and f.value > 3000
            and "财政拨款支出总计" in f.text]
    return f.subject, f.value, f.key


def test_without_its_record_the_sentence_names_nothing() -> None:
    text, line = stated("3,340.11")
    doc = read_text(text, "001+.txt")
    subject, value, _ = _figure(doc, line)
    assert (subject, value) == ("其他:财政拨款支出总计", 3340.11)
    (inst,) = [i for r, i in ((r, i) for r in RULES if r.id == "N-AMOUNT" for i in r.instances(doc))
               if line in getattr(i.relation, "lines", ())]
    assert getattr(inst.relation, "reason").text == "未能确定所述金额对应的报表项目"


def test_one_record_makes_the_reader_label_it_and_the_rule_compare_it(declared: NS.Subject) -> None:
    text, line = stated("3,340.11")
    doc = read_text(text, "001+.txt")
    subject, value, key = _figure(doc, line)
    assert (subject, value) == ("财政拨款:支出总计", 3340.11)
    amounts = [i for r in RULES if r.id == "N-AMOUNT" for i in r.instances(doc)
               if isinstance(i.relation, Equal) and i.relation.lhs[0].ref == NarrativeFigure(key)]
    (inst,) = amounts
    assert isinstance(inst.relation, Equal) and [t.ref for t in inst.relation.rhs] == [TableCell(4, "支出总计", "小计")]
    assert [f for f in check(doc, rules=RULES) if NEW.key in f.key] == []  # equal: no finding

    wrong = read_text(stated("3,340.51")[0], "001+.txt")
    found = [f for f in check(wrong, rules=RULES) if f.severity != "info"]
    (f,) = [f for f in found if NEW.key in f.key]
    assert (f.rule, f.severity, f.actual, f.expected, round(f.actual - f.expected, 2)) == (
        "N-AMOUNT", "error", 3340.51, 3340.11, 0.4)
    assert f.lines == (317, line) and "支出总计" in f.message  # 表4's row, then the sentence
    # Nothing else moved: every other finding is the seed's own.
    seed = check(read_document(SEED_PATHS["001"]), rules=RULES)
    assert len(found) - 1 == len([g for g in seed if g.severity != "info"])


def test_one_record_gives_the_draft_a_sentence_and_a_compared_row(declared: NS.Subject, tmp_path: Path) -> None:
    paras = {p.key: p for p in D.paras()}
    assert paras["四.2"].text == "{年}年度{单位}财政拨款支出总计{金额:财政拨款:支出总计}万元。"
    assert [p.key for p in D.paras()].index("四.2") == [p.key for p in D.paras()].index("四.1") + 1

    text, line = stated("3,340.51")
    doc = read_text(text, "001+.txt")
    _, _, key = _figure(doc, line)
    path = tmp_path / "book.xlsx"
    build(doc, CATALOGUE).workbook.save(path)
    recalc(path, "formulas")
    ws = openpyxl.load_workbook(path, data_only=True)[DRAFT]
    (row,) = [r for r in range(1, ws.max_row + 1) if ws[f"{C_KEY}{r}"].value == "四.2|金额:财政拨款:支出总计"]
    assert ws[f"{C_FIG}{row}"].value == key
    assert ws[f"F{row}"].value == pytest.approx(3340.11)
    assert ws[f"{C_VERDICT}{row}"].value == "不符"
    sentence = next(p.row for p in D.layout() if p.para.key == "四.2")
    assert "财政拨款支出总计3,340.11万元。" in str(ws.cell(sentence, 2).value)
    assert "财政拨款支出总计：原文3,340.51万元，草稿3,340.11万元" in str(ws.cell(sentence, 4).value)


def test_without_a_sentence_the_draft_is_the_familys() -> None:
    assert D.paras() == D.PARAS


# ---- no orphan strings ---------------------------------------------------------------------------

_PART = r"[\u4e00-\u9fff（）\d]+"
_KEY = re.compile(f"{_PART}(?::{_PART})+")


def test_every_subject_the_reader_produces_has_a_record() -> None:
    texts = sorted(FIXTURES.glob("*.txt")) + sorted((FIXTURES / "forms").glob("*.txt")) \
        + sorted((FIXTURES / "prior").glob("*.txt"))
    produced: set[str] = set()
    for path in texts:
        produced |= {f.subject for f in read_document(path).narrative.figures}
    orphans = {s for s in produced if NS.subject(s) is None and not s.startswith(NS.UNIDENTIFIED)}
    assert orphans == set()
    # The fixtures reach every section's subjects, the 绩效 counts and the 类 of both lists.
    assert {NS.subject(s).section for s in produced if NS.subject(s)} >= set(range(1, 11))  # type: ignore[union-attr]


def test_every_label_the_reader_tries_is_a_records() -> None:
    for n in range(1, 13):
        for label, key in NS.labels_in(n):
            assert label in NS.SUBJECTS[key].labels


def test_the_narratives_modules_name_only_declared_subjects() -> None:
    """A subject key written as a string in the narrative's modules is a declared one."""
    files = [p for p in PACKAGE.rglob("*.py") if re.search(r"narrative|draft|prior", p.name)]
    assert len(files) >= 8
    # A key's first part names its family ("三公", "收入"); "选择:…" and the like are the draft's inputs.
    families = {k.split(":")[0] for k in NS.SUBJECTS if ":" in k}
    undeclared = []
    for p in files:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _KEY.fullmatch(node.value) \
                    and node.value.split(":")[0] in families and NS.subject(node.value) is None:
                undeclared.append(f"{p.name}:{node.lineno} {node.value}")
    assert undeclared == []


def test_a_total_the_narrative_states_over_its_own_figures_is_one_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """政府采购预算总额 = 货物 + 工程 + 服务 is the 总额 record's `sum_of`: the rule judges it and the
    draft types the total as the sum of those parts, so one record changes both. Seed 000's line 494
    states 20.30 = 19.50 + 0 + 0.80."""
    doc = read_document(SEED_PATHS["000"])

    def procurement() -> list[tuple[str, tuple[str, ...]]]:
        """Each N-PROCUREMENT instance: its wording and the subjects of the figures it adds."""
        out = []
        for inst in (i for r in RULES if r.id == "N-PROCUREMENT" for i in r.instances(doc)):
            rel = inst.relation
            assert isinstance(rel, Equal)
            figures = [doc.narrative.figure(t.ref.key) for t in rel.rhs if isinstance(t.ref, NarrativeFigure)]
            out.append((inst.subject, tuple(f.subject for f in figures if f is not None)))
        return out

    assert procurement() == [("政府采购预算总额20.30 = 货物 + 工程 + 服务",
                              ("政府采购:货物", "政府采购:工程", "政府采购:服务"))]
    assert [f for f in check(doc, rules=RULES) if f.rule == "N-PROCUREMENT"] == []
    assert D.SUMS["政府采购:总额"] == ("政府采购:货物", "政府采购:工程", "政府采购:服务")

    # The record says the total is goods and works only: 20.30 against 19.50 + 0.00, at line 494.
    total = NS.SUBJECTS["政府采购:总额"]
    narrow = NS.SumOf(("政府采购:货物", "政府采购:工程"), "N-PROCUREMENT", "政府采购预算总额{figure} = 货物 + 工程")
    monkeypatch.setitem(NS.SUBJECTS, total.key, dataclasses.replace(total, sum_of=narrow))
    assert procurement() == [("政府采购预算总额20.30 = 货物 + 工程", ("政府采购:货物", "政府采购:工程"))]
    (found,) = [f for f in check(doc, rules=RULES) if f.rule == "N-PROCUREMENT"]
    assert (found.severity, found.actual, found.expected, found.where[0].line) == ("error", 20.3, 19.5, 494)
    assert D.SUMS["政府采购:总额"] == ("政府采购:货物", "政府采购:工程")
