"""The Pyomo model as the arrays HiGHS takes: min c'x + offset, row_lower <= A x <= row_upper,
col_lower <= x <= col_upper, some x integer.

Each constraint and the objective are turned into linear form once by Pyomo's own linear
walker (``LinearRepnVisitor``, the walker behind Pyomo's LP/NL writers); the coefficients go
straight into flat ``array`` buffers, so the matrix costs 12 bytes per nonzero while it is
built, and is handed to HiGHS in one call. Mutable parameters are evaluated at their current
values; ``linear_form`` re-walks single rows or the objective after a parameter changes.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.util import OrderedVarRecorder

INF = float("inf")


@dataclass
class MatrixForm:
    """A linear model in arrays; ``columns[j]`` is the Pyomo variable of column j and
    ``rows[i]`` the Pyomo constraint of row i."""

    columns: list  # [VarData]
    rows: list  # [ConstraintData]
    cost: np.ndarray  # objective coefficient per column
    offset: float  # objective constant
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_start: np.ndarray  # CSR: row i's entries are [row_start[i], row_start[i + 1])
    col_index: np.ndarray  # int32
    value: np.ndarray  # float64


class LinearWalker:
    """Linear forms of expressions over one column numbering: ``columns`` first, in order, and
    any variable met later after them. Named expressions are walked once per walker, so a
    walker must not outlive a parameter change."""

    def __init__(self, columns: list | None = None) -> None:
        columns = columns or []
        self.var_map: dict[int, object] = {id(var): var for var in columns}
        self.order: dict[int, int] = {id(var): j for j, var in enumerate(columns)}
        self._visitor = LinearRepnVisitor({}, var_recorder=OrderedVarRecorder(self.var_map, self.order, None))

    def linear(self, expression):
        """(constant, {column: coefficient}) of a linear expression."""
        repn = self._visitor.walk_expression(expression)
        if repn.nonlinear is not None:
            raise ValueError(f"not linear: {expression}")
        order = self.order
        return float(repn.constant), {order[i]: float(c) for i, c in repn.linear.items()}

    def row(self, constraint) -> tuple[float, float, dict[int, float]]:
        """(lower, upper, {column: coefficient}) of a constraint, the body's constant moved to the bounds."""
        lower, body, upper = constraint.to_bounded_expression(evaluate_bounds=True)
        constant, coefficients = self.linear(body)
        return _shifted(lower, constant, -INF), _shifted(upper, constant, INF), coefficients


def _shifted(bound, constant: float, missing: float) -> float:
    """A row bound with the body's constant moved across; ``missing`` when there is no bound."""
    return missing if bound is None else float(bound) - constant


def compile_matrix(model: pyo.ConcreteModel) -> MatrixForm:
    """Every active constraint and the (single, minimised) objective of ``model`` as arrays.
    Every variable of a component
    that appears anywhere is a column; fixed variables stay columns (their bounds come from
    ``column_state``)."""
    objectives = list(model.component_data_objects(pyo.Objective, active=True))
    if len(objectives) != 1 or objectives[0].sense != pyo.minimize:
        raise ValueError("the model must have exactly one active objective, minimised")
    fixed = [var for var in model.component_data_objects(pyo.Var) if var.fixed]
    for var in fixed:  # the walker would fold fixed variables into constants
        var.unfix()
    try:
        walker = LinearWalker()
        var_map, order = walker.var_map, walker.order
        visitor = walker._visitor
        rows, lower, upper = [], array("d"), array("d")
        row_start, col_index, value = array("q", [0]), array("i"), array("d")
        for constraint in model.component_data_objects(pyo.Constraint, active=True):
            low, body, up = constraint.to_bounded_expression(evaluate_bounds=True)
            if low is None and up is None:
                continue
            repn = visitor.walk_expression(body)
            if repn.nonlinear is not None:
                raise ValueError(f"constraint {constraint.name} is not linear")
            constant = float(repn.constant)
            rows.append(constraint)
            lower.append(_shifted(low, constant, -INF))
            upper.append(_shifted(up, constant, INF))
            col_index.extend(map(order.__getitem__, repn.linear))
            value.extend(repn.linear.values())
            row_start.append(len(value))
        offset, objective = walker.linear(objectives[0].expr)
    finally:
        for var in fixed:
            var.fix()
    columns = list(var_map.values())  # nothing is fixed while walking: one entry per numbered variable
    cost = np.zeros(len(columns))
    if objective:
        cost[np.fromiter(objective.keys(), np.int64, len(objective))] = np.fromiter(objective.values(), float)
    return MatrixForm(
        columns=columns,
        rows=rows,
        cost=cost,
        offset=offset,
        row_lower=np.frombuffer(lower, dtype=np.float64),
        row_upper=np.frombuffer(upper, dtype=np.float64),
        row_start=np.frombuffer(row_start, dtype=np.int64),
        col_index=np.frombuffer(col_index, dtype=np.int32),
        value=np.frombuffer(value, dtype=np.float64),
    )


def column_state(columns: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lower, upper, integer) per column as HiGHS needs them: a fixed variable has both
    bounds at its value; an unbounded side is +-inf."""
    count = len(columns)
    lower, upper, integer = np.empty(count), np.empty(count), np.zeros(count, dtype=np.uint8)
    for j, var in enumerate(columns):
        if var.fixed:
            if var.value is None:
                raise ValueError(f"variable {var.name} is fixed but has no value")
            lower[j] = upper[j] = var.value
        else:
            lb, ub = var.bounds
            lower[j] = -INF if lb is None else lb
            upper[j] = INF if ub is None else ub
        if var.is_integer():
            integer[j] = 1
    return lower, upper, integer
