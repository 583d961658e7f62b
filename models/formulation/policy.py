"""Policy limits: a capital budget per year (overnight spend on accelerators, facility and cooling).

    sum price_a * unit_a * buy[.,a,.,y] + facility capex * new MW + cooling capex * new MW <= budget[y]
(The carbon cap lives with emissions in the power module.)
"""

from __future__ import annotations

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.core import previous_year
from aidc.models.formulation.sites import built_capacity


def add_capex_budget(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data

    def new_capacity(m, s, c, y):
        before = previous_year(data, y)
        return built_capacity(m, s, c, y) - (built_capacity(m, s, c, before) if before is not None else 0.0)

    def budget(m, y):
        accelerators = pyo.quicksum(
            data.accel_price[a] * data.price_factor[a, v] * data.accel_unit_k[a] * m.units_bought[s, a, c, v]
            for s, a, c, v in m.SACV
            if v == y
        )
        buildings = pyo.quicksum(
            (data.facility_capex[s] + data.cooling_capex[c]) * new_capacity(m, s, c, y) for s, c in m.SC
        )
        return accelerators + buildings <= data.capex_budget[y]

    m.capex_budget = pyo.Constraint(list(data.capex_budget), rule=budget)
