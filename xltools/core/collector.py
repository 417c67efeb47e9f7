"""Python's cycle collector paused while a large structure that stays alive is made."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """A workbook is a few hundred thousand objects that live until it is saved: the cycle
    collector walked them again and again while they were made (a third of building a seed's
    workbook, more in a process holding more) and found nothing to free. Reference counting
    still frees the rest; cycles made meanwhile wait for the next collection. Nested pauses
    leave the collector as the outermost found it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
