"""Save an openpyxl workbook whose file `cache.write_cached` is about to rewrite.

`xltools import` saves the workbook, then writes every formula's value into the saved file,
which rewrites and compresses each part again: openpyxl's own compression of the first file
was work thrown away (a ninth of its save). This is openpyxl's `save_workbook` with the parts
stored as they are; only ever a file that is rewritten before anyone sees it.
"""
from __future__ import annotations

import datetime
import zipfile
from pathlib import Path
from typing import Any


def save_stored(workbook: Any, path: Path) -> None:
    if workbook.read_only or workbook.write_only:  # openpyxl's own checks and errors
        workbook.save(path)
        return
    from openpyxl.writer.excel import ExcelWriter

    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True)
    workbook.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
    ExcelWriter(workbook, archive).save()
