"""Explanations kept: `xltools accept` records why a finding is not a problem beside the
document; `check` then lists it as 已说明, counts it apart, and reports an explanation whose
finding is gone as stale; `--strict` decides the exit code on what is neither fixed nor
explained. The same from a workbook's 问题 sheet (a reason typed into its 说明 column)."""
from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import openpyxl
import pytest

from conftest import SEED_PATHS

from xltools.cli.main import main
from xltools.evaluation.accepted import Acceptance, dumps, parse
from xltools.rules.reading import read_document
from xltools.workbook.engine import load_model
from xltools.workbook.import_file import import_document
from xltools.workbook.problems import EXPLAIN_COL, FIRST, KEY_COL

ERROR = "N-SHARE:说明二/上年结转/占比"  # 000: 上年结转 "占0%"
WARNINGS = ("P-MISSING:表12/2026年社区运转经费（区级）/合计", "P-MISSING:表12/2026年长聘工会经费/合计",
            "P-NAME:绩效目标表/长岭溢洞工程欠款/年度资金总额", "P-COUNT:说明十/绩效:公开:个数/数量")
UNION = WARNINGS[1]


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "预算公开.txt"
    shutil.copyfile(SEED_PATHS["000"], path)
    return path


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    rc = main(["check", *args, "--json"])
    return rc, json.loads(capsys.readouterr().out)


def _accept(capsys: pytest.CaptureFixture[str], key: str, path: Path, reason: str, *more: str) -> tuple[int, str, str]:
    rc = main(["accept", key, str(path), "--reason", reason, *more])
    got = capsys.readouterr()
    return rc, got.out, got.err


def test_accept_records_beside_the_document_and_check_shows_it_explained(draft: Path, capsys) -> None:
    rc, out = _check(capsys, str(draft))
    assert rc == 1 and out["summary"] == {"error": 1, "warning": 4, "info": 23, "accepted": 0, "stale": 0}
    assert {f["key"] for f in out["findings"] if f["severity"] != "info"} == {ERROR, *WARNINGS}

    rc, said, _ = _accept(capsys, UNION, draft, "工会经费 0.51 万元，未达到编制绩效目标的金额", "--by", "王芳")
    assert rc == 0 and "已记录说明（提示）" in said
    record = draft.with_name("预算公开.accepted.toml")
    data = tomllib.loads(record.read_text("utf-8"))
    assert data["accepted"] == [{"key": UNION, "reason": "工会经费 0.51 万元，未达到编制绩效目标的金额", "by": "王芳",
                                 "at": data["accepted"][0]["at"],
                                 "finding": "表12“2026年长聘工会经费”（第405行）（0.51 万元）没有绩效目标表"}]

    rc, out = _check(capsys, str(draft))
    assert out["summary"] == {"error": 1, "warning": 3, "info": 23, "accepted": 1, "stale": 0}
    union = next(f for f in out["findings"] if f["key"] == UNION)
    assert union["accepted"]["reason"].startswith("工会经费") and union["accepted"]["by"] == "王芳"
    assert union["accepted"]["changed"] is False
    assert "已说明 1 条（错误 0 条、提示 1 条）" in out["headline"]

    main(["check", str(draft)])
    text = capsys.readouterr().out
    explained = text.split("已说明（1 条）：")[1]
    assert f"已说明（提示）\tP-MISSING\t第405行\t表12“2026年长聘工会经费”" in explained
    assert "　　说明：工会经费 0.51 万元，未达到编制绩效目标的金额（王芳，" in explained
    before = text.split("已说明（1 条）：")[0]
    assert f"[{UNION}]" not in before and f"提示\tP-MISSING\t第401行" in before  # the other one stays open
    assert f"\t[{ERROR}]" in before  # each line ends with the key `accept` takes


