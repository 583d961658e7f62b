"""Turn a case's parameter values into model changes: warm (mutable Params of a live planner)
or structural (new scenario inputs, hence a new model).

Every parameter can be written as input changes (settings and catalog overrides); that form is
used for structural kinds, for rebuild-per-case sweeps, and is what warm changes must equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import CATALOG_ROWS, Override, ScenarioConfig
from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.inputs.loading import apply_overrides, apply_selection, describe_pydantic_error
from aidc.optimizer.planner.parameters import WARM_PARAMETERS, Key, parse_kind, sweep_kinds
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.sweep.spec import Parameter

LOCKED_SETTINGS = ("catalogs", "overrides", "name")  # cannot be varied case by case
Change = tuple[Parameter, Any]  # a parameter and its value in one case


def is_warm(parameter: Parameter, inputs: ScenarioInputs) -> bool:
    """True if the parameter only changes mutable Params of a built model (a warm parameter that
    this scenario does not make structural, e.g. accelerator prices under a capex budget)."""
    if parameter.kind not in sweep_kinds():
        return False
    warm, _ = parse_kind(parameter.kind)
    return not warm.is_structural(inputs.config)


def filters_of(parameter: Parameter) -> dict[str, Any]:
    """The filter fields of a warm-kind parameter that are set."""
    warm, _ = parse_kind(parameter.kind)
    return {name: getattr(parameter, name) for name in warm.keys if getattr(parameter, name) is not None}


def as_input_changes(changes: Iterable[Change], config: ScenarioConfig) -> tuple[dict[str, Any], list[Override]]:
    """The scenario settings and catalog overrides equivalent to ``changes`` (in order)."""
    settings: dict[str, Any] = {}
    overrides: list[Override] = []
    for parameter, value in changes:
        if parameter.kind == "setting":
            settings[str(parameter.setting)] = value
        elif parameter.kind == "catalog":
            mode = "scale" if parameter.mode == "scale" else "set"
            overrides.append(
                Override(catalog=str(parameter.catalog), where=parameter.where, **{mode: {parameter.column: value}})
            )
        else:
            warm, scale = parse_kind(parameter.kind)
            current = config.model_copy(update=settings)
            more_settings, more_overrides = warm.input_change(current, value, filters_of(parameter), scale)
            settings.update(more_settings)
            overrides += more_overrides
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
    settings, overrides = as_input_changes(changes, inputs.config)
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
        _, overrides = as_input_changes([(parameter, 1.0)], inputs.config)
        if not overrides:  # a scenario setting
            continue
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


WarmState = dict[str, dict[Key, float]]
"""Value of every entry of every warm parameter (in its unit), by parameter name."""


def base_state(planner: Planner) -> WarmState:
    """The values the planner was built with."""
    return {name: dict(p.base(planner.data)) for name, p in WARM_PARAMETERS.items()}


def warm_state(base: WarmState, changes: Iterable[Change]) -> WarmState:
    """``base`` with the warm changes applied in order (set, or scale what is there)."""
    state = {name: dict(values) for name, values in base.items()}
    for parameter, value in changes:
        warm, scale = parse_kind(parameter.kind)
        entries = state[warm.name]
        for key in warm.matching(entries, filters_of(parameter)):
            entries[key] = entries[key] * value if scale else float(value)
    return state


def push_state(planner: Planner, new: WarmState, old: WarmState) -> None:
    """Change in the planner only the entries whose value differs between ``old`` and ``new``."""
    for name, values in new.items():
        changed = {key: value for key, value in values.items() if value != old[name][key]}
        if changed:
            planner.apply_values(name, changed)
