"""The stochastic programme (issue 13): derived by hand on a newsvendor, and its measured value.

The newsvendor (``tests.factory.micro`` with one year, continuous accelerator counts): capacity q
(Mtok/s) is bought before demand D is known, at a = 1,000 accelerators x $2,000/yr = $2.0M per
Mtok/s (a 1,000 tok/s accelerator costing $10,000 over 5 years at 0% WACC). Demand left unserved
costs the penalty: b = $0.10/Mtok x 8,760 h x 3,600 s = $3.1536M per Mtok/s over the year.
Nothing else costs anything (no energy price, facility, cooling or network cost). Two outcomes:
D1 = 1.0 Mtok/s (probability p1) and D2 = 1.5 Mtok/s (p2 = 1 - p1, ``demand_scale`` 1.5).

    E[cost](q) = a q + b (p1 (D1 - q)+ + p2 (D2 - q)+)

has slope a - b < 0 below D1 and a - b p2 between D1 and D2, so the optimum is the critical
fractile: q* = D2 if p2 > a/b = 0.63420, else q* = D1.

- p2 = 0.5: q* = 1.0, E = a + b x 0.5 x 0.5 = $2,788,400. The mean outcome (D = 1.25) buys
  q = 1.25: EEV = 1.25 a + 0.5 x 0.25 b = $2,894,200, so VSS = $105,800; with perfect
  information WS = 0.5 a + 0.5 x 1.5 a = $2,500,000, so EVPI = $288,400.
- p2 = 0.8: q* = 1.5, E = 1.5 a = $3,000,000 (q = 1 would cost a + 0.8 x 0.5 b = $3,261,440).
- Minimax regret (p2 = 0.5): for q in [1, 1.5], regret in D1 is a (q - 1) and in D2
  a q + b (1.5 - q) - 1.5 a = (b - a)(1.5 - q); they are equal at q = 1.5 - 0.5 a / b = 1.182902,
  a regret of a (q - 1) = $365,804; the mean plan (q = 1.25) regrets 0.25 a = $500,000 in D1.
- CVaR at alpha = 0.5 with weight 1 and p2 = 0.5 is the cost of the worse outcome, D2's:
  minimised at q = 1.5 (b > a), $3,000,000.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aidc.optimizer.errors import InputError
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.uncertainty.programme import solve_under_uncertainty
from tests.factory import micro, rich, write_scenario
from tests.fidelity_specs import lag_spec

A = 1000 * 2000.0  # $ per Mtok/s of capacity per year
B = 0.10 * 8760 * 3600  # $ per Mtok/s unserved over the year
SERVERS_PER_MTOK_S = 1000 / 8  # servers of 8 accelerators per Mtok/s
REPO = Path(__file__).resolve().parent.parent


def newsvendor(p_high: float, risk: dict | None = None) -> dict:
    spec = micro()
    spec["config"]["unserved_penalty_usd_per_mtok"] = 0.10
    spec["config"]["uncertainty"] = {
        "commitment_years": [2026],
        "risk": risk or {"measure": "expected"},
        "outcomes": [
            {"name": "low", "probability": round(1 - p_high, 10)},
            {"name": "high", "probability": p_high, "changes": {"growth": {"kind": "demand_scale", "value": 1.5}}},
        ],
    }
    return spec


def solve(spec: dict, folder: Path, **options):
    options.setdefault("mip_gap", 1e-9)
    return solve_under_uncertainty(load_scenario(write_scenario(folder, spec)), SolveOptions(**options))


def servers_bought(result) -> float:
    return float(result.tables["first_stage_purchases"]["units"].sum())


@pytest.mark.parametrize(("p_high", "capacity", "expected"), [(0.5, 1.0, A + B * 0.25), (0.8, 1.5, 1.5 * A)])
def test_newsvendor_critical_fractile(tmp_path, p_high, capacity, expected):
    result = solve(newsvendor(p_high), tmp_path, relax="units")
    assert round(A / B, 6) == 0.634196  # the critical ratio
    assert servers_bought(result) == pytest.approx(capacity * SERVERS_PER_MTOK_S, abs=1e-6)
    assert result.summary["expected_cost_usd"] == pytest.approx(expected, rel=1e-9)
    assert result.summary["solve"]["objective_usd"] == pytest.approx(expected, rel=1e-9)


def test_newsvendor_value_of_the_stochastic_solution_and_of_perfect_information(tmp_path):
    summary = solve(newsvendor(0.5), tmp_path, relax="units").summary
    assert summary["mean_plan_expected_cost_usd"] == pytest.approx(1.25 * A + 0.125 * B, rel=1e-9)
    assert summary["wait_and_see_cost_usd"] == pytest.approx(0.5 * A + 0.75 * A, rel=1e-9)
    assert summary["vss_usd"] == pytest.approx(105_800.0, rel=1e-6)
    assert summary["evpi_usd"] == pytest.approx(288_400.0, rel=1e-6)
    purchases = summary["mean_plan_first_stage"]["purchases"]
    assert sum(row["units"] for row in purchases) == pytest.approx(1.25 * SERVERS_PER_MTOK_S)
    demand_mtok = 0.5 * 1.0 * 8760 * 3600 + 0.5 * 1.5 * 8760 * 3600
    assert summary["vss_usd_per_mtok"] == pytest.approx(105_800.0 / demand_mtok, rel=1e-6)


def test_newsvendor_with_whole_servers_stops_at_the_last_server_that_pays(tmp_path):
    """The fractile (1.5 Mtok/s) is 187.5 servers. The 188th server costs 8 x $2,000 = $16,000 a
    year and would serve the last 0.004 Mtok/s only in D2: it saves 0.8 x 0.004 x b = $10,092, so
    187 servers: E = 187 x $16,000 + 0.8 x 0.004 x b = $3,002,091.52 (186 would cost $3,006,275)."""
    result = solve(newsvendor(0.8), tmp_path)
    assert servers_bought(result) == 187
    assert result.summary["expected_cost_usd"] == pytest.approx(187 * 16_000 + 0.8 * 0.004 * B, rel=1e-9)


def test_minimax_regret_plan_equalises_the_regrets_and_beats_the_mean_plan(tmp_path):
    summary = solve(newsvendor(0.5, {"measure": "regret"}), tmp_path, relax="units").summary
    q = 1.5 - 0.5 * A / B
    assert sum(row["units"] for row in summary["first_stage"]["purchases"]) == pytest.approx(q * SERVERS_PER_MTOK_S)
    regrets = {entry["outcome"]: entry["regret_usd"] for entry in summary["outcomes"]}
    assert regrets["low"] == pytest.approx(A * (q - 1), rel=1e-6)
    assert regrets["high"] == pytest.approx(A * (q - 1), rel=1e-6)
    assert summary["max_regret_usd"] == pytest.approx(365_804.0, rel=1e-5)
    assert summary["mean_plan_max_regret_usd"] == pytest.approx(0.25 * A, rel=1e-6)
    assert summary["max_regret_usd"] <= summary["mean_plan_max_regret_usd"]


def test_cvar_of_the_worse_half_buys_for_the_high_outcome(tmp_path):
    summary = solve(newsvendor(0.5, {"measure": "cvar", "alpha": 0.5, "weight": 1.0}), tmp_path, relax="units").summary
    assert sum(row["units"] for row in summary["first_stage"]["purchases"]) == pytest.approx(1.5 * SERVERS_PER_MTOK_S)
    assert summary["solve"]["objective_usd"] == pytest.approx(1.5 * A, rel=1e-9)


def test_one_outcome_equals_the_deterministic_solve(tmp_path):
    spec = rich()
    deterministic = Planner.from_file(write_scenario(tmp_path / "plain", spec), SolveOptions(mip_gap=1e-9)).solve()
    spec["config"]["uncertainty"] = {"commitment_years": [2026], "outcomes": [{"name": "only", "probability": 1.0}]}
    summary = solve(spec, tmp_path / "uncertain").summary
    assert summary["expected_cost_usd"] == pytest.approx(deterministic.summary["objective_usd"], rel=1e-7)
    assert summary["solve"]["objective_usd"] == pytest.approx(deterministic.summary["objective_usd"], rel=1e-7)
    assert summary["vss_usd"] == pytest.approx(0.0, abs=1e-6 * deterministic.summary["objective_usd"])
    assert summary["evpi_usd"] == pytest.approx(0.0, abs=1e-6 * deterministic.summary["objective_usd"])


def test_regret_plan_is_no_worse_than_the_mean_plan_on_a_richer_case(tmp_path):
    spec = _three_growth_paths()
    spec["config"]["uncertainty"]["risk"] = {"measure": "regret"}
    summary = solve(spec, tmp_path, relax="all").summary
    assert summary["max_regret_usd"] <= summary["mean_plan_max_regret_usd"] * (1 + 1e-9)
    assert summary["vss_usd"] is not None and summary["evpi_usd"] >= -1e-6 * summary["expected_cost_usd"]


def _demand_2027(factor: float) -> dict:
    """A change scaling 2027's demand rows by ``factor``."""
    column = "tokens_per_day_billion"
    return {"kind": "catalog", "catalog": "demand", "where": {"year": 2027}, "column": column, "mode": "scale"} | {
        "value": factor
    }


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"probability": 0.7}, "uncertainty", "sum to 1"),
        ({"name": "low"}, "uncertainty", "unique"),
        ({"changes": {"x": {"kind": "demand_scale", "value": -1}}}, "uncertainty.outcomes[1].changes.x", "above 0"),
        ({"changes": {"x": {"kind": "warp_speed", "value": 2}}}, "uncertainty.outcomes[1].changes.x", "kind"),
        ({"changes": {"x": {"kind": "demand_scale"}}}, "uncertainty.outcomes[1].changes.x", "needs a value"),
        (
            {"changes": {"x": {"kind": "demand_scale", "region": "mars", "value": 2}}},
            "uncertainty.outcomes[1].changes.x",
            "matches no row",
        ),
        (
            {"changes": {"x": {"kind": "setting", "setting": "years", "value": [2026]}}},
            "uncertainty.outcomes[1].changes.x",
            "cannot differ by outcome",
        ),
    ],
)
def test_bad_uncertainty_blocks_are_input_errors_naming_the_yaml_path(tmp_path, change, path, words):
    spec = newsvendor(0.5)
    spec["config"]["uncertainty"]["outcomes"][1].update(change)
    with pytest.raises(InputError) as caught:
        solve(spec, tmp_path, relax="units")
    text = caught.value.render()
    assert "scenario.yaml" in text and path in text and words in text, text