def test_strict_and_the_accepted_error(draft: Path, capsys) -> None:
    """Default: only errors fail, and an explained error still fails. --strict: every error
    and warning must be fixed or explained, and an explained one then passes."""
    assert _check(capsys, str(draft))[0] == 1
    assert _check(capsys, str(draft), "--strict")[0] == 1
    rc, _, err = _accept(capsys, ERROR, draft, "按单位口径，上年结转不计入收入占比")
    assert rc == 0 and "只有加 --strict 时才视为已处理" in err
    rc, out = _check(capsys, str(draft))
    assert rc == 1 and out["summary"]["error"] == 0 and out["summary"]["accepted"] == 1
    assert "未发现错误" not in out["headline"]  # an explained error is still an error
    assert _check(capsys, str(draft), "--strict")[0] == 1  # four warnings neither fixed nor explained
    for key in WARNINGS[:3]:
        assert _accept(capsys, key, draft, "已核实")[0] == 0
    assert _check(capsys, str(draft), "--strict")[0] == 1  # one warning left
    assert _accept(capsys, WARNINGS[3], draft, "两个项目合并公开")[0] == 0
    rc, out = _check(capsys, str(draft), "--strict")
    assert rc == 0 and out["summary"] == {"error": 0, "warning": 0, "info": 23, "accepted": 5, "stale": 0}
    assert _check(capsys, str(draft))[0] == 1  # without --strict the explained error still fails


def test_a_second_draft_keeps_the_explanations_and_reports_the_stale_one(draft: Path, capsys) -> None:
    _accept(capsys, ERROR, draft, "口径说明")
    _accept(capsys, UNION, draft, "金额小")
    # The second draft corrects the share and gains a line near the top: every later line moves.
    text = draft.read_text("utf-8").replace("上年结转99.05万元，占0%", "上年结转99.05万元，占7.79%")
    lines = text.split("\n")
    second = draft.with_name("二稿.txt")
    second.write_text("\n".join(lines[:10] + ["（二稿）"] + lines[10:]), "utf-8")
    shutil.copyfile(draft.with_name("预算公开.accepted.toml"), second.with_name("二稿.accepted.toml"))
    rc, out = _check(capsys, str(second))
    assert rc == 0 and out["summary"] == {"error": 0, "warning": 3, "info": 23, "accepted": 1, "stale": 1}
    union = next(f for f in out["findings"] if f["key"] == UNION)
    assert union["where"][0]["line"] == 406 and union["accepted"]["changed"] is False
    assert [(s["key"], s["reason"]) for s in out["stale"]] == [(ERROR, "口径说明")]
    main(["check", str(second)])
    text = capsys.readouterr().out
    assert "过期的说明（1 条，对应的问题已不存在" in text
    assert f"过期的说明\t二稿.accepted.toml:4\t[{ERROR}]\t口径说明（" in text  # its [[accepted]] line


def test_reaccepting_updates_in_place_and_keeps_a_backup(draft: Path, capsys) -> None:
    _accept(capsys, UNION, draft, "第一次")
    _accept(capsys, WARNINGS[0], draft, "区级项目")
    rc, said, _ = _accept(capsys, UNION, draft, "第二次")
    assert rc == 0 and "已更新说明" in said
    record = draft.with_name("预算公开.accepted.toml")
    entries = tomllib.loads(record.read_text("utf-8"))["accepted"]
    assert [(e["key"], e["reason"]) for e in entries] == [(UNION, "第二次"), (WARNINGS[0], "区级项目")]
    previous = tomllib.loads(record.with_name(record.name + ".bak").read_text("utf-8"))["accepted"]
    assert [(e["key"], e["reason"]) for e in previous] == [(UNION, "第一次"), (WARNINGS[0], "区级项目")]


def test_an_unknown_key_is_refused_with_the_close_ones(draft: Path, capsys) -> None:
    rc, _, err = _accept(capsys, "P-MISSING:表12/2026年长聘工会/合计", draft, "x")
    assert rc == 2 and "Traceback" not in err
    assert "没有编号为 P-MISSING:表12/2026年长聘工会/合计 的问题" in err and "no finding has the key" in err
    assert UNION in err  # the close one
    assert not draft.with_name("预算公开.accepted.toml").exists()


