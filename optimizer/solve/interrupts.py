"""Ctrl-C and SIGTERM while a solver works on its own thread.

Python runs a signal handler in the main thread between two bytecodes; a handler that raises
(``KeyboardInterrupt``) can therefore land inside the solver library's own lock code (highspy's
``wait``: acquire, then assign the result in a ``try``) and leave a lock held, so the next solve
waits for ever, or the interruption is lost. While a solve runs, the handlers below only record the
signal and ask the solver to stop; the caller sees the signals received and ends the work. A
second signal still raises at once (quit now; the solver is then abandoned).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

RECEIVED: list[int] = []
"""Every Ctrl-C / SIGTERM the process received during solves (the CLI's exit code names SIGTERM)."""


@contextmanager
def cancelling_on_signals(cancel: Callable[[], None]) -> Iterator[list[int]]:
    """While the block runs, a first Ctrl-C or SIGTERM calls ``cancel`` and is recorded in the
    yielded list; a second raises ``KeyboardInterrupt``. Outside the main thread (a worker thread
    of a Dask cluster, where handlers cannot be set) the process's own handlers stay."""
    seen: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield seen
        return

    def record(signum: int, frame: object) -> None:
        RECEIVED.append(signum)
        seen.append(signum)
        if len(seen) > 1:
            raise KeyboardInterrupt
        cancel()

    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number in previous:
        signal.signal(number, record)
    try:
        yield seen
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
