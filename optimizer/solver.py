"""HiGHS through Pyomo's persistent interface: one live HiGHS model per planner, re-solved in place."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.common.util import NoDualsError

from optimizer.errors import EXIT_NO_SOLUTION, EXIT_SOLVER_FAILURE, SolveError


@dataclass(frozen=True)
class SolveOptions:
    """Settings of one solve."""

    time_limit: float | None = None  # seconds
    mip_gap: float = 1e-3  # relative MIP gap at which HiGHS stops
    threads: int | None = None
    relax: str = "none"  # "none", "units" (accelerator counts continuous) or "all" (an LP)
    marginal_costs: bool = True  # fix integers, re-solve as an LP, read demand duals
    staged: bool = True  # whole units: binaries first, then units (optimizer.staged_mip)
    presolve: str = "choose"
    solver_method: str = "choose"  # HiGHS 'solver' option for LPs: choose, simplex, ipm


@dataclass
class SolveOutcome:
    """What HiGHS reported for one solve."""

    status: str  # optimal, feasible (stopped early with a plan), infeasible, ...
    termination: str
    objective: float | None  # $M, incumbent
    bound: float | None  # $M, best bound (MIP)
    gap: float | None
    solve_seconds: float  # HiGHS run time
    handover_seconds: float  # Pyomo -> HiGHS transfer (first solve) or update (re-solve)


class HighsSession:
    """A persistent HiGHS model for one Pyomo model: parameter changes update it in place."""

    def __init__(self, model: pyo.ConcreteModel):
        self.model = model
        self.solver = SolverFactory("highs")
        started = time.perf_counter()
        self.solver.set_instance(model)
        self.handover_seconds = time.perf_counter() - started
        self._first = True
        self._highs_clock = float(self.highs.getRunTime())

    @property
    def highs(self):
        """The underlying highspy.Highs object (exactly what HiGHS solves)."""
        return self.solver._solver_model

    def export(self, path: Path) -> None:
        """Write the model handed to HiGHS (MPS or LP by suffix); rows and columns are unnamed
        (c0, r0, ...) because Pyomo's HiGHS interface passes no names."""
        self.highs.setOptionValue("output_flag", False)
        try:
            self.highs.writeModel(str(path))
        finally:
            self.highs.setOptionValue("output_flag", True)

    def solve(self, options: SolveOptions, *, lp: bool = False) -> SolveOutcome:
        started = time.perf_counter()
        solver_options = {"presolve": options.presolve, "random_seed": 0}
        if lp:
            solver_options["solver"] = options.solver_method
        result = self.solver.solve(
            self.model,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            time_limit=options.time_limit,
            rel_gap=options.mip_gap,
            threads=options.threads,
            solver_options=solver_options,
        )
        wall = time.perf_counter() - started
        # HiGHS's run-time clock accumulates over every run of the same model: take the increase
        clock = float(self.highs.getRunTime())
        highs_seconds = max(0.0, clock - self._highs_clock)
        self._highs_clock = clock
        handover = self.handover_seconds if self._first else max(0.0, wall - highs_seconds)
        self._first = False
        outcome = _outcome(result, highs_seconds, handover)
        if result.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible):
            result.solution_loader.load_vars()
            self.last_result = result
        return outcome

    def set_start(self, values: list) -> None:
        """Hand HiGHS a starting MIP solution ([(Pyomo var, value)]) for the next solve."""
        import numpy as np

        self.solver.update()
        columns = self.solver._pyomo_var_to_solver_var_map  # Pyomo exposes no public column map
        pairs = [(columns[id(var)], value) for var, value in values if id(var) in columns and value is not None]
        index = np.array([column for column, _ in pairs], dtype=np.int32)
        value = np.array([v for _, v in pairs], dtype=np.float64)
        self.highs.setSolution(len(pairs), index, value)

    def duals(self, constraints: list) -> dict:
        """Row duals ($M per unit of right-hand side) of the last LP solve; empty when HiGHS has
        none for these rows (seen in fuzzing: a row-dual vector shorter than Pyomo's row map
        after an LP with fixed integers; root cause not yet traced), so marginal costs are
        left out rather than failing the whole solve."""
        solution = self.highs.getSolution()
        if not solution.dual_valid:
            return {}
        try:
            return self.last_result.solution_loader.get_duals(constraints)
        except (IndexError, NoDualsError):
            return {}


def _outcome(result, highs_seconds: float, handover: float) -> SolveOutcome:
    condition = result.termination_condition
    has_plan = result.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
    objective = result.incumbent_objective if has_plan else None
    bound = result.objective_bound
    gap = None
    if objective is not None and bound is not None:
        gap = abs(objective - bound) / max(1e-9, abs(objective))
    if condition == TerminationCondition.convergenceCriteriaSatisfied and has_plan:
        status = "optimal"
    elif has_plan:
        status = "feasible"
    elif condition in (TerminationCondition.provenInfeasible, TerminationCondition.infeasibleOrUnbounded):
        status = "infeasible"
    elif condition == TerminationCondition.maxTimeLimit:
        status = "time_limit_no_plan"
    else:
        status = "error"
    return SolveOutcome(status, condition.name, objective, bound, gap, highs_seconds, handover)


def raise_if_no_plan(outcome: SolveOutcome) -> None:
    """Turn a solve without any plan into a SolveError with a distinct exit code."""
    if outcome.status in ("optimal", "feasible"):
        return
    if outcome.status == "time_limit_no_plan":
        raise SolveError("HiGHS reached the time limit before finding any plan", EXIT_NO_SOLUTION)
    if outcome.status == "infeasible":
        raise SolveError(
            "HiGHS proved the model infeasible: a hard limit (carbon cap, capex budget) cannot be met "
            "even with unserved demand",
            EXIT_NO_SOLUTION,
        )
    raise SolveError(f"HiGHS ended without a plan ({outcome.termination})", EXIT_SOLVER_FAILURE)
