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
        "workloads": [
            dict(workload="chat", latency_ms_max=100.0, deferrable=False, tokens_per_request=500, **SRC)
        ],
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
