"""`xltools compare` and `audit --previous`: two drafts of one disclosure, the figures that
changed (matched by code or name, never by position) and the findings fixed, new and remaining
(matched by their ids, never by lines). The edits are made to the real seeds; every expected
figure, line and finding id below is the seed's own."""
from __future__ import annotations

import json
import random
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from conftest import SEED_PATHS
from transforms import TRANSFORMS

from xltools.core.model import Document
from xltools.read import Extracted
from xltools.evaluation.changes import Change, Comparison, compare_documents
from xltools.cli.main import main
from xltools.rules.reading import read_bytes, read_text

# The seeds' errors and warnings (shared/seeds/README.md: the independent review).
SEED_FINDINGS = {"000": 5, "001": 23, "003": 3}


@lru_cache(maxsize=None)
def _text(seed: str) -> str:
    return SEED_PATHS[seed].read_text("utf-8")


@lru_cache(maxsize=None)
def _doc(seed: str) -> Document:
    return read_text(_text(seed), SEED_PATHS[seed].name)


def _edit(seed: str, edits: dict[int, tuple[str, str]], insert: dict[int, str] | None = None) -> str:
    """The seed with `old` replaced by `new` on the given 1-based lines (each must occur), and
    lines inserted before the given 1-based line numbers (of the seed)."""
    lines = _text(seed).split("\n")
    for n, (old, new) in edits.items():
        assert old in lines[n - 1], (n, old)
        lines[n - 1] = lines[n - 1].replace(old, new)
    for n in sorted(insert or {}, reverse=True):
        lines.insert(n - 1, (insert or {})[n])
    return "\n".join(lines)


def _figures(c: Comparison) -> list[tuple[str, str, str, str, object, object, int | None, int | None]]:
    return [(ch.kind, ch.place, ch.row, ch.column, ch.old, ch.new, ch.old_line, ch.new_line) for ch in c.figures]


def _keys(c: Comparison, status: str) -> list[str]:
    return sorted(f.key for f in c.findings if f.status == status)


# 000: l.445 prints 上年结转 99.05 "占0%" (7.79%: the error the review found); l.494 政府采购货物 19.50.
FIX_AND_PLANT = {445: ("上年结转99.05万元，占0%。", "上年结转99.05万元，占7.79%。"),
                 494: ("政府采购货物预算19.50万元", "政府采购货物预算19.60万元")}


@pytest.fixture(scope="module")
def edited() -> Comparison:
    return compare_documents(_doc("000"), read_text(_edit("000", FIX_AND_PLANT), "二稿.txt"))


def test_two_figures_edited_are_exactly_the_changes(edited: Comparison) -> None:
    assert _figures(edited) == [
        ("changed", "说明二", "“上年结转”", "占比", 0.0, 7.79, 445, 445),
        ("changed", "说明九", "“政府采购 货物”", "金额", 19.5, 19.6, 494, 494),
    ]
    assert edited.document == ()


def test_the_error_fixed_and_the_error_made(edited: Comparison) -> None:
    assert _keys(edited, "fixed") == ["N-SHARE:说明二/上年结转/占比"]
    assert _keys(edited, "new") == ["N-PROCUREMENT:说明九/政府采购:总额/金额"]
    fixed = edited.status("fixed")[0]
    assert fixed.old is not None and fixed.old.lines == (126, 127, 445) and fixed.new is None
    made = edited.status("new")[0]
    assert made.severity == "error" and made.new is not None and made.new.lines == (494,)
    assert "20.30" in made.new.message and "20.40" in made.new.message
    # The four warnings of the review stay, each at its line in both drafts.
    remaining = edited.status("remaining")
    assert sorted(f.key for f in remaining) == sorted([
        "P-MISSING:表12/2026年社区运转经费（区级）/合计", "P-MISSING:表12/2026年长聘工会经费/合计",
        "P-NAME:绩效目标表/长岭溢洞工程欠款/年度资金总额", "P-COUNT:说明十/绩效:公开:个数/数量"])
    assert {f.key: (f.old.lines, f.new.lines) for f in remaining if f.old and f.new}[
        "P-MISSING:表12/2026年社区运转经费（区级）/合计"] == ((401,), (401,))
    assert [f.key for f in edited.new_errors] == ["N-PROCUREMENT:说明九/政府采购:总额/金额"]


