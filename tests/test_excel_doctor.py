"""xltools doctor: each item the Windows guide asks for, 通过 / 未通过 with the fix / 不适用;
exit 1 only when a required item fails. The Windows items run against a fake registry and
fake files, so they are tested on any system."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Mapping

from openpyxl import Workbook

from xltools.cli.doctor import UDF_MODULE, Check, ExcelInfo, RegistryRead, addin_version, check_addin, check_command, check_excel, check_interpreter, check_libreoffice, check_macro_security, check_module, check_package, check_python, check_reader, check_template, check_udf_modules, check_vba_access, collect, excel_info, find_soffice, packaged_addin, read_xlwings_config, render, run_doctor, soffice_message

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "WINDOWS.md"
EXCEL_CLSID = "{00024500-0000-0000-C000-000000000046}"


def registry(values: Mapping[tuple[str, str], object]) -> RegistryRead:
    """A fake registry reader: {(key, value name): value}."""
    def read(hive: str, key: str, name: str = "") -> object:
        return values.get((key, name))

    return read


OFFICE16 = {
    (r"Excel.Application\CurVer", ""): "Excel.Application.16",
    (r"Excel.Application\CLSID", ""): EXCEL_CLSID,
    (rf"CLSID\{EXCEL_CLSID}\LocalServer32", ""): r"C:\PROGRA~1\MICROS~1\Office16\EXCEL.EXE /automation",
}


def test_doctor_passes_here() -> None:
    code, text = run_doctor()
    assert code == 0, text
    assert "[未通过]" not in text and "xlwings" in text and "解释器 / interpreter:" in text
    if sys.platform != "win32":
        # Linux: the Excel items are one "does not apply" line, never failures.
        assert "[不适用] Excel 各项" in text


def test_the_command_exits_1_only_for_a_required_failure() -> None:
    assert render([Check(True, "a", "a"), Check(None, "b", "b")])[0] == 0
    code, text = render([Check(False, "可选的", "optional", "fix-o", required=False)])
    assert code == 0 and "[未通过·可选] 可选的" in text and "修复 / fix: fix-o" in text and "必需项全部正常" in text
    code, text = render([Check(False, "必需的", "required", "fix-r"), Check(True, "好", "good")])
    assert code == 1 and "[未通过] 必需的 / required" in text and "修复 / fix: fix-r" in text
    assert "[通过] 好 / good" in text and "1 项必需项未通过" in text
    assert render([Check(True, "a", "a")])[1].endswith("全部正常 / all good")


def test_every_failing_item_names_its_fix() -> None:
    # A bare Windows: no Excel, no add-in, no settings (whatever this machine has).
    for c in collect(on_windows=True, read=registry({})):
        assert c.ok is not False or c.fix, c


def test_doctor_runs_as_a_command() -> None:
    r = subprocess.run([sys.executable, "-m", "xltools.cli.main", "doctor"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "安装检查" in r.stdout and "Traceback" not in r.stderr


def test_old_python_is_flagged_with_the_fix() -> None:
    c = check_python((3, 9, 7), platform="win32")
    assert not c.ok and "3.11" in c.zh and "3.12" in c.zh and "PATH" in c.fix
    # Each system its own way to get Python: no Windows installer advice on Linux or macOS.
    linux = check_python((3, 9, 7), platform="linux")
    assert "apt-get install python3" in linux.fix and "python.org/downloads/windows" not in linux.fix
    assert "brew install python@3.12" in check_python((3, 9, 7), platform="darwin").fix
    assert check_python((3, 11, 0), 64).ok and not check_python((3, 10, 14), 64).ok and "64 位" in check_python((3, 12, 1), 64).zh


def test_package_and_pins(tmp_path: Path) -> None:
    assert check_package("0.1.0").ok
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    c = check_package("", source=tmp_path, platform="win32")
    assert not c.ok and f'cd /d "{tmp_path}"' in c.fix and "-m pip install ." in c.fix
    assert f'cd "{tmp_path}"' in check_package("", source=tmp_path, platform="linux").fix
    wrong = check_module("formulas", "formulas", pinned="0.0.1")
    assert not wrong.ok and "formulas==0.0.1" in wrong.fix and sys.executable in wrong.fix
    missing = check_module("no-such-dist-xltools", "no_such_module_xltools")
    assert not missing.ok and missing.required and missing.fix.endswith("-m pip install no-such-dist-xltools")


def test_command_on_path_is_optional() -> None:
    c = check_command(lambda name: None, scripts=r"C:\Python312\Scripts")
    assert c.ok is False and not c.required and r"C:\Python312\Scripts" in c.fix and "python -m xltools.cli.main" in c.zh
    assert check_command(lambda name: "/usr/bin/xltools").ok


def test_excel_version_and_wps_from_the_registry() -> None:
    info = excel_info(registry(OFFICE16))
    assert info.major == 16 and "EXCEL.EXE" in (info.server or "")
    ok = check_excel(info, on_windows=True)
    assert ok.ok and "Microsoft 365" in ok.zh
    wps = check_excel(ExcelInfo(16, r"C:\Users\u\AppData\Local\Kingsoft\WPS Office\office6\et.exe /Automation"), True)
    assert not wps.ok and "WPS" in wps.zh and "快速修复" in wps.fix
    assert not check_excel(ExcelInfo(None, None), True).ok
    assert check_excel(ExcelInfo(None, None, r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE"), True).ok
    old = check_excel(ExcelInfo(12, None), True)
    assert not old.ok and "2010" in old.zh
    assert check_excel(ExcelInfo(None, None), on_windows=False).ok is None


def test_addin_version_mismatch() -> None:
    assert not check_addin("0.37.8", "0.30.1", on_windows=True).ok
    missing = check_addin("0.37.8", None, on_windows=True)
    assert not missing.ok and "xlwings addin install" in missing.fix and "关闭所有 Excel" in missing.fix
    assert check_addin("0.37.8", "0.37.8", on_windows=True).ok
    assert check_addin("0.37.8", None, on_windows=False).ok is None  # not a failure off Windows


def test_installed_addin_compared_with_the_packaged_one(tmp_path: Path) -> None:
    packaged = packaged_addin()
    assert packaged is not None and packaged.name == "xlwings.xlam"
    assert addin_version(str(tmp_path), packaged, "0.37.8") is None  # nothing installed
    xlstart = tmp_path / "Microsoft" / "Excel" / "XLSTART"
    xlstart.mkdir(parents=True)
    (xlstart / "xlwings.xlam").write_bytes(packaged.read_bytes())
    assert addin_version(str(tmp_path), packaged, "0.37.8") == "0.37.8"  # the very file install copies
    (xlstart / "xlwings.xlam").write_bytes(packaged.read_bytes() + b"older")
    other = addin_version(str(tmp_path), packaged, "0.37.8")
    assert other == "other" and not check_addin("0.37.8", other, True).ok


def test_xlwings_settings_file_is_read_as_xlwings_reads_it(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings.conf"
    conf.write_bytes('"INTERPRETER_WIN","C:\\用户\\张三\\Python312\\pythonw.exe"\n"UDF MODULES","a;xltools.excel.udfs"\n'
                     .encode("gbk"))
    config = read_xlwings_config(conf)
    assert config["interpreter_win"] == "C:\\用户\\张三\\Python312\\pythonw.exe"
    assert check_udf_modules(config, True).ok
    assert read_xlwings_config(tmp_path / "none.conf") == {}


def test_interpreter_that_excel_starts(tmp_path: Path) -> None:
    here = sys.executable
    assert check_interpreter({"interpreter_win": here}, True, current=here).ok
    gone = check_interpreter({"interpreter_win": str(tmp_path / "python.exe")}, True, current=here)
    assert not gone.ok and "不存在" in gone.zh and "Interpreter" in gone.fix
    other = tmp_path / "other" / "pythonw.exe"
    other.parent.mkdir()
    other.write_bytes(b"")
    without = check_interpreter({"interpreter_win": str(other)}, True, current=here, probe=lambda p: False)
    assert not without.ok and "没有安装 xltools" in without.zh
    assert check_interpreter({"interpreter_win": str(other)}, True, current=here, probe=lambda p: True).ok
    unset = check_interpreter({}, True, current=here, which=lambda n: None)
    assert not unset.ok and "pythonw" in unset.zh
    assert check_interpreter({}, False).ok is None


def test_udf_modules_are_optional() -> None:
    c = check_udf_modules({}, True)
    assert c.ok is False and not c.required and UDF_MODULE in c.fix and "Import Functions" in c.fix


def test_macro_settings() -> None:
    key = r"Software\Microsoft\Office\16.0\Excel\Security"
    policy = r"Software\Policies\Microsoft\Office\16.0\Excel\Security"
    assert check_macro_security(registry({}), 16, True).ok  # the default: disable with notification
    assert check_macro_security(registry({(key, "VBAWarnings"): 1}), 16, True).ok
    off = check_macro_security(registry({(key, "VBAWarnings"): 4}), 16, True)
    assert not off.ok and off.required and "禁用所有宏，并发出通知" in off.fix
    signed = check_macro_security(registry({(key, "VBAWarnings"): 3}), 16, True)
    assert not signed.ok and "受信任位置" in signed.fix
    locked = check_macro_security(registry({(key, "VBAWarnings"): 2, (policy, "VBAWarnings"): 4}), 16, True)
    assert not locked.ok and "组策略" in locked.fix
    assert check_macro_security(registry({}), None, True).ok is None
    assert check_macro_security(registry({}), 16, False).ok is None


def test_vba_project_access_is_optional() -> None:
    key = r"Software\Microsoft\Office\16.0\Excel\Security"
    assert check_vba_access(registry({(key, "AccessVBOM"): 1}), 16, True).ok
    c = check_vba_access(registry({}), 16, True)
    assert c.ok is False and not c.required and "信任对 VBA 工程对象模型的访问" in c.fix


def test_libreoffice_is_optional_and_its_fix_fits_the_system(tmp_path: Path) -> None:
    assert check_libreoffice("/usr/bin/soffice", None).ok
    linux = check_libreoffice(None, None, "linux")
    assert linux.ok is False and not linux.required and "apt-get install" in linux.fix
    assert "libreoffice.org" in check_libreoffice(None, None, "win32").fix
    exe = tmp_path / "LibreOffice" / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"")
    on_path, elsewhere = find_soffice(lambda n: None, [str(exe)])
    assert on_path is None and elsewhere == str(exe)
    off_path = check_libreoffice(on_path, elsewhere, "win32")
    assert "不在 PATH 上" in off_path.zh and str(exe.parent) in off_path.fix
    assert soffice_message(lambda n: "/usr/bin/soffice") is None
    message = soffice_message(lambda n: None) or ""
    assert "无法使用 LibreOffice" in message and "修复 / fix:" in message and "--engine libreoffice" in message


def test_pdf_and_word_readers_are_optional() -> None:
    c = check_reader("no-such-reader-xltools", "no_such_reader_xltools", "直接读取 .pdf", "reading .pdf")
    assert c.ok is False and not c.required and "-m pip install no-such-reader-xltools" in c.fix


def test_template_version_checked(tmp_path: Path) -> None:
    wb = Workbook()
    wb.properties.version = "0.0.1"
    wb.save(tmp_path / "t.xlsx")
    c = check_template(tmp_path, "0.1.0")
    assert not c.ok and "xltools template -o" in c.fix
    assert check_template(tmp_path, "0.0.1").ok


def test_the_guide_asks_for_what_the_doctor_checks() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for needle in ("xltools doctor", "xlwings addin install", UDF_MODULE, "信任对 VBA 工程对象模型的访问",
                   "Trust access to the VBA project object model", "禁用所有宏，并发出通知", "cd /d",
                   "--find-links", "-i https://", "3.10", "3.12", "Interpreter", "xlwings.conf", "WPS",
                   "XLT_FINDINGS", "soffice", "pdfplumber", "python-docx", "xltools extract", ".bak1",
                   "通过", "未通过", "不适用"):
        assert needle in guide, needle