@pytest.mark.parametrize("content,line,zh", [
    ('[[accepted]]\nkey = "a"\nreason = "没有结尾的引号\n', 3, "不是有效的 TOML"),
    ('[[accepted]]\nkey = "a"\nreason = "x"\n\n[[accepted]]\nkey = "b"\n', 5, "第 2 条说明缺少“reason”"),
    ('[[accepted]]\nkey = "a"\nreason = "x"\nby = 3\n', 1, "“by”应为文字"),
])
def test_a_malformed_record_names_its_file_and_line(draft: Path, capsys, content: str, line: int, zh: str) -> None:
    record = draft.with_name("预算公开.accepted.toml")
    record.write_text(content, "utf-8")
    rc = main(["check", str(draft)])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    assert f"{record}:{line}" in err and zh in err and "the explanations file is malformed" in err
    # accept refuses too, and leaves the user's file as it was
    assert _accept(capsys, UNION, draft, "x")[0] == 2
    assert record.read_text("utf-8") == content


def test_the_file_format_round_trips_any_reason() -> None:
    tricky = Acceptance("P-NAME:绩效目标表/“两馆一站”免费开放资金/年度资金总额",
                        'a "quoted" \\ back\nslash\ttab \x01', "王芳", "2026-03-02 10:15", "表12“x”（第3行）")
    text = dumps([tricky, Acceptance("k2", "二")])
    back = parse(text, Path("x.accepted.toml"))
    assert [(a.key, a.reason, a.by, a.at, a.finding) for a in back] == [
        (tricky.key, tricky.reason, "王芳", "2026-03-02 10:15", "表12“x”（第3行）"), ("k2", "二", "", "", "")]
    assert back[1].origin == "x.accepted.toml:11"  # the line of its [[accepted]]


def test_a_reason_typed_into_the_problems_sheet_is_an_explanation(tmp_path: Path, capsys) -> None:
    doc = read_document(SEED_PATHS["000"])
    book = import_document(doc, tmp_path / "预算公开.xlsx", recalc=None)  # recalculated once, below
    wb = openpyxl.load_workbook(book)
    ws = wb["问题"]
    assert ws.cell(FIRST - 1, EXPLAIN_COL).value.startswith("说明") and ws.column_dimensions["N"].hidden
    # The import's rows (a live row below them looks its key up: a formula).
    keys = {v: r for r in range(FIRST, ws.max_row + 1) if (v := ws.cell(r, KEY_COL).value) and not v.startswith("=")}
    assert set(keys) == {ERROR, *WARNINGS}  # the same keys as the text's findings
    row = keys[WARNINGS[3]]
    ws.cell(row, EXPLAIN_COL).value = "公开的 20 个含两个合并公开的项目"
    wb.save(book)
    load_model(book).write(book)  # the cached values an Excel save would keep
    rc, out = _check(capsys, str(book))
    assert rc == 1 and out["summary"]["accepted"] == 1 and out["summary"]["error"] == 1
    count = next(f for f in out["findings"] if f["key"] == WARNINGS[3])
    assert count["accepted"]["reason"] == "公开的 20 个含两个合并公开的项目"
    assert count["accepted"]["origin"] == f"问题!M{row}"
    assert {f["key"] for f in out["findings"] if f["severity"] != "info"} == {ERROR, *WARNINGS}
    # `accept` on the workbook writes the file beside it (the document's, when the stems agree);
    # with it explaining the rest, the sheet's reason and the file's together pass a strict check.
    assert _accept(capsys, ERROR, book, "按单位口径")[0] == 0
    record = book.with_name("预算公开.accepted.toml")
    rest = [Acceptance(k, "已核实") for k in WARNINGS[:3]]
    record.write_text(record.read_text("utf-8") + "\n" + dumps(rest).split("\n", 2)[2], "utf-8")
    rc, out = _check(capsys, str(book), "--strict")
    assert rc == 0 and out["summary"]["accepted"] == 5 and out["summary"]["warning"] == 0
    assert next(f for f in out["findings"] if f["key"] == WARNINGS[3])["accepted"]["origin"] == f"问题!M{row}"
