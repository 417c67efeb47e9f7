"""The 绩效 reader on the three seeds and on small texts built to show one difficulty each."""
from __future__ import annotations

from pathlib import Path

import pytest

from xltools.core.model import OverallTable, ProjectTable, ReadNote
from xltools.read.performance import read_performance
from xltools.read.regions import find_regions
from xltools.read.text import decode, to_lines

FIXTURES = Path(__file__).parent / "fixtures"
SEED = {"000": "000_3cbdfbba338dedd0.txt", "001": "001_4c4beb285f788113.txt", "003": "003_5ca8f1ce3fa7ccd0.txt"}

Read = tuple[list[ProjectTable], OverallTable | None, list[ReadNote]]


def _read_text(text: str) -> Read:
    lines = to_lines(text)
    return read_performance(lines, find_regions(lines))


_seeds: dict[str, Read] = {}


def seed(name: str) -> Read:
    if name not in _seeds:
        path = FIXTURES / SEED[name]
        _seeds[name] = _read_text(decode(path.read_bytes(), str(path)))
    return _seeds[name]


def by_name_line(projects: list[ProjectTable], line: int) -> ProjectTable:
    return next(p for p in projects if p.name_line == line)


# --- seed 000 -------------------------------------------------------------------------

def test_000_counts_and_first_table() -> None:
    projects, overall, notes = seed("000")
    assert len(projects) == 18
    assert notes == []
    first = projects[0]
    assert (first.key, first.line, first.name_line, first.annual_line) == ("j1", 548, 552, 555)
    assert first.name == "2026基层党建经费(区级)"
    assert first.period["总额"] == 308384.0 and first.annual["总额"] == 308384.0
    assert first.annual["市县"] == 308384.0 and first.annual["中央"] == 0.0 and first.annual["省级"] == 0.0
    assert first.annual["单位自筹"] == 0.0
    assert first.annual["其他"] is None and first.period["其他"] is None  # printed blank


def test_000_drifted_cells_read_the_same() -> None:
    # l.584-592 put every amount two tab positions further right than l.552-560.
    projects, _, _ = seed("000")
    t = by_name_line(projects, 584)
    assert t.name == "2026纪检业务工作经费" and t.line == 580 and t.annual_line == 587
    assert t.period == {"总额": 20000.0, "中央": 0.0, "省级": 0.0, "市县": 20000.0, "单位自筹": 0.0, "其他": None}
    assert t.annual == t.period


def test_000_last_table_and_decimals() -> None:
    projects, _, _ = seed("000")
    last = projects[-1]
    assert (last.line, last.name_line, last.name) == (1094, 1098, "长岭溢洞工程欠款")
    assert last.annual["总额"] == 834700.0
    assert by_name_line(projects, 744).annual["总额"] == 413946.62


def test_000_overall_table() -> None:
    _, overall, _ = seed("000")
    assert overall is not None and overall.line == 510
    assert overall.by_source == {"合计": 1172.86, "一般公共预算": 1172.86, "政府性基金预算": 0.0, "国有资本经营预算": 0.0,
                                 "社会保险基金预算": 0.0, "财政专户管理资金": 0.0, "单位资金": 0.0}
    assert overall.by_direction == {"合计": 1172.86, "基本支出": 171.30, "项目支出": 1001.56}
    assert overall.lines["source:合计"] == 522 and overall.lines["direction:合计"] == 522
    assert overall.lines["direction:基本支出"] == 523 and overall.lines["direction:项目支出"] == 524
    # printed "专户管理资金" (l.527); 单位资金 drifted into the first column (l.528).
    assert overall.lines["source:财政专户管理资金"] == 527 and overall.lines["source:单位资金"] == 528


# --- seed 001 -------------------------------------------------------------------------

def test_001_tables_and_no_overall() -> None:
    projects, overall, notes = seed("001")
    assert len(projects) == 31
    assert overall is None  # 001 prints no 整体支出绩效目标申报表
    assert notes == []
    assert [p.key for p in projects] == [f"j{i}" for i in range(1, 32)]


