"""Benchmark the workbook on the largest seed: import (read + render, no recalculation),
recalculation with the `formulas` package, recalculation with LibreOffice (including its
start). Median of 3 runs each; prints a markdown table.

    .venv/bin/python bench/bench_workbook.py
"""
from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from xltools.engine import recalc
from xltools.engine.cache import formula_cells
from xltools.read import read_document
from xltools.render.fill import import_document

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
REPEAT = 3


def largest() -> Path:
    return max(FIXTURES.glob("*.txt"), key=lambda p: p.stat().st_size)


def median_of(run: Callable[[int], None]) -> float:
    times = []
    for i in range(REPEAT):
        t0 = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    seed = largest()
    with tempfile.TemporaryDirectory(prefix="xltools-bench-") as d:
        base = Path(d) / "base.xlsx"

        def do_import(i: int) -> None:
            import_document(read_document(seed), Path(d) / f"import{i}.xlsx", recalc=None)

        rows = [("import (read + render, no recalc)", median_of(do_import))]
        shutil.copy(Path(d) / "import0.xlsx", base)
        count = sum(len(v) for v in formula_cells(base).values())

        def recalc_with(engine: str) -> Callable[[int], None]:
            def run(i: int) -> None:
                p = Path(d) / f"{engine}{i}.xlsx"
                shutil.copy(base, p)
                recalc(p, engine)  # type: ignore[arg-type]
            return run

        rows.append(("recalc, engine formulas (the `formulas` package)", median_of(recalc_with("formulas"))))
        if shutil.which("soffice") or shutil.which("libreoffice"):
            rows.append(("recalc, engine libreoffice (incl. soffice start)", median_of(recalc_with("libreoffice"))))
    print(f"Seed {seed.name}, {count} formula cells, median of {REPEAT} runs.\n")
    print("| step | seconds |")
    print("|---|---|")
    for name, t in rows:
        print(f"| {name} | {t:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
