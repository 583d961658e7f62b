"""The reported cost, recomputed independently from the written tables and the raw inputs."""

from __future__ import annotations

import json

import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.results.run_folder import write_run
from aidc.optimizer.solve import SolveOptions
from tests.factory import rich, write_scenario
from tests.recompute import recompute_objective_usd


@pytest.mark.parametrize("relax", ["none", "all"])
def test_objective_recomputed_from_tables(tmp_path, relax):
    scenario = write_scenario(tmp_path / "in", rich())
    result = Planner.from_file(scenario, SolveOptions(relax=relax, mip_gap=1e-6)).solve()
    run = write_run(tmp_path / "run", result.summary, result.tables)
    summary = json.loads((run / "summary.json").read_text())
    recomputed = recompute_objective_usd(scenario, run)
    assert recomputed == pytest.approx(summary["objective_usd"], rel=1e-6)
    # the rich case exercises every component
    used = {k for k, v in summary["cost_breakdown_usd"].items() if abs(v) > 1}
    assert {"accelerators", "facility", "cooling", "interconnect", "energy", "delivery", "carbon"} <= used
