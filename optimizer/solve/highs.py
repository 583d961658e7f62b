"""HiGHS (through highspy) as a live model: the matrix is passed in one call and changed in place.

Solves run on HiGHS's own thread so that Ctrl-C or SIGTERM stops HiGHS at its next check instead
of waiting for the solve to end; the solve then reports ``interrupted`` (even if HiGHS finished
meanwhile). While HiGHS runs, a signal only records itself and cancels the solve
(:mod:`~aidc.optimizer.solve.interrupts`): an exception raised inside highspy's lock code could
leave a lock held and hang the next solve. HiGHS checks rarely inside a MIP's root LP (seconds on large
models): a second interruption stops waiting and leaves it running on its thread. MIP progress
(incumbent, bound, gap) and, with ``-v``, the HiGHS log reach a
:class:`~aidc.optimizer.solve.progress.Progress` through HiGHS callbacks.
"""

from __future__ import annotations

import errno
from pathlib import Path

import highspy
import numpy as np
from pyomo.common.tee import capture_output

from aidc.optimizer.errors import EXIT_SOLVER_FAILURE, SolveError
from aidc.optimizer.solve.interrupts import cancelling_on_signals
from aidc.optimizer.solve.matrix_form import MatrixForm
from aidc.optimizer.solve.outcome import SolveOptions, SolveOutcome, SolveStatus, relative_gap
from aidc.optimizer.solve.progress import Progress
from aidc.optimizer.solve.session import MatrixSession

_MODEL_STATUS = highspy.HighsModelStatus
_INFEASIBLE = (_MODEL_STATUS.kInfeasible, _MODEL_STATUS.kUnboundedOrInfeasible)
_FEASIBLE = 2  # HiGHS primal_solution_status: 0 none, 1 infeasible, 2 feasible
_CALLBACK = highspy.cb.HighsCallbackType
LARGE_MODEL_ROWS = 20_000
"""Above this many rows HiGHS solves LPs and MIP root LPs by interior point: measured on the
baseline with 12 slices (41k rows), the LP took 73-140 s by dual simplex and 19 s by IPM, and the
MIP's root bound came after 135 s by simplex and 21 s by IPM (one run each, loaded machine)."""
_ABANDONED: list[highspy.Highs] = []  # solves left running after a second interruption


_LAST_LINE = {".mps": b"ENDATA", ".lp": b"end"}


def _complete(path: Path) -> bool:
    """True if a model file HiGHS wrote ends with its format's last line."""
    with open(path, "rb") as stream:
        stream.seek(0, 2)
        stream.seek(max(0, stream.tell() - 64))
        tail = stream.read().rstrip()
    return tail.endswith(_LAST_LINE.get(path.suffix.lower(), b""))


def abandoned_solves() -> bool:
    """True if a HiGHS solve was left running on its thread (the process must then end with
    ``os._exit``: interpreter shutdown under a running solver is not safe)."""
    return any(highs.is_solver_running() for highs in _ABANDONED)


FEASIBILITY_TOLERANCES = ("primal_feasibility_tolerance", "mip_feasibility_tolerance")
"""HiGHS options that ``SolveOptions.feasibility_tolerance`` sets (defaults 1e-7 and 1e-6)."""


def _option_value(highs: highspy.Highs, name: str) -> float:
    """An option's value (highspy returns ``(status, value)`` in some versions, the value in others)."""
    value = highs.getOptionValue(name)
    return float(value[1] if isinstance(value, tuple) else value)


