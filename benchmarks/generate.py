"""Synthetic but realistic scenarios of a chosen size, written as CSV catalogs plus a scenario YAML.

Every figure is sampled (seeded numpy RNG) around the rows of the shipped reference catalogs in
``inputs/catalogs/``: sites, accelerators, regions and workload classes beyond the catalog are
jittered copies of catalog rows (prices x0.85-1.15, coordinates +-2 degrees, ...), so a scenario
grows in size while its numbers stay in the catalog's ranges. Export controls (which sites may
buy which accelerators) and unreachable site-region pairs follow the copied rows; latency is
recomputed from the jittered coordinates with the catalog's rule (great-circle km x 1.4 at
1 ms per 100 km, + 5 ms). Demand scales with the number of sites, so the plan's size per site
stays close to the baseline's. Slices: one typical day of ``slices`` slices (<= 24), or
``slices / 24`` representative days of 24 hours spread over a year (seasonal cooling, solar,
wind and price shapes).

    python benchmarks/generate.py OUT_DIR --size m          # a preset of SIZES
    python benchmarks/generate.py OUT_DIR --sites 12 --accelerators 6 --regions 5 \\
        --workloads 3 --years 5 --slices 24 --seed 0

prints the scenario YAML path; ``aidc validate`` accepts every generated scenario.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parent.parent
CATALOGS = REPO / "inputs" / "catalogs"
FIRST_YEAR = 2026
KM_PER_DEGREE = 111.195  # great-circle km per degree of arc (Earth radius 6,371 km)
SOURCE = "synthetic (benchmarks/generate.py) from inputs/catalogs"

# Catalog ids in an order that mixes vendors, countries and classes, so small scenarios are
# diverse (a 4-site scenario has China, US and European sites and accelerators each can buy).
ACCELERATOR_ORDER = (
    "b200",
    "h20",
    "gb300-nvl72",
    "ascend-910c-cm384",
    "mi355x",
    "h200",
    "zhenwu-810e",
    "b300",
    "gb200-nvl72",
    "mi300x",
    "ascend-910b",
    "h100",
    "mi325x",
)
REGION_ORDER = (
    "us-east",
    "europe",
    "china-east",
    "us-west",
    "china-north",
    "southeast-asia",
    "middle-east",
    "china-south",
)
WORKLOAD_ORDER = ("chat-70b", "reasoning-moe", "batch")


@dataclass(frozen=True)
class Size:
    """Dimensions of a generated scenario (counts; ``slices`` <= 24 or a multiple of 24)."""

    sites: int
    accelerators: int
    regions: int
    workloads: int
    years: int
    slices: int

    def __post_init__(self) -> None:
        if min(asdict(self).values()) < 1:
            raise ValueError(f"every dimension must be >= 1: {self}")
        if self.slices > 24 and self.slices % 24:
            raise ValueError(f"slices must be <= 24 or a multiple of 24, found {self.slices}")

    def label(self) -> str:
        return f"{self.sites}s-{self.accelerators}a-{self.regions}r-{self.workloads}k-{self.years}y-{self.slices}h"


SIZES: dict[str, Size] = {
    "xs": Size(sites=4, accelerators=4, regions=3, workloads=3, years=3, slices=8),
    "s": Size(sites=8, accelerators=6, regions=4, workloads=3, years=4, slices=12),
    "m": Size(sites=16, accelerators=8, regions=6, workloads=3, years=5, slices=24),
    "ml": Size(sites=24, accelerators=10, regions=8, workloads=4, years=5, slices=24),
    "l": Size(sites=30, accelerators=13, regions=8, workloads=4, years=5, slices=48),
    "xl": Size(sites=36, accelerators=16, regions=10, workloads=5, years=5, slices=72),
    "xxl": Size(sites=48, accelerators=16, regions=12, workloads=5, years=6, slices=96),
}
"""Presets from a few thousand to over two million variables (see benchmarks/README.md)."""


def _catalog(name: str) -> pd.DataFrame:
    return pd.read_csv(CATALOGS / f"{name}.csv", keep_default_na=False, na_values={"cap_mw": [""]})


def _round_robin(groups: Iterable[list[str]]) -> list[str]:
    """Interleave lists: first items of each, then second items, ..."""
    lists = [list(group) for group in groups]
    order = []
    while any(lists):
        for group in lists:
            if group:
                order.append(group.pop(0))
    return order


def _copies(order: list[str], count: int) -> list[tuple[str, str]]:
    """(new id, template id) pairs: the catalog ids first, then numbered copies."""
    pairs = []
    for i in range(count):
        template = order[i % len(order)]
        generation = i // len(order)
        pairs.append((template if generation == 0 else f"{template}-g{generation}", template))
    return pairs


def _slice_table(size: Size, catalog_slices: pd.DataFrame) -> pd.DataFrame:
    """Slices with their day, UTC hour, hours of the year and seasonal cooling load."""
    days = max(1, size.slices // 24)
    per_day = size.slices // days
    rows = []
    for day in range(days):
        season = _season(day, days)
        for j in range(per_day):
            hour = j * 24 // per_day
            hours_in_block = range(hour, (j + 1) * 24 // per_day)
            base = float(catalog_slices.loc[list(hours_in_block), "cooling_load"].mean())
            rows.append(
                {
                    "slice": day * per_day + j,
                    "day": day,
                    "hour": hour,
                    "hours": 8760.0 / size.slices,
                    "cooling_load": round(min(5.0, base * (1.0 + 0.2 * season)), 4),
                    "source": SOURCE,
                }
            )
    return pd.DataFrame(rows)


def _season(day: int, days: int) -> float:
    """-1 in winter (first day) to +1 in summer (middle day); 0 for a single typical day."""
    return 0.0 if days == 1 else -math.cos(2.0 * math.pi * day / days)


def _profile_table(slices: pd.DataFrame, catalog_profiles: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every catalog profile on the generated slices: the catalog's hourly values averaged over
    each slice's hours, shaped by season (solar up and wind down in summer, prices up)."""
    days = int(slices["day"].max()) + 1
    per_day = len(slices) // days
    seasonal = {"solar": 0.3, "wind": -0.2, "tou": 0.1, "load": 0.0}
    rows = []
    for name, group in catalog_profiles.groupby("profile", sort=True):
        hourly = group.set_index("slice")["value"].astype(float)
        amplitude = seasonal.get(str(name).split("-")[0], 0.0)
        cap = 1.0 if str(name).startswith(("solar", "wind")) else math.inf
        for row in slices.itertuples(index=False):
            j = row.slice % per_day
            block = hourly.loc[list(range(j * 24 // per_day, (j + 1) * 24 // per_day))].mean()
            noise = rng.uniform(0.97, 1.03) if days > 1 else 1.0
            value = min(cap, block * (1.0 + amplitude * _season(row.day, days)) * noise)
            rows.append({"profile": name, "slice": row.slice, "value": round(float(value), 4)})
    frame = pd.DataFrame(rows)
    return _sourced(frame)


def _sourced(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(source=SOURCE, confidence="EST", notes="")


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    cos_angle = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dlon)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos_angle)))) * KM_PER_DEGREE


