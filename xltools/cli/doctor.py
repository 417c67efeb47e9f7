"""`xltools doctor`: is this machine ready for what docs/WINDOWS.md asks? Each item is one the
guide asks for and reads 通过, 未通过 (with the fix) or 不适用; the exit status is 1 when a
required item fails. Optional items (LibreOffice, PDF/Word reading, the worksheet functions)
say which feature they affect and never fail the run.

The Excel items need Windows (the registry, Excel's startup folder, xlwings' user settings); on
any other system they are one 不适用 line, not failures, so the doctor stays useful on Linux.
Everything that touches the machine is a parameter of the check, so each can be tested with a
fake registry or file system.
"""
from __future__ import annotations

import importlib
import importlib.metadata as md
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

MIN_PYTHON = (3, 11)  # xlwings 0.37.5 and later, which xltools needs, require 3.11
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the checkout this file sits in, two folders up
TEMPLATES = PACKAGE_ROOT / "workbook_templates"
# Excel 2010 is the first to read the customUI14 ribbon of macros/customUI14.xml.
EXCEL_MIN = 14
EXCEL_NAMES = {12: "2007", 14: "2010", 15: "2013", 16: "2016 / 2019 / 2021 / 2024 / Microsoft 365"}
UDF_MODULE = "xltools.excel.udfs"
GUIDE = "docs/WINDOWS.md"
USER_GUIDE = "docs/用户指南.md"

# (distribution, module): what `pip install .` brings and xltools imports.
REQUIRED_PACKAGES: tuple[tuple[str, str], ...] = (
    ("xlwings", "xlwings"), ("openpyxl", "openpyxl"), ("formulas", "formulas"), ("pandas", "pandas"),
    ("schedula", "schedula"), ("tqdm", "tqdm"), ("defusedxml", "defusedxml"),
)
# (distribution, module, what it enables): direct reading of .pdf and .docx disclosures.
READERS: tuple[tuple[str, str, str, str], ...] = (
    ("pdfplumber", "pdfplumber", "直接读取 .pdf（check / extract / 导入 .pdf）", "reading .pdf directly"),
    ("python-docx", "docx", "直接读取 .docx", "reading .docx directly"),
)
WINDOWS_SOFFICE = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                   r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")
# Where LibreOffice installs itself when not on PATH, by system.
SOFFICE_ELSEWHERE: dict[str, tuple[str, ...]] = {
    "win32": WINDOWS_SOFFICE, "darwin": ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)}

# (hive "HKCR"/"HKCU", key, value name; "" for the key's default value) -> the value, or None.
RegistryRead = Callable[[str, str, str], object]


@dataclass(frozen=True)
class Check:
    ok: bool | None  # None: does not apply on this machine
    zh: str
    en: str
    fix: str = ""
    required: bool = True

    @property
    def label(self) -> str:
        if self.ok is None:
            return "不适用"
        if self.ok:
            return "通过"  # the doctor imports nothing of xltools: it must run on a broken install
        return "未通过" if self.required else "未通过·可选"

    @property
    def failed(self) -> bool:
        return self.ok is False and self.required


def _version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def pip_command(*args: str, python: str = sys.executable) -> str:
    """pip of the very interpreter running xltools: a bare `pip` may belong to another Python."""
    return f'"{python}" -m pip install ' + " ".join(args)


# -- Python and the packages ---------------------------------------------------------------------

def _python_fix(platform: str) -> str:
    if platform == "win32":
        return ("从 https://www.python.org/downloads/windows/ 安装 Python 3.12（64 位），安装时勾选 "
                "Add python.exe to PATH（离线安装包里若有 python-3.12…-amd64.exe，直接运行它） / install Python 3.12 "
                "(64-bit) from python.org, ticking \"Add python.exe to PATH\"")
    if platform == "darwin":
        return ("从 https://www.python.org/downloads/macos/ 安装 Python 3.12，或运行 brew install python@3.12 / "
                "install Python 3.12 from python.org or with Homebrew")
    return ("用系统的包管理器安装 Python 3.11 或更新版本，例如 Debian/Ubuntu：sudo apt-get install python3 python3-venv / "
            "install Python 3.11 or newer with the system's package manager")


