"""Hand-derived micro tests for the time, grid and power rules (issue 12).

Base case (tests.factory.micro): one site, demand 1 Mtok/s all year, 1,000 accelerators of 1 kW
(idle 0) busy all the time, so 1 MW of IT load; PUE 1, power free, facility free, WACC 0.
Accelerator counts are relaxed (relax="units") where a test is about MW, so no rounding enters.
"""

from __future__ import annotations

import pytest

from aidc.optimizer.planner import Planner
from aidc.optimizer.solve import SolveOptions
from tests.factory import SRC, micro, site_row, supply_row, write_scenario

HOURS = 8760.0


def solve(spec, tmp_path, **options):
    options.setdefault("mip_gap", 1e-9)
    options.setdefault("relax", "units")
    return Planner.from_file(write_scenario(tmp_path, spec), SolveOptions(**options)).solve()


def capacity(result, site: str, year: int = 2026) -> float:
    sites = result.tables["sites"]
    return float(sites[(sites["site"] == site) & (sites["year"] == year)]["it_capacity_mw"].sum())


def two_sites(**b_changes) -> dict:
    """Sites a (free) and b (facility $1,000/kW over 20 years: $50k per MW-year); grid 100 MW each."""
    spec = micro()
    spec["sites"] = [site_row("a"), site_row("b", facility_capex_usd_per_kw_it=1000.0, **b_changes)]
    spec["grid"] = [dict(site=s, year=2026, grid_mw=100.0, **SRC) for s in ("a", "b")]
    spec["supply"] = [supply_row("a", 0.0), supply_row("b", 0.0)]
    spec["latency"] = [dict(site=s, region="r", latency_ms=10.0, delivery_usd_per_mtok=0.0, **SRC) for s in ("a", "b")]
    return spec


def design_day_spec(design_day: bool) -> dict:
    """Site a has a 1.2 MW grid. Slice 0 (8,759 h) has PUE 1.1 and full load; slice 1 (1 h, the
    hottest) has PUE 1 + 0.1 x 3 = 1.3 and half load. Operating in each slice fits (1.1 and 0.65
    MW), but 1 MW of capacity at the design PUE 1.3 needs 1.3 MW: on the design day site a may
    hold only 1.2 / 1.3 = 0.923 MW and b builds the rest."""
    spec = two_sites()
    spec["config"]["grid_design_day"] = design_day
    spec["grid"][0]["grid_mw"] = 1.2
    spec["cooling"][0].update(pue_temperate=1.1)
    spec["slices"] = [
        dict(slice=0, day=0, hour=0, hours=8759.0, cooling_load=1.0),
        dict(slice=1, day=0, hour=1, hours=1.0, cooling_load=3.0),
    ]
    spec["profiles"] = [
        dict(profile="hot-dip", slice=0, value=1.0, **SRC),
        dict(profile="hot-dip", slice=1, value=0.5, **SRC),
    ]
    spec["workloads"][0]["load_profile"] = "hot-dip"
    return spec


def test_design_day_binds_the_grid_connection(tmp_path):
    peak = 1.0 / (8759.0 + 0.5) * 8760.0  # the shape is normalised to a mean of 1 over the day's hours
    free = solve(design_day_spec(False), tmp_path / "off")
    assert capacity(free, "a") == pytest.approx(peak, rel=1e-6) and capacity(free, "b") == pytest.approx(0.0, abs=1e-9)
    bound = solve(design_day_spec(True), tmp_path / "on")
    assert capacity(bound, "a") == pytest.approx(1.2 / 1.3, rel=1e-6)
    assert capacity(bound, "b") == pytest.approx(peak - 1.2 / 1.3, rel=1e-5)


