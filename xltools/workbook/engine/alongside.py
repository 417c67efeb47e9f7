"""The fast path run in a second process while this one saves the workbook (`xltools import`).

Saving with openpyxl (0.4 s on the largest seed) and computing the values (0.6 s) need nothing
from each other: both start from the workbook in memory. On Linux a forked child inherits the
cells (`workbook_cells.book_of`) without copying them, computes, and sends the values back; on
one core, in a worker of `audit` (which already shares the cores out), on another system, or
when the child fails or meets something the fast path does not model, this process computes
after saving, exactly as it would have alone, so the values are the same either way.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from xltools.workbook.engine.formulas_engine import Outcome, compute_detailed
from xltools.workbook.engine.xlsx_cells import Book


def _two_cores() -> bool:
    import multiprocessing
    import os
    import sys

    if not sys.platform.startswith("linux") or multiprocessing.parent_process() is not None:
        return False
    return len(os.sched_getaffinity(0)) >= 2


def _child(conn: Any, book: Book) -> None:
    import gc

    gc.freeze()  # the collector need not walk the parent's objects (they stay shared, unwritten)
    try:
        from xltools.workbook.engine.fast_model import FastModel

        t0 = time.perf_counter()
        model = FastModel(book).calculate()
        detail = f"{len(model.cells)} formula cells, {model.templates} templates"
        conn.send((model.results(), detail, time.perf_counter() - t0))
    except BaseException:  # NotModelled or a fault: the parent computes as it would alone
        try:
            conn.send(None)
        except (OSError, ValueError):
            pass
    finally:
        conn.close()


def save_and_compute(save: Callable[[], None], book: Book, path: Path) -> Outcome:
    """`save()` (which writes `path`), and the values of `book`'s formulas: the outcome
    `formulas_engine.compute_detailed(path, book)` gives after the save."""
    if not _two_cores():
        save()
        return compute_detailed(path, book)
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    mine, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(theirs, book), daemon=True)
    proc.start()
    theirs.close()
    got = None
    try:
        save()
        try:
            got = mine.recv()
        except (EOFError, OSError):  # the child was killed
            got = None
    finally:
        mine.close()
        proc.join(timeout=1 if got is not None else 0)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if got is None:
        return compute_detailed(path, book)
    values, detail, seconds = got
    return Outcome(values, "fast", detail, seconds)
