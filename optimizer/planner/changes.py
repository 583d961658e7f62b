"""Changes to a scenario, shared by sweeps and stochastic outcomes: a :class:`Parameter` says what
an input is (a warm kind such as ``demand_scale``, or ``setting`` / ``catalog``), a value says what
it becomes; :func:`with_changes` turns changes into new scenario inputs (the rebuild path).

Every parameter can be written as input changes (settings and catalog overrides); that form is
used for structural kinds, for rebuild-per-case sweeps and for the outcomes of a stochastic
programme, and is what warm changes must equal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import CATALOG_KEYS, CATALOG_ROWS, Override, ScenarioConfig
from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.inputs.loading import (
    REFERENCES,
    apply_overrides,
    apply_selection,
    check_references,
    describe_pydantic_error,
    duplicate_issues,
    pydantic_issues,
    setting_issues,
    year_coverage_issues,
)
from aidc.optimizer.planner.parameters import parse_kind, sweep_kinds

# kind -> (unit of the value, filter fields the kind requires, filter fields it accepts): the warm
# parameters' kinds (declared once in aidc.optimizer.planner.parameters) plus two structural kinds
KINDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    **sweep_kinds(),
    "setting": ("a scenario setting's value", ("setting",), ("setting",)),
    "catalog": ("the column's value or factor", ("catalog", "column"), ("catalog", "where", "column", "mode")),
}
FILTERS = (
    "site",
    "option",
    "accelerator",
    "region",
    "workload",
    "year",
    "setting",
    "catalog",
    "where",
    "column",
    "mode",
)
MAX_VALUE = 1e12  # largest magnitude of a numeric parameter's value (as the catalogs' sanity bounds)
POSITIVE_KINDS = (*(kind for kind in sweep_kinds() if kind.endswith("_scale")), "unserved_penalty")
# cannot be varied case by case (a sweep solves each case as stated: an uncertainty block would be ignored)
LOCKED_SETTINGS = ("catalogs", "overrides", "name", "uncertainty")


class Parameter(BaseModel):
    """One varied input: what it changes (``kind`` and filters); its value comes with each use."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    site: str | None = None
    option: str | None = None
    accelerator: str | None = None
    region: str | None = None
    workload: str | None = None
    year: int | None = None
    setting: str | None = None  # a ScenarioConfig field (kind: setting)
    catalog: str | None = None  # kind: catalog
    where: dict[str, str | int | float | bool] = Field(default_factory=dict)
    column: str | None = None
    mode: Literal["set", "scale"] = "set"

    @model_validator(mode="after")
    def _filters_fit_kind(self) -> Parameter:
        if self.catalog is not None and self.catalog not in CATALOG_ROWS:
            raise ValueError(f"catalog: expected a catalog name, one of {sorted(CATALOG_ROWS)}; found {self.catalog!r}")
        _, required, accepted = KINDS[self.kind]
        missing = [name for name in required if getattr(self, name) in (None, {})]
        if missing:
            raise ValueError(f"kind {self.kind!r} needs {missing}")
        extra = [name for name in FILTERS if name not in accepted and getattr(self, name) not in (None, {}, "set")]
        if extra:
            raise ValueError(f"kind {self.kind!r} does not take {extra}; it takes {list(accepted) or 'no filter'}")
        return self

    @property
    def numeric(self) -> bool:
        return self.kind not in ("setting", "catalog")

    @property
    def scales(self) -> bool:
        """True if the value is a factor on what is there (1 changes nothing)."""
        return self.kind.endswith("_scale") or (self.kind == "catalog" and self.mode == "scale")

    def definition(self) -> dict[str, Any]:
        """The fields that say what this parameter changes (for case ids)."""
        return self.model_dump(exclude_defaults=True) | {"kind": self.kind}


Change = tuple[Parameter, Any]  # a parameter and its value in one case