def check_python(info: tuple[int, int, int] = sys.version_info[:3],  # type: ignore[assignment]
                 bits: int = struct.calcsize("P") * 8, platform: str = sys.platform) -> Check:
    v = ".".join(map(str, info))
    if tuple(info[:2]) >= MIN_PYTHON:
        return Check(True, f"Python {v}（{bits} 位）", f"Python {v} ({bits}-bit)")
    return Check(False, f"Python {v} 太旧（需要 3.11 或更新，即 3.11–3.13；推荐 3.12）",
                 f"Python {v} is too old (need 3.11 or newer, i.e. 3.11–3.13; 3.12 recommended)",
                 _python_fix(platform))


def check_package(installed: str | None = None, source: Path = PACKAGE_ROOT, platform: str = sys.platform) -> Check:
    """xltools itself installed into this Python (not only run from a source folder)."""
    installed = _version("xltools") if installed is None else installed
    if installed:
        return Check(True, f"xltools {installed} 已安装（{Path(__file__).resolve().parents[1]}）",
                     f"xltools {installed} installed")
    folder = source if (source / "pyproject.toml").is_file() else Path("<xltools 文件夹>")
    return Check(False, "xltools 没有安装到这个 Python（只是从源代码文件夹运行）",
                 "xltools is not installed into this Python (only run from its source folder)",
                 # cmd's cd needs /d to change drive as well (the guide's section 4).
                 f'cd {"/d " if platform == "win32" else ""}"{folder}" && ' + pip_command("."))


def _pins(requires: Sequence[str] | None) -> dict[str, str]:
    """The exact versions xltools' metadata pins (`formulas==1.3.4`), extras left out."""
    pins: dict[str, str] = {}
    for req in requires or ():
        if "extra ==" in req:
            continue
        m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;,]+)", req)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def check_module(dist: str, module: str, pinned: str | None = None) -> Check:
    v = _version(dist)
    try:
        importlib.import_module(module)
    except Exception:  # any import failure (missing, broken DLL) means the same fix
        v = None
    if v is None:
        return Check(False, f"缺少 {dist}", f"{dist} is missing",
                     pip_command(f"{dist}=={pinned}" if pinned else dist))
    if pinned and v != pinned:
        return Check(False, f"{dist} 的版本是 {v}，xltools 需要 {pinned}",
                     f"{dist} is {v}, xltools needs {pinned}", pip_command(f"{dist}=={pinned}"))
    return Check(True, f"{dist} {v} 已安装", f"{dist} {v} installed")


def _path_fix(folder: str, platform: str, shell: str = os.environ.get("SHELL", "")) -> str:
    """How to put `folder` on PATH, for this system: Windows' settings dialog, a shell's profile
    elsewhere (zsh is macOS' default)."""
    if platform == "win32":
        return (f"把 {folder} 加入 PATH（设置 → 系统 → 关于 → 高级系统设置 → 环境变量 → Path → 新建），"
                f"然后重新打开命令提示符 / add {folder} to PATH, then open a new Command Prompt")
    profile = "~/.zshrc" if shell.endswith("zsh") or (platform == "darwin" and not shell) else "~/.bashrc"
    line = f'export PATH="{folder}:$PATH"'
    return (f"运行 echo '{line}' >> {profile}，然后打开新的终端（或直接运行 {folder}/xltools） / "
            f"add {folder} to PATH in {profile}, then open a new terminal (or run {folder}/xltools directly)")


def check_command(which: Callable[[str], str | None] = shutil.which, scripts: str | None = None,
                  platform: str = sys.platform, shell: str = os.environ.get("SHELL", "")) -> Check:
    """The `xltools` command the guide types; optional, `python -m xltools.cli.main` does the same."""
    found = which("xltools")
    if found:
        return Check(True, f"命令 xltools：{found}", f"command xltools: {found}", required=False)
    import sysconfig

    folder = scripts or sysconfig.get_path("scripts")
    return Check(False, "命令 xltools 不在 PATH 上（可改用 python -m xltools.cli.main …）",
                 "the xltools command is not on PATH (python -m xltools.cli.main … works the same)",
                 _path_fix(folder, platform, shell), required=False)


# -- Excel (Windows) -----------------------------------------------------------------------------

