"""Thin adapter over headless LibreOffice: convert to xlsx with a profile that forces a
full recalculation on load, then read the values it cached."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

from .cache import Values

# OOXMLRecalcMode 0 = always recalculate on load (STYLE.md: otherwise cached values stay).
_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    return exe


def convert(paths: list[Path], outdir: Path, fmt: str = "xlsx", timeout: int = 600) -> list[Path]:
    """One soffice start for all files; returns the converted files (same stems)."""
    with tempfile.TemporaryDirectory(prefix="xltools-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        cmd = [soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    ext = fmt.split(":")[0]
    out = [outdir / f"{p.stem}.{ext}" for p in paths]
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {', '.join(missing)}")
    return out


def _values(path: Path) -> Values:
    wb = openpyxl.load_workbook(path, data_only=True)
    out: Values = {}
    for ws in wb.worksheets:
        out[ws.title] = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    return out


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
