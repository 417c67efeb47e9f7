"""Setting up Excel for xltools on this Windows account, every step printed as it is done:
the xlwings add-in, the Python Excel starts for the buttons, and the macro workbook
预算公开.xlsm with the VBA module and the 预算公开 ribbon tab.

`python -m xltools.excel.install` does it all (the offline bundle's install.bat runs it after
pip); `python -m xltools.excel.install --ribbon BOOK.xlsm` only writes the ribbon into a macro
workbook made by hand (docs/WINDOWS.md §9), on any system. Off Windows the Excel steps are
skipped and say so.

Not verified on a real Windows Excel in this repository's tests (they run on Linux): the
add-in copy and the settings file are plain files and are tested; the macro workbook is built
through Excel's own automation interface (COM), which only a Windows PC with Excel can run.
"""
from __future__ import annotations

import argparse
import locale
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from xltools.cli.doctor import UDF_MODULE, addin_version, excel_info, packaged_addin, has_xltools, pythonw, read_registry, read_xlwings_config, security_value, xlwings_config_path
from xltools.excel.ribbon import BUTTONS, TAB_LABEL
from xltools.excel.ribbon_files import add_ribbon, vba_module

MASTER_NAME = "预算公开.xlsm"
XLSM = 52  # Excel's xlOpenXMLWorkbookMacroEnabled


@dataclass(frozen=True)
class Step:
    ok: bool | None  # None: skipped, with the reason
    zh: str
    en: str
    fix: str = ""

    def line(self) -> str:
        mark = "跳过" if self.ok is None else ("完成" if self.ok else "失败")
        text = f"[{mark}] {self.zh} / {self.en}"
        return text + (f"\n    修复 / fix: {self.fix}" if self.ok is False and self.fix else "")


def default_master() -> Path:
    return Path(os.path.expanduser("~")) / "Documents" / "预算审核" / MASTER_NAME


# -- the xlwings add-in --------------------------------------------------------------------------

def step_addin(run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
               appdata: str | None = os.environ.get("APPDATA")) -> Step:
    """`xlwings addin install`, run as `python -m xlwings.cli` so no PATH is needed; its result
    is read back from the file it copies, since the command prints its errors and exits 0."""
    cmd = [sys.executable, "-m", "xlwings.cli", "addin", "install"]
    try:
        r = run(cmd, capture_output=True, text=True, timeout=300)
        said = (r.stdout + r.stderr).strip()
    except (OSError, subprocess.SubprocessError) as exc:
        said = str(exc)
    found = addin_version(appdata)
    if found is not None and found != "other":
        return Step(True, f"xlwings 加载项已装入 Excel 启动文件夹（{found}）",
                    f"xlwings add-in installed into Excel's startup folder ({found})")
    return Step(False, f"xlwings 加载项没有装好：{said or '没有输出'}", f"the xlwings add-in was not installed: {said}",
                "关闭所有 Excel 窗口（必要时在任务管理器中结束 EXCEL.EXE），再运行一次 install.bat / close every "
                "Excel window, then run install.bat again")


# -- the Python that Excel starts ----------------------------------------------------------------

def _conf_lines(path: Path) -> list[str]:
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    try:
        return raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return raw.decode("gbk", errors="replace").splitlines()


def step_settings(path: Path | None = None, python: str = sys.executable,
                  probe: Callable[[str], bool] = has_xltools) -> Step:
    """xlwings' user settings (every workbook): the interpreter, set to this Python's pythonw
    when none is set or the one set has no xltools; UDF Modules gains xltools.excel.udfs.
    Other settings stay as they are."""
    path = path or xlwings_config_path()
    config = read_xlwings_config(path)
    want = pythonw(python)
    current = config.get("interpreter_win", "")
    keep_interpreter = bool(current) and Path(current).is_file() and (
        Path(current).resolve().parent == Path(python).resolve().parent or probe(current))
    modules = [m.strip() for m in config.get("udf modules", "").split(";") if m.strip()]
    changes: list[str] = []
    lines = [ln for ln in _conf_lines(path) if ln.strip()]
    if not keep_interpreter:
        lines = [ln for ln in lines if not ln.upper().startswith('"INTERPRETER_WIN"')]
        lines.append(f'"INTERPRETER_WIN","{want}"')
        changes.append(f"Interpreter = {want}")
    if UDF_MODULE not in modules:
        lines = [ln for ln in lines if not ln.upper().startswith('"UDF MODULES"')]
        lines.append(f'"UDF MODULES","{";".join(modules + [UDF_MODULE])}"')
        changes.append(f"UDF Modules += {UDF_MODULE}")
    if not changes:
        return Step(True, f"xlwings 设置已正确（{path}）", f"xlwings settings already right ({path})")
    path.parent.mkdir(parents=True, exist_ok=True)
    # xlwings writes this file in the system's code page and its VBA reads it so.
    data = ("\n".join(lines) + "\n").encode(locale.getpreferredencoding(False), errors="replace")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return Step(True, f"已写入 xlwings 设置 {path}：{'；'.join(changes)}",
                f"wrote the xlwings settings {path}: {'; '.join(changes)}")


# -- the macro workbook ----------------------------------------------------------------------------

def _set_vbom(major: int, value: int | None) -> None:
    """Excel's per-user "Trust access to the VBA project object model" (None: delete it)."""
    if sys.platform != "win32":
        return
    import winreg

    key = rf"Software\Microsoft\Office\{major}.0\Excel\Security"
    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as k:
        if value is None:
            try:
                winreg.DeleteValue(k, "AccessVBOM")
            except OSError:
                pass
        else:
            winreg.SetValueEx(k, "AccessVBOM", 0, winreg.REG_DWORD, value)


