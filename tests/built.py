"""What the suite builds once and every test module and both pytest-xdist workers share: the
first process to ask builds it under a lock in the session's shared temporary folder, the others
wait for it and load the result. Whatever a builder returns must pickle (paths, plain values);
the files it writes go in the folder it is given and are read-only by convention (a test that
changes one works on a copy).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
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


# Kept between runs: what a pure, slow computation gave for exactly these inputs. The key
# names everything the result depends on (the input's bytes, the versions and source of the
# code that computes it), so a change to any of them computes afresh; XLT_TESTS_FRESH=1
# ignores what was kept. The folder is the temporary directory's, never the user's cache.
KEPT = Path(tempfile.gettempdir()) / "xltools-tests-kept"


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()[:32]


def kept(name: str, key: str, build: Callable[[], T]) -> T:
    """`build()`'s result as kept for (`name`, `key`) by an earlier run, else built and kept."""
    KEPT.mkdir(exist_ok=True)
    done = KEPT / f"{name}-{key}.pickle"
    with locked(KEPT / f"{name}-{key}.lock"):
        if done.exists() and not os.environ.get("XLT_TESTS_FRESH"):
            try:
                result: T = pickle.loads(done.read_bytes())
                return result
            except (pickle.UnpicklingError, EOFError, ValueError):  # a torn or foreign file: build again
                pass
        result = build()
        tmp = done.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(result))
        os.replace(tmp, done)
        return result
