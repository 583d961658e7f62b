"""What a planner may want of a near-optimal plan, each a linear expression over the model's
variables (one function each; units in the docstrings). The search minimises or maximises one
of them with the total cost capped (:mod:`aidc.optimizer.alternatives.search`).

Names a user writes (``--objectives``): ``fewest-sites``, ``fewest-site-years``,
``most-vendor:NAME``, ``least-vendor:NAME``, ``most-liquid``, ``least-china`` (or
``least-country:NAME``), ``least-energy``, ``least-emissions``, ``max-different`` (the
Hop-Skip-Jump step, iterated ``--different`` times).

"Most" objectives maximise the quantity itself (a vendor's capacity, liquid MW): within the slack
that may mean substitution or surplus, whichever the cap allows more of. (Maximising the lead
over the rest instead was tried on whatif-small: the same NVIDIA plan, and a lower Huawei share,
reached by swapping AMD for accelerators that look slow on the main workload.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyomo.environ as pyo

from aidc.optimizer.alternatives.facts import CHINA, PlanFacts
from aidc.optimizer.errors import InputError, InputIssue

Expression = object  # a Pyomo linear expression


class ObjectiveUnavailable(InputError):
    """An objective the user named wrongly, or that this model cannot express (a variable
    absent): bad input of ``--objectives`` (exit 2)."""

    def __init__(self, message: str):
        super().__init__([InputIssue("--objectives", "", "", message)])
        self.message = message


def _component(m: pyo.ConcreteModel, name: str, objective: str):
    component = getattr(m, name, None)
    if component is None:
        raise ObjectiveUnavailable(f"{objective}: the model has no variable or expression {name!r}")
    return component


def sites_open(m: pyo.ConcreteModel, facts: PlanFacts) -> Expression:
    """Sites open in the last modelled year (count; fractional when binaries are relaxed)."""
    site_open = _component(m, "site_open", "fewest-sites")
    return pyo.quicksum(var for (_, y), var in site_open.items() if y == facts.last_year)


def site_years(m: pyo.ConcreteModel, facts: PlanFacts) -> Expression:
    """Site-years open over the horizon (each modelled year weighted by the calendar years it
    stands for): fewer sites, and opened later."""
    site_open = _component(m, "site_open", "fewest-site-years")
    return pyo.quicksum(facts.year_weight[y] * var for (_, y), var in site_open.items())


def vendor_capacity(m: pyo.ConcreteModel, facts: PlanFacts, vendors: Iterable[str]) -> Expression:
    """Throughput-weighted installed capacity of the accelerators of ``vendors`` in the last year
    (Mtok/s on the main workload): k-accelerators installed x tokens/s per accelerator / 1000."""
    installed = _component(m, "installed", "vendor capacity")
    chosen = {a for vendor in vendors for a in facts.accelerators_of(vendor)}
    return pyo.quicksum(
        facts.tokens_per_s.get(a, 0.0) / 1000.0 * var
        for (_, a, _, y), var in installed.items()
        if y == facts.last_year and a in chosen
    )


def liquid_capacity(m: pyo.ConcreteModel, facts: PlanFacts) -> Expression:
    """IT capacity under liquid cooling designs (cooling catalog ``kind``) in the last year (MW)."""
    it_capacity = _component(m, "it_capacity", "most-liquid")
    return pyo.quicksum(var for (_, c, y), var in it_capacity.items() if y == facts.last_year and c in facts.liquid)


def country_capacity(m: pyo.ConcreteModel, facts: PlanFacts, country: str) -> Expression:
    """IT capacity at the sites in ``country`` (sites catalog) in the last year (MW)."""
    it_capacity = _component(m, "it_capacity", "country capacity")
    sites = set(facts.sites_in(country))
    return pyo.quicksum(var for (s, _, y), var in it_capacity.items() if y == facts.last_year and s in sites)


def energy_bought(m: pyo.ConcreteModel, facts: PlanFacts) -> Expression:
    """Electricity bought over the horizon (GWh): MW x slice hours x calendar years represented."""
    bought = _component(m, "bought", "least-energy")
    hours = m.data.slice_hours
    return pyo.quicksum(facts.year_weight[y] * hours[h] / 1000.0 * var for (_, _, y, h), var in bought.items())


def emissions(m: pyo.ConcreteModel, facts: PlanFacts) -> Expression:
    """Emissions over the horizon (kt CO2), each modelled year weighted by the years it stands for."""
    emissions_t = _component(m, "emissions_t", "least-emissions")
    return pyo.quicksum(facts.year_weight[y] / 1000.0 * emissions_t[y] for y in emissions_t)


def reuse_of_earlier_plans(m: pyo.ConcreteModel, facts: PlanFacts, open_weight, capacity_weight) -> Expression:
    """The Hop-Skip-Jump measure (Brill et al. 1982): openings and capacities weighted by how
    many earlier plans used them (dimensionless). ``open_weight[s, y]`` multiplies a site-year
    opening; ``capacity_weight[s, c]`` the last year's IT capacity of a site and design divided
    by the site's largest possible (so each term is at most 1 per earlier use)."""
    site_open = _component(m, "site_open", "max-different")
    it_capacity = _component(m, "it_capacity", "max-different")
    largest = m.data.site_max_it_mw
    openings = pyo.quicksum(open_weight[s, y] * var for (s, y), var in site_open.items())
    capacities = pyo.quicksum(
        capacity_weight[s, c] * (1.0 / largest[s]) * var
        for (s, c, y), var in it_capacity.items()
        if y == facts.last_year and largest[s] > 0
    )
    return openings + capacities


