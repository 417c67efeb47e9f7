"""Benchmark: whole commands as a user runs them, each beside its target, PASS or MISS.

- `xltools recalc` (the default engine, the fast path) against `xltools recalc --engine
  libreoffice` on the same imported workbook (the largest bundled disclosure, 003), the two run
  in turn, each on a fresh copy; the ratio is taken pair by pair. Target: at most 0.35.
- `xltools import` of 003 (read, build, recalculate, save). Target: at most 2 s.
- `xltools check FILE.pdf` of the PDFs the tests make (each bundled disclosure laid out as a
  .docx and printed by LibreOffice: tests/docgen.py, cached in the temporary folder), divided
  by its pages. Target: at most 0.04 s a page.

Every figure is a whole process, from its start to its exit, start-up and imports included
(time.perf_counter around subprocess.run); CPU seconds are the children's own accounting
(resource.getrusage). The commands run as an installed package runs them: with Python's
compiled bytecode (kept under a folder in the temporary directory, PYTHONPYCACHEPREFIX, so
the source tree stays clean) and with the store of compiled formula templates filled by the
runs before (a folder of its own, XLTOOLS_CACHE_DIR; the first, cold run is shown apart).
One run of each command is made first and not counted. Median of --runs (default 5); the
spread (min–max) says how noisy the machine was: the load average is printed too.

    .venv/bin/python bench/bench_commands.py [--runs 5] [--no-pdf] [--no-lo]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "003_5ca8f1ce3fa7ccd0.txt"
XLTOOLS = Path(sys.executable).with_name("xltools")
RECALC_RATIO, IMPORT_SECONDS, PDF_PAGE_SECONDS = 0.35, 2.0, 0.04


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def spread(self, fmt: str = ".2f") -> str:
        return f"{min(self.wall):{fmt}}–{max(self.wall):{fmt}}" if self.wall else "–"


def run(cmd: list[str], env: dict[str, str], runs: Runs | None = None) -> float:
    """One whole process; its wall seconds (and its CPU seconds into `runs`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # check exits 1 when it finds an error: still a run
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    if runs is not None:
        runs.wall.append(wall)
        runs.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall


def environment(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "xltools-bench-pycache")
    env["XLTOOLS_CACHE_DIR"] = str(work / "cache")
    return env


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "MISS"


def bench_recalc(work: Path, env: dict[str, str], n: int, lo: bool) -> list[str]:
    base = work / "base.xlsx"
    run([str(XLTOOLS), "import", str(SEED), "-o", str(base), "--no-recalc"], env)
    cold_env = dict(env, XLTOOLS_CACHE_DIR=str(work / "cold-cache"))
    shutil.copy(base, work / "cold.xlsx")
    cold = run([str(XLTOOLS), "recalc", str(work / "cold.xlsx")], cold_env)  # compiles and stores every template
    fast, office, ratios = Runs(), Runs(), []
    for i in range(n + 1):
        shutil.copy(base, work / "fast.xlsx")
        f = run([str(XLTOOLS), "recalc", str(work / "fast.xlsx")], env, fast if i else None)
        if not lo:
            continue
        shutil.copy(base, work / "office.xlsx")
        o = run([str(XLTOOLS), "recalc", str(work / "office.xlsx"), "--engine", "libreoffice"], env,
                office if i else None)
        if i:
            ratios.append(f / o)
    rows = [f"| `xltools recalc` (fast path), 003 | {statistics.median(fast.wall):.2f} s ({fast.spread()}; "
            f"CPU {statistics.median(fast.cpu):.2f} s; first run, templates not yet stored: {cold:.2f} s) | – | |"]
    if lo:
        r = statistics.median(ratios)
        rows.append(f"| `xltools recalc --engine libreoffice`, 003 | {statistics.median(office.wall):.2f} s "
                    f"({office.spread()}; CPU {statistics.median(office.cpu):.2f} s) | – | |")
        rows.append(f"| fast path / LibreOffice, pair by pair | **{r:.2f}** ({min(ratios):.2f}–{max(ratios):.2f}) "
                    f"| ≤ {RECALC_RATIO} | {verdict(r, RECALC_RATIO)} |")
    return rows


def bench_import(work: Path, env: dict[str, str], n: int) -> list[str]:
    runs = Runs()
    for i in range(n + 1):
        run([str(XLTOOLS), "import", str(SEED), "-o", str(work / "imported.xlsx"), "--force"], env,
            runs if i else None)
    m = statistics.median(runs.wall)
    return [f"| `xltools import`, 003 (2,394 lines) | **{m:.2f} s** ({runs.spread()}; CPU "
            f"{statistics.median(runs.cpu):.2f} s) | ≤ {IMPORT_SECONDS:.0f} s | {verdict(m, IMPORT_SECONDS)} |"]


def bench_pdf(env: dict[str, str], n: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "tests"))
    import docgen  # tests/docgen.py: the PDFs the tests read, built once and cached

    import pdfplumber

    try:
        made = docgen.build({p.name[:3]: p for p in sorted(FIXTURES.glob("*.txt"))})
    except Exception as exc:  # no LibreOffice Writer to print the PDFs with
        return [f"| `xltools check FILE.pdf` | not measured: the PDFs could not be made ({exc}) | ≤ {PDF_PAGE_SECONDS} | |"]
    rows = []
    for key in sorted(k for k in made if k[:3].isdigit()):
        pdf = made[key][1]
        with pdfplumber.open(pdf) as p:
            pages = len(p.pages)
        runs = Runs()
        for i in range(n + 1):
            run([str(XLTOOLS), "check", str(pdf)], env, runs if i else None)
        m = statistics.median(runs.wall)
        rows.append(f"| `xltools check {key}.pdf` ({pages} pages) | **{m / pages:.3f} s a page** ({m:.2f} s; "
                    f"{min(runs.wall) / pages:.3f}–{max(runs.wall) / pages:.3f}; CPU {statistics.median(runs.cpu):.2f} s) "
                    f"| ≤ {PDF_PAGE_SECONDS} | {verdict(m / pages, PDF_PAGE_SECONDS)} |")
    return rows


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--no-pdf", action="store_true", help="skip the PDFs (they need LibreOffice Writer once)")
    p.add_argument("--no-lo", action="store_true", help="skip LibreOffice (no ratio for recalc)")
    args = p.parse_args(argv)
    lo = not args.no_lo and bool(shutil.which("soffice") or shutil.which("libreoffice"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="xltools-bench-") as d:
        work = Path(d)
        env = environment(work)
        rows = bench_recalc(work, env, args.runs, lo)
        rows += bench_import(work, env, args.runs)
        if not args.no_pdf:
            rows += bench_pdf(env, args.runs)
    after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Whole processes, median of {args.runs} (min–max); {os.cpu_count()} cores, load average "
          f"{load:.1f} before, {after:.1f} after.\n")
    print("| command | measured | target | |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
