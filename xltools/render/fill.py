"""Import a read document into a new workbook file, safely, optionally recalculated."""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from ..engine.cache import default_mode
from ..model import Document
from ..rules import CATALOGUE
from .book import build


def import_document(doc: Document, out: Path, *, overwrite: bool = False, recalc: str | None = "formulas") -> Path:
    """Write `doc` to `out` (.xlsx). An existing file is refused unless `overwrite`; then the
    old file is kept as `out.bak`. The file appears atomically (temp file + os.replace)."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} 已存在（使用 --force 覆盖）")
    built = build(doc, CATALOGUE)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".xlsx", dir=out.parent, prefix=".xltools-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        built.workbook.save(tmp)
        if recalc:
            from ..engine import recalc as run_recalc

            run_recalc(tmp, recalc)  # type: ignore[arg-type]
        # mkstemp creates 0600: give the file the mode of the one it replaces, or the umask's.
        os.chmod(tmp, stat.S_IMODE(out.stat().st_mode) if out.exists() else default_mode())
        if out.exists():
            shutil.copy2(out, out.with_name(out.name + ".bak"))
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
