"""Turn a case's parameter values into model changes: warm (mutable Params of a live planner)
or structural (new scenario inputs, hence a new model).

Every parameter can be written as input changes (settings and catalog overrides); that form is
used for structural kinds, for rebuild-per-case sweeps, and is what warm changes must equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import CATALOG_ROWS, Override, ScenarioConfig
from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.inputs.loading import apply_overrides, apply_selection, describe_pydantic_error
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.sweep.spec import Parameter
from pydantic import ValidationError

WARM_KINDS = frozenset(
    {
        "energy_price",
        "energy_price_scale",
        "accelerator_price",
        "accelerator_price_scale",
        "demand_scale",
        "carbon_price",
        "unserved_penalty",
    }
)
LOCKED_SETTINGS = ("catalogs", "overrides", "name")  # cannot be varied case by case
Change = tuple[Parameter, Any]  # a parameter and its value in one case


def is_warm(parameter: Parameter, inputs: ScenarioInputs) -> bool:
    """True if the parameter only changes mutable Params of a built model.

    Accelerator prices are structural under a capex budget: the budget row uses the price as a
    constant coefficient, so a warm change would leave the budget at the old price."""
    if parameter.kind not in WARM_KINDS:
        return False
    return not (parameter.kind.startswith("accelerator_price") and inputs.config.capex_budget_usd)


def _filters(parameter: Parameter, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(parameter, name) for name in names if getattr(parameter, name) is not None}


def as_input_changes(changes: Iterable[Change]) -> tuple[dict[str, Any], list[Override]]:
    """The scenario settings and catalog overrides equivalent to ``changes`` (in order)."""
    settings: dict[str, Any] = {}
    overrides: list[Override] = []
    for parameter, value in changes:
        kind = parameter.kind
        if kind in ("energy_price", "energy_price_scale"):
            column, catalog, keys = "price_usd_per_mwh", "supply", ("site", "option")
        elif kind in ("accelerator_price", "accelerator_price_scale"):
            column, catalog, keys = "price_usd_per_accel", "accelerators", ("accelerator",)
        elif kind == "demand_scale":
            column, catalog, keys = "tokens_per_day_billion", "demand", ("region", "workload")
        elif kind == "carbon_price":
            settings["carbon_price_usd_per_t"] = value
            continue
        elif kind == "unserved_penalty":
            settings["unserved_penalty_usd_per_mtok"] = value
            continue
        elif kind == "setting":
            settings[str(parameter.setting)] = value
            continue
        else:  # catalog
            mode = "scale" if parameter.mode == "scale" else "set"
            overrides.append(
                Override(catalog=str(parameter.catalog), where=parameter.where, **{mode: {parameter.column: value}})
            )
            continue
        mode = "scale" if kind.endswith("_scale") else "set"
        overrides.append(Override(catalog=catalog, where=_filters(parameter, keys), **{mode: {column: value}}))
    return settings, overrides


def derive_inputs(
    inputs: ScenarioInputs, settings: Mapping[str, Any], overrides: list[Override], file: str
) -> ScenarioInputs:
    """``inputs`` with settings changed (a new ``select`` restricts the catalogs again) and
    overrides applied on top of the scenario's own; raises :class:`InputError`."""
    locked = sorted(set(settings) & set(LOCKED_SETTINGS))
    if locked:
        raise InputError([InputIssue(file, "settings", ",".join(locked), "cannot be changed by a sweep")])
    try:
        changed = inputs.with_config(**settings) if settings else inputs
    except ValidationError as exc:
        issues = [
            InputIssue(file, "settings", ".".join(map(str, e["loc"])), describe_pydantic_error(dict(e)))
            for e in exc.errors()
        ]
        raise InputError(issues) from None
    tables, issues = changed.tables, []
    if "select" in settings:
        tables, issues = apply_selection(tables, changed.config, file)
    if overrides and not issues:
        tables, issues = apply_overrides(tables, overrides, file)
    if issues:
        raise InputError(issues)
    return replace(changed, tables=tables)


def with_changes(inputs: ScenarioInputs, changes: Iterable[Change], file: str) -> ScenarioInputs:
    """``inputs`` with every change applied as input changes (the rebuild path)."""
    settings, overrides = as_input_changes(changes)
    return derive_inputs(inputs, settings, overrides, file)


