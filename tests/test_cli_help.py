"""Commands that introduce themselves: `xltools --version` from the package metadata, every
command's help in Chinese first with an example to copy, argparse's errors in Chinese, and a
doctor whose advice fits the system it runs on."""
from __future__ import annotations

import importlib.metadata as md
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xltools import __version__
from xltools.cli.main import parser
from xltools.cli.help import COMMANDS
from xltools.cli.doctor import check_command, check_libreoffice, collect, render

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xltools.cli.main", *args], capture_output=True, text=True, timeout=300,
                          env=env)


def test_version_comes_from_the_package_metadata() -> None:
    r = run("--version")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith(f"xltools {md.version('xltools')}（Python ")
    # One place: the metadata is built from xltools/__init__.py, which pyproject.toml reads.
    assert md.version("xltools") == __version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and 'version = {attr = "xltools.__version__"}' in pyproject
    assert not re.search(r'^version\s*=\s*"', pyproject, re.M)
    assert run("-V").stdout == r.stdout


def test_the_main_help_lists_every_command_chinese_first() -> None:
    r = run("-h")
    assert r.returncode == 0
    out = r.stdout
    assert out.startswith("用法 / usage: xltools")
    assert "预算公开（部门/单位预算公开）的读取、校验与工作簿工具。" in out and "docs/用户指南.md" in out
    for name, cmd in COMMANDS.items():
        assert re.search(rf"^\s+{name}\s+{re.escape(cmd.summary)}$", out, re.M), name
    assert "示例 / examples:" in out and "xltools doctor" in out
    assert "-V, --version" in out and "显示本帮助并退出" in out


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(list(argv))
    assert exit_.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_help_is_chinese_first_with_an_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(capsys, name, "--help")
    blocks = out.split("\n\n")
    assert blocks[0].startswith(f"用法 / usage: xltools {name}")
    # The first line of the description is Chinese; the English follows it.
    description = blocks[1].splitlines()[0]
    assert CJK.search(description) and description == COMMANDS[name].zh.splitlines()[0]
    assert out.index(COMMANDS[name].zh.splitlines()[0]) < out.index(COMMANDS[name].en.splitlines()[0])
    examples = out[out.index("示例 / examples:"):].splitlines()[1:]
    assert examples and all(ln.strip().startswith(("xltools ", "python -m xltools")) for ln in examples if ln.strip())
    assert any(f"xltools {name}" in ln for ln in examples)
    for english_only in ("usage:", "positional arguments:", "options:"):
        assert not any(ln.startswith(english_only) for ln in out.splitlines()), english_only
    assert "show this help message and exit" not in out


def test_every_example_parses_as_written() -> None:
    """An example that the parser refuses would teach the officer a wrong command."""
    p = parser()
    for cmd in COMMANDS.values():
        for example, _ in cmd.examples:
            words = example.split(">")[0].split()
            argv = words[3:] if words[:3] == ["python", "-m", "xltools.cli.main"] else words[1:]
            args = p.parse_args(argv)
            assert callable(args.func), example


def test_argparse_errors_are_chinese_first_and_name_the_help() -> None:
    r = run("import", "预算公开.pdf")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "xltools import：缺少参数 / error: the following arguments are required: -o/--output" in r.stderr
    assert "查看帮助 / help: xltools import -h" in r.stderr
    r = run("chek", "预算公开.pdf")
    assert r.returncode == 2 and "xltools：没有这个命令或取值 / error:" in r.stderr and "'check'" in r.stderr


def test_the_doctor_on_linux_gives_linux_advice(tmp_path: Path) -> None:
    """Run as an officer would, with the xltools command not on PATH: the fix is the shell's,
    never Windows' settings dialog."""
    if not sys.platform.startswith("linux"):
        pytest.fail("this test describes the doctor on Linux; run it there")
    env = {k: v for k, v in os.environ.items()}
    env["PATH"] = str(tmp_path)  # nothing found there: not xltools, not soffice
    env["SHELL"] = "/bin/bash"
    r = run("doctor", env=env)
    out = r.stdout
    assert r.returncode == 0, out  # only optional items fail
    assert "安装检查 / installation check（Linux；docs/用户指南.md）" in out
    assert "[未通过·可选] 命令 xltools 不在 PATH 上" in out
    scripts = str(Path(sys.executable).parent)
    assert f"echo 'export PATH=\"{scripts}:$PATH\"' >> ~/.bashrc" in out
    assert "[未通过·可选] LibreOffice 未安装" in out and "sudo apt-get install -y --no-install-recommends" in out
    assert "[不适用] Excel 各项" in out
    for windows_only in ("环境变量", "命令提示符", "python.org/downloads/windows", "Program Files"):
        assert windows_only not in out, windows_only


def test_each_system_gets_its_own_fix() -> None:
    folder = "/opt/py/bin"
    linux = check_command(lambda n: None, scripts=folder, platform="linux", shell="/bin/bash").fix
    mac = check_command(lambda n: None, scripts=folder, platform="darwin", shell="").fix
    win = check_command(lambda n: None, scripts=r"C:\Python312\Scripts", platform="win32").fix
    assert "~/.bashrc" in linux and "~/.zshrc" in mac and "环境变量" in win
    assert "环境变量" not in linux + mac
    assert "brew install --cask libreoffice" in check_libreoffice(None, None, "darwin").fix
    assert "libreoffice.org" in check_libreoffice(None, None, "win32").fix
    mac_lo = check_libreoffice(None, "/Applications/LibreOffice.app/Contents/MacOS/soffice", "darwin")
    assert "/Applications/LibreOffice.app/Contents/MacOS" in mac_lo.fix and "环境变量" not in mac_lo.fix
    # The report names the system and the guide it follows.
    assert "（Windows；docs/WINDOWS.md）" in render([], platform="win32")[1]
    assert "（macOS；docs/用户指南.md）" in render([], platform="darwin")[1]
    macos = collect(platform="darwin")
    assert any(c.ok is None and "macOS" in c.zh and "Windows 上的 Microsoft Excel" in c.zh for c in macos)
    assert not any("中文字体" in c.zh for c in macos)  # the fonts item is Linux's only
