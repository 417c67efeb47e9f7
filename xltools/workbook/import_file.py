"""Import a read document into a new workbook file, safely, optionally recalculated."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from xltools.core.model import Document
from xltools.core.progress import BUILD, SAVE, ProgressCallback, silent
from xltools.rules import CATALOGUE
from xltools.files.safe_write import write_atomically
from xltools.workbook.book import build


def import_document(doc: Document, out: Path, *, overwrite: bool = False, recalc: str | None = "formulas",
                    progress: ProgressCallback | None = None) -> Path:
    """Write `doc` to `out` (.xlsx). An existing file is refused unless `overwrite`; then the
    old file joins the rotated backups (`out.bak`, `out.bak1`, …: see `safe_write`). The file
    appears atomically (temp file + os.replace). `progress` is called with each stage's name
    (生成工作簿, 重新计算, 保存) as it begins."""
    out = Path(out)
    notify = progress or silent
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} 已存在（使用 --force 覆盖）")
    with _collector_paused():
        if recalc:
            from xltools.workbook.engine import warm_up

            warm_up(recalc)  # type: ignore[arg-type]  # the values' process starts while we build
        notify(BUILD)
        built = build(doc, CATALOGUE)

        def write(tmp: Path) -> None:
            if not recalc:
                notify(SAVE)
                built.workbook.save(tmp)
                return
            from xltools.workbook.engine import save_recalculated

            save_recalculated(built.workbook, tmp, recalc, progress=notify)  # type: ignore[arg-type]

        return write_atomically(out, write)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The workbook is a few hundred thousand objects that live until it is saved: Python's
    cycle collector walked them again and again while they were made (an eighth of building and
    saving the largest seed) and found nothing to free. Reference counting still frees the rest."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
