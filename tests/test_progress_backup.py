"""`import` and `recalc` show their stages on a terminal and nothing when piped; every
replaced file is kept, the backups rotating (.bak newest, then .bak1, .bak2, …)."""
from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import SEED_PATHS

from xltools.cli.main import main
from xltools.core.progress import BUILD, DONE, READ, RECALC, SAVE, Stages
from xltools.files.safe_write import BACKUPS, backup_paths, write_atomically

SUMMARY = re.compile(r"^已导入 .+：错误 \d+ 条，提示 \d+ 条\n$")


def _unit(data: bytes) -> str:
    """The unit a workbook was imported from, read from its 封面 (a backup's name ends in .bak,
    which openpyxl refuses by name, so it is read from the bytes)."""
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["封面"]
    return str(next(r[1] for r in sheet.iter_rows(values_only=True) if r[0] == "单位名称"))


# -- backups ---------------------------------------------------------------------------------------

def test_three_forced_imports_keep_three_distinct_previous_copies(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "预算公开.xlsx"
    written: list[bytes] = []
    for i, seed in enumerate(["000", "001", "003", "000"]):
        args = ["import", str(SEED_PATHS[seed]), "-o", str(out), "--no-recalc"] + (["--force"] if i else [])
        assert main(args) == 0
        written.append(out.read_bytes())
        cap = capsys.readouterr()
        assert SUMMARY.match(cap.out), cap.out
        if i:
            assert f"{out}.bak" in cap.err  # says where the old file went
    bak, bak1, bak2 = (p.read_bytes() for p in backup_paths(out, 3))
    # Newest first: .bak is the file the last import replaced, .bak2 the very first import.
    assert (bak, bak1, bak2) == (written[2], written[1], written[0])
    assert out.read_bytes() == written[3]
    assert [_unit(b) for b in (bak, bak1, bak2)] == [
        "晋城经济技术开发区管理委员会", _unit(written[1]), "阳泉高新技术产业开发区大连街管理服务中心"]
    assert len({bak, bak1, bak2}) == 3
    assert not (tmp_path / "预算公开.xlsx.bak3").exists()
    assert not list(tmp_path.glob(".xltools-*"))  # no temporary file left behind


def test_without_force_nothing_is_touched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"mine")
    assert main(["import", str(SEED_PATHS["000"]), "-o", str(out), "--no-recalc"]) == 2
    err = capsys.readouterr().err
    assert "文件已存在" in err and "--force" in err and ".bak1" in err
    assert out.read_bytes() == b"mine" and not backup_paths(out)[0].exists()


