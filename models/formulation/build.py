"""Assemble the whole model: each concern adds its variables, constraints and cost terms."""

from __future__ import annotations

import pyomo.environ as pyo

from aidc.models.data import PlanningData
from aidc.models.formulation.compute import add_compute
from aidc.models.formulation.cooling import add_cooling
from aidc.models.formulation.core import add_objective, create_model
from aidc.models.formulation.demand import add_demand
from aidc.models.formulation.grid import add_grid
from aidc.models.formulation.network import add_network
from aidc.models.formulation.onsite import add_onsite
from aidc.models.formulation.policy import add_capex_budget
from aidc.models.formulation.power import add_power
from aidc.models.formulation.rules import add_rules
from aidc.models.formulation.sites import add_sites


def build_model(data: PlanningData) -> pyo.ConcreteModel:
    """The Pyomo model of a scenario (order matters: later concerns use earlier variables)."""
    m = create_model(data)
    add_sites(m)
    add_compute(m)
    add_cooling(m)
    add_network(m)
    add_onsite(m)
    add_power(m)
    add_grid(m)
    add_demand(m)
    add_rules(m)
    add_capex_budget(m)
    add_objective(m)
    return m