def read_registry(hive: str, key: str, name: str = "") -> object:
    """One registry value, or None. Both registry views are tried: 32-bit Office on 64-bit
    Windows registers its COM server in the 32-bit view."""
    if sys.platform != "win32":
        return None
    import winreg

    root = {"HKCR": winreg.HKEY_CLASSES_ROOT, "HKCU": winreg.HKEY_CURRENT_USER,
            "HKLM": winreg.HKEY_LOCAL_MACHINE}[hive]
    for view in (winreg.KEY_WOW64_64KEY, winreg.KEY_WOW64_32KEY):
        try:
            with winreg.OpenKey(root, key, 0, winreg.KEY_READ | view) as k:
                return winreg.QueryValueEx(k, name)[0]
        except OSError:
            continue
    return None


@dataclass(frozen=True)
class ExcelInfo:
    major: int | None  # 16 for Excel 2016 and every later version
    server: str | None  # the program that Excel.Application starts
    program: str | None = None  # EXCEL.EXE as Windows' App Paths knows it, when the version is not registered


def excel_info(read: RegistryRead = read_registry) -> ExcelInfo:
    curver = read("HKCR", r"Excel.Application\CurVer", "")
    m = re.search(r"(\d+)$", str(curver or ""))
    clsid = read("HKCR", r"Excel.Application\CLSID", "")
    server = read("HKCR", rf"CLSID\{clsid}\LocalServer32", "") if clsid else None
    program = read("HKLM", r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe", "")
    return ExcelInfo(int(m.group(1)) if m else None, str(server) if server else None,
                     str(program) if program else None)


def _is_wps(server: str | None) -> bool:
    s = (server or "").lower()
    return "wps" in s or "kingsoft" in s or bool(re.search(r"(^|[\\/\"])et\.exe", s))


def check_excel(info: ExcelInfo, on_windows: bool) -> Check:
    if not on_windows:
        return Check(None, "Excel：不是 Windows，不检查", "Excel: not Windows, not checked")
    if _is_wps(info.server):
        return Check(False, f"Excel.Application 指向 WPS（{info.server}）：按钮和工作表函数只能用 Microsoft Excel",
                     f"Excel.Application starts WPS ({info.server}): the buttons need Microsoft Excel",
                     "装有 Microsoft Excel 时修复 Office（设置 → 应用 → Microsoft Office → 修改 → 快速修复），"
                     "让 Excel 重新登记；只有 WPS 时只能用命令行 xltools / repair Office so that Excel registers "
                     "again; with WPS only, use the xltools command line")
    if info.major is None and info.program:
        return Check(True, f"Microsoft Excel：{info.program}（版本未登记）", f"Microsoft Excel: {info.program} "
                     "(version not registered)")
    if info.major is None:
        return Check(False, "未找到 Microsoft Excel", "Microsoft Excel not found",
                     "安装 Microsoft Excel 2010 或更新版本（WPS 表格不支持按钮） / install Excel 2010 or newer")
    name = EXCEL_NAMES.get(info.major, f"{info.major}.0")
    if info.major < EXCEL_MIN:
        return Check(False, f"Excel {name} 太旧：功能区需要 Excel 2010 或更新",
                     f"Excel {name} is too old: the ribbon needs Excel 2010 or newer",
                     "升级到 Excel 2010 或更新版本（推荐 Microsoft 365） / upgrade Excel")
    return Check(True, f"Microsoft Excel {info.major}.0（{name}）", f"Microsoft Excel {info.major}.0 ({name})")


def packaged_addin() -> Path | None:
    """The xlwings.xlam that `xlwings addin install` copies, inside the installed xlwings."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "addin" / "xlwings.xlam"
    return path if path.is_file() else None


def addin_version(appdata: str | None = os.environ.get("APPDATA"), reference: Path | None = None,
                  package_version: str | None = None) -> str | None:
    """The version of the installed xlwings add-in (Windows), None when there is none.

    `xlwings addin install` copies the package's xlwings.xlam byte for byte, so a file equal to
    it is that version; the version string inside the VBA project is compressed and seldom
    readable, so a file that differs and shows none is reported as "other" (another version)."""
    if not appdata:
        return None
    addin = Path(appdata) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"
    if not addin.is_file():
        return None
    import filecmp
    import zipfile

    reference = reference or packaged_addin()
    try:
        if reference is not None and filecmp.cmp(addin, reference, shallow=False):
            return package_version or _version("xlwings") or "unknown"
        with zipfile.ZipFile(addin) as z:
            blob = b"".join(z.read(n) for n in z.namelist() if n.endswith(".bin"))
    except (OSError, zipfile.BadZipFile):
        return "other"
    m = re.search(rb"XLWINGS_VERSION[^0-9]{0,40}(\d+\.\d+\.\d+)", blob)
    return m.group(1).decode() if m else "other"


def check_addin(xlwings_version: str | None, found: str | None, on_windows: bool) -> Check:
    fix = "先关闭所有 Excel 窗口，再运行：xlwings addin install / close Excel first, then run it"
    if not on_windows:
        return Check(None, "xlwings 加载项：不是 Windows，不检查", "xlwings add-in: not Windows, not checked")
    if found is None:
        return Check(False, "未找到 xlwings 加载项", "xlwings add-in not found", fix)
    if found == "other":
        return Check(False, f"xlwings 加载项不是 Python 包 xlwings {xlwings_version or '?'} 所带的那个（多半是旧版本）",
                     f"the xlwings add-in is not the one of xlwings {xlwings_version or '?'} (likely an older one)", fix)
    if found != "unknown" and xlwings_version and found != xlwings_version:
        return Check(False, f"xlwings 加载项版本 {found} 与 Python 包 {xlwings_version} 不一致",
                     f"add-in {found} differs from xlwings {xlwings_version}", fix)
    return Check(True, f"xlwings 加载项 {found}", f"xlwings add-in {found}")


def xlwings_config_path(home: Path | None = None) -> Path:
    """The user settings the xlwings ribbon writes: one file for every workbook."""
    return (home or Path(os.path.expanduser("~"))) / ".xlwings" / "xlwings.conf"


def read_xlwings_config(path: Path | None = None) -> dict[str, str]:
    """`"KEY","value"` lines, keys lowercased, as xlwings itself reads them."""
    path = path or xlwings_config_path()
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # VBA writes the ANSI code page: GBK on a Chinese Windows
        text = raw.decode("gbk", errors="replace")
    config: dict[str, str] = {}
    for line in text.splitlines():
        values = re.findall(r'"[^"]*"', line)
        if len(values) >= 2:
            config[values[0].strip('"').lower()] = os.path.expandvars(values[1].strip('"'))
    return config


def has_xltools(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "import xltools"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def pythonw(python: str = sys.executable) -> str:
    w = Path(python).with_name("pythonw.exe")
    return str(w) if w.is_file() else python


def check_interpreter(config: Mapping[str, str], on_windows: bool, current: str = sys.executable,
                      which: Callable[[str], str | None] = shutil.which,
                      probe: Callable[[str], bool] = has_xltools) -> Check:
    """The Python Excel starts for the buttons (xlwings' Interpreter setting, else pythonw on
    PATH) must be one that has xltools."""
    if not on_windows:
        return Check(None, "xlwings 解释器设置：不是 Windows，不检查", "xlwings interpreter: not Windows, not checked")
    fix = (f"在 Excel 的 xlwings 选项卡，Interpreter 框填入 {pythonw(current)}（对所有工作簿生效） / "
           f"in Excel's xlwings tab, set Interpreter to that path (applies to every workbook)")
    if config.get("conda path") and config.get("conda env"):
        return Check(True, f"xlwings 使用 conda 环境 {config['conda env']}（未检查）",
                     f"xlwings uses the conda env {config['conda env']} (not checked)")
    setting = config.get("interpreter_win") or config.get("interpreter") or ""
    if setting.lower() in ("", "python", "pythonw", "python.exe", "pythonw.exe"):
        found = which(setting or "pythonw")
        if not found:
            return Check(False, "xlwings 没有设置解释器，PATH 上也找不到 pythonw",
                         "no xlwings interpreter set and no pythonw on PATH", fix)
        target = found
    else:
        target = setting
        if not Path(target).is_file():
            return Check(False, f"xlwings 设置的解释器不存在：{target}",
                         f"the xlwings interpreter does not exist: {target}", fix)
    same = Path(target).resolve().parent == Path(current).resolve().parent
    if same or probe(target):
        return Check(True, f"Excel 使用的 Python：{target}", f"Excel runs {target}")
    return Check(False, f"Excel 会使用 {target}，但它没有安装 xltools",
                 f"Excel would run {target}, which has no xltools", fix)


def check_udf_modules(config: Mapping[str, str], on_windows: bool) -> Check:
    """Only the worksheet functions (XLT_NAME, XLT_FINDINGS, …) need it: optional."""
    if not on_windows:
        return Check(None, "UDF Modules：不是 Windows，不检查", "UDF Modules: not Windows, not checked",
                     required=False)
    modules = [m.strip() for m in config.get("udf modules", "").split(";")]
    if UDF_MODULE in modules:
        return Check(True, f"UDF Modules 含 {UDF_MODULE}（工作表函数）", f"UDF Modules has {UDF_MODULE}",
                     required=False)
    return Check(False, f"UDF Modules 未设为 {UDF_MODULE}：工作表函数 XLT_* 不可用（按钮不受影响）",
                 f"UDF Modules lacks {UDF_MODULE}: no XLT_* worksheet functions (the buttons work)",
                 f"xlwings 选项卡 → UDF Modules 填 {UDF_MODULE} → 点 Import Functions / "
                 f"xlwings tab → UDF Modules: {UDF_MODULE} → Import Functions", required=False)


def security_value(read: RegistryRead, major: int, name: str) -> tuple[object, bool]:
    """A value of Excel's Security key: the group policy one first (it wins), then the user's."""
    policy = read("HKCU", rf"Software\Policies\Microsoft\Office\{major}.0\Excel\Security", name)
    if policy is not None:
        return policy, True
    return read("HKCU", rf"Software\Microsoft\Office\{major}.0\Excel\Security", name), False


def check_macro_security(read: RegistryRead, major: int | None, on_windows: bool) -> Check:
    """Excel's macro setting (VBAWarnings): 2 (disable with notification) is the default and
    what the guide asks for; 3 and 4 never run the unsigned xltools macros."""
    if not on_windows:
        return Check(None, "宏设置：不是 Windows，不检查", "macro settings: not Windows, not checked")
    if major is None:
        return Check(None, "宏设置：未找到 Excel，不检查", "macro settings: no Excel, not checked")
    value, by_policy = security_value(read, major, "VBAWarnings")
    level = int(value) if isinstance(value, int) else 2
    fix = ("Excel → 文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置 → 选“禁用所有宏，并发出通知”，"
           "或把工作簿所在文件夹加入“受信任位置” / choose \"Disable all macros with notification\" or add the "
           "workbook's folder to Trusted Locations")
    if by_policy:
        fix = ("此设置由单位的组策略锁定：请信息管理员把工作簿所在文件夹加入“受信任位置” / set by group policy: "
               "ask IT to add the workbook's folder to Trusted Locations")
    if level == 1:
        return Check(True, "宏设置：启用所有宏（可用，但不推荐）", "macros: all enabled (works, not recommended)")
    if level == 2:
        return Check(True, "宏设置：禁用所有宏，并发出通知（打开工作簿时点“启用内容”）",
                     "macros: disabled with notification (click Enable Content)")
    what = "只启用数字签名的宏" if level == 3 else "禁用所有宏且不通知"
    what_en = "only signed macros" if level == 3 else "all disabled without notification"
    return Check(False, f"宏设置：{what}，xltools 的按钮不会运行（受信任位置中的工作簿除外）",
                 f"macros: {what_en}; the xltools buttons will not run (except from a Trusted Location)", fix)


def check_vba_access(read: RegistryRead, major: int | None, on_windows: bool) -> Check:
    """“信任对 VBA 工程对象模型的访问”: xlwings' Import Functions writes VBA, so the worksheet
    functions need it; the buttons do not. Optional."""
    if not on_windows or major is None:
        return Check(None, "VBA 工程访问：不适用", "VBA project access: not applicable", required=False)
    value, by_policy = security_value(read, major, "AccessVBOM")
    if value == 1:
        return Check(True, "已信任对 VBA 工程对象模型的访问", "VBA project object model trusted", required=False)
    fix = ("Excel → 文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置 → 勾选“信任对 VBA 工程对象模型的访问”，"
           "重启 Excel / tick \"Trust access to the VBA project object model\", restart Excel")
    if by_policy:
        fix = "此设置由单位的组策略锁定，请联系信息管理员 / set by group policy: ask IT"
    return Check(False, "未信任对 VBA 工程对象模型的访问：工作表函数导入不了（按钮不受影响）",
                 "VBA project object model not trusted: the worksheet functions cannot be imported (buttons work)",
                 fix, required=False)


# -- optional: LibreOffice, PDF and Word reading ---------------------------------------------------

def find_soffice(which: Callable[[str], str | None] = shutil.which,
                 candidates: Sequence[str] = SOFFICE_ELSEWHERE.get(sys.platform, ())) -> tuple[str | None, str | None]:
    """(soffice on PATH, soffice installed but not on PATH). The engine looks only on PATH."""
    on_path = which("soffice") or which("libreoffice")
    if on_path:
        return on_path, None
    return None, next((c for c in candidates if Path(c).is_file()), None)


def _soffice_fix(elsewhere: str | None, platform: str) -> str:
    if elsewhere:
        return _path_fix(str(Path(elsewhere).parent), platform)
    if platform == "win32":
        return ("从 https://www.libreoffice.org/download/ 安装 LibreOffice，再把 C:\\Program Files\\LibreOffice\\program "
                "加入 PATH / install LibreOffice and add its program folder to PATH")
    if platform == "darwin":
        return "brew install --cask libreoffice"
    return "sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui"


def check_libreoffice(on_path: str | None, elsewhere: str | None, platform: str = sys.platform) -> Check:
    if on_path:
        return Check(True, f"LibreOffice：{on_path}（recalc --engine libreoffice 可用）",
                     f"LibreOffice: {on_path}", required=False)
    where = f"已装在 {elsewhere}，但不在 PATH 上" if elsewhere else "未安装"
    return Check(False, f"LibreOffice {where}：只影响 xltools recalc --engine libreoffice（默认引擎不需要）",
                 f"LibreOffice {'not on PATH' if elsewhere else 'not installed'}: only recalc --engine "
                 f"libreoffice needs it", _soffice_fix(elsewhere, platform), required=False)


def soffice_message(which: Callable[[str], str | None] = shutil.which) -> str | None:
    """For `recalc --engine libreoffice`: the message and fix when soffice cannot be started."""
    on_path, elsewhere = find_soffice(which)
    if on_path:
        return None
    where = f"已装在 {elsewhere}，但不在 PATH 上" if elsewhere else "未安装"
    return (f"无法使用 LibreOffice：soffice {where}；或去掉 --engine libreoffice，用默认引擎\n"
            f"cannot use LibreOffice: soffice {'is not on PATH' if elsewhere else 'is not installed'}; "
            f"or drop --engine libreoffice to use the default engine\n"
            f"修复 / fix: {_soffice_fix(elsewhere, sys.platform)}")


def check_reader(dist: str, module: str, zh: str, en: str) -> Check:
    v = _version(dist)
    try:
        importlib.import_module(module)
    except Exception:  # missing or broken: either way the feature is unavailable
        v = None
    if v:
        return Check(True, f"{dist} {v}：{zh}", f"{dist} {v}: {en}", required=False)
    return Check(False, f"缺少 {dist}：不能{zh}（.txt 不受影响）", f"{dist} missing: no {en} (.txt unaffected)",
                 pip_command(dist), required=False)


def check_cjk_fonts(run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run) -> Check:
    """Linux: a Chinese font for LibreOffice, or the printed workbook shows boxes for every
    Chinese character (Windows and macOS ship one)."""
    fix = "sudo apt-get install -y fonts-noto-cjk"
    try:
        r = run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
        families = sorted({f.split(",")[0].strip() for f in r.stdout.splitlines() if f.strip()})
    except (OSError, subprocess.SubprocessError):
        return Check(False, "无法列出字体（没有 fc-list）：打印和 PDF 中的中文可能显示为方框",
                     "cannot list fonts (no fc-list): Chinese may print as boxes", fix, required=False)
    if families:
        more = f" 等 {len(families)} 种" if len(families) > 1 else ""
        return Check(True, f"中文字体：{families[0]}{more}（LibreOffice 打印用）",
                     f"Chinese fonts: {families[0]} and {len(families) - 1} more", required=False)
    return Check(False, "没有中文字体：用 LibreOffice 打印或转 PDF 时中文会显示为方框",
                 "no Chinese font: LibreOffice prints Chinese as boxes", fix, required=False)


# -- the template ----------------------------------------------------------------------------------

def check_template(folder: Path = TEMPLATES, package_version: str | None = None) -> Check:
    files = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    if not files:
        return Check(True, "未随附模板文件（导入时会自动生成）", "no template file shipped (import builds one)")
    from xltools.workbook.openpyxl_internals import load_workbook

    want = package_version or _version("xltools")
    for f in files:
        try:
            props = load_workbook(f, read_only=True).properties
        except Exception:
            return Check(False, f"模板 {f.name} 无法打开", f"template {f.name} cannot be opened",
                         f'xltools template -o "{f}"')
        stored = props.version or props.keywords
        if stored and want and want not in str(stored):
            return Check(False, f"模板 {f.name} 的版本 {stored} 与 xltools {want} 不一致",
                         f"template {f.name} version {stored} differs from xltools {want}",
                         f'xltools template -o "{f}"')
    return Check(True, f"模板文件 {len(files)} 个，版本一致", f"{len(files)} template file(s), versions match")


# -- the report ------------------------------------------------------------------------------------

SYSTEM_NAMES = {"win32": "Windows", "darwin": "macOS", "linux": "Linux"}


def guide_for(platform: str) -> str:
    """The guide whose steps the report follows: the Windows set-up, else the user guide."""
    return GUIDE if platform == "win32" else USER_GUIDE


def collect(on_windows: bool | None = None, read: RegistryRead = read_registry,
            platform: str | None = None) -> list[Check]:
    """Every item that can be checked on this system, in the order of its guide."""
    platform = platform or ("win32" if on_windows else sys.platform)
    on_windows = platform == "win32" if on_windows is None else on_windows
    pins = _pins(md.requires("xltools") if _version("xltools") else None)
    checks = [check_python(platform=platform), check_package(platform=platform)]
    checks += [check_module(d, m, pins.get(d)) for d, m in REQUIRED_PACKAGES]
    checks.append(check_command(platform=platform))
    if on_windows:
        info = excel_info(read)
        config = read_xlwings_config()
        checks += [
            check_excel(info, True),
            check_addin(_version("xlwings"), addin_version(), True),
            check_interpreter(config, True),
            check_macro_security(read, info.major, True),
            check_vba_access(read, info.major, True),
            check_udf_modules(config, True),
        ]
    elif platform == "darwin":
        checks.append(Check(None, "Excel 各项：“预算公开”选项卡的按钮只支持 Windows 上的 Microsoft Excel；在 macOS 上用命令行，"
                            "生成的 .xlsx 可以用 Mac 版 Excel 打开和打印",
                            "Excel items: the buttons need Excel for Windows; on macOS use the command line "
                            "(its .xlsx opens in Excel for Mac)"))
    else:
        checks.append(Check(None, "Excel 各项（Excel、xlwings 加载项、解释器、宏设置、UDF Modules）：不是 Windows，不检查；"
                            "在本机用命令行，生成的 .xlsx 可以用 LibreOffice 或 Windows 上的 Excel 打开",
                            "Excel items (Excel, add-in, interpreter, macro settings, UDF Modules): not Windows; "
                            "use the command line here"))
    checks.append(check_template())
    checks.append(check_libreoffice(*find_soffice(candidates=SOFFICE_ELSEWHERE.get(platform, ())), platform=platform))
    if platform.startswith("linux"):
        checks.append(check_cjk_fonts())
    checks += [check_reader(*r) for r in READERS]
    return checks


def render(checks: Sequence[Check], interpreter: str = sys.executable, platform: str = sys.platform) -> tuple[int, str]:
    """The report and the exit status: 1 when a required item failed."""
    system = SYSTEM_NAMES.get(platform, platform)
    lines = [f"xltools {_version('xltools') or '?'} 安装检查 / installation check（{system}；{guide_for(platform)}）",
             f"解释器 / interpreter: {interpreter}"]
    for c in checks:
        lines.append(f"[{c.label}] {c.zh} / {c.en}")
        if c.ok is False and c.fix:
            lines.append(f"    修复 / fix: {c.fix}")
    bad = sum(c.failed for c in checks)
    optional = sum(c.ok is False and not c.required for c in checks)
    if bad:
        lines.append(f"有 {bad} 项必需项未通过，按上面的“修复”处理后再运行 xltools doctor / "
                     f"{bad} required item(s) failed: apply the fixes above, then run xltools doctor again")
    elif optional:
        lines.append(f"必需项全部正常；{optional} 项可选项未通过，只影响所注明的功能 / "
                     f"all required items pass; {optional} optional item(s) not met, affecting only the features named")
    else:
        lines.append("全部正常 / all good")
    return (1 if bad else 0), "\n".join(lines)


def run_doctor() -> tuple[int, str]:
    return render(collect())
