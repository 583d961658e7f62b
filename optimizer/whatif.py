"""A notebook-friendly what-if API: load a scenario, solve, change one parameter, re-solve in place
(no rebuild), get results as pandas DataFrames, sweep a parameter or a grid, and find the
electricity price at which a site enters or leaves the plan.

>>> w = WhatIf.load("inputs/scenarios/whatif-small.yaml")          # doctest: +SKIP
>>> w.solve().summary["cost_per_mtok_usd"]                         # doctest: +SKIP
>>> w.set_energy_price("inner-mongolia", "grid", 80.0); w.solve()  # doctest: +SKIP
>>> w.break_even_energy_price("inner-mongolia", low=30, high=150)  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import Selection
from aidc.optimizer.inputs.loading import apply_selection, load_scenario
from aidc.optimizer.planner.parameters import with_parameter_methods
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.results.extract import PlanResult
from aidc.optimizer.solve import SolveOptions

Setter = Callable[["WhatIf", float], None]
IN_PLAN_MW = 1e-3  # a site with more IT capacity than this (MW) in some year is in the plan


def plan_metrics(result: PlanResult) -> dict[str, float]:
    """One row of headline figures of a plan: cost per Mtok (USD), total cost (USD), unserved
    share, energy (MWh), emissions (t), liquid-cooled share, last-year ports by medium, sites open."""
    summary = result.summary
    ports = summary["ports_last_year"]
    return {
        "cost_per_mtok_usd": summary["cost_per_mtok_usd"],
        "objective_usd": summary["objective_usd"],
        "unserved_share": summary["unserved_share"],
        "energy_mwh": summary["energy_mwh"],
        "emissions_t": summary["emissions_t"],
        "liquid_cooled_share": summary["liquid_cooled_share"],
        "copper_ports": ports.get("copper", 0),
        "optical_ports": ports.get("optical", 0),
        "sites_open": len(summary["sites_opened"]),
    }


def site_capacity(result: PlanResult) -> pd.Series:
    """Each site's largest IT capacity over the years (MW), zero for sites not built."""
    sites = result.tables["sites"]
    return sites.groupby("site")["it_capacity_mw"].max()


def restrict(inputs: ScenarioInputs, **selection: list[str]) -> ScenarioInputs:
    """The scenario with catalogs restricted further (``sites=[...]``, ``cooling=[...]``, ...)."""
    config = inputs.config.model_copy(update={"select": Selection(**selection)})
    tables, issues = apply_selection(inputs.tables, config, str(inputs.path or config.name))
    if issues:
        raise ValueError("; ".join(str(issue) for issue in issues))
    return replace(inputs, tables=tables)


def solve_inputs(inputs: ScenarioInputs, options: SolveOptions | None = None) -> PlanResult:
    """Build and solve a changed scenario (for changes a warm re-solve cannot make, e.g. catalogs)."""
    return Planner(inputs, options).solve()


@dataclass
class BreakEven:
    """Where a site enters or leaves the plan as its electricity price moves (USD/MWh)."""

    site: str
    option: str
    price_usd_per_mwh: float  # midpoint of the final bracket
    low: float  # a price on one side of the break-even
    high: float  # a price on the other side
    in_plan_below: bool  # whether the site is built at prices below the break-even
    history: pd.DataFrame  # every solve: price, site IT MW, cost per Mtok

    def __str__(self) -> str:
        below, above = ("in", "out of") if self.in_plan_below else ("out of", "in")
        return (
            f"{self.site} ({self.option}) is {below} the plan below ${self.price_usd_per_mwh:,.1f}/MWh "
            f"and {above} it above (bracket {self.low:,.2f}-{self.high:,.2f}, {len(self.history)} solves)"
        )


