"""Signs of life during long solves: the stage, elapsed time and, for MIPs, incumbent, bound and gap.

The planner reports stages; a solver session reports MIP progress from the solver's callbacks
(which may run on the solver's own thread). ``StderrProgress`` prints a line when something
improves, at most every ``interval`` seconds.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    """Receives what a solve is doing."""

    def stage(self, name: str) -> None: ...

    def mip(self, incumbent: float | None, bound: float | None, gap: float | None) -> None: ...

    def log(self, line: str) -> None: ...

    @property
    def wants_log(self) -> bool: ...


class SilentProgress:
    """Says nothing (the default, and ``--quiet``)."""

    wants_log = False

    def stage(self, name: str) -> None:
        pass

    def mip(self, incumbent: float | None, bound: float | None, gap: float | None) -> None:
        pass

    def log(self, line: str) -> None:
        pass


def _money(value: float | None) -> str:
    """$M in model units shown as dollars."""
    if value is None or value != value or abs(value) == float("inf"):
        return "-"
    usd = value * 1e6
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(usd) >= size:
            return f"${usd / size:,.2f}{unit}"
    return f"${usd:,.0f}"


class StderrProgress:
    """One line per stage and per MIP improvement on stderr, rate-limited; ``verbose`` adds the
    solver's own log."""

    def __init__(self, stream: TextIO | None = None, interval: float = 2.0, verbose: bool = False):
        self.stream = stream or sys.stderr
        self.interval = interval
        self.wants_log = verbose
        self.started = time.perf_counter()
        self._stage = ""
        self._last_print = 0.0
        self._last: tuple[float | None, float | None] = (None, None)
        self._lock = threading.Lock()

    def _elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:6.1f}s"

    def _write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()

    def stage(self, name: str) -> None:
        self._stage = name
        self._last = (None, None)
        self._write(f"[{self._elapsed()}] {name}")

    def mip(self, incumbent: float | None, bound: float | None, gap: float | None) -> None:
        now = time.perf_counter()
        improved = (incumbent, bound) != self._last
        if not improved or now - self._last_print < self.interval:
            return
        self._last, self._last_print = (incumbent, bound), now
        gap_text = "-" if gap is None or gap != gap or gap == float("inf") else f"{gap:.2%}"
        self._write(
            f"[{self._elapsed()}]   {self._stage}: incumbent {_money(incumbent)}  bound {_money(bound)}  gap {gap_text}"
        )

    def log(self, line: str) -> None:
        if self.wants_log:
            self._write(line.rstrip("\n"))
