"""Micro scenarios whose optimum is derived by hand, one per constraint family.

The base case (tests.factory.micro): demand 1 Mtok/s all year (8,760 h); an accelerator
serves 1,000 tok/s, draws 1 kW at full load, costs $10,000 and lives 5 years at a 0% WACC
(annuity $2,000/yr). So 1,000 accelerators (125 servers of 8) are needed: $2M a year.

Every case runs on each solver of ``SOLVERS``: on HiGHS, and e.g. on SCIP
(``SolveOptions(solver="scip")``), where ``solve`` also solves the same scenario on HiGHS and
requires the same optimum before the hand-derived checks run on SCIP's plan.
"""

from __future__ import annotations

import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SOLVERS, SolveOptions
from tests.factory import SRC, cooling_row, micro, port_row, site_row, supply_row, write_scenario

HOURS = 8760.0
ACCEL_ANNUAL = 10_000.0 / 5  # $ per accelerator per year


SOLVER = {"name": "highs"}  # the solver of the running case (set by the ``solver`` fixture)


@pytest.fixture(autouse=True, params=sorted(SOLVERS))
def solver(request):
    """Run the case on each registered solver."""
    SOLVER["name"] = request.param
    yield request.param
    SOLVER["name"] = "highs"


def solve(spec, tmp_path, **options):
    """Solve ``spec`` on the running case's solver; on SCIP, first require HiGHS's optimum."""
    options.setdefault("mip_gap", 1e-9)
    path = write_scenario(tmp_path, spec)
    result = Planner.from_file(path, SolveOptions(**options, solver=SOLVER["name"])).solve()
    if SOLVER["name"] != "highs":
        highs = Planner.from_file(path, SolveOptions(**options)).solve()
        assert result.summary["objective_usd"] == pytest.approx(highs.summary["objective_usd"], rel=1e-7, abs=1e-6)
    return result


def test_base_case_buys_whole_servers_for_demand(tmp_path):
    result = solve(micro(), tmp_path)
    assert result.summary["objective_usd"] == pytest.approx(1000 * ACCEL_ANNUAL)
    purchases = result.tables["purchases"]
    assert purchases["units"].sum() == pytest.approx(125)
    assert result.summary["tokens_unserved"] == pytest.approx(0.0, abs=1e-6)
    assert result.summary["cost_per_mtok_usd"] == pytest.approx(2e6 / (HOURS * 3600))


def test_integer_servers_round_up_and_relax_does_not(tmp_path):
    spec = micro()
    spec["demand"][0]["tokens_per_day_billion"] = 86.4 * 0.9  # 0.9 Mtok/s -> 900 accelerators
    whole = solve(spec, tmp_path / "int")
    relaxed = solve(spec, tmp_path / "lp", relax="units")
    assert whole.tables["purchases"]["units"].sum() == pytest.approx(113)  # ceil(900 / 8)
    assert whole.summary["objective_usd"] == pytest.approx(904 * ACCEL_ANNUAL)
    assert relaxed.summary["objective_usd"] == pytest.approx(900 * ACCEL_ANNUAL)


def test_energy_cost_is_idle_plus_dynamic_power_times_pue(tmp_path):
    spec = micro()
    spec["accelerators"][0]["idle_fraction"] = 0.5
    spec["cooling"][0].update(pue_temperate=1.2)
    spec["supply"] = [supply_row("a", 50.0)]
    spec["demand"][0]["tokens_per_day_billion"] = 86.4 * 0.8  # 800 busy of 800 installed
    result = solve(spec, tmp_path)
    energy = 0.8 * 1.2 * HOURS * 50.0  # 0.8 MW IT at full load, PUE 1.2
    assert result.summary["cost_breakdown_usd"]["energy"] == pytest.approx(energy)
    assert result.summary["energy_mwh"] == pytest.approx(0.8 * 1.2 * HOURS)


