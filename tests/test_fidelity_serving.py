"""Hand-derived micro tests for the serving and technology rules (issue 11).

Base case (tests.factory.micro): demand 1 Mtok/s all year (8,760 h) in one slice; an accelerator
serves 1,000 tok/s, draws 1 kW at full load (idle 0), costs $10,000 and lives 5 years at a 0%
WACC, so it costs $2,000 a year; 1,000 accelerators (125 servers of 8) meet demand: $2M a year.
"""

from __future__ import annotations

import pytest

from aidc.optimizer.planner import Planner
from aidc.optimizer.solve import SolveOptions
from tests.factory import SRC, micro, supply_row, write_scenario
from tests.fidelity_specs import brownfield, memory_spec, two_years

ACCEL_ANNUAL = 2_000.0  # $ per accelerator per year
HOURS = 8760.0


def solve(spec, tmp_path, **options):
    options.setdefault("mip_gap", 1e-9)
    return Planner.from_file(write_scenario(tmp_path, spec), SolveOptions(**options)).solve()


def bought_by_year(result) -> dict[int, float]:
    purchases = result.tables["purchases"]
    return purchases.groupby("year")["accelerators"].sum().to_dict()


def test_software_uplift_by_year_serves_more_with_the_same_fleet(tmp_path):
    """2027 demand doubles but a 2027 row doubles throughput (2,000 tok/s): the 1,000
    accelerators bought in 2026 serve it, nothing more is bought; cost 2 years x $2M."""
    spec = two_years(2.0)
    spec["throughput"] = [
        dict(accelerator="gpu", workload="chat", year=2026, tokens_per_s_per_accel=1000.0, **SRC),
        dict(accelerator="gpu", workload="chat", year=2027, tokens_per_s_per_accel=2000.0, **SRC),
    ]
    result = solve(spec, tmp_path)
    assert bought_by_year(result) == {2026: pytest.approx(1000.0)}
    assert result.summary["objective_usd"] == pytest.approx(2 * 1000 * ACCEL_ANNUAL)
    without = two_years(2.0)
    assert bought_by_year(solve(without, tmp_path / "flat")) == {2026: pytest.approx(1000), 2027: pytest.approx(1000)}


def test_reserve_margin_installs_more_than_busy_but_power_follows_busy(tmp_path):
    """max utilisation 0.8: installed = 1,000 / 0.8 = 1,250 accelerators (relaxed units),
    $2.5M a year; energy is for the 1,000 busy ones: 1 MW x 8,760 h x $50/MWh."""
    spec = micro()
    spec["workloads"][0]["max_utilisation_fraction"] = 0.8
    spec["supply"] = [supply_row("a", 50.0)]
    result = solve(spec, tmp_path, relax="units")
    assert result.tables["accelerators"]["accelerators"].sum() == pytest.approx(1250.0)
    assert result.summary["cost_breakdown_usd"]["accelerators"] == pytest.approx(1250 * ACCEL_ANNUAL)
    assert result.summary["cost_breakdown_usd"]["energy"] == pytest.approx(1.0 * HOURS * 50.0)
    assert result.summary["utilisation_cap"] == {"chat": 0.8}


def test_prefill_and_cache_add_busy_time_per_output_token(tmp_path):
    """4 prompt tokens per output token, half from the cache, prefill 4,000 tok/s: an output
    token takes 1/1,000 + 4 x 0.5 / 4,000 = 0.0015 s, so 1,500 accelerators: $3M a year."""
    spec = micro()
    spec["workloads"][0].update(input_tokens_per_output=4.0, prompt_cache_hit_fraction=0.5)
    spec["throughput"][0]["prefill_tokens_per_s_per_accel"] = 4000.0
    result = solve(spec, tmp_path, relax="units")
    assert result.tables["accelerators"]["accelerators"].sum() == pytest.approx(1500.0)
    assert result.summary["objective_usd"] == pytest.approx(1500 * ACCEL_ANNUAL)


