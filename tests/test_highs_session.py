"""The live solver sessions (HiGHS, and SCIP through the same template) on tiny hand-made Pyomo
models: every kind of change between solves (bounds, fixing, integrality, parameters in the
objective and in declared rows) reaches the solver."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from aidc.optimizer.solve import SOLVERS, SolveOptions, solver_class
from aidc.optimizer.solve.highs import FEASIBILITY_TOLERANCES, HighsSession, _option_value

LP = SolveOptions(mip_gap=1e-9)
SESSIONS = pytest.mark.parametrize("Session", [solver_class(name) for name in sorted(SOLVERS)], ids=sorted(SOLVERS))


def _line() -> pyo.ConcreteModel:
    """min 2x + q y  s.t.  x + p y >= b;  x, y >= 0  (p = q = 0 at first: y is in no expression)."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.y = pyo.Var(domain=pyo.NonNegativeReals)
    m.p = pyo.Param(initialize=0.0, mutable=True)
    m.q = pyo.Param(initialize=0.0, mutable=True)
    m.b = pyo.Param(initialize=1.5, mutable=True)
    m.cover = pyo.Constraint(expr=m.x + m.p * m.y >= m.b)
    m.cost = pyo.Objective(expr=2 * m.x + m.q * m.y)
    m.parameter_rows = {"p": [m.cover], "b": [m.cover]}
    return m


@SESSIONS
def test_right_hand_side_bounds_fixing_and_integrality_reach_the_solver(Session):
    m = _line()
    session = Session(m)
    assert session.solve(LP).objective == pytest.approx(3.0)  # x = 1.5
    m.b = 2.5
    assert session.solve(LP).objective == pytest.approx(5.0)
    m.x.domain = pyo.NonNegativeIntegers
    m.b = 1.5
    assert session.solve(LP).objective == pytest.approx(4.0)  # x = 2
    m.x.fix(7)
    assert session.solve(LP).objective == pytest.approx(14.0)
    m.x.unfix()
    m.x.setub(1.0)
    assert session.solve(LP).status == "infeasible"
    m.x.setub(None)
    m.x.domain = pyo.NonNegativeReals
    assert session.solve(LP).objective == pytest.approx(3.0)
    assert m.x.value == pytest.approx(1.5)


@SESSIONS
def test_parameters_in_objective_and_row_coefficients_reach_the_solver(Session):
    m = _line()
    session = Session(m)
    assert session.solve(LP).objective == pytest.approx(3.0)
    m.p, m.q = 1.0, 0.5  # y now covers at 0.5 per unit: y = 1.5, cost 0.75
    assert session.solve(LP).objective == pytest.approx(0.75)
    assert m.y.value == pytest.approx(1.5)
    m.p = 3.0  # y = 0.5
    assert session.solve(LP).objective == pytest.approx(0.25)
    assert session.solve(LP).objective == pytest.approx(Session(m).solve(LP).objective)


@SESSIONS
def test_added_or_deactivated_constraints_and_new_variables_recompile(Session):
    m = _line()
    session = Session(m)
    session.solve(LP)
    m.z = pyo.Var(domain=pyo.NonNegativeReals)
    m.floor = pyo.Constraint(expr=m.x >= 2.0 + m.z)
    m.z_cost = pyo.Constraint(expr=m.z >= 0.5)
    assert session.solve(LP).objective == pytest.approx(5.0)  # x = 2.5
    m.floor.deactivate()
    assert session.solve(LP).objective == pytest.approx(3.0)


def test_duals_map_to_their_constraints():
    m = _line()
    m.other = pyo.Constraint(expr=m.x <= 10)
    session = HighsSession(m)
    session.solve(LP)
    duals = session.duals([m.cover, m.other])
    assert duals[m.cover] == pytest.approx(2.0)  # one more unit of b costs 2
    assert duals[m.other] == pytest.approx(0.0)


