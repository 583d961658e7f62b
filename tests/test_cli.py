"""The `aidc` command as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import highspy
import pytest

from tests.factory import micro, rich, write_scenario

REQUIRED_KEYS = {
    "status",
    "objective_usd",
    "cost_per_mtok_usd",
    "tokens_served",
    "tokens_unserved",
    "energy_mwh",
    "build_seconds",
    "solve_seconds",
}


def aidc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aidc.optimizer", *args], capture_output=True, text=True, timeout=300)


def test_version():
    run = aidc("--version")
    assert run.returncode == 0
    assert "aidc, version" in run.stdout


def test_solve_json_and_out(tmp_path):
    scenario = write_scenario(tmp_path / "in", rich())
    out = tmp_path / "run"
    run = aidc("solve", str(scenario), "--json", "--out", str(out), "--mip-gap", "0")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert set(summary) >= REQUIRED_KEYS
    assert summary["status"] == "optimal"
    written = json.loads((out / "summary.json").read_text())
    assert written["objective_usd"] == pytest.approx(summary["objective_usd"])
    for table in ("sites", "accelerators", "network", "serving", "energy", "costs", "marginal_costs"):
        assert (out / f"{table}.csv").is_file(), table
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "staging folders left behind"


def test_readable_summary(tmp_path):
    run = aidc("solve", str(write_scenario(tmp_path, micro())))
    assert run.returncode == 0, run.stderr
    assert "cost per Mtok" in run.stdout
    assert "sites opened" in run.stdout


def test_exported_model_solves_to_the_same_optimum_in_bare_highs(tmp_path):
    scenario = write_scenario(tmp_path / "in", rich())
    mps = tmp_path / "model.mps"
    run = aidc("solve", str(scenario), "--json", "--export-model", str(mps), "--mip-gap", "0")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.readModel(str(mps))
    highs.run()
    assert highs.getInfo().objective_function_value * 1e6 == pytest.approx(summary["mip_objective_usd"], rel=1e-6)


def test_strict_fails_on_unserved_demand(tmp_path):
    spec = micro()
    spec["grid"][0]["grid_mw"] = 0.5
    run = aidc("solve", str(write_scenario(tmp_path, spec)), "--strict")
    assert run.returncode == 3
    assert "unserved" in run.stderr


def test_relax_and_lp_flags(tmp_path):
    spec = micro()
    spec["demand"][0]["tokens_per_day_billion"] = 86.4 * 0.9
    scenario = str(write_scenario(tmp_path, spec))
    whole = json.loads(aidc("solve", scenario, "--json").stdout)
    relaxed = json.loads(aidc("solve", scenario, "--json", "--relax").stdout)
    lp = json.loads(aidc("solve", scenario, "--json", "--lp").stdout)
    assert relaxed["objective_usd"] < whole["objective_usd"]
    assert lp["objective_usd"] == pytest.approx(relaxed["objective_usd"])