def test_cheaper_power_site_wins_until_its_grid_limit_binds(tmp_path):
    spec = micro()
    spec["sites"] = [site_row("a"), site_row("b")]
    spec["grid"] = [dict(site="a", year=2026, grid_mw=0.6, **SRC), dict(site="b", year=2026, grid_mw=10, **SRC)]
    spec["supply"] = [supply_row("a", 30.0), supply_row("b", 60.0)]
    spec["latency"] = [dict(site=s, region="r", latency_ms=10.0, delivery_usd_per_mtok=0.0, **SRC) for s in ("a", "b")]
    result = solve(spec, tmp_path)
    fleet = result.tables["accelerators"].set_index("site")["accelerators"]
    assert fleet["a"] == pytest.approx(600)
    assert fleet["b"] == pytest.approx(400)
    energy = 0.6 * HOURS * 30 + 0.4 * HOURS * 60
    assert result.summary["objective_usd"] == pytest.approx(1000 * ACCEL_ANNUAL + energy)

    spec["grid"][0]["grid_mw"] = 5.0  # no longer binding: all at the cheap site
    result = solve(spec, tmp_path / "loose")
    assert set(result.tables["accelerators"]["site"]) == {"a"}


def _two_coolings(liquid_capex_per_kw: float, liquid_pue: float, liquid_rack_kw: float) -> dict:
    spec = micro()
    spec["cooling"][0].update(pue_temperate=1.5 if liquid_pue < 1.5 else 1.0, max_kw_per_rack=16.0)
    spec["cooling"].append(cooling_row("liquid", "liquid", liquid_rack_kw, liquid_capex_per_kw, liquid_pue))
    return spec


@pytest.mark.parametrize("capex, chosen", [(3000.0, "liquid"), (4000.0, "air")])
def test_liquid_cooling_chosen_exactly_when_its_pue_saving_pays(tmp_path, capex, chosen):
    # 1 MW IT at $100/MWh: air PUE 1.5 vs liquid 1.1 saves 0.4 MW x 8760 h x $100 = $350,400/yr;
    # liquid costs capex x 1000 kW / 10 yr = 100 x capex per year: break-even at $3,504/kW.
    spec = _two_coolings(capex, liquid_pue=1.1, liquid_rack_kw=16.0)
    spec["supply"] = [supply_row("a", 100.0)]
    result = solve(spec, tmp_path)
    assert result.tables["sites"]["cooling"].iloc[0] == chosen
    pue = 1.1 if chosen == "liquid" else 1.5
    expected = 1000 * ACCEL_ANNUAL + pue * HOURS * 100 + (100 * capex if chosen == "liquid" else 0)
    assert result.summary["objective_usd"] == pytest.approx(expected)


def _with_ports(spec: dict) -> dict:
    spec["accelerators"][0].update(scaleout_ports_per_accel=4.0, network_group_accels=32)
    spec["interconnect"] = [port_row("dac", "copper", 100.0), port_row("optic", "optical", 1000.0)]
    return spec


def test_copper_share_equals_in_rack_share(tmp_path):
    # 16 kW racks hold 16 accelerators of 1 kW; the network group is 32: half the ports copper
    spec = _with_ports(micro())
    spec["cooling"][0]["max_kw_per_rack"] = 16.0
    result = solve(spec, tmp_path)
    ports = result.tables["network"].groupby("medium")["ports"].sum()
    assert ports["copper"] == pytest.approx(2000)
    assert ports["optical"] == pytest.approx(2000)
    assert result.summary["cost_breakdown_usd"]["interconnect"] == pytest.approx((2000 * 100 + 2000 * 1000) / 5)


@pytest.mark.parametrize("capex, chosen, copper", [(3000.0, "liquid", 4000), (4200.0, "air", 2000)])
def test_dense_liquid_racks_pay_through_optics_saved(tmp_path, capex, chosen, copper):
    # Liquid racks of 32 kW hold the whole group of 32: all 4,000 ports copper instead of half,
    # saving 2,000 x $900 / 5 yr = $360,000/yr against 100 x capex per year: break-even $3,600/kW.
    spec = _with_ports(_two_coolings(capex, liquid_pue=1.0, liquid_rack_kw=32.0))
    result = solve(spec, tmp_path)
    assert result.tables["sites"]["cooling"].iloc[0] == chosen
    ports = result.tables["network"].groupby("medium")["ports"].sum()
    assert ports["copper"] == pytest.approx(copper)


