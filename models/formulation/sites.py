"""Sites: which open and when, their IT capacity by cooling design, built in halls after a lag,
or leased (MW).

    cap[s,c,y] = built[s,c,y] + leased[s,c,y]          (built = cap - leased, an expression)
    open[s,y] >= open[s,y-1]                           (a site stays open)
    built[s,c,y] >= built[s,c,y-1]                     (built capacity is never torn down)
    sum_c built[s,c,y] <= M_s * open[s,y]              (building needs an open site)
    built[s,c,y] >= existing[s,c]                      (brownfield: built capacity stays)
    built[s,c,y] <= existing[s,c]   for y < first year + build lag   (nothing new before it can be built)
    sum_c built[s,c,y] <= hall MW x halls[s,y];  halls integer, never fewer   (sites grow in whole halls)
    leased[s,c,y] <= lease max                         (colocation: no lag, no capex, rented by the year)
    cost: (annuity + fixed O&M) x sum_c built - annuity x existing + fixed cost x open
          + hall fixed cost (annuity) x halls + lease price x leased
M_s is the IT load the site's largest grid connection (with new connections) can feed at its
best PUE (at least what is already built).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.core import declare_first_stage, previous_year


def add_sites(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    m.site_open = pyo.Var(m.SY, domain=pyo.Binary)
    m.it_capacity = pyo.Var(m.SCY, domain=pyo.NonNegativeReals, bounds=lambda m, s, c, y: (0.0, data.site_max_it_mw[s]))
    declare_first_stage(m, m.site_open, lambda s, y: y)
    declare_first_stage(m, m.it_capacity, lambda s, c, y: y)
    m.SCY_LEASE = pyo.Set(initialize=[(s, c, y) for s, c, y in m.SCY if s in data.lease_max_mw], dimen=3, ordered=True)
    m.leased = pyo.Var(m.SCY_LEASE, domain=pyo.NonNegativeReals, bounds=lambda m, s, c, y: (0.0, data.lease_max_mw[s]))
    declare_first_stage(m, m.leased, lambda s, c, y: y)  # a lease signed for year y
    m.lease_limit = pyo.Constraint(
        [(s, y) for s, y in m.SY if s in data.lease_max_mw],
        rule=lambda m, s, y: pyo.quicksum(m.leased[s, c, y] for c in m.C) <= data.lease_max_mw[s],
    )
    m.built_at_least_existing = pyo.Constraint(m.SCY, rule=_built_at_least_existing)
    m.site_stays_open = pyo.Constraint(m.SY, rule=_site_stays_open)
    m.capacity_kept = pyo.Constraint(m.SCY, rule=_capacity_kept)
    m.capacity_needs_open_site = pyo.Constraint(m.SY, rule=_capacity_needs_open_site)
    m.build_lag = pyo.Constraint(m.SCY, rule=_build_lag)
    add_halls(m)
    for s, y in m.SY:
        built = pyo.quicksum(built_capacity(m, s, c, y) for c in m.C)
        sunk = data.facility_annuity[s] * sum(mw for (site, _), mw in data.existing_it_mw.items() if site == s)
        m.ledger.add(
            "facility",
            y,
            data.facility_annual_cost[s] * built - sunk + data.site_fixed_cost[s] * m.site_open[s, y],
            site=s,
        )
    for s, c, y in m.SCY_LEASE:
        m.ledger.add("lease", y, data.lease_annual_cost[s] * m.leased[s, c, y], site=s)


def built_capacity(m: pyo.ConcreteModel, s: str, c: str, y: int):
    """IT MW the operator has built (its capacity less what it leases) at s under design c in year y."""
    if (s, c, y) in m.leased:
        return m.it_capacity[s, c, y] - m.leased[s, c, y]
    return m.it_capacity[s, c, y]


def add_halls(m: pyo.ConcreteModel) -> None:
    """Whole halls of a fixed IT size at sites that state one; the hall's fixed capex is the
    economy of scale (a second hall costs the same fixed part as the first)."""
    data: PlanningData = m.data
    m.SY_HALLS = pyo.Set(initialize=[(s, y) for s, y in m.SY if s in data.hall_mw], dimen=2, ordered=True)
    most = {s: math.ceil(data.site_max_it_mw[s] / data.hall_mw[s] - 1e-9) for s in data.hall_mw}
    m.halls = pyo.Var(m.SY_HALLS, domain=pyo.NonNegativeIntegers, bounds=lambda m, s, y: (0, most[s]))
    declare_first_stage(m, m.halls, lambda s, y: y)
    m.built_in_halls = pyo.Constraint(
        m.SY_HALLS,
        rule=lambda m, s, y: pyo.quicksum(built_capacity(m, s, c, y) for c in m.C) <= data.hall_mw[s] * m.halls[s, y],
    )
    m.halls_kept = pyo.Constraint(m.SY_HALLS, rule=_halls_kept)
    for s, y in m.SY_HALLS:
        m.ledger.add("facility", y, data.hall_annual_cost[s] * m.halls[s, y], site=s)


def _halls_kept(m, s, y):
    before = previous_year(m.data, y)
    if before is None:
        return pyo.Constraint.Skip
    return m.halls[s, y] >= m.halls[s, before]


def _built_at_least_existing(m, s, c, y):
    existing = m.data.existing_it_mw.get((s, c), 0.0)
    if existing <= 0:
        return pyo.Constraint.Skip
    return built_capacity(m, s, c, y) >= existing


def _build_lag(m, s, c, y):
    if y >= m.data.first_build_year[s]:
        return pyo.Constraint.Skip
    return built_capacity(m, s, c, y) <= m.data.existing_it_mw.get((s, c), 0.0)


def _site_stays_open(m, s, y):
    before = previous_year(m.data, y)
    if before is None:
        return pyo.Constraint.Skip
    return m.site_open[s, y] >= m.site_open[s, before]


def _capacity_kept(m, s, c, y):
    before = previous_year(m.data, y)
    if before is None:
        return pyo.Constraint.Skip
    return built_capacity(m, s, c, y) >= built_capacity(m, s, c, before)


def _capacity_needs_open_site(m, s, y):
    capacity = pyo.quicksum(built_capacity(m, s, c, y) for c in m.C)
    return capacity <= m.data.site_max_it_mw[s] * m.site_open[s, y]
