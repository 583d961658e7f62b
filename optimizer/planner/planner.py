"""The planner: one scenario, one Pyomo model built once, solved (and re-solved) by HiGHS."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

import pyomo.environ as pyo
from aidc.models.data import PlanningData, prepare
from aidc.models.formulation.build import build_model
from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.planner.staged_mip import solve_staged
from aidc.optimizer.results.extract import PlanResult, extract_result
from aidc.optimizer.solve.highs import HighsSession, SolveOptions, SolveOutcome, raise_if_no_plan

INTEGER_VARIABLES = ("units_bought", "site_open", "cooling_design")


class Planner:
    """Builds the model of a scenario once and solves it; parameters can change between solves.

    >>> planner = Planner.from_file("inputs/scenarios/baseline.yaml")   # doctest: +SKIP
    >>> result = planner.solve()                                       # doctest: +SKIP
    >>> result.summary["cost_per_mtok_usd"]                            # doctest: +SKIP
    """

    def __init__(self, inputs: ScenarioInputs, options: SolveOptions | None = None):
        self.options = options or SolveOptions()
        if self.options.relax in ("units", "all"):
            inputs = inputs.with_config(integer_units=False)
        self.inputs = inputs
        started = time.perf_counter()
        self.data: PlanningData = prepare(inputs)
        self.prepare_seconds = time.perf_counter() - started
        started = time.perf_counter()
        self.model = build_model(self.data)
        if self.options.relax == "all":
            for name in ("site_open", "cooling_design"):
                getattr(self.model, name).domain = pyo.UnitInterval
        self.build_seconds = time.perf_counter() - started
        self._session: HighsSession | None = None

    @classmethod
    def from_file(cls, path: str | Path, options: SolveOptions | None = None, **load_options) -> Planner:
        return cls(load_scenario(path, **load_options), options)

    @property
    def session(self) -> HighsSession:
        """The live HiGHS model (created on first use)."""
        if self._session is None:
            self._session = HighsSession(self.model)
        return self._session

    def export_model(self, path: str | Path, names: bool = True) -> None:
        """Write the exact model handed to HiGHS (``.mps`` or ``.lp``), with Pyomo's variable and
        constraint names unless ``names`` is false (naming costs a few microseconds per column)."""
        self.session.export(Path(path), names=names)

    def has_integers(self) -> bool:
        return any(not var.is_continuous() for name in INTEGER_VARIABLES for var in getattr(self.model, name).values())

    def solve(self, options: SolveOptions | None = None) -> PlanResult:
        """Solve; with integers, also fix them and re-solve the LP for marginal costs."""
        options = options or self.options
        session = self.session
        if self.data.integer_units and options.relax == "none" and options.staged:
            outcome = solve_staged(self, options)
        else:
            outcome = session.solve(options, lp=not self.has_integers())
        raise_if_no_plan(outcome)
        mip_outcome = outcome
        duals_available = not self.has_integers()
        if options.marginal_costs and self.has_integers():
            outcome = self._resolve_with_integers_fixed(options)
            duals_available = outcome.status == "optimal"
        started = time.perf_counter()
        result = extract_result(
            self,
            mip_outcome=mip_outcome,
            final_outcome=outcome,
            duals=self._demand_duals() if duals_available else {},
        )
        result.timings["extract_seconds"] = time.perf_counter() - started
        return result

    def _resolve_with_integers_fixed(self, options: SolveOptions) -> SolveOutcome:
        fixed = []
        for name in INTEGER_VARIABLES:
            for var in getattr(self.model, name).values():
                if not var.is_continuous():
                    fixed.append((var, var.domain))
                    value = round(var.value or 0.0)
                    var.domain = pyo.NonNegativeReals
                    var.fix(value)
        try:
            return self.session.solve(options, lp=True)
        finally:
            for var, domain in fixed:
                var.unfix()
                var.domain = domain

    def _demand_duals(self) -> dict:
        constraints = list(self.model.demand_balance.values()) + list(self.model.deferrable_daily_balance.values())
        if not constraints:
            return {}
        return self.session.duals(constraints)

    def set_energy_price(self, site: str, option: str, usd_per_mwh: float) -> None:
        """Change a supply option's price (its time-of-use shape kept); no rebuild."""
        base = self.data.supply_price[site, option]
        for h in self.data.slices:
            shape = self.data.energy_price[site, option, h] / base if base else 1.0
            self.model.energy_price[site, option, h] = usd_per_mwh * shape

    def scale_demand(self, factor: float, region: str | None = None, workload: str | None = None) -> None:
        """Multiply demand (optionally of one region and/or workload) by ``factor``; no rebuild."""
        for (r, k, y, h), param in self.model.demand.items():
            if (region is None or r == region) and (workload is None or k == workload):
                param.set_value(self.data.demand.get((r, k, y, h), 0.0) * factor)

    def set_accelerator_price(self, accelerator: str, usd_per_accel: float) -> None:
        """Change an accelerator's purchase price; its annual cost follows; no rebuild. A capex
        budget constraint keeps the catalog price (the sweep rebuilds when a budget is set)."""
        factor = self.data.accel_annual_factor[accelerator]
        self.model.accel_price_annual[accelerator] = usd_per_accel / 1000.0 * factor

    def set_carbon_price(self, usd_per_t: float | Mapping[int, float]) -> None:
        """Carbon price in USD/t: one value for every year, or a value by year; no rebuild."""
        for y in self.data.years:
            self.model.carbon_price[y] = usd_per_t[y] if isinstance(usd_per_t, Mapping) else usd_per_t

    def set_unserved_penalty(self, usd_per_mtok: float) -> None:
        """Change the penalty on unserved demand (USD per Mtok); no rebuild."""
        self.model.unserved_penalty = usd_per_mtok
