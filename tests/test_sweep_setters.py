"""The warm setters added for sweeps agree with a fresh build, and a warm sweep case equals the
same case built from scratch."""

from __future__ import annotations

import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.sweep.spec import Parameter
from aidc.optimizer.sweep.variation import base_state, push_state, warm_state, with_changes
from tests.factory import rich, write_scenario

OPTIONS = SolveOptions(mip_gap=1e-9, marginal_costs=False)


def objective(planner: Planner) -> float:
    return planner.solve().summary["objective_usd"]


def test_unserved_penalty_and_carbon_by_year_match_rebuild(tmp_path):
    planner = Planner.from_file(write_scenario(tmp_path / "a", rich()), OPTIONS)
    planner.solve()
    planner.set_unserved_penalty(0.2)
    planner.set_carbon_price(10.0, year=2026)
    planner.set_carbon_price(80.0, year=2027)
    warm = objective(planner)
    spec = rich()
    spec["config"].update(unserved_penalty_usd_per_mtok=0.2, carbon_price_usd_per_t={2026: 10.0, 2027: 80.0})
    fresh = Planner.from_file(write_scenario(tmp_path / "b", spec), OPTIONS)
    assert warm == pytest.approx(objective(fresh), rel=1e-7)


def test_every_warm_kind_equals_its_input_change(tmp_path):
    """Each kind applied warm (Params changed in place, after another case) equals the same
    change written as settings/overrides and built anew; and going back restores the base."""
    changes = [
        (Parameter(kind="energy_price_scale", option="grid"), 1.4),
        (Parameter(kind="energy_price", site="south", option="solar"), 20.0),
        (Parameter(kind="accelerator_price_scale"), 1.2),
        (Parameter(kind="accelerator_price", accelerator="gpu"), 9000.0),
        (Parameter(kind="demand_scale", region="far"), 1.3),
        (Parameter(kind="demand_scale", workload="batch"), 0.9),
        (Parameter(kind="carbon_price"), 70.0),
        (Parameter(kind="unserved_penalty"), 0.3),
    ]
    planner = Planner.from_file(write_scenario(tmp_path / "a", rich()), OPTIONS)
    base = base_state(planner)
    base_objective = objective(planner)
    target = warm_state(base, changes)
    push_state(planner, target, base)
    warm = objective(planner)
    rebuilt = Planner(with_changes(planner.inputs, changes, "test"), OPTIONS)
    assert warm == pytest.approx(objective(rebuilt), rel=1e-7)
    assert warm != pytest.approx(base_objective, rel=1e-3)
    push_state(planner, base, target)
    assert objective(planner) == pytest.approx(base_objective, rel=1e-7)
