"""xltools doctor: says what to fix, exit 0 when all is well."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from xltools.doctor import check_addin, check_python, check_template, run_doctor


def test_doctor_all_good_here() -> None:
    code, text = run_doctor()
    assert code == 0 and "全部正常 / all good" in text and "xlwings" in text


def test_old_python_is_flagged_with_the_fix() -> None:
    c = check_python((3, 9, 7))
    assert not c.ok and "3.10" in c.zh and "PATH" in c.fix


def test_addin_version_mismatch() -> None:
    assert not check_addin("0.37.8", "0.30.1", on_windows=True).ok
    missing = check_addin("0.37.8", None, on_windows=True)
    assert not missing.ok and missing.fix == "xlwings addin install"
    assert check_addin("0.37.8", "0.37.8", on_windows=True).ok


def test_template_version_checked(tmp_path: Path) -> None:
    wb = Workbook()
    wb.properties.version = "0.0.1"
    wb.save(tmp_path / "t.xlsx")
    c = check_template(tmp_path, "0.1.0")
    assert not c.ok and "xltools template -o" in c.fix
    assert check_template(tmp_path, "0.0.1").ok
