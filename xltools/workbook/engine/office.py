"""One headless LibreOffice kept listening, for a session that converts many files (the test
suite, a batch): starting soffice costs seconds each time, a conversion through a running one
costs only the work. The conversions go through `office_bridge.py`, run by a Python that has
LibreOffice's UNO module (often the system's, not ours).

Within `listening()`, `libreoffice_engine.convert` goes through one (started at the first
conversion); without a Python that has UNO, every conversion starts its own soffice as before.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

from xltools.workbook.engine.cache import Values
from xltools.workbook.engine.libreoffice_profile import write_profile
from xltools.workbook.engine.office_values import read_values

_BRIDGE = Path(__file__).with_name("office_bridge.py")


def uno_python(soffice_exe: str) -> str | None:
    """A Python that can import uno: LibreOffice's own (Windows, macOS), the system's (Debian's
    python3-uno), or ours."""
    program = Path(os.path.realpath(soffice_exe)).parent
    candidates = [str(program / "python"), str(program / "python.exe"),  # Linux and Windows builds
                  str(program.parent / "Resources" / "python"),  # macOS: Contents/MacOS/soffice
                  "/usr/bin/python3", shutil.which("python3") or "", sys.executable]
    for exe in dict.fromkeys(c for c in candidates if c and Path(c).exists()):
        ok = subprocess.run([exe, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
        if ok:
            return exe
    return None


class Office:
    """A listening soffice with its own profile, and the bridge process that drives it."""

    def __init__(self, soffice_exe: str, python: str, timeout: float = 600) -> None:
        self._timeout = timeout
        self.values_agree: bool | None = None  # libreoffice_engine._fast_values_agree's answer, once asked
        self._dir = Path(tempfile.mkdtemp(prefix="xltools-office-"))
        write_profile(self._dir)
        pipe = f"xltools{os.getpid()}_{id(self)}"
        self._soffice = subprocess.Popen(
            [soffice_exe, f"-env:UserInstallation={self._dir.as_uri()}", "--headless", "--invisible",
             "--norestore", "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._bridge = subprocess.Popen(
            [python, str(_BRIDGE), f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext", "120"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self._lock = threading.Lock()
        ready = self._answer()
        if not ready.get("ready"):
            self.close()
            raise RuntimeError(f"LibreOffice did not start listening: {ready}")

    def _answer(self) -> dict[str, Any]:
        out: IO[str] | None = self._bridge.stdout
        line = out.readline() if out is not None else ""
        if not line:
            err = self._bridge.stderr.read() if self._bridge.stderr is not None else ""
            raise RuntimeError(f"the LibreOffice bridge stopped: {err.strip()[-500:]}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def convert_one(self, src: Path, dst: Path, fmt: str, data: dict[str, Any] | None = None) -> None:
        self._ask({"src": str(src), "dst": str(dst), "filter": fmt, "data": data or {}}, src)

    def values_of(self, src: Path, workdir: Path) -> Values:
        """The workbook's recalculated values, as reading the .xlsx LibreOffice would store for
        it gives them (libreoffice_engine._values), without that store: see office_bridge.py.
        `workdir` is an empty folder for the bridge's files. Raises `Unusual` for a workbook
        whose values this cannot type as that read would (the caller stores the .xlsx)."""
        self._ask({"values": str(src), "dir": str(workdir)}, src)
        return read_values(workdir)

    def _ask(self, request: dict[str, Any], src: Path) -> None:
        with self._lock:
            assert self._bridge.stdin is not None
            self._bridge.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self._bridge.stdin.flush()
            answer = self._answer()
        if "error" in answer:
            raise RuntimeError(f"LibreOffice could not convert {src}: {answer['error']}")

    def close(self) -> None:
        for proc in (self._bridge, self._soffice):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for stream in (self._bridge.stdin, self._bridge.stdout, self._bridge.stderr):
            if stream is not None:
                stream.close()
        shutil.rmtree(self._dir, ignore_errors=True)


_current: Office | None = None
_wanted: str | None = None  # soffice to start at the first conversion, inside `listening`


def current() -> Office | None:
    """The listening LibreOffice, started here at the first conversion that asks."""
    global _current, _wanted
    if _current is None and _wanted is not None:
        exe, _wanted = _wanted, None
        python = uno_python(exe)
        if python is not None:
            _current = Office(exe, python)
    return _current


@contextmanager
def listening(soffice_exe: str) -> Iterator[None]:
    """Within the block, conversions go through one LibreOffice kept listening, started at the
    first one (none started if nothing is converted); without a Python that has UNO, each
    conversion starts its own soffice as before."""
    global _current, _wanted
    if _current is not None or _wanted is not None:
        yield
        return
    _wanted = soffice_exe
    try:
        yield
    finally:
        office, _current, _wanted = _current, None, None
        if office is not None:
            office.close()
