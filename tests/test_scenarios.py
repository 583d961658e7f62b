"""Every shipped catalog passes the schema and every shipped scenario solves to a plausible cost.

Plausible band for the levelised cost per million generated tokens: $0.02-$3.00. Upper end:
published API prices for 70B-class and R1-class models (~$0.6-2.2 per Mtok of output) include
the provider's margin, and renting an H100 at $2.85-3.50/GPU-h serving 2,700 tok/s costs
$0.29-0.36/Mtok; an owner-operator must not pay more than ~$3. Lower end: a B300 ($65k, 5 years
at 9%) serving 14,000 tok/s all year costs ~$0.04/Mtok in capex alone at full use; with power and
facility, nothing credible is below ~$0.02.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aidc.models.schema import CATALOG_ROWS
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.report.scenario_table import SCENARIO_DIR, SHIPPED
from aidc.optimizer.solve import SolveOptions


def test_every_catalog_row_is_sourced_and_valid():
    inputs = load_scenario(SCENARIO_DIR / "baseline.yaml")
    brownfield = {"existing_fleet", "existing_sites"}  # a greenfield plan has none
    assert set(inputs.tables) == set(CATALOG_ROWS) - brownfield
    for name, frame in inputs.tables.items():
        if "source" in frame.columns:
            assert frame["source"].str.strip().str.len().min() > 0, name
    sizes = {name: len(frame) for name, frame in inputs.tables.items()}
    assert sizes["accelerators"] >= 10 and sizes["workloads"] >= 3 and sizes["cooling"] >= 4
    assert sizes["interconnect"] >= 5 and sizes["sites"] >= 13  # the 13 outside China (sovereignty)


UNIT_TOKENS = (
    "_kw",
    "_mw",
    "_usd",
    "_ms",
    "_gb",
    "_years",
    "_fraction",
    "_billion",
    "_accels",
    "_racks",
    "_ports",
    "_mwh",
    "_kg",
    "_l_",
    "_h",
    "_m",
    "hours",
    "_per_",
)
DIMENSIONLESS = {
    "latitude",
    "longitude",
    "year",
    "first_year",
    "slice",
    "day",
    "hour",
    "value",
    "cooling_load",
    "pue_cold",
    "pue_temperate",
    "pue_hot",
    "vintage",
    "price_factor",
    "pue_free",
    "pue_max",
    "grid_queue_year",
    "pue_rule_from_year",
    "efficiency",
}  # degrees, calendar, ids, ratios named as such


def test_catalog_columns_carry_units_in_their_names():
    for name, row_model in CATALOG_ROWS.items():
        for field, info in row_model.model_fields.items():
            if info.annotation in (int, float) or "float" in str(info.annotation) or "int" in str(info.annotation):
                assert field in DIMENSIONLESS or any(t in field for t in UNIT_TOKENS), (name, field)


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_solves_to_a_plausible_cost(name):
    result = Planner.from_file(Path(SCENARIO_DIR / f"{name}.yaml"), SolveOptions(relax="all")).solve()
    summary = result.summary
    assert summary["status"] == "optimal"
    assert 0.02 <= summary["cost_per_mtok_usd"] <= 3.0
    assert summary["tokens_served"] > 0
    assert len(summary["sites_opened"]) >= 1


@pytest.mark.slow
def test_readme_first_command_solves_the_shipped_baseline(tmp_path):
    """`aidc solve` with no argument: the staged MIP on the shipped baseline (about 3 minutes here)."""
    import json
    import subprocess
    import sys

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "aidc.optimizer.cli.main",
            "solve",
            "--json",
            "--time-limit",
            "180",  # the scenario's own limit is 600 s; the staged MIP has a plan well before 180 s
            "--out",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["scenario"] == "baseline"
    assert summary["status"] in ("optimal", "feasible")
    assert 0.02 <= summary["cost_per_mtok_usd"] <= 3.0
    assert (tmp_path / "run" / "summary.json").is_file()


@pytest.mark.slow
def test_brownfield_scenario_starts_from_its_existing_fleet():
    """The shipped brownfield example: its existing sites are open from the first year with at
    least their built MW, and every existing accelerator is either kept or retired (reported)."""
    result = Planner.from_file(Path(SCENARIO_DIR / "brownfield.yaml"), SolveOptions(relax="all")).solve()
    sites = result.tables["sites"].set_index(["site", "year"])
    assert sites.loc[("northern-virginia", 2026), "it_capacity_mw"] >= 30.0 - 1e-6
    assert sites.loc[("texas", 2026), "it_capacity_mw"] >= 20.0 - 1e-6
    fleet = result.tables["existing_fleet"]
    first = fleet[fleet["year"] == 2026]
    assert (first["kept"] + first["retired"]).sum() == pytest.approx(12000 + 5184)
    assert 0.02 <= result.summary["cost_per_mtok_usd"] <= 3.0
