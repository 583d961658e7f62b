"""SCIP (through the optional ``pyscipopt``, ``pip install aidc[scip]``) as a live model.

SCIP cannot change a problem it has transformed, so this backend keeps the arrays the template
hands it, applies every change to them, and builds a fresh SCIP problem for each solve. That is
simple and exact; it is slower than HiGHS's in-place updates, which is why HiGHS is the default.
Row duals are not read from SCIP (they need presolve and cuts off to be meaningful), so marginal
costs are left out when solving with SCIP.

SCIP is handed the objective in dollars (``OBJECTIVE_SCALE`` times the model's $M): its absolute
tolerances (1e-9 to 1e-6) are too coarse for costs of a few $M-millionths per unit, and with the
objective in $M its dual reductions cut off the optimum of OR-Library's cap101 (0.3% above the
published optimum, reported optimal). Objective and bound are scaled back before they are reported.
MIP progress (incumbent, bound, gap) reaches the progress reporter from SCIP's new-best-solution
events; SCIP's own log is not shown (it prints to stdout, which belongs to ``--json``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from aidc.optimizer.solve.matrix_form import MatrixForm
from aidc.optimizer.solve.outcome import SolveOptions, SolveOutcome, SolveStatus, relative_gap
from aidc.optimizer.solve.progress import Progress
from aidc.optimizer.solve.session import MatrixSession

INF = float("inf")
OBJECTIVE_SCALE = 1e6  # SCIP sees the objective in USD, the model's in $M
_STATUS = {
    "optimal": SolveStatus.OPTIMAL,
    "gaplimit": SolveStatus.OPTIMAL,  # within the requested MIP gap
    "infeasible": SolveStatus.INFEASIBLE,
    "inforunbd": SolveStatus.INFEASIBLE,
    "userinterrupt": SolveStatus.INTERRUPTED,
}


class ScipSession(MatrixSession):
    """A SCIP problem rebuilt from the kept arrays before each solve."""

    name = "scip"

    def __init__(self, model):
        import pyscipopt  # noqa: F401  (fail early, with the import error, when the extra is missing)

        super().__init__(model)

    def _load(self, form: MatrixForm, lower: np.ndarray, upper: np.ndarray, integer: np.ndarray) -> None:
        self.form = form
        self.lower, self.upper, self.integer = lower.copy(), upper.copy(), integer.copy()
        self.cost, self.offset = form.cost.copy(), form.offset
        self.row_lower, self.row_upper = form.row_lower.copy(), form.row_upper.copy()
        self.row_entries: dict[int, dict[int, float]] = {}  # rows whose coefficients changed
        self.start: dict[int, float] = {}

    def _set_column_bounds(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        self.lower[columns], self.upper[columns] = lower, upper

    def _set_integrality(self, columns: np.ndarray, integer: np.ndarray) -> None:
        self.integer[columns] = integer

    def _set_objective(self, cost: np.ndarray, offset: float) -> None:
        self.cost, self.offset = cost.copy(), offset

    def _set_row(self, row: int, lower: float, upper: float, changes: dict[int, float]) -> None:
        self.row_lower[row], self.row_upper[row] = lower, upper
        entries = self._entries(row)
        entries.update(changes)
        self.row_entries[row] = {column: value for column, value in entries.items() if value != 0.0}

    def _entries(self, row: int) -> dict[int, float]:
        """{column: coefficient} of ``row`` as it is now (changed, or as compiled)."""
        if row in self.row_entries:
            return dict(self.row_entries[row])
        start, end = self.form.row_start[row], self.form.row_start[row + 1]
        return dict(zip(self.form.col_index[start:end].tolist(), self.form.value[start:end].tolist(), strict=True))

    def _problem(self, columns: list[str] | None, rows: list[str] | None, objective_scale: float):
        """A fresh SCIP problem from the kept arrays, its objective ``objective_scale`` times the model's."""
        import pyscipopt

        problem = pyscipopt.Model()
        problem.hideOutput()
        column_names = columns or [f"x{j}" for j in range(len(self.columns))]
        variables = [
            problem.addVar(
                name,
                vtype="I" if self.integer[j] else "C",
                lb=None if self.lower[j] == -INF else float(self.lower[j]),
                ub=None if self.upper[j] == INF else float(self.upper[j]),
                obj=float(self.cost[j]) * objective_scale,
            )
            for j, name in enumerate(column_names)
        ]
        if self.offset:
            problem.addObjoffset(float(self.offset) * objective_scale)
        row_names = rows or [f"r{i}" for i in range(len(self.rows))]
        for i, name in enumerate(row_names):
            entries = self._entries(i)
            body = pyscipopt.quicksum(value * variables[j] for j, value in entries.items())
            lower = None if self.row_lower[i] == -INF else float(self.row_lower[i])
            upper = None if self.row_upper[i] == INF else float(self.row_upper[i])
            problem.addCons(pyscipopt.ExprCons(body, lhs=lower, rhs=upper), name=name)
        problem.setMinimize()
        return problem, variables

    def _run(self, options: SolveOptions, lp: bool, progress: Progress) -> tuple[SolveOutcome, np.ndarray | None]:
        problem, variables = self._problem(None, None, OBJECTIVE_SCALE)
        if self.integer.any():
            problem.includeEventhdlr(_improvements(progress), "aidc-progress", "MIP progress for the reporter")
        if options.time_limit is not None:
            problem.setParam("limits/time", float(options.time_limit))
        problem.setParam("limits/gap", float(options.mip_gap))
        if options.feasibility_tolerance is not None:
            problem.setParam("numerics/feastol", float(options.feasibility_tolerance))
        if self.start:
            solution = problem.createSol()
            for j, value in self.start.items():
                problem.setSolVal(solution, variables[j], value)
            problem.addSol(solution, free=True)
            self.start = {}
        started = time.perf_counter()
        try:
            problem.optimize()
        except KeyboardInterrupt:
            problem.interruptSolve()
        seconds = time.perf_counter() - started
        words = problem.getStatus()
        has_plan = problem.getNSols() > 0
        objective = _model_units(problem.getObjVal()) if has_plan else None
        bound = _model_units(problem.getDualbound()) if has_plan or words == "optimal" else None
        status = _STATUS.get(words)
        if status is None:
            if has_plan:
                status = SolveStatus.FEASIBLE
            elif words == "timelimit":
                status = SolveStatus.TIME_LIMIT_NO_PLAN
            else:
                status = SolveStatus.ERROR
        if status == SolveStatus.OPTIMAL and not has_plan:
            status = SolveStatus.ERROR
        levels = None
        if has_plan:
            best = problem.getBestSol()
            levels = np.array([problem.getSolVal(best, var) for var in variables], dtype=float)
        outcome = SolveOutcome(status, words, objective, bound, relative_gap(objective, bound), seconds, 0.0)
        return outcome, levels

    def _row_duals(self) -> np.ndarray | None:
        return None

    def _set_start(self, columns: np.ndarray, values: np.ndarray) -> None:
        self.start = dict(zip(columns.tolist(), values.tolist(), strict=True))

    def _write(self, path: Path, columns: list[str] | None, rows: list[str] | None) -> None:
        problem, _ = self._problem(columns, rows, 1.0)
        problem.writeProblem(str(path), verbose=False)


def _model_units(value: float) -> float | None:
    """A SCIP objective value (USD) in the model's $M; None for SCIP's infinity."""
    return None if abs(value) >= 1e19 else value / OBJECTIVE_SCALE


def _improvements(progress: Progress):
    """A SCIP event handler that reports each new best solution with SCIP's bound and gap."""
    import pyscipopt

    class Improvements(pyscipopt.Eventhdlr):
        def eventinit(self):
            self.model.catchEvent(pyscipopt.SCIP_EVENTTYPE.BESTSOLFOUND, self)

        def eventexit(self):
            self.model.dropEvent(pyscipopt.SCIP_EVENTTYPE.BESTSOLFOUND, self)

        def eventexec(self, event):
            model = self.model
            incumbent = _model_units(model.getSolObjVal(model.getBestSol()))
            bound = _model_units(model.getDualbound())
            progress.mip(incumbent, bound, relative_gap(incumbent, bound))

    return Improvements()