def parameter_issues(parameters: Mapping[str, Parameter], inputs: ScenarioInputs, file: str) -> list[InputIssue]:
    """Filters that name no row of the base scenario, and settings that do not exist."""
    issues = []
    for name, parameter in parameters.items():
        location = f"parameters.{name}"
        if parameter.kind == "setting":
            if parameter.setting not in ScenarioConfig.model_fields or parameter.setting in LOCKED_SETTINGS:
                issues.append(
                    InputIssue(
                        file, location, "setting", f"not a scenario setting a sweep can vary: {parameter.setting!r}"
                    )
                )
            continue
        if parameter.kind in ("carbon_price", "unserved_penalty"):
            continue
        _, overrides = as_input_changes([(parameter, 1.0)])
        override = overrides[0]
        frame = inputs.tables.get(override.catalog)
        if frame is None or override.catalog not in CATALOG_ROWS:
            issues.append(
                InputIssue(file, location, "catalog", f"the base scenario has no catalog {override.catalog!r}")
            )
            continue
        columns = set(override.where) | set(override.set) | set(override.scale)
        unknown = sorted(columns - set(CATALOG_ROWS[override.catalog].model_fields))
        if unknown:
            issues.append(InputIssue(file, location, ",".join(unknown), f"not a column of {override.catalog}"))
            continue
        mask = frame.index == frame.index
        for column, value in override.where.items():
            mask &= (frame[column] == value).to_numpy()
        if not mask.any():
            issues.append(
                InputIssue(file, location, "where", f"matches no row of {override.catalog}: {override.where}")
            )
    return issues


@dataclass
class WarmState:
    """Values of the mutable Params a sweep changes (units of the planner's setters)."""

    energy: dict[tuple[str, str], float]  # USD/MWh by (site, option)
    accelerators: dict[str, float]  # USD per accelerator
    demand: dict[tuple[str, str], float]  # factor on base demand by (region, workload)
    carbon: float | dict[int, float] = field(default_factory=dict)  # USD/t
    penalty: float = 0.0  # USD/Mtok


def base_state(planner: Planner) -> WarmState:
    """The values the planner was built with."""
    data = planner.data
    return WarmState(
        energy=dict(data.supply_price),
        accelerators={a: data.accel_price[a] * 1000.0 for a in data.accelerators},
        demand={(r, k): 1.0 for (r, k, _, _) in data.demand},
        carbon=dict(data.carbon_price),
        penalty=data.unserved_penalty,
    )


def _target(state: WarmState, parameter: Parameter) -> tuple[dict, tuple[str | None, ...]]:
    """The state entries a warm parameter changes, and its filters (None matches anything)."""
    if parameter.kind.startswith("energy_price"):
        return state.energy, (parameter.site, parameter.option)
    if parameter.kind.startswith("accelerator_price"):
        return state.accelerators, (parameter.accelerator,)
    return state.demand, (parameter.region, parameter.workload)


def _matching(keys: Iterable[Any], filters: tuple[str | None, ...]) -> list[Any]:
    def fits(key: Any) -> bool:
        parts = key if isinstance(key, tuple) else (key,)
        return all(f is None or f == part for f, part in zip(filters, parts, strict=True))

    found = [key for key in keys if fits(key)]
    if not found:
        raise KeyError(f"no entry of the model matches {filters}")
    return found


def warm_state(base: WarmState, changes: Iterable[Change]) -> WarmState:
    """``base`` with the warm changes applied in order (set, or scale what is there)."""
    state = WarmState(dict(base.energy), dict(base.accelerators), dict(base.demand), base.carbon, base.penalty)
    for parameter, value in changes:
        if parameter.kind == "carbon_price":
            state.carbon = float(value)
        elif parameter.kind == "unserved_penalty":
            state.penalty = float(value)
        else:
            target, filters = _target(state, parameter)
            for key in _matching(target, filters):
                target[key] = target[key] * value if parameter.kind.endswith("_scale") else float(value)
    return state


def push_state(planner: Planner, new: WarmState, old: WarmState) -> None:
    """Change in the planner only the Params whose value differs between ``old`` and ``new``."""
    for (site, option), price in new.energy.items():
        if price != old.energy[site, option]:
            planner.set_energy_price(site, option, price)
    for accelerator, price in new.accelerators.items():
        if price != old.accelerators[accelerator]:
            planner.set_accelerator_price(accelerator, price)
    for (region, workload), factor in new.demand.items():
        if factor != old.demand[region, workload]:
            planner.scale_demand(factor, region=region, workload=workload)
    if new.carbon != old.carbon:
        planner.set_carbon_price(new.carbon)
    if new.penalty != old.penalty:
        planner.set_unserved_penalty(new.penalty)