def lag_spec(lease: bool) -> dict:
    """2026-2027; decisions from 2026 and a one-year build lag: nothing new in 2026. With a lease
    ($10/kW-month, up to 5 MW) 2026 is leased (1 MW x $120k) and 2027 built (free)."""
    spec = micro()
    spec["config"].update(years=[2026, 2027], first_decision_year=2026, unserved_penalty_usd_per_mtok=1.0)
    spec["sites"][0]["build_lag_years"] = 1
    if lease:
        spec["sites"][0].update(lease_usd_per_kw_month=10.0, lease_max_mw=5.0)
    spec["demand"] = [
        dict(region="r", workload="chat", year=y, tokens_per_day_billion=86.4, **SRC) for y in (2026, 2027)
    ]
    return spec


def test_build_lag_delays_capacity_and_a_lease_bridges_it(tmp_path):
    late = solve(lag_spec(False), tmp_path / "late")
    demand = late.tables["demand"]
    unserved = demand.groupby("year")["unserved_mtok"].sum() / demand.groupby("year")["demand_mtok"].sum()
    assert unserved[2026] == pytest.approx(1.0) and unserved[2027] == pytest.approx(0.0, abs=1e-9)
    assert capacity(late, "a", 2026) == pytest.approx(0.0, abs=1e-9)
    leased = solve(lag_spec(True), tmp_path / "lease")
    assert leased.summary["unserved_share"] == pytest.approx(0.0, abs=1e-9)
    assert leased.summary["cost_breakdown_usd"]["lease"] == pytest.approx(1.0 * 10.0 * 12 * 1000)
    assert leased.tables["leases"].set_index("year")["leased_mw"].to_dict() == {2026: pytest.approx(1.0)}


def test_sites_are_built_in_whole_halls_with_their_fixed_cost(tmp_path):
    """Halls of 0.6 MW with $1M fixed capex (20 years, 0%: $50k a year): 1 MW needs 2 halls."""
    spec = micro()
    spec["sites"][0].update(hall_mw=0.6, hall_fixed_capex_usd=1e6)
    result = solve(spec, tmp_path)
    assert result.tables["halls"]["halls"].tolist() == [pytest.approx(2.0)]
    assert result.summary["cost_breakdown_usd"]["facility"] == pytest.approx(2 * 50_000.0)


def take_or_pay_spec(resale: float) -> dict:
    """Grid power $100/MWh; a take-or-pay PPA of up to 2 MW, flat, at $40 with surplus resold at ``resale``."""
    spec = micro()
    spec["supply"] = [
        supply_row("a", 100.0),
        dict(
            supply_row("a", 40.0),
            option="ppa",
            kind="ppa",
            cap_mw=2.0,
            take_or_pay=True,
            market_resale_usd_per_mwh=resale,
        ),
    ]
    return spec


def test_take_or_pay_contract_is_sized_by_its_resale_value(tmp_path):
    """Resale $20 < $40: contract exactly the 1 MW used, $40 x 8,760 = $350,400. Resale $50 > $40:
    contract all 2 MW, pay 2 x 8,760 x $40 and resell 1 x 8,760 x $50: $262,800."""
    low = solve(take_or_pay_spec(20.0), tmp_path / "low")
    assert low.tables["ppa_contracts"]["contract_mw"].tolist() == [pytest.approx(1.0)]
    assert low.summary["cost_breakdown_usd"]["energy"] == pytest.approx(40.0 * HOURS)
    high = solve(take_or_pay_spec(50.0), tmp_path / "high")
    assert high.tables["ppa_contracts"]["contract_mw"].tolist() == [pytest.approx(2.0)]
    assert high.summary["cost_breakdown_usd"]["energy"] == pytest.approx(2 * 40.0 * HOURS - 50.0 * HOURS)


