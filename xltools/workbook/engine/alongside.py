"""The fast path run in a second process while this one saves the workbook (`xltools import`).

Saving with openpyxl (0.4 s on the largest seed) and computing the values (0.6 s) need nothing
from each other: both start from the workbook in memory. On Linux a forked child inherits the
cells (`workbook_cells.book_of`) without copying them, computes, and sends the values back; on
one core, in a worker of `audit` (which already shares the cores out), on another system, or
when the child fails or meets something the fast path does not model, this process computes
after saving, exactly as it would have alone, so the values are the same either way.

`warm_up`, called before the workbook is built, forks that child early: while this process
reads and builds, the child loads the package's functions (a sixth of its work), then waits
for the cells, which it is sent (they are plain values: a book holding an error value is
computed by a child forked at the save, as before).
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


def _warm_child(conn: Any, parents_end: Any) -> None:
    """Load what computing needs, then compute the book this process is sent (see `warm_up`)."""
    parents_end.close()  # inherited by the fork: closed, so that the parent's closing ends the pipe
    try:
        from xltools.workbook.engine import program

        program.vetted()
        program._stored_names()
    except BaseException:  # the book's computation meets it again and answers None
        pass
    try:
        book = conn.recv()
    except (EOFError, OSError):  # the parent went on without us
        conn.close()
        return
    _child(conn, book)


class _Warm:
    def __init__(self, proc: Any, conn: Any) -> None:
        self.proc, self.conn = proc, conn

    def close(self) -> None:
        self.conn.close()
        self.proc.join(timeout=1)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


_warm: _Warm | None = None


def discard() -> None:
    """Let a warmed child go unused (the workbook is saved some other way)."""
    global _warm
    if _warm is not None:
        _warm.close()
        _warm = None


def warm_up() -> None:
    """Fork the child that will compute the next `save_and_compute`'s book, now (see the
    module's text); nothing where that would not run alongside."""
    global _warm
    discard()
    if not _two_cores():
        return
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    mine, theirs = ctx.Pipe()
    proc = ctx.Process(target=_warm_child, args=(theirs, mine), daemon=True)
    proc.start()
    theirs.close()
    _warm = _Warm(proc, mine)


def _plain(book: Book) -> bool:
    """Every constant a plain value, sent as it is (the package's error values are compared
    by identity, which a copy would not keep)."""
    import schedula as sh

    return not any(isinstance(v, sh.Token) for v in book.constants.values())


def save_and_compute(save: Callable[[], None], book: Book, path: Path) -> Outcome:
    """`save()` (which writes `path`), and the values of `book`'s formulas: the outcome
    `formulas_engine.compute_detailed(path, book)` gives after the save."""
    global _warm
    warm, _warm = _warm, None
    if warm is not None:
        if warm.proc.is_alive() and _plain(book):
            try:
                warm.conn.send(book)
            except (OSError, ValueError):
                warm.close()
            else:
                return _finish(save, book, path, warm.conn, warm.proc)
        else:
            warm.close()
    if not _two_cores():
        save()
        return compute_detailed(path, book)
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    mine, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(theirs, book), daemon=True)
    proc.start()
    theirs.close()
    return _finish(save, book, path, mine, proc)


def _finish(save: Callable[[], None], book: Book, path: Path, mine: Any, proc: Any) -> Outcome:
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
