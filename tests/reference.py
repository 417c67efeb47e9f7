"""Reference values shipped in the repository (tests/reference/NAME.json.gz), each under the key
of everything it was computed from, so that a fresh clone does not pay for a slow, pure
computation its committed code already made (the `formulas` package's full model of the three
seeds: 85-120 CPU-s cold, against 0.1 s to read what is shipped).

A shipped value is used only when its key is the key computed now: a change to any input (the
workbook's cells, the engine's source, a package version) gives another key, and the value is
computed afresh (kept in the temporary folder as before, tests/built.py `kept`) and written
back here for the next commit. With XLT_TESTS_FRESH=1 the value is computed even when the key
matches, and a shipped value that differs from it fails the run: the file was edited by hand
or the computation is not deterministic, and nothing may be compared against it.
"""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any, Callable

from built import KEPT, kept, locked

SHIPPED = Path(__file__).parent / "reference"


class StaleReference(AssertionError):
    """A shipped value under the current key that a fresh computation does not reproduce."""


def path_of(name: str) -> Path:
    return SHIPPED / f"{name}.json.gz"


def read_shipped(name: str) -> tuple[str, Any] | None:
    """(key, value) as shipped, or None: no file, or one that does not parse."""
    try:
        data = json.loads(gzip.decompress(path_of(name).read_bytes()).decode("utf-8"))
        return str(data["key"]), data["value"]
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None


def write_shipped(name: str, key: str, value: Any) -> None:
    """Written atomically, byte for byte the same for the same (key, value): a gzip without a
    timestamp over sorted JSON, so an unchanged reference shows no change in git."""
    SHIPPED.mkdir(exist_ok=True)
    text = json.dumps({"key": key, "value": value}, ensure_ascii=False, sort_keys=True, indent=0)
    tmp = path_of(name).with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    os.replace(tmp, path_of(name))


def as_json(value: Any) -> Any:
    """`value` as it reads back from JSON (tuples as lists, keys as text): what a shipped value is
    compared with."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def reference(name: str, kept_as: str, key: str, build: Callable[[], Any]) -> Any:
    """The value of `build()` for `key`: as shipped when its key is `key`, else built (or kept
    by an earlier run in the temporary folder under (`kept_as`, `key`)) and shipped for the
    next run."""
    fresh = bool(os.environ.get("XLT_TESTS_FRESH"))
    shipped = read_shipped(name)
    if shipped is not None and shipped[0] == key and not fresh:
        return shipped[1]
    value = as_json(kept(kept_as, key, build))
    if shipped is not None and shipped[0] == key:
        if shipped[1] != value:
            raise StaleReference(f"{path_of(name)} holds values under key {key} that computing them again "
                                 "does not give: delete it and run the suite again to write it afresh")
        return value
    try:
        KEPT.mkdir(exist_ok=True)
        with locked(KEPT / f"shipped-{name}.lock"):  # the lock outside the tree: nothing untracked in it
            write_shipped(name, key, value)
    except OSError:  # a read-only checkout: compute again next time, as before
        pass
    return value
