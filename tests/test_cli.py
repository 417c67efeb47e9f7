"""The command line as a user runs it: exit codes, the summary, the JSON shape."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import SEED_PATHS

from xltools.cli.main import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xltools.cli.main", *args], capture_output=True, text=True, timeout=120)


def test_check_json_shape_and_totals(capsys) -> None:
    rc = main(["check", str(SEED_PATHS["000"]), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1  # 000 has one error: 上年结转 "占0%"
    assert out["document"] == {"unit": "阳泉高新技术产业开发区大连街管理服务中心", "kind": "单位", "year": 2026}
    assert set(out["tables"]) == {str(n) for n in range(1, 14)}
    assert out["tables"]["1"]["total"] == 1271.91
    assert out["tables"]["2"]["total"] == 1172.86
    assert out["tables"]["3"]["total"] == 1271.91
    assert out["tables"]["6"]["total"] == 171.30
    assert out["tables"]["12"]["total"] == 1001.56
    assert out["tables"]["13"]["total"] == 99.05
    for n in (7, 8, 9, 10, 11):
        assert out["tables"][str(n)]["empty"] is True and out["tables"][str(n)]["total"] is None
    assert out["summary"]["error"] == 1
    f = next(f for f in out["findings"] if f["severity"] == "error")
    assert set(f) >= {"rule", "severity", "message", "expected", "actual", "diff", "where"}
    assert {"line": 445} in [{k: v for k, v in w.items() if k == "line"} for w in f["where"]]
    assert f["expected"] == 7.79


def test_check_text_summary_in_chinese(capsys) -> None:
    rc = main(["check", str(SEED_PATHS["003"])])
    out = capsys.readouterr().out
    assert rc == 0  # 003 has warnings only
    assert "晋城经济技术开发区管理委员会" in out
    assert "错误 0 条" in out


def test_missing_file_exit_2() -> None:
    r = run("check", "/nonexistent/x.txt")
    assert r.returncode == 2
    assert "文件不存在" in r.stderr and "file not found" in r.stderr and "/nonexistent/x.txt" in r.stderr
    assert "Traceback" not in r.stderr


def test_demo_writes_outputs(tmp_path: Path) -> None:
    r = run("demo", str(tmp_path / "demo"))
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "demo" / "check.json").read_text(encoding="utf-8"))
    assert data["tables"]["1"]["total"] == 1271.91
    assert (tmp_path / "demo" / "check.txt").read_text(encoding="utf-8").startswith("文件：")


def test_check_of_a_workbook_that_is_not_ours_is_a_clear_error(tmp_path, capsys) -> None:
    import openpyxl

    from xltools.cli.main import main

    plain = tmp_path / "别人的.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "预算"
    wb.save(plain)
    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(b"not a zip")
    assert main(["check", str(plain)]) == 2
    err = capsys.readouterr().err
    assert "别人的.xlsx" in err and "不是 xltools 工作簿" in err and "not an xltools workbook" in err
    assert main(["check", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "坏的.xlsx" in err and "不是可读取的 Excel 工作簿" in err and "Traceback" not in err
