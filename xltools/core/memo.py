"""A bounded memo of work whose result depends on its key alone.

A text read again, the next year's disclosure and every variant of a text the tests walk
through (one figure moved) share most of their tables and paragraphs line for line: what the
reader makes of a part whose every line is the same need not be made again. The key must
hold ALL the input the work reads (the lines with their numbers, and anything else), and
the value must be immutable (frozen records, tuples), since every later reader shares it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Generic, Hashable, TypeVar

from xltools.core.layouts import LAYOUTS
from xltools.core.narrative_subjects import SUBJECTS

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


_EVERY: list["Memo[Any, Any]"] = []  # made at import, one per kind of work


def forget_all() -> None:
    """Every memo emptied: what a process that never read a text would compute (tests
    compare the two)."""
    for memo in _EVERY:
        memo.clear()


def _declarations() -> tuple[object, ...]:
    return tuple(LAYOUTS.items()), tuple(SUBJECTS.items())


_UNDER: list[tuple[object, ...]] = [_declarations()]


def as_declared() -> None:
    """Every memo emptied where a declaration changed since they were filled: the tables'
    layouts (a 14th table declared) and the narrative's subjects decide what a reading and
    a judgement make of the same lines. Asked where a reading, a settling and a judging
    begin; the comparison finds the same objects and is cheap."""
    now = _declarations()
    if now != _UNDER[0]:
        forget_all()
        _UNDER[0] = now


class Memo(Generic[K, V]):
    """The last `size` results, least recently used dropped first (None is never kept).
    The work itself runs outside the lock: two threads may both make a value, and either
    is the same."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._done: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        _EVERY.append(self)

    def find(self, key: K) -> V | None:
        with self._lock:
            if key not in self._done:
                return None
            self._done.move_to_end(key)
            return self._done[key]

    def keep(self, key: K, value: V) -> None:
        with self._lock:
            self._done[key] = value
            self._done.move_to_end(key)
            if len(self._done) > self.size:
                self._done.popitem(last=False)

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for `key`, or `make()` kept."""
        found = self.find(key)
        if found is None:
            found = make()
            self.keep(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._done.clear()

    def __len__(self) -> int:
        return len(self._done)
