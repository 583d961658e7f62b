"""Site, grid, on-site power and rule parameters in model units ($M, MW, MWh, m3), from the catalogs.

Each function returns plain dicts for :class:`~aidc.models.data.PlanningData`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from aidc.models.finance import capital_recovery_factor
from aidc.models.inputs import ScenarioInputs

MONTHS = 12.0  # a $/kW-month charge is 12 x 1,000 / 1e6 $M per MW-year


def _value(frame: pd.DataFrame, index: str, column: str, default: float | None = None) -> float | None:
    """A catalog cell, or ``default`` when the column is absent or the cell empty."""
    if column not in frame.columns:
        return default
    value = frame.at[index, column]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def site_build(sites: pd.DataFrame, years: list[int], rate: float, first_decision: int | None) -> dict[str, dict]:
    """Build lag, halls, new grid, lease, demand charge and water cap by site (see SiteRow). New
    capacity is in service from the first decision year plus the site's lag (no lag without one)."""
    out: dict[str, dict] = {
        "first_build_year": {},
        "hall_mw": {},
        "hall_annual_cost": {},
        "grid_new_from": {},
        "grid_new_max_mw": {},
        "grid_annual_cost": {},
        "lease_annual_cost": {},
        "lease_max_mw": {},
        "demand_charge": {},
        "water_cap_m3": {},
    }
    for s in sites.index:
        life = float(sites.at[s, "facility_lifetime_years"])
        crf = capital_recovery_factor(rate, life)
        lag = int(_value(sites, s, "build_lag_years", 0) or 0)
        out["first_build_year"][s] = years[0] if first_decision is None else first_decision + lag
        hall = _value(sites, s, "hall_mw")
        if hall is not None:
            out["hall_mw"][s] = float(hall)
            out["hall_annual_cost"][s] = float(_value(sites, s, "hall_fixed_capex_usd", 0.0)) / 1e6 * crf
        queue = _value(sites, s, "grid_queue_year")
        new_max = float(_value(sites, s, "grid_new_max_mw", 0.0) or 0.0)
        if queue is not None and new_max > 0:
            out["grid_new_from"][s] = int(queue)
            out["grid_new_max_mw"][s] = new_max
            out["grid_annual_cost"][s] = float(_value(sites, s, "grid_cost_usd_per_kw", 0.0)) / 1000.0 * crf
        lease = _value(sites, s, "lease_usd_per_kw_month")
        lease_max = float(_value(sites, s, "lease_max_mw", 0.0) or 0.0)
        if lease is not None and lease_max > 0:
            out["lease_annual_cost"][s] = float(lease) * MONTHS / 1000.0  # $M per MW-year
            out["lease_max_mw"][s] = lease_max
        charge = float(_value(sites, s, "demand_charge_usd_per_kw_month", 0.0) or 0.0)
        if charge > 0:
            out["demand_charge"][s] = charge * MONTHS / 1000.0  # $M per MW of peak per year
        water = _value(sites, s, "water_cap_m3_per_year")
        if water is not None:
            out["water_cap_m3"][s] = float(water)
    return out


def onsite_options(inputs: ScenarioInputs, sites: pd.DataFrame, years: list[int], rate: float) -> dict[str, dict]:
    """On-site storage and generation allowed at each site: annual costs ($M per MW or MWh),
    efficiency, fuel and carbon per MWh of electricity, and the first year it can run."""
    catalog = inputs.table("onsite")
    out: dict[str, dict] = {"storage": {}, "generation": {}}
    if catalog.empty:
        return out
    catalog = catalog.set_index("technology")
    for s in sites.index:
        spec = str(_value(sites, s, "onsite_options", "") or "")
        allowed = set(catalog.index) if spec == "*" else {item for item in spec.split(";") if item}
        for t in sorted(allowed & set(catalog.index)):
            row = catalog.loc[t]
            crf = capital_recovery_factor(rate, float(row["lifetime_years"])) + float(row["fom_fraction_per_year"])
            first = years[0] + int(row["lead_time_years"])
            if row["kind"] == "storage":
                duration = float(row["duration_h"] or 4.0)
                per_mwh = float(row["capex_usd_per_kwh"] or 0.0) / 1000.0
                out["storage"][s, t] = {
                    "annual_per_mw": (float(row["capex_usd_per_kw"]) / 1000.0 + per_mwh * duration) * crf,
                    "duration_h": duration,
                    "efficiency": float(row["efficiency"]),
                    "first_year": first,
                }
            elif row["kind"] == "generation":
                fuel = row.get("fuel_usd_per_mwh_fuel")
                fuel = _value(sites, s, "fuel_usd_per_mwh_fuel") if fuel is None or fuel != fuel else fuel
                if fuel is None:
                    continue  # no fuel price at this site: the option is not available
                out["generation"][s, t] = {
                    "annual_per_mw": float(row["capex_usd_per_kw"]) / 1000.0 * crf,
                    "usd_per_mwh": float(fuel) / float(row["efficiency"]),
                    "carbon_t_per_mwh": float(row["carbon_kg_per_mwh"]) / 1000.0,
                    "first_year": first,
                }
    return out


def serving_allowed(inputs: ScenarioInputs, sites: pd.DataFrame) -> Callable[[str, str], bool]:
    """Predicate (site, region) -> bool from the sovereignty catalog for the scenario's operator
    (first matching row wins, '*' matches anything; no operator or no catalog: everything allowed)."""
    operator = inputs.config.operator
    rules = inputs.table("sovereignty")
    if operator is None or rules.empty:
        return lambda site, region: True
    mine = [
        (str(r.site_country), str(r.region), bool(r.allowed))
        for r in rules.itertuples(index=False)
        if r.operator == operator
    ]

    def allowed(site: str, region: str) -> bool:
        country = str(sites.at[site, "country"])
        for rule_country, rule_region, verdict in mine:
            if rule_country in ("*", country) and rule_region in ("*", region):
                return verdict
        return False

    return allowed


def pue_rules(
    inputs: ScenarioInputs, sites: pd.DataFrame, annual_pue: dict[tuple[str, str], float]
) -> dict[tuple[str, str], int]:
    """(site, cooling) -> first year from which no new capacity may use the design, because its
    annual PUE at the site exceeds the site's jurisdiction's cap for new data centers."""
    rules = inputs.table("jurisdictions")
    if rules.empty or "jurisdiction" not in sites.columns:
        return {}
    caps = rules.set_index("jurisdiction")
    banned = {}
    for (c, s), pue in annual_pue.items():
        jurisdiction = sites.at[s, "jurisdiction"]
        if jurisdiction is None or jurisdiction != jurisdiction or jurisdiction not in caps.index:
            continue
        cap, since = caps.at[jurisdiction, "pue_max"], caps.at[jurisdiction, "pue_rule_from_year"]
        if cap is None or cap != cap or pue <= float(cap) + 1e-9:
            continue
        banned[s, c] = int(since) if since is not None and since == since else 0
    return banned
