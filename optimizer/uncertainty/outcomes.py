"""The outcomes of a scenario's ``uncertainty`` block: parsed, validated, and turned into inputs.

Each outcome's changes are sweep parameters with a value (``aidc.optimizer.planner.changes``), so
an outcome's scenario is the base scenario with those changes applied exactly as a sweep case
would be. The *mean outcome* (for the expected value of the expected-value solution, EEV) takes
the probability-weighted mean of each numeric change; an outcome that does not name a factor
change (``*_scale`` kinds, ``catalog`` in ``scale`` mode) counts it as 1. Changes that set a value
must appear in every outcome, and non-numeric values must agree, or the mean is undefined.
The mean is taken change by change: exact for changes that touch different entries (demand of one
year, prices), an approximation where two changes scale the same entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import RiskConfig
from aidc.optimizer.errors import InputError, InputIssue, plain
from aidc.optimizer.inputs.loading import pydantic_issues
from aidc.optimizer.planner.changes import (
    LOCKED_SETTINGS,
    Change,
    Parameter,
    parameter_issues,
    value_problem,
    with_changes,
)

OUTCOME_LOCKED_SETTINGS = (
    *LOCKED_SETTINGS,
    "years",
    "integer_units",
    "solve_time_limit_s",
    "solve_mip_gap",
)
"""Settings every outcome shares: they define the programme's structure (or how the whole
programme is solved), not an outcome."""
MEAN_OUTCOME = "mean"


@dataclass(frozen=True)
class Outcome:
    """One outcome: its probability and the changes (parameter, value) that make it."""

    name: str
    probability: float
    changes: dict[str, Change]  # change name -> (parameter, value)
    description: str = ""

    def change_list(self) -> list[Change]:
        return list(self.changes.values())


@dataclass(frozen=True)
class UncertaintySpec:
    """The validated uncertainty block of a scenario."""

    outcomes: tuple[Outcome, ...]
    mean: Outcome  # the mean outcome (probability 1)
    commitment_years: tuple[int, ...]
    risk: RiskConfig
    file: str

    @property
    def names(self) -> list[str]:
        return [outcome.name for outcome in self.outcomes]


def has_uncertainty(inputs: ScenarioInputs) -> bool:
    return inputs.config.uncertainty is not None


def load_uncertainty(inputs: ScenarioInputs) -> UncertaintySpec:
    """Parse and check the scenario's uncertainty block; :class:`InputError` naming the YAML path
    (``uncertainty.outcomes[i].changes.<name>``) and field of every problem found."""
    block = inputs.config.uncertainty
    file = str(inputs.path or inputs.config.name)
    if block is None:
        raise InputError([InputIssue(file, "", "uncertainty", "the scenario has no uncertainty block")])
    issues: list[InputIssue] = []
    outcomes: list[Outcome] = []
    definitions: dict[str, tuple[Parameter, str]] = {}  # change name -> (parameter, where first seen)
    for i, config in enumerate(block.outcomes):
        changes: dict[str, Change] = {}
        for name, raw in config.changes.items():
            location = f"uncertainty.outcomes[{i}].changes.{name}"
            change, problems = _parse_change(raw, file, location)
            issues += problems
            if change is None:
                continue
            parameter, value = change
            if parameter.kind == "setting" and parameter.setting in OUTCOME_LOCKED_SETTINGS:
                issues.append(InputIssue(file, location, "setting", f"{parameter.setting!r} cannot differ by outcome"))
                continue
            first = definitions.setdefault(name, (parameter, location))
            if first[0].definition() != parameter.definition():
                issues.append(
                    InputIssue(file, location, "kind", f"{name!r} is defined differently at {first[1]}; rename one")
                )
                continue
            changes[name] = (parameter, value)
        outcomes.append(Outcome(config.name, config.probability, changes, config.description))
    if not issues:
        first_seen = {name: parameter for name, (parameter, _) in definitions.items()}
        prefixes = {name: location.rsplit(".", 1)[0] for name, (_, location) in definitions.items()}
        for name, parameter in first_seen.items():
            issues += parameter_issues({name: parameter}, inputs, file, prefix=prefixes[name])
    mean = None
    if not issues:
        mean, mean_issues = _mean_outcome(outcomes, definitions, file)
        issues += mean_issues
    if not issues:
        assert mean is not None
        for i, outcome in enumerate(outcomes):
            issues += _derivation_issues(inputs, outcome, file, f"uncertainty.outcomes[{i}]")
        if not issues:
            first_seen = {name: location for name, (_, location) in definitions.items()}
            issues += _derivation_issues(inputs, mean, file, "uncertainty (mean outcome)", first_seen)
    if issues:
        raise InputError(issues)
    assert mean is not None
    return UncertaintySpec(tuple(outcomes), mean, tuple(block.commitment_years), block.risk, file)


_OVERRIDE_PLACE = re.compile(r"^overrides\[\d+\](\.set|\.scale)?\s*|^settings$")


def _derivation_issues(
    inputs: ScenarioInputs, outcome: Outcome, file: str, location: str, first_seen: dict[str, str] | None = None
) -> list[InputIssue]:
    """Problems of the scenario ``outcome`` makes, each at the YAML path of the change that causes
    it: on failure every change is applied alone to find the culprits (a problem only the changes
    together make is located at the outcome). ``first_seen`` (the mean outcome): each change's
    location in the file, and the messages say the value is the probability-weighted mean."""
    try:
        outcome_inputs(inputs, outcome)
        return []
    except InputError as error:
        together = error.issues
    issues: list[InputIssue] = []
    for name, change in outcome.changes.items():
        try:
            with_changes(inputs, [change], file)
        except InputError as error:
            place = first_seen[name] if first_seen else f"{location}.changes.{name}"
            issues += [_at_change(issue, file, place, change[1] if first_seen else None) for issue in error.issues]
    if issues:
        return issues
    return [
        InputIssue(file, f"{location}.changes", issue.field, f"the changes together: {_detail(issue)}")
        for issue in together
    ]


def _at_change(issue: InputIssue, file: str, place: str, mean_value: Any | None) -> InputIssue:
    detail = _detail(issue)
    if mean_value is not None:
        detail = f"the mean outcome's value {plain(mean_value)} (the probability-weighted mean) fails: {detail}"
    return InputIssue(file, place, "value", detail)


def _detail(issue: InputIssue) -> str:
    """An issue of a derived scenario in words: where in the catalogs (not the internal override
    or settings position) and what."""
    where = _OVERRIDE_PLACE.sub("", issue.location).strip()
    if issue.file and not issue.file.endswith((".yaml", ".yml")) and issue.file not in where:
        where = f"{Path(issue.file).name} {where}".strip()
    field = f"field '{issue.field}'" if issue.field else ""
    head = ", ".join(part for part in (where, field) if part)
    return f"{head}: {issue.message}" if head else issue.message


def _parse_change(raw: Any, file: str, location: str) -> tuple[Change | None, list[InputIssue]]:
    if not isinstance(raw, dict):
        return None, [InputIssue(file, location, "", "expected a mapping with kind, filters and value")]
    if "value" not in raw:
        return None, [InputIssue(file, location, "value", "a change needs a value")]
    value = raw["value"]
    try:
        parameter = Parameter.model_validate({k: v for k, v in raw.items() if k != "value"})
    except ValidationError as exc:
        return None, [
            InputIssue(file, location, issue.field or issue.location, issue.message)
            for issue in pydantic_issues(exc, file, "")
        ]
    problem = value_problem(parameter, value)
    if problem:
        return None, [InputIssue(file, location, "value", f"{problem}; found {plain(value)}")]
    return (parameter, value), []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mean_outcome(
    outcomes: list[Outcome], definitions: dict[str, tuple[Parameter, str]], file: str
) -> tuple[Outcome, list[InputIssue]]:
    """The probability-weighted mean of each change (factors absent from an outcome count as 1)."""
    issues = []
    changes: dict[str, Change] = {}
    for name, (parameter, location) in definitions.items():
        values = []
        for outcome in outcomes:
            if name in outcome.changes:
                values.append((outcome.probability, outcome.changes[name][1]))
            elif parameter.scales:
                values.append((outcome.probability, 1.0))
            else:
                issues.append(
                    InputIssue(
                        file,
                        location,
                        "value",
                        f"{name!r} sets a value, so every outcome must give it (the mean outcome needs one); "
                        f"missing in outcome {outcome.name!r}",
                    )
                )
                break
        else:
            if all(_is_number(value) for _, value in values):
                changes[name] = (parameter, sum(p * float(value) for p, value in values))
            elif all(value == values[0][1] for _, value in values):
                changes[name] = (parameter, values[0][1])
            else:
                issues.append(
                    InputIssue(
                        file, location, "value", f"{name!r} has different non-numeric values: the mean is undefined"
                    )
                )
    return Outcome(MEAN_OUTCOME, 1.0, changes, "probability-weighted mean of each change"), issues


def outcome_inputs(inputs: ScenarioInputs, outcome: Outcome) -> ScenarioInputs:
    """The deterministic scenario of ``outcome``: the base with the outcome's changes applied,
    named ``<scenario>.<outcome>``, without the uncertainty block."""
    file = str(inputs.path or inputs.config.name)
    changed = with_changes(inputs, outcome.change_list(), file)
    return changed.with_config(uncertainty=None, name=f"{inputs.config.name}.{outcome.name}"[:80])
