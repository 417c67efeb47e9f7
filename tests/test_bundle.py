"""The offline bundle (bundle/build.py): built for this machine's platform and Python (the
Windows bundle differs only in the wheels' platform tag), installed into a fresh virtual
environment with the network cut off, then `xltools doctor` and `xltools check` run from there.

The downloaded wheels are kept in the temporary folder between runs (the build takes them from
there without the network when they are complete), so only a first run downloads.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import SEED_PATHS

from xltools import __version__
from xltools.cli.doctor import packaged_addin
from xltools.excel.ribbon_files import customui_xml, vba_module

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "bundle" / "build.py"
CACHE = Path(tempfile.gettempdir()) / "xltools-bundle-wheels"
_spec = importlib.util.spec_from_file_location("xltools_bundle_build", BUILD)
assert _spec is not None and _spec.loader is not None
bundle_build = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bundle_build  # dataclasses look their module up there
_spec.loader.exec_module(bundle_build)


def _no_network(cmd: list[str]) -> list[str]:
    """`cmd` in a network namespace of its own, with no interface but loopback, where the
    system allows one; otherwise the proxies below make any download fail."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-rn", *cmd]
    return cmd


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON"))}
    # PIP_COMPILE=false: no .pyc written at install (half the install's time here); what is
    # installed, and from where, is the same.
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_COMPILE="false", http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               PATH=os.pathsep.join([str(venv / "bin"), os.defpath]))
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "xltools-host"
    r = subprocess.run([sys.executable, str(BUILD), "--platform", "host", "-o", str(out), "--cache", str(CACHE),
                        "--no-zip"], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.fixture(scope="module")
def installed(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    # A fresh environment with pip and nothing else, as a new Python comes: this pip copied in
    # (ensurepip would install its own wheel into it, 4 s of CPU, for the same empty environment).
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    site = Path(subprocess.run([str(venv / ("Scripts" if sys.platform == "win32" else "bin") / "python"), "-c",
                                "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True, timeout=120).stdout.strip())
    import pip

    pip_dist = importlib.metadata.distribution("pip")
    shutil.copytree(Path(pip.__file__).parent, site / "pip")  # with its bytecode: copy2 keeps the times that validate it
    info = next(p for p in pip_dist.files or [] if str(p).endswith(".dist-info/METADATA"))
    shutil.copytree(Path(str(pip_dist.locate_file(info))).parent, site / Path(str(info)).parent.name)
    assert (site / "pip" / "__init__.py").is_file() and not any(site.glob("pandas*")) and not any(site.glob("xltools*"))
    r = subprocess.run(_no_network([str(venv / "bin" / "python"), str(bundle / "install.py")]),
                       capture_output=True, text=True, timeout=900, env=_clean_env(venv), cwd=bundle)
    return venv, r


def test_the_bundle_holds_what_the_officer_needs(bundle: Path) -> None:
    manifest = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
    assert manifest["xltools"] == __version__ and manifest["pythons"] == [f"{sys.version_info[0]}.{sys.version_info[1]}"]
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest, name
    wheels = {p.name.split("-")[0].lower() for p in (bundle / "wheels").glob("*.whl")}
    assert {"xltools", "xlwings", "openpyxl", "formulas", "pandas", "pdfplumber", "python_docx"} <= wheels
    assert (bundle / "wheels" / f"xltools-{__version__}-py3-none-any.whl").is_file()
    # The VBA module and the ribbon are the ones the button list writes; the add-in is the
    # very file `xlwings addin install` copies for the xlwings version in the bundle.
    assert (bundle / "excel" / "xltools.bas").read_bytes() == vba_module().encode("ascii")
    assert (bundle / "excel" / "customUI14.xml").read_text(encoding="utf-8") == customui_xml()
    addin = packaged_addin()
    assert addin is not None and (bundle / "excel" / "xlwings.xlam").read_bytes() == addin.read_bytes()
    bat = (bundle / "install.bat").read_bytes()
    assert bat.isascii() and b"\r\n" in bat and b"\n" not in bat.replace(b"\r\n", b"")
    assert b'install.py" %*' in bat
    with zipfile.ZipFile(bundle / "excel" / "xlwings.xlam") as z:
        assert "xl/vbaProject.bin" in z.namelist()


def test_it_installs_with_the_network_cut_and_the_doctor_passes(installed: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    venv, r = installed
    out = r.stdout
    assert r.returncode == 0, out + r.stderr
    assert "--no-index" in out and "[1/4]" in out and "[4/4]" in out
    assert f"[完成] 已安装 xltools {__version__}" in out
    assert "Successfully installed" in out and f"xltools-{__version__}" in out
    if sys.platform != "win32":
        assert "[跳过] Excel 各步" in out
    # The doctor of the fresh environment, not of this one.
    assert f"解释器 / interpreter: {venv / 'bin' / 'python'}" in out
    assert f"[通过] xltools {__version__} 已安装（{venv}" in out
    for dist in ("xlwings", "openpyxl", "formulas 1.3.4", "pdfplumber", "python-docx"):
        assert f"[通过] {dist}" in out, dist
    assert "[未通过]" not in out and "安装完成 / installed." in out


def test_the_installed_commands_check_a_seed(installed: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    venv, _ = installed
    exe = venv / "bin" / "xltools"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and version.stdout.startswith(f"xltools {__version__}（Python ")
    assert str(venv / "bin" / "python") in version.stdout
    r = subprocess.run(_no_network([str(exe), "check", str(SEED_PATHS["000"]), "--json"]), capture_output=True,
                       text=True, timeout=300, env=_clean_env(venv))
    assert r.returncode == 1, r.stderr  # seed 000 has one error: 上年结转 "占0%"
    data = json.loads(r.stdout)
    assert data["tables"]["1"]["total"] == 1271.91 and data["tables"]["12"]["total"] == 1001.56
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert len(errors) == 1 and errors[0]["expected"] == 7.79 and {"line": 445} in [
        {"line": w["line"]} for w in errors[0]["where"] if "line" in w]


def test_windows_needs_are_followed_by_windows_markers(tmp_path: Path) -> None:
    """pip evaluates markers for the machine it runs on: the build evaluates them again for
    Windows, so pywin32 (xlwings) and colorama (tqdm) are fetched although Linux needs neither."""
    from packaging.requirements import Requirement

    def wheel(name: str, version: str, *requires: str) -> None:
        path = tmp_path / f"{name}-{version}-py3-none-any.whl"
        meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
            f"Requires-Dist: {r}\n" for r in requires)
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(f"{name}-{version}.dist-info/METADATA", meta)

    wheel("xlwings", "0.37.8", 'pywin32>=224; platform_system == "Windows"', 'psutil; platform_system == "Linux"')
    wheel("tqdm", "4.70.1", 'colorama; platform_system == "Windows"')
    wheel("psutil", "7.0.0")
    roots = [Requirement("xlwings>=0.37.5"), Requirement("tqdm>=4.60")]
    windows = bundle_build.Target("win_amd64", "3.12").marker_env
    assert bundle_build.missing(tmp_path, roots, windows) == ["colorama", "pywin32>=224"]
    wheel("pywin32", "312")
    wheel("colorama", "0.4.6")
    assert bundle_build.missing(tmp_path, roots, windows) == []
    # A version the requirement excludes is as good as missing.
    assert bundle_build.missing(tmp_path, [Requirement("tqdm>=5")], windows) == ["tqdm>=5"]


def test_the_install_script_refuses_another_python(tmp_path: Path) -> None:
    shutil.copy2(ROOT / "bundle" / "install.py", tmp_path / "install.py")
    (tmp_path / "bundle.json").write_text(json.dumps({"xltools": __version__, "platform": "win_amd64",
                                                      "pythons": ["3.99"]}), encoding="utf-8")
    r = subprocess.run([sys.executable, str(tmp_path / "install.py")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "[失败] 本安装包只含 Python 3.99（64 位）的文件" in r.stdout and "Add python.exe to PATH" in r.stdout
    assert "[2/4]" not in r.stdout  # nothing installed into the wrong Python
    assert "[失败]" in (tmp_path / "install-log.txt").read_text(encoding="utf-8")
