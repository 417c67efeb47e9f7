"""`xltools doctor`: is this machine ready to use xltools from Excel? Says what to fix."""
from __future__ import annotations

import importlib
import importlib.metadata as md
import os
import sys
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 10)
TEMPLATES = Path(__file__).resolve().parent.parent / "workbook_templates"


@dataclass(frozen=True)
class Check:
    ok: bool
    zh: str
    en: str
    fix: str = ""


def _version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def check_python(info: tuple[int, int, int] = sys.version_info[:3]) -> Check:  # type: ignore[assignment]
    v = ".".join(map(str, info))
    if tuple(info[:2]) >= MIN_PYTHON:
        return Check(True, f"Python {v}", f"Python {v}")
    return Check(False, f"Python {v} 太旧（需要 3.10 或更新）", f"Python {v} is too old (need 3.10+)",
                 "从 python.org 安装 Python 3.12，勾选 Add python.exe to PATH / install Python 3.12 from python.org")


def check_module(dist: str, module: str) -> Check:
    v = _version(dist)
    try:
        importlib.import_module(module)
    except Exception:
        v = None
    if v:
        return Check(True, f"{dist} {v} 已安装", f"{dist} {v} installed")
    return Check(False, f"缺少 {dist}", f"{dist} is missing", f"pip install {dist}")


def addin_version(appdata: str | None = os.environ.get("APPDATA")) -> str | None:
    """The version written into the installed xlwings add-in, where it can be found (Windows)."""
    if not appdata:
        return None
    addin = Path(appdata) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"
    if not addin.exists():
        return None
    import re
    import zipfile

    try:
        with zipfile.ZipFile(addin) as z:
            blob = b"".join(z.read(n) for n in z.namelist() if n.endswith(".bin"))
    except (OSError, zipfile.BadZipFile):
        return None
    m = re.search(rb"XLWINGS_VERSION[^0-9]{0,40}(\d+\.\d+\.\d+)", blob)
    return m.group(1).decode() if m else "unknown"


def check_addin(xlwings_version: str | None, found: str | None, on_windows: bool) -> Check:
    if not on_windows:
        return Check(True, "非 Windows：不检查 Excel 加载项", "not Windows: Excel add-in not checked")
    if found is None:
        return Check(False, "未找到 xlwings 加载项", "xlwings add-in not found", "xlwings addin install")
    if found != "unknown" and xlwings_version and found != xlwings_version:
        return Check(False, f"xlwings 加载项版本 {found} 与 Python 包 {xlwings_version} 不一致",
                     f"add-in {found} differs from xlwings {xlwings_version}", "xlwings addin install")
    return Check(True, f"xlwings 加载项 {found}", f"xlwings add-in {found}")


def check_template(folder: Path = TEMPLATES, package_version: str | None = None) -> Check:
    files = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    if not files:
        return Check(True, "未随附模板文件（导入时会自动生成）", "no template file shipped (import builds one)")
    from openpyxl import load_workbook

    want = package_version or _version("xltools")
    for f in files:
        try:
            props = load_workbook(f, read_only=True).properties
        except Exception:
            return Check(False, f"模板 {f.name} 无法打开", f"template {f.name} cannot be opened",
                         "xltools template -o " + str(f))
        stored = props.version or props.keywords
        if stored and want and want not in str(stored):
            return Check(False, f"模板 {f.name} 的版本 {stored} 与 xltools {want} 不一致",
                         f"template {f.name} version {stored} differs from xltools {want}",
                         "xltools template -o " + str(f))
    return Check(True, f"模板文件 {len(files)} 个", f"{len(files)} template file(s)")


def run_doctor() -> tuple[int, str]:
    on_windows = sys.platform == "win32"
    xv = _version("xlwings")
    checks = [
        check_python(),
        check_module("xlwings", "xlwings"),
        check_module("openpyxl", "openpyxl"),
        check_module("formulas", "formulas"),
        check_addin(xv, addin_version() if on_windows else None, on_windows),
        check_template(),
    ]
    lines = [f"xltools {_version('xltools') or '?'} 安装检查 / installation check"]
    for c in checks:
        lines.append(f"{'✓' if c.ok else '✗'} {c.zh} / {c.en}")
        if not c.ok and c.fix:
            lines.append(f"    修复 / fix: {c.fix}")
    bad = sum(not c.ok for c in checks)
    lines.append("全部正常 / all good" if not bad else f"有 {bad} 项需要处理 / {bad} item(s) to fix")
    return (0 if not bad else 1), "\n".join(lines)
