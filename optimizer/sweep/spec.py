"""The sweep spec (YAML): a base scenario, the parameters to vary and how to pick their values.

Cases come from a full ``grid``, an explicit list of ``cases`` and/or a ``sample`` (Latin
hypercube or Monte Carlo with a seed) over ranges, plus the unchanged base case. Each case's id
is a short hash of its canonical JSON (parameter definitions and values), so the same case
always gets the same id and a resumed sweep recognises it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.errors import InputError, InputIssue, plain
from aidc.optimizer.inputs.loading import pydantic_issues, read_yaml_mapping
from aidc.optimizer.planner.changes import KINDS, Parameter, value_problem, with_changes

__all__ = [
    "KINDS",
    "Case",
    "Parameter",
    "Sample",
    "SweepSpec",
    "case_id",
    "expand_cases",
    "load_spec",
    "value_issues",
    "value_uses",
]

ID_LENGTH = 12
MAX_CASES = 100_000  # cases one spec may define (counted before any is made)


class Sample(BaseModel):
    """Random cases: ``n`` points over ``ranges`` ({name: [low, high]}), reproducible by ``seed``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    method: Literal["lhs", "random"] = "lhs"
    n: int = Field(ge=1, le=MAX_CASES)
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    ranges: dict[str, tuple[float, float]] = Field(min_length=1)
    digits: int = Field(default=6, ge=1, le=15)  # significant digits kept (stable ids)

    @model_validator(mode="after")
    def _ordered(self) -> Sample:
        for name, (low, high) in self.ranges.items():
            if high < low:
                raise ValueError(f"range of {name!r}: low {low} is above high {high}")
        return self


class SweepSpec(BaseModel):
    """A sweep: the base scenario, changes common to every case, parameters, and the cases."""

    model_config = ConfigDict(extra="forbid")

    name: str = "sweep"
    base: str  # scenario YAML, relative to the spec file
    base_changes: dict[str, Any] = Field(default_factory=dict)  # scenario settings for every case
    include_base: bool = True  # also run the base scenario unchanged (the tornado's centre)
    parameters: dict[str, Parameter] = Field(min_length=1)
    grid: dict[str, list[Any]] = Field(default_factory=dict)
    cases: list[dict[str, Any]] = Field(default_factory=list)
    sample: Sample | None = None
    path: Path | None = Field(default=None, exclude=True)

    def base_path(self) -> Path:
        """The base scenario's path (relative paths are taken from the spec file's folder)."""
        base = Path(self.base)
        if not base.is_absolute() and self.path is not None:
            base = self.path.parent / base
        return base.resolve()


class Case(BaseModel):
    """One variant: a value for some parameters (the others keep their base value)."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    values: dict[str, Any]


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep spec; raises :class:`InputError` naming file, YAML path and field."""
    path = Path(path)
    raw = read_yaml_mapping(path)
    file = str(path)
    try:
        spec = SweepSpec.model_validate(raw)
    except ValidationError as exc:
        raise InputError(pydantic_issues(exc, file)) from None
    spec = spec.model_copy(update={"path": path.resolve()})
    issues = _reference_issues(spec, file)
    try:
        found = "\x00" not in spec.base and spec.base_path().is_file()
    except (OSError, RuntimeError):
        found = False
    if not found:
        issues.append(InputIssue(file, "base", "base", f"scenario file {plain(spec.base)} does not exist"))
    issues += _count_issues(spec, file)
    if issues:
        raise InputError(issues)
    return spec


def case_count(spec: SweepSpec) -> int:
    """How many cases the spec defines at most (before duplicates are merged), without making them."""
    grid = math.prod(len(values) for values in spec.grid.values()) if spec.grid else 0
    return int(spec.include_base) + grid + len(spec.cases) + (spec.sample.n if spec.sample else 0)


def _count_issues(spec: SweepSpec, file: str) -> list[InputIssue]:
    count = case_count(spec)
    if count <= MAX_CASES:
        return []
    parts = [f"grid {' x '.join(str(len(v)) for v in spec.grid.values())}"] if spec.grid else []
    parts += [f"{len(spec.cases)} cases"] if spec.cases else []
    parts += [f"sample of {spec.sample.n}"] if spec.sample else []
    return [
        InputIssue(
            file,
            "",
            "grid" if spec.grid else ("sample" if spec.sample else "cases"),
            f"{count:,} cases ({', '.join(parts)}); a sweep may have at most {MAX_CASES:,}: "
            "split it into several specs",
        )
    ]


def _reference_issues(spec: SweepSpec, file: str) -> list[InputIssue]:
    """Every name a case uses must be a declared parameter, with a value it can take."""
    issues = []
    blocks: list[tuple[str, dict[str, Any]]] = [(f"grid.{name}", {name: v}) for name, v in spec.grid.items()]
    blocks += [(f"cases[{i}]", case) for i, case in enumerate(spec.cases)]
    if spec.sample:
        blocks += [(f"sample.ranges.{name}", {name: list(v)}) for name, v in spec.sample.ranges.items()]
    for location, values in blocks:
        for name, value in values.items():
            parameter = spec.parameters.get(name)
            if parameter is None:
                issues.append(InputIssue(file, location, name, f"not a parameter; declared: {sorted(spec.parameters)}"))
                continue
            items = value if location.startswith(("grid", "sample")) else [value]
            if location.startswith("grid") and not items:
                issues.append(InputIssue(file, location, name, "a grid needs at least one value"))
            for item in items:
                problem = value_problem(parameter, item)
                if problem:
                    issues.append(InputIssue(file, location, name, f"{problem}; found {plain(item)}"))
    if spec.sample:
        issues += [
            InputIssue(file, f"sample.ranges.{name}", name, "random sampling needs a numeric parameter")
            for name in spec.sample.ranges
            if name in spec.parameters and not spec.parameters[name].numeric
        ]
    if not (spec.grid or spec.cases or spec.sample):
        issues.append(InputIssue(file, "", "grid", "no cases: give a grid, a list of cases or a sample"))
    return issues


