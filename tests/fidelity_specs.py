"""Micro scenarios of the fidelity rules (issues 11 and 12), shared by their hand-derived tests
and the golden model files. Each docstring states the case; the tests state the derivation."""

from __future__ import annotations

from tests.factory import SRC, micro, site_row, supply_row


def two_years(demand_2027: float) -> dict:
    """The base case over 2026-2027 with demand 1 Mtok/s, then ``demand_2027`` Mtok/s."""
    spec = micro()
    spec["config"]["years"] = [2026, 2027]
    spec["demand"] = [
        dict(region="r", workload="chat", year=y, tokens_per_day_billion=86.4 * v, **SRC)
        for y, v in ((2026, 1.0), (2027, demand_2027))
    ]
    return spec


def memory_spec(replica_gb: float, gpu_group: int | None) -> dict:
    """gpu (80 GB, 8 per server, $10k) and big (141 GB, $15k); one replica needs ``replica_gb``."""
    spec = micro()
    spec["workloads"][0]["memory_gb_per_replica"] = replica_gb
    spec["accelerators"][0]["scaleup_group_accels"] = gpu_group
    spec["accelerators"].append(
        dict(spec["accelerators"][0], accelerator="big", memory_gb=141, price_usd_per_accel=15000.0)
    )
    spec["accelerators"][1]["scaleup_group_accels"] = None
    spec["throughput"].append(dict(accelerator="big", workload="chat", tokens_per_s_per_accel=1000.0, **SRC))
    return spec


def brownfield(fom: float) -> dict:
    """An existing 1 MW air-cooled site (facility $10,000/kW, 20 years: $500/kW-yr sunk) with
    1,000 gpus bought in 2025 whose fixed O&M is ``fom`` x $10,000 a year."""
    spec = micro()
    spec["sites"][0]["facility_capex_usd_per_kw_it"] = 10_000.0
    spec["accelerators"][0]["fom_fraction_per_year"] = fom
    spec["existing_sites"] = [dict(site="a", cooling="air", it_capacity_mw=1.0, **SRC)]
    spec["existing_fleet"] = [dict(site="a", accelerator="gpu", cooling="air", vintage=2025, count_accels=1000, **SRC)]
    return spec


def two_sites(**b_changes) -> dict:
    """Sites a (facility $1/kW over 20 years: $50 per MW-year, so that capacity beyond the need is
    never free and the built MW is unique) and b ($1,000/kW: $50k per MW-year); grid 100 MW each."""
    spec = micro()
    spec["sites"] = [
        site_row("a", facility_capex_usd_per_kw_it=1.0),
        site_row("b", facility_capex_usd_per_kw_it=1000.0, **b_changes),
    ]
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


def halls_spec() -> dict:
    """Halls of 0.6 MW with $1M fixed capex at the micro site."""
    spec = micro()
    spec["sites"][0].update(hall_mw=0.6, hall_fixed_capex_usd=1e6)
    return spec


def storage_spec() -> dict:
    """Two hours of a day at $20 and $100/MWh and a 1-hour battery ($100/kW, 10 years, loss-free)."""
    spec = micro()
    spec["slices"] = [dict(slice=h, day=0, hour=h, hours=4380.0) for h in (0, 1)]
    spec["profiles"] = [dict(profile="tou", slice=0, value=0.2, **SRC), dict(profile="tou", slice=1, value=1.0, **SRC)]
    spec["supply"] = [supply_row("a", 100.0, profile="tou")]
    spec["sites"][0]["onsite_options"] = "*"
    battery = dict(technology="battery", kind="storage", capex_usd_per_kw=100.0, capex_usd_per_kwh=0.0)
    battery.update(duration_h=1.0, lifetime_years=10, efficiency=1.0, **SRC)
    spec["onsite"] = [battery]
    return spec


def generation_spec() -> dict:
    """Grid power at $100/MWh and a gas engine behind the meter: $100/kW over 10 years ($10k per
    MW-year), 50% efficient on $20/MWh fuel ($40/MWh of electricity), 400 kg CO2/MWh."""
    spec = micro()
    spec["supply"] = [supply_row("a", 100.0)]
    spec["sites"][0]["onsite_options"] = "*"
    engine = dict(technology="engine", kind="generation", capex_usd_per_kw=100.0, lifetime_years=10)
    engine.update(efficiency=0.5, fuel_usd_per_mwh_fuel=20.0, carbon_kg_per_mwh=400.0, **SRC)
    spec["onsite"] = [engine]
    return spec


def water_spec(cap: float | None) -> dict:
    """Air (2 L/kWh) vs dry liquid (0 L, $10k per MW-year) under a site water cap of ``cap`` m3."""
    spec = pue_cap_spec(None)
    spec["cooling"][0]["water_l_per_kwh"] = 2.0
    spec["cooling"][1].update(water_l_per_kwh=0.0, pue_temperate=1.3)
    spec["sites"][0]["water_cap_m3_per_year"] = cap
    return spec


def sovereignty_spec(ruled: bool) -> dict:
    """Site a (country X, free) and b (country Y, dear); the operator may not serve r from X."""
    spec = two_sites(country="Y")
    if ruled:
        spec["config"]["operator"] = "sovereign"
        spec["sovereignty"] = [
            dict(operator="sovereign", site_country="X", region="r", allowed=False, **SRC),
            dict(operator="sovereign", site_country="*", region="*", allowed=True, **SRC),
        ]
    return spec
