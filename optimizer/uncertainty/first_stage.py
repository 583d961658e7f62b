"""The here-and-now decisions of a model: the entries of its declared first-stage variables
(``aidc.models.formulation.core.declare_first_stage``) decided in the commitment years, and the
year-less ones (a site's cooling design). A plan's first stage is a mapping key -> value, where
key = (variable name, index); it can be read from one model and pinned in another (the same key
names the same decision).

Dated entries are held at the plan's value in every outcome. Year-less entries are not held:
they are here-and-now exactly where the dated decisions need them (2026 capacity under a design
forces that design in every outcome, through the model's own constraints) and open elsewhere.
Holding them all would commit the design of every site, including those a plan only builds
later: measured on whatif-small-uncertain, holding "no design" for the sites the mean-forecast
plan did not build in 2026 left 29% of the high outcome's demand unserved, and holding the
designs it chose for sites built in 2028-30 cost it $89M of regret in the high outcome; neither
is a decision made in 2026. Plans still report their year-less decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

Key = tuple[str, Any]  # (variable name, index)
FirstStagePlan = dict[Key, float]


@dataclass
class HereAndNow:
    """The plan a method found (extensive form or progressive hedging) and how: method-specific
    facts for the summary."""

    plan: FirstStagePlan
    facts: dict[str, Any]


PIN_TOLERANCE = 1e-9  # a plan value below this is a decision not taken


class PlanNotRepresentable(Exception):
    """The plan takes a decision (non-zero) that the model has no variable for."""


@dataclass(frozen=True)
class FirstStageVariables:
    """A model's first-stage entries: ``dated`` (decided in a commitment year) and ``year_less``."""

    dated: dict[Key, Any]
    year_less: dict[Key, Any]

    def all(self) -> dict[Key, Any]:
        return {**self.dated, **self.year_less}


def first_stage_variables(block: pyo.Block, commitment_years: Iterable[int]) -> FirstStageVariables:
    """The first-stage entries of ``block`` (a model built by ``build_model``) decided in
    ``commitment_years`` or year-less, keyed by (variable name, index), in declaration order."""
    years = set(commitment_years)
    dated: dict[Key, Any] = {}
    year_less: dict[Key, Any] = {}
    for declared in block.first_stage:
        name = declared.component.local_name
        for index, var in declared.component.items():
            year = declared.year(index)
            if year is None:
                year_less[name, index] = var
            elif year in years:
                dated[name, index] = var
    return FirstStageVariables(dated, year_less)


def value_of(var: Any) -> float:
    """A variable's value as a plan holds it (integers rounded; none or noise counts as 0)."""
    value = float(var.value or 0.0)
    if not var.is_continuous():
        value = float(round(value))
    return value if abs(value) > PIN_TOLERANCE else 0.0


def plan_of(variables: FirstStageVariables) -> FirstStagePlan:
    """The first-stage plan now loaded in ``variables``."""
    return {key: value_of(var) for key, var in variables.all().items()}


@contextmanager
def pinned(variables: FirstStageVariables, plan: Mapping[Key, float]) -> Iterator[None]:
    """Hold the dated entries at the plan's values (entries the plan lacks at 0) by bounds (not
    fixing: the staged MIP fixes and unfixes binaries), restoring the bounds afterwards; year-less
    entries stay free (module docstring). :class:`PlanNotRepresentable` if the plan takes a dated
    decision these variables lack."""
    dated = variables.dated
    year_less = {key for key in plan if key not in dated and key in variables.year_less}
    missing = sorted(
        str(k) for k, v in plan.items() if k not in dated and k not in year_less and abs(v) > PIN_TOLERANCE
    )
    if missing:
        raise PlanNotRepresentable(
            f"the plan takes {len(missing)} decision(s) this outcome has no option for, e.g. {missing[0]}"
        )
    saved = [(var, var.lb, var.ub) for var in dated.values()]
    try:
        for key, var in dated.items():
            value = plan.get(key, 0.0)
            var.setlb(value)
            var.setub(value)
        yield
    finally:
        for var, lower, upper in saved:
            var.setlb(lower)
            var.setub(upper)
