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

from aidc.optimizer.solve.outcome import relative_gap


class Progress(Protocol):
    """Receives what a solve is doing."""

    def stage(self, name: str) -> None: ...

    def mip(self, incumbent: float | None, bound: float | None, gap: float | None) -> None: ...

    def log(self, line: str) -> None: ...

    @property
    def wants_log(self) -> bool: ...


class BoundedProgress:
    """Passes reports on to ``inner`` with the bound raised to a valid lower bound known from an
    earlier stage ($M): a MIP's own bound starts far below it (on the baseline HiGHS reported
    $10k before its root LP, against the LP relaxation's $2.80B)."""

    def __init__(self, inner: Progress, floor: float | None):
        self.inner, self.floor = inner, floor

    @property
    def wants_log(self) -> bool:
        return self.inner.wants_log

    def stage(self, name: str) -> None:
        self.inner.stage(name)

    def mip(self, incumbent: float | None, bound: float | None, gap: float | None) -> None:
        if self.floor is not None and (bound is None or bound < self.floor):
            bound, gap = self.floor, relative_gap(incumbent, self.floor)
        self.inner.mip(incumbent, bound, gap)

    def log(self, line: str) -> None:
        self.inner.log(line)


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
    sign, usd = "-" if value < 0 else "", abs(value) * 1e6
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if usd >= size:
            return f"{sign}${usd / size:,.2f}{unit}"
    return f"{sign}${usd:,.0f}"


def _finite(value: float | None) -> float | None:
    """None for a missing, NaN or infinite value (solvers report 'none yet' as +-inf or 1e20)."""
    if value is None or value != value or abs(value) >= 1e19:
        return None
    return value


class StderrProgress:
    """One line per stage and per MIP improvement on stderr, at most one MIP line every ``interval``
    seconds; the last improvement held back by that limit is printed when the stage ends, so each
    MIP stage shows its final incumbent, bound and gap. ``verbose`` adds the solver's own log."""

    def __init__(self, stream: TextIO | None = None, interval: float = 2.0, verbose: bool = False):
        self.stream = stream or sys.stderr
        self.interval = interval
        self.wants_log = verbose
        self.started = time.perf_counter()
        self._stage = ""
        self._last_print = float("-inf")
        self._last: tuple[float | None, float | None] = (None, None)
        self._held: tuple[float | None, float | None, float | None] | None = None  # not printed yet
        self._lock = threading.Lock()

    def _elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:6.1f}s"

    def _write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()

    def stage(self, name: str) -> None:
        if self._held is not None:
            self._print_mip(*self._held)
        self._stage = name
        self._last, self._held = (None, None), None
        self._write(f"[{self._elapsed()}] {name}")

    def mip(self, incumbent: float | None, bound: float | None, gap: float | None) -> None:
        incumbent, bound, gap = _finite(incumbent), _finite(bound), _finite(gap)
        if (incumbent is None or bound is None) and self._last != (None, None):
            # a report that lost what an earlier one of this stage knew keeps it (both only improve)
            incumbent = self._last[0] if incumbent is None else incumbent
            bound = self._last[1] if bound is None else bound
            gap = relative_gap(incumbent, bound)
        if (incumbent, bound) == (None, None) or (incumbent, bound) == self._last:
            return
        self._last = (incumbent, bound)
        if time.perf_counter() - self._last_print < self.interval:
            self._held = (incumbent, bound, gap)
            return
        self._print_mip(incumbent, bound, gap)

    def _print_mip(self, incumbent: float | None, bound: float | None, gap: float | None) -> None:
        self._last_print, self._held = time.perf_counter(), None
        gap_text = "-" if gap is None else f"{gap:.2%}"
        self._write(
            f"[{self._elapsed()}]   {self._stage}: incumbent {_money(incumbent)}  bound {_money(bound)}  gap {gap_text}"
        )

    def log(self, line: str) -> None:
        if self.wants_log:
            self._write(line.rstrip("\n"))
