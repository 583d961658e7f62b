"""Grid: connections as a decision, the grid limit in every slice and on the design day, and
demand charges on the year's peak draw (MW).

    new[s,y] >= new[s,y-1];  new[s,y] = 0 before the site's queue year;  new <= most new MW
    sum_e bought[s,e,y,h] <= grid[s,y] + new[s,y] + max_c design PUE x leased[s,.,y]     (every slice)
    sum_c design PUE[c,s] x built[s,c,y] <= grid[s,y] + new[s,y] + on-site generation MW
        (design day: the full built IT capacity at the hottest hour's PUE, when the scenario asks)
    peak[s,y] >= sum_e bought[s,e,y,h]                                   (sites with a demand charge)
    cost: connection annuity x new + demand charge x peak
A lease brings its own grid connection (the landlord's), so leased IT is added to the limit.
"""

from __future__ import annotations

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.core import declare_first_stage, previous_year
from aidc.models.formulation.sites import built_capacity


def add_grid(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    m.SY_GRID_NEW = pyo.Set(initialize=[(s, y) for s, y in m.SY if s in data.grid_new_from], dimen=2, ordered=True)
    m.grid_new = pyo.Var(
        m.SY_GRID_NEW,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s, y: (0.0, data.grid_new_max_mw[s] if y >= data.grid_new_from[s] else 0.0),
    )
    declare_first_stage(m, m.grid_new, lambda s, y: y)
    m.grid_new_kept = pyo.Constraint(m.SY_GRID_NEW, rule=_grid_new_kept)
    for s, y in m.SY_GRID_NEW:
        m.ledger.add("grid", y, data.grid_annual_cost[s] * m.grid_new[s, y], site=s)
    m.grid_limit = pyo.Constraint(m.SYH, rule=_grid_limit)
    if data.grid_design_day:
        m.grid_design_day = pyo.Constraint(m.SY, rule=_design_day)
    add_demand_charges(m)


def grid_connection(m: pyo.ConcreteModel, s: str, y: int):
    """MW of grid connection at site s in year y: today's (grid catalog) plus new connections."""
    if (s, y) not in m.grid_new:
        return m.data.grid_mw[s, y]
    return m.data.grid_mw[s, y] + m.grid_new[s, y]


def _grid_new_kept(m, s, y):
    before = previous_year(m.data, y)
    if before is None:
        return pyo.Constraint.Skip
    return m.grid_new[s, y] >= m.grid_new[s, before]


def _leased_headroom(m, s, y):
    data = m.data
    worst = max((data.design_pue[c, s] for c in m.C), default=1.0)
    return pyo.quicksum(worst * m.leased[s, c, y] for c in m.C if (s, c, y) in m.leased)


def _grid_limit(m, s, y, h):
    options = m.supply_options.get(s, [])
    if not options:
        return pyo.Constraint.Skip
    bought = pyo.quicksum(m.bought[s, e, y, h] for e in options)
    return bought <= grid_connection(m, s, y) + _leased_headroom(m, s, y)


def _design_day(m, s, y):
    data = m.data
    load = pyo.quicksum(data.design_pue[c, s] * built_capacity(m, s, c, y) for c in m.C)
    onsite = pyo.quicksum(m.generation_mw[s, t, y] for t in m.generation_types.get(s, []))
    return load <= grid_connection(m, s, y) + onsite


def add_demand_charges(m: pyo.ConcreteModel) -> None:
    """The year's peak grid draw, charged per MW-year at sites with a demand charge."""
    data: PlanningData = m.data
    m.SY_CHARGED = pyo.Set(
        initialize=[(s, y) for s, y in m.SY if s in data.demand_charge and m.supply_options.get(s)],
        dimen=2,
        ordered=True,
    )
    m.peak_draw = pyo.Var(m.SY_CHARGED, domain=pyo.NonNegativeReals)
    m.peak_draw_definition = pyo.Constraint(
        [(s, y, h) for s, y in m.SY_CHARGED for h in data.slices],
        rule=lambda m, s, y, h: m.peak_draw[s, y] >= pyo.quicksum(m.bought[s, e, y, h] for e in m.supply_options[s]),
    )
    for s, y in m.SY_CHARGED:
        m.ledger.add("grid", y, data.demand_charge[s] * m.peak_draw[s, y], site=s)
