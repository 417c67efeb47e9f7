"""Writing a user's file so that nothing is lost: the new file appears whole or not at all,
and the one it replaces is kept as a backup.

Backups rotate, newest first: `名.xlsx.bak` is always the copy just replaced, the one before it
moves to `.bak1`, then `.bak2`, … up to `BACKUPS` copies (`.bak` … `.bak4`); only a sixth
replacement drops the oldest. Numbered names rather than timestamps so that "the previous one"
is always the same name to look for, and the folder never grows without bound.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Callable

from .engine.cache import default_mode

BACKUPS = 5


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
    fd, tmp_name = tempfile.mkstemp(suffix=".bak", dir=out.parent, prefix=".xltools-")
    os.close(fd)
    try:
        shutil.copy2(out, tmp_name)
        os.replace(tmp_name, newest)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return newest


def write_atomically(out: Path, write: Callable[[Path], None], keep: int = BACKUPS) -> Path:
    """`write` fills a temporary file beside `out`, which then replaces `out` in one step; the
    replaced file joins the rotated backups. Nothing is rotated unless `write` succeeded."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=out.suffix, dir=out.parent, prefix=".xltools-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp creates 0600: give the file the mode of the one it replaces, or the umask's.
        os.chmod(tmp, stat.S_IMODE(out.stat().st_mode) if out.exists() else default_mode())
        rotate_backups(out, keep)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
