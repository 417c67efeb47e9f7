"""Writing a user's file so that nothing is lost: the new file appears whole or not at all,
and the one it replaces is kept as a backup.

Backups rotate, newest first: `名.xlsx.bak` is always the copy just replaced, the one before it
moves to `.bak1`, then `.bak2`, … up to `BACKUPS` copies (`.bak` … `.bak4`); only a sixth
replacement drops the oldest. Numbered names rather than timestamps so that "the previous one"
is always the same name to look for, and the folder never grows without bound.
"""
from __future__ import annotations

import errno
import filecmp
import os
import shutil
import stat
from pathlib import Path
from typing import Callable

from xltools.files.tempfiles import default_mode, sweep, temp_path

BACKUPS = 5
# Below this much free space a write is refused before it starts (a workbook is 1-3 MB; a
# disk that full fails half-way, or fills up for the user's other programs).
MIN_FREE_BYTES = 16 * 1024 * 1024


class OutputRefused(OSError):
    """The output path cannot take the file: said before any work is done."""

    def __init__(self, path: Path, zh: str, en: str) -> None:
        super().__init__(errno.EINVAL, en, str(path))
        self.zh = zh
        self.en = en


def check_output(out: Path) -> None:
    """Refuse, before the work, an output that could not be written safely: a symlink (the
    link would be replaced and its target left stale), anything but a regular file (a device
    would be replaced by a workbook), a parent that is not a folder, a folder we may not write
    in, a disk nearly full."""
    out = Path(out)
    if out.is_symlink():
        raise OutputRefused(out, "输出路径是符号链接，不写入（请给出实际文件的路径）",
                            "the output path is a symbolic link: not written (give the real file's path)")
    if out.exists() and not out.is_file():
        what = ("文件夹", "a folder") if out.is_dir() else ("设备、管道或其他特殊文件", "a device, a pipe or another special file")
        raise OutputRefused(out, f"输出路径是{what[0]}，不是普通文件，不写入",
                            f"the output path is {what[1]}, not a regular file: not written")
    parent = out.parent
    # The first part of the path that exists must be a folder (the rest is created).
    existing = next((a for a in (parent, *parent.parents) if a.exists()), None)
    if existing is not None and not existing.is_dir():
        raise OutputRefused(out, f"上级路径 {existing} 是文件，不是文件夹", f"{existing} in the path is a file, not a folder")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise OutputRefused(out, f"没有在文件夹 {existing} 中写入的权限", f"no permission to write in the folder {existing}")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputRefused(out, "文件为只读，不能覆盖", "the file is read-only: it cannot be replaced")
    if existing is not None:
        try:
            free = shutil.disk_usage(existing).free
        except OSError:
            free = MIN_FREE_BYTES
        if free < MIN_FREE_BYTES:
            raise OutputRefused(out, f"磁盘剩余空间不足（{free // 1024 // 1024} MB），未写入",
                                f"not enough free space on the disk ({free // 1024 // 1024} MB): not written")


def backup_paths(out: Path, keep: int = BACKUPS) -> list[Path]:
    """`out`'s backup names, newest first: `.bak`, `.bak1`, … (`keep` of them)."""
    return [out.with_name(f"{out.name}.bak{i or ''}") for i in range(max(1, keep))]


def rotate_backups(out: Path, keep: int = BACKUPS) -> Path | None:
    """Keep the current `out` as `.bak`, each older backup one number further; returns the
    `.bak` written (None when there is no `out` to keep)."""
    if not out.is_file():
        return None
    names = backup_paths(out, keep)
    newest = names[0]
    # A repeat of the same bytes (the same text re-imported within a second) would otherwise
    # push a different, older copy out of the window for nothing.
    if newest.is_file() and filecmp.cmp(out, newest, shallow=False):
        return newest
    # Shift only up to the first free slot: copies beyond a gap the user made stay as they are.
    free = next((i for i, p in enumerate(names) if not p.exists()), len(names) - 1)
    for i in range(free, 0, -1):
        # Oldest first, so no rename lands on a copy not yet moved; os.replace is atomic.
        os.replace(names[i - 1], names[i])
    # Copied, never moved: `out` itself stays in place until the new file replaces it, and the
    # copy goes through a temporary name so `.bak` is never a half-written file.
    tmp_name = temp_path(out.parent, ".bak")
    try:
        shutil.copy2(out, tmp_name)
        os.replace(tmp_name, newest)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return newest


def write_atomically(out: Path, write: Callable[[Path], None], keep: int = BACKUPS) -> Path:
    """`write` fills a temporary file beside `out`, which then replaces `out` in one step; the
    replaced file joins the rotated backups. Nothing is rotated unless `write` succeeded.
    The temporary file is removed on every exit, and those of killed runs by the next write."""
    check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep(out.parent)
    tmp = temp_path(out.parent, out.suffix)
    try:
        write(tmp)
        # mkstemp creates 0600: give the file the mode of the one it replaces, or the umask's.
        os.chmod(tmp, stat.S_IMODE(out.stat().st_mode) if out.exists() else default_mode())
        rotate_backups(out, keep)
        os.replace(tmp, out)
    except OSError as exc:
        if exc.filename is None:  # a failed write names no file: the message must name ours
            raise OSError(exc.errno, exc.strerror or str(exc), str(out)) from exc
        raise
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
