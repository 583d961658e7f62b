"""Rules: PUE caps for new capacity by jurisdiction, and cooling-water caps by site.

built[s,c,y] <= built[s,c,y0]      for y >= the rule's first year, where design c's annual PUE
                                    at s exceeds the jurisdiction's cap (y0: the last modelled
                                    year before the rule, or the existing capacity)
sum_{c,h} water[c] (m3/MWh) x hours x IT[s,c,y,h] <= water cap[s]      (m3 per year)
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.sites import built_capacity


def add_rules(m: pyo.ConcreteModel) -> None:
    data: PlanningData = m.data
    banned = [(s, c, y) for (s, c), since in data.pue_banned_from.items() for y in data.years if y >= since]
    m.pue_cap = pyo.Constraint(banned, rule=_no_new_capacity)
    cooled = defaultdict(list)
    for s, c, y, h in m.SCYH_FLEET:
        cooled[s, y].append((c, h))
    m.water_cap = pyo.Constraint(
        [(s, y) for s, y in m.SY if s in data.water_cap_m3 and cooled[s, y]],
        rule=lambda m, s, y: (
            pyo.quicksum(
                data.water_m3_per_mwh[c] * data.slice_hours[h] * m.it_power[s, c, y, h] for c, h in cooled[s, y]
            )
            <= data.water_cap_m3[s]
        ),
    )


def _no_new_capacity(m, s, c, y):
    data = m.data
    since = data.pue_banned_from[s, c]
    before = [year for year in data.years if year < since]
    allowed = built_capacity(m, s, c, before[-1]) if before else data.existing_it_mw.get((s, c), 0.0)
    return built_capacity(m, s, c, y) <= allowed
