"""Turn a case's parameter values into model changes: warm (mutable Params of a live planner)
or structural (new scenario inputs, hence a new model; the input-change half lives in
:mod:`aidc.optimizer.planner.changes`, shared with stochastic outcomes).
"""

from __future__ import annotations

from collections.abc import Iterable

from aidc.optimizer.planner.changes import (
    LOCKED_SETTINGS,
    Change,
    as_input_changes,
    derive_inputs,
    filters_of,
    is_warm,
    parameter_issues,
    with_changes,
)
from aidc.optimizer.planner.parameters import WARM_PARAMETERS, Key, parse_kind
from aidc.optimizer.planner.planner import Planner

__all__ = [
    "LOCKED_SETTINGS",
    "Change",
    "WarmState",
    "as_input_changes",
    "base_state",
    "derive_inputs",
    "filters_of",
    "is_warm",
    "parameter_issues",
    "push_state",
    "warm_state",
    "with_changes",
]


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
