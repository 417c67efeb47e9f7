"""Writing a user's file so that nothing is lost: the new file appears whole or not at all,
and the one it replaces is kept as `.bak`."""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Callable

from .engine.cache import default_mode


def write_atomically(out: Path, write: Callable[[Path], None]) -> Path:
    """`write` fills a temporary file beside `out`, which then replaces `out` in one step."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=out.suffix, dir=out.parent, prefix=".xltools-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp creates 0600: give the file the mode of the one it replaces, or the umask's.
        os.chmod(tmp, stat.S_IMODE(out.stat().st_mode) if out.exists() else default_mode())
        if out.exists():
            shutil.copy2(out, out.with_name(out.name + ".bak"))
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
