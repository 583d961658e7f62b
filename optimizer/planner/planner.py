"""The planner: one scenario, one Pyomo model built once, solved (and re-solved) by a live solver."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyomo.environ as pyo

from aidc.models.data import PlanningData, prepare
from aidc.models.formulation.build import build_model
from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.planner.parameters import WARM_PARAMETERS, Key, warm_parameter, with_parameter_methods
from aidc.optimizer.planner.staged_mip import solve_staged
from aidc.optimizer.results.extract import PlanResult, extract_result
from aidc.optimizer.solve import (
    LiveModel,
    Progress,
    SilentProgress,
    SolveOptions,
    SolveOutcome,
    SolveStatus,
    open_session,
    raise_if_no_plan,
)

INTEGER_VARIABLES = ("units_bought", "site_open", "cooling_design", "halls")
BINARY_VARIABLES = ("site_open", "cooling_design")
MIP_CUTS = ("route_needs_open_site",)
"""Valid inequalities that only tighten the relaxation of the whole site decisions (they remove no
plan with whole sites). They are off in a pure LP (``relax="all"``: the LP relaxation as stated)
and in the LP with the integers fixed, where they are redundant and would share the demand
balance's duals, so the marginal costs would no longer be those duals."""


def relaxed_inputs(inputs: ScenarioInputs, relax: str) -> ScenarioInputs:
    """``inputs`` with continuous accelerator counts when ``relax`` is "units" or "all"."""
    return inputs.with_config(integer_units=False) if relax in ("units", "all") else inputs


def relax_binaries(model: pyo.ConcreteModel, relax: str) -> None:
    """Site and cooling choices between 0 and 1 when ``relax`` is "all" (a pure LP)."""
    if relax == "all":
        for name in BINARY_VARIABLES:
            getattr(model, name).domain = pyo.UnitInterval
        model.halls.domain = pyo.NonNegativeReals
        for name in MIP_CUTS:
            getattr(model, name).deactivate()


