"""SIGTERM treated like Ctrl-C for the length of a run.

CI systems and container runtimes stop jobs with SIGTERM, whose default action kills the
process on the spot: no `finally`, so no DeleteCollection. Turning it into KeyboardInterrupt
sends it down the same path as Ctrl-C: the target tears down, the partial result is judged.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Only the main thread may install handlers; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