def test_memory_fit_excludes_an_accelerator_whose_scaleup_group_is_too_small(tmp_path):
    """A 700 GB replica needs ceil(700/80) = 9 gpus (> its 8-GPU server) but ceil(700/141) = 5
    bigs: only big may serve, 1,000 x $3,000 a year; with a 16-GPU scale-up group gpu fits
    again and wins at $2,000."""
    assert solve(memory_spec(700.0, None), tmp_path / "a").summary["objective_usd"] == pytest.approx(3e6)
    mix = solve(memory_spec(700.0, 16), tmp_path / "b")
    assert mix.summary["objective_usd"] == pytest.approx(2e6)
    assert mix.summary["throughput_weighted_mix"] == {"gpu": pytest.approx(1.0)}


def test_brownfield_fleet_is_kept_when_its_running_cost_is_below_a_new_one(tmp_path):
    """Keeping costs $500/yr per accelerator (5% O&M), a new one $2,000 + $500: keep all 1,000,
    buy nothing; the built MW is sunk (no facility capital): cost $0.5M."""
    result = solve(brownfield(0.05), tmp_path)
    assert result.tables["purchases"].empty
    assert result.summary["objective_usd"] == pytest.approx(1000 * 500.0)
    assert result.summary["cost_breakdown_usd"]["facility"] == pytest.approx(0.0, abs=1e-6)
    assert result.tables["existing_fleet"]["retired"].sum() == pytest.approx(0.0, abs=1e-6)


def test_brownfield_fleet_is_retired_when_new_hardware_is_cheaper_to_run(tmp_path):
    """An existing "old" part serves 500 tok/s and costs $3,000/yr to keep (30% O&M of $10,000):
    $6 per tok/s a year. A new gpu costs $2,000 + $3,000 (same O&M) for 1,000 tok/s: $5 per tok/s.
    So the plan retires all 1,000 old ones and buys 1,000 new: $5M."""
    spec = brownfield(0.3)
    spec["accelerators"].append(dict(spec["accelerators"][0], accelerator="old"))
    spec["throughput"].append(dict(accelerator="old", workload="chat", tokens_per_s_per_accel=500.0, **SRC))
    spec["existing_fleet"] = [dict(site="a", accelerator="old", cooling="air", vintage=2025, count_accels=1000, **SRC)]
    result = solve(spec, tmp_path, relax="units")
    assert result.tables["existing_fleet"]["kept"].sum() == pytest.approx(0.0, abs=1e-6)
    assert result.summary["objective_usd"] == pytest.approx(1000 * 5000.0)


def test_price_path_makes_later_vintages_cheaper(tmp_path):
    """Price factor 0.5 from 2027: demand grows to 2 Mtok/s, so 1,000 are bought in 2026 at
    $2,000/yr and 1,000 in 2027 at $1,000/yr: 2026 $2M + 2027 $3M = $5M."""
    spec = two_years(2.0)
    spec["price_paths"] = [dict(accelerator="gpu", year=2027, price_factor=0.5, **SRC)]
    result = solve(spec, tmp_path)
    assert bought_by_year(result) == {2026: pytest.approx(1000), 2027: pytest.approx(1000)}
    assert result.summary["objective_usd"] == pytest.approx(5e6)


def test_warm_accelerator_price_keeps_the_price_path(tmp_path):
    """Setting gpu's catalog price to $20,000 in place doubles both vintages: $10M, as a rebuild."""
    spec = two_years(2.0)
    spec["price_paths"] = [dict(accelerator="gpu", year=2027, price_factor=0.5, **SRC)]
    planner = Planner.from_file(write_scenario(tmp_path, spec), SolveOptions(mip_gap=1e-9))
    planner.solve()
    planner.set_accelerator_price("gpu", 20_000.0)
    assert planner.solve().summary["objective_usd"] == pytest.approx(10e6)
