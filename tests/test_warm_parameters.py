"""Every warm parameter, changed in place on a built planner, equals a rebuild from the same input
change (``WarmParameter.input_change``: a catalog override or a scenario setting).

The cases are generated from ``WARM_PARAMETERS``: each declaration, each of its kinds (``set_<name>``
when it can be set, ``scale_<name>``) and each choice of filters (none, each subset of its keys), so
a new declaration is tested without touching this file. The sweep path (kinds, ``warm_state`` /
``push_state``, ``with_changes``) is checked the same way, every kind at once.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from aidc.optimizer.planner.parameters import WARM_PARAMETERS, Key, WarmParameter, sweep_kinds
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.sweep.spec import Parameter
from aidc.optimizer.sweep.variation import base_state, derive_inputs, push_state, warm_state, with_changes
from aidc.optimizer.whatif import WhatIf
from tests.factory import rich, write_scenario

OPTIONS = SolveOptions(mip_gap=1e-9, marginal_costs=False)
FACTOR = 1.5  # every change: a factor, or a value 1.5 times the chosen entry's catalog value


def _subsets(keys: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [combo for size in range(len(keys) + 1) for combo in itertools.combinations(keys, size)]


def _cases() -> list[tuple[str, str, tuple[str, ...]]]:
    """(parameter, "set" or "scale", filter fields) for every declaration."""
    cases = []
    for name, parameter in WARM_PARAMETERS.items():
        if parameter.set_requires is not None:
            required = set(parameter.set_requires)
            cases += [(name, "set", fields) for fields in _subsets(parameter.keys) if required <= set(fields)]
        cases += [(name, "scale", fields) for fields in _subsets(parameter.keys)]
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    """rich(): two sites, two years, two slices, a PPA, a carbon price, unserved demand."""
    return write_scenario(tmp_path_factory.mktemp("rich"), rich())


def _entry(parameter: WarmParameter, planner: Planner) -> Key:
    """The entry whose key fields name the filters: the largest catalog value, so the change shows."""
    base = parameter.base(planner.data)
    return max(sorted(base), key=lambda key: base[key])


def _objective(planner: Planner) -> float:
    return planner.solve().summary["objective_usd"]


def test_the_cases_cover_every_declaration_and_kind():
    kinds = {(name, mode) for name, mode, _ in CASES}
    for name, parameter in WARM_PARAMETERS.items():
        assert (name, "scale") in kinds
        assert ((name, "set") in kinds) == (parameter.set_requires is not None)
        assert hasattr(Planner, f"scale_{name}") and hasattr(WhatIf, f"scale_{name}")
        assert hasattr(Planner, f"set_{name}") == (parameter.set_requires is not None)
        assert f"{name}_scale" in sweep_kinds()


@pytest.mark.parametrize("name, mode, fields", CASES, ids=[f"{n}-{m}-{'+'.join(f) or 'all'}" for n, m, f in CASES])
def test_warm_change_equals_rebuild(scenario, name, mode, fields):
    parameter = WARM_PARAMETERS[name]
    planner = Planner.from_file(scenario, OPTIONS)
    base_objective = _objective(planner)  # the model now lives in HiGHS: the change below is warm
    key = _entry(parameter, planner)
    filters = {field: key[parameter.keys.index(field)] for field in fields}
    if mode == "set":
        value = FACTOR * parameter.base(planner.data)[key]
        required = [filters[field] for field in parameter.set_requires]
        optional = {field: value for field, value in filters.items() if field not in parameter.set_requires}
        getattr(planner, f"set_{name}")(*required, value, **optional)
    else:
        value = FACTOR
        getattr(planner, f"scale_{name}")(value, **filters)
    warm = _objective(planner)

    settings, overrides = parameter.input_change(planner.inputs.config, value, filters, mode == "scale")
    rebuilt = Planner(derive_inputs(planner.inputs, settings, overrides, "test"), OPTIONS)
    assert warm == pytest.approx(_objective(rebuilt), rel=1e-7)
    assert warm != pytest.approx(base_objective, rel=1e-4), "the change moved nothing: the case proves nothing"


def test_every_sweep_kind_at_once_equals_rebuild_and_goes_back(scenario):
    """Each sweep kind applied warm (Params changed in place, after the base case) equals the same
    changes written as settings/overrides and built anew; going back restores the base."""
    planner = Planner.from_file(scenario, OPTIONS)
    changes = []
    for kind, (_, required, _) in sweep_kinds().items():
        parameter = WARM_PARAMETERS[kind.removesuffix("_scale")]
        key = _entry(parameter, planner)
        filters = {field: key[parameter.keys.index(field)] for field in required}
        value = FACTOR if kind.endswith("_scale") else FACTOR * parameter.base(planner.data)[key]
        changes.append((Parameter(kind=kind, **filters), value))
    base = base_state(planner)
    base_objective = _objective(planner)
    target = warm_state(base, changes)
    push_state(planner, target, base)
    warm = _objective(planner)
    rebuilt = Planner(with_changes(planner.inputs, changes, "test"), OPTIONS)
    assert warm == pytest.approx(_objective(rebuilt), rel=1e-7)
    assert warm != pytest.approx(base_objective, rel=1e-3)
    push_state(planner, base, target)
    assert _objective(planner) == pytest.approx(base_objective, rel=1e-7)


def test_a_parameter_made_structural_by_the_scenario_refuses_a_warm_change(tmp_path):
    spec = rich()
    spec["config"]["capex_budget_usd"] = {2026: 1e9, 2027: 1e9}  # the budget row holds accelerator prices
    planner = Planner.from_file(write_scenario(tmp_path, spec), OPTIONS)
    structural = [p for p in WARM_PARAMETERS.values() if p.is_structural(planner.inputs.config)]
    assert [p.name for p in structural] == ["accelerator_price"]
    with pytest.raises(ValueError, match="rebuild"):
        planner.scale_accelerator_price(1.2)
