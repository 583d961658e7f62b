"""Faults survived: time limits, impossible scenarios, interrupted writes, repeatable results."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.results.run_folder import write_run
from aidc.optimizer.solve import SolveOptions
from tests.factory import micro, rich, write_scenario

TIMING_KEYS = {"build_seconds", "handover_seconds", "solve_seconds"}


def aidc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aidc.optimizer", *args], capture_output=True, text=True, timeout=600)


def test_impossible_scenario_is_explained_end_to_end(tmp_path):
    spec = micro()
    spec["grid"][0]["grid_mw"] = 0.25
    run = aidc("solve", str(write_scenario(tmp_path, spec)), "--strict")
    assert run.returncode == 3
    assert "r chat demand 2026: 75% unserved" in run.stdout
    assert "a at its grid limit (0.2 MW)" in run.stdout or "a at its grid limit (0.3 MW)" in run.stdout
    assert "75.00% of demand is unserved" in run.stderr


@pytest.mark.slow
def test_time_limit_without_a_plan_exits_4_with_a_message():
    run = aidc("solve", "--lp", "--time-limit", "0.5")
    assert run.returncode == 4, run.stdout + run.stderr
    assert "time limit before finding any plan" in run.stderr
    assert "Traceback" not in run.stderr


def test_interrupted_write_keeps_the_previous_results(tmp_path):
    out = tmp_path / "run"
    write_run(out, {"objective_usd": 1.0}, {"a": pd.DataFrame({"x": [1]})})
    with pytest.raises(AttributeError):
        write_run(out, {"objective_usd": 2.0}, {"a": pd.DataFrame({"x": [2]}), "b": "not a table"})
    assert json.loads((out / "summary.json").read_text())["objective_usd"] == 1.0
    assert (out / "a.csv").read_text().splitlines() == ["x", "1"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"], "no staging folder left behind"


def test_same_scenario_twice_gives_identical_result_files(tmp_path):
    path = write_scenario(tmp_path / "in", rich())
    runs = []
    for name in ("first", "second"):
        result = Planner.from_file(path, SolveOptions(mip_gap=1e-9)).solve()
        runs.append(write_run(tmp_path / name, result.summary, result.tables))
    first, second = runs
    for table in sorted(first.glob("*.csv")):
        assert table.read_bytes() == (second / table.name).read_bytes(), table.name
    one, two = (json.loads((run / "summary.json").read_text()) for run in runs)
    for key in set(one) - TIMING_KEYS:
        assert one[key] == two[key], key


def test_shortfall_of_a_plan_stopped_early_is_not_blamed_on_cost(tmp_path):
    """A plan not proven optimal (time limit) may serve too little because the solver stopped:
    the explanation says so instead of claiming serving costs more than the penalty."""
    from aidc.optimizer.results.extract import latency_bounds
    from aidc.optimizer.results.shortfall import explain_shortfalls

    spec = micro()
    spec["config"]["unserved_penalty_usd_per_mtok"] = 1e-6  # serving costs more than the penalty
    planner = Planner.from_file(write_scenario(tmp_path, spec), SolveOptions(mip_gap=1e-9))
    result = planner.solve()
    bounds = latency_bounds(planner.inputs)
    (proven,) = explain_shortfalls(result.tables, planner.data, bounds)
    assert "cost above the unserved penalty" in proven["message"]
    (stopped,) = explain_shortfalls(result.tables, planner.data, bounds, "Time limit reached")
    assert "stopped early (Time limit reached)" in stopped["message"]
    assert "cost above the unserved penalty" not in stopped["message"]
