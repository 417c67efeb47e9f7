"""The narrative reader: figures, sections and quoted 类 names, on the seeds and on variants."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from xltools.core.model import Figure, Narrative
from xltools.read.narrative import read_narrative, scan_narrative
from xltools.read.regions import find_regions
from xltools.read.text import decode, to_lines

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = {"000": "000_3cbdfbba338dedd0.txt", "001": "001_4c4beb285f788113.txt", "003": "003_5ca8f1ce3fa7ccd0.txt"}


@lru_cache(maxsize=None)
def seed(name: str) -> Narrative:
    path = FIXTURES / SEEDS[name]
    lines = to_lines(decode(path.read_bytes(), str(path)))
    return read_narrative(lines, find_regions(lines))


def narrative_of(body: str) -> Narrative:
    text = "第三部分 2026年度单位预算情况说明\n\n" + body + "\n\n县(区)级预算部门(单位)项目支出绩效目标表\n"
    lines = to_lines(text)
    return read_narrative(lines, find_regions(lines))


def one(n: Narrative, subject: str, kind: str = "amount", nth: int = 0) -> Figure:
    found = [f for f in n.figures if f.subject == subject and f.kind == kind]
    assert len(found) > nth, (subject, kind, [(f.subject, f.kind) for f in n.figures])
    return found[nth]


# (subject, kind, nth occurrence, value, printed decimals, line)
EXPECTED = {
    "000": [
        ("收入总计", "amount", 0, 1271.91, 2, 441),
        ("本年收入", "amount", 0, 1172.86, 2, 441),
        ("上年结转", "amount", 0, 99.05, 2, 441),
        ("收入总计", "change", 0, 116.42, 2, 441),
        ("收入总计", "growth", 0, 10.08, 2, 441),
        ("支出总计", "amount", 0, 1271.91, 2, 441),
        ("本年支出", "amount", 0, 1172.86, 2, 441),
        ("支出:上年结转", "amount", 0, 99.05, 2, 441),
        ("收入:一般公共预算", "share", 0, 92.21, 2, 445),
        ("收入:政府性基金预算", "amount", 0, 0.0, 0, 445),
        ("上年结转", "share", 0, 0.0, 0, 445),
        ("支出:基本支出", "amount", 0, 171.3, 1, 453),
        ("支出:项目支出", "share", 0, 86.53, 2, 453),
        ("财政拨款:一般公共预算", "amount", 0, 1271.91, 2, 457),
        ("财政拨款:政府性基金预算", "amount", 0, 0.0, 0, 457),  # "0万" / "元" split across lines
        ("财政拨款:国有资本经营预算", "amount", 0, 0.0, 0, 459),
        ("财政拨款:类:201", "amount", 0, 855.84, 2, 459),
        ("一般公共预算:当年支出", "growth", 0, 10.83, 2, 466),
        ("一般公共预算:类:201", "amount", 0, 756.79, 2, 470),
        ("一般公共预算:基本支出", "amount", 0, 171.30, 2, 478),
        ("基本支出:人员经费", "amount", 0, 160.34, 2, 480),
        ("基本支出:公用经费", "amount", 0, 10.96, 2, 482),
        ("政府采购:总额", "amount", 0, 20.30, 2, 494),
        ("政府采购:服务", "amount", 0, 0.80, 2, 494),
        ("绩效:整体:项目支出", "amount", 0, 1001.56, 2, 500),
        ("绩效:纳入:个数", "count", 0, 20, 0, 506),
        ("绩效:纳入:特定目标类:金额", "amount", 0, 449.05, 2, 506),
        ("绩效:公开:占比", "share", 0, 100, 0, 506),
    ],
    "001": [
        ("收入总计", "amount", 0, 3340.11, 2, 557),
        ("收入总计", "change", 0, -1820.20, 2, 557),
        ("收入总计", "growth", 0, -35.27, 2, 557),
        ("上年结转", "share", 0, 60.16, 2, 561),
        ("支出:项目支出", "amount", 0, 2727.4, 1, 569),
        ("财政拨款:类:221", "amount", 0, 1758.27, 2, 573),
        ("一般公共预算:当年支出", "change", 0, -1631.02, 2, 582),
        ("一般公共预算:类:201", "amount", 0, 408.93, 2, 586),
        ("一般公共预算:类:212", "share", 0, 54.41, 2, 586),
        ("三公:合计", "amount", 0, 3.60, 2, 603),
        ("三公:合计", "change", 0, 1.20, 2, 603),
        ("三公:因公出国（境）费", "change", 0, 0.0, 2, 605),  # 与上年预算数相同
        ("三公:公务接待费", "change", 0, -0.40, 2, 605),
        ("三公:公务用车运行维护费", "amount", 0, 3.60, 2, 605),
        ("机关运行经费", "amount", 0, 58.37, 2, 611),
        ("机关运行经费", "change", 0, 48.83, 2, 611),
        ("机关运行经费", "growth", 0, 20, 0, 611),
        ("政府采购:货物", "amount", 0, 3.10, 2, 615),
        ("绩效:整体:合计", "amount", 0, 3340.1, 1, 621),
        ("绩效:整体:合计", "amount", 1, 3340.1, 1, 623),
        ("绩效:纳入:个数", "count", 0, 30, 0, 627),
        ("绩效:纳入:金额", "amount", 0, 2727.40, 2, 627),
        ("绩效:纳入:其他运转类:个数", "count", 0, 16, 0, 627),
        ("绩效:公开:个数", "count", 0, 30, 0, 627),
        ("绩效:公开:金额", "amount", 0, 718.15, 2, 627),
        ("绩效:公开:占比", "share", 0, 26, 0, 627),
        ("绩效:公开:特定目标类:个数", "count", 0, 12, 0, 627),
    ],
    "003": [
        ("收入总计", "amount", 0, 8530.80, 2, 525),
        ("收入:政府性基金预算", "share", 0, 5.86, 2, 529),
        ("支出:合计", "amount", 0, 8530.8, 1, 535),
        ("财政拨款:一般公共预算", "amount", 0, 8030.80, 2, 539),
        ("一般公共预算:类:212", "amount", 0, 433.10, 2, 550),
        ("基本支出:人员经费", "amount", 0, 2392.23, 2, 560),
        ("三公:合计", "change", 0, 0.0, 2, 569),  # 与2025年预算数相同
        ("三公:因公出国（境）费", "change", 0, -10.75, 2, 569),
        ("三公:公务用车购置及运行费", "amount", 0, 31.60, 2, 569),
        ("三公:公务用车购置费", "change", 0, 18.00, 2, 569),
        ("机关运行经费", "amount", 0, 0.0, 2, 577),  # 我单位无机关运行经费
        ("政府采购:服务", "amount", 0, 2160.50, 2, 583),  # label and number on different lines
        ("绩效:纳入:金额", "amount", 0, 5691.94, 2, 593),
    ],
}


@pytest.mark.parametrize("name,item", [(n, i) for n, items in EXPECTED.items() for i in items])
def test_seed_figures(name: str, item: tuple) -> None:
    subject, kind, nth, value, decimals, line = item
    f = one(seed(name), subject, kind, nth)
    assert (f.value, f.decimals, f.line) == (pytest.approx(value), decimals, line)


def test_seed_sections() -> None:
    assert seed("000").sections[1] == (439, 441)
    assert seed("000").sections[10] == (496, 508)
    assert sorted(seed("001").sections) == list(range(1, 11))  # markdown headings
    assert seed("003").sections[9] == (579, 583)
    assert seed("001").line == 552


def test_seed_keys_unique_and_sections_set() -> None:
    for name in SEEDS:
        n = seed(name)
        keys = [f.key for f in n.figures]
        assert len(keys) == len(set(keys))
        for f in n.figures:
            first, last = n.sections[f.section]
            assert first <= f.line <= last


def test_seed_every_figure_classified() -> None:
    for name in SEEDS:
        assert [f for f in seed(name).figures if f.subject.startswith("其他:")] == []


def test_seed_counts() -> None:
    assert len(seed("000").figures) == 75
    assert len([f for f in seed("001").figures if f.section == 5]) == 18
    assert len([f for f in seed("003").figures if f.section == 7]) == 12


def test_class_names() -> None:
    names = seed("001").class_names
    assert ("201", "一般公共预算支出", 586) in names  # a typo, resolved by its closeness
    assert ("221", "住房保障支出", 573) in names
    assert len(seed("000").class_names) == 12
    assert all(code for code, _, _ in seed("003").class_names)


def test_snippet_is_the_sentence() -> None:
    f = one(seed("000"), "上年结转", "share")
    assert "上年结转99.05万元，占0%" in f.text


def test_no_three_public_costs_is_a_zero_figure() -> None:
    f = one(seed("000"), "三公:合计")
    assert (f.value, f.word, f.line) == (0.0, "无", 486)


def test_pieces_locate_printed_numbers() -> None:
    path = FIXTURES / SEEDS["003"]
    lines = to_lines(decode(path.read_bytes(), str(path)))
    narrative, pieces = scan_narrative(lines, find_regions(lines))
    f = one(narrative, "政府采购:服务")
    (no, a, b), = pieces[f.key]
    assert lines[no - 1].text[a:b] == "2,160.50"
    for g in narrative.figures:
        for no, a, b in pieces[g.key]:
            assert any(ch.isdigit() for ch in lines[no - 1].text[a:b])


VARIANTS = """一、 部门预算收支数据变动情况及原因