def test_001_parts_that_do_not_add_up_are_read_as_printed() -> None:
    projects, _, _ = seed("001")
    t = by_name_line(projects, 1266)
    assert t.name == "西街街道2024年离任两主干生活补贴(新)" and t.line == 1262
    assert t.period["总额"] == 28300.0 and t.annual["总额"] == 28300.0
    assert t.annual["省级"] == 13200.0 and t.annual["市县"] == 15600.0


def test_001_period_differs_from_annual_and_duplicates_are_kept() -> None:
    projects, _, _ = seed("001")
    t = by_name_line(projects, 955)
    assert t.period["总额"] == 19200.0 and t.annual["总额"] == 9600.0 and t.annual["市县"] == 9600.0
    a, b = by_name_line(projects, 1486), by_name_line(projects, 1529)
    assert a.name == b.name == "西街街道2024年综合业务费" and a.annual["总额"] == b.annual["总额"] == 960000.0
    assert by_name_line(projects, 1060).annual["总额"] == 206785.35


# --- seed 003 -------------------------------------------------------------------------

def test_003_tables() -> None:
    projects, overall, notes = seed("003")
    assert len(projects) == 46
    assert overall is None and notes == []
    t = by_name_line(projects, 1350)
    assert t.name == "公安局辅警人员经费" and t.annual["总额"] == 3760000.0
    t = by_name_line(projects, 918)
    assert t.period["总额"] == 39880000.0 and t.annual["总额"] == 11080000.0


def test_003_full_width_labels_and_wrapped_label() -> None:
    projects, _, _ = seed("003")
    t = by_name_line(projects, 959)  # "实施期资金总额：" with full-width colon and brackets
    assert t.annual["总额"] == 190000.0 and t.annual["市县"] == 190000.0
    t = by_name_line(projects, 997)  # "市县(区)财政资" / "金" wrapped on l.1004, 单位自筹 after it
    assert t.name == "富士康(晋城)科技工业园监督性监测项目"
    assert t.annual["市县"] == 190000.0 and t.annual["单位自筹"] == 0.0 and t.period["单位自筹"] == 0.0


# --- where the 绩效 part is -------------------------------------------------------------

@pytest.mark.parametrize("name,narrative,first,count", [
    ("000", (436, 510), (510, "overall"), 19), ("001", (552, 631), (631, "project"), 31),
    ("003", (521, 597), (597, "project"), 46)])
def test_seed_regions(name: str, narrative: tuple[int, int], first: tuple[int, str], count: int) -> None:
    path = FIXTURES / SEED[name]
    regions = find_regions(to_lines(decode(path.read_bytes(), str(path))))
    assert regions.narrative == narrative
    assert (regions.perf_tables[0].start, regions.perf_tables[0].kind) == first
    assert len(regions.perf_tables) == count and all(t.titled for t in regions.perf_tables)
    # The "见附件" sentences, the only announcements; each part announced was read.
    assert [k for k, _ in regions.perf_announced] == (["overall", "project"] if name == "000" else ["project"])
    assert seed(name)[2] == []


# --- built texts ----------------------------------------------------------------------

PROJECT = """第三部分 说明
XX区级预算部门(单位)项目支出绩效目标表
(2026年度)
项目名称\t\t测试项目\t\t
项目资金(元)\t实施期资金总额:1,500\t\t年度资金总额:\t\t1,500
\t其中:中央财政资金\t\t\t其中:中央财政资金\t0
\t省级财政资金\t500\t省级财政资金\t<p>500</p>
\t市县(区)财政资金\t1,000\t市县(区)财政资金\t1,000
\t单位自筹\t\t单位自筹\t
\t其他资金\t\t其他资金\t
项目概况\t\t说明文字
"""