def _two_slices(price_low: float, price_high: float, deferrable: bool) -> dict:
    spec = micro()
    spec["slices"] = [dict(slice=0, day=0, hour=0, hours=4380.0), dict(slice=1, day=0, hour=12, hours=4380.0)]
    spec["profiles"] = [
        dict(profile="tou", slice=0, value=price_low / 50.0, **SRC),
        dict(profile="tou", slice=1, value=price_high / 50.0, **SRC),
    ]
    spec["supply"] = [supply_row("a", 50.0, profile="tou")]
    spec["workloads"][0]["deferrable"] = deferrable
    spec["accelerators"][0]["price_usd_per_accel"] = 100.0  # cheap: energy decides
    return spec


def test_deferrable_work_moves_to_the_cheap_slice(tmp_path):
    moved = solve(_two_slices(20.0, 100.0, deferrable=True), tmp_path / "batch")
    serving = moved.tables["serving"].set_index("slice")["mtok_per_s"]
    assert serving.get(0, 0.0) == pytest.approx(2.0)
    assert serving.get(1, 0.0) == pytest.approx(0.0, abs=1e-9)
    assert moved.summary["cost_breakdown_usd"]["energy"] == pytest.approx(2 * 4380 * 20)

    firm = solve(_two_slices(20.0, 100.0, deferrable=False), tmp_path / "chat")
    serving = firm.tables["serving"].set_index("slice")["mtok_per_s"]
    assert serving[0] == pytest.approx(1.0)
    assert serving[1] == pytest.approx(1.0)
    assert firm.summary["cost_breakdown_usd"]["energy"] == pytest.approx(4380 * 20 + 4380 * 100)


@pytest.mark.parametrize("bound, site", [(100.0, "near"), (250.0, "far")])
def test_latency_bound_decides_which_site_may_serve(tmp_path, bound, site):
    spec = micro()
    spec["sites"] = [site_row("near"), site_row("far")]
    spec["grid"] = [dict(site=s, year=2026, grid_mw=10, **SRC) for s in ("near", "far")]
    spec["supply"] = [supply_row("near", 100.0), supply_row("far", 10.0)]
    spec["latency"] = [
        dict(site="near", region="r", latency_ms=20.0, delivery_usd_per_mtok=0.0, **SRC),
        dict(site="far", region="r", latency_ms=200.0, delivery_usd_per_mtok=0.0, **SRC),
    ]
    spec["workloads"][0]["latency_ms_max"] = bound
    result = solve(spec, tmp_path)
    assert set(result.tables["serving"]["site"]) == {site}


def test_export_controls_and_first_year_restrict_accelerators(tmp_path):
    spec = micro()
    spec["config"]["years"] = [2026, 2027]
    spec["demand"].append(dict(region="r", workload="chat", year=2027, tokens_per_day_billion=86.4, **SRC))
    new = dict(spec["accelerators"][0], accelerator="newgpu", price_usd_per_accel=5000.0, first_year=2027)
    spec["accelerators"].append(new)
    spec["throughput"].append(dict(accelerator="newgpu", workload="chat", tokens_per_s_per_accel=1000.0, **SRC))
    spec["accelerators"][0]["lifetime_years"] = 1
    spec["accelerators"][1]["lifetime_years"] = 1
    result = solve(spec, tmp_path)
    bought = result.tables["purchases"].set_index(["accelerator", "year"])["accelerators"]
    assert bought[("gpu", 2026)] == pytest.approx(1000)  # the new part is not yet available
    assert bought[("newgpu", 2027)] == pytest.approx(1000)  # and cheaper once it is
    assert ("gpu", 2027) not in bought.index

    spec["sites"][0]["allowed_accelerators"] = "gpu"  # an export control at the only site
    result = solve(spec, tmp_path / "controlled")
    assert set(result.tables["purchases"]["accelerator"]) == {"gpu"}