2025年度某局预算收入总计1.25亿元，其中：本年收入12,000.00万元，上年结转500.00万元，较上年下降3.20万元，减少0.03%。本年部门预算支出总计12,500.00万元。

## 二、 收入预算情况说明

**2025年度某局收入12,500.00万元**，主要包括一般公共预算收入12,000.00万元，占96.00%；政府性基金收入0万元，占0%；上年结转500.00万元，占4.00%。

三、支出预算情况说明

某局支出预算12,500.00万元，其中：基本支出2,000.00万元，占16.00%；项目支出10,500.00万元，占84.00%。

五、一般公共预算支出情况说明

（一）一般公共预算当年支出规模变化情况

某局一般公共预算当年支出12,000.00万元，比上年增加1,2
00.00万元，增长11.11%。

（二）一般公共预算当年支出结构情况

某局一般公共预算当年支出12,000.00万元，主要用于以下方面：一般公共服务支出10,000.00万元，占83.33%；教育支出2,000.00万元，占16.67%。

八、机关运行经费增减变动原因说明

本部门不涉及机关运行经费。
"""


def test_variants() -> None:
    n = narrative_of(VARIANTS)
    assert sorted(n.sections) == [1, 2, 3, 5, 8]
    total = one(n, "收入总计")
    assert (total.value, total.decimals) == (12500.0, -2)  # 1.25亿元
    assert one(n, "本年收入").value == 12000.0
    growth = one(n, "收入总计", "growth")
    assert (growth.value, growth.word) == (-0.03, "减少")
    assert one(n, "收入总计", "change").value == -3.20  # 较上年下降
    assert one(n, "收入总计", "amount", 1).value == 12500.0  # "收入" alone, in bold
    assert one(n, "收入:一般公共预算", "share").value == 96.0
    assert one(n, "收入:政府性基金预算").value == 0.0
    assert one(n, "上年结转", "share").value == 4.0
    assert one(n, "一般公共预算:当年支出", "change").value == 1200.0  # split across lines
    assert one(n, "一般公共预算:类:205", "share").value == 16.67
    assert ("205", "教育支出", n.figures[-2].line) in n.class_names
    none = one(n, "机关运行经费")
    assert (none.value, none.word) == (0.0, "无")


VARIANTS_2 = """一、部门预算收支数据变动情况及原因

