"""Thin adapter over headless LibreOffice: convert to xlsx with a profile that forces a
full recalculation on load, then read the values it cached."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from xltools.workbook.engine import office
from xltools.workbook.engine.cache import Value, Values
from xltools.workbook.engine.libreoffice_profile import write_profile
from xltools.workbook.engine.saved_values import Unusual, saved_values
from xltools.workbook.openpyxl_internals import load_workbook


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    return exe


def convert(paths: list[Path], outdir: Path, fmt: str = "xlsx", timeout: int = 600) -> list[Path]:
    """Each file converted to `fmt` ("xlsx", "pdf", or soffice's "pdf:FILTER:{json options}"),
    same stems, in `outdir`: through the listening LibreOffice when one is (office.listening),
    else by one soffice start for all files."""
    ext = fmt.split(":")[0]
    out = [outdir / f"{p.stem}.{ext}" for p in paths]
    running = office.current()
    if running is not None:
        _, _, options = fmt.partition(":")
        name, _, data = options.partition(":")
        for src, dst in zip(paths, out):
            running.convert_one(src, dst, name or ext, json.loads(data) if data else None)
    else:
        with tempfile.TemporaryDirectory(prefix="xltools-lo-") as profile:
            write_profile(Path(profile))
            cmd = [soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)]
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {', '.join(missing)}")
    return out


def _values(path: Path) -> Values:
    # The values alone are wanted: a scan of the sheet XML (saved_values), typed as openpyxl
    # types them, a quarter of openpyxl's read-only load; openpyxl reads what the scan does not.
    try:
        return {title: {a1: _value(v) for a1, v in cells.items()} for title, cells in saved_values(path).items()}
    except Unusual:
        return _values_by_openpyxl(path)


def _values_by_openpyxl(path: Path) -> Values:
    # Read-only: the same cells and values as a full load, in two thirds of the time.
    wb = load_workbook(path, data_only=True, read_only=True)
    try:
        out: Values = {}
        for ws in wb.worksheets:
            out[ws.title] = {c.coordinate: _value(c.value) for row in ws.iter_rows() for c in row
                             if c.value is not None}
        return out
    finally:
        wb.close()


def _value(v: object) -> Value:
    """A cached value as a number, text or truth value. A saved value is one of those; a date
    (no xltools sheet has one) becomes its text, as storing it in a cache would write it."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def compute_many(paths: list[Path]) -> list[Values]:
    with tempfile.TemporaryDirectory(prefix="xltools-lo-out-") as d:
        # Inputs get distinct names (index prefix), so two never overwrite each other's output.
        staged = []
        for i, p in enumerate(paths):
            s = Path(d) / f"{i}_{p.name}"
            shutil.copy(p, s)
            staged.append(s)
        out_dir = Path(d) / "out"
        out_dir.mkdir()
        return [_values(p) for p in convert(staged, out_dir)]
