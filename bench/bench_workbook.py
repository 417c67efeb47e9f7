"""Benchmark the workbook engines on each seed and on a workbook scaled up about ten times.

Per workbook: `import` (read, render and recalculate with the default engine, the whole
command), recalculation by the fast path, by the `formulas` package's full model and by
LibreOffice (each a whole process, start-up included, on a fresh copy of the same imported
file; fast path and LibreOffice alternate run by run and their ratio is taken pair by pair),
and an incremental recalculation after one changed input (in-process, on the kept model).
Prints a markdown table.

    .venv/bin/python bench/bench_workbook.py [--runs 3] [--full-runs 1] [--no-full] [--no-scaled]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from xltools.workbook.engine import load_model
from xltools.workbook.engine.fast_model import FastModel
from xltools.rules.reading import read_document
from xltools.workbook.import_file import import_document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import scale_document  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
XLTOOLS = Path(sys.executable).with_name("xltools")
# Enough extra 项 rows and projects to give the largest seed about ten times its formula cells.
SCALE_ITEMS, SCALE_PROJECTS = 9, 54
RECALC = "import sys; from xltools.workbook.engine import recalc; recalc(sys.argv[1], sys.argv[2])"


@dataclass
class Row:
    name: str
    cells: int = 0
    templates: int = 0
    imports: list[float] = field(default_factory=list)
    fast: list[float] = field(default_factory=list)
    full: list[float] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    ratio: list[float] = field(default_factory=list)
    incremental: list[float] = field(default_factory=list)
    recomputed: int = 0
    import_note: str = ""


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def recalc_once(base: Path, work: Path, engine: str) -> float:
    path = work / f"{engine}.xlsx"
    shutil.copy(base, path)
    return timed([sys.executable, "-c", RECALC, str(path), engine])


def pick_input(model: FastModel) -> tuple[str, str]:
    """The first amount in 表2's 一般公共预算 column that some formula reads."""
    sheet = "表2 收入总表"
    for r in range(6, 400):
        ref = f"D{r}"
        value = model.value(sheet, ref)
        if not isinstance(value, float):
            continue
        try:
            changed = model.update({(sheet, ref): value + 1.0})
        except ValueError:  # a formula cell
            continue
        model.update({(sheet, ref): value})
        if changed:
            return sheet, ref
    raise RuntimeError("no input of 表2 column D is read by a formula")


def measure(row: Row, base: Path, work: Path, args: argparse.Namespace) -> None:
    model = load_model(base).prepare_updates()
    row.cells, row.templates = len(model.cells), model.templates
    sheet, ref = pick_input(model)
    start = model.value(sheet, ref)
    for k in range(11):
        t0 = time.perf_counter()
        changed = model.update({(sheet, ref): float(start) + k + 1})  # type: ignore[arg-type]
        row.incremental.append(time.perf_counter() - t0)
        row.recomputed = len(changed)
    lo = not args.no_lo and (shutil.which("soffice") or shutil.which("libreoffice"))
    for i in range(args.runs):
        fast = recalc_once(base, work, "formulas")
        row.fast.append(fast)
        if lo:
            other = recalc_once(base, work, "libreoffice")
            row.lo.append(other)
            row.ratio.append(fast / other)
        if not args.no_full and i < args.full_runs:
            row.full.append(recalc_once(base, work, "formulas-full"))


def seed_row(seed: Path, work: Path, args: argparse.Namespace) -> Row:
    row = Row(seed.name)
    base = import_document(read_document(seed), work / "base.xlsx", overwrite=True, recalc=None)
    for _ in range(args.runs):
        row.imports.append(timed([str(XLTOOLS), "import", str(seed), "-o", str(work / "imported.xlsx"), "--force"]))
    measure(row, base, work, args)
    return row


def scaled_row(seed: Path, work: Path, args: argparse.Namespace) -> Row:
    doc = scale_document(read_document(seed), SCALE_ITEMS, SCALE_PROJECTS)
    row = Row(f"{seed.name} scaled (+{SCALE_ITEMS} 项 per 项, +{SCALE_PROJECTS} copies of the projects)",
              import_note=" (in-process: render + recalc of the generated document)")
    base = import_document(doc, work / "base.xlsx", overwrite=True, recalc=None)
    for _ in range(args.runs):
        t0 = time.perf_counter()
        import_document(doc, work / "imported.xlsx", overwrite=True, recalc="formulas")
        row.imports.append(time.perf_counter() - t0)
    measure(row, base, work, args)
    return row


def med(xs: list[float], fmt: str = ".2f") -> str:
    return format(statistics.median(xs), fmt) if xs else "–"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--full-runs", type=int, default=1, help="runs of the (slow) full model per workbook")
    p.add_argument("--no-full", action="store_true")
    p.add_argument("--no-lo", action="store_true")
    p.add_argument("--no-scaled", action="store_true")
    args = p.parse_args(argv)
    seeds = sorted(FIXTURES.glob("*.txt"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="xltools-bench-") as d:
        for seed in seeds:
            work = Path(d) / seed.stem
            work.mkdir()
            rows.append(seed_row(seed, work, args))
            print(f"… {rows[-1].name} done", file=sys.stderr)
        if not args.no_scaled:
            work = Path(d) / "scaled"
            work.mkdir()
            rows.append(scaled_row(max(seeds, key=lambda s: s.stat().st_size), work, args))
    print(f"Median of {args.runs} runs (full model: {args.full_runs}); recalc = the whole process on a fresh copy, "
          "start-up included; fast/LO = median of the pairwise ratios, the two alternating.\n")
    print("| workbook | formula cells | templates | import (s) | recalc fast path (s) | recalc full model (s) "
          "| recalc LibreOffice (s) | fast / LO | incremental, 1 input (ms) | cells recomputed |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.name} | {r.cells} | {r.templates} | {med(r.imports)}{r.import_note} | {med(r.fast)} | {med(r.full)} "
              f"| {med(r.lo)} | {med(r.ratio)} | {med([x * 1000 for x in r.incremental], '.1f')} | {r.recomputed} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