2025年度某部门收入预算总计2,000.00万元，其中：本年收入合计1,900.00万元，上年结转100.00万元，同比增加了100.00万元，增长5.26%；支出预算总计2,000.00万元。

二、收入预算情况说明

某部门预算收入2,000.00万元，其中：一般公共预算财政拨款收入1,800.00万元，占比90%；事业收入100.00万元，占5%；上年结转资金100.00万元，占5%。

七、“三公”经费增减变动原因说明

某部门三公经费预算10.00万元，较上年减少2.00万元，下降16.67%。其中：因公出国（境）费用0万元，与上年持平；公务接待费2.00万元；公务用车购置及运行维护费8.00万元。

九、政府采购情况

某部门政府采购预算5.00万元，其中：货物类3.00万元、工程类0万元、服务类2.00万元。
"""


def test_variants_of_labels() -> None:
    n = narrative_of(VARIANTS_2)
    assert one(n, "收入总计").value == 2000.0  # 收入预算总计
    assert one(n, "本年收入").value == 1900.0  # 本年收入合计 is not the total
    assert one(n, "收入总计", "change").value == 100.0  # 同比增加了
    assert one(n, "支出总计").value == 2000.0
    assert one(n, "收入:一般公共预算").value == 1800.0  # 一般公共预算财政拨款收入
    assert one(n, "收入:一般公共预算", "share").value == 90.0  # 占比
    assert one(n, "上年结转", "share").value == 5.0
    assert [f.value for f in n.figures if f.subject == "收入总计" and f.section == 2] == [2000.0]  # 事业收入 is not
    assert one(n, "三公:合计", "growth").value == -16.67
    assert one(n, "三公:因公出国（境）费", "change").word == "持平"
    assert one(n, "三公:公务用车购置及运行费").value == 8.0
    assert [one(n, f"政府采购:{k}").value for k in ("总额", "货物", "工程", "服务")] == [5.0, 3.0, 0.0, 2.0]


CELLS = """二、收入预算情况说明