def generate_tables(size: Size, seed: int = 0) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The scenario settings and catalog tables of one synthetic scenario."""
    rng = np.random.default_rng(seed)
    years = list(range(FIRST_YEAR, FIRST_YEAR + size.years))

    def jitter(low: float = 0.85, high: float = 1.15) -> float:
        return float(rng.uniform(low, high))

    # accelerators and throughput
    cat_acc = _catalog("accelerators").set_index("accelerator")
    acc_ids = _copies(list(ACCELERATOR_ORDER), size.accelerators)
    accelerators = []
    for new, template in acc_ids:
        row = cat_acc.loc[template].to_dict()
        row.update(
            accelerator=new,
            price_usd_per_accel=round(row["price_usd_per_accel"] * jitter(), -1),
            power_kw_per_accel=round(row["power_kw_per_accel"] * jitter(0.95, 1.05), 3),
        )
        accelerators.append(row)
    cat_wl = _catalog("workloads").set_index("workload")
    wl_ids = _copies(list(WORKLOAD_ORDER), size.workloads)
    workloads = []
    for new, template in wl_ids:
        row = cat_wl.loc[template].to_dict()
        scale = 1.0 if new == template else jitter(0.8, 1.2)
        row.update(workload=new, latency_ms_max=round(row["latency_ms_max"] * scale, 1))
        workloads.append(row)
    cat_tput = _catalog("throughput")
    throughput = []
    for a, ta in acc_ids:
        for k, tk in wl_ids:
            factor = jitter()  # one draw per (accelerator, workload): its years keep their uplift
            for row in cat_tput[(cat_tput["accelerator"] == ta) & (cat_tput["workload"] == tk)].to_dict("records"):
                row.update(accelerator=a, workload=k)
                row["tokens_per_s_per_accel"] = round(row["tokens_per_s_per_accel"] * factor, 1)
                throughput.append(row)

    # sites, grid, supply
    cat_sites = _catalog("sites")
    site_order = _round_robin(list(group["site"]) for _, group in cat_sites.groupby("country", sort=False))
    cat_sites = cat_sites.set_index("site")
    site_ids = _copies(site_order, size.sites)
    by_template: dict[str, list[str]] = {}
    for a, ta in acc_ids:
        by_template.setdefault(ta, []).append(a)
    sites = []
    for new, template in site_ids:
        row = cat_sites.loc[template].to_dict()
        allowed_spec = row["allowed_accelerators"]
        allowed_templates = list(by_template) if allowed_spec == "*" else allowed_spec.split(";")
        allowed = [a for t in allowed_templates for a in by_template.get(t, [])] or [a for a, _ in acc_ids]
        row.update(
            site=new,
            name=f"{row['name']} #{new}" if new != template else row["name"],
            latitude=round(float(np.clip(row["latitude"] + rng.uniform(-2, 2), -90, 90)), 2),
            longitude=round(float(np.clip(row["longitude"] + rng.uniform(-2, 2), -180, 180)), 2),
            fixed_cost_usd_per_year=round(row["fixed_cost_usd_per_year"] * jitter(), -3),
            facility_capex_usd_per_kw_it=round(row["facility_capex_usd_per_kw_it"] * jitter(0.9, 1.1)),
            floor_racks=round(row["floor_racks"] * jitter(0.8, 1.2)),
            allowed_accelerators=";".join(allowed),
        )
        sites.append(row)
    cat_grid = _catalog("grid")
    grid = []
    for new, template in site_ids:
        scale = jitter(0.8, 1.2)
        for row in cat_grid[cat_grid["site"] == template].itertuples(index=False):
            if row.year <= years[-1]:
                grid.append({"site": new, "year": int(row.year), "grid_mw": round(row.grid_mw * scale, 1)})
    cat_supply = _catalog("supply")
    supply = []
    for new, template in site_ids:
        for row in cat_supply[cat_supply["site"] == template].to_dict("records"):
            row.update(site=new, price_usd_per_mwh=round(row["price_usd_per_mwh"] * jitter(0.9, 1.1), 1))
            supply.append(row)

    # regions, latency, demand
    cat_regions = _catalog("regions").set_index("region")
    region_ids = _copies(list(REGION_ORDER), size.regions)
    regions = []
    for new, template in region_ids:
        row = cat_regions.loc[template].to_dict()
        row.update(
            region=new,
            latitude=round(float(np.clip(row["latitude"] + rng.uniform(-2, 2), -90, 90)), 2),
            longitude=round(float(np.clip(row["longitude"] + rng.uniform(-2, 2), -180, 180)), 2),
        )
        regions.append(row)
    cat_latency = _catalog("latency").set_index(["site", "region"])["delivery_usd_per_mtok"]
    site_rows = {row["site"]: row for row in sites}
    latency = []
    for s, ts in site_ids:
        for region in regions:
            tr = dict(region_ids)[region["region"]]
            if (ts, tr) not in cat_latency.index:  # the catalog has no route between these places
                continue
            km = _distance_km(
                site_rows[s]["latitude"], site_rows[s]["longitude"], region["latitude"], region["longitude"]
            )
            latency.append(
                {
                    "site": s,
                    "region": region["region"],
                    "latency_ms": round(km * 1.4 / 100.0 + 5.0, 1),
                    "delivery_usd_per_mtok": float(cat_latency[ts, tr]),
                }
            )
    cat_demand = _catalog("demand").set_index(["region", "workload", "year"])["tokens_per_day_billion"]
    last_catalog_year = int(cat_demand.index.get_level_values("year").max())
    copies_of = {template: sum(t == template for _, t in wl_ids) for _, template in wl_ids}
    region_copies = {template: sum(t == template for _, t in region_ids) for _, template in region_ids}
    site_share = size.sites / len(cat_sites)
    demand = []
    for r, tr in region_ids:
        for k, tk in wl_ids:
            for y in years:
                base = float(cat_demand[tr, tk, min(y, last_catalog_year)]) * 1.3 ** max(0, y - last_catalog_year)
                value = base * site_share / copies_of[tk] / region_copies[tr] * jitter(0.9, 1.1)
                demand.append({"region": r, "workload": k, "year": y, "tokens_per_day_billion": round(value, 2)})

    # supply caps (allocation per year, shared by a template's copies, grown 20%/yr past the catalog).
    # Only positive catalog caps are used: the catalog's end-of-sale zeros would leave a synthetic
    # scenario with the 13 templates nothing to buy in its later years, which is not what a speed
    # benchmark should measure.
    cat_caps = _catalog("supply_caps")
    cat_caps = cat_caps[cat_caps["max_accels"] > 0].set_index(["accelerator", "year"])["max_accels"]
    supply_caps = []
    for a, ta in acc_ids:
        known = sorted(y for t, y in cat_caps.index if t == ta)
        for y in years:
            before = [k for k in known if k <= y] or known[:1]
            if not before:
                break
            cap = float(cat_caps[ta, before[-1]]) * 1.2 ** max(0, y - known[-1])
            supply_caps.append(
                {"accelerator": a, "year": y, "max_accels": round(cap * site_share / len(by_template[ta]))}
            )

    slices = _slice_table(size, _catalog("slices"))
    tables = {
        "accelerators": _sourced(pd.DataFrame(accelerators)),
        "throughput": _sourced(pd.DataFrame(throughput)),
        "workloads": _sourced(pd.DataFrame(workloads)),
        "cooling": _catalog("cooling"),
        "interconnect": _catalog("interconnect"),
        "sites": _sourced(pd.DataFrame(sites)),
        "grid": _sourced(pd.DataFrame(grid)),
        "supply": _sourced(pd.DataFrame(supply)),
        "regions": _sourced(pd.DataFrame(regions)),
        "latency": _sourced(pd.DataFrame(latency)),
        "demand": _sourced(pd.DataFrame(demand)),
        "profiles": _profile_table(slices, _catalog("profiles"), rng),
        "slices": slices,
        "supply_caps": _sourced(pd.DataFrame(supply_caps, columns=["accelerator", "year", "max_accels"])),
    }
    config = {
        "name": f"synthetic-{size.label()}-seed{seed}",
        "description": f"Synthetic benchmark scenario {size} (seed {seed}) sampled from inputs/catalogs",
        "years": years,
        "wacc": 0.09,
        "unserved_penalty_usd_per_mtok": 20.0,
        "carbon_price_usd_per_t": 0.0,
        "integer_units": True,
        "allow_cooling_mix": False,
    }
    return config, tables


def generate(folder: str | Path, size: Size, seed: int = 0) -> Path:
    """Write a synthetic scenario (CSV catalogs + ``scenario.yaml``) into ``folder``; return the YAML path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config, tables = generate_tables(size, seed)
    catalogs = {}
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
        catalogs[name] = f"{name}.csv"
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump({**config, "catalogs": catalogs}, sort_keys=False), encoding="utf-8")
    return path


def size_from_args(args: argparse.Namespace) -> Size:
    """The preset named by ``--size``, with any dimension given on the command line changed."""
    base = asdict(SIZES[args.size])
    changes = {name: getattr(args, name) for name in base if getattr(args, name) is not None}
    return Size(**{**base, **changes})


def add_size_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", choices=sorted(SIZES), default="xs", help="preset (default xs)")
    for name in Size.__dataclass_fields__:
        parser.add_argument(f"--{name}", type=int, help=f"number of {name} (overrides the preset)")
    parser.add_argument("--seed", type=int, default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the catalogs and scenario.yaml into")
    add_size_arguments(parser)
    args = parser.parse_args()
    print(generate(args.out, size_from_args(args), args.seed))


if __name__ == "__main__":
    main()