@SESSIONS
def test_a_model_with_a_fixed_variable_at_hand_over_keeps_it_as_a_column(Session):
    m = _line()
    m.x.fix(4.0)
    session = Session(m)
    assert session.solve(LP).objective == pytest.approx(8.0)
    m.x.unfix()
    assert session.solve(LP).objective == pytest.approx(3.0)


@SESSIONS
def test_a_row_whose_every_coefficient_becomes_zero_is_empty(Session):
    """max y s.t. p y <= 1, y <= 10: y = 1/p, and y = 10 once p = 0 leaves the row empty."""
    m = pyo.ConcreteModel()
    m.y = pyo.Var(bounds=(0, 10))
    m.p = pyo.Param(initialize=1.0, mutable=True)
    m.cap = pyo.Constraint(expr=m.p * m.y <= 1)
    m.gain = pyo.Objective(expr=-m.y)
    m.parameter_rows = {"p": [m.cap]}
    session = Session(m)
    assert session.solve(LP).objective == pytest.approx(-1.0)
    m.p = 0.0
    assert session.solve(LP).objective == pytest.approx(-10.0)
    m.p = 0.5
    assert session.solve(LP).objective == pytest.approx(-2.0)


def _hard_knapsack(items: int = 200, constraints: int = 20) -> pyo.ConcreteModel:
    """A multidimensional 0-1 knapsack with correlated weights: far from solved in a second."""
    import numpy as np

    rng = np.random.default_rng(7)
    weight = rng.integers(20, 100, size=(constraints, items))
    value = weight.mean(axis=0) + rng.integers(0, 10, size=items)
    m = pyo.ConcreteModel()
    m.I = pyo.RangeSet(0, items - 1)
    m.take = pyo.Var(m.I, domain=pyo.Binary)
    m.room = pyo.Constraint(
        pyo.RangeSet(0, constraints - 1),
        rule=lambda m, k: sum(int(weight[k, i]) * m.take[i] for i in m.I) <= int(weight[k].sum() // 2),
    )
    m.value = pyo.Objective(expr=-sum(float(value[i]) * m.take[i] for i in m.I))  # maximise the value
    return m


def test_a_time_limit_counts_from_the_start_of_its_own_run():
    """HiGHS's clock accumulates over the runs of one model; a later run's limit must not be
    spent by the earlier runs (it was: stage 0's rounded LPs stopped at once after a long LP)."""
    m = _hard_knapsack()
    session = HighsSession(m)
    first = session.solve(SolveOptions(time_limit=1.5, mip_gap=0.0))
    assert first.solve_seconds >= 1.0  # the clock has run past the next run's limit
    for var in m.take.values():
        var.domain = pyo.UnitInterval
    relaxation = session.solve(SolveOptions(time_limit=0.5), lp=True)  # its LP relaxation: milliseconds
    assert relaxation.termination == "Optimal"
    assert relaxation.objective <= first.objective + 1e-6
    for var in m.take.values():
        var.domain = pyo.Binary
    again = session.solve(SolveOptions(time_limit=0.5, mip_gap=0.0))  # a MIP's limit: from its own start
    assert again.solve_seconds < 1.2


def test_a_feasibility_tolerance_holds_for_its_solve_only():
    """``feasibility_tolerance`` reaches HiGHS's primal and MIP tolerances, and the next solve
    without one runs at HiGHS's defaults again (options persist in a live session)."""
    session = HighsSession(_line())
    defaults = {name: session.highs.getOptionValue(name) for name in FEASIBILITY_TOLERANCES}
    assert session.solve(SolveOptions(mip_gap=1e-9, feasibility_tolerance=1e-9)).objective == pytest.approx(3.0)
    assert all(_option_value(session.highs, name) == 1e-9 for name in FEASIBILITY_TOLERANCES)
    assert session.solve(LP).objective == pytest.approx(3.0)
    assert {name: session.highs.getOptionValue(name) for name in FEASIBILITY_TOLERANCES} == defaults