def build_master(target: Path) -> Step:
    """预算公开.xlsm through Excel itself: a new workbook, the reference to the xlwings add-in,
    the VBA module imported, saved as a macro workbook; then the ribbon part written into the
    file. Excel lets a program add VBA only while "Trust access to the VBA project object
    model" is on: it is turned on for the few seconds this takes and put back as it was."""
    manual = (f"按 docs/WINDOWS.md 第 9 节第 1–4 步手工制作 {MASTER_NAME}，再运行 "
              f'python -m xltools.excel.install --ribbon "{target}" / make it by hand (WINDOWS.md §9, steps 1–4), '
              "then add the ribbon with that command")
    if target.exists():
        return Step(None, f"{target} 已存在，未改动（要重做先把它改名）",
                    f"{target} exists, left as it is (rename it to build it again)")
    info = excel_info(read_registry)
    if info.major is None:
        return Step(False, "未找到 Microsoft Excel，不能制作宏工作簿", "Microsoft Excel not found", manual)
    xlam = packaged_addin()
    appdata = os.environ.get("APPDATA")
    installed = Path(appdata) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam" if appdata else None
    reference = installed if installed is not None and installed.is_file() else xlam
    if reference is None:
        return Step(False, "找不到 xlwings.xlam", "xlwings.xlam not found", manual)
    old, by_policy = security_value(read_registry, info.major, "AccessVBOM")
    if by_policy and old != 1:
        return Step(False, "组策略禁止程序写入 VBA，不能自动制作宏工作簿",
                    "group policy forbids programs to write VBA", manual)
    import xlwings as xw

    target.parent.mkdir(parents=True, exist_ok=True)
    bas = Path(tempfile.mkdtemp()) / "xltools.bas"
    bas.write_bytes(vba_module().encode("ascii"))
    app = None
    try:
        if old != 1:
            _set_vbom(info.major, 1)
        app = xw.App(visible=False, add_book=False)
        app.display_alerts = False
        book = app.books.add()
        project = book.api.VBProject
        project.References.AddFromFile(str(reference))
        project.VBComponents.Import(str(bas))
        book.api.SaveAs(str(target), XLSM)
        book.close()
    except Exception as exc:  # COM errors arrive as many types; the officer needs the message
        return Step(False, f"Excel 没有完成宏工作簿：{exc}", f"Excel did not build the macro workbook: {exc}", manual)
    finally:
        if app is not None:
            try:
                app.quit()
            except Exception:  # Excel already gone: nothing left to close
                pass
        if old != 1:
            _set_vbom(info.major, old if isinstance(old, int) else None)
        bas.unlink(missing_ok=True)
    add_ribbon(target)
    target.with_name(target.name + ".bak").unlink(missing_ok=True)  # the copy without the ribbon
    return Step(True, f"已制作 {target}：VBA 模块、对 xlwings 的引用和“{TAB_LABEL}”选项卡（{len(BUTTONS)} 个按钮）",
                f"built {target}: the VBA module, the xlwings reference and the {TAB_LABEL} tab ({len(BUTTONS)} buttons)")


def step_ribbon(path: Path) -> Step:
    try:
        add_ribbon(path)
    except (OSError, ValueError, KeyError) as exc:
        return Step(False, f"没有写入选项卡：{exc}", f"the ribbon was not written: {exc}",
                    "确认文件是 .xlsm 且没有在 Excel 中打开 / check it is an .xlsm not open in Excel")
    return Step(True, f"已把“{TAB_LABEL}”选项卡（{len(BUTTONS)} 个按钮）写入 {path}（原文件保留为 .bak）",
                f"wrote the {TAB_LABEL} tab ({len(BUTTONS)} buttons) into {path} (the old file kept as .bak)")


# -- the command -----------------------------------------------------------------------------------

def run_steps(master: Path, on_windows: bool) -> list[Step]:
    if not on_windows:
        return [Step(None, "Excel 各步（xlwings 加载项、解释器设置、宏工作簿）：不是 Windows，不需要",
                     "Excel steps (add-in, interpreter, macro workbook): not Windows, not needed")]
    steps = [step_addin(), step_settings()]
    steps.append(build_master(master))
    return steps


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m xltools.excel.install",
        description="在本 Windows 账户上为 xltools 设置 Excel：xlwings 加载项、按钮使用的 Python、"
                    f"带“{TAB_LABEL}”选项卡的宏工作簿 {MASTER_NAME}。每一步都打印做了什么。\n"
                    "Sets up Excel for xltools on this Windows account, printing each step.",
        epilog=f"示例 / examples:\n  python -m xltools.excel.install\n"
               f'  python -m xltools.excel.install --ribbon "D:\\预算审核\\{MASTER_NAME}"',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--master", type=Path, default=None,
                   help=f"宏工作簿写到哪里（默认：文档\\预算审核\\{MASTER_NAME}） / where to write the macro workbook")
    p.add_argument("--ribbon", type=Path, metavar="BOOK",
                   help="只把选项卡写入这个已有的宏工作簿（任何系统都可以） / only write the ribbon into this workbook")
    args = p.parse_args(argv)
    if args.ribbon is not None:
        steps = [step_ribbon(args.ribbon)]
    else:
        steps = run_steps(args.master or default_master(), sys.platform == "win32")
    for s in steps:
        print(s.line())
    return 1 if any(s.ok is False for s in steps) else 0


if __name__ == "__main__":
    sys.exit(main())
