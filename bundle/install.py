"""xltools offline install: run by install.bat (or `python install.py`) from the unpacked bundle.

Every step is printed as it is done, and the whole record is kept in install-log.txt beside
this file: the Python found, pip installing xltools from the wheels/ folder with no network
(--no-index), the Excel set-up on Windows (`python -m xltools.excel.install`), and at the end
`xltools doctor`. Standard library only: nothing else is installed when it starts.
"""
from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path
from typing import List, TextIO

HERE = Path(__file__).resolve().parent


class Tee:
    """What the officer sees, also written to install-log.txt for whoever helps them."""

    def __init__(self, path: Path) -> None:
        self.file: TextIO | None
        try:
            self.file = open(path, "w", encoding="utf-8")
        except OSError:
            self.file = None

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        if self.file is not None:
            self.file.write(text + "\n")
            self.file.flush()


def run(say: Tee, cmd: List[str]) -> int:
    say("    > " + " ".join(f'"{c}"' if " " in c else c for c in cmd))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8", errors="replace")
    assert proc.stdout is not None
    for line in proc.stdout:
        say("    " + line.rstrip("\n"))
    return proc.wait()


def main(argv: List[str]) -> int:
    say = Tee(HERE / "install-log.txt")
    manifest = json.loads((HERE / "bundle.json").read_text(encoding="utf-8"))
    version = manifest["xltools"]
    say(f"xltools {version} 离线安装 / offline install")
    say(f"安装包 / bundle: {HERE}")
    say()

    # 1. The Python this runs on: the wheels are for given versions and 64-bit Windows.
    py = f"{sys.version_info[0]}.{sys.version_info[1]}"
    bits = struct.calcsize("P") * 8
    say(f"[1/4] Python {sys.version.split()[0]}（{bits} 位）：{sys.executable}")
    windows_bundle = str(manifest["platform"]).startswith("win")
    if py not in manifest["pythons"] or (windows_bundle and bits != 64):
        installers = sorted((HERE / "python").glob("*.exe")) if (HERE / "python").is_dir() else []
        how = (f"运行 {installers[0]}，第一页勾选 Add python.exe to PATH，再双击 install.bat" if installers else
               "安装 Python 3.12（64 位，python.org 的 Windows installer），第一页勾选 Add python.exe to PATH，再双击 install.bat")
        say(f"[失败] 本安装包只含 Python {'、'.join(manifest['pythons'])}（64 位）的文件，这里是 Python {py}（{bits} 位） / "
            f"this bundle is for Python {', '.join(manifest['pythons'])} 64-bit, this is {py} {bits}-bit")
        say(f"    修复 / fix: {how}")
        return 1
    say("[完成] 版本符合 / supported")
    say()

    # 2. xltools and everything it needs, from wheels/ only.
    say("[2/4] 从 wheels 文件夹安装 xltools（不联网） / installing xltools from wheels/ (no network)")
    code = run(say, [sys.executable, "-m", "pip", "install", "--no-index", "--find-links", str(HERE / "wheels"),
                     "--upgrade", "--disable-pip-version-check", "--no-warn-script-location", f"xltools=={version}"])
    if code != 0:
        say(f"[失败] pip 退出码 {code}（上面是它的输出） / pip exited with {code}")
        say("    修复 / fix: 先关闭所有 Excel 窗口（Excel 可能占用着旧文件），再双击 install.bat；仍失败时把 install-log.txt 发给维护 xltools 的同事")
        return 1
    say(f"[完成] 已安装 xltools {version} / xltools {version} installed")
    say()

    # 3. Excel: the add-in, the interpreter setting, the macro workbook with the ribbon.
    say("[3/4] 设置 Excel / setting up Excel")
    if sys.platform == "win32":
        excel_code = run(say, [sys.executable, "-m", "xltools.excel.install", *argv])
    else:
        excel_code = run(say, [sys.executable, "-m", "xltools.excel.install"])
    say()

    # 4. The same check the 检查安装 button runs.
    say("[4/4] 检查安装 / xltools doctor")
    doctor = run(say, [sys.executable, "-m", "xltools.cli.main", "doctor"])
    say()
    if doctor == 0 and excel_code == 0:
        say("安装完成 / installed.")
        if sys.platform == "win32":
            say("下一步：打开“文档\\预算审核\\预算公开.xlsm”，点黄色栏上的“启用内容”，再点“预算公开”选项卡的“检查安装”。")
            say("Next: open Documents\\预算审核\\预算公开.xlsm, click Enable Content, then press 检查安装.")
        return 0
    say("有未完成的步骤：按上面“修复 / fix”处理后，再双击 install.bat（已完成的步骤会跳过）。")
    say("Some steps failed: apply the fixes above, then run install.bat again.")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