def test_accelerators_retire_after_their_lifetime(tmp_path):
    spec = micro()
    spec["config"]["years"] = [2026, 2027, 2028]
    spec["demand"] = [
        dict(region="r", workload="chat", year=y, tokens_per_day_billion=86.4, **SRC) for y in (2026, 2027, 2028)
    ]
    spec["accelerators"][0]["lifetime_years"] = 2
    result = solve(spec, tmp_path)
    bought = result.tables["purchases"].groupby("year")["accelerators"].sum()
    assert bought.to_dict() == pytest.approx({2026: 1000, 2028: 1000})
    # each year pays the annuity of the accelerators in service: price / life = $5,000 each
    assert result.summary["cost_breakdown_usd"]["accelerators"] == pytest.approx(3 * 1000 * 5000)


def test_no_power_means_unserved_demand_at_the_penalty(tmp_path):
    spec = micro()
    spec["grid"][0]["grid_mw"] = 0.0
    result = solve(spec, tmp_path)
    mtok = HOURS * 3600
    assert result.summary["tokens_unserved"] == pytest.approx(mtok * 1e6)
    assert result.summary["unserved_share"] == pytest.approx(1.0)
    assert result.summary["objective_usd"] == pytest.approx(mtok * 1000.0)
    assert result.summary["cost_per_mtok_usd"] is None


def test_supply_cap_limits_deliveries(tmp_path):
    spec = micro()
    spec["supply_caps"] = [dict(accelerator="gpu", year=2026, max_accels=500, **SRC)]
    result = solve(spec, tmp_path)
    assert result.tables["accelerators"]["accelerators"].sum() == pytest.approx(496)  # 62 whole servers
    assert result.summary["unserved_share"] == pytest.approx(0.504)


def test_liquid_only_accelerator_cannot_go_on_air(tmp_path):
    spec = micro()
    spec["accelerators"][0]["liquid_required"] = True
    result = solve(spec, tmp_path)
    assert result.summary["unserved_share"] == pytest.approx(1.0)


def test_floor_space_limits_racks(tmp_path):
    spec = micro()
    spec["sites"][0]["floor_racks"] = 10  # 40 kW racks of 1 kW accelerators, 32 per rack by form factor
    result = solve(spec, tmp_path)
    assert result.tables["accelerators"]["accelerators"].sum() == pytest.approx(320)


def test_ppa_supplies_up_to_its_cap_and_profile(tmp_path):
    spec = micro()
    spec["supply"] = [
        supply_row("a", 80.0, carbon_kg_per_mwh=500.0),
        dict(supply_row("a", 40.0), option="solar", kind="ppa", cap_mw=1.0, profile="sun"),
    ]
    spec["profiles"] = [dict(profile="sun", slice=0, value=0.25, **SRC)]
    spec["config"]["carbon_price_usd_per_t"] = 10.0
    result = solve(spec, tmp_path)
    energy = result.tables["energy"].set_index("option")["mwh"]
    assert energy["solar"] == pytest.approx(0.25 * HOURS)
    assert energy["grid"] == pytest.approx(0.75 * HOURS)
    assert result.summary["cost_breakdown_usd"]["carbon"] == pytest.approx(0.75 * HOURS * 0.5 * 10.0)
    assert result.summary["emissions_t"] == pytest.approx(0.75 * HOURS * 0.5)


def test_carbon_cap_forces_clean_supply(tmp_path):
    spec = micro()
    spec["supply"] = [
        supply_row("a", 40.0, carbon_kg_per_mwh=500.0),
        dict(supply_row("a", 90.0), option="wind", kind="ppa", cap_mw=5.0),
    ]
    spec["config"]["carbon_cap_t"] = {2026: 0.2 * HOURS * 0.5}  # at most 0.2 MW from the grid
    result = solve(spec, tmp_path)
    energy = result.tables["energy"].set_index("option")["mwh"]
    assert energy["grid"] == pytest.approx(0.2 * HOURS)
    assert result.summary["cost_breakdown_usd"]["energy"] == pytest.approx(0.2 * HOURS * 40 + 0.8 * HOURS * 90)