def value_problem(parameter: Parameter, value: Any) -> str | None:
    """What is wrong with ``value`` for ``parameter`` (None: fine): a numeric kind takes a finite
    number in range; a catalog column one cell's value (a factor in ``scale`` mode); a setting is
    checked when it is applied."""
    if parameter.kind == "catalog":
        return _cell_problem(parameter, value)
    if not parameter.numeric:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{parameter.kind} expects a number ({KINDS[parameter.kind][0]})"
    if not math.isfinite(value):
        return f"{parameter.kind} expects a finite number ({KINDS[parameter.kind][0]})"
    if abs(value) > MAX_VALUE:
        return f"{parameter.kind} expects a value of at most {MAX_VALUE:g}"
    if parameter.kind in POSITIVE_KINDS and value <= 0:
        return f"{parameter.kind} expects a value above 0"
    if value < 0:
        return f"{parameter.kind} expects a value of at least 0"
    return None


def _cell_problem(parameter: Parameter, value: Any) -> str | None:
    if parameter.mode == "scale":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "a scale factor must be a number"
        if not math.isfinite(value) or not 0 <= value <= MAX_VALUE:
            return f"a scale factor must be a finite number from 0 to {MAX_VALUE:g}"
        return None
    if not isinstance(value, str | int | float):  # bool is an int
        return "a catalog change sets one cell: expected text, a number or true/false"
    if isinstance(value, float) and not math.isfinite(value):
        return "a catalog change expects a finite number"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_VALUE:
        return f"a catalog change expects a number of at most {MAX_VALUE:g}"
    return None


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
        if not issues and any(_touches_ids(override) for override in overrides):
            issues = _id_issues(changed.tables, tables, inputs, file)
    if not issues and "workload_demand_scale" in settings:
        issues = setting_issues(changed.config, tables, file)
    if not issues and ("years" in settings or any(override.catalog == "demand" for override in overrides)):
        issues = year_coverage_issues(changed.config, tables, {"demand": str(inputs.sources.get("demand", file))})
    if issues:
        raise InputError(issues)
    return replace(changed, tables=tables)


def _touches_ids(override: Override) -> bool:
    """True if the override sets a column that identifies a row or refers to another catalog."""
    ids = set(CATALOG_KEYS.get(override.catalog, ()))
    ids |= {column for catalog, column, _, _ in REFERENCES if catalog == override.catalog}
    ids |= {column for _, _, target, column in REFERENCES if target == override.catalog}
    return bool(ids & set(override.set))


def _id_issues(before: dict[str, Any], after: dict[str, Any], inputs: ScenarioInputs, file: str) -> list[InputIssue]:
    """References and duplicate ids that the changed catalogs break (as the loader checks the
    scenario's own overrides), each named by its catalog file."""
    files = {name: str(inputs.sources.get(name, file)) for name in after}
    known = set(check_references(before, files))
    issues = [issue for issue in check_references(after, files) if issue not in known]
    for name, frame in after.items():
        if frame is not before.get(name):
            issues += duplicate_issues(frame, name, files[name])
    return [replace(issue, message=f"{issue.message} (after the change)") for issue in issues]


def with_changes(inputs: ScenarioInputs, changes: Iterable[Change], file: str) -> ScenarioInputs:
    """``inputs`` with every change applied as input changes (the rebuild path)."""
    try:
        settings, overrides = as_input_changes(changes, inputs.config)
    except ValidationError as exc:  # a value no catalog override can hold (value_problem screens most)
        raise InputError(pydantic_issues(exc, file, "change")) from None
    return derive_inputs(inputs, settings, overrides, file)


def parameter_issues(
    parameters: Mapping[str, Parameter], inputs: ScenarioInputs, file: str, prefix: str = "parameters"
) -> list[InputIssue]:
    """Filters that name no row of the base scenario, and settings that do not exist (each issue
    located at ``<prefix>.<name>``)."""
    issues = []
    for name, parameter in parameters.items():
        location = f"{prefix}.{name}"
        if parameter.kind == "setting":
            if parameter.setting not in ScenarioConfig.model_fields or parameter.setting in LOCKED_SETTINGS:
                issues.append(
                    InputIssue(
                        file, location, "setting", f"not a scenario setting a sweep can vary: {parameter.setting!r}"
                    )
                )
            continue
        if parameter.year is not None and parameter.year not in inputs.config.years:
            issues.append(
                InputIssue(file, location, "year", f"{parameter.year} is not a planned year {inputs.config.years}")
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
