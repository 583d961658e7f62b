"""On-site power behind the grid meter: generation (gas turbines, engines, fuel cells) and
battery storage (MW, MWh).

    gen[s,t,y,h] <= capacity[s,t,y];  capacity never shrinks, 0 before first year + lead time
    charge, discharge <= power[s,t,y];  power never shrinks, 0 before its first year
    soc[next h] = soc[h] + span[h] x (sqrt(eff) x charge[h] - discharge[h] / sqrt(eff)),
        cyclic within each representative day (soc after its last slice = soc before its first);
    soc <= duration x power
    energy balance (power module): bought + gen + discharge - charge = facility load
    cost: annuity x capacity; fuel $/MWh x hours x gen; emissions tCO2/MWh x hours x gen
"""

from __future__ import annotations

import math
from collections import defaultdict

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.core import declare_first_stage, previous_year


def add_onsite(m: pyo.ConcreteModel) -> None:
    add_generation(m)
    add_storage(m)


def _kept(variable):
    def rule(m, s, t, y):
        before = previous_year(m.data, y)
        if before is None:
            return pyo.Constraint.Skip
        return variable[s, t, y] >= variable[s, t, before]

    return rule


def add_generation(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    types = defaultdict(list)
    for s, t in data.generation:
        types[s].append(t)
    m.generation_types = dict(types)
    m.STY_GEN = pyo.Set(initialize=[(s, t, y) for s, t in data.generation for y in data.years], dimen=3, ordered=True)
    most = {s: data.site_max_it_mw[s] * 2.0 for s in data.sites}  # facility load at PUE <= 2: a valid bound
    m.generation_mw = pyo.Var(
        m.STY_GEN,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s, t, y: (0.0, most[s] if y >= data.generation[s, t]["first_year"] else 0.0),
    )
    declare_first_stage(m, m.generation_mw, lambda s, t, y: y)
    m.generation_kept = pyo.Constraint(m.STY_GEN, rule=_kept(m.generation_mw))
    m.STYH_GEN = pyo.Set(initialize=[(s, t, y, h) for s, t, y in m.STY_GEN for h in data.slices], dimen=4, ordered=True)
    m.generated = pyo.Var(m.STYH_GEN, domain=pyo.NonNegativeReals)
    m.generation_within_capacity = pyo.Constraint(
        m.STYH_GEN, rule=lambda m, s, t, y, h: m.generated[s, t, y, h] <= m.generation_mw[s, t, y]
    )
    for s, t, y in m.STY_GEN:
        spec = data.generation[s, t]
        m.ledger.add("onsite", y, spec["annual_per_mw"] * m.generation_mw[s, t, y], site=s)
        fuel = pyo.quicksum(
            data.slice_hours[h] * 1e-6 * spec["usd_per_mwh"] * m.generated[s, t, y, h] for h in data.slices
        )
        m.ledger.add("energy", y, fuel, site=s)
        if spec["carbon_t_per_mwh"] > 0:
            m.onsite_emissions.setdefault((s, y), []).append(
                pyo.quicksum(
                    data.slice_hours[h] * spec["carbon_t_per_mwh"] * m.generated[s, t, y, h] for h in data.slices
                )
            )
        for h in data.slices:
            m.behind_meter.setdefault((s, y, h), []).append(m.generated[s, t, y, h])


def add_storage(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    m.STY_STORE = pyo.Set(initialize=[(s, t, y) for s, t in data.storage for y in data.years], dimen=3, ordered=True)
    most = {s: data.site_max_it_mw[s] * 2.0 for s in data.sites}
    m.storage_mw = pyo.Var(
        m.STY_STORE,
        domain=pyo.NonNegativeReals,
        bounds=lambda m, s, t, y: (0.0, most[s] if y >= data.storage[s, t]["first_year"] else 0.0),
    )
    declare_first_stage(m, m.storage_mw, lambda s, t, y: y)
    m.storage_kept = pyo.Constraint(m.STY_STORE, rule=_kept(m.storage_mw))
    m.STYH_STORE = pyo.Set(
        initialize=[(s, t, y, h) for s, t, y in m.STY_STORE for h in data.slices], dimen=4, ordered=True
    )
    m.charge = pyo.Var(m.STYH_STORE, domain=pyo.NonNegativeReals)
    m.discharge = pyo.Var(m.STYH_STORE, domain=pyo.NonNegativeReals)
    m.state_of_charge = pyo.Var(m.STYH_STORE, domain=pyo.NonNegativeReals)
    m.charge_within_power = pyo.Constraint(
        m.STYH_STORE, rule=lambda m, s, t, y, h: m.charge[s, t, y, h] <= m.storage_mw[s, t, y]
    )
    m.discharge_within_power = pyo.Constraint(
        m.STYH_STORE, rule=lambda m, s, t, y, h: m.discharge[s, t, y, h] <= m.storage_mw[s, t, y]
    )
    m.charge_within_energy = pyo.Constraint(
        m.STYH_STORE,
        rule=lambda m, s, t, y, h: (
            m.state_of_charge[s, t, y, h] <= data.storage[s, t]["duration_h"] * m.storage_mw[s, t, y]
        ),
    )
    following = _next_slice_in_day(data)
    m.storage_balance = pyo.Constraint(m.STYH_STORE, rule=lambda m, s, t, y, h: _balance(m, s, t, y, h, following))
    for s, t, y in m.STY_STORE:
        m.ledger.add("onsite", y, data.storage[s, t]["annual_per_mw"] * m.storage_mw[s, t, y], site=s)
        for h in data.slices:
            m.behind_meter.setdefault((s, y, h), []).append(m.discharge[s, t, y, h] - m.charge[s, t, y, h])


def _next_slice_in_day(data: PlanningData) -> dict[int, int]:
    """Each slice's successor within its day (the first slice follows the last: a cyclic day)."""
    by_day = defaultdict(list)
    for h in data.slices:  # slices are ordered by time within a day
        by_day[data.slice_day[h]].append(h)
    following = {}
    for members in by_day.values():
        for position, h in enumerate(members):
            following[h] = members[(position + 1) % len(members)]
    return following


def _balance(m, s, t, y, h, following):
    """State of charge at the start of the next slice (MWh): the slice's charge less discharge."""
    one_way = math.sqrt(m.data.storage[s, t]["efficiency"])
    span = m.data.slice_span[h]
    return m.state_of_charge[s, t, y, following[h]] == m.state_of_charge[s, t, y, h] + span * (
        one_way * m.charge[s, t, y, h] - m.discharge[s, t, y, h] / one_way
    )
