"""A live solver model behind one interface: load the Pyomo model once, push only what changed.

``LiveModel`` is what the planner uses. ``MatrixSession`` is its template implementation: it
compiles the Pyomo model to arrays (``matrix_form``), keeps what it handed over, and before each
solve works out the differences (variable bounds, fixing and integrality column by column; the
objective and the rows declared to hold mutable parameters after a parameter change; a full
reload when constraints were added, removed, activated or deactivated). A backend implements
only the hooks that talk to its solver (``_load``, ``_set_column_bounds``, ``_set_integrality``,
``_set_objective``, ``_set_row``, ``_run``, ``_row_duals``, ``_set_start``, ``_write``).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar, Protocol

import numpy as np
import pyomo.environ as pyo

from aidc.optimizer.errors import EXIT_INVALID_INPUT, SolveError
from aidc.optimizer.solve.matrix_form import LinearWalker, MatrixForm, column_state, compile_matrix
from aidc.optimizer.solve.outcome import SolveOptions, SolveOutcome
from aidc.optimizer.solve.progress import Progress, SilentProgress

EXPORT_SUFFIXES = (".mps", ".lp")
EXPORT_HEADER = {".mps": b"* Exported by aidc\n", ".lp": b"\\ Exported by aidc\n"}
"""The first line of every model file aidc exports (a comment in each format): only a file that
starts with it is replaced by a new export."""


def _temporary_beside(path: Path) -> Path:
    """A new empty file in ``path``'s folder, hidden, with ``path``'s suffix (HiGHS writes by suffix)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix.lower(), dir=path.parent)
    os.close(handle)
    return Path(name)


_NOT_LP_NAME = re.compile(r"[^A-Za-z0-9_(),.]")  # the LP format's names: no brackets, spaces, +, -, :


class LiveModel(Protocol):
    """A solver's copy of one Pyomo model, kept in step with it across solves."""

    handover_seconds: float

    def update(self) -> None: ...

    def solve(self, options: SolveOptions, *, lp: bool = False, progress: Progress | None = None) -> SolveOutcome: ...

    def duals(self, constraints: list) -> dict: ...

    def set_start(self, values: list) -> None: ...

    def export(self, path: Path, names: bool = True) -> None: ...