某单位预算收入100.00万元，主要包括一般公共预算拨款收入90.00万元，占90.00%；上年结转10.00万元，占10.00%。

收入预算图
一般公共预算\t90.00万元\t90%
上年结转  10.00万元  10%
单位资金\u30000万元\u30000%
"""


def test_lines_of_cells_are_table_rows_not_prose() -> None:
    n = narrative_of(CELLS)
    assert [(f.kind, f.subject, f.value) for f in n.figures] == [
        ("amount", "收入总计", 100.0), ("amount", "收入:一般公共预算", 90.0), ("share", "收入:一般公共预算", 90.0),
        ("amount", "上年结转", 10.0), ("share", "上年结转", 10.0)]


HEADINGS = """一、预算收支总体情况

某单位预算收入总计100.00万元。

二、机关运行经费情况

本单位机关运行经费10.00万元。

三、“三公”经费情况

本单位“三公”经费预算2.00万元。

四、其他说明

本单位无其他说明事项。
"""


def test_sections_are_told_by_their_headings() -> None:
    n = narrative_of(HEADINGS)
    assert sorted(n.sections) == [1, 7, 8, 12]
    assert [(f.section, f.subject, f.value) for f in n.figures] == [
        (1, "收入总计", 100.0), (8, "机关运行经费", 10.0), (7, "三公:合计", 2.0)]


def test_reason_clauses_state_no_figures() -> None:
    body = ("八、机关运行经费增减变动原因说明\n\n本单位机关运行经费财政拨款预算24.00万元，比上年减少1.00万元，"
            "下降4.00%，主要原因是压减办公费0.60万元、印刷费0.40万元。")
    n = narrative_of(body)
    assert [(f.kind, f.value) for f in n.figures] == [("amount", 24.0), ("change", -1.0), ("growth", -4.0)]
