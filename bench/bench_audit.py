"""Benchmark `xltools audit` on 1,000 documents: documents per second and peak memory.

The documents are the bundled disclosures and variants of them made here, in a temporary
folder: plain copies, renamed units (the unit's name replaced everywhere it is printed),
表12 project rows shuffled (within their unit), and both. Every variant must give its seed's
error/warning/尾差 counts and its own unit in the summary workbook, or the bench says so:
the speed of a wrong answer is no figure.

Each audit runs in a fresh process (this script, `--run`), so that its peak memory is its
own: ru_maxrss of the audit process (the parent: workbook, results) and of its largest
worker. Run at 250 and at 1,000 documents, memory that does not grow between the two is flat.

    .venv/bin/python bench/bench_audit.py            # 250 and 1,000 documents
    .venv/bin/python bench/bench_audit.py --docs 100 # a quick look
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "fixtures").glob("*.txt"))
# Renamed units keep the shape of a real name: a place and a ganzhi pair before the suffix.
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
VARIANTS = ("copy", "renamed", "shuffled", "renamed+shuffled")


def seed_facts(path: Path) -> tuple[str, str, dict[str, int], list[list[int]]]:
    """The seed's text, unit, counts, and the groups of 表12 project lines that may be
    permuted: rows of one unit, one line each, on consecutive lines."""
    from xltools.evaluation.check import evaluate
    from xltools.rules.reading import read_document

    doc = read_document(path)
    findings, _ = evaluate(doc)
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    text = path.read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    t12 = doc.table(12)
    groups: dict[str | None, list[int]] = {}
    for row in t12.rows if t12 is not None else ():
        if row.kind == "item" and row.name in lines[row.line - 1]:
            groups.setdefault(row.parent, []).append(row.line)
    runs: list[list[int]] = []
    for ls in groups.values():
        run: list[int] = []
        for ln in sorted(ls):
            if run and ln != run[-1] + 1:
                runs.append(run)
                run = []
            run.append(ln)
        runs.append(run)
    return text, doc.unit or "", counts, [r for r in runs if len(r) > 1]


def make_docs(folder: Path, n: int) -> dict[str, tuple[str, dict[str, int]]]:
    """Write n documents; returns file name -> (expected unit, expected counts)."""
    facts = [seed_facts(p) for p in SEEDS]
    expected: dict[str, tuple[str, dict[str, int]]] = {}
    for i in range(n):
        s = i % len(SEEDS)
        text, unit, counts, runs = facts[s]
        variant = VARIANTS[(i // len(SEEDS)) % len(VARIANTS)]
        rnd = random.Random(i)
        new_unit = unit
        if "shuffled" in variant:
            lines = text.split("\n")
            for run in runs:
                texts = [lines[ln - 1] for ln in run]
                rnd.shuffle(texts)
                for ln, t in zip(run, texts):
                    lines[ln - 1] = t
            text = "\n".join(lines)
        if "renamed" in variant:
            tag = STEMS[i % 10] + BRANCHES[(i // 10) % 12]
            new_unit = unit[:-2] + tag + unit[-2:]
            text = text.replace(unit, new_unit)
        name = f"{i:04d}_{SEEDS[s].stem[:3]}_{variant.replace('+', '_')}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        expected[name] = (new_unit, counts)
    return expected


def verify(summary: Path, expected: dict[str, tuple[str, dict[str, int]]]) -> list[str]:
    import openpyxl

    ws = openpyxl.load_workbook(summary, read_only=True)["汇总"]
    rows = ws.iter_rows(values_only=True)
    heads = list(next(rows))
    seen: set[str] = set()
    wrong: list[str] = []
    for values in rows:
        r = dict(zip(heads, values))
        name = Path(str(r["文件"])).name
        seen.add(name)
        unit, counts = expected[name]
        got = {"error": r["错误"], "warning": r["提示"], "info": r["尾差"]}
        if r["单位"] != unit or got != counts:
            wrong.append(f"{name}: unit {r['单位']!r} counts {got}, expected {unit!r} {counts}")
    wrong += [f"{name}: no row" for name in sorted(set(expected) - seen)]
    return wrong


def run_once() -> None:
    """The measured process: one audit, then its own timing and peak memory as JSON."""
    folder, out = sys.argv[2], sys.argv[3]
    from xltools.cli.main import main

    t = time.perf_counter()
    rc = main(["audit", folder, "-o", out])
    seconds = time.perf_counter() - t
    me = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # ru_maxrss: the largest worker
    cpu = me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime
    print(json.dumps({"rc": rc, "seconds": seconds, "cpu": cpu, "self_mb": me.ru_maxrss / 1024,
                      "worker_mb": workers.ru_maxrss / 1024}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--small", type=int, default=250, help="the smaller run, to see memory stay flat")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xltools-bench-audit-") as tmp:
        base = Path(tmp)
        every = base / "docs"
        every.mkdir()
        t = time.perf_counter()
        expected = make_docs(every, args.docs)
        print(f"made {args.docs} documents from {len(SEEDS)} seeds ({', '.join(VARIANTS)}) "
              f"in {time.perf_counter() - t:.1f} s; {os.cpu_count()} cores")
        print(f"load average before: {os.getloadavg()[0]:.1f} (other work on the machine slows the wall clock; "
              "CPU seconds do not depend on it)")
        print("| documents | seconds | documents/s | CPU seconds, all processes | peak memory, audit process (MB) "
              "| peak memory, largest worker (MB) |")
        print("|---|---|---|---|---|---|")
        failures: list[str] = []
        for n in sorted({min(args.small, args.docs), args.docs}):
            folder = base / f"first{n}"
            folder.mkdir()
            names = sorted(expected)[:n]
            for name in names:
                os.link(every / name, folder / name)
            out = base / f"汇总{n}.xlsx"
            proc = subprocess.run([sys.executable, __file__, "--run", str(folder), str(out)],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return 1
            m = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"| {n:,} | {m['seconds']:.1f} | {n / m['seconds']:.1f} | {m['cpu']:.1f} | {m['self_mb']:.0f} "
                  f"| {m['worker_mb']:.0f} |")
            failures += verify(out, {k: expected[k] for k in names})
        for f in failures[:20]:
            print("MISMATCH", f)
        print("all rows agree with their seeds" if not failures else f"{len(failures)} rows disagree")
        return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--run":
        run_once()
    else:
        sys.exit(main())
