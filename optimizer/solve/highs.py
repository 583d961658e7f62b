"""HiGHS fed directly from the Pyomo model: one live HiGHS model per planner, re-solved in place.

The model is compiled to arrays once (``aidc.optimizer.solve.matrix_form``) and passed to highspy in one
call. Before each solve the session brings HiGHS up to date with the Pyomo model: variable
bounds, fixing and integrality (compared column by column), and, when a mutable parameter
changed, the objective and the rows declared to depend on parameters (``m.parameter_rows``).
Changes HiGHS cannot take in place (constraints or objectives added, removed or switched on
or off; a parameter row gaining a variable that is no column) compile the model again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
import pyomo.environ as pyo
from aidc.optimizer.errors import EXIT_NO_SOLUTION, EXIT_SOLVER_FAILURE, SolveError
from aidc.optimizer.solve.matrix_form import LinearWalker, column_state, compile_matrix
from pyomo.common.tee import capture_output


@dataclass(frozen=True)
class SolveOptions:
    """Settings of one solve."""

    time_limit: float | None = None  # seconds
    mip_gap: float = 1e-3  # relative MIP gap at which HiGHS stops
    threads: int | None = None
    relax: str = "none"  # "none", "units" (accelerator counts continuous) or "all" (an LP)
    marginal_costs: bool = True  # fix integers, re-solve as an LP, read demand duals
    staged: bool = True  # whole units: binaries first, then units (aidc.optimizer.planner.staged_mip)
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


_MODEL_STATUS = highspy.HighsModelStatus
_INFEASIBLE = (_MODEL_STATUS.kInfeasible, _MODEL_STATUS.kUnboundedOrInfeasible)
_FEASIBLE = 2  # HiGHS primal_solution_status: 0 none, 1 infeasible, 2 feasible


class HighsSession:
    """A HiGHS model for one Pyomo model; parameter, bound and fixing changes update it in place."""

    def __init__(self, model: pyo.ConcreteModel):
        self.model = model
        with capture_output(capture_fd=True):  # HiGHS prints its banner on construction
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.HandleKeyboardInterrupt = True
        started = time.perf_counter()
        self._load()
        self.handover_seconds = time.perf_counter() - started
        self._first = True
        self._highs_clock = float(self.highs.getRunTime())

    def _load(self) -> None:
        """Compile the Pyomo model and pass it to HiGHS whole."""
        form = compile_matrix(self.model)
        if len(form.value) >= 2**31:
            raise SolveError("more than 2^31 nonzeros: beyond HiGHS's 32-bit indices", EXIT_SOLVER_FAILURE)
        self.columns, self.rows = form.columns, form.rows
        lower, upper, integer = column_state(self.columns)
        self.highs.clearModel()
        status = self.highs.passModel(
            len(self.columns),
            len(self.rows),
            len(form.value),
            int(highspy.MatrixFormat.kRowwise),
            int(highspy.ObjSense.kMinimize),
            form.offset,
            form.cost,
            lower,
            upper,
            form.row_lower,
            form.row_upper,
            form.row_start[:-1].astype(np.int32),
            form.col_index,
            form.value,
            integer.astype(np.int32),
        )
        if status == highspy.HighsStatus.kError:
            raise SolveError("HiGHS rejected the model (see its log)", EXIT_SOLVER_FAILURE)
        self._column_bounds = (lower, upper, integer)
        self._parameters = _parameter_values(self.model)
        self._parameter_row_entries = _parameter_row_entries(self.model, form)
        self._structure = _structure(self.model)
        self._column_of: dict[int, int] | None = None
        self._row_of: dict[int, int] | None = None

    def column_of(self) -> dict[int, int]:
        """id(Pyomo variable) -> HiGHS column (built on first use)."""
        if self._column_of is None:
            self._column_of = {id(var): j for j, var in enumerate(self.columns)}
        return self._column_of

    def row_of(self) -> dict[int, int]:
        """id(Pyomo constraint) -> HiGHS row (built on first use)."""
        if self._row_of is None:
            self._row_of = {id(con): i for i, con in enumerate(self.rows)}
        return self._row_of

    def export(self, path: Path, names: bool = True) -> None:
        """Write the model handed to HiGHS (MPS or LP by suffix), with Pyomo's names for
        columns and rows (spaces replaced by underscores) unless ``names`` is false."""
        if names:
            for j, var in enumerate(self.columns):
                self.highs.passColName(j, var.name.replace(" ", "_"))
            for i, con in enumerate(self.rows):
                self.highs.passRowName(i, con.name.replace(" ", "_"))
        self.highs.writeModel(str(path))

    def solve(self, options: SolveOptions, *, lp: bool = False) -> SolveOutcome:
        """Bring HiGHS up to date with the Pyomo model, solve, and load the plan into the
        Pyomo variables when there is one."""
        started = time.perf_counter()
        self.update()
        highs = self.highs
        highs.setOptionValue("presolve", options.presolve)
        highs.setOptionValue("random_seed", 0)
        highs.setOptionValue("solver", options.solver_method if lp else "choose")
        highs.setOptionValue("time_limit", float("inf") if options.time_limit is None else float(options.time_limit))
        highs.setOptionValue("mip_rel_gap", options.mip_gap)
        if options.threads is not None:
            highs.setOptionValue("threads", options.threads)
        update_seconds = time.perf_counter() - started
        highs.run()
        # HiGHS's run-time clock accumulates over every run of the same model: take the increase
        clock = float(highs.getRunTime())
        highs_seconds = max(0.0, clock - self._highs_clock)
        self._highs_clock = clock
        handover = self.handover_seconds if self._first else update_seconds
        self._first = False
        outcome = self._outcome(highs_seconds, handover)
        if outcome.objective is not None:
            for var, level in zip(self.columns, highs.getSolution().col_value, strict=True):
                var.set_value(level, skip_validation=True)
        return outcome

    def update(self) -> None:
        """Push changed variable bounds, fixing and integrality, and changed parameters; compile
        again when constraints or objectives were added, removed, activated or deactivated."""
        if _structure(self.model) != self._structure:
            self._load()
            return
        lower, upper, integer = column_state(self.columns)
        old_lower, old_upper, old_integer = self._column_bounds
        changed = np.flatnonzero((lower != old_lower) | (upper != old_upper))
        if len(changed):
            self.highs.changeColsBounds(len(changed), changed.astype(np.int32), lower[changed], upper[changed])
        changed = np.flatnonzero(integer != old_integer)
        if len(changed):
            types = np.where(integer[changed] == 1, highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous)
            self.highs.changeColsIntegrality(len(changed), changed.astype(np.int32), types.astype(np.uint8))
        self._column_bounds = (lower, upper, integer)
        parameters = _parameter_values(self.model)
        changed_parameters = [
            name for name, values in parameters.items() if not np.array_equal(values, self._parameters.get(name))
        ]
        if changed_parameters and not self._update_parameters(changed_parameters):
            self._load()  # a change HiGHS cannot take in place: compile again
        self._parameters = parameters

    def _update_parameters(self, names: list[str]) -> bool:
        """Re-walk the objective and the rows depending on parameters ``names``; False when
        the new forms need a column HiGHS does not have."""
        walker = LinearWalker(self.columns)
        count = len(self.columns)
        offset, objective = walker.linear(next(self.model.component_data_objects(pyo.Objective, active=True)).expr)
        if objective and max(objective) >= count:
            return False
        cost = np.zeros(count)
        cost[np.fromiter(objective.keys(), np.int64, len(objective))] = np.fromiter(objective.values(), float)
        everything = np.arange(count, dtype=np.int32)
        self.highs.changeColsCost(count, everything, cost)
        self.highs.changeObjectiveOffset(offset)
        declared = getattr(self.model, "parameter_rows", {})
        constraints = [con for name in names for component in declared.get(name, ()) for con in component.values()]
        row_of = self.row_of()
        for con in constraints:
            row = row_of.get(id(con))
            lower, upper, coefficients = walker.row(con)
            if row is None or (coefficients and max(coefficients) >= count):
                return False
            self.highs.changeRowBounds(row, lower, upper)
            before = self._parameter_row_entries[row]
            for column in before.keys() | coefficients.keys():
                if before.get(column, 0.0) != coefficients.get(column, 0.0):
                    self.highs.changeCoeff(row, column, coefficients.get(column, 0.0))
            self._parameter_row_entries[row] = coefficients
        return True

    def _outcome(self, highs_seconds: float, handover: float) -> SolveOutcome:
        highs = self.highs
        status = highs.getModelStatus()
        info = highs.getInfo()
        has_plan = info.primal_solution_status == _FEASIBLE
        objective = info.objective_function_value if has_plan else None
        optimal_lp = status == _MODEL_STATUS.kOptimal and has_plan
        bound = info.mip_dual_bound if info.mip_node_count >= 0 else (objective if optimal_lp else None)
        gap = None
        if objective is not None and bound is not None and np.isfinite(bound):
            gap = abs(objective - bound) / max(1e-9, abs(objective))
        if status == _MODEL_STATUS.kOptimal and has_plan:
            label = "optimal"
        elif has_plan:
            label = "feasible"
        elif status in _INFEASIBLE:
            label = "infeasible"
        elif status == _MODEL_STATUS.kTimeLimit:
            label = "time_limit_no_plan"
        else:
            label = "error"
        return SolveOutcome(label, highs.modelStatusToString(status), objective, bound, gap, highs_seconds, handover)

    def set_start(self, values: list) -> None:
        """Hand HiGHS a starting MIP solution ([(Pyomo var, value)]) for the next solve."""
        self.update()
        column_of = self.column_of()
        pairs = [(column_of[id(var)], value) for var, value in values if id(var) in column_of and value is not None]
        index = np.array([column for column, _ in pairs], dtype=np.int32)
        value = np.array([v for _, v in pairs], dtype=np.float64)
        self.highs.setSolution(len(pairs), index, value)

    def duals(self, constraints: list) -> dict:
        """Row duals ($M per unit of right-hand side) of the last LP solve; empty when HiGHS
        has no valid duals."""
        solution = self.highs.getSolution()
        if not solution.dual_valid:
            return {}
        row_dual, row_of = solution.row_dual, self.row_of()
        return {con: row_dual[row_of[id(con)]] for con in constraints if id(con) in row_of}


def _parameter_row_entries(model: pyo.ConcreteModel, form) -> dict[int, dict[int, float]]:
    """{row: {column: coefficient}} of the rows declared to depend on parameters."""
    components = [c for declared in getattr(model, "parameter_rows", {}).values() for c in declared]
    declared = {id(con) for component in components for con in component.values()}
    entries = {}
    for row, con in enumerate(form.rows):
        if id(con) in declared:
            start, end = form.row_start[row], form.row_start[row + 1]
            entries[row] = dict(zip(form.col_index[start:end].tolist(), form.value[start:end].tolist(), strict=True))
    return entries


def _structure(model: pyo.ConcreteModel) -> tuple:
    """What the rows and objective of HiGHS are made of: each active constraint component with
    its number of active members, and the active objectives."""
    constraints = tuple(
        (id(component), sum(1 for con in component.values() if con.active))
        for component in model.component_objects(pyo.Constraint, active=True)
    )
    objectives = tuple(id(o) for o in model.component_data_objects(pyo.Objective, active=True))
    return constraints, objectives


def _parameter_values(model: pyo.ConcreteModel) -> dict[str, np.ndarray]:
    """Current values of every mutable parameter, by component name."""
    return {
        param.name: np.array([pyo.value(p) for p in param.values()], dtype=float)
        for param in model.component_objects(pyo.Param, active=True)
        if param.mutable
    }


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
