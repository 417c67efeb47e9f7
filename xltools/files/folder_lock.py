"""A lock on an output folder or file, so that two runs never mix what they write there.

The lock is a file `.xltools-lock` (in a folder) or `.<name>.xltools-lock` (beside a file),
created exclusively and holding the owner's process id; a lock whose process is gone (a
killed run) is taken over.
"""
from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from xltools.files.tempfiles import alive


class Busy(Exception):
    """Another run holds the lock."""

    def __init__(self, path: Path, pid: int) -> None:
        self.filename = str(path)
        self.zh = f"另一个 xltools 审核（进程 {pid}）正在写入，请等它结束后再运行"
        self.en = f"another xltools audit (process {pid}) is writing here: run again when it has finished"
        super().__init__(self.en)


def lock_path(target: Path) -> Path:
    return target / ".xltools-lock" if target.is_dir() else target.with_name(f".{target.name}.xltools-lock")


class FolderLock:
    """Hold the locks of `targets` (folders or files) together; `with` or acquire/release."""

    def __init__(self, *targets: Path) -> None:
        self.targets = {lock_path(Path(t)): Path(t) for t in targets}
        self.held: list[Path] = []

    def acquire(self) -> "FolderLock":
        try:
            for p in sorted(self.targets):
                self._take(p)
                self.held.append(p)
        except BaseException:
            self.release()
            raise
        return self

    def _take(self, p: Path) -> None:
        p.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                try:
                    pid = int(p.read_text(encoding="ascii").strip() or "0")
                except (OSError, ValueError):
                    pid = 0
                if pid and pid != os.getpid() and alive(pid):
                    raise Busy(self.targets[p], pid) from None
                try:
                    p.unlink()  # left by a run that was killed: take it over
                except FileNotFoundError:
                    pass
                continue
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(str(os.getpid()))
            return
        raise Busy(self.targets[p], 0)

    def release(self) -> None:
        while self.held:
            p = self.held.pop()
            try:
                p.unlink()
            except OSError:
                pass

    def __enter__(self) -> "FolderLock":
        return self.acquire()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
