"""Beasley's capacitated warehouse location instances (OR-Library) as aidc scenarios.

The mapping makes aidc's model reduce exactly to the multi-source capacitated facility
location problem: one year of one slice lasting 1/3600 h (so 1 Mtok/s carries 1 Mtok),
one free accelerator serving 1 Mtok/s per 1 MW, PUE 1, free energy; warehouse i is a site
with fixed cost f_i per year and a grid connection of Q_i MW; customer j is a region with
demand d_j Mtok/s; delivery from i to j costs (allocation cost of all of j at i) / d_j per Mtok.
"""

from __future__ import annotations

from pathlib import Path

from tests.factory import SRC, micro, site_row, supply_row, write_scenario

ORLIB = Path(__file__).resolve().parent / "data" / "orlib-cap"  # copied from OR-Library (see its README.md)
PUBLISHED_OPTIMA = {
    "cap71": 932615.750,
    "cap72": 977799.400,
    "cap73": 1010641.450,
    "cap74": 1034976.975,
    "cap101": 796648.437,
    "cap102": 854704.200,
    "cap103": 893782.112,
    "cap104": 928941.750,
}


def parse_instance(path: Path) -> tuple[list[tuple[float, float]], list[tuple[float, list[float]]]]:
    """Warehouses as (capacity, fixed cost); customers as (demand, cost of all demand at each)."""
    numbers = path.read_text().split()
    m, n = int(numbers[0]), int(numbers[1])
    position = 2
    warehouses = []
    for _ in range(m):
        warehouses.append((float(numbers[position]), float(numbers[position + 1])))
        position += 2
    customers = []
    for _ in range(n):
        demand = float(numbers[position])
        costs = [float(value) for value in numbers[position + 1 : position + 1 + m]]
        customers.append((demand, costs))
        position += 1 + m
    return warehouses, customers


def write_instance(name: str, folder: Path) -> Path:
    """Write instance ``name`` as an aidc scenario in ``folder``; return the YAML path."""
    warehouses, customers = parse_instance(ORLIB / f"{name}.txt")
    spec = micro()
    spec["config"].update(name=name, integer_units=False, unserved_penalty_usd_per_mtok=1e6)
    spec["accelerators"][0].update(price_usd_per_accel=0.0, idle_fraction=0.0, power_kw_per_accel=1.0)
    spec["slices"] = [dict(slice=0, day=0, hour=0, hours=1.0 / 3600.0)]
    sites = [f"w{i}" for i in range(len(warehouses))]
    pairs = list(zip(sites, warehouses, strict=True))
    spec["sites"] = [site_row(site, fixed_cost_usd_per_year=fixed, floor_racks=1e9) for site, (_, fixed) in pairs]
    spec["grid"] = [dict(site=site, year=2026, grid_mw=cap, **SRC) for site, (cap, _) in pairs]
    spec["supply"] = [supply_row(site, 0.0) for site in sites]
    spec["regions"] = [
        dict(region=f"c{j}", name=f"c{j}", latitude=0, longitude=0, **SRC) for j in range(len(customers))
    ]
    spec["demand"] = [
        dict(region=f"c{j}", workload="chat", year=2026, tokens_per_day_billion=demand * 86.4, **SRC)
        for j, (demand, _) in enumerate(customers)
    ]
    spec["latency"] = [
        dict(site=site, region=f"c{j}", latency_ms=0.0, delivery_usd_per_mtok=costs[i] / demand, **SRC)
        for j, (demand, costs) in enumerate(customers)
        for i, site in enumerate(sites)
    ]
    return write_scenario(folder, spec, name=f"{name}.yaml")
