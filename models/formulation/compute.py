"""Compute: accelerators bought by vintage, kept for their life, busy serving tokens.

    installed[s,a,c,y] = sum_{v alive in y} unit_a * buy[s,a,c,v] + kept[s,a,c,y]     (k-accel)
    g_y x sum_k produced[s,a,k,y,h] / (throughput[a,k,y] * util_k) <= sum_c installed[s,a,c,y]
        (busy time, inflated by each class's reserve margin 1/util_k, within the fleet; the
         throughput of year y includes software uplift and the class's prefill work; g_y sizes the
         fleet for year-end demand when the scenario asks: year-end / annual-mean demand rate)
    kept[s,a,c,y] <= existing fleet alive in y;  kept[y] <= kept[y-1]      (brownfield: retire, never re-buy)
``installed`` is a variable defined once per (s,a,c,y) rather than the vintage sum written out in
every row that uses it (throughput per slice, power, ports, floor, cost): an exact substitution
that cut the nonzeros of the hourly rows several-fold (benchmarks/README.md).
    sum_{s,c} unit_a * buy[s,a,c,v] <= supply cap[a,v]
    cost: (annuity + fixed O&M) x price of the vintage (price path) x purchases alive;
          fixed O&M x catalog price x kept (the existing fleet's capital is sunk)
``buy`` counts purchase units (servers or racks): integer unless relaxed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.core import declare_first_stage


def build_compute_sets(m: pyo.ConcreteModel) -> None:
    """Sparse index sets of accelerator decisions, built once from the data."""
    data: PlanningData = m.data
    sac = data.site_accel_cooling
    m.SACV = pyo.Set(
        initialize=[
            (s, a, c, v)
            for s, a, c in sac
            for v in data.years
            if v >= data.accel_first_year[a] and data.supply_cap.get((a, v), 1.0) > 0  # a zero cap: none on sale
        ],
        dimen=4,
        ordered=True,
    )
    vintages: dict[tuple, list[int]] = defaultdict(list)
    for s, a, c, v in m.SACV:
        for y in data.years:
            if data.alive(a, v, y):
                vintages[s, a, c, y].append(v)
    m.vintages_alive = dict(vintages)
    existing = {
        (s, a, c, y): data.existing_alive(s, a, c, y)
        for s, a, c, _ in data.existing_fleet
        for y in data.years
        if data.existing_alive(s, a, c, y) > 0
    }
    m.existing_alive = existing
    m.SACY = pyo.Set(initialize=sorted(set(vintages) | set(existing)), dimen=4, ordered=True)
    fleets: dict[tuple, list[str]] = defaultdict(list)
    for s, a, c, y in m.SACY:
        fleets[s, c, y].append(a)
    m.fleet_types = dict(fleets)  # accelerator types that can be in service, by (s, c, y)
    m.SCY_FLEET = pyo.Set(initialize=sorted(fleets), dimen=3, ordered=True)
    live_site_accel_year = {(s, a, y) for s, a, _, y in m.SACY}
    m.SAKYH = pyo.Set(
        initialize=[
            (s, a, k, y, h)
            for s, a, k in data.site_accel_workload
            for y in data.years
            if (s, a, y) in live_site_accel_year
            for h in data.slices
        ],
        dimen=5,
        ordered=True,
    )


def _unit_bound(data: PlanningData, s: str, a: str, c: str) -> float:
    """Most purchase units the site could ever hold: its floor space, and the idle power
    of what is installed within its largest IT capacity (a valid big-M, never a guess)."""
    by_floor = data.floor_krack[s] * data.accels_per_rack[a, c] / data.accel_unit_k[a]
    idle = data.accel_idle_mw[a]
    by_power = data.site_max_it_mw[s] / (idle * data.accel_unit_k[a]) if idle > 0 else by_floor
    return float(max(0.0, min(by_floor, by_power)))


def add_compute(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    build_compute_sets(m)
    domain = pyo.NonNegativeIntegers if data.integer_units else pyo.NonNegativeReals
    m.units_bought = pyo.Var(
        m.SACV, domain=domain, bounds=lambda m, s, a, c, v: (0, _floor_if(data, _unit_bound(data, s, a, c)))
    )
    declare_first_stage(m, m.units_bought, lambda s, a, c, v: v)  # bought in its vintage year
    m.produced = pyo.Var(m.SAKYH, domain=pyo.NonNegativeReals)
    m.installed = pyo.Var(m.SACY, domain=pyo.NonNegativeReals)
    m.SACY_EXISTING = pyo.Set(initialize=sorted(m.existing_alive), dimen=4, ordered=True)
    m.kept = pyo.Var(m.SACY_EXISTING, domain=pyo.NonNegativeReals, bounds=lambda m, *i: (0.0, m.existing_alive[i]))
    declare_first_stage(m, m.kept, lambda s, a, c, y: y)  # existing units kept (not retired) in year y
    m.retire_for_good = pyo.Constraint(m.SACY_EXISTING, rule=_retire_for_good)
    m.installed_from_purchases = pyo.Constraint(
        m.SACY,
        rule=lambda m, s, a, c, y: (
            m.installed[s, a, c, y]
            == _purchases_in_service(m, s, a, c, y) + (m.kept[s, a, c, y] if (s, a, c, y) in m.existing_alive else 0.0)
        ),
    )
    vintage_prices = {(a, v): data.accel_annual_cost(a, v) for a in data.accelerators for v in data.years}
    m.accel_price_annual = pyo.Param(
        list(vintage_prices), initialize=vintage_prices, mutable=True, within=pyo.Reals
    )  # $M per k-accel per year by (a, vintage)
    m.accel_fom_annual = pyo.Param(
        data.accelerators,
        initialize={a: data.accel_price[a] * data.accel_fom_factor[a] for a in data.accelerators},
        mutable=True,
        within=pyo.Reals,
    )  # $M per k-accel per year of a kept existing accelerator
    by_site_accel = defaultdict(list)
    for s, a, k, y, h in m.SAKYH:
        by_site_accel[s, a, y, h].append(k)
    coolings = defaultdict(list)
    for s, a, c, y in m.SACY:
        coolings[s, a, y].append(c)
    m.SAYH = pyo.Set(initialize=sorted(by_site_accel), dimen=4, ordered=True)
    m.throughput_limit = pyo.Constraint(
        m.SAYH,
        rule=lambda m, s, a, y, h: (
            pyo.quicksum(
                m.produced[s, a, k, y, h] * (data.year_end_factor[y] / (data.throughput[a, k, y] * data.utilisation[k]))
                for k in by_site_accel[s, a, y, h]
            )
            <= pyo.quicksum(installed(m, s, a, c, y) for c in coolings[s, a, y])
        ),
    )
    buys_by_vintage = defaultdict(list)
    for s, a, c, v in m.SACV:
        buys_by_vintage[a, v].append((s, a, c, v))
    # a cap on a type no site can buy (e.g. liquid-only with no liquid design) constrains nothing
    caps = [(a, v) for (a, v) in data.supply_cap if (a, v) in buys_by_vintage]
    m.supply_limit = pyo.Constraint(
        caps,
        rule=lambda m, a, v: (
            pyo.quicksum(data.accel_unit_k[a] * m.units_bought[i] for i in buys_by_vintage[a, v])
            <= data.supply_cap[a, v]
        ),
    )
    for s, a, c, y in m.SACY:
        unit = data.accel_unit_k[a]
        bought = [
            m.accel_price_annual[a, v] * unit * m.units_bought[s, a, c, v]
            for v in m.vintages_alive.get((s, a, c, y), [])
        ]
        kept = [m.accel_fom_annual[a] * m.kept[s, a, c, y]] if (s, a, c, y) in m.existing_alive else []
        m.ledger.add("accelerators", y, pyo.quicksum(bought + kept), site=s)


def _floor_if(data: PlanningData, bound: float) -> float:
    return float(int(bound + 1e-9)) if data.integer_units else bound


def installed(m: pyo.ConcreteModel, s: str, a: str, c: str, y: int):
    """Accelerators in service (k-accel) at site s, type a, cooling c, in year y."""
    return m.installed[s, a, c, y]


def fleet_sum(m: pyo.ConcreteModel, s: str, c: str, y: int, per_k_accel: Callable[[str], float]):
    """sum over the types that can be in service at (s, c, y) of per_k_accel(a) x installed[s,a,c,y]."""
    return pyo.quicksum(per_k_accel(a) * m.installed[s, a, c, y] for a in m.fleet_types[s, c, y])


def _retire_for_good(m: pyo.ConcreteModel, s: str, a: str, c: str, y: int):
    """An existing accelerator retired in one year does not come back."""
    position = m.data.years.index(y)
    before = m.data.years[position - 1] if position > 0 else None
    if before is None or (s, a, c, before) not in m.existing_alive:
        return pyo.Constraint.Skip
    return m.kept[s, a, c, y] <= m.kept[s, a, c, before]


def _purchases_in_service(m: pyo.ConcreteModel, s: str, a: str, c: str, y: int):
    """Purchases still in service in year y (k-accel): the definition of ``installed``."""
    vintages = m.vintages_alive.get((s, a, c, y), [])
    unit = m.data.accel_unit_k[a]
    return pyo.quicksum(unit * m.units_bought[s, a, c, v] for v in vintages)
