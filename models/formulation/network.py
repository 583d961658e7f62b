"""Network: scale-out ports by link technology; copper only inside a rack.

    sum_n ports[s,c,n,y] >= sum_a ports_per_accel[a] * installed[s,a,c,y]            (k-port)
    sum_{n copper} ports[s,c,n,y] <= sum_a share[a,c] * ports_per_accel[a] * installed[s,a,c,y]
    cost: port annuity x ports; power: W per port (in the power module)
share[a,c] = min(1, per_rack[a,c] / network group of a): the part of an accelerator's peers
that sit in its own rack. Aggregating over accelerator types loses nothing because a port's
cost and power do not depend on the accelerator it serves.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.compute import fleet_sum


def add_network(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    m.SCNY = pyo.Set(
        initialize=[
            (s, c, n, y) for s, c, y in m.SCY_FLEET for n in data.interconnects if data.link_first_year[n] <= y
        ],
        dimen=4,
        ordered=True,
    )
    m.ports = pyo.Var(m.SCNY, domain=pyo.NonNegativeReals)
    links_available = defaultdict(list)
    for s, c, n, y in m.SCNY:
        links_available[s, c, y].append(n)
    m.links_available = dict(links_available)

    def ports_needed(m, s, c, y):
        return pyo.quicksum(m.ports[s, c, n, y] for n in links_available[s, c, y]) >= fleet_sum(
            m, s, c, y, data.accel_ports.__getitem__
        )

    def copper_in_rack(m, s, c, y):
        copper = [n for n in links_available[s, c, y] if n in data.copper_links]
        if not copper:
            return pyo.Constraint.Skip
        return pyo.quicksum(m.ports[s, c, n, y] for n in copper) <= fleet_sum(
            m, s, c, y, lambda a: data.copper_share[a, c] * data.accel_ports[a]
        )

    m.ports_needed = pyo.Constraint(m.SCY_FLEET, rule=ports_needed)
    m.copper_in_rack = pyo.Constraint(m.SCY_FLEET, rule=copper_in_rack)
    for s, c, n, y in m.SCNY:
        m.ledger.add("interconnect", y, data.port_annual_cost[n] * m.ports[s, c, n, y], site=s)


def network_power_mw(m: pyo.ConcreteModel, s: str, c: str, y: int):
    """MW drawn by the ports at site s under design c in year y (always on)."""
    return pyo.quicksum(m.data.port_mw[n] * m.ports[s, c, n, y] for n in m.links_available.get((s, c, y), []))
