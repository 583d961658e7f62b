"""The shared skeleton every concern module adds to: index sets and the annual cost ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pyomo.environ as pyo

from aidc.models.data import PlanningData

COST_COMPONENTS = (
    "accelerators",
    "facility",
    "cooling",
    "interconnect",
    "lease",
    "grid",
    "onsite",
    "energy",
    "delivery",
    "carbon",
    "unserved_penalty",
)
"""Components of the annual cost ($M per year); the objective discounts their sum."""


class CostLedger:
    """Collects cost terms ($M per year) by component, year and site (None: not site-bound)
    from every concern module; reports read it back to split costs by site."""

    def __init__(self, years: list[int]):
        self.terms: dict[tuple[str, int], list] = defaultdict(list)
        self.by_site: dict[tuple[str, int, str | None], list] = defaultdict(list)
        self.years = years

    def add(self, component: str, year: int, expression, site: str | None = None) -> None:
        """Add a linear expression in $M per year to ``component`` in ``year`` (at ``site``)."""
        if component not in COST_COMPONENTS:
            raise KeyError(f"unknown cost component {component!r}")
        self.terms[component, year].append(expression)
        self.by_site[component, year, site].append(expression)

    def total(self, component: str, year: int):
        return pyo.quicksum(self.terms.get((component, year), []))


def create_model(data: PlanningData) -> pyo.ConcreteModel:
    """An empty model holding the data, the base index sets and the cost ledger."""
    m = pyo.ConcreteModel(name=f"aidc:{data.name}")
    m.data = data
    m.ledger = CostLedger(data.years)
    m.parameter_rows = {}  # mutable parameter name -> constraint components containing it
    m.first_stage = []  # FirstStage declarations: investment decisions (see declare_first_stage)
    m.behind_meter = {}  # (s, y, h) -> MW supplied behind the grid meter (on-site generation, storage)
    m.onsite_emissions = {}  # (s, y) -> tCO2 of on-site generation
    m.Y = pyo.Set(initialize=data.years, ordered=True)
    m.H = pyo.Set(initialize=data.slices, ordered=True)
    m.S = pyo.Set(initialize=data.sites, ordered=True)
    m.C = pyo.Set(initialize=data.coolings, ordered=True)
    m.SC = pyo.Set(initialize=[(s, c) for s in data.sites for c in data.coolings], dimen=2, ordered=True)
    m.SY = pyo.Set(initialize=[(s, y) for s in data.sites for y in data.years], dimen=2, ordered=True)
    m.SCY = pyo.Set(
        initialize=[(s, c, y) for s in data.sites for c in data.coolings for y in data.years], dimen=3, ordered=True
    )
    return m


def declare_parameter_rows(m: pyo.ConcreteModel, parameter: pyo.Param, *constraints: pyo.Constraint) -> None:
    """Record that ``constraints`` contain the mutable ``parameter``: when it changes, the
    solver session re-reads exactly these rows (every other row must be free of parameters;
    tests/test_parameter_rows.py checks the declaration against the expressions)."""
    m.parameter_rows.setdefault(parameter.name, []).extend(constraints)


@dataclass(frozen=True)
class FirstStage:
    """An investment decision: an indexed variable and the year each of its entries is decided in."""

    component: pyo.Var
    year_of: Callable[..., int] | None  # index -> investment year; None: decided up front (year-less)

    def year(self, index) -> int | None:
        if self.year_of is None:
            return None
        return self.year_of(*index) if isinstance(index, tuple) else self.year_of(index)


def declare_first_stage(m: pyo.ConcreteModel, component: pyo.Var, year_of: Callable[..., int] | None = None) -> None:
    """Declare ``component`` an investment decision (sites, capacity, cooling, purchases, ...).
    ``year_of(*index)`` is the year an entry is decided in; None for year-less decisions such as a
    site's cooling design, which are always here-and-now. A stochastic programme
    (``aidc.optimizer.uncertainty``) makes the entries of its commitment years common to every
    outcome; a deterministic solve ignores the declaration."""
    m.first_stage.append(FirstStage(component, year_of))


def previous_year(data: PlanningData, year: int) -> int | None:
    """The modelled year before ``year`` (None for the first)."""
    position = data.years.index(year)
    return data.years[position - 1] if position > 0 else None


def add_objective(m: pyo.ConcreteModel) -> None:
    """Minimise discounted total cost: sum over years of discount x years represented x annual cost."""
    data: PlanningData = m.data
    m.COMPONENTS = pyo.Set(initialize=COST_COMPONENTS, ordered=True)
    m.annual_cost = pyo.Expression(m.COMPONENTS, m.Y, rule=lambda m, component, y: m.ledger.total(component, y))
    m.total_cost = pyo.Objective(
        expr=pyo.quicksum(
            data.discount[y] * data.year_weight[y] * m.annual_cost[component, y]
            for component in COST_COMPONENTS
            for y in data.years
        ),
        sense=pyo.minimize,
    )
