"""A time budget for one piece of work in the main thread: past it, `OverBudget` is raised
inside the work, wherever Python is (a C call that does not return is not interrupted: the
input limits bound those)."""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator


class OverBudget(Exception):
    """The work ran past its budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"over the time budget of {seconds:g} s")
        self.seconds = seconds


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise `OverBudget` in the block once `seconds` have passed. POSIX: a real-time timer
    (SIGALRM). Windows: a timer thread that interrupts the main thread. Outside the main
    thread, or with `seconds` None, there is no budget."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    if hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _interrupt(seconds):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    armed = [True]

    def ring(signum: int, frame: Any) -> None:
        if armed[0]:
            raise OverBudget(seconds)

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _interrupt(seconds: float) -> Iterator[None]:
    import _thread

    state = {"armed": True, "rang": False}
    lock = threading.Lock()

    def ring() -> None:
        with lock:
            if state["armed"]:
                state["rang"] = True
                _thread.interrupt_main(signal.SIGINT)

    def on_sigint(signum: int, frame: Any) -> None:
        # A Ctrl-C of the user stays one; only the timer's interrupt is the budget.
        if state["rang"] and state["armed"]:
            raise OverBudget(seconds)
        if not state["rang"]:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_sigint)
    timer = threading.Timer(seconds, ring)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["armed"] = False
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
