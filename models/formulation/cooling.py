"""Cooling: one design per site (unless mixes are allowed), rack density and floor space.

    cap[s,c,y] <= M_s * design[s,c]                    (capacity only under the chosen design)
    sum_c design[s,c] <= 1                             (one design per site)
    sum_{a,c} installed[s,a,c,y] / per_rack[a,c] <= racks_s * open[s,y]   (floor space, k-rack)
    cost: (annuity + fixed O&M) x cooling capex per MW x built[s,c,y] (a lease includes its cooling)
per_rack[a,c] (accelerators a rack holds under design c) comes from the design's kW per rack,
so dense liquid racks need fewer racks and, in the network module, fewer optical ports.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.compute import installed
from aidc.models.formulation.core import declare_first_stage
from aidc.models.formulation.sites import built_capacity


def add_cooling(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    m.cooling_design = pyo.Var(m.SC, domain=pyo.Binary)
    declare_first_stage(m, m.cooling_design)  # year-less: always here-and-now
    m.capacity_needs_design = pyo.Constraint(
        m.SCY, rule=lambda m, s, c, y: m.it_capacity[s, c, y] <= data.site_max_it_mw[s] * m.cooling_design[s, c]
    )
    if not data.allow_cooling_mix:
        m.one_design_per_site = pyo.Constraint(
            m.S, rule=lambda m, s: pyo.quicksum(m.cooling_design[s, c] for c in m.C) <= 1
        )
    racks = defaultdict(list)
    for s, a, c, y in m.SACY:
        racks[s, y].append((a, c))
    m.floor_space = pyo.Constraint(
        m.SY,
        rule=lambda m, s, y: (
            pyo.quicksum(installed(m, s, a, c, y) * (1.0 / data.accels_per_rack[a, c]) for a, c in racks[s, y])
            <= data.floor_krack[s] * m.site_open[s, y]
            if racks[s, y]
            else pyo.Constraint.Skip
        ),
    )
    for s, c, y in m.SCY:
        sunk = data.cooling_annuity[c] * data.existing_it_mw.get((s, c), 0.0)  # built cooling pays O&M only
        m.ledger.add("cooling", y, data.cooling_annual_cost[c] * built_capacity(m, s, c, y) - sunk, site=s)