def test_capex_budget_caps_purchases(tmp_path):
    spec = micro()
    spec["config"]["capex_budget_usd"] = {2026: 5_000_000.0}  # 500 accelerators at $10,000
    result = solve(spec, tmp_path)
    assert result.tables["accelerators"]["accelerators"].sum() == pytest.approx(496)  # 62 whole servers
    assert result.summary["unserved_share"] == pytest.approx(0.504)


def test_site_fixed_cost_is_paid_only_when_open(tmp_path):
    spec = micro()
    spec["sites"] = [site_row("a", fixed_cost_usd_per_year=1e6), site_row("b", fixed_cost_usd_per_year=2e5)]
    spec["grid"] = [dict(site=s, year=2026, grid_mw=10, **SRC) for s in ("a", "b")]
    spec["supply"] = [supply_row("a", 0.0), supply_row("b", 0.0)]
    spec["latency"] = [dict(site=s, region="r", latency_ms=1.0, delivery_usd_per_mtok=0.0, **SRC) for s in "ab"]
    result = solve(spec, tmp_path)
    assert [s["site"] for s in result.summary["sites_opened"]] == ["b"]
    assert result.summary["objective_usd"] == pytest.approx(1000 * ACCEL_ANNUAL + 2e5)


def test_discounting_and_wacc_annuity(tmp_path):
    spec = micro()
    spec["config"].update(years=[2026, 2027], wacc=0.1)
    spec["demand"].append(dict(region="r", workload="chat", year=2027, tokens_per_day_billion=86.4, **SRC))
    result = solve(spec, tmp_path)
    annuity = 10_000 * 0.1 / (1 - 1.1**-5)
    assert result.summary["objective_usd"] == pytest.approx(1000 * annuity * (1 + 1 / 1.1))


def test_slice_blocks_keep_energy_and_cost_exact_for_flat_load(tmp_path):
    # four slices with prices 20, 40, 60, 80 and flat demand: merging pairs keeps the energy
    # cost (hours-weighted mean prices) and the plan
    spec = micro()
    spec["slices"] = [dict(slice=h, day=0, hour=h * 6, hours=2190.0) for h in range(4)]
    spec["profiles"] = [dict(profile="tou", slice=h, value=(h + 1) * 0.4, **SRC) for h in range(4)]
    spec["supply"] = [supply_row("a", 50.0, profile="tou")]
    fine = solve(spec, tmp_path / "fine")
    spec["config"]["slices_per_block"] = 2
    coarse = solve(spec, tmp_path / "coarse")
    assert len(coarse.tables["energy"]) == 2
    assert coarse.summary["objective_usd"] == pytest.approx(fine.summary["objective_usd"])
    assert fine.summary["cost_breakdown_usd"]["energy"] == pytest.approx(2190 * (20 + 40 + 60 + 80))


def test_shortfall_explained_in_planner_terms(tmp_path):
    spec = micro()
    spec["grid"][0]["grid_mw"] = 0.6
    result = solve(spec, tmp_path)
    (shortfall,) = result.summary["shortfalls"]
    assert shortfall["unserved_share"] == pytest.approx(0.4)
    assert shortfall["message"].startswith("r chat demand 2026: 40% unserved")
    assert "every site within 100 ms is limited: a at its grid limit (0.6 MW)" in shortfall["message"]


def test_shortfall_without_reachable_site(tmp_path):
    spec = micro()
    spec["latency"][0]["latency_ms"] = 500.0
    result = solve(spec, tmp_path)
    assert "no candidate site within its 100 ms latency bound" in result.summary["shortfalls"][0]["message"]
