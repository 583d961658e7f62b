"""Power and energy: IT load, facility load through PUE, grid connection, supply options.

sum_c dynamic[s,c,y,h] = sum_{a,k} dynamic_a / throughput[a,k,y] * produced[s,a,k,y,h]  (MW, actual busy time)
dynamic_capacity[s,c,y] = sum_a dynamic_a * installed[s,a,c,y]
base[s,c,y] = sum_a idle_a * installed[s,a,c,y] + port power                    (MW, always on)
dynamic[s,c,y,h] <= dynamic_capacity[s,c,y]
it[s,c,y,h] = base[s,c,y] + dynamic[s,c,y,h]                                     (MW)
it[s,c,y,h] <= cap[s,c,y]
sum_e bought[s,e,y,h] = sum_c PUE[c,s,h] * it[s,c,y,h]                       (facility MW)
sum_e bought[s,e,y,h] <= grid[s,y]                                           (time-to-power)
bought[s,ppa,y,h] <= PPA MW cap x availability[h]
cost: hours[h] x price[s,e,h] x bought;  carbon: hours x tCO2/MWh x bought x carbon price
``base`` and ``dynamic_capacity`` are variables defined once per year, not sums over the fleet
repeated in every slice's rows (an exact substitution; it cut the nonzeros several-fold).
The dynamic load (power above idle of busy accelerators) is assigned to cooling designs in
aggregate: exact with one design per site; with mixed designs a relaxation that may place one
type's load under another design's spare full-load power.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.compute import fleet_sum
from aidc.models.formulation.core import declare_first_stage
from aidc.models.formulation.network import network_power_mw


def add_power(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    m.SCYH_FLEET = pyo.Set(
        initialize=[(s, c, y, h) for s, c, y in m.SCY_FLEET for h in data.slices], dimen=4, ordered=True
    )
    m.dynamic_load = pyo.Var(m.SCYH_FLEET, domain=pyo.NonNegativeReals)
    work = defaultdict(list)
    for s, a, k, y, h in m.SAKYH:
        work[s, y, h].append((a, k))
    designs = defaultdict(list)
    for s, c, y, h in m.SCYH_FLEET:
        designs[s, y, h].append(c)
    m.SYH_WORK = pyo.Set(initialize=sorted(work), dimen=3, ordered=True)
    m.dynamic_load_split = pyo.Constraint(
        m.SYH_WORK,
        rule=lambda m, s, y, h: (
            pyo.quicksum(m.dynamic_load[s, c, y, h] for c in designs[s, y, h])
            == pyo.quicksum(
                (data.accel_dynamic_mw[a] / data.throughput[a, k, y]) * m.produced[s, a, k, y, h]
                for a, k in work[s, y, h]
            )
        ),
    )
    m.dynamic_capacity_mw = pyo.Var(m.SCY_FLEET, domain=pyo.NonNegativeReals)
    m.dynamic_capacity_definition = pyo.Constraint(
        m.SCY_FLEET,
        rule=lambda m, s, c, y: (
            m.dynamic_capacity_mw[s, c, y] == fleet_sum(m, s, c, y, data.accel_dynamic_mw.__getitem__)
        ),
    )
    m.base_load_mw = pyo.Var(m.SCY_FLEET, domain=pyo.NonNegativeReals)
    m.base_load_definition = pyo.Constraint(
        m.SCY_FLEET,
        rule=lambda m, s, c, y: (
            m.base_load_mw[s, c, y]
            == fleet_sum(m, s, c, y, data.accel_idle_mw.__getitem__) + network_power_mw(m, s, c, y)
        ),
    )
    m.dynamic_load_within_fleet = pyo.Constraint(
        m.SCYH_FLEET, rule=lambda m, s, c, y, h: m.dynamic_load[s, c, y, h] <= m.dynamic_capacity_mw[s, c, y]
    )
    m.it_power = pyo.Expression(
        m.SCYH_FLEET, rule=lambda m, s, c, y, h: m.base_load_mw[s, c, y] + m.dynamic_load[s, c, y, h]
    )
    m.it_within_capacity = pyo.Constraint(
        m.SCYH_FLEET,
        rule=lambda m, s, c, y, h: (
            m.base_load_mw[s, c, y] + data.year_end_factor[y] * m.dynamic_load[s, c, y, h] <= m.it_capacity[s, c, y]
        ),
    )

    options = defaultdict(list)
    for s, e in data.supply_options:
        options[s].append(e)
    m.grid_options = defaultdict(list)
    for s, e in data.supply_options:
        if (s, e) not in data.ppa_cap_mw:
            m.grid_options[s].append(e)
    m.SEYH = pyo.Set(
        initialize=[(s, e, y, h) for s, e in data.supply_options for y in data.years for h in data.slices],
        dimen=4,
        ordered=True,
    )

    def supply_bounds(m, s, e, y, h):
        ceiling = data.grid_mw[s, y] + data.grid_new_max_mw.get(s, 0.0) + 2.0 * data.lease_max_mw.get(s, 0.0)
        return (0.0, min(ceiling, data.ppa_available_mw.get((s, e, h), float("inf"))))

    m.bought = pyo.Var(m.SEYH, domain=pyo.NonNegativeReals, bounds=supply_bounds)
    m.energy_price = pyo.Param(
        [(s, e, h) for s, e in data.supply_options for h in data.slices],
        initialize=data.energy_price,
        mutable=True,
        within=pyo.Reals,
    )
    m.carbon_price = pyo.Param(m.Y, initialize=data.carbon_price, mutable=True, within=pyo.Reals)
    add_take_or_pay(m)
    cooled = defaultdict(list)
    for s, c, y, h in m.SCYH_FLEET:
        cooled[s, y, h].append(c)
    m.SYH = pyo.Set(initialize=[(s, y, h) for s, y in m.SY for h in data.slices], dimen=3, ordered=True)

    m.supply_options = dict(options)

    def energy_balance(m, s, y, h):
        bought = pyo.quicksum(m.bought[s, e, y, h] for e in options[s])
        behind_meter = pyo.quicksum(m.behind_meter.get((s, y, h), []))
        facility = pyo.quicksum(data.pue[c, s, h] * m.it_power[s, c, y, h] for c in cooled[s, y, h])
        if not options[s] and not cooled[s, y, h] and (s, y, h) not in m.behind_meter:
            return pyo.Constraint.Skip
        return bought + behind_meter == facility

    m.energy_balance = pyo.Constraint(m.SYH, rule=energy_balance)
    emissions = defaultdict(list, {key: list(terms) for key, terms in m.onsite_emissions.items()})
    for s, e, y, h in m.SEYH:
        hours = data.slice_hours[h]
        if (s, e) in data.take_or_pay:  # the contract is paid whatever is used; using it forgoes its resale
            price = data.take_or_pay[s, e]
        elif e in m.grid_options[s]:  # grid tariffs follow the site's price path
            price = m.energy_price[s, e, h] * data.energy_price_factor.get((s, y), 1.0)
        else:
            price = m.energy_price[s, e, h]
        m.ledger.add("energy", y, hours * 1e-6 * price * m.bought[s, e, y, h], site=s)
        rate = data.carbon_t_per_mwh[s, e]
        if rate > 0:
            emissions[s, y].append(hours * rate * m.bought[s, e, y, h])
    m.site_emissions_t = pyo.Expression(m.SY, rule=lambda m, s, y: pyo.quicksum(emissions[s, y]))
    m.emissions_t = pyo.Expression(m.Y, rule=lambda m, y: pyo.quicksum(m.site_emissions_t[s, y] for s in m.S))
    for s, y in m.SY:
        m.ledger.add("carbon", y, 1e-6 * m.carbon_price[y] * m.site_emissions_t[s, y], site=s)
    m.carbon_cap = pyo.Constraint(list(data.carbon_cap), rule=lambda m, y: m.emissions_t[y] <= data.carbon_cap[y])


def add_take_or_pay(m: pyo.ConcreteModel) -> None:
    """Take-or-pay PPAs: a contracted MW (a decision up to the nameplate, the same every year) whose
    whole production is paid at the PPA price; energy used at the site comes out of it and the
    surplus is sold at the resale price, so using it costs only the resale price forgone.

        bought[s,e,y,h] <= contract[s,e] x availability[h]
        cost: hours x (price - resale) x availability x contract + hours x resale x bought
    """
    data = m.data
    m.PPA_CONTRACTS = pyo.Set(initialize=sorted(data.take_or_pay), dimen=2, ordered=True)
    m.ppa_contract = pyo.Var(
        m.PPA_CONTRACTS, domain=pyo.NonNegativeReals, bounds=lambda m, s, e: (0.0, data.ppa_cap_mw[s, e])
    )
    # a contract for the whole horizon, signed before the first modelled year: here-and-now
    declare_first_stage(m, m.ppa_contract, lambda s, e: data.years[0])
    m.ppa_within_contract = pyo.Constraint(
        [(s, e, y, h) for s, e, y, h in m.SEYH if (s, e) in data.take_or_pay],
        rule=lambda m, s, e, y, h: (
            m.bought[s, e, y, h]
            <= m.ppa_contract[s, e]
            * (data.ppa_available_mw[s, e, h] / data.ppa_cap_mw[s, e] if data.ppa_cap_mw[s, e] else 0.0)
        ),
    )
    for s, e in m.PPA_CONTRACTS:
        cap = data.ppa_cap_mw[s, e]
        for y in data.years:
            produced_per_mw = [
                (h, data.slice_hours[h] * data.ppa_available_mw[s, e, h] / cap) for h in data.slices if cap > 0
            ]
            term = pyo.quicksum(
                mwh * 1e-6 * (m.energy_price[s, e, h] - data.take_or_pay[s, e]) * m.ppa_contract[s, e]
                for h, mwh in produced_per_mw
            )
            m.ledger.add("energy", y, term, site=s)
