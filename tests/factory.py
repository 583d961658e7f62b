"""Small scenarios written to real files, for tests whose optimum can be derived by hand.

``micro()`` returns the rows of a one-site, one-accelerator, one-slice scenario with round
numbers; tests change a few rows and call ``write_scenario`` to get a YAML file on disk.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

SRC = {"source": "test", "confidence": "EST"}


def micro() -> dict[str, Any]:
    """One site, one air-cooled accelerator, one region and workload, one year of one slice.

    Demand 1 Mtok/s all year; an accelerator serves 1,000 tok/s, so 1,000 accelerators
    (125 servers of 8) are needed; each draws 1 kW (idle 0), so 1 MW of IT load.
    """
    return {
        "config": {"name": "micro", "years": [2026], "wacc": 0.0, "unserved_penalty_usd_per_mtok": 1000.0},
        "accelerators": [
            dict(
                accelerator="gpu",
                vendor="x",
                power_kw_per_accel=1.0,
                idle_fraction=0.0,
                memory_gb=80,
                price_usd_per_accel=10000.0,
                lifetime_years=5,
                first_year=2026,
                liquid_required=False,
                accels_per_unit=8,
                unit_name="server",
                max_accels_per_rack=32,
                scaleout_ports_per_accel=0.0,
                network_group_accels=32,
                **SRC,
            )
        ],
        "throughput": [dict(accelerator="gpu", workload="chat", tokens_per_s_per_accel=1000.0, **SRC)],
        "workloads": [dict(workload="chat", latency_ms_max=100.0, deferrable=False, tokens_per_request=500, **SRC)],
        "cooling": [
            dict(
                cooling="air",
                kind="air",
                max_kw_per_rack=40.0,
                capex_usd_per_kw_it=0.0,
                lifetime_years=10,
                pue_cold=1.0,
                pue_temperate=1.0,
                pue_hot=1.0,
                **SRC,
            )
        ],
        "interconnect": [
            dict(
                interconnect="optic",
                medium="optical",
                cost_usd_per_port=0.0,
                power_w_per_port=0.0,
                reach_m=500,
                lifetime_years=5,
                first_year=2020,
                **SRC,
            )
        ],
        "sites": [site_row("a")],
        "grid": [dict(site="a", year=2026, grid_mw=100.0, **SRC)],
        "supply": [supply_row("a", 0.0)],
        "regions": [dict(region="r", name="R", latitude=0, longitude=0, **SRC)],
        "latency": [dict(site="a", region="r", latency_ms=10.0, delivery_usd_per_mtok=0.0, **SRC)],
        "demand": [dict(region="r", workload="chat", year=2026, tokens_per_day_billion=86.4, **SRC)],
        "slices": [dict(slice=0, day=0, hour=0, hours=8760.0)],
    }


def site_row(site: str, **changes: Any) -> dict[str, Any]:
    row = dict(
        site=site,
        name=site,
        country="X",
        latitude=0.0,
        longitude=0.0,
        climate="temperate",
        fixed_cost_usd_per_year=0.0,
        facility_capex_usd_per_kw_it=0.0,
        facility_lifetime_years=20,
        floor_racks=1000,
        **SRC,
    )
    row.update(changes)
    return row


def supply_row(site: str, price: float, **changes: Any) -> dict[str, Any]:
    row = dict(site=site, option="grid", kind="grid", price_usd_per_mwh=price, carbon_kg_per_mwh=0.0, **SRC)
    row.update(changes)
    return row


def cooling_row(
    cooling: str, kind: str, max_kw_per_rack: float, capex_usd_per_kw_it: float, pue: float, **changes: Any
) -> dict[str, Any]:
    """A cooling design with PUE ``pue`` in every climate and a 10-year life (``changes`` override)."""
    row = dict(
        cooling=cooling,
        kind=kind,
        max_kw_per_rack=max_kw_per_rack,
        capex_usd_per_kw_it=capex_usd_per_kw_it,
        lifetime_years=10,
        pue_cold=pue,
        pue_temperate=pue,
        pue_hot=pue,
        **SRC,
    )
    row.update(changes)
    return row


def port_row(interconnect: str, medium: str, cost_usd_per_port: float, power_w_per_port: float = 0.0) -> dict:
    """A scale-out port technology: copper reaches 3 m (in the rack), optics 500 m; 5-year life."""
    return dict(
        interconnect=interconnect,
        medium=medium,
        cost_usd_per_port=cost_usd_per_port,
        power_w_per_port=power_w_per_port,
        reach_m=3 if medium == "copper" else 500,
        lifetime_years=5,
        first_year=2020,
        **SRC,
    )


def two_sites(fixed_cost_usd_per_year: float = 1e5) -> dict[str, Any]:
    """micro() at two sites: ``cn`` (China) with free electricity but a 0.6 MW grid connection and
    ``us`` at $20/MWh that can take it all (2 MW); each costs ``fixed_cost_usd_per_year`` when open
    and $1,000 per MW of IT capacity a year, so capacity equals load."""
    spec = micro()
    capacity_cost = dict(facility_capex_usd_per_kw_it=20.0, facility_lifetime_years=20)  # $1/kW/yr
    spec["sites"] = [
        site_row("cn", country="China", fixed_cost_usd_per_year=fixed_cost_usd_per_year, **capacity_cost),
        site_row("us", country="United States", fixed_cost_usd_per_year=fixed_cost_usd_per_year, **capacity_cost),
    ]
    spec["grid"] = [dict(site="cn", year=2026, grid_mw=0.6, **SRC), dict(site="us", year=2026, grid_mw=2.0, **SRC)]
    spec["supply"] = [supply_row("cn", 0.0), supply_row("us", 20.0)]
    spec["latency"] = [
        dict(site=s, region="r", latency_ms=10.0, delivery_usd_per_mtok=0.0, **SRC) for s in ("cn", "us")
    ]
    return spec


def write_scenario(folder: Path, spec: dict[str, Any], name: str = "scenario.yaml") -> Path:
    """Write the catalogs as CSV and the scenario YAML into ``folder``; return the YAML path."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = copy.deepcopy(spec)
    config = spec.pop("config")
    catalogs = {}
    for catalog, rows in spec.items():
        path = folder / f"{catalog}.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        catalogs[catalog] = path.name
    config = {**config, "catalogs": catalogs}
    path = folder / name
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def rich() -> dict[str, Any]:
    """A small scenario touching every cost component: two sites, two years, two slices,
    two coolings, copper and optics, a PPA, carbon price, delivery costs, and unserved demand."""
    spec = micro()
    spec["config"].update(years=[2026, 2027], wacc=0.08, carbon_price_usd_per_t=25.0, unserved_penalty_usd_per_mtok=0.5)
    spec["accelerators"][0].update(
        idle_fraction=0.3, scaleout_ports_per_accel=3.0, network_group_accels=64, fom_fraction_per_year=0.05
    )
    spec["accelerators"].append(
        dict(
            spec["accelerators"][0],
            accelerator="dense",
            liquid_required=True,
            accels_per_unit=72,
            max_accels_per_rack=72,
            power_kw_per_accel=1.6,
            price_usd_per_accel=30000.0,
            first_year=2027,
        )
    )
    spec["throughput"].append(dict(accelerator="dense", workload="chat", tokens_per_s_per_accel=4000.0, **SRC))
    spec["cooling"][0].update(pue_temperate=1.4, pue_cold=1.25, capex_usd_per_kw_it=500.0, fom_fraction_per_year=0.02)
    dlc = cooling_row("dlc", "liquid", 130.0, 1500.0, 1.12, lifetime_years=12, pue_cold=1.08, pue_hot=1.2)
    spec["cooling"].append(dlc)
    spec["interconnect"] = [port_row("dac", "copper", 80.0, 0.2), port_row("dsp", "optical", 1200.0, 15.0)]
    spec["sites"] = [
        site_row("north", climate="cold", fixed_cost_usd_per_year=3e5, facility_capex_usd_per_kw_it=10000.0),
        site_row("south", climate="temperate", fixed_cost_usd_per_year=1e5, facility_capex_usd_per_kw_it=8000.0),
    ]
    spec["grid"] = [
        dict(site="north", year=2026, grid_mw=1.0, **SRC),
        dict(site="north", year=2027, grid_mw=3.0, **SRC),
        dict(site="south", year=2026, grid_mw=2.0, **SRC),
    ]
    spec["supply"] = [
        supply_row("north", 45.0, carbon_kg_per_mwh=300.0, profile="tou"),
        supply_row("south", 70.0, carbon_kg_per_mwh=450.0, profile="tou"),
        dict(supply_row("south", 35.0), option="solar", kind="ppa", cap_mw=0.8, profile="sun"),
    ]
    spec["slices"] = [
        dict(slice=0, day=0, hour=2, hours=4380.0, cooling_load=0.8),
        dict(slice=1, day=0, hour=14, hours=4380.0, cooling_load=1.2),
    ]
    spec["profiles"] = [
        dict(profile="tou", slice=0, value=0.8, **SRC),
        dict(profile="tou", slice=1, value=1.2, **SRC),
        dict(profile="sun", slice=0, value=0.0, **SRC),
        dict(profile="sun", slice=1, value=0.9, **SRC),
        dict(profile="day", slice=0, value=0.5, **SRC),
        dict(profile="day", slice=1, value=1.5, **SRC),
    ]
    spec["workloads"][0]["load_profile"] = "day"
    spec["workloads"].append(
        dict(workload="batch", latency_ms_max=300.0, deferrable=True, tokens_per_request=2000, **SRC)
    )
    spec["throughput"] += [
        dict(accelerator="gpu", workload="batch", tokens_per_s_per_accel=1500.0, **SRC),
        dict(accelerator="dense", workload="batch", tokens_per_s_per_accel=6000.0, **SRC),
    ]
    spec["regions"].append(dict(region="far", name="Far", latitude=10, longitude=100, utc_offset_h=8, **SRC))
    spec["latency"] = [
        dict(site="north", region="r", latency_ms=30.0, delivery_usd_per_mtok=0.01, **SRC),
        dict(site="south", region="r", latency_ms=15.0, delivery_usd_per_mtok=0.005, **SRC),
        dict(site="north", region="far", latency_ms=180.0, delivery_usd_per_mtok=0.03, **SRC),
        dict(site="south", region="far", latency_ms=150.0, delivery_usd_per_mtok=0.02, **SRC),
    ]
    spec["demand"] = [
        dict(region=r, workload=k, year=y, tokens_per_day_billion=v * (1.8 if y == 2027 else 1.0), **SRC)
        for r, k, v in (("r", "chat", 60.0), ("r", "batch", 40.0), ("far", "chat", 20.0), ("far", "batch", 30.0))
        for y in (2026, 2027)
    ]
    return spec