class MatrixSession(ABC):
    """Template of a live model fed from the Pyomo model's matrix form (see module docstring)."""

    name: ClassVar[str]

    def __init__(self, model: pyo.ConcreteModel):
        self.model = model
        started = time.perf_counter()
        self._compile()
        self.handover_seconds = time.perf_counter() - started
        self._first = True

    # ----- the template -----------------------------------------------------------------
    def _compile(self) -> None:
        """Compile the Pyomo model and hand it to the solver whole."""
        form = compile_matrix(self.model)
        self.columns, self.rows = form.columns, form.rows
        lower, upper, integer = column_state(self.columns)
        self._load(form, lower, upper, integer)
        self._column_bounds = (lower, upper, integer)
        self._parameters = _parameter_values(self.model)
        self._parameter_row_entries = _parameter_row_entries(self.model, form)
        self._structure = _structure(self.model)
        self._column_of: dict[int, int] | None = None
        self._row_of: dict[int, int] | None = None

    def column_of(self) -> dict[int, int]:
        """id(Pyomo variable) -> column (built on first use)."""
        if self._column_of is None:
            self._column_of = {id(var): j for j, var in enumerate(self.columns)}
        return self._column_of

    def row_of(self) -> dict[int, int]:
        """id(Pyomo constraint) -> row (built on first use)."""
        if self._row_of is None:
            self._row_of = {id(con): i for i, con in enumerate(self.rows)}
        return self._row_of

    def update(self) -> None:
        """Push changed variable bounds, fixing and integrality, and changed parameters; compile
        again when constraints or objectives were added, removed, activated or deactivated."""
        if _structure(self.model) != self._structure:
            self._compile()
            return
        lower, upper, integer = column_state(self.columns)
        old_lower, old_upper, old_integer = self._column_bounds
        changed = np.flatnonzero((lower != old_lower) | (upper != old_upper))
        if len(changed):
            self._set_column_bounds(changed.astype(np.int32), lower[changed], upper[changed])
        changed = np.flatnonzero(integer != old_integer)
        if len(changed):
            self._set_integrality(changed.astype(np.int32), integer[changed])
        self._column_bounds = (lower, upper, integer)
        parameters = _parameter_values(self.model)
        changed_parameters = [
            name for name, values in parameters.items() if not np.array_equal(values, self._parameters.get(name))
        ]
        if changed_parameters and not self._update_parameters(changed_parameters):
            self._compile()  # a change the solver cannot take in place: compile again
        self._parameters = parameters

    def _update_parameters(self, names: list[str]) -> bool:
        """Re-walk the objective and the rows depending on parameters ``names``; False when
        the new forms need a column the solver does not have."""
        walker = LinearWalker(self.columns)
        count = len(self.columns)
        offset, objective = walker.linear(next(self.model.component_data_objects(pyo.Objective, active=True)).expr)
        if objective and max(objective) >= count:
            return False
        cost = np.zeros(count)
        cost[np.fromiter(objective.keys(), np.int64, len(objective))] = np.fromiter(objective.values(), float)
        self._set_objective(cost, offset)
        declared = getattr(self.model, "parameter_rows", {})
        constraints = [con for name in names for component in declared.get(name, ()) for con in component.values()]
        row_of = self.row_of()
        for con in constraints:
            row = row_of.get(id(con))
            lower, upper, coefficients = walker.row(con)
            if row is None or (coefficients and max(coefficients) >= count):
                return False
            before = self._parameter_row_entries[row]
            changes = {
                column: coefficients.get(column, 0.0)
                for column in before.keys() | coefficients.keys()
                if before.get(column, 0.0) != coefficients.get(column, 0.0)
            }
            self._set_row(row, lower, upper, changes)
            self._parameter_row_entries[row] = coefficients
        return True

    def solve(self, options: SolveOptions, *, lp: bool = False, progress: Progress | None = None) -> SolveOutcome:
        """Bring the solver up to date with the Pyomo model, solve, and load the plan into the
        Pyomo variables when there is one."""
        started = time.perf_counter()
        self.update()
        update_seconds = time.perf_counter() - started
        outcome, levels = self._run(options, lp, progress or SilentProgress())
        outcome.handover_seconds = self.handover_seconds if self._first else update_seconds
        self._first = False
        if levels is not None:
            for var, level in zip(self.columns, levels, strict=True):
                var.set_value(float(level), skip_validation=True)
        return outcome

    def duals(self, constraints: list) -> dict:
        """Row duals ($M per unit of right-hand side) of the last LP solve; empty when the solver
        has no valid duals."""
        row_dual = self._row_duals()
        if row_dual is None:
            return {}
        row_of = self.row_of()
        return {con: float(row_dual[row_of[id(con)]]) for con in constraints if id(con) in row_of}

    def set_start(self, values: list) -> None:
        """Hand the solver a starting MIP solution ([(Pyomo var, value)]) for the next solve."""
        self.update()
        column_of = self.column_of()
        pairs = [(column_of[id(var)], value) for var, value in values if id(var) in column_of and value is not None]
        self._set_start(np.array([c for c, _ in pairs], dtype=np.int32), np.array([v for _, v in pairs], dtype=float))

    def export(self, path: Path, names: bool = True) -> None:
        """Write the model handed to the solver (MPS or LP by suffix), with Pyomo's names for
        columns and rows unless ``names`` is false: in MPS with spaces replaced by underscores;
        in LP, whose names cannot hold brackets or operators, ``x[a,b-c]`` is written ``x(a,b_c)``.
        The file starts with a comment line (:data:`EXPORT_HEADER`) that tells an aidc export
        from any other file, and is written beside ``path`` and renamed into place."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in EXPORT_SUFFIXES:
            raise SolveError(f"{path}: expected a .mps or .lp file name", EXIT_INVALID_INPUT)
        self.update()
        solver_file = _temporary_beside(path)
        final = _temporary_beside(path)
        try:
            if names:
                clean = _lp_names if suffix == ".lp" else _mps_names
                self._write(solver_file, clean([var.name for var in self.columns]), clean([c.name for c in self.rows]))
            else:
                self._write(solver_file, None, None)
            with open(final, "wb") as target, open(solver_file, "rb") as source:
                target.write(EXPORT_HEADER[suffix])
                shutil.copyfileobj(source, target, 1 << 20)
                target.flush()
                os.fsync(target.fileno())
            os.chmod(final, 0o644)
            os.replace(final, path)
        finally:
            for leftover in (solver_file, final):
                leftover.unlink(missing_ok=True)

    # ----- hooks --------------------------------------------------------------------------
    @abstractmethod
    def _load(self, form: MatrixForm, lower: np.ndarray, upper: np.ndarray, integer: np.ndarray) -> None:
        """Replace the solver's model with ``form`` and these column bounds and integrality."""

    @abstractmethod
    def _set_column_bounds(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None: ...

    @abstractmethod
    def _set_integrality(self, columns: np.ndarray, integer: np.ndarray) -> None: ...

    @abstractmethod
    def _set_objective(self, cost: np.ndarray, offset: float) -> None: ...

    @abstractmethod
    def _set_row(self, row: int, lower: float, upper: float, changes: dict[int, float]) -> None:
        """New bounds of ``row`` and its changed coefficients {column: value} (0 removes one)."""

    @abstractmethod
    def _run(self, options: SolveOptions, lp: bool, progress: Progress) -> tuple[SolveOutcome, np.ndarray | None]:
        """Solve; the outcome (handover filled in by the caller) and the column values, if a plan."""

    @abstractmethod
    def _row_duals(self) -> np.ndarray | None: ...

    @abstractmethod
    def _set_start(self, columns: np.ndarray, values: np.ndarray) -> None: ...

    @abstractmethod
    def _write(self, path: Path, columns: list[str] | None, rows: list[str] | None) -> None:
        """Write the model to ``path`` (format by suffix) with these column and row names (None:
        the solver's generic names)."""


def _mps_names(names: list[str]) -> list[str]:
    return [name.replace(" ", "_") for name in names]


def _lp_names(names: list[str]) -> list[str]:
    """Names valid in the LP format, kept distinct (a clash gets its position appended)."""
    clean = [_NOT_LP_NAME.sub("_", name.replace("[", "(").replace("]", ")")) for name in names]
    seen: set[str] = set()
    for i, name in enumerate(clean):
        if name in seen:
            clean[i] = name = f"{name}_{i}"
        seen.add(name)
    return clean


def _parameter_row_entries(model: pyo.ConcreteModel, form: MatrixForm) -> dict[int, dict[int, float]]:
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
    """What the rows and objective are made of: each active constraint component with its
    number of active members, and the active objectives."""
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