@with_parameter_methods
class WhatIf:
    """One scenario's model, built once; change parameters and re-solve in place."""

    def __init__(self, inputs: ScenarioInputs, options: SolveOptions | None = None):
        self.options = options or SolveOptions(relax="units")
        self.planner = Planner(inputs, self.options)
        self.result: PlanResult | None = None

    @classmethod
    def load(cls, path: str | Path, relax: str = "units", **options: Any) -> WhatIf:
        """Load a scenario file; ``relax`` as in :class:`SolveOptions` ("units" keeps site and
        cooling choices whole and makes accelerator counts continuous, which solves fast)."""
        return cls(load_scenario(path), SolveOptions(relax=relax, **options))

    def solve(self, marginal_costs: bool | None = None) -> PlanResult:
        """Solve (warm after the first time) and keep the result."""
        options = self.options if marginal_costs is None else replace(self.options, marginal_costs=marginal_costs)
        self.result = self.planner.solve(options)
        return self.result

    def _solved(self) -> PlanResult:
        return self.result if self.result is not None else self.solve()

    @property
    def summary(self) -> dict[str, Any]:
        return self._solved().summary

    def table(self, name: str) -> pd.DataFrame:
        """A result table of the last solve (solving first if needed)."""
        return self._solved().tables[name]

    def metrics(self) -> dict[str, float]:
        return plan_metrics(self._solved())

    # warm parameters (in place; the next solve sees them). The named methods ``set_<name>``,
    # ``scale_<name>`` and ``<name>`` come from aidc.optimizer.planner.parameters.
    def set_parameter(self, name: str, value: float, **filters: Any) -> None:
        self.planner.set_parameter(name, value, **filters)

    def scale_parameter(self, name: str, factor: float, **filters: Any) -> None:
        self.planner.scale_parameter(name, factor, **filters)

    def catalog_value(self, name: str, **filters: Any) -> float:
        return self.planner.catalog_value(name, **filters)

    def energy_price(self, site: str, option: str = "grid") -> float:
        """The catalog price of a supply option (USD/MWh), before any change."""
        return self.catalog_value("energy_price", site=site, option=option)

    # analyses
    def sweep(self, name: str, setter: Setter, values: Iterable[float], reset: float | None = None) -> pd.DataFrame:
        """Solve once per value of one parameter (``setter(self, value)``); one row per value with
        the plan metrics and each site's largest IT capacity (MW). ``reset`` is applied at the end."""
        return self.grid({name: (setter, list(values))}, reset={name: reset} if reset is not None else None)

    def grid(
        self, axes: Mapping[str, tuple[Setter, Sequence[float]]], reset: Mapping[str, float] | None = None
    ) -> pd.DataFrame:
        """Solve every combination of parameter values (warm re-solves, no marginal costs); one
        row per case with a column per parameter, the plan metrics and site IT MW (``mw_<site>``)."""
        rows = []
        names = list(axes)
        for values in itertools.product(*(axes[name][1] for name in names)):
            for name, value in zip(names, values, strict=True):
                axes[name][0](self, value)
            result = self.solve(marginal_costs=False)
            capacity = {f"mw_{site}": mw for site, mw in site_capacity(result).items()}
            rows.append({**dict(zip(names, values, strict=True)), **plan_metrics(result), **capacity})
        for name, value in (reset or {}).items():
            axes[name][0](self, value)
        return pd.DataFrame(rows)

    def break_even_energy_price(
        self, site: str, option: str = "grid", low: float = 0.0, high: float = 300.0, tolerance: float = 1.0
    ) -> BreakEven:
        """Bisect the site's electricity price (USD/MWh) between ``low`` and ``high`` over warm
        re-solves to the price at which the site enters or leaves the plan, to within ``tolerance``.
        The price is restored afterwards. Raises ValueError if the site is in (or out of) the plan
        at both ends."""
        base = self.energy_price(site, option)
        history = []

        def in_plan(price: float) -> bool:
            self.set_energy_price(site, option, price)
            result = self.solve(marginal_costs=False)
            mw = float(site_capacity(result).get(site, 0.0))
            history.append(
                {
                    "price_usd_per_mwh": price,
                    "it_mw": mw,
                    "cost_per_mtok_usd": plan_metrics(result)["cost_per_mtok_usd"],
                }
            )
            return mw > IN_PLAN_MW

        try:
            at_low, at_high = in_plan(low), in_plan(high)
            if at_low == at_high:
                state = "in" if at_low else "out of"
                raise ValueError(f"{site} is {state} the plan at both ${low}/MWh and ${high}/MWh: widen the range")
            while high - low > tolerance:
                middle = (low + high) / 2.0
                if in_plan(middle) == at_low:
                    low = middle
                else:
                    high = middle
        finally:
            self.set_energy_price(site, option, base)
            self.result = None
        return BreakEven(site, option, (low + high) / 2.0, low, high, at_low, pd.DataFrame(history))
