"""`xltools audit`: the summary workbook agrees with `check --json` on every file, broken files
are rows and never stop the batch, exit codes, JSON lines, no overwriting by surprise."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from book_files import book_values
from conftest import SEED_PATHS

from xltools.cli.main import main

UNITS = {"000": "阳泉高新技术产业开发区大连街管理服务中心", "001": "晋城市城区人民政府西街街道办事处",
         "003": "晋城经济技术开发区管理委员会"}
YEARS = {"000": 2026, "001": 2024, "003": 2026}
# Errors the independent review of the seeds found (tests/fixtures README in shared/seeds).
ERRORS = {"000": 1, "001": 7, "003": 0}
SEV = {"error": "错误", "warning": "提示", "info": "尾差"}


def check_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    main(["check", str(path), "--json"])
    return json.loads(capsys.readouterr().out)


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows())
    heads = [c.value for c in rows[0]]
    return [dict(zip(heads, r)) for r in rows[1:]]


@pytest.fixture(scope="module")
def seeds_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """`xltools audit <folder>` run once from a fresh directory, default output names."""
    work = tmp_path_factory.mktemp("audit")
    folder = work / "drafts"
    folder.mkdir()
    for p in SEED_PATHS.values():
        shutil.copy(p, folder / p.name)
    (folder / "README.md").write_text("not a .txt: a folder contributes only its .txt files", encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.chdir(work)
    try:
        rc = main(["audit", "drafts"])
    finally:
        mp.undo()
    return work, rc


def test_summary_rows_agree_with_check_json(seeds_audit: tuple[Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    work, rc = seeds_audit
    assert rc == 1  # 000 and 001 have errors
    book = work / "审核汇总.xlsx"
    rows = {r["文件"].value: r for r in sheet_rows(book, "汇总")}
    assert set(rows) == {f"drafts/{p.name}" for p in SEED_PATHS.values()}
    for key, seed in SEED_PATHS.items():
        row = rows[f"drafts/{seed.name}"]
        want = check_json(work / "drafts" / seed.name, capsys)
        assert row["单位"].value == want["document"]["unit"] == UNITS[key]
        assert row["类型"].value == want["document"]["kind"] == "单位"
        assert row["年度"].value == want["document"]["year"] == YEARS[key]
        assert row["读到的表"].value == sum(t is not None for t in want["tables"].values()) == 13
        assert row["读到的表"].number_format == '0"/13"'
        assert row["错误"].value == want["summary"]["error"] == ERRORS[key]
        assert row["提示"].value == want["summary"]["warning"]
        assert row["尾差"].value == want["summary"]["info"]
        assert row["结论"].value == ("有错误" if ERRORS[key] else "有提示")
        first = [f for f in want["findings"] if f["severity"] != "info"][0]
        assert row["前几条问题"].value.startswith(f"{SEV[first['severity']]}：{first['message']}")
        assert row["前几条问题"].alignment.wrap_text
        # The link is relative to the summary and opens the document's own report.
        link = row["报告"].hyperlink.target
        assert link == f"审核汇总_报告/{seed.stem}.txt"
        report = (work / link).read_text(encoding="utf-8")
        assert report.startswith(f"文件：drafts/{seed.name}\n单位：{UNITS[key]}")
        assert "核对覆盖" in report  # the report carries the coverage ledger


def test_summary_is_sorted_worst_first_and_printable(seeds_audit: tuple[Path, int]) -> None:
    work, _ = seeds_audit
    wb = openpyxl.load_workbook(work / "审核汇总.xlsx")
    ws = wb["汇总"]
    assert [r[0] for r in ws.iter_rows(min_row=2, max_col=1, values_only=True)] == [
        "drafts/001_4c4beb285f788113.txt", "drafts/000_3cbdfbba338dedd0.txt", "drafts/003_5ca8f1ce3fa7ccd0.txt"]
    assert wb.sheetnames == ["汇总", "全部问题"]
    for sheet in wb:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
    # Wide enough for the longest unit name on one line (1.5 width units a Chinese character).
    assert ws.column_dimensions["B"].width >= 1.5 * len(UNITS["000"])
    assert ws.column_dimensions["J"].width == 60
    # Rows are as tall as their wrapped findings (spreadsheets do not grow them on opening).
    assert ws.row_dimensions[2].height >= 4 * 14


def test_all_findings_sheet_lists_every_finding(seeds_audit: tuple[Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    work, _ = seeds_audit
    rows = sheet_rows(work / "审核汇总.xlsx", "全部问题")
    for key, seed in SEED_PATHS.items():
        want = check_json(work / "drafts" / seed.name, capsys)["findings"]
        got = [r for r in rows if r["文件"].value == f"drafts/{seed.name}"]
        # Every error and warning on its row, as `check` gives it; the 尾差 of one rule on one
        # row, where its first one was, counted ("… 尾差 ×4"); a rule's only 尾差 as it is.
        tails = Counter(f["rule"] for f in want if f["severity"] == "info" and not f["rule"].startswith("READ-"))
        expected: list[tuple[str, str, str]] = []
        for f in want:
            n = tails.get(f["rule"], 0) if f["severity"] == "info" else 0
            if n <= 1:
                expected.append((f["rule"], SEV[f["severity"]], f["message"]))
            elif f["rule"] not in {e[0] for e in expected}:
                expected.append((f["rule"], "尾差", f"尾差 ×{n}"))
        seen = [(r["规则"].value, r["级别"].value, r["说明"].value) for r in got]
        assert len(seen) == len(expected) < len(want)
        for (rule, sev, msg), (w_rule, w_sev, w_msg) in zip(seen, expected):
            assert (rule, sev) == (w_rule, w_sev)
            assert msg == w_msg if not w_msg.startswith("尾差 ×") else msg.endswith(" " + w_msg)
        assert {r["单位"].value for r in got} == {UNITS[key]}
    growth = next(r for r in rows if r["规则"].value == "N-GROWTH" and r["文件"].value.endswith("001_4c4beb285f788113.txt"))
    assert growth["级别"].value == "错误" and "611" in growth["行"].value.split("、")
    assert growth["行"].data_type == "s"


def broken_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    seed = SEED_PATHS["003"].read_bytes()
    (folder / "003.txt").write_bytes(seed)
    # A seed cut in the middle of a UTF-8 character, and bytes that are no text at all.
    (folder / "truncated.txt").write_bytes(seed[:6001] + b"\xe6\x88" + seed[6001:9000])
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "notes.txt").write_text("会议纪要：本周讨论预算编制进度，下周一前提交初稿。\n", encoding="utf-8")
    return folder


def test_broken_files_are_rows_not_a_stop(tmp_path: Path) -> None:
    folder = broken_folder(tmp_path)
    out = tmp_path / "汇总.xlsx"
    rc = main(["audit", str(folder), "-o", str(out)])
    assert rc == 1  # an unreadable draft cannot pass review
    rows = {Path(r["文件"].value).name: r for r in sheet_rows(out, "汇总")}
    assert set(rows) == {"003.txt", "truncated.txt", "binary.txt", "notes.txt"}
    assert rows["003.txt"]["结论"].value == "有提示" and rows["003.txt"]["错误"].value == 0
    assert rows["003.txt"]["单位"].value == UNITS["003"]
    for name, why in (("binary.txt", "文件不是文本"), ("notes.txt", "未找到任何预算公开表"),
                      ("truncated.txt", "无法识别的文字编码")):
        row = rows[name]
        assert row["结论"].value == "无法读取"
        assert why in row["前几条问题"].value and "cannot read" in row["前几条问题"].value
        assert row["错误"].value is None and row["单位"].value is None
    # Unreadable rows come first: they need attention before any other.
    first = sheet_rows(out, "汇总")[0]
    assert first["结论"].value == "无法读取"
    problems = [r for r in sheet_rows(out, "全部问题") if r["级别"].value == "无法读取"]
    assert {Path(r["文件"].value).name for r in problems} == {"truncated.txt", "binary.txt", "notes.txt"}
    report = (tmp_path / "汇总_报告" / "binary.txt").read_text(encoding="utf-8")
    assert "文件不是文本" in report


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = tmp_path / "ok"
    ok.mkdir()
    shutil.copy(SEED_PATHS["003"], ok / "003.txt")
    assert main(["audit", str(ok), "-o", str(tmp_path / "a.xlsx")]) == 0
    assert "已审核 1 份：有错误 0 份，有提示 1 份" in capsys.readouterr().out
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"\x00\x01\x02" * 100)
    (bad / "y.txt").write_text("不是预算公开\n", encoding="utf-8")
    assert main(["audit", str(bad), "-o", str(tmp_path / "b.xlsx")]) == 2
    assert (tmp_path / "b.xlsx").exists()  # the rows say why
    assert main(["audit", str(tmp_path / "nowhere.txt"), "-o", str(tmp_path / "c.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "nowhere.txt：文件不存在 / file not found" in err and "没有可审核的文件" in err
    assert not (tmp_path / "c.xlsx").exists()
    # A missing path beside a readable one: a message, and the others are audited.
    assert main(["audit", str(tmp_path / "nowhere.txt"), str(SEED_PATHS["000"]), "-o", str(tmp_path / "d.xlsx")]) == 1
    assert "nowhere.txt：文件不存在" in capsys.readouterr().err


def test_json_lines_match_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = broken_folder(tmp_path)
    shutil.copy(SEED_PATHS["000"], folder / "000.txt")
    capsys.readouterr()
    rc = main(["audit", str(folder / "*.txt"), "--json"])  # a glob, as cmd.exe passes it
    cap = capsys.readouterr()
    lines = [json.loads(s) for s in cap.out.splitlines()]
    assert rc == 1
    assert [Path(d["file"]).name for d in lines] == ["000.txt", "003.txt", "binary.txt", "notes.txt", "truncated.txt"]
    assert "已审核 5 份" in cap.err  # stdout holds only the JSON lines
    assert "%|" not in cap.err  # no progress bar when stderr is not a terminal
    for d in lines[:2]:
        want = check_json(Path(d["file"]), capsys)
        assert {k: v for k, v in d.items() if k != "file"} == want
    assert lines[0]["summary"]["error"] == 1 and lines[0]["document"]["unit"] == UNITS["000"]
    assert "文件不是文本" in lines[2]["unreadable"]
    # --json alone writes no workbook and no reports.
    assert not list(tmp_path.glob("*.xlsx")) and not list(Path.cwd().glob("审核汇总*"))


def test_refuses_to_overwrite_then_keeps_bak(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"previous summary")
    assert main(["audit", str(SEED_PATHS["003"]), "-o", str(out)]) == 2
    assert "文件已存在，未覆盖" in capsys.readouterr().err
    assert out.read_bytes() == b"previous summary"
    assert not (tmp_path / "汇总_报告").exists()  # refused before any work
    assert main(["audit", str(SEED_PATHS["003"]), "-o", str(out), "--force"]) == 0
    assert (tmp_path / "汇总.xlsx.bak").read_bytes() == b"previous summary"
    assert sheet_rows(out, "汇总")[0]["单位"].value == UNITS["003"]
    assert not list(tmp_path.glob(".xltools-*"))  # no temporary file left behind


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "=HYPERLINK(1)+SUM(A1).txt"
    shutil.copy(SEED_PATHS["003"], tmp_path / name)
    monkeypatch.chdir(tmp_path)
    assert main(["audit", name, "-o", "s.xlsx", "--reports", "r"]) == 0
    row = sheet_rows(tmp_path / "s.xlsx", "汇总")[0]
    assert row["文件"].value == name and row["文件"].data_type == "s"
    assert row["报告"].value == "=HYPERLINK(1)+SUM(A1).txt" and row["报告"].data_type == "s"
    assert row["报告"].hyperlink.target == "r/=HYPERLINK(1)+SUM(A1).txt"
    assert (tmp_path / "r" / name).exists()
    findings = sheet_rows(tmp_path / "s.xlsx", "全部问题")
    assert all(r["文件"].data_type == "s" for r in findings)


def test_same_name_in_two_folders_gets_two_reports(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(SEED_PATHS["003"], tmp_path / sub / "draft.txt")
    out = tmp_path / "s.xlsx"
    assert main(["audit", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out)]) == 0
    links = sorted(r["报告"].hyperlink.target for r in sheet_rows(out, "汇总"))
    assert links == ["s_报告/draft.txt", "s_报告/draft_2.txt"]
    # A second run over the parent folder must not audit the first run's reports.
    assert main(["audit", str(tmp_path), "-o", str(out), "--force"]) == 0
    assert len(sheet_rows(out, "汇总")) == 2


def test_workbooks_are_imported_and_linked(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    assert main(["audit", str(SEED_PATHS["003"]), "-o", str(out), "--workbooks", str(tmp_path / "wb")]) == 0
    row = sheet_rows(out, "汇总")[0]
    assert row["工作簿"].hyperlink.target == "wb/003_5ca8f1ce3fa7ccd0.xlsx"
    values = book_values(tmp_path / "wb" / "003_5ca8f1ce3fa7ccd0.xlsx")
    assert "校验" in values and "表12 项目支出本年" in values
    # With its values: a viewer that does not recalculate shows 003's 收入总计, not a blank.
    t1 = values["表1 收支总表"]
    rows = [r for r in range(1, t1.max_row + 1) if t1.cell(r, 1).value == "收入总计"]
    assert rows and isinstance(t1.cell(rows[0], 2).value, float) and t1.cell(rows[0], 2).value > 0
    assert 8530.80 in [t1.cell(rows[0], c).value for c in range(3, 20)]  # the printed figure, as 原表数


def test_progress_bar_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    from xltools.cli.audit import Task, run

    results = list(run([Task(str(SEED_PATHS["000"])), Task(str(SEED_PATHS["003"]))], progress=True))
    assert [r.error for r in results] == [1, 0]
    assert "审核: 100%" in capsys.readouterr().err
