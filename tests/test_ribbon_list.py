"""One list of buttons (xltools/excel/ribbon.py): the ribbon part, the VBA module and the
guides are written from it, and none of them may drift from it."""
from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xltools.excel import ribbon_files
from xltools.cli.doctor import UDF_MODULE, read_xlwings_config
from xltools.excel.install import main as install_main
from xltools.excel.install import run_steps, step_settings
from xltools.excel.ribbon import BUTTONS, BUTTONS_MODULE, GROUPS, TAB_LABEL
from xltools.excel.ribbon_files import CUSTOMUI_REL, add_ribbon, count_zh, customui_xml, fill_blocks, generated, ribbon_of, vba_module

ROOT = Path(__file__).resolve().parent.parent
NS = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
GUIDES = [ROOT / "docs" / "WINDOWS.md", ROOT / "docs" / "用户指南.md"]
NUMBERS_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10}


def test_every_file_written_from_the_list_is_as_written() -> None:
    files = generated(ROOT)
    assert set(GUIDES) <= set(files), "each guide carries the generated button table"
    for path, data in files.items():
        assert path.read_bytes() == data, f"{path} drifted from xltools/excel/ribbon.py: run python -m xltools.excel.ribbon_files"


def test_the_ribbon_and_the_module_have_every_button_once() -> None:
    root = ET.fromstring(customui_xml())
    buttons = root.findall(".//ui:button", NS)
    assert [b.get("label") for b in buttons] == [b.label for b in BUTTONS]
    assert [b.get("screentip") for b in buttons] == [b.tip for b in BUTTONS]
    assert len(BUTTONS) == 7 and "生成说明" in {b.label for b in BUTTONS}
    # 导入文本 takes the PDF and the Word file, and says so.
    tip = next(b.tip for b in BUTTONS if b.function == "import_file")
    assert "PDF" in tip and ".docx" in tip and ".txt" in tip
    bas = vba_module()
    module = importlib.import_module(BUTTONS_MODULE)
    for b in BUTTONS:
        assert bas.count(f"Public Sub {b.macro}()") == 1 and bas.count(f"Public Sub {b.ribbon_macro}(control") == 1
        assert f"b.{b.function}(" in bas and callable(getattr(module, b.function))
    assert bas.isascii() and bas.count("RunPython \"") == len(BUTTONS)


def test_the_guides_name_only_buttons_that_exist_and_count_them_right() -> None:
    # A group's label names its buttons together (“导入”按钮: either import button).
    labels = {b.label for b in BUTTONS} | {g.label for g in GROUPS}
    macros = {b.macro for b in BUTTONS} | {b.ribbon_macro for b in BUTTONS}
    texts = {p: p.read_text(encoding="utf-8") for p in [*GUIDES, ROOT / "README.md"]}
    texts.update({p: p.read_text(encoding="utf-8") for p in (ROOT / "xltools").rglob("*.py")})
    for path, text in texts.items():
        for name in re.findall(r"\b(Xlt[A-Z]\w+)\b", text):
            assert name in macros, f"{path}: macro {name} is not on the ribbon"
        for label in re.findall(r"“([^”]{2,8})”按钮", text):
            assert label in labels, f"{path}: button “{label}” is not on the ribbon"
        for n in re.findall(r"([一二两三四五六七八九十])个按钮", text):
            assert n == count_zh(), f"{path}: {n}个按钮, the ribbon has {len(BUTTONS)}"
        for word in re.findall(r"\b(one|two|three|four|five|six|seven|eight|nine|ten) (?:ribbon )?buttons\b", text):
            assert NUMBERS_EN[word] == len(BUTTONS), f"{path}: {word} buttons, the ribbon has {len(BUTTONS)}"
    assert "七个按钮" in texts[ROOT / "docs" / "用户指南.md"] and "XltDraft" in texts[ROOT / "docs" / "WINDOWS.md"]


def test_a_changed_list_changes_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tooltip edited in the list reaches the ribbon and the guides' table: nothing to copy by hand."""
    from dataclasses import replace

    changed = tuple(replace(b, tip="新的提示") if b.function == "flag" else b for b in BUTTONS)
    monkeypatch.setattr(ribbon_files, "BUTTONS", changed)
    assert 'screentip="新的提示"' in customui_xml()
    table = fill_blocks("<!-- BEGIN buttons -->\nold\n<!-- END buttons -->")
    assert "| 校验 | **标记问题** | 新的提示 | `XltFlag` |" in table and "old" not in table


def test_the_ribbon_is_written_into_a_workbook_with_zipfile(tmp_path: Path) -> None:
    book = tmp_path / "预算公开.xlsm"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "保留的内容"
    wb.save(book)
    assert ribbon_of(book) is None
    add_ribbon(book)
    add_ribbon(book)  # twice: still one ribbon part, one relationship
    assert ribbon_of(book) == customui_xml()
    with zipfile.ZipFile(book) as z:
        rels = z.read("_rels/.rels").decode("utf-8")
        assert rels.count(CUSTOMUI_REL) == 1 and z.namelist().count("customUI/customUI14.xml") == 1
        assert 'Extension="xml"' in z.read("[Content_Types].xml").decode("utf-8")
    assert openpyxl.load_workbook(book).active["A1"].value == "保留的内容"
    assert (tmp_path / "预算公开.xlsm.bak").is_file()  # the file it replaced


def test_the_install_command_writes_the_ribbon_and_refuses_what_is_not_a_workbook(tmp_path: Path, capsys) -> None:
    book = tmp_path / "预算公开.xlsm"
    openpyxl.Workbook().save(book)
    assert install_main(["--ribbon", str(book)]) == 0
    out = capsys.readouterr().out
    assert f"[完成] 已把“{TAB_LABEL}”选项卡（7 个按钮）写入 {book}" in out
    assert ribbon_of(book) == customui_xml()
    text = tmp_path / "说明.txt"
    text.write_text("不是工作簿", encoding="utf-8")
    assert install_main(["--ribbon", str(text)]) == 1
    out = capsys.readouterr().out
    assert "[失败] 没有写入选项卡" in out and "不是 Excel 工作簿" in out and "修复 / fix:" in out
    assert text.read_text(encoding="utf-8") == "不是工作簿"


def test_off_windows_the_excel_steps_say_they_are_skipped(tmp_path: Path) -> None:
    steps = run_steps(tmp_path / "预算公开.xlsm", on_windows=False)
    assert len(steps) == 1 and steps[0].ok is None and steps[0].line().startswith("[跳过] Excel 各步")
    assert not (tmp_path / "预算公开.xlsm").exists()


def test_the_xlwings_settings_get_this_python_and_the_udf_module(tmp_path: Path) -> None:
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"INTERPRETER_WIN","C:\\gone\\pythonw.exe"\n"ONEDRIVE_WIN","D:\\盘"\n', encoding="utf-8")
    python = tmp_path / "Python312" / "python.exe"
    python.parent.mkdir()
    python.write_bytes(b"")
    (python.parent / "pythonw.exe").write_bytes(b"")
    first = step_settings(conf, str(python), probe=lambda p: False)
    assert first.ok and "Interpreter = " + str(python.parent / "pythonw.exe") in first.zh
    assert f"UDF Modules += {UDF_MODULE}" in first.zh
    config = read_xlwings_config(conf)
    assert config["interpreter_win"] == str(python.parent / "pythonw.exe") and config["udf modules"] == UDF_MODULE
    assert config["onedrive_win"] == "D:\\盘"  # another setting, kept
    again = step_settings(conf, str(python), probe=lambda p: False)
    assert again.ok and "已正确" in again.zh
