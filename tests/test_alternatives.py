"""Near-optimal alternatives (``aidc alternatives``): hand-derived micro cases, every plan's cost
recomputed independently from its written tables, and the command end to end.

The two-site case (from tests.factory.micro): demand 1 Mtok/s all year; 125 servers of 8
accelerators ($2M a year at a 0% WACC) serve it wherever they stand. Site ``cn`` (China) has free
electricity but a 0.6 MW grid connection; site ``us`` pays $20/MWh and can take it all; each site
costs $100k a year when open and $1,000 per MW of IT capacity a year (so capacity equals load).

- optimum: both sites, cn at its 0.6 MW (75 servers), us 0.4 MW (50 servers):
  2,000,000 + 200,000 + 1,000 + 0.4 x 8,760 x 20 = $2,271,080;
- us alone: 2,000,000 + 100,000 + 1,000 + 8,760 x 20 = $2,276,200, +0.2254%.
So with a 0.5% slack the fewest-sites and least-China plans are ``us`` alone (1 site, 0 MW in
China, $2,276,200). With a 0.1% slack (cap $2,273,351.08) both sites must stay open, and cn's
load x may only fall while (1 - x) x 175,200 <= 72,351.08, i.e. x >= 0.587037 MW; servers stay 125
(a 126th costs $16,000), so cn's load is whole servers of 8 kW: x = 0.592 MW (74 servers), cost
2,201,000 + 0.408 x 175,200 = $2,272,481.6 (the tie-break picks the cheapest such plan).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
import pytest

from aidc.optimizer.alternatives import ObjectiveUnavailable, decision_table, find_alternatives, parse_objective
from aidc.optimizer.alternatives.facts import plan_facts
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions
from tests.factory import micro, rich, two_sites, write_scenario
from tests.recompute import recompute_objective_usd

WHATIF_SMALL = Path(__file__).resolve().parent.parent / "inputs" / "scenarios" / "whatif-small.yaml"
OPTIMUM_USD = 2_271_080.0
US_ALONE_USD = 2_276_200.0


def planner_for(spec: dict, folder: Path, **options) -> Planner:
    options.setdefault("mip_gap", 1e-9)
    return Planner.from_file(write_scenario(folder, spec), SolveOptions(**options))


def search(planner: Planner, slack: float, objectives: list[str], **options):
    """find_alternatives with every MIP solved to optimality (the hand derivations are exact)."""
    return find_alternatives(planner, slack, objectives, goal_gap=1e-9, **options)


def plan(run, name):
    return next(p for p in run.plans if p.name == name)


def china_mw(record) -> float:
    capacity = record.result.tables["capacity"]
    return float(capacity.loc[capacity["site"] == "cn", "it_capacity_mw"].sum())


def test_within_half_a_percent_one_site_outside_china_is_enough(tmp_path):
    run = search(planner_for(two_sites(), tmp_path), 0.005, ["fewest-sites", "least-china"])
    assert run.optimum_cost_usd == pytest.approx(OPTIMUM_USD)
    assert {s["site"] for s in run.optimum.result.summary["sites_opened"]} == {"cn", "us"}
    assert china_mw(run.optimum) == pytest.approx(0.6)
    for name in ("fewest-sites", "least-china"):
        record = plan(run, name)
        assert [s["site"] for s in record.result.summary["sites_opened"]] == ["us"], name
        assert china_mw(record) == pytest.approx(0.0, abs=1e-9)
        assert record.result.summary["objective_usd"] == pytest.approx(US_ALONE_USD)
    assert plan(run, "fewest-sites").objective_value == pytest.approx(1.0)


def test_within_a_tenth_of_a_percent_china_keeps_74_servers(tmp_path):
    run = search(planner_for(two_sites(), tmp_path), 0.001, ["fewest-sites", "least-china"])
    fewest = plan(run, "fewest-sites")
    assert len(fewest.result.summary["sites_opened"]) == 2
    assert fewest.result.summary["objective_usd"] == pytest.approx(OPTIMUM_USD)  # the tie-break: the optimum
    least = plan(run, "least-china")
    assert china_mw(least) == pytest.approx(0.592)
    assert least.objective_value == pytest.approx(0.592)
    assert least.result.summary["objective_usd"] == pytest.approx(2_272_481.6)
    assert least.result.summary["objective_usd"] <= run.cost_cap_usd


def test_the_lp_moves_china_load_continuously(tmp_path):
    """Relaxed (an LP, sites fractional): the same trade without whole servers or whole sites.
    Site fixed costs scale with the fractional opening, capacity / 0.6 at cn and / 2.0 at us, so
    moving y MW from cn to us changes the cost by y x (175,200 - 100,000 / 0.6 + 100,000 / 2.0)
    = 58,533.33 y; the 0.1% cap allows y = 0.001 x optimum / 58,533.33 (0.0374 MW)."""
    run = search(planner_for(two_sites(), tmp_path, relax="all"), 0.001, ["least-china"])
    optimum = run.optimum_cost_usd
    assert optimum == pytest.approx(2_000_000 + 1_000 + 0.4 * 8760 * 20 + 1e5 + 0.4 / 2.0 * 1e5)
    moved = 0.001 * optimum / (175_200 - 1e5 / 0.6 + 1e5 / 2.0)
    # the tie-break holds the goal within GOAL_TOLERANCE (1e-6 MW here) of its best value
    assert china_mw(plan(run, "least-china")) == pytest.approx(0.6 - moved, abs=1.1e-6)


def test_most_of_a_slightly_dearer_vendor(tmp_path):
    """Vendor Y's accelerator costs 1% more than X's ($10,100): each X server replaced costs
    8 x $20 a year. At 0.5% slack ($10,000) 62 of the 125 servers switch; at 2% all do."""
    spec = micro()
    spec["accelerators"][0]["vendor"] = "X"
    spec["accelerators"].append(dict(spec["accelerators"][0], accelerator="alt", vendor="Y", price_usd_per_accel=10100))
    spec["throughput"].append(dict(spec["throughput"][0], accelerator="alt"))
    run = search(planner_for(spec, tmp_path), 0.005, ["most-vendor:Y", "least-vendor:X"])
    for name in ("most-vendor-y", "least-vendor-x"):
        table = decision_table(run).set_index("plan")
        assert table.at[name, "vendor_share:Y"] == pytest.approx(62 / 125), name
        assert table.at[name, "objective_usd"] == pytest.approx(2_000_000 + 62 * 160)
    run = search(planner_for(spec, tmp_path / "wide"), 0.02, ["most-vendor:Y"])
    assert decision_table(run).set_index("plan").at["most-vendor-y", "vendor_share:Y"] == pytest.approx(1.0)


def test_every_alternative_costs_within_the_slack_recomputed_from_its_tables(tmp_path):
    scenario = write_scenario(tmp_path / "in", rich())
    out = tmp_path / "alts"
    run = aidc("alternatives", str(scenario), "--slack", "0.03", "--out", str(out), "--json", "--mip-gap", "1e-6", "-q")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    optimum = recompute_objective_usd(scenario, out / "optimum")
    assert optimum == pytest.approx(summary["optimum_cost_usd"], rel=1e-6)
    names = [p["plan"] for p in summary["plans"] if p["status"] not in ("no plan", "unavailable")]
    assert len(names) >= 8 and "max-different-2" in names
    moved = 0
    for name in names[1:]:
        recomputed = recompute_objective_usd(scenario, out / name)
        written = json.loads((out / name / "summary.json").read_text())["objective_usd"]
        assert recomputed == pytest.approx(written, rel=1e-6), name
        assert recomputed <= optimum * 1.03 * (1 + 1e-6), name
        moved += written > optimum * (1 + 1e-4)
    assert moved >= 3  # the slack is used: these are not the optimum again


def test_the_cost_objective_is_restored_after_the_search(tmp_path):
    planner = planner_for(two_sites(), tmp_path)
    search(planner, 0.005, ["least-china", "max-different"], different=1)
    assert planner.solve().summary["objective_usd"] == pytest.approx(OPTIMUM_USD)
    assert not [c for c in planner.model.component_objects() if c.name.startswith("mga_")]
    assert all("mga" not in name for name in planner.model.parameter_rows)


def test_objectives_that_cannot_be_built_are_refused(tmp_path):
    planner = planner_for(two_sites(), tmp_path)
    facts = plan_facts(planner.inputs, planner.data)
    for spec, words in (
        ("cheapest-dinner", "unknown objective"),
        ("most-vendor:ACME", "unknown vendor"),
        ("least-country:Atlantis", "unknown country"),
        ("most-vendor", "name the vendor"),
        ("most-liquid:yes", "takes no argument"),
    ):
        with pytest.raises(ObjectiveUnavailable, match=words):
            parse_objective(spec, facts)
    bare = pyo.ConcreteModel()
    with pytest.raises(ObjectiveUnavailable, match="installed"):
        parse_objective("most-vendor:x", facts).check(bare, facts)
    with pytest.raises(ObjectiveUnavailable, match="site_open"):
        parse_objective("max-different", facts).check(bare, facts)


def aidc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aidc.optimizer", *args], capture_output=True, text=True, timeout=600)


def test_command_writes_plans_that_compare_and_report_read(tmp_path):
    scenario = write_scenario(tmp_path / "in", two_sites())
    out = tmp_path / "alts"
    args = ("alternatives", str(scenario), "--slack", "0.005", "--goal-gap", "0", "--out", str(out), "-q")
    run = aidc(*args, "--objectives", "least-china", "--objectives", "most-liquid,max-different", "--different", "1")
    assert run.returncode == 0, run.stderr
    assert "ranges over 4 plans" in run.stdout
    assert "China share        0% - 60%  [60%]  (least-china / optimum)" in run.stdout
    assert {p.name for p in out.iterdir()} == {
        ".aidc-folder",
        "alternatives.csv",
        "alternatives.json",
        "optimum",
        "least-china",
        "most-liquid",
        "max-different-1",
    }
    table = pd.read_csv(out / "alternatives.csv").set_index("plan")
    assert table.index.tolist() == ["optimum", "least-china", "most-liquid", "max-different-1"]
    assert table.at["least-china", "objective_usd"] == pytest.approx(US_ALONE_USD)
    assert table.at["max-different-1", "sites"] == "us"  # away from cn, the site the optimum leans on most
    compare = aidc("compare", str(out / "optimum"), str(out / "least-china"))
    assert compare.returncode == 0, compare.stderr
    assert "closed" in compare.stdout
    report = aidc("report", str(out / "least-china"))
    assert report.returncode == 0, report.stderr
    assert (out / "least-china" / "report" / "report.html").is_file()
    again = aidc(*args, "--objectives", "fewest-sites", "--json")  # an alternatives folder is replaced
    assert again.returncode == 0, again.stderr
    assert [p["plan"] for p in json.loads(again.stdout)["plans"]] == ["optimum", "fewest-sites"]
    assert (out / "fewest-sites").is_dir() and not (out / "least-china").exists()


def test_lp_command_on_the_reduced_baseline_moves_vendor_shares(tmp_path):
    run = aidc("alternatives", str(WHATIF_SMALL), "--lp", "-q", "--json", "--objectives", "most-vendor:nvidia")
    assert run.returncode == 0, run.stderr
    ranges = json.loads(run.stdout)["ranges"]
    share = ranges["vendor_share:NVIDIA"]
    assert share["max"] >= share["optimum"] - 1e-9  # the most-NVIDIA plan has at least the optimum's share
    assert share["optimum"] > 0.99 or share["max"] > share["optimum"] + 0.01  # and 2% of cost buys more of it
    assert ranges["cost_increase"]["max"] <= 0.02 + 1e-9


@pytest.mark.parametrize(
    "extra, words",
    [
        (("--objectives", "most-vendor:ACME"), "unknown vendor"),
        (("--slack", "-0.1"), "--slack"),
        (("--objectives", "cheapest-dinner"), "unknown objective"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(tmp_path, extra, words):
    scenario = write_scenario(tmp_path / "in", two_sites())
    out = tmp_path / "alts"
    run = aidc("alternatives", str(scenario), "--out", str(out), "-q", *extra)
    assert run.returncode == 2, run.stderr
    assert words in run.stderr
    assert not out.exists()


def test_a_foreign_folder_is_not_overwritten(tmp_path):
    scenario = write_scenario(tmp_path / "in", two_sites())
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    run = aidc("alternatives", str(scenario), "--out", str(out), "-q")
    assert run.returncode == 2
    assert (out / "notes.txt").read_text() == "keep me"


def test_benchmark_script_runs(tmp_path):
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "alternatives.py"
    done = subprocess.run(
        [sys.executable, str(script), "--runs", "whatif-small:lp", "--objectives", "least-china,most-liquid"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "recompile / update" in done.stdout
    assert "least-china" in done.stdout