def _write(out: Path, data: bytes) -> None:
    def fill(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomically(out, fill)


def test_rotation_keeps_the_last_copies_and_drops_only_the_oldest(tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    versions = [f"v{i}".encode() for i in range(BACKUPS + 3)]
    for v in versions:
        _write(out, v)
    assert out.read_bytes() == versions[-1]
    kept = [p.read_bytes() for p in backup_paths(out)]
    assert kept == versions[-2::-1][:BACKUPS]  # .bak = the previous one, then older and older
    assert not out.with_name(f"f.xlsx.bak{BACKUPS}").exists()


def test_the_same_bytes_again_do_not_push_an_older_copy_out(tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    for v in (b"one", b"two", b"two", b"two"):
        _write(out, v)
    assert [p.read_bytes() for p in backup_paths(out) if p.exists()] == [b"two", b"one"]


def test_a_gap_the_user_made_is_filled_not_shifted_past(tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    for v in (b"a", b"b", b"c", b"d"):
        _write(out, v)  # .bak=c .bak1=b .bak2=a
    backup_paths(out)[1].unlink()  # the user deleted .bak1
    _write(out, b"e")
    assert [p.read_bytes() if p.exists() else None for p in backup_paths(out)[:4]] == [b"d", b"c", b"a", None]


def test_a_failed_write_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    for v in (b"old", b"current"):
        _write(out, v)

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(out, broken)
    assert out.read_bytes() == b"current"
    assert [p.read_bytes() for p in backup_paths(out) if p.exists()] == [b"old"]
    assert not list(tmp_path.glob(".xltools-*"))


# -- progress --------------------------------------------------------------------------------------

# Two commands run one after the other in one child process, each as `python -m
# xltools.cli.main` runs it, on the child's own stdout and stderr (a pipe, a terminal): the
# interpreter starts and the package loads once for both. After each command, a NUL on both
# streams marks where its output ends; the exit codes follow on stdout.
_TWO = r"""
import json, os, sys
from xltools.cli.main import main
codes = []
for argv in json.loads(sys.argv[1]):
    try:
        codes.append(main(argv))
    except SystemExit as exc:
        codes.append(exc.code if isinstance(exc.code, int) else 2)
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(1, b"\0")
    os.write(2, b"\0")
os.write(1, json.dumps(codes).encode())
"""


def _two(first: list[str], second: list[str]) -> list[str]:
    import json

    return [sys.executable, "-c", _TWO, json.dumps([first, second])]


def _split(out: str, err: str) -> list[tuple[int, str, str]]:
    """(exit code, stdout, stderr) of each of the two commands `_two` ran."""
    import json

    *outs, codes = out.split("\0")
    errs = err.split("\0")
    assert len(outs) == 2 and len(errs) == 3 and errs[2] == "", (out, err)
    return list(zip(json.loads(codes), outs, errs[:2]))


def test_piped_stderr_has_no_bar(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    r = subprocess.run(_two(["import", str(SEED_PATHS["000"]), "-o", str(out), "--no-recalc"], ["recalc", str(out)]),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    (code, stdout, stderr), (code2, stdout2, stderr2) = _split(r.stdout, r.stderr)
    assert code == 0, stderr
    assert SUMMARY.match(stdout) and stderr == ""
    assert code2 == 0, stderr2
    # No bar; only the line naming the backup recalc keeps of the file it rewrites.
    bak = f"{out}.bak"
    assert stdout2 == f"已重新计算 {out}（formulas）\n" and stderr2 == f"原文件已备份为 {bak} / the old file was kept as {bak}\n"


def _on_a_terminal(cmd: list[str], timeout: float = 300) -> tuple[int, str, str]:
    """Run `cmd` with stderr on a pseudo-terminal (stdout piped); returns (status, stdout, what
    the terminal received)."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # Linux: EIO once the child has closed its end
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        out = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))[0]
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out.decode("utf-8"), seen.decode("utf-8", errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_terminal_sees_each_stage_by_name(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    status, both, seen = _on_a_terminal(_two(["import", str(SEED_PATHS["000"]), "-o", str(out)], ["recalc", str(out)]))
    assert status == 0, seen
    (code, stdout, terminal), (code2, stdout2, terminal2) = _split(both, seen)
    assert code == 0, terminal
    assert SUMMARY.match(stdout), stdout  # stdout unchanged by the bar
    positions = [terminal.find(name) for name in (READ, BUILD, RECALC, SAVE)]
    assert -1 not in positions and positions == sorted(positions), terminal
    assert "/4" in terminal
    assert code2 == 0 and stdout2 == f"已重新计算 {out}（formulas）\n"
    assert RECALC in terminal2 and SAVE in terminal2 and "/2" in terminal2


def test_stages_never_move_back_and_end_complete() -> None:
    stream = io.StringIO()
    with Stages([READ, BUILD, SAVE], enabled=True, stream=stream, tick=60) as progress:
        progress(BUILD)
        progress(READ)  # out of order: the bar stays where it was
        assert progress._bar is not None and progress._bar.n == 1
        progress(SAVE)
    text = stream.getvalue()
    assert BUILD in text and SAVE in text and DONE in text and "3/3" in text


def test_stages_are_silent_off_a_terminal() -> None:
    stream = io.StringIO()  # isatty() is False, like a pipe
    with Stages([READ, SAVE], stream=stream) as progress:
        progress(READ)
        progress(SAVE)
    assert stream.getvalue() == ""