def test_cli_text_json_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "初稿.txt", tmp_path / "二稿.txt"
    shutil.copy(SEED_PATHS["000"], old)
    new.write_text(_edit("000", FIX_AND_PLANT), encoding="utf-8")
    assert main(["compare", str(old), str(new)]) == 1  # a new error
    out = capsys.readouterr().out
    assert "说明二\t“上年结转”\t占比\t0% → 7.79%\t第445行" in out
    assert "说明九\t“政府采购 货物”\t金额\t19.50 → 19.60（+0.10）\t第494行" in out
    assert "问题：已改正 1 条，新增 1 条（其中错误 1 条），仍有 4 条" in out
    assert "错误\tN-SHARE\t初稿第126、127、445行\t说明二“上年结转”占 0% ≠ 7.79%" in out
    assert "结论：二稿新增错误 1 条" in out
    assert main(["compare", str(old), str(new), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"changed": 2, "added": 0, "removed": 0, "renamed": 0, "fixed": 1, "new": 1,
                               "remaining": 4, "new_errors": 1}
    assert [(f["table"], f["row"], f["old"], f["new"]) for f in data["figures"]] == [
        (None, "“上年结转”", 0.0, 7.79), (None, "“政府采购 货物”", 19.5, 19.6)]
    assert [f["key"] for f in data["findings"]["new"]] == ["N-PROCUREMENT:说明九/政府采购:总额/金额"]
    assert data["findings"]["new"][0]["new_where"] == [{"line": 494}]
    # Fixing only: nothing new, exit 0.
    new.write_text(_edit("000", {445: FIX_AND_PLANT[445]}), encoding="utf-8")
    assert main(["compare", str(old), str(new)]) == 0
    assert "结论：二稿没有新增错误" in capsys.readouterr().out


def test_inserted_row_is_one_row_added() -> None:
    """A project inserted in 表12 of 000 before l.401: every later line moves by one, and no
    later row is a change; the sums it breaks are new findings."""
    new = read_text(_edit("000", {}, insert={401: "2026年新增项目\t5.00\t5.00\t\t\t\t"}), "二稿.txt")
    c = compare_documents(_doc("000"), new)
    assert _figures(c) == [("added", "表12", "“2026年新增项目”", "合计", None, 5.0, None, 401)]
    assert _keys(c, "new") == ["P-MISSING:表12/2026年新增项目/合计", "T12-UNITS:表12/总计/一般公共预算",
                               "T12-UNITS:表12/总计/合计"]
    assert _keys(c, "fixed") == []
    # The warning on the project after it is the same finding, one line further down.
    moved = next(f for f in c.findings if f.key == "P-MISSING:表12/2026年社区运转经费（区级）/合计")
    assert moved.status == "remaining" and moved.old and moved.new
    assert (moved.old.lines, moved.new.lines) == ((401,), (402,))


def test_table_cell_changed_and_row_removed() -> None:
    """000 表6 l.314 印刷费 0.24 → 0.34 in both columns; 表13 l.427 (2024年社区助理市级提标经费,
    0.07) deleted."""
    text = _edit("000", {314: ("印刷费\t商品和服务支出\t0.24\t\t0.24", "印刷费\t商品和服务支出\t0.34\t\t0.34")})
    lines = text.split("\n")
    assert lines[426].startswith("2024年社区助理市级提标经费")
    del lines[426]
    c = compare_documents(_doc("000"), read_text("\n".join(lines), "二稿.txt"))
    assert _figures(c) == [
        ("changed", "表6", "“印刷费”（商品和服务支出）", "合计", 0.24, 0.34, 314, 314),
        ("changed", "表6", "“印刷费”（商品和服务支出）", "公用经费", 0.24, 0.34, 314, 314),
        ("removed", "表13", "“2024年社区助理市级提标经费”", "合计", 0.07, None, 427, None),
    ]
    assert {f.key for f in c.status("new")} >= {"T6-CLASS:表6/商品和服务支出/合计",
                                                 "T6-CLASS:表6/商品和服务支出/公用经费"}
    assert _keys(c, "fixed") == []


def test_renames_fix_the_name_findings() -> None:
    """003: 表2 prints 20604/2060499 as 技术与研究开发 (l.151, 152), 表3 and 表5 as 技术与开发; 000:
    the 绩效 table at l.1098 names 长岭溢洞工程欠款 where 表12 l.403 has 长岭涵洞工程欠款. Corrected, each
    is a rename and its warning is fixed."""
    c = compare_documents(_doc("003"), read_text(_edit("003", {151: ("技术与研究开发", "技术与开发"),
                                                               152: ("技术与研究开发", "技术与开发")}), "二稿.txt"))
    assert _figures(c) == [
        ("renamed", "表2", "20604“技术与开发”", "名称", "技术与研究开发", "技术与开发", 151, 151),
        ("renamed", "表2", "2060499“其他技术与开发支出”", "名称", "其他技术与研究开发支出", "其他技术与开发支出", 152, 152),
    ]
    assert _keys(c, "fixed") == ["X-CODE-NAME:科目/20604", "X-CODE-NAME:科目/2060499"]
    assert _keys(c, "new") == []
    c = compare_documents(_doc("000"), read_text(_edit("000", {1098: ("长岭溢洞工程欠款", "长岭涵洞工程欠款")}), "二稿.txt"))
    assert _figures(c) == [("renamed", "绩效目标表", "“长岭涵洞工程欠款”", "项目名称", "长岭溢洞工程欠款", "长岭涵洞工程欠款",
                            1098, 1098)]
    assert _keys(c, "fixed") == ["P-NAME:绩效目标表/长岭溢洞工程欠款/年度资金总额"]
    assert _keys(c, "new") == []


META = [("000", "page_breaks", 1), ("000", "ideographic", 0), ("001", "rewrap_prose", 2), ("001", "gb18030", 0),
        ("003", "spaces", 1), ("003", "wrap_project_names", 1)]


@pytest.mark.parametrize("seed,name,rng", META, ids=[f"{s}-{n}" for s, n, _ in META])
def test_same_disclosure_extracted_otherwise_has_no_change(seed: str, name: str, rng: int) -> None:
    out = TRANSFORMS[name](_text(seed), random.Random(rng))
    other = read_bytes(out, "b.txt") if isinstance(out, bytes) else read_text(out, "b.txt")
    c = compare_documents(_doc(seed), other)
    assert c.document == () and c.figures == ()
    assert c.status("fixed") == [] and c.status("new") == []
    assert len(c.status("remaining")) == SEED_FINDINGS[seed]
    assert c.matched_by == "key"


def test_workbook_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new, book = tmp_path / "初稿.txt", tmp_path / "二稿.txt", tmp_path / "变化.xlsx"
    shutil.copy(SEED_PATHS["000"], old)
    new.write_text(_edit("000", FIX_AND_PLANT), encoding="utf-8")
    assert main(["compare", str(old), str(new), "--xlsx", str(book)]) == 1
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["变化", "问题变化"]
    ws = wb["变化"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows.index(("位置", "行", "栏目", "变化", "初稿", "二稿", "增减", "单位", "初稿行", "二稿行"))
    assert rows[head + 1:] == [("说明二", "“上年结转”", "占比", "改动", 0, 7.79, 7.79, "%", 445, 445),
                               ("说明九", "“政府采购 货物”", "金额", "改动", 19.5, 19.6, 0.1, "万元", 494, 494)]
    assert ws.cell(head + 2, 2).data_type == "s" and ws.cell(head + 2, 6).data_type == "n"
    assert ws.auto_filter.ref == f"A{head + 1}:J{head + 3}"
    found = list(wb["问题变化"].iter_rows(values_only=True))
    by_status = {(r[0], r[2]) for r in found[head + 1:]}
    assert ("新增", "N-PROCUREMENT") in by_status and ("已改正", "N-SHARE") in by_status
    assert sum(r[0] == "仍有" for r in found[head + 1:]) == 4
    # Not overwritten without --force; with it, the old workbook is kept as .bak.
    capsys.readouterr()
    assert main(["compare", str(old), str(new), "--xlsx", str(book)]) == 2
    assert "文件已存在" in capsys.readouterr().err
    assert main(["compare", str(old), str(new), "--xlsx", str(book), "--force"]) == 1
    assert (tmp_path / "变化.xlsx.bak").exists()


def test_bad_input_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "初稿.txt"
    shutil.copy(SEED_PATHS["000"], good)
    junk = tmp_path / "二稿.txt"
    junk.write_text("这不是预算公开\n", encoding="utf-8")
    assert main(["compare", str(good), str(junk)]) == 2
    err = capsys.readouterr().err
    assert f"无法读取 {junk}" in err and "cannot read" in err and "Traceback" not in err
    assert main(["compare", str(tmp_path / "没有.txt"), str(good)]) == 2
    err = capsys.readouterr().err
    assert "没有.txt" in err and "Traceback" not in err


def test_audit_previous(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Round 2 holds 000 edited (fix one error, plant one) and 003 unchanged; round 1 holds
    both as they were; 001 is new in round 2 and has no previous draft."""
    first, second = tmp_path / "第一轮", tmp_path / "第二轮"
    first.mkdir()
    second.mkdir()
    shutil.copy(SEED_PATHS["000"], first / "大连街.txt")
    shutil.copy(SEED_PATHS["003"], first / "经开区.txt")
    (second / "大连街.txt").write_text(_edit("000", FIX_AND_PLANT), encoding="utf-8")
    shutil.copy(SEED_PATHS["003"], second / "经开区.txt")
    shutil.copy(SEED_PATHS["001"], second / "西街.txt")
    out = tmp_path / "第二轮.xlsx"
    assert main(["audit", str(second), "--previous", str(first), "-o", str(out), "-j", "1"]) == 1
    said = capsys.readouterr().out
    assert "与上一稿比有新增错误 1 份" in said
    ws = openpyxl.load_workbook(out)["汇总"]
    rows = list(ws.iter_rows())
    heads = [c.value for c in rows[0]]
    col = heads.index("与上一稿比")
    cells = {Path(r[0].value).name: r[col] for r in rows[1:]}
    assert cells["大连街.txt"].value == "数字变化 2 处；问题已改正 1、新增 1、仍有 4（新增错误 1）"
    assert cells["经开区.txt"].value == "数字变化 0 处；问题已改正 0、新增 0、仍有 3"
    assert cells["西街.txt"].value == "上一轮没有同名的一稿"
    assert cells["大连街.txt"].hyperlink.target == "第二轮_报告/大连街_变化.txt"
    text = (tmp_path / "第二轮_报告" / "大连街_变化.txt").read_text("utf-8")
    assert "说明九\t“政府采购 货物”\t金额\t19.50 → 19.60（+0.10）\t第494行" in text
    assert "错误\tN-PROCUREMENT\t二稿第494行" in text
    assert not (tmp_path / "第二轮_报告" / "西街_变化.txt").exists()
    # --json: each line carries the comparison's counts.
    assert main(["audit", str(second), "--previous", str(first), "--json", "-j", "1"]) == 1
    lines = {Path(d["file"]).name: d for d in map(json.loads, capsys.readouterr().out.splitlines())}
    assert lines["大连街.txt"]["compare"]["summary"]["fixed"] == 1
    assert lines["大连街.txt"]["compare"]["previous"] == str(first / "大连街.txt")
    assert lines["西街.txt"]["compare"] == {"previous": None, "note": "上一轮没有同名的一稿"}
    # A previous round that is not a folder: refused before any work.
    assert main(["audit", str(second), "--previous", str(tmp_path / "无"), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "上一轮的文件夹不存在" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_change_diff_is_new_minus_old() -> None:
    ch = Change("table", "changed", "表6", "“印刷费”", "合计", 0.24, 0.34)
    assert ch.diff == 0.1
    assert Change("table", "added", "表12", "“某项目”", "合计", None, 5.0).diff == 5.0
    assert Change("table", "renamed", "表2", "20604", "名称", "a", "b").diff is None


def test_another_unit_and_year_said_first() -> None:
    """000 (阳泉…大连街管理服务中心, 2026) against 001 (晋城…西街街道办事处, 2024): not two drafts
    of one disclosure, and the comparison says so before any figure."""
    from xltools.cli.compare_text import to_text

    c = compare_documents(_doc("000"), _doc("001"))
    assert [(d.row, d.old, d.new) for d in c.document] == [
        ("单位", "阳泉高新技术产业开发区大连街管理服务中心", "晋城市城区人民政府西街街道办事处"), ("年度", 2026, 2024)]
    lines = to_text(c).splitlines()
    assert lines[2] == "注意：单位名称不同：阳泉高新技术产业开发区大连街管理服务中心 → 晋城市城区人民政府西街街道办事处"
    assert lines[3] == "注意：年度不同：2026 → 2024"


def test_the_pdf_against_its_text(read: Callable[[str], tuple[Extracted, Document]]) -> None:
    """The PDF printed from 000 (tests/docgen.py) against the text: other lines, the same
    disclosure; each finding remains, cited on the PDF's lines and pages. The PDF is the
    session's reading (conftest.py `read`), shared with the PDF tests."""
    from xltools.cli.compare_text import to_json

    data = to_json(compare_documents(_doc("000"), read("000")[1]))
    assert data["figures"] == [] and data["document"] == []
    assert data["summary"]["remaining"] == 5 and data["summary"]["fixed"] == data["summary"]["new"] == 0
    remaining = data["findings"]["remaining"]
    share = next(f for f in remaining if f["key"] == "N-SHARE:说明二/上年结转/占比")
    assert sorted(w["line"] for w in share["old_where"]) == [126, 127, 445]
    assert all("page" in w for w in share["new_where"]) and all("page" not in w for w in share["old_where"])