def test_commitment_years_must_lead_the_modelled_years(tmp_path):
    spec = newsvendor(0.5)
    spec["config"]["uncertainty"]["commitment_years"] = [2027]
    with pytest.raises(InputError, match="commitment_years"):
        solve(spec, tmp_path)


def _aidc(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aidc.optimizer", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_solves_the_programme_writes_a_run_folder_and_honours_deterministic(tmp_path):
    scenario = write_scenario(tmp_path / "in", newsvendor(0.5))
    out = tmp_path / "run"
    done = _aidc("solve", str(scenario), "--relax", "--json", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    for key in ("expected_cost_usd", "vss_usd", "evpi_usd", "first_stage", "outcomes"):
        assert key in summary
    assert set(summary["first_stage"]) >= {"sites", "capacity", "purchases"}
    assert [entry["outcome"] for entry in summary["outcomes"]] == ["low", "high"]
    assert summary["expected_cost_usd"] == pytest.approx(A + 0.25 * B, rel=1e-6)
    for name in ("summary.json", "first_stage_purchases.csv", "outcomes.csv", "outcomes/high/summary.json"):
        assert (out / name).is_file(), name
    report = _aidc("report", str(out / "outcomes" / "high"), cwd=tmp_path)
    assert report.returncode == 0, report.stderr

    plain = _aidc("solve", str(scenario), "--relax", "--json", "--deterministic", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["objective_usd"] == pytest.approx(A, rel=1e-6)  # the base: D = 1


def test_cli_rejects_a_method_without_an_uncertainty_block(tmp_path):
    scenario = write_scenario(tmp_path / "in", micro())
    done = _aidc("solve", str(scenario), "--method", "ef", cwd=tmp_path)
    assert done.returncode == 2 and "uncertainty block" in done.stderr


def _three_growth_paths() -> dict:
    """tests.factory.rich with 2027 demand at 0.5x, 1x or 2.5x (p = 0.3, 0.5, 0.2); 2026 committed."""
    spec = rich()
    spec["config"]["uncertainty"] = {
        "commitment_years": [2026],
        "outcomes": [
            {"name": "slow", "probability": 0.3, "changes": {"y27": _demand_2027(0.5)}},
            {"name": "central", "probability": 0.5},
            {"name": "fast", "probability": 0.2, "changes": {"y27": _demand_2027(2.5)}},
        ],
    }
    return spec


def _mpiexec() -> str:
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.is_file() else (shutil.which("mpiexec") or "mpiexec")


@pytest.mark.slow
def test_progressive_hedging_on_two_mpi_ranks_agrees_with_the_extensive_form(tmp_path):
    """mpi-sppy's PH over 2 ranks (``mpiexec -n 2``): the plan's expected cost (every outcome
    re-solved with it pinned) is within 0.1% of the extensive form's optimum, and PH's
    wait-and-see bound (its iteration 0) equals the WS the programme measures."""
    pytest.importorskip("mpisppy")
    pytest.importorskip("mpi4py")
    scenario = write_scenario(tmp_path / "in", _three_growth_paths())
    ef = solve_under_uncertainty(load_scenario(scenario), SolveOptions(relax="all")).summary
    command = ["solve", str(scenario), "--method", "ph", "--lp", "--json", "--quiet"]
    done = subprocess.run(
        [_mpiexec(), "-n", "2", sys.executable, "-m", "aidc.optimizer", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    ph = json.loads(done.stdout)
    assert ph["solve"]["method"] == "ph" and ph["solve"]["ranks"] == 2
    assert ph["expected_cost_usd"] == pytest.approx(ef["expected_cost_usd"], rel=1e-3)
    assert ph["expected_cost_usd"] >= ef["expected_cost_usd"] * (1 - 1e-9)  # the EF is optimal
    assert ph["solve"]["wait_and_see_bound_usd"] == pytest.approx(ef["wait_and_see_cost_usd"], rel=1e-6)


SHIPPED_UNCERTAIN = sorted((REPO / "inputs" / "scenarios").glob("*uncertain*.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED_UNCERTAIN, ids=[p.stem for p in SHIPPED_UNCERTAIN])
def test_shipped_uncertain_scenarios_have_non_negative_vss_and_evpi(path):
    """As LPs (exact optima, so no MIP gap blurs the inequalities): RP <= EEV since the mean
    plan is feasible for the extensive form, and WS <= RP since the plan is feasible in every
    outcome; the robust plan's regret is measured against the same own optima."""
    summary = solve_under_uncertainty(load_scenario(path), SolveOptions(relax="all")).summary
    tolerance = 1e-7 * summary["expected_cost_usd"]
    assert len(summary["outcomes"]) >= 5
    assert summary["vss_usd"] >= -tolerance
    assert summary["evpi_usd"] >= -tolerance
    assert all(entry["regret_usd"] >= -tolerance for entry in summary["outcomes"])
    assert summary["solve"]["objective_usd"] == pytest.approx(summary["expected_cost_usd"], rel=1e-6)


def test_uncertainty_benchmark_quick_runs_end_to_end(tmp_path):
    out = tmp_path / "rows.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "uncertainty.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(out.read_text())
    assert [row["outcomes"] for row in rows] == [1, 2]
    assert all(row["status"] == "optimal" for row in rows)
    assert rows[1]["columns"] > 1.8 * rows[0]["columns"]  # two outcome blocks


def lease_newsvendor(p_high: float) -> dict:
    """``lag_spec`` (2026-27; a one-year build lag leaves 2026 to leases at $120k per MW-year, 1 MW
    per Mtok/s) with a $0.10/Mtok penalty and demand 1 or 1.5 Mtok/s in both years."""
    spec = lag_spec(lease=True)
    spec["config"]["unserved_penalty_usd_per_mtok"] = 0.10
    spec["config"]["uncertainty"] = {
        "commitment_years": [2026],
        "outcomes": [
            {"name": "low", "probability": round(1 - p_high, 10)},
            {"name": "high", "probability": p_high, "changes": {"growth": {"kind": "demand_scale", "value": 1.5}}},
        ],
    }
    return spec


@pytest.mark.parametrize(("p_high", "leased_mw"), [(0.5, 1.0), (0.9, 1.5)])
def test_a_lease_signed_for_a_committed_year_is_a_newsvendor_decision(tmp_path, p_high, leased_mw):
    """A 2026 lease and the accelerators it holds are here-and-now. One more Mtok/s of 2026
    capacity costs the lease, $0.12M, and 1,000 accelerators, $2M a year (also in 2027, where the
    low outcome cannot use them and the high outcome would buy them anyway): $2.12M + p_low x $2M.
    It saves p_high x b = p_high x $3.1536M of unserved demand in 2026. p_high = 0.5: $3.12M >
    $1.58M, lease the low outcome's 1 MW; p_high = 0.9: $2.32M < $2.84M, lease 1.5 MW."""
    result = solve(lease_newsvendor(p_high), tmp_path, relax="units")
    other = result.tables["first_stage_other"]
    leases = other[other["decision"] == "leased"]
    assert leases["value"].sum() == pytest.approx(leased_mw, rel=1e-6)
    for run in result.outcomes.values():
        in_2026 = run.tables["leases"].set_index("year")["leased_mw"]
        assert in_2026[2026] == pytest.approx(leased_mw, rel=1e-6)  # held in every outcome
