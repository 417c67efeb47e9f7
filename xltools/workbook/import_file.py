"""Import a read document into a new workbook file, safely, optionally recalculated."""
from __future__ import annotations

from pathlib import Path

from xltools.core.collector import collector_paused
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
    with collector_paused():  # saving too: the workbook lives on while it is written
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