def test_inline_values_blanks_tags_and_year_line() -> None:
    projects, overall, notes = _read_text(PROJECT)
    assert overall is None and notes == []
    (t,) = projects
    assert (t.name, t.line, t.name_line, t.annual_line) == ("测试项目", 2, 4, 5)
    assert t.period == {"总额": 1500.0, "中央": None, "省级": 500.0, "市县": 1000.0, "单位自筹": None, "其他": None}
    assert t.annual == {"总额": 1500.0, "中央": 0.0, "省级": 500.0, "市县": 1000.0, "单位自筹": None, "其他": None}


def test_unreadable_amount_and_missing_name_are_noted() -> None:
    text = PROJECT.replace("\t省级财政资金\t500\t", "\t省级财政资金\t见附件\t")
    text += "XX区级预算部门(单位)项目支出绩效目标表\n没有名称的表\n"
    projects, _, notes = _read_text(text)
    assert len(projects) == 1 and projects[0].period["省级"] is None
    assert [(n.rule, n.line) for n in notes] == [("READ-UNPLACED", 7), ("READ-UNPLACED", 12)]


def test_a_table_without_its_title_is_still_read() -> None:
    body = PROJECT.split("\n", 3)[3]  # from the 项目名称 row on
    projects, _, _ = _read_text(PROJECT + body.replace("测试项目", "第二个项目"))
    assert [(p.name, p.line, p.name_line) for p in projects] == [("测试项目", 2, 4), ("第二个项目", 12, 12)]
    assert projects[1].annual["总额"] == 1500.0


OVERALL = """部门(单位)整体支出绩效目标申报表
年度预算情况\t按资金来源划分\t资金总额(元)\t按资金方向划分\t资金总额(元)
\t合计\t1,000,000\t合计\t1,000,000
\t其中:一般公共预算资金\t900,000\t其中:基本支出\t400,000
\t政府性基金预算资金\t100,000\t项目支出\t600,000
\t财政专户管理资金\t0
年度重点任务\t合计\t5
"""


def test_overall_in_yuan_and_several_overall_tables() -> None:
    projects, overall, notes = _read_text(OVERALL + OVERALL.replace("1,000,000", "2,000,000"))
    assert projects == [] and overall is not None and overall.line == 1
    assert overall.by_source["合计"] == 100.0 and overall.by_source["一般公共预算"] == 90.0
    assert overall.by_source["财政专户管理资金"] == 0.0 and overall.by_source["单位资金"] is None
    assert overall.by_direction == {"合计": 100.0, "基本支出": 40.0, "项目支出": 60.0}
    assert [(n.rule, n.line) for n in notes] == [("READ-PLACEMENT", 8)]


def test_no_performance_part() -> None:
    assert _read_text("第三部分 说明\n没有绩效表\n") == ([], None, [])


@pytest.mark.parametrize("name,count", [("000", 18), ("001", 31), ("003", 46)])
def test_every_table_has_a_name_and_an_annual_total(name: str, count: int) -> None:
    projects, _, _ = seed(name)
    assert len(projects) == count
    assert all(p.name and p.annual["总额"] is not None and p.annual_line for p in projects)


def test_space_separated_extraction_with_glued_values() -> None:
    # Another extractor: cells separated by runs of spaces, a value glued to its label.
    text = (
        "XX区级预算部门(单位)项目支出绩效目标表\n"
        "项目名称  空格项目\n"
        "项目资金（万元）  实施期资金总额（万元）：2.5  年度资金总额（万元）：  2.5\n"
        "  其中：中央财政资金0  其中：中央财政资金  0\n"
        "  市县（区）财政资金  2.5  市县（区）财政资金  2.5\n"
        "项目概况  说明\n"
    )
    (t,) = _read_text(text)[0]
    assert t.name == "空格项目" and t.annual_line == 3
    assert t.period["总额"] == 25000.0 and t.annual["总额"] == 25000.0  # converted to 元
    assert t.period["中央"] == 0.0 and t.annual["市县"] == 25000.0
