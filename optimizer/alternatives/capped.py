"""The model side of the search for alternatives: a cost-cap row, a goal row and one weighted
objective, all driven by mutable parameters so the live solver model takes every change in place.

    total_cost <= mga_cost_cap                                  ($M; (1 + slack) x optimum)
    goal <= mga_goal_cap                                        (inf, or the goal's value in the tie-break)
    minimise mga_goal_weight x goal + mga_cost_weight x total_cost
    goal = sum_i mga_weight[i] x (+-measure_i)                   (one weight 1, the others 0)
The max-different measure reads its Hop-Skip-Jump weights from ``mga_reuse_open[s, y]`` and
``mga_reuse_capacity[s, c]``. Every row holding a mutable parameter is declared
(``declare_parameter_rows``), so a change re-reads exactly those rows and the objective.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyomo.environ as pyo
from pyomo.core.expr.visitor import identify_mutable_parameters

from aidc.models.formulation.core import declare_parameter_rows
from aidc.optimizer.alternatives.facts import PlanFacts
from aidc.optimizer.alternatives.objectives import Objective, reuse_of_earlier_plans

USED = 1e-6  # a site-year opening or an IT capacity (MW) above this counts as used (Hop-Skip-Jump)
GOAL_TOLERANCE = 1e-6  # relative (and absolute, for goals near 0) slack on a goal held in the tie-break
COMPONENTS = (
    "mga_cost_cap_row",
    "mga_cost_cap",
    "mga_objective",
    "mga_goal_row",
    "mga_goal_cap",
    "mga_goal_weight",
    "mga_cost_weight",
    "mga_weight",
    "mga_labels",
    "mga_reuse_open",
    "mga_open_keys",
    "mga_reuse_capacity",
    "mga_capacity_keys",
)


class CappedObjectives:
    """The cost-cap row and the weighted alternative objectives, installed on a planner's model
    (see the module docstring); :meth:`remove` restores the cost objective."""

    def __init__(self, m: pyo.ConcreteModel, facts: PlanFacts, objectives: list[Objective]):
        self.m, self.facts = m, facts
        self.measures: dict[str, object] = {}
        m.mga_cost_cap = pyo.Param(initialize=float("inf"), mutable=True, within=pyo.Reals)  # $M
        m.mga_cost_cap_row = pyo.Constraint(expr=m.total_cost.expr <= m.mga_cost_cap)
        declared = [m.mga_cost_cap, *identify_mutable_parameters(m.total_cost.expr)]
        for parameter in {id(p.parent_component()): p.parent_component() for p in declared}.values():
            declare_parameter_rows(m, parameter, m.mga_cost_cap_row)
        site_open, it_capacity = getattr(m, "site_open", {}), getattr(m, "it_capacity", {})
        m.mga_open_keys = pyo.Set(initialize=list(site_open.keys()), dimen=2, ordered=True)
        capacity_keys = sorted({(s, c) for s, c, _ in it_capacity})
        m.mga_capacity_keys = pyo.Set(initialize=capacity_keys, dimen=2, ordered=True)
        m.mga_reuse_open = pyo.Param(m.mga_open_keys, initialize=0.0, mutable=True, within=pyo.Reals)
        m.mga_reuse_capacity = pyo.Param(m.mga_capacity_keys, initialize=0.0, mutable=True, within=pyo.Reals)
        for objective in objectives:
            if objective.label in self.measures:
                continue
            if objective.is_different:
                measure = reuse_of_earlier_plans(m, facts, m.mga_reuse_open, m.mga_reuse_capacity)
            else:
                measure = objective.expression(m, facts)
            self.measures[objective.label] = measure
        self.sense = {o.label: o.sense for o in objectives}
        m.mga_labels = pyo.Set(initialize=list(self.measures), ordered=True)
        m.mga_weight = pyo.Param(m.mga_labels, initialize=0.0, mutable=True, within=pyo.Reals)
        self.goal = pyo.quicksum(
            m.mga_weight[label] * (-measure if self.sense[label] == "max" else measure)
            for label, measure in self.measures.items()
        )
        # the tie-break: the goal held at its best value (+ tolerance) while the cost is minimised
        m.mga_goal_cap = pyo.Param(initialize=float("inf"), mutable=True, within=pyo.Reals)
        m.mga_goal_row = pyo.Constraint(expr=self.goal <= m.mga_goal_cap)
        for parameter in (m.mga_goal_cap, m.mga_weight, m.mga_reuse_open, m.mga_reuse_capacity):
            declare_parameter_rows(m, parameter, m.mga_goal_row)
        m.mga_goal_weight = pyo.Param(initialize=1.0, mutable=True, within=pyo.Reals)
        m.mga_cost_weight = pyo.Param(initialize=0.0, mutable=True, within=pyo.Reals)
        m.mga_objective = pyo.Objective(
            expr=m.mga_goal_weight * self.goal + m.mga_cost_weight * m.total_cost.expr, sense=pyo.minimize
        )
        m.total_cost.deactivate()

    def set_cap(self, cost_musd: float) -> None:
        self.m.mga_cost_cap.set_value(cost_musd)

    def select(self, label: str) -> None:
        """Weight 1 on ``label``'s objective, 0 on the others; the goal is the objective."""
        for other in self.measures:
            self.m.mga_weight[other].set_value(1.0 if other == label else 0.0)
        self.pursue_goal()

    def pursue_goal(self) -> None:
        """Minimise the selected goal (the cost only capped)."""
        m = self.m
        m.mga_goal_cap.set_value(float("inf"))
        m.mga_goal_weight.set_value(1.0)
        m.mga_cost_weight.set_value(0.0)

    def hold_goal(self) -> float:
        """Hold the selected goal at its value in the plan now in the model (plus a tolerance of
        1e-6 relative, 1e-6 absolute) and minimise the cost instead; the goal's value."""
        m = self.m
        value = float(pyo.value(self.goal))
        m.mga_goal_cap.set_value(value + GOAL_TOLERANCE * max(1.0, abs(value)))
        m.mga_goal_weight.set_value(0.0)
        m.mga_cost_weight.set_value(1.0)
        return value

    def value(self, label: str) -> float:
        return float(pyo.value(self.measures[label]))

    def count_use(self) -> None:
        """Add the plan now in the model to the Hop-Skip-Jump weights."""
        m, last = self.m, self.facts.last_year
        for key in m.mga_open_keys:
            if (m.site_open[key].value or 0.0) > USED:
                m.mga_reuse_open[key].set_value(pyo.value(m.mga_reuse_open[key]) + 1.0)
        for s, c in m.mga_capacity_keys:
            if (s, c, last) in m.it_capacity and (m.it_capacity[s, c, last].value or 0.0) > USED:
                m.mga_reuse_capacity[s, c].set_value(pyo.value(m.mga_reuse_capacity[s, c]) + 1.0)

    def remove(self) -> None:
        """Delete every component added and make the cost the objective again."""
        m = self.m
        ids = {id(m.mga_cost_cap_row), id(m.mga_goal_row)}
        for name, rows in list(m.parameter_rows.items()):
            kept = [row for row in rows if id(row) not in ids]
            if kept:
                m.parameter_rows[name] = kept
            else:
                del m.parameter_rows[name]
        for name in COMPONENTS:
            if hasattr(m, name):
                m.del_component(name)
        m.total_cost.activate()


@contextmanager
def capped_objectives(
    m: pyo.ConcreteModel, facts: PlanFacts, objectives: list[Objective]
) -> Iterator[CappedObjectives]:
    """The cap and objectives installed on ``m`` for the ``with`` block, removed after it."""
    installed = CappedObjectives(m, facts, objectives)
    try:
        yield installed
    finally:
        installed.remove()
