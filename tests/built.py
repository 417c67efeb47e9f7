"""What the suite builds once and every test module and both pytest-xdist workers share: the
first process to ask builds it under a lock in the session's shared temporary folder, the others
wait for it and load the result. Whatever a builder returns must pickle (paths, plain values);
the files it writes go in the folder it is given and are read-only by convention (a test that
changes one works on a copy).
"""
from __future__ import annotations

import os
import pickle
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest

T = TypeVar("T")


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The folder all workers of this run see: the base temp of a plain run, its parent
    (pytest-N, one per run) under xdist, where each worker's base temp is popen-gwK inside it."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Holds an exclusive lock on `path` (created if need be) for the block, across processes."""
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: one process per run there, nothing to share
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> T:
    """`build(folder)`'s result, built by the first process of the run that asks for `name`."""
    root = shared_root(factory)
    folder = root / f"built-{name}"
    done = root / f"built-{name}.pickle"
    with locked(root / f"built-{name}.lock"):
        if done.exists():
            result: T = pickle.loads(done.read_bytes())
            return result
        folder.mkdir(exist_ok=True)
        result = build(folder)
        tmp = done.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(result))
        os.replace(tmp, done)
        return result
