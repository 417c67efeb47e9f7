"""Thin adapter over headless LibreOffice, run with a profile that forces a full recalculation
on load: the values are read from the loaded document through a listening LibreOffice
(office_values.py), else from the .xlsx it converts the file to (the values it cached)."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

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
    """Each file's values as LibreOffice recalculates them. Through a listening LibreOffice,
    read from the loaded document (office_values.py) where that gives exactly what its stored
    .xlsx would; otherwise, and for a file holding what that read cannot type, from the .xlsx."""
    with tempfile.TemporaryDirectory(prefix="xltools-lo-out-") as d:
        # Inputs get distinct names (index prefix), so two never overwrite each other's output;
        # copies, so LibreOffice's lock files never land beside the user's own.
        staged = []
        for i, p in enumerate(paths):
            s = Path(d) / f"{i}_{p.name}"
            shutil.copy(p, s)
            staged.append(s)
        out: dict[int, Values] = {}
        running = office.current()
        if running is not None and _fast_values_agree(running):
            for i, s in enumerate(staged):
                try:
                    out[i] = _values_of(running, s, Path(d) / f"values{i}")
                except (Unusual, RuntimeError):  # a file the .xlsx route reads, or fails on with its own message
                    pass
        rest = [i for i in range(len(staged)) if i not in out]
        if rest:
            out_dir = Path(d) / "out"
            out_dir.mkdir()
            for i, written in zip(rest, convert([staged[i] for i in rest], out_dir)):
                out[i] = _values(written)
        return [out[i] for i in range(len(staged))]


def _values_of(running: office.Office, src: Path, workdir: Path) -> Values:
    workdir.mkdir()
    return running.values_of(src, workdir)


# Numbers that LibreOffice's .xlsx store writes every way office_values.lo_number_text knows:
# fixed and exponent notation on both sides of each threshold, rounding half up on a tie of
# the shortest digits, a carry to the next power of ten, negative zero, a subnormal.
_PROBE = [1 / 3, 2.0 ** 53, 1e15, 1e16, 1e17, 9.999999999999998e16, 1e-4, 1e-5, 9.999999999999999e-05,
          0.1 + 0.2, 1e20, 1e-7, -0.0, 5e-324, 0.5, 69619678590780.25, 5.745409117624995, 0.9944478474819585,
          577795661112948.5, 1.327072749145285e16, 123456789012345.6, -1271.905, 1370.96, 2.517575521346817e-09,
          7.3e-250, -4.4e250]


def _typed(values: Values) -> dict[str, dict[str, tuple[type, Value]]]:
    return {s: {a1: (type(v), v) for a1, v in cells.items()} for s, cells in values.items()}


def _probe_book(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "probe"
    rnd = random.Random(20261207)
    numbers = list(_PROBE)
    for k in range(200):
        numbers.append(rnd.random() * 10.0 ** rnd.randint(-9, 20) * (-1) ** k)
        numbers.append(round(rnd.uniform(-1e7, 1e7), k % 5))
    for r, v in enumerate(numbers, start=1):
        ws.cell(r, 1, v)
        ws.cell(r, 2, f"=A{r}/7")
    ws["C1"], ws["C2"], ws["C3"], ws["C4"] = "=1/0", "=NA()", '="x&"&"<y>"', '=""'
    wb.save(path)


def _fast_values_agree(running: office.Office) -> bool:
    """Whether this LibreOffice's values read from the loaded document equal those of its
    stored .xlsx, on a small workbook of awkward numbers: asked once per listening office (a
    few tenths of a second), so another version's way of writing numbers turns the fast route
    off instead of changing a value."""
    agreed = running.values_agree
    if agreed is None:
        with tempfile.TemporaryDirectory(prefix="xltools-lo-probe-") as d:
            src, out = Path(d) / "probe.xlsx", Path(d) / "out.xlsx"
            _probe_book(src)
            try:
                fast = _values_of(running, src, Path(d) / "values")
                running.convert_one(src, out, "xlsx")
            except (Unusual, RuntimeError):  # the .xlsx route, as it was, for every file
                agreed = False
            else:
                agreed = _typed(fast) == _typed(_values(out))
        running.values_agree = agreed
    return agreed
