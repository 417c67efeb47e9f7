"""Compiled templates kept on disk, so that the next process does not compile them again.

Compiling a template with `formulas` (parse, build a schedula dispatcher, compile it) costs
2–5 ms; a seed's workbook has about 140 templates, a third of a recalculation's own time and
paid again by every `xltools recalc` and `import`. A compiled `Program` is a straight line of
the package's own function objects, so it is stored by name: each callable as its entry in the
vetted table (`program.vetted_objects`), each constant as a tagged JSON value. Loading looks
the names up in the running `formulas`, so the program run is the one a fresh compilation gives.

One small JSON file per template, named by a hash of the store's format, the `formulas`
version and the template text with its placeholders, in the user's cache folder
(`$XDG_CACHE_HOME/xltools`, `~/Library/Caches/xltools`, `%LOCALAPPDATA%\\xltools\\Cache`; the
variable XLTOOLS_CACHE_DIR overrides it, and set to an empty value turns the store off). A
file is written whole under a temporary name and renamed, so a reader never sees half of
one; a file that does not parse, names something the running package lacks or was written
for another version is ignored and the template compiled as if there were none. Nothing
here may fail a recalculation: every error of the store is swallowed.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

FORMAT = 2  # bump when the stored shape of a program changes
MAX_FILES = 4000  # past this many, the oldest half is removed (templates with a unit's own text accumulate)
ENV = "XLTOOLS_CACHE_DIR"
_pruned = False  # the folder is pruned once a process: a cold run stores a hundred templates


def cache_root() -> Path | None:
    """The folder for xltools' caches, or None when turned off."""
    if ENV in os.environ:
        value = os.environ[ENV]
        return Path(value) if value else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "xltools" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "xltools"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "xltools"


def _folder(version: str) -> Path | None:
    root = cache_root()
    return None if root is None else root / f"templates-{FORMAT}-formulas-{version}"


def _key(version: str, template: str, placeholders: Sequence[str]) -> str:
    text = json.dumps([FORMAT, version, template, list(placeholders)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


# -- values ----------------------------------------------------------------------------------

class _Unstorable(Exception):
    """A constant or callable with no stored form: the program is not kept."""


def _encode(value: Any) -> Any:
    import numpy as np
    from formulas.functions import Array

    if type(value) is bool:
        return ["b", value]
    if type(value) is int:
        return ["i", value]
    if type(value) is float:
        return ["f", repr(value)]  # repr round-trips exactly, nan and inf included
    if type(value) is str:
        return ["s", value]
    if type(value) is Array and value.dtype == object and not value.__dict__:
        return ["a", list(value.shape), [_encode(x) for x in value.ravel().tolist()]]
    if isinstance(value, np.ndarray):
        raise _Unstorable(f"array of {value.dtype}")
    raise _Unstorable(type(value).__name__)


def _decode(item: Any) -> Any:
    import numpy as np
    from formulas.functions import Array

    tag = item[0]
    if tag == "b" and type(item[1]) is bool:
        return item[1]
    if tag == "i" and type(item[1]) is int:
        return item[1]
    if tag == "f":
        return float(item[1])
    if tag == "s" and type(item[1]) is str:
        return item[1]
    if tag == "a":
        out = np.empty(tuple(int(n) for n in item[1]), object)
        flat = [_decode(x) for x in item[2]]
        if len(flat) != out.size:
            raise ValueError("array size")
        for i, x in enumerate(flat):
            out.flat[i] = x
        return out.view(Array)
    raise ValueError(f"unknown tag {tag!r}")


# -- programs --------------------------------------------------------------------------------

def dump(program: Any, names: dict[int, str]) -> str:
    """A program as JSON; `names`: id(callable) → its name in the vetted table."""
    def name(f: Callable[..., Any]) -> str:
        try:
            return names[id(f)]
        except KeyError:
            raise _Unstorable(getattr(f, "__name__", repr(f))) from None

    return json.dumps({
        "template": program.template,
        "n_slots": program.n_slots,
        "constants": [[slot, _encode(v)] for slot, v in program.constants],
        "inputs": [[k, slot, [name(f) for f in filters]] for k, slot, filters in program.inputs],
        "steps": [[name(fn), list(ins), out, [name(f) for f in filters]] for fn, ins, out, filters in program.steps],
        "output": program.output,
    }, ensure_ascii=False)


def load(text: str, template: str, objects: dict[str, Callable[..., Any]],
         table: dict[int, tuple[str, bool]]) -> tuple[Any, ...]:
    """The fields of the `Program` stored in `text` (program.py builds it: the store sits
    below the compiler and imports nothing of it), its callables looked up in `objects` (a
    KeyError when the running package lacks one); whether it runs elementwise is taken from
    the vetted `table` of today, not from the file."""
    d = json.loads(text)
    if d["template"] != template:  # a hash collision or a file put there by hand
        raise ValueError("another template")
    steps = tuple((objects[fn], tuple(int(i) for i in ins), int(out), tuple(objects[f] for f in fs))
                  for fn, ins, out, fs in d["steps"])
    return (
        template, int(d["n_slots"]),
        tuple((int(slot), _decode(v)) for slot, v in d["constants"]),
        tuple((int(k), int(slot), tuple(objects[f] for f in fs)) for k, slot, fs in d["inputs"]),
        steps, int(d["output"]), all(table[id(step[0])][1] for step in steps))


def fetch(version: str, template: str, placeholders: Sequence[str], objects: dict[str, Callable[..., Any]],
          table: dict[int, tuple[str, bool]]) -> tuple[Any, ...] | None:
    """The stored program's fields for this template, or None (none stored, or unusable)."""
    folder = _folder(version)
    if folder is None:
        return None
    try:
        text = (folder / f"{_key(version, template, placeholders)}.json").read_text(encoding="utf-8")
        return load(text, template, objects, table)
    except Exception:  # missing, unreadable, corrupt, from another version: compile instead
        return None


def keep(version: str, template: str, placeholders: Sequence[str], program: Any, names: dict[int, str]) -> None:
    """Store a freshly compiled program, atomically; any failure leaves the store as it was."""
    folder = _folder(version)
    if folder is None:
        return
    try:
        text = dump(program, names)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, folder / f"{_key(version, template, placeholders)}.json")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        if not _pruned:
            _prune(folder)
    except Exception:  # a constant with no stored form, a read-only or full disk: not kept
        return


def _prune(folder: Path) -> None:
    """Keep the folder bounded; also remove what killed writers left (an hour old)."""
    global _pruned
    _pruned = True
    import time

    entries = []
    for e in os.scandir(folder):
        if e.name.startswith(".tmp-") and e.stat().st_mtime < time.time() - 3600:
            try:
                os.unlink(e.path)
            except OSError:
                pass
        elif e.name.endswith(".json"):
            entries.append(e)
    if len(entries) <= MAX_FILES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for e in entries[: len(entries) // 2]:
        try:
            os.unlink(e.path)
        except OSError:
            pass
