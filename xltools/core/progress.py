"""Progress on stderr for the commands that take a while (`import`, `recalc`, `audit`).

A thin adapter over tqdm. A bar is drawn only when stderr is a terminal: piped or redirected
(a script, a test, Excel's RunPython) nothing at all is written, so stdout and stderr stay
what programs parse. Stage names are in Chinese, like the rest of what the user sees.
"""
from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Callable, Sequence, TextIO

if TYPE_CHECKING:  # imported where a bar is drawn: `recalc` into a pipe need not load tqdm
    from tqdm import tqdm

# Called with the name of the stage that starts now (one of the names given to `Stages`).
ProgressCallback = Callable[[str], None]

# The stage names the commands use, in their order.
READ, BUILD, RECALC, SAVE = "读取", "生成工作簿", "重新计算", "保存"
DONE = "完成"


def terminal(stream: TextIO | None = None) -> bool:
    """Whether `stream` (default: stderr) is an interactive terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or already closed
        return False


def counter(total: int, desc: str, unit: str, *, enabled: bool | None = None,
            stream: TextIO | None = None) -> tqdm:
    """A bar counting `total` items (audit's documents); `enabled=None`: only on a terminal."""
    from tqdm import tqdm

    stream = sys.stderr if stream is None else stream
    show = terminal(stream) if enabled is None else enabled
    return tqdm(total=total, file=stream, disable=not show, unit=unit, desc=desc, dynamic_ncols=True)


class Stages:
    """A bar over named stages: how many are done, the name of the current one, the time.

    Use as a context manager; call the instance with a stage's name when that stage begins.
    The elapsed time is redrawn every `tick` seconds, since one stage (recalculating a large
    workbook) can run for a minute without reaching the next."""

    def __init__(self, names: Sequence[str], *, enabled: bool | None = None,
                 stream: TextIO | None = None, tick: float = 0.5) -> None:
        self.names = list(names)
        stream = sys.stderr if stream is None else stream
        self.enabled = terminal(stream) if enabled is None else enabled
        self._bar: tqdm | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if self.enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=len(self.names), file=stream, desc=self.names[0] if self.names else "",
                             bar_format="{desc} |{bar}| {n_fmt}/{total_fmt} [{elapsed}]",
                             dynamic_ncols=True, leave=False)
            self._ticker = threading.Thread(target=self._tick, args=(tick,), daemon=True)
            self._ticker.start()

    def __call__(self, name: str) -> None:
        bar = self._bar
        if bar is None:
            return
        done = self.names.index(name) if name in self.names else bar.n
        bar.set_description_str(name, refresh=False)
        bar.n = max(bar.n, done)  # a stage named twice never moves the bar back
        bar.refresh()

    def _tick(self, every: float) -> None:
        while not self._stop.wait(every):
            bar = self._bar
            if bar is not None:
                bar.refresh()

    def close(self, completed: bool = True) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        bar, self._bar = self._bar, None
        if bar is not None:
            if completed:
                bar.set_description_str(DONE, refresh=False)
                bar.n = bar.total
                bar.refresh()
            bar.close()

    def __enter__(self) -> "Stages":
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close(completed=exc_type is None)


def silent(name: str) -> None:
    """The callback for callers that want no progress."""