@with_parameter_methods
class Planner:
    """Builds the model of a scenario once and solves it; warm parameters change between solves.

    >>> planner = Planner.from_file("inputs/scenarios/baseline.yaml")   # doctest: +SKIP
    >>> result = planner.solve()                                       # doctest: +SKIP
    >>> planner.set_energy_price("texas", "grid", 80.0)                # doctest: +SKIP
    >>> planner.solve().summary["cost_per_mtok_usd"]                   # doctest: +SKIP

    The ``set_<name>``, ``scale_<name>`` and ``<name>`` methods come from the warm parameters of
    :mod:`aidc.optimizer.planner.parameters`.
    """

    def __init__(self, inputs: ScenarioInputs, options: SolveOptions | None = None, progress: Progress | None = None):
        self.options = options or SolveOptions()
        self.progress = progress or SilentProgress()
        inputs = relaxed_inputs(inputs, self.options.relax)
        self.inputs = inputs
        self.progress.stage("build")
        started = time.perf_counter()
        self.data: PlanningData = prepare(inputs)
        self.prepare_seconds = time.perf_counter() - started
        started = time.perf_counter()
        self.model = build_model(self.data)
        relax_binaries(self.model, self.options.relax)
        self.build_seconds = time.perf_counter() - started
        self._session: LiveModel | None = None
        self._values = {name: dict(p.base(self.data)) for name, p in WARM_PARAMETERS.items()}

    @classmethod
    def from_file(
        cls, path: str | Path, options: SolveOptions | None = None, progress: Progress | None = None, **load_options
    ) -> Planner:
        return cls(load_scenario(path, **load_options), options, progress)

    @property
    def session(self) -> LiveModel:
        """The live solver model (created on first use)."""
        if self._session is None:
            self.progress.stage(f"hand-over to {self.options.solver}")
            self._session = open_session(self.model, self.options.solver)
        return self._session

    def export_model(self, path: str | Path, names: bool = True) -> None:
        """Write the exact model handed to the solver (``.mps`` or ``.lp``), with Pyomo's variable
        and constraint names unless ``names`` is false (naming costs a few microseconds per column).
        The file is written beside ``path`` and renamed into place: it is complete or absent."""
        self.session.export(Path(path), names=names)

    def has_integers(self) -> bool:
        return any(not var.is_continuous() for name in INTEGER_VARIABLES for var in getattr(self.model, name).values())

    def optimise(self, options: SolveOptions | None = None) -> SolveOutcome:
        """Minimise the model's active objective (the staged MIP with whole units) and leave the
        plan in the model; SolveError when there is no plan. :meth:`solve` adds marginal costs and
        tables; near-optimal alternatives call it with other objectives active."""
        options = options or self.options
        if self.data.integer_units and options.relax == "none" and options.staged:
            outcome = solve_staged(self.model, self.session, options, self.progress)
        else:
            self.progress.stage("solve (LP)" if not self.has_integers() else "solve (MIP)")
            outcome = self.session.solve(options, lp=not self.has_integers(), progress=self.progress)
        raise_if_no_plan(outcome)
        return outcome

    def solve(self, options: SolveOptions | None = None) -> PlanResult:
        """Solve; with integers, also fix them and re-solve the LP for marginal costs."""
        options = options or self.options
        outcome = self.optimise(options)
        mip_outcome = outcome
        duals_available = not self.has_integers()
        if options.marginal_costs and self.has_integers():
            self.progress.stage("marginal costs (LP with the integers fixed)")
            outcome = self._resolve_with_integers_fixed(options)
            duals_available = outcome.status == SolveStatus.OPTIMAL
            if outcome.status == SolveStatus.INTERRUPTED:
                raise_if_no_plan(outcome)
        self.progress.stage("results")
        started = time.perf_counter()
        result = extract_result(
            self.model,
            self.data,
            self.inputs,
            mip_outcome=mip_outcome,
            final_outcome=outcome,
            duals=self._demand_duals() if duals_available else {},
            build_seconds=self.prepare_seconds + self.build_seconds,
        )
        result.summary["solver"] = options.solver
        result.timings.update(prepare_seconds=self.prepare_seconds, build_seconds=self.build_seconds)
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
        cuts = [getattr(self.model, name) for name in MIP_CUTS if getattr(self.model, name).active]
        for cut in cuts:
            cut.deactivate()
        try:
            return self.session.solve(options, lp=True, progress=self.progress)
        finally:
            for var, domain in fixed:
                var.unfix()
                var.domain = domain
            for cut in cuts:
                cut.activate()

    def _demand_duals(self) -> dict:
        constraints = list(self.model.demand_balance.values()) + list(self.model.deferrable_daily_balance.values())
        if not constraints:
            return {}
        return self.session.duals(constraints)

    # ----- warm parameters (named methods generated from aidc.optimizer.planner.parameters) -----
    def set_parameter(self, name: str, value: float, **filters: Any) -> None:
        """Set warm parameter ``name`` (in its unit) on every entry matching ``filters``; no rebuild."""
        parameter = warm_parameter(name)
        if parameter.set_requires is None:
            raise TypeError(f"{name} can only be scaled: use scale_{name}(factor, ...)")
        missing = [key for key in parameter.set_requires if filters.get(key) is None]
        if missing:
            raise TypeError(f"set_{name} needs {missing}")
        self.apply_values(name, {key: float(value) for key in parameter.matching(self._values[name], filters)})

    def scale_parameter(self, name: str, factor: float, **filters: Any) -> None:
        """Set warm parameter ``name`` to ``factor`` times its catalog value on every entry
        matching ``filters``; no rebuild."""
        parameter = warm_parameter(name)
        base = parameter.base(self.data)
        self.apply_values(name, {key: base[key] * float(factor) for key in parameter.matching(base, filters)})

    def apply_values(self, name: str, values: dict[Key, float]) -> None:
        """Write the given entries of warm parameter ``name`` (in its unit) into the model."""
        parameter = warm_parameter(name)
        if parameter.is_structural(self.inputs.config):
            raise ValueError(f"{name} cannot change in place in this scenario (a capex budget holds it): rebuild")
        for key, value in values.items():
            parameter.push(self.model, self.data, key, value)
            self._values[name][key] = value

    def catalog_value(self, name: str, **filters: Any) -> float:
        """The catalog value of warm parameter ``name`` at the one entry ``filters`` pick."""
        parameter = warm_parameter(name)
        base = parameter.base(self.data)
        keys = parameter.matching(base, filters)
        if len(keys) != 1:
            raise KeyError(f"{name}: {len(keys)} entries match {filters}; name {list(parameter.keys)}")
        return base[keys[0]]

    def parameter_values(self, name: str) -> dict[Key, float]:
        """Current value of every entry of warm parameter ``name`` (in its unit)."""
        return dict(self._values[name])
