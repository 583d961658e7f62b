"""Marginal cost per Mtok (demand duals) against a finite difference of the total cost, on LPs."""

from __future__ import annotations

import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions
from tests.factory import micro, rich, write_scenario

LP = SolveOptions(relax="all", mip_gap=1e-9)
STEP = 1e-4  # relative demand increase


def predicted_change_usd(planner: Planner, result, region: str) -> float:
    """Cost change (USD) the reported marginal costs predict for demand of ``region`` x (1 + STEP)."""
    data = planner.data
    annual = result.tables["demand"].groupby(["region", "workload", "year"])["demand_mtok"].sum()
    total = 0.0
    for row in result.tables["marginal_costs"].query("region == @region").itertuples():
        weight = data.discount[row.year] * data.year_weight[row.year]
        total += row.usd_per_mtok * annual[row.region, row.workload, row.year] * STEP * weight
    return total


@pytest.mark.parametrize("region", ["r", "far"])
def test_marginal_cost_matches_finite_difference(tmp_path, region):
    planner = Planner.from_file(write_scenario(tmp_path, rich()), LP)
    base = planner.solve()
    assert len(base.tables["marginal_costs"]) == 8  # 2 regions x 2 classes x 2 years
    predicted = predicted_change_usd(planner, base, region)
    planner.scale_demand(1.0 + STEP, region=region)
    up = planner.solve().summary["objective_usd"] - base.summary["objective_usd"]
    planner.scale_demand(1.0 - STEP, region=region)
    down = base.summary["objective_usd"] - planner.solve().summary["objective_usd"]
    assert predicted > 0
    # the dual is a derivative: equal to both one-sided differences away from a breakpoint
    assert up == pytest.approx(predicted, rel=1e-4)
    assert down == pytest.approx(predicted, rel=1e-4)


def test_marginal_cost_by_hand(tmp_path):
    """Micro: wacc 0, $10,000 accelerators over 5 years, 1,000 tok/s each, free power and site:
    one more Mtok/s all year needs 1,000 accelerators = $2M/year for 31.536e6 Mtok."""
    result = Planner.from_file(write_scenario(tmp_path, micro()), LP).solve()
    (usd,) = result.tables["marginal_costs"]["usd_per_mtok"]
    assert usd == pytest.approx(2e6 / (8760 * 3600), rel=1e-9)
