"""Hand-derived micro tests for the time, grid and power rules (issue 12).

Base case (tests.factory.micro): one site, demand 1 Mtok/s all year, 1,000 accelerators of 1 kW
(idle 0) busy all the time, so 1 MW of IT load; PUE 1, power free, facility free, WACC 0.
Accelerator counts are relaxed (relax="units") where a test is about MW, so no rounding enters.
"""

from __future__ import annotations

import pytest

from aidc.optimizer.planner import Planner
from aidc.optimizer.solve import SolveOptions
from tests.factory import write_scenario
from tests.fidelity_specs import (
    design_day_spec,
    generation_spec,
    halls_spec,
    lag_spec,
    pue_cap_spec,
    sovereignty_spec,
    storage_spec,
    take_or_pay_spec,
    water_spec,
)

HOURS = 8760.0


def solve(spec, tmp_path, **options):
    options.setdefault("mip_gap", 1e-9)
    options.setdefault("relax", "units")
    return Planner.from_file(write_scenario(tmp_path, spec), SolveOptions(**options)).solve()


def capacity(result, site: str, year: int = 2026) -> float:
    sites = result.tables["sites"]
    return float(sites[(sites["site"] == site) & (sites["year"] == year)]["it_capacity_mw"].sum())


def test_design_day_binds_the_grid_connection(tmp_path):
    peak = 1.0 / (8759.0 + 0.5) * 8760.0  # the shape is normalised to a mean of 1 over the day's hours
    free = solve(design_day_spec(False), tmp_path / "off")
    assert capacity(free, "a") == pytest.approx(peak, rel=1e-6) and capacity(free, "b") == pytest.approx(0.0, abs=1e-9)
    bound = solve(design_day_spec(True), tmp_path / "on")
    assert capacity(bound, "a") == pytest.approx(1.2 / 1.3, rel=1e-6)
    assert capacity(bound, "b") == pytest.approx(peak - 1.2 / 1.3, rel=1e-5)


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
    result = solve(halls_spec(), tmp_path)
    assert result.tables["halls"]["halls"].tolist() == [pytest.approx(2.0)]
    assert result.summary["cost_breakdown_usd"]["facility"] == pytest.approx(2 * 50_000.0)


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
    result = solve(storage_spec(), tmp_path)
    assert result.summary["cost_breakdown_usd"]["energy"] == pytest.approx(2 * 4380.0 * 20.0)
    assert result.summary["cost_breakdown_usd"]["onsite"] == pytest.approx(10_000.0)


def test_gas_engine_behind_the_meter_replaces_dearer_grid_power(tmp_path):
    """1 MW of load all year (8,760 MWh). The engine costs $10,000 a year plus $40/MWh of fuel,
    $360,400, against $876,000 of grid power: it runs the whole load. The summary counts its
    energy (8,760 MWh) and emissions (8,760 x 0.4 = 3,504 t) with the grid's (none bought)."""
    result = solve(generation_spec(), tmp_path)
    assert result.tables["generation"]["capacity_mw"].tolist() == [pytest.approx(1.0)]
    assert result.summary["cost_breakdown_usd"]["onsite"] == pytest.approx(10_000.0)
    assert result.summary["cost_breakdown_usd"]["energy"] == pytest.approx(40.0 * HOURS)
    assert result.summary["energy_mwh"] == pytest.approx(HOURS)
    assert result.summary["emissions_t"] == pytest.approx(0.4 * HOURS)


def test_pue_cap_excludes_air_cooling(tmp_path):
    chosen = solve(pue_cap_spec(None), tmp_path / "free").tables["sites"]["cooling"].tolist()
    assert chosen == ["air"]  # power is free, so the cheaper design wins
    capped = solve(pue_cap_spec(1.2), tmp_path / "cap")
    assert capped.tables["sites"]["cooling"].tolist() == ["liquid"]
    assert capped.summary["cost_breakdown_usd"]["cooling"] == pytest.approx(10_000.0)


def test_water_cap_excludes_evaporative_cooling(tmp_path):
    """Air uses 2 L/kWh: 1 MW x 8,760 h x 2 = 17,520 m3 a year, above a 10,000 m3 cap; the
    dry liquid design (0 L, $10k per MW-year) is chosen instead."""
    assert solve(water_spec(None), tmp_path / "free").tables["sites"]["cooling"].tolist() == ["air"]
    capped = solve(water_spec(10_000.0), tmp_path / "cap")
    assert capped.tables["sites"]["cooling"].tolist() == ["liquid"]


def test_sovereignty_keeps_a_region_off_a_foreign_site(tmp_path):
    """Site a (country X) is free and b (country Y) costs $50k per MW-year; an operator barred
    from serving region r from X must build at b."""
    free = solve(sovereignty_spec(False), tmp_path / "free")
    assert (capacity(free, "a"), capacity(free, "b")) == (pytest.approx(1.0), pytest.approx(0.0, abs=1e-9))
    ruled = solve(sovereignty_spec(True), tmp_path / "rule")
    assert (capacity(ruled, "a"), capacity(ruled, "b")) == (pytest.approx(0.0, abs=1e-9), pytest.approx(1.0))
