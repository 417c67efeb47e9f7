"""Benchmark: reading a disclosure's PDF. Target: a 40-page PDF read in under 5 s.

The PDFs are made the way the tests make them (tests/docgen.py): each bundled seed laid out
as a .docx and printed by LibreOffice, watermark on every page; the 40-page one is the first
40 pages of 001 (the 13 tables, the narrative and the first 绩效 tables), also without the
header's WordArt, which LibreOffice draws as outlines (thousands of path points per page that
pdfminer parses and the reader then ignores): a PDF as Word or the budget system prints it,
with the watermark as rotated text only. For each: read
(`read_document`: pdfplumber's extraction, nearly all of it, then the text reader) and read +
check, median of 3 in-process runs; and `xltools check FILE.pdf` as a user runs it, a whole
process (start-up and imports included), median of 3 for the 40-page PDF, one run for the
others. Needs LibreOffice with Writer.

    .venv/bin/python bench/bench_extract.py
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import docgen  # noqa: E402  (tests/docgen.py: the test material's layout)

from bench_check import measure as measure_check  # noqa: E402  (this folder is on the path)

FIXTURES = ROOT / "tests" / "fixtures"
CLI = Path(sys.executable).with_name("xltools")


def pdfs(work: Path) -> list[tuple[str, Path]]:
    seeds = sorted(FIXTURES.glob("*.txt"))
    docx = [docgen.seed_to_docx(p.read_text("utf-8"), work / f"{p.name[:3]}.docx") for p in seeds]
    whole = docgen.to_pdf(docx, work / "whole")
    forty = docgen.to_pdf([d for d in docx if d.stem == "001"], work / "forty", pages="1-40")
    text_only = docgen.seed_to_docx(seeds[1].read_text("utf-8"), work / "plain" / "001.docx", wordart=False)
    plain = docgen.to_pdf([text_only], work / "plain", pages="1-40")
    return ([("001, pages 1–40", forty[0]), ("001, pages 1–40, watermark as text only", plain[0])]
            + [(p.stem, p) for p in whole])


def measure(path: Path, repeat: int = 3) -> tuple[int, float, float, int]:
    """`bench_check.measure`, and the number of pages read."""
    read_t, all_t, n, doc = measure_check(path, repeat)
    return (doc.pages[-1] if doc and doc.pages else 0), read_t, all_t, n


def cold(path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([str(CLI), "check", str(path)], capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="xltools-bench-") as tmp:
        made = pdfs(Path(tmp))
        print("| PDF | pages | read (s) | read + check (s) | `xltools check` process (s) | read s/page | findings |")
        print("|---|---|---|---|---|---|---|")
        for k, (name, path) in enumerate(made):
            pages, r, a, n = measure(path)
            c = cold(path, 3 if k == 0 else 1)
            print(f"| {name} | {pages} | {r:.2f} | {a:.2f} | {c:.2f} | {r / pages:.3f} | {n} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
