"""Demand: tokens routed from sites to regions within latency bounds, and unserved slack.

    sum_s route[s,r,k,y,h] + unserved[r,k,y,h] = demand[r,k,y,h]                 (Mtok/s)
      deferrable k: the same, hours-weighted, summed over the slices of each day
    sum_r route[s,r,k,y,h] = sum_a produced[s,a,k,y,h]                          (site balance)
    route[s,r,k,y,h] <= most[r,k,y,h] x open[s,y]                                (a route needs an open site)
      most = demand[r,k,y,h]; deferrable k: sum over the day's slices g of hours_g / hours_h x demand[g]
    cost: Mtok x delivery $/Mtok;  Mtok unserved x penalty
Routes exist only where the site-region round trip meets the class's latency bound.

"A route needs an open site" is a valid inequality: it removes no plan with whole site decisions
(a site produces only with accelerators installed, which need floor space, which needs the site
open; and no route carries more than its region's demand), but it is the strong formulation of
facility location: without it the LP relaxation opens a site only in proportion to its built MW
over its largest possible size and pays that fraction of the fixed cost. On the shipped baseline
it raised the LP bound by 2.0% and cut the staged MIP's gap at its 10-minute limit from 3.7% to
2.3% (benchmarks/README.md, "The baseline MIP"). The planner switches it off in a pure LP and in
the LP with the integers fixed for marginal costs (aidc.optimizer.planner.planner.MIP_CUTS).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.core import declare_parameter_rows


def add_demand(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    demanded_years = defaultdict(set)
    for r, k, y, _ in data.demand:
        demanded_years[r, k].add(y)
    m.RKYH = pyo.Set(
        initialize=sorted((r, k, y, h) for (r, k), years in demanded_years.items() for y in years for h in data.slices),
        dimen=4,
        ordered=True,
    )
    m.demand = pyo.Param(m.RKYH, initialize=lambda m, r, k, y, h: data.demand.get((r, k, y, h), 0.0), mutable=True)
    m.ROUTES = pyo.Set(
        initialize=[
            (s, r, k, y, h) for s, r, k in data.routes for y in sorted(demanded_years[r, k]) for h in data.slices
        ],
        dimen=5,
        ordered=True,
    )
    m.route = pyo.Var(m.ROUTES, domain=pyo.NonNegativeReals)
    m.unserved = pyo.Var(m.RKYH, domain=pyo.NonNegativeReals)
    serving = defaultdict(list)
    for s, r, k, y, h in m.ROUTES:
        serving[r, k, y, h].append(s)

    def supplied(m, r, k, y, h):
        return pyo.quicksum(m.route[s, r, k, y, h] for s in serving[r, k, y, h]) + m.unserved[r, k, y, h]

    m.RKYH_FIRM = pyo.Set(initialize=[i for i in m.RKYH if not data.deferrable[i[1]]], dimen=4, ordered=True)
    m.demand_balance = pyo.Constraint(
        m.RKYH_FIRM, rule=lambda m, r, k, y, h: supplied(m, r, k, y, h) == m.demand[r, k, y, h]
    )
    day_slices = defaultdict(list)
    for h in data.slices:
        day_slices[data.slice_day[h]].append(h)
    m.RKYD_DEFERRABLE = pyo.Set(
        initialize=sorted({(r, k, y, data.slice_day[h]) for r, k, y, h in m.RKYH if data.deferrable[k]}),
        dimen=4,
        ordered=True,
    )

    def daily_balance(m, r, k, y, d):
        hours = sum(data.slice_hours[h] for h in day_slices[d])
        share = {h: data.slice_hours[h] / hours for h in day_slices[d]}
        return pyo.quicksum(share[h] * supplied(m, r, k, y, h) for h in day_slices[d]) == pyo.quicksum(
            share[h] * m.demand[r, k, y, h] for h in day_slices[d]
        )

    m.deferrable_daily_balance = pyo.Constraint(m.RKYD_DEFERRABLE, rule=daily_balance)
    add_route_needs_open_site(m, day_slices)
    declare_parameter_rows(m, m.demand, m.demand_balance, m.deferrable_daily_balance, m.route_needs_open_site)

    routed = defaultdict(list)
    for s, r, k, y, h in m.ROUTES:
        routed[s, k, y, h].append(r)
    produced = defaultdict(list)
    for s, a, k, y, h in m.SAKYH:
        produced[s, k, y, h].append(a)
    m.SKYH = pyo.Set(initialize=sorted(set(routed) | set(produced)), dimen=4, ordered=True)
    m.site_balance = pyo.Constraint(
        m.SKYH,
        rule=lambda m, s, k, y, h: (
            pyo.quicksum(m.route[s, r, k, y, h] for r in routed[s, k, y, h])
            == pyo.quicksum(m.produced[s, a, k, y, h] for a in produced[s, k, y, h])
        ),
    )
    for s, r, k, y, h in m.ROUTES:
        per_mtok = data.mtok_per_rate(h) * 1e-6
        m.ledger.add("delivery", y, per_mtok * data.delivery_cost[s, r] * m.route[s, r, k, y, h], site=s)
    m.unserved_penalty = pyo.Param(initialize=data.unserved_penalty, mutable=True)
    for r, k, y, h in m.RKYH:
        m.ledger.add("unserved_penalty", y, data.mtok_per_rate(h) * 1e-6 * m.unserved_penalty * m.unserved[r, k, y, h])


def add_route_needs_open_site(m: pyo.ConcreteModel, day_slices: dict[int, list[int]]) -> None:
    """route <= the most it can carry x open (Mtok/s): its region's demand in the slice, or for
    deferrable work the day's demand moved into this slice (module docstring)."""
    data: PlanningData = m.data

    def most(r, k, y, h):
        if not data.deferrable[k]:
            return m.demand[r, k, y, h]
        day = day_slices[data.slice_day[h]]
        return pyo.quicksum(data.slice_hours[g] / data.slice_hours[h] * m.demand[r, k, y, g] for g in day)

    m.route_needs_open_site = pyo.Constraint(
        m.ROUTES, rule=lambda m, s, r, k, y, h: m.route[s, r, k, y, h] <= most(r, k, y, h) * m.site_open[s, y]
    )