APPLIED_KINDS = ("setting", "catalog")  # kinds whose values are checked by applying them to the base


def value_uses(spec: SweepSpec) -> dict[tuple[str, str], tuple[str, Any]]:
    """Each distinct (parameter, value) of a ``setting`` or ``catalog`` parameter, keyed by
    (name, canonical value), with where it is first used (``grid.<name>[j]``, ``cases[i]`` or
    ``sample.ranges.<name>``, in the order :func:`expand_cases` makes cases) and the value. A
    sampled range stands for its two ends (its values are not drawn here)."""
    uses: dict[tuple[str, str], tuple[str, Any]] = {}

    def add(location: str, name: str, value: Any) -> None:
        parameter = spec.parameters.get(name)
        if parameter is not None and parameter.kind in APPLIED_KINDS:
            uses.setdefault((name, _canonical(value)), (location, value))

    for name, values in spec.grid.items():
        for j, value in enumerate(values):
            add(f"grid.{name}[{j}]", name, value)
    for i, case in enumerate(spec.cases):
        for name, value in case.items():
            add(f"cases[{i}]", name, value)
    if spec.sample:
        for name, bounds in spec.sample.ranges.items():
            for value in bounds:
                add(f"sample.ranges.{name}", name, value)
    return uses


def _canonical(value: Any) -> str:
    """A value as a key: equal values of the same types give the same key (1, 1.0 and true differ)."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):  # mixed-type keys cannot be sorted
        return repr(value)


def value_issues(spec: SweepSpec, inputs: ScenarioInputs) -> tuple[list[InputIssue], int]:
    """Apply each distinct value of a ``setting`` or ``catalog`` parameter alone to the base
    ``inputs``, as a case applies it (no model is built); an issue naming the spec file, the
    first case using the value and the parameter for each value that cannot be applied, and how
    many values were applied. Values that are wrong only together with others are not seen."""
    file = str(spec.path or "sweep spec")
    issues = []
    uses = value_uses(spec)
    for (name, _), (location, value) in uses.items():
        try:
            with_changes(inputs, [(spec.parameters[name], value)], file)
        except InputError as error:
            issues.append(InputIssue(file, location, name, _refusal(value, error.issues, file)))
        except (ValueError, TypeError) as error:  # a value the override code cannot hold
            detail = f"{type(error).__name__}: {error}".splitlines()[0]
            issues.append(InputIssue(file, location, name, f"{plain(value)} cannot be applied: {detail}"))
    return issues, len(uses)


def _refusal(value: Any, issues: list[InputIssue], file: str) -> str:
    """Why ``value`` cannot be applied, from the first issue applying it raised."""
    if not issues:
        return f"{plain(value)} cannot be applied to the base scenario"
    first = issues[0]
    place = first.location.split(" on ", 1)[1] if first.location.startswith("overrides[") else first.location
    parts = [part for part in (first.file if first.file != file else "", place) if part]
    parts += [f"field '{first.field}'"] if first.field else []
    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
    return f"{plain(value)} cannot be applied to the base scenario: {', '.join(parts)}: {first.message}{more}"


def case_id(spec: SweepSpec, values: dict[str, Any]) -> str:
    """Short hash of the case's canonical JSON: each varied parameter's definition and value."""
    content = {name: {"parameter": spec.parameters[name].definition(), "value": values[name]} for name in values}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_LENGTH]


def expand_cases(spec: SweepSpec) -> list[Case]:
    """Every case of the spec, in a stable order, without duplicates (same id kept once)."""
    rows: list[dict[str, Any]] = [{}] if spec.include_base else []
    if spec.grid:
        names = list(spec.grid)
        rows += [dict(zip(names, combo, strict=True)) for combo in itertools.product(*spec.grid.values())]
    rows += [dict(case) for case in spec.cases]
    if spec.sample:
        rows += sample_values(spec.sample)
    cases: dict[str, Case] = {}
    for values in rows:
        identifier = case_id(spec, values)
        cases.setdefault(identifier, Case(case_id=identifier, values=values))
    return list(cases.values())


def sample_values(sample: Sample) -> list[dict[str, float]]:
    """``n`` points in the box of ``ranges``: Latin hypercube (one point per stratum of each
    range, strata shuffled independently) or plain uniform Monte Carlo; rounded to ``digits``."""
    rng = np.random.default_rng(sample.seed)
    names = list(sample.ranges)
    if sample.method == "lhs":
        strata = np.stack([rng.permutation(sample.n) for _ in names], axis=1)
        unit = (strata + rng.random((sample.n, len(names)))) / sample.n
    else:
        unit = rng.random((sample.n, len(names)))
    low = np.array([sample.ranges[name][0] for name in names])
    high = np.array([sample.ranges[name][1] for name in names])
    points = low + unit * (high - low)
    return [
        {name: float(f"{value:.{sample.digits}g}") for name, value in zip(names, row, strict=True)} for row in points
    ]