@dataclass(frozen=True)
class Objective:
    """One alternative objective: what the user wrote, a folder name, its sense and unit, and
    how to build its expression (``expression(m, facts)``; max-different is built by the search)."""

    spec: str
    label: str
    sense: str  # "min" or "max"
    unit: str
    description: str
    expression: Callable[[pyo.ConcreteModel, PlanFacts], Expression] | None

    @property
    def is_different(self) -> bool:
        return self.expression is None

    def check(self, m: pyo.ConcreteModel, facts: PlanFacts) -> None:
        """ObjectiveUnavailable if this model lacks what the objective is built from."""
        if self.is_different:
            _component(m, "site_open", self.spec)
            _component(m, "it_capacity", self.spec)
        else:
            self.expression(m, facts)


MAX_DIFFERENT = "max-different"


def slug(text: str) -> str:
    """A folder-safe lower-case name: ``most-vendor:T-Head (Alibaba)`` -> ``most-vendor-t-head-alibaba``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _match(value: str, known: list[str], what: str, spec: str) -> str:
    for name in known:
        if value.lower() == name.lower() or slug(value) == slug(name):
            return name
    raise ObjectiveUnavailable(f"{spec}: unknown {what} {value!r}; this scenario has {known}")


def parse_objective(spec: str, facts: PlanFacts) -> Objective:
    """The objective a user wrote (see the module docstring); ObjectiveUnavailable if unknown."""
    name, _, argument = spec.strip().partition(":")
    name = name.strip().lower()
    argument = argument.strip()
    needs_argument = name in ("most-vendor", "least-vendor", "least-country")
    if needs_argument and not argument:
        raise ObjectiveUnavailable(f"{spec}: name the {name.split('-')[1]}, e.g. {name}:{_example(name, facts)}")
    if not needs_argument and argument:
        raise ObjectiveUnavailable(f"{spec}: {name} takes no argument")
    if name in ("most-vendor", "least-vendor"):
        vendor = _match(argument, facts.vendors, "vendor", spec)
        most = name == "most-vendor"
        return Objective(
            f"{name}:{vendor}",
            slug(f"{name}-{vendor}"),
            "max" if most else "min",
            "Mtok/s",
            f"{'most' if most else 'least'} {vendor} capacity (throughput-weighted, {facts.last_year})",
            lambda m, f: vendor_capacity(m, f, [vendor]),
        )
    if name in ("least-country", "least-china"):
        country = _match(argument or CHINA, facts.countries, "country", spec)
        return Objective(
            f"least-country:{country}",
            slug(f"least-{country}"),
            "min",
            "MW",
            f"least IT capacity in {country} ({facts.last_year})",
            lambda m, f: country_capacity(m, f, country),
        )
    fixed = {
        "fewest-sites": ("min", "sites", f"fewest sites open in {facts.last_year}", sites_open),
        "fewest-site-years": ("min", "site-years", "fewest site-years open", site_years),
        "most-liquid": ("max", "MW", f"most liquid-cooled IT MW in {facts.last_year}", liquid_capacity),
        "least-energy": ("min", "GWh", "least electricity bought over the horizon", energy_bought),
        "least-emissions": ("min", "kt CO2", "least emissions over the horizon", emissions),
        MAX_DIFFERENT: ("min", "reuse", "maximally different openings and capacities (Hop-Skip-Jump)", None),
    }
    if name not in fixed:
        known = [*fixed, "most-vendor:NAME", "least-vendor:NAME", "least-china", "least-country:NAME"]
        raise ObjectiveUnavailable(f"{spec}: unknown objective; expected one of {', '.join(known)}")
    sense, unit, description, build = fixed[name]
    return Objective(name, name, sense, unit, description, build)


def _example(name: str, facts: PlanFacts) -> str:
    values = facts.countries if name == "least-country" else facts.vendors
    return values[0] if values else "NAME"


def default_objectives(
    facts: PlanFacts, vendors_available: list[str], vendors_used: list[str], has_emissions: bool
) -> list[str]:
    """The default set: fewest sites; most of each vendor that can be bought and least of each
    vendor the optimum uses; most liquid; least China (when the scenario has China sites);
    least energy; least emissions (when some supply emits); maximally different."""
    specs = ["fewest-sites"]
    specs += [f"most-vendor:{v}" for v in vendors_available]
    specs += [f"least-vendor:{v}" for v in vendors_used]
    specs.append("most-liquid")
    if CHINA in facts.countries:
        specs.append("least-china")
    specs.append("least-energy")
    if has_emissions:
        specs.append("least-emissions")
    specs.append(MAX_DIFFERENT)
    return specs
