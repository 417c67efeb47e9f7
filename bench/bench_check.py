"""Benchmark: read + check each seed in-process. Target: under 0.15 s per document.

Two figures: a text read for the first time (every memo of the reader and the checker
emptied before each run, `core.memo.forget_all`), and the same text read again (the tables,
narrative and 绩效 tables, and the table rules' outcomes, taken from the memos).

Run with `make bench`; the README's table is this script's output.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from xltools.core.memo import forget_all
from xltools.evaluation.check import check
from xltools.core.model import Document
from xltools.rules.reading import read_document

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def measure(path: Path, repeat: int = 7, fresh: bool = True) -> tuple[float, float, int, Document | None]:
    """Median seconds to read, and to read and check; the findings; the document read.
    `fresh`: each run as the first reading of the text (the memos emptied before it)."""
    read_times: list[float] = []
    total_times: list[float] = []
    n = 0
    doc: Document | None = None
    if not fresh:
        check(read_document(path))
    for _ in range(repeat):
        if fresh:
            forget_all()
        t0 = time.perf_counter()
        doc = read_document(path)
        t1 = time.perf_counter()
        n = len(check(doc))
        t2 = time.perf_counter()
        read_times.append(t1 - t0)
        total_times.append(t2 - t0)
    return statistics.median(read_times), statistics.median(total_times), n, doc


def main() -> int:
    print("| document | lines | read (ms) | read + check (ms) | read + check again (ms) | findings |")
    print("|---|---|---|---|---|---|")
    for path in sorted(FIXTURES.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").count("\n")
        r, t, n, _ = measure(path)
        _, again, _, _ = measure(path, fresh=False)
        print(f"| {path.name} | {lines} | {r * 1000:.0f} | {t * 1000:.0f} | {again * 1000:.0f} | {n} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
