"""What a solve is asked to do and what it reports, independent of the solver behind it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aidc.optimizer.errors import EXIT_INTERRUPTED, EXIT_NO_SOLUTION, EXIT_SOLVER_FAILURE, SolveError


class SolveStatus(StrEnum):
    """How a solve ended. A ``StrEnum``: it compares equal to its value and prints as it."""

    OPTIMAL = "optimal"  # proven optimal (MIP: within the requested gap)
    FEASIBLE = "feasible"  # stopped early (time limit) with a plan
    INFEASIBLE = "infeasible"
    TIME_LIMIT_NO_PLAN = "time_limit_no_plan"
    INTERRUPTED = "interrupted"  # Ctrl-C / SIGTERM during the solve
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class SolveOptions:
    """Settings of one solve."""

    time_limit: float | None = None  # seconds
    mip_gap: float = 1e-3  # relative MIP gap at which the solver stops
    threads: int | None = None
    relax: str = "none"  # "none", "units" (accelerator counts continuous) or "all" (an LP)
    marginal_costs: bool = True  # fix integers, re-solve as an LP, read demand duals
    staged: bool = True  # whole units: binaries first, then units (aidc.optimizer.planner.staged_mip)
    presolve: str = "choose"
    solver_method: str = "choose"  # HiGHS 'solver' option for LPs: choose, simplex, ipm
    solver: str = "highs"  # a name of aidc.optimizer.solve.SOLVERS
    feasibility_tolerance: float | None = None  # primal and MIP feasibility tolerance; None: the solver's default


@dataclass
class SolveOutcome:
    """What the solver reported for one solve."""

    status: SolveStatus
    termination: str  # the solver's own words
    objective: float | None  # $M, incumbent
    bound: float | None  # $M, best bound (MIP)
    gap: float | None
    solve_seconds: float  # solver run time
    handover_seconds: float  # Pyomo -> solver transfer (first solve) or update (re-solve)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|objective - bound| / |objective| (None without both)."""
    if objective is None or bound is None or bound != bound or abs(bound) == float("inf"):
        return None
    return abs(objective - bound) / max(1e-9, abs(objective))


def raise_if_no_plan(outcome: SolveOutcome) -> None:
    """Turn a solve without any plan into a SolveError with a distinct exit code."""
    if outcome.status.has_plan:
        return
    if outcome.status == SolveStatus.INTERRUPTED:
        raise SolveError("interrupted during the solve; nothing was written", EXIT_INTERRUPTED)
    if outcome.status == SolveStatus.TIME_LIMIT_NO_PLAN:
        raise SolveError("the solver reached the time limit before finding any plan", EXIT_NO_SOLUTION)
    if outcome.status == SolveStatus.INFEASIBLE:
        raise SolveError(
            "the solver proved the model infeasible: a hard limit cannot be met even with unserved demand "
            "(carbon cap, capex budget, existing capacity against its grid connection on the design day, "
            "a water or PUE cap on existing capacity)",
            EXIT_NO_SOLUTION,
        )
    raise SolveError(f"the solver ended without a plan ({outcome.termination})", EXIT_SOLVER_FAILURE)