def test_battery_shifts_energy_from_cheap_to_dear_hours(tmp_path):
    """Hour 0 of the day costs $20/MWh, hour 1 $100 (4,380 h each). A 1-hour battery ($100/kW, 10
    years: $10k per MW-year, loss-free) charges 1 MW in hour 0 and covers the 1 MW load in hour 1:
    energy 2 MW x 4,380 h x $20 = $175,200 plus $10,000 of battery."""
    spec = micro()
    spec["slices"] = [dict(slice=h, day=0, hour=h, hours=4380.0) for h in (0, 1)]
    spec["profiles"] = [dict(profile="tou", slice=0, value=0.2, **SRC), dict(profile="tou", slice=1, value=1.0, **SRC)]
    spec["supply"] = [supply_row("a", 100.0, profile="tou")]
    spec["sites"][0]["onsite_options"] = "*"
    spec["onsite"] = [
        dict(
            technology="battery",
            kind="storage",
            capex_usd_per_kw=100.0,
            capex_usd_per_kwh=0.0,
            duration_h=1.0,
            lifetime_years=10,
            efficiency=1.0,
            **SRC,
        )
    ]
    result = solve(spec, tmp_path)
    assert result.summary["cost_breakdown_usd"]["energy"] == pytest.approx(2 * 4380.0 * 20.0)
    assert result.summary["cost_breakdown_usd"]["onsite"] == pytest.approx(10_000.0)


def pue_cap_spec(cap: float | None) -> dict:
    """Air (PUE 1.3, free) vs liquid (PUE 1.1, $100/kW over 10 years: $10k per MW-year) at a site
    under a jurisdiction whose cap for new capacity is ``cap``."""
    spec = micro()
    spec["cooling"][0].update(pue_temperate=1.3)
    spec["cooling"].append(
        dict(spec["cooling"][0], cooling="liquid", kind="liquid", pue_temperate=1.1, capex_usd_per_kw_it=100.0)
    )
    spec["sites"][0]["jurisdiction"] = "j"
    spec["jurisdictions"] = [dict(jurisdiction="j", pue_max=cap, pue_rule_from_year=2020, **SRC)]
    return spec


def test_pue_cap_excludes_air_cooling(tmp_path):
    chosen = solve(pue_cap_spec(None), tmp_path / "free").tables["sites"]["cooling"].tolist()
    assert chosen == ["air"]  # power is free, so the cheaper design wins
    capped = solve(pue_cap_spec(1.2), tmp_path / "cap")
    assert capped.tables["sites"]["cooling"].tolist() == ["liquid"]
    assert capped.summary["cost_breakdown_usd"]["cooling"] == pytest.approx(10_000.0)


def test_water_cap_excludes_evaporative_cooling(tmp_path):
    """Air uses 2 L/kWh: 1 MW x 8,760 h x 2 = 17,520 m3 a year, above a 10,000 m3 cap; the
    dry liquid design (0 L, $10k per MW-year) is chosen instead."""
    spec = pue_cap_spec(None)
    spec["cooling"][0]["water_l_per_kwh"] = 2.0
    spec["cooling"][1].update(water_l_per_kwh=0.0, pue_temperate=1.3)
    assert solve(spec, tmp_path / "free").tables["sites"]["cooling"].tolist() == ["air"]
    spec["sites"][0]["water_cap_m3_per_year"] = 10_000.0
    capped = solve(spec, tmp_path / "cap")
    assert capped.tables["sites"]["cooling"].tolist() == ["liquid"]


def test_sovereignty_keeps_a_region_off_a_foreign_site(tmp_path):
    """Site a (country X) is free and b (country Y) costs $50k per MW-year; an operator barred
    from serving region r from X must build at b."""
    spec = two_sites(country="Y")
    free = solve(spec, tmp_path / "free")
    assert (capacity(free, "a"), capacity(free, "b")) == (pytest.approx(1.0), pytest.approx(0.0, abs=1e-9))
    spec["config"]["operator"] = "sovereign"
    spec["sovereignty"] = [
        dict(operator="sovereign", site_country="X", region="r", allowed=False, **SRC),
        dict(operator="sovereign", site_country="*", region="*", allowed=True, **SRC),
    ]
    ruled = solve(spec, tmp_path / "rule")
    assert (capacity(ruled, "a"), capacity(ruled, "b")) == (pytest.approx(0.0, abs=1e-9), pytest.approx(1.0))