class HighsSession(MatrixSession):
    """A HiGHS model for one Pyomo model; parameter, bound and fixing changes update it in place."""

    name = "highs"

    def __init__(self, model):
        with capture_output(capture_fd=True):  # HiGHS prints its banner on construction
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.HandleKeyboardInterrupt = True  # lets cancelSolve() stop a running solve
        self._default_tolerances = {name: _option_value(self.highs, name) for name in FEASIBILITY_TOLERANCES}
        self._highs_clock = 0.0
        super().__init__(model)
        self._highs_clock = float(self.highs.getRunTime())

    def _load(self, form: MatrixForm, lower: np.ndarray, upper: np.ndarray, integer: np.ndarray) -> None:
        if len(form.value) >= 2**31:
            raise SolveError("more than 2^31 nonzeros: beyond HiGHS's 32-bit indices", EXIT_SOLVER_FAILURE)
        self.highs.clearModel()
        status = self.highs.passModel(
            len(form.columns),
            len(form.rows),
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

    def _set_column_bounds(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        self.highs.changeColsBounds(len(columns), columns, lower, upper)

    def _set_integrality(self, columns: np.ndarray, integer: np.ndarray) -> None:
        types = np.where(integer == 1, highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous)
        self.highs.changeColsIntegrality(len(columns), columns, types.astype(np.uint8))

    def _set_objective(self, cost: np.ndarray, offset: float) -> None:
        count = len(cost)
        self.highs.changeColsCost(count, np.arange(count, dtype=np.int32), cost)
        self.highs.changeObjectiveOffset(offset)

    def _set_row(self, row: int, lower: float, upper: float, changes: dict[int, float]) -> None:
        self.highs.changeRowBounds(row, lower, upper)
        for column, value in changes.items():
            self.highs.changeCoeff(row, column, value)

    def _run(self, options: SolveOptions, lp: bool, progress: Progress) -> tuple[SolveOutcome, np.ndarray | None]:
        highs = self.highs
        highs.setOptionValue("presolve", options.presolve)
        highs.setOptionValue("random_seed", 0)
        large = self.highs.getNumRow() > LARGE_MODEL_ROWS and options.solver_method == "choose"
        highs.setOptionValue("solver", ("ipm" if large else options.solver_method) if lp else "choose")
        highs.setOptionValue("mip_lp_solver", "ipm" if large else "choose")
        highs.setOptionValue("time_limit", self._time_limit(options))
        highs.setOptionValue("mip_rel_gap", options.mip_gap)
        tolerance = options.feasibility_tolerance
        for name, default in self._default_tolerances.items():  # options persist in the session: reset
            highs.setOptionValue(name, default if tolerance is None else tolerance)
        if options.threads is not None:
            highs.setOptionValue("threads", options.threads)
        interrupted = self._run_interruptibly(progress)
        # HiGHS's run-time clock accumulates over every run of the same model: take the increase
        clock = float(highs.getRunTime())
        highs_seconds = max(0.0, clock - self._highs_clock)
        self._highs_clock = clock
        outcome = self._outcome(highs_seconds, interrupted)
        levels = np.asarray(highs.getSolution().col_value) if outcome.objective is not None else None
        return outcome, levels

    def _time_limit(self, options: SolveOptions) -> float:
        """HiGHS's time_limit for this run. HiGHS 1.15 compares an LP's limit with its run clock,
        which accumulates over every run of the model (a MIP's limit counts from the run's start):
        an LP after 123 s of earlier runs stopped at once under a 77 s limit. An LP's limit is
        therefore the clock now plus the time it may take."""
        if options.time_limit is None:
            return float("inf")
        is_mip = bool(np.any(self._column_bounds[2]))
        return float(options.time_limit) + (0.0 if is_mip else float(self.highs.getRunTime()))

    def _run_interruptibly(self, progress: Progress) -> bool:
        """Run HiGHS on its thread; on KeyboardInterrupt ask it to stop and wait for it. True if
        the run was interrupted."""
        highs = self.highs
        subscriptions = []

        def on_mip(event) -> None:
            data = event.data_out
            progress.mip(data.mip_primal_bound, data.mip_dual_bound, data.mip_gap)

        def on_log(event) -> None:
            progress.log(event.message)

        subscriptions.append((highs.cbMipInterrupt, on_mip))
        subscriptions.append((highs.cbMipImprovingSolution, on_mip))
        if progress.wants_log:
            highs.setOptionValue("output_flag", True)
            highs.setOptionValue("log_to_console", False)
            subscriptions.append((highs.cbLogging, on_log))
        for event, callback in subscriptions:
            event.subscribe(callback)
        try:
            with cancelling_on_signals(highs.cancelSolve) as signals:
                highs.startSolve()
                announced = False
                while True:
                    done, _ = highs.wait(0.1)
                    if signals and not announced:
                        announced = True
                        progress.stage(
                            "interrupted: stopping HiGHS at its next check (interrupt again to quit at once)"
                        )
                    if signals:
                        highs.cancelSolve()  # again: a request made before the solve started is not kept
                    if done:
                        break
        except KeyboardInterrupt:  # a second interruption: stop waiting for HiGHS
            if highs.is_solver_running():
                _ABANDONED.append(highs)
            raise
        finally:
            if highs not in _ABANDONED:  # a running HiGHS may not be touched
                for event, callback in subscriptions:
                    event.unsubscribe(callback)
                highs.setOptionValue("output_flag", False)
        return bool(signals)

    def _outcome(self, highs_seconds: float, interrupted: bool) -> SolveOutcome:
        highs = self.highs
        status = highs.getModelStatus()
        info = highs.getInfo()
        has_plan = info.primal_solution_status == _FEASIBLE
        objective = info.objective_function_value if has_plan else None
        optimal_lp = status == _MODEL_STATUS.kOptimal and has_plan
        bound = info.mip_dual_bound if info.mip_node_count >= 0 else (objective if optimal_lp else None)
        if interrupted or status == _MODEL_STATUS.kInterrupt:  # even if it finished: the user asked to stop
            label = SolveStatus.INTERRUPTED
        elif status == _MODEL_STATUS.kOptimal and has_plan:
            label = SolveStatus.OPTIMAL
        elif has_plan:
            label = SolveStatus.FEASIBLE
        elif status in _INFEASIBLE:
            label = SolveStatus.INFEASIBLE
        elif status == _MODEL_STATUS.kTimeLimit:
            label = SolveStatus.TIME_LIMIT_NO_PLAN
        else:
            label = SolveStatus.ERROR
        return SolveOutcome(
            label,
            highs.modelStatusToString(status),
            objective,
            bound,
            relative_gap(objective, bound),
            highs_seconds,
            0.0,
        )

    def _row_duals(self) -> np.ndarray | None:
        solution = self.highs.getSolution()
        return np.asarray(solution.row_dual) if solution.dual_valid else None

    def _set_start(self, columns: np.ndarray, values: np.ndarray) -> None:
        self.highs.setSolution(len(columns), columns, values)

    def _write(self, path: Path, columns: list[str] | None, rows: list[str] | None) -> None:
        for j, name in enumerate(columns or ()):
            self.highs.passColName(j, name)
        for i, name in enumerate(rows or ()):
            self.highs.passRowName(i, name)
        with capture_output(capture_fd=True):
            status = self.highs.writeModel(str(path))
        if status == highspy.HighsStatus.kError:
            raise OSError(f"HiGHS could not write {path}")
        if not _complete(path):  # HiGHS does not report failed writes (a full disk): check the end
            raise OSError(errno.EIO, "the file was cut short (disk full?)", str(path))
