"""Sites: which open and when, and their IT capacity by cooling design (MW, never shrinking).

    open[s,y] >= open[s,y-1]                           (a site stays open)
    cap[s,c,y] >= cap[s,c,y-1]                         (capacity is never torn down)
    sum_c cap[s,c,y] <= M_s * open[s,y]                (capacity only at open sites)
    cap[s,c,y] >= existing[s,c]                        (brownfield: built capacity stays)
    cost: (annuity + fixed O&M) x sum_c cap - annuity x existing + fixed cost x open
          (existing capacity is sunk: it pays O&M, not capital)
M_s is the IT load the site's largest grid connection can feed at its best PUE (at least what
is already built).
"""

from __future__ import annotations

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.core import previous_year


def add_sites(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    m.site_open = pyo.Var(m.SY, domain=pyo.Binary)
    m.it_capacity = pyo.Var(
        m.SCY,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s, c, y: (data.existing_it_mw.get((s, c), 0.0), data.site_max_it_mw[s]),
    )
    m.site_stays_open = pyo.Constraint(m.SY, rule=_site_stays_open)
    m.capacity_kept = pyo.Constraint(m.SCY, rule=_capacity_kept)
    m.capacity_needs_open_site = pyo.Constraint(m.SY, rule=_capacity_needs_open_site)
    for s, y in m.SY:
        capacity = pyo.quicksum(m.it_capacity[s, c, y] for c in m.C)
        sunk = data.facility_annuity[s] * sum(mw for (site, _), mw in data.existing_it_mw.items() if site == s)
        m.ledger.add(
            "facility",
            y,
            data.facility_annual_cost[s] * capacity - sunk + data.site_fixed_cost[s] * m.site_open[s, y],
            site=s,
        )


def _site_stays_open(m, s, y):
    before = previous_year(m.data, y)
    if before is None:
        return pyo.Constraint.Skip
    return m.site_open[s, y] >= m.site_open[s, before]


def _capacity_kept(m, s, c, y):
    before = previous_year(m.data, y)
    if before is None:
        return pyo.Constraint.Skip
    return m.it_capacity[s, c, y] >= m.it_capacity[s, c, before]


def _capacity_needs_open_site(m, s, y):
    capacity = pyo.quicksum(m.it_capacity[s, c, y] for c in m.C)
    return capacity <= m.data.site_max_it_mw[s] * m.site_open[s, y]
