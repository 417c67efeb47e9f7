"""Import a read document into a new workbook file, safely, optionally recalculated."""
from __future__ import annotations

from pathlib import Path

from ..model import Document
from ..rules import CATALOGUE
from ..safe_write import write_atomically
from .book import build


def import_document(doc: Document, out: Path, *, overwrite: bool = False, recalc: str | None = "formulas") -> Path:
    """Write `doc` to `out` (.xlsx). An existing file is refused unless `overwrite`; then the
    old file is kept as `out.bak`. The file appears atomically (temp file + os.replace)."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} 已存在（使用 --force 覆盖）")
    built = build(doc, CATALOGUE)

    def write(tmp: Path) -> None:
        built.workbook.save(tmp)
        if recalc:
            from ..engine import recalc as run_recalc

            run_recalc(tmp, recalc)  # type: ignore[arg-type]

    return write_atomically(out, write)
