"""Recompute a plan's total cost from its written tables and the raw input CSVs.

Deliberately independent of aidc's own parameter code (aidc.models.data) and cost expressions:
it reads the catalogs with pandas and applies the textbook formulas.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import yaml


def crf(rate: float, life: float) -> float:
    return 1.0 / life if rate == 0 else rate / (1 - (1 + rate) ** -life)


def recompute_objective_usd(scenario: Path, run_dir: Path) -> float:
    config = yaml.safe_load(scenario.read_text())
    cat = {name: pd.read_csv(scenario.parent / rel) for name, rel in config["catalogs"].items()}
    table = {path.stem: pd.read_csv(path) for path in run_dir.glob("*.csv")}
    wacc = config.get("wacc", 0.08)
    years = config["years"]
    gaps = [b - a for a, b in itertools.pairwise(years)] or [1]
    weight = dict(zip(years, [*gaps, gaps[-1]], strict=False))
    discount = {y: (1 + wacc) ** -(y - years[0]) * weight[y] for y in years}
    acc = cat["accelerators"].set_index("accelerator")
    cool = cat["cooling"].set_index("cooling")
    sites = cat["sites"].set_index("site")
    links = cat["interconnect"].set_index("interconnect")
    total = 0.0

    def fom(frame: pd.DataFrame, key: str, column: str) -> float:
        return float(frame.at[key, column]) if column in frame.columns and pd.notna(frame.at[key, column]) else 0.0

    for r in table["accelerators"].itertuples():
        annual = acc.at[r.accelerator, "price_usd_per_accel"] * (
            crf(wacc, acc.at[r.accelerator, "lifetime_years"]) + fom(acc, r.accelerator, "fom_fraction_per_year")
        )
        total += discount[r.year] * r.accelerators * annual
    for r in table["capacity"].itertuples():
        kw = r.it_capacity_mw * 1000
        facility = sites.at[r.site, "facility_capex_usd_per_kw_it"] * (
            crf(wacc, sites.at[r.site, "facility_lifetime_years"])
            + fom(sites, r.site, "facility_fom_fraction_per_year")
        )
        cooling = cool.at[r.cooling, "capex_usd_per_kw_it"] * (
            crf(wacc, cool.at[r.cooling, "lifetime_years"]) + fom(cool, r.cooling, "fom_fraction_per_year")
        )
        total += discount[r.year] * kw * (facility + cooling)
    for r in table["sites"].itertuples():
        total += discount[r.year] * r.open * sites.at[r.site, "fixed_cost_usd_per_year"]
    for r in table["network"].itertuples():
        total += (
            discount[r.year]
            * r.ports
            * links.at[r.interconnect, "cost_usd_per_port"]
            * crf(wacc, links.at[r.interconnect, "lifetime_years"])
        )
    supply = cat["supply"].set_index(["site", "option"])
    profiles = cat.get("profiles", pd.DataFrame(columns=["profile", "slice", "value"]))
    shape = {(p.profile, p.slice): p.value for p in profiles.itertuples()}
    carbon_price = config.get("carbon_price_usd_per_t", 0.0)
    for r in table["energy"].itertuples():
        option = supply.loc[(r.site, r.option)]
        factor = 1.0 if option["profile"] == "flat" or option["kind"] == "ppa" else shape[option["profile"], r.slice]
        price = option["price_usd_per_mwh"] * factor
        total += discount[r.year] * r.mwh * (price + option["carbon_kg_per_mwh"] / 1000 * carbon_price)
    delivery = cat["latency"].set_index(["site", "region"])["delivery_usd_per_mtok"]
    for r in table["serving"].itertuples():
        total += discount[r.year] * r.mtok * delivery[(r.site, r.region)]
    penalty = config.get("unserved_penalty_usd_per_mtok", 1000.0)
    for r in table["demand"].itertuples():
        total += discount[r.year] * r.unserved_mtok * penalty
    return total
