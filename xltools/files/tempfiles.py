"""Temporary files beside the file they will become, under a name a later run recognises.

A file is written whole under `.xltools-tmp-<pid>-<random><suffix>` in the target's folder
(same disk, so that os.replace is atomic) and removed on every exit Python sees. A process
killed outright (SIGKILL, a power cut) leaves its file: the next write in that folder removes
every such file whose process is gone, so nothing accumulates beside the user's workbooks.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

PREFIX = ".xltools-tmp-"
_OURS = re.compile(re.escape(PREFIX) + r"(\d+)-")
# A file whose process id was reused by another process is still ours after this long.
STALE_SECONDS = 24 * 3600


def temp_path(folder: Path, suffix: str) -> Path:
    """A new empty file in `folder` under our temporary name (0600, as mkstemp makes it)."""
    fd, name = tempfile.mkstemp(suffix=suffix, dir=folder, prefix=f"{PREFIX}{os.getpid()}-")
    os.close(fd)
    return Path(name)


def alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its file alone
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the temporary files that killed runs left in `folder`; returns those removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for e in entries:
        m = _OURS.match(e.name)
        if m is None:
            continue
        try:
            if not e.is_file(follow_symlinks=False):
                continue
            old = now - e.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            if old or not alive(int(m.group(1))):
                os.unlink(e.path)
                removed.append(Path(e.path))
        except OSError:
            continue  # in use, or gone already: the next run tries again
    return removed


def default_mode() -> int:
    """The mode a newly created file gets: 0666 less the umask (read without changing it
    where the platform allows)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask
