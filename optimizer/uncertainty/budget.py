"""A stochastic programme's time limit: one budget (seconds of wall clock) shared by its solves.

The programme runs 3N + 2 solves for N outcomes (the mean outcome; each outcome's own optimum;
each outcome under the mean plan; the here-and-now plan; each outcome under that plan). A time
limit per solve would let ``--time-limit 600`` run for hours, so the limit is a budget for the
whole programme, counted from its start. Each solve is given the time left times its weight over
the weight of the solves still to come (a single-outcome solve weighs 1, the extensive form N: it
is N outcome models in one), so the time an early solve leaves unused passes to the later ones.
Model building and result writing are not solves; they come out of the budget as they happen,
which is why a run can end a little past it. With MPI ranks each rank keeps its own budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from aidc.models.schema import ScenarioConfig
from aidc.optimizer.solve import SolveOptions

SHORTEST_SOLVE_S = 1.0
"""A solve is never given less (s): one that finds no plan in it is reported like any other."""


def solve_count(outcomes: int) -> int:
    """How many solves a programme of ``outcomes`` outcomes runs (the module docstring)."""
    return 3 * outcomes + 2


def programme_time_limit(config: ScenarioConfig, time_limit: float | None) -> float | None:
    """The programme's budget (s): ``time_limit`` (``--time-limit``) if given, else the
    uncertainty block's ``time_limit_s``, else the scenario's ``solve_time_limit_s`` once for each
    solve (what that setting gave before it was a budget), else none."""
    if time_limit is not None:
        return time_limit
    block = config.uncertainty
    if block is not None and block.time_limit_s is not None:
        return block.time_limit_s
    if config.solve_time_limit_s is None:
        return None
    outcomes = len(block.outcomes) if block is not None else 1
    return config.solve_time_limit_s * solve_count(outcomes)


@dataclass
class TimeBudget:
    """Hands each solve its share of what is left of ``total_s`` (None: no limit)."""

    total_s: float | None
    weight_to_come: float  # the weights of every solve not yet given its share
    started: float = field(default_factory=time.perf_counter)

    def left_s(self) -> float | None:
        """Seconds left of the budget (None without one)."""
        if self.total_s is None:
            return None
        return max(0.0, self.total_s - (time.perf_counter() - self.started))

    def share(self, options: SolveOptions, weight: float = 1.0) -> SolveOptions:
        """``options`` with the time limit of the next solve, of ``weight``."""
        left = self.left_s()
        pending = max(self.weight_to_come, weight)
        self.weight_to_come = max(0.0, self.weight_to_come - weight)
        if left is None:
            return replace(options, time_limit=None)
        return replace(options, time_limit=max(SHORTEST_SOLVE_S, left * weight / pending))

    def skip(self, weight: float = 1.0) -> None:
        """A solve of ``weight`` that another rank runs, or one without a time limit."""
        self.weight_to_come = max(0.0, self.weight_to_come - weight)
