"""Planning data: parameters in model units and sparse index sets, built once from the inputs.

Model units keep the constraint matrix well conditioned:

====================  =========================================
quantity              unit
====================  =========================================
tokens                Mtok/s (rates), Mtok (amounts)
accelerators          thousands of accelerators ("k-accel")
network ports         thousands of ports ("k-port")
racks                 thousands of racks ("k-rack")
power                 MW;  energy MWh
money                 $M (millions of US dollars)
emissions             tCO2
====================  =========================================
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from aidc.models.data_sites import onsite_options, pue_rules, serving_allowed, site_build
from aidc.models.data_time import SliceValues, default_slices, design_pue, pue_by_slice, slice_values, supply_shape
from aidc.models.finance import capital_recovery_factor
from aidc.models.inputs import ScenarioInputs

__all__ = ["PlanningData", "capital_recovery_factor", "cooling_misfit", "default_slices", "prepare"]

SECONDS_PER_HOUR = 3600.0


def accelerators_per_rack(unit_accels: int, max_per_rack: int, kw_per_accel: float, rack_kw: float) -> int:
    """Accelerators one rack holds under a cooling design: whole purchase units within the
    rack's power limit and the form factor; 0 when not even one unit fits."""
    units_by_power = int(np.floor(rack_kw / (kw_per_accel * unit_accels) + 1e-9))
    if unit_accels >= max_per_rack:
        # the purchase unit is a rack (or more): it fits only if its whole power fits
        return unit_accels if units_by_power >= 1 else 0
    units_by_form = max_per_rack // unit_accels
    return min(units_by_power, units_by_form) * unit_accels


def cooling_misfit(accelerator: pd.Series, cooling: pd.Series, per_rack: int | None = None) -> str | None:
    """Why an accelerator (a row of the accelerators catalog) cannot be installed under a cooling
    design (a row of the cooling catalog); None when it can. ``per_rack``: its accelerators per
    rack there, when already known."""
    if accelerator["liquid_required"] and cooling["kind"] != "liquid":
        return f"it requires liquid cooling and this design is {cooling['kind']}"
    if per_rack is None:
        per_rack = accelerators_per_rack(
            int(accelerator["accels_per_unit"]),
            int(accelerator["max_accels_per_rack"]),
            float(accelerator["power_kw_per_accel"]),
            float(cooling["max_kw_per_rack"]),
        )
    if per_rack <= 0:
        return f"not one purchase unit fits the design's {float(cooling['max_kw_per_rack']):g} kW racks"
    return None


@dataclass
class PlanningData:
    """Everything the formulation needs, as plain dicts keyed by index tuples."""

    name: str
    years: list[int]
    base_year: int
    slices: list[int]
    sites: list[str]
    accelerators: list[str]
    coolings: list[str]
    interconnects: list[str]
    regions: list[str]
    workloads: list[str]
    integer_units: bool
    allow_cooling_mix: bool

    year_weight: dict[int, float]  # calendar years each modelled year stands for
    discount: dict[int, float]  # discount factor of a year
    slice_hours: dict[int, float]  # hours per year a slice stands for
    slice_day: dict[int, int]
    days: list[int]
    slice_span: dict[int, float]  # clock hours of its day a slice covers (1 for hourly slices)
    time_representation: dict  # how a year became these slices (periods, method, ...)
    year_end_factor: dict[int, float]  # demand the fleet is sized for / annual mean demand, by year

    # accelerators
    accel_unit_k: dict[str, float]  # k-accel per purchase unit
    accel_life: dict[str, int]
    accel_first_year: dict[str, int]
    accel_annual_factor: dict[str, float]  # annuity + fixed O&M per $ of price (1/year)
    accel_price: dict[str, float]  # $M per k-accel (overnight, catalog price)
    price_factor: dict[tuple[str, int], float]  # purchase price in a year / catalog price, by (a, year)
    accel_fom_factor: dict[str, float]  # fixed O&M per $ of price (1/year): what a sunk, kept fleet costs
    accel_idle_mw: dict[str, float]  # MW per installed k-accel
    accel_dynamic_mw: dict[str, float]  # MW per busy k-accel above idle
    accel_ports: dict[str, float]  # k-port per k-accel
    throughput: dict[tuple[str, str, int], float]  # output Mtok/s per busy k-accel (prefill included), by (a, k, y)
    utilisation: dict[str, float]  # most average busy / installed per workload class (reserve margin)
    accels_per_rack: dict[tuple[str, str], int]  # by (a, c)
    copper_share: dict[tuple[str, str], float]  # most copper ports / all ports, by (a, c)
    supply_cap: dict[tuple[str, int], float]  # k-accel delivered, by (a, year)
    existing_fleet: dict[tuple[str, str, str, int], float]  # k-accel installed before the plan, by (s, a, c, vintage)
    existing_it_mw: dict[tuple[str, str], float]  # IT MW already built, by (s, c)

    # cooling and sites
    cooling_annual_cost: dict[str, float]  # $M per MW IT per year
    cooling_capex: dict[str, float]  # $M per MW IT
    cooling_annuity: dict[str, float]  # $M per MW IT per year (capital part of cooling_annual_cost)
    pue: dict[tuple[str, str, int], float]  # by (c, s, h)
    design_pue: dict[tuple[str, str], float]  # by (c, s): in the site's hottest hour of the year
    grid_design_day: bool  # full IT capacity x design PUE within the grid connection
    pue_banned_from: dict[tuple[str, str], int]  # (s, c) -> year from which new capacity may not use c
    water_m3_per_mwh: dict[str, float]  # cooling water per MWh of IT energy, by c
    # site build and grid (see models/data_sites.py)
    first_build_year: dict[str, int]
    hall_mw: dict[str, float]
    hall_annual_cost: dict[str, float]  # $M per hall per year
    grid_new_from: dict[str, int]
    grid_new_max_mw: dict[str, float]
    grid_annual_cost: dict[str, float]  # $M per MW of new connection per year
    lease_annual_cost: dict[str, float]  # $M per leased MW of IT per year
    lease_max_mw: dict[str, float]
    demand_charge: dict[str, float]  # $M per MW of peak grid draw per year
    water_cap_m3: dict[str, float]
    storage: dict[tuple[str, str], dict]  # (s, technology) -> annual_per_mw, duration_h, efficiency, first_year
    generation: dict[tuple[str, str], dict]  # (s, technology) -> annual_per_mw, usd_per_mwh, carbon, first_year
    site_fixed_cost: dict[str, float]  # $M per year open
    facility_annual_cost: dict[str, float]  # $M per MW IT per year
    facility_capex: dict[str, float]  # $M per MW IT
    facility_annuity: dict[str, float]  # $M per MW IT per year (capital part of facility_annual_cost)
    floor_krack: dict[str, float]
    grid_mw: dict[tuple[str, int], float]
    site_max_it_mw: dict[str, float]  # big-M: IT MW the best-case grid connection can feed

    # network
    port_annual_cost: dict[str, float]  # $M per k-port per year
    port_mw: dict[str, float]  # MW per k-port
    copper_links: list[str]
    link_first_year: dict[str, int]

    # electricity
    supply_options: list[tuple[str, str]]  # (s, e)
    supply_price: dict[tuple[str, str], float]  # catalog $/MWh by (s, e)
    energy_price: dict[tuple[str, str, int], float]  # $/MWh by (s, e, h)
    ppa_available_mw: dict[tuple[str, str, int], float]  # MW by (s, e, h), PPAs only
    ppa_cap_mw: dict[tuple[str, str], float]  # nameplate MW by PPA (s, e)
    take_or_pay: dict[tuple[str, str], float]  # resale $/MWh of surplus, by take-or-pay PPA (s, e)
    energy_price_factor: dict[tuple[str, int], float]  # grid price path by (s, y)
    carbon_t_per_mwh: dict[tuple[str, str], float]
    carbon_price: dict[int, float]  # $/t by year
    carbon_cap: dict[int, float]  # t by year
    capex_budget: dict[int, float]  # $M by year

    # demand and delivery
    demand: dict[tuple[str, str, int, int], float]  # Mtok/s by (r, k, y, h)
    deferrable: dict[str, bool]
    routes: list[tuple[str, str, str]]  # (s, r, k) within the latency bound
    delivery_cost: dict[tuple[str, str], float]  # $/Mtok by (s, r)
    unserved_penalty: float  # $/Mtok

    # sparse index sets
    site_accel_cooling: list[tuple[str, str, str]] = field(default_factory=list)
    site_accel_workload: list[tuple[str, str, str]] = field(default_factory=list)

    def mtok_per_rate(self, h: int) -> float:
        """Mtok per year carried by 1 Mtok/s in slice ``h``."""
        return self.slice_hours[h] * SECONDS_PER_HOUR

    def alive(self, a: str, vintage: int, year: int) -> bool:
        """Whether accelerators of type ``a`` bought in ``vintage`` still serve in ``year``."""
        return vintage <= year < vintage + self.accel_life[a]

    def accel_annual_cost(self, a: str, vintage: int) -> float:
        """$M per k-accel per year (annuity + fixed O&M) of type ``a`` bought in ``vintage``."""
        return self.accel_price[a] * self.price_factor.get((a, vintage), 1.0) * self.accel_annual_factor[a]

    def existing_alive(self, s: str, a: str, c: str, year: int) -> float:
        """k-accel of the existing fleet at (s, a, c) still within their lifetime in ``year``."""
        return sum(
            count
            for (site, accel, cooling, vintage), count in self.existing_fleet.items()
            if (site, accel, cooling) == (s, a, c) and self.alive(a, vintage, year)
        )


def _year_weights(years: list[int]) -> dict[int, float]:
    """Each modelled year stands for the calendar years until the next one (last: same gap)."""
    if len(years) == 1:
        return {years[0]: 1.0}
    gaps = [b - a for a, b in itertools.pairwise(years)]
    return {year: float(gap) for year, gap in zip(years, [*gaps, gaps[-1]], strict=True)}


def _forward_filled_grid(grid: pd.DataFrame, sites: list[str], years: list[int]) -> dict[tuple[str, int], float]:
    """Grid MW by (site, year): the latest row at or before the year; 0 before the first row."""
    result: dict[tuple[str, int], float] = {}
    for site in sites:
        rows = grid[grid["site"] == site].sort_values("year")
        for year in years:
            known = rows[rows["year"] <= year]
            result[site, year] = float(known["grid_mw"].iloc[-1]) if len(known) else 0.0
    return result


def _rotated_shape(profile: dict[int, float], slices: pd.DataFrame, utc_offset: int) -> dict[int, float]:
    """A local-time load profile seen in UTC slices, normalised to a weighted mean of 1 per day."""
    by_day_hour = {(int(d), int(u)): int(h) for h, d, u in slices[["slice", "day", "hour"]].itertuples(index=False)}
    shape = {}
    for h, d, u in slices[["slice", "day", "hour"]].itertuples(index=False):
        local = by_day_hour.get((int(d), (int(u) + utc_offset) % 24), int(h))
        shape[int(h)] = profile[local]
    normalised = {}
    for _, day_slices in slices.groupby("day"):
        hours = day_slices["hours"].to_numpy(float)
        ids = day_slices["slice"].astype(int).tolist()
        values = np.array([shape[h] for h in ids])
        mean = float(values @ hours / hours.sum())
        for h, value in zip(ids, values, strict=True):
            normalised[h] = float(value / mean) if mean > 0 else 0.0
    return normalised


def _block_mean(values: dict, blocks: dict[int, int], hours: dict[int, float]) -> dict:
    """Hours-weighted mean of per-slice values (slice is the last key element) within blocks."""
    sums: dict = {}
    for key, value in values.items():
        *rest, h = key
        block_key = (*rest, blocks[h])
        sums[block_key] = sums.get(block_key, 0.0) + value * hours[h]
    block_hours: dict[int, float] = {}
    for h, b in blocks.items():
        block_hours[b] = block_hours.get(b, 0.0) + hours[h]
    return {key: total / block_hours[key[-1]] for key, total in sums.items()}


def aggregate_slices(data: PlanningData, per_block: int) -> PlanningData:
    """Merge runs of ``per_block`` consecutive slices of a day into one slice standing for their
    hours, with hours-weighted mean demand, prices, availability and PUE. Costs and energy stay
    exact for decisions constant within a block; peaks inside a block are smoothed."""
    if per_block <= 1:
        return data
    blocks: dict[int, int] = {}
    for day in data.days:
        members = [h for h in data.slices if data.slice_day[h] == day]
        for position, h in enumerate(members):
            blocks[h] = members[(position // per_block) * per_block]
    hours = data.slice_hours
    block_ids = sorted(set(blocks.values()))
    block_hours = {b: sum(hours[h] for h in data.slices if blocks[h] == b) for b in block_ids}
    return replace(
        data,
        slices=block_ids,
        slice_hours=block_hours,
        slice_day={b: data.slice_day[b] for b in block_ids},
        slice_span={b: sum(data.slice_span[h] for h in data.slices if blocks[h] == b) for b in block_ids},
        time_representation={**data.time_representation, "hours_per_slice": per_block},
        demand=_block_mean(data.demand, blocks, hours),
        energy_price=_block_mean(data.energy_price, blocks, hours),
        ppa_available_mw=_block_mean(data.ppa_available_mw, blocks, hours),
        pue=_block_mean(data.pue, blocks, hours),
    )


def prepare(inputs: ScenarioInputs) -> PlanningData:
    """Turn validated inputs into model-unit parameters and sparse index sets (slices merged
    into blocks when the scenario asks for ``slices_per_block`` > 1)."""
    return aggregate_slices(_prepare_full(inputs), inputs.config.slices_per_block)


def _prepare_full(inputs: ScenarioInputs) -> PlanningData:
    cfg = inputs.config
    years = list(cfg.years)
    discount_rate = cfg.wacc if cfg.discount_rate is None else cfg.discount_rate
    values = slice_values(inputs)
    slices = values.slices
    slice_ids = [int(h) for h in slices["slice"]]
    slice_hours = dict(zip(slice_ids, slices["hours"].astype(float), strict=True))
    slice_day = dict(zip(slice_ids, slices["day"].astype(int), strict=True))

    acc = inputs.table("accelerators").set_index("accelerator")
    wl = inputs.table("workloads").set_index("workload")
    cool = inputs.table("cooling").set_index("cooling")
    ic = inputs.table("interconnect").set_index("interconnect")
    sites = inputs.table("sites").set_index("site")
    regions = inputs.table("regions").set_index("region")
    supply = inputs.table("supply")
    latency = inputs.table("latency")
    demand_rows = inputs.table("demand")
    tput_rows = inputs.table("throughput")

    rate = cfg.wacc
    accel_price = {a: float(acc.at[a, "price_usd_per_accel"]) / 1000.0 for a in acc.index}
    accel_factor = {
        a: capital_recovery_factor(rate, acc.at[a, "lifetime_years"]) + float(acc.at[a, "fom_fraction_per_year"])
        for a in acc.index
    }
    cooling_capex = {c: float(cool.at[c, "capex_usd_per_kw_it"]) / 1000.0 for c in cool.index}
    facility_capex = {s: float(sites.at[s, "facility_capex_usd_per_kw_it"]) / 1000.0 for s in sites.index}

    apr = {
        (a, c): accelerators_per_rack(
            int(acc.at[a, "accels_per_unit"]),
            int(acc.at[a, "max_accels_per_rack"]),
            float(acc.at[a, "power_kw_per_accel"]),
            float(cool.at[c, "max_kw_per_rack"]),
        )
        for a in acc.index
        for c in cool.index
    }
    compatible = {
        (a, c) for (a, c), per_rack in apr.items() if cooling_misfit(acc.loc[a], cool.loc[c], per_rack) is None
    }
    copper_share = {(a, c): min(1.0, apr[a, c] / float(acc.at[a, "network_group_accels"])) for (a, c) in compatible}

    def allowed_at(site: str) -> set[str]:
        spec = sites.at[site, "allowed_accelerators"]
        return set(acc.index) if spec == "*" else set(spec.split(";")) & set(acc.index)

    site_accel_cooling = [
        (s, a, c) for s in sites.index for a in sorted(allowed_at(s)) for c in cool.index if (a, c) in compatible
    ]
    throughput = throughput_by_year(tput_rows, wl, acc, years)
    fits = memory_fit(acc, wl)
    existing_fleet = {
        (row.site, row.accelerator, row.cooling, int(row.vintage)): float(row.count_accels) / 1000.0
        for row in inputs.table("existing_fleet").itertuples(index=False)
        if row.site in sites.index and row.accelerator in acc.index and row.cooling in cool.index
    }
    existing_it = {
        (row.site, row.cooling): float(row.it_capacity_mw)
        for row in inputs.table("existing_sites").itertuples(index=False)
        if row.site in sites.index and row.cooling in cool.index
    }
    installable = {(s, a) for s, a, _ in site_accel_cooling} | {(s, a) for s, a, _, _ in existing_fleet}
    site_accel_workload = sorted(
        (s, a, k) for (s, a) in installable for k in wl.index if (a, k, years[0]) in throughput and (a, k) in fits
    )

    pue = pue_by_slice(values, cool, sites)
    built = site_build(sites, years, rate, cfg.first_decision_year)
    onsite = onsite_options(inputs, sites, years, rate)

    grid_mw = _forward_filled_grid(inputs.table("grid"), list(sites.index), years)
    site_max_it = {
        s: max(
            (max(grid_mw[s, y] for y in years) + built["grid_new_max_mw"].get(s, 0.0))
            / min(pue[c, s, h] for c in cool.index for h in slice_ids)
            + built["lease_max_mw"].get(s, 0.0),
            sum(mw for (site, _), mw in existing_it.items() if site == s),
        )
        for s in sites.index
    }

    energy_price, ppa_available, carbon_rate, take_or_pay = {}, {}, {}, {}
    for row in supply.itertuples(index=False):
        shape = supply_shape(values, row.site, row.kind, row.profile)
        if row.kind == "ppa" and getattr(row, "take_or_pay", False):
            take_or_pay[row.site, row.option] = float(getattr(row, "market_resale_usd_per_mwh", 0.0) or 0.0)
        carbon_rate[row.site, row.option] = float(row.carbon_kg_per_mwh) / 1000.0
        for h in slice_ids:
            if row.kind == "grid":
                energy_price[row.site, row.option, h] = float(row.price_usd_per_mwh) * shape[h]
            else:
                energy_price[row.site, row.option, h] = float(row.price_usd_per_mwh)
                ppa_available[row.site, row.option, h] = float(row.cap_mw) * shape[h]

    demand = _demand_by_slice(inputs, demand_rows, wl, regions, values, years)
    bounds = {k: float(wl.at[k, "latency_ms_max"]) for k in wl.index}
    may_serve = serving_allowed(inputs, sites)
    demanded_pairs = {(r, k) for (r, k, _, _), value in demand.items() if value > 0}
    routes = sorted(
        (row.site, row.region, k)
        for row in latency.itertuples(index=False)
        for k in wl.index
        if row.latency_ms <= bounds[k]
        and (row.region, k) in demanded_pairs
        and row.site in sites.index
        and may_serve(row.site, row.region)
    )
    delivery = {(row.site, row.region): float(row.delivery_usd_per_mtok) for row in latency.itertuples(index=False)}

    carbon_price = (
        {y: float(cfg.carbon_price_usd_per_t) for y in years}
        if isinstance(cfg.carbon_price_usd_per_t, float | int)
        else {y: float(cfg.carbon_price_usd_per_t.get(y, 0.0)) for y in years}
    )
    caps = inputs.table("supply_caps")
    supply_cap = {
        (row.accelerator, int(row.year)): float(row.max_accels) / 1000.0
        for row in caps.itertuples(index=False)
        if row.accelerator in acc.index and int(row.year) in years
    }

    return PlanningData(
        name=cfg.name,
        years=years,
        base_year=years[0],
        slices=slice_ids,
        sites=list(sites.index),
        accelerators=list(acc.index),
        coolings=list(cool.index),
        interconnects=list(ic.index),
        regions=list(regions.index),
        workloads=list(wl.index),
        integer_units=cfg.integer_units,
        allow_cooling_mix=cfg.allow_cooling_mix,
        year_weight=_year_weights(years),
        discount={y: (1.0 + discount_rate) ** -(y - years[0]) for y in years},
        slice_hours=slice_hours,
        slice_day=slice_day,
        days=sorted(set(slice_day.values())),
        slice_span=dict.fromkeys(slice_ids, 1.0),
        time_representation=values.representation,
        year_end_factor=year_end_factors(demand, years, cfg.capacity_sizing),
        accel_unit_k={a: int(acc.at[a, "accels_per_unit"]) / 1000.0 for a in acc.index},
        accel_life={a: int(acc.at[a, "lifetime_years"]) for a in acc.index},
        accel_first_year={a: int(acc.at[a, "first_year"]) for a in acc.index},
        accel_annual_factor=accel_factor,
        accel_price=accel_price,
        price_factor=price_factors(inputs.table("price_paths"), list(acc.index), years),
        accel_fom_factor={a: float(acc.at[a, "fom_fraction_per_year"]) for a in acc.index},
        accel_idle_mw={a: float(acc.at[a, "idle_fraction"] * acc.at[a, "power_kw_per_accel"]) for a in acc.index},
        accel_dynamic_mw={
            a: float((1.0 - acc.at[a, "idle_fraction"]) * acc.at[a, "power_kw_per_accel"]) for a in acc.index
        },
        accel_ports={a: float(acc.at[a, "scaleout_ports_per_accel"]) for a in acc.index},
        throughput=throughput,
        utilisation={k: float(wl.at[k, "max_utilisation_fraction"]) for k in wl.index},
        accels_per_rack={key: value for key, value in apr.items() if key in compatible},
        copper_share=copper_share,
        supply_cap=supply_cap,
        existing_fleet=existing_fleet,
        existing_it_mw=existing_it,
        cooling_annual_cost={
            c: cooling_capex[c]
            * (capital_recovery_factor(rate, cool.at[c, "lifetime_years"]) + cool.at[c, "fom_fraction_per_year"])
            for c in cool.index
        },
        cooling_capex=cooling_capex,
        cooling_annuity={
            c: cooling_capex[c] * capital_recovery_factor(rate, cool.at[c, "lifetime_years"]) for c in cool.index
        },
        pue=pue,
        design_pue=design_pue(values, cool, pue, list(sites.index)),
        grid_design_day=cfg.grid_design_day,
        pue_banned_from=pue_rules(inputs, sites, annual_pue(pue, slice_hours)),
        water_m3_per_mwh={c: float(cool.at[c, "water_l_per_kwh"]) for c in cool.index},
        **built,
        storage=onsite["storage"],
        generation=onsite["generation"],
        site_fixed_cost={s: float(sites.at[s, "fixed_cost_usd_per_year"]) / 1e6 for s in sites.index},
        facility_annual_cost={
            s: facility_capex[s]
            * (
                capital_recovery_factor(rate, sites.at[s, "facility_lifetime_years"])
                + sites.at[s, "facility_fom_fraction_per_year"]
            )
            for s in sites.index
        },
        facility_capex=facility_capex,
        facility_annuity={
            s: facility_capex[s] * capital_recovery_factor(rate, sites.at[s, "facility_lifetime_years"])
            for s in sites.index
        },
        floor_krack={s: float(sites.at[s, "floor_racks"]) / 1000.0 for s in sites.index},
        grid_mw=grid_mw,
        site_max_it_mw=site_max_it,
        port_annual_cost={
            n: float(ic.at[n, "cost_usd_per_port"]) / 1000.0 * capital_recovery_factor(rate, ic.at[n, "lifetime_years"])
            for n in ic.index
        },
        port_mw={n: float(ic.at[n, "power_w_per_port"]) / 1000.0 for n in ic.index},
        copper_links=[n for n in ic.index if ic.at[n, "medium"] == "copper"],
        link_first_year={n: int(ic.at[n, "first_year"]) for n in ic.index},
        supply_options=[(row.site, row.option) for row in supply.itertuples(index=False)],
        supply_price={(row.site, row.option): float(row.price_usd_per_mwh) for row in supply.itertuples(index=False)},
        energy_price=energy_price,
        ppa_available_mw=ppa_available,
        ppa_cap_mw={(r.site, r.option): float(r.cap_mw) for r in supply.itertuples(index=False) if r.kind == "ppa"},
        take_or_pay=take_or_pay,
        energy_price_factor=energy_price_factors(inputs.table("energy_price_paths"), list(sites.index), years),
        carbon_t_per_mwh=carbon_rate,
        carbon_price=carbon_price,
        carbon_cap={y: float(v) for y, v in cfg.carbon_cap_t.items() if y in years},
        capex_budget={y: float(v) / 1e6 for y, v in cfg.capex_budget_usd.items() if y in years},
        demand=demand,
        deferrable={k: bool(wl.at[k, "deferrable"]) for k in wl.index},
        routes=routes,
        delivery_cost=delivery,
        unserved_penalty=float(cfg.unserved_penalty_usd_per_mtok),
        site_accel_cooling=site_accel_cooling,
        site_accel_workload=site_accel_workload,
    )


def _forward_fill(rows: list[tuple[int | None, float]], years: list[int]) -> dict[int, float]:
    """Value by year from (first year it applies, value) rows: the latest row at or before the
    year (a row without a year applies from the start); before the first row, the first row."""
    ordered = sorted(rows, key=lambda row: -1 if row[0] is None else row[0])
    result = {}
    for year in years:
        known = [value for start, value in ordered if start is None or start <= year]
        result[year] = known[-1] if known else ordered[0][1]
    return result


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    """A catalog column, or ``default`` on every row when the catalog predates the column."""
    if name in frame.columns:
        return frame[name].where(frame[name].notna(), default)
    return pd.Series(default, index=frame.index)


def throughput_by_year(
    rows: pd.DataFrame, wl: pd.DataFrame, acc: pd.DataFrame, years: list[int]
) -> dict[tuple[str, str, int], float]:
    """Output Mtok/s per busy k-accel by (a, k, y), prefill included.

    An output token of class k keeps an accelerator busy for 1/decode + rho_k (1 - cache_k) /
    prefill seconds (rho: prompt tokens per output token, cache: prompt-cache hit share); a row
    without a prefill figure already includes prefill (MLPerf basis). Rows are forward-filled."""
    rho = _column(wl, "input_tokens_per_output", 0.0).astype(float)
    cache = _column(wl, "prompt_cache_hit_fraction", 0.0).astype(float)
    rows = rows.assign(year=_column(rows, "year", None), prefill=_column(rows, "prefill_tokens_per_s_per_accel", None))
    by_pair: dict[tuple[str, str], list[tuple[int | None, float]]] = {}
    for row in rows.itertuples(index=False):
        if row.accelerator not in acc.index or row.workload not in wl.index:
            continue
        seconds = 1.0 / float(row.tokens_per_s_per_accel)
        if row.prefill is not None and row.prefill == row.prefill:
            seconds += rho[row.workload] * (1.0 - cache[row.workload]) / float(row.prefill)
        start = None if row.year is None or row.year != row.year else int(row.year)
        by_pair.setdefault((row.accelerator, row.workload), []).append((start, 1.0 / seconds / 1000.0))
    return {
        (a, k, y): value for (a, k), rows_ak in by_pair.items() for y, value in _forward_fill(rows_ak, years).items()
    }


def memory_fit(acc: pd.DataFrame, wl: pd.DataFrame) -> set[tuple[str, str]]:
    """(a, k) pairs where one replica of class k (its memory per replica) fits in one scale-up
    domain of a: ceil(memory per replica / memory per accelerator) <= scale-up group."""
    group = _column(acc, "scaleup_group_accels", None)
    need = _column(wl, "memory_gb_per_replica", 0.0).astype(float)
    fits = set()
    for a in acc.index:
        domain = int(acc.at[a, "accels_per_unit"]) if group[a] is None or group[a] != group[a] else int(group[a])
        memory = float(acc.at[a, "memory_gb"])
        for k in wl.index:
            if need[k] <= 0 or (memory > 0 and np.ceil(need[k] / memory - 1e-9) <= domain):
                fits.add((a, k))
    return fits


def price_factors(paths: pd.DataFrame, accelerators: list[str], years: list[int]) -> dict[tuple[str, int], float]:
    """Purchase price / catalog price by (a, year), forward-filled from the price paths (1 before)."""
    result = {}
    for a in accelerators:
        rows = [(int(r.year), float(r.price_factor)) for r in paths.itertuples(index=False) if r.accelerator == a]
        filled = _forward_fill([(None, 1.0), *rows], years) if rows else dict.fromkeys(years, 1.0)
        result.update({(a, y): value for y, value in filled.items()})
    return result


def _demand_by_slice(
    inputs: ScenarioInputs,
    demand_rows: pd.DataFrame,
    wl: pd.DataFrame,
    regions: pd.DataFrame,
    values: SliceValues,
    years: list[int],
) -> dict[tuple[str, str, int, int], float]:
    """Mtok/s by (region, workload, year, slice): daily volume spread by the hourly load series
    of the region and workload (representative days) or the workload's local-time daily profile."""
    cfg = inputs.config
    slices = values.slices
    demand: dict[tuple[str, str, int, int], float] = {}
    shapes: dict[tuple[str, str], dict[int, float]] = {}
    for row in demand_rows.itertuples(index=False):
        if row.year not in years or row.region not in regions.index or row.workload not in wl.index:
            continue
        key = (row.region, row.workload)
        if key not in shapes:
            series = values.load.get(f"{row.region}/{row.workload}")
            if series is not None:
                shapes[key] = series
            else:
                offset = int(regions.at[row.region, "utc_offset_h"])
                shapes[key] = _rotated_shape(values.profiles[wl.at[row.workload, "load_profile"]], slices, offset)
        scale = cfg.demand_scale * cfg.workload_demand_scale.get(row.workload, 1.0)
        average = float(row.tokens_per_day_billion) * 1e9 / 86400.0 / 1e6 * scale  # Mtok/s
        for h, factor in shapes[key].items():
            if average * factor > 0:
                demand[row.region, row.workload, int(row.year), h] = average * factor
    return demand


def year_end_factors(demand: dict, years: list[int], sizing: str) -> dict[int, float]:
    """Year-end demand rate / annual mean rate by year: with demand growing exponentially from
    year y's mean D_y toward the next modelled year's D_n over g = year gap, the rate is
    a e^{kt} (k = ln(D_n / D_y) / g per year) with mean D_y over the year, so the rate at year end
    is D_y k e^k / (e^k - 1). The last year repeats the previous growth; 1 where demand falls or
    when sizing for the annual mean."""
    if sizing != "year_end" or len(years) < 2:
        return dict.fromkeys(years, 1.0)
    totals = {y: 0.0 for y in years}
    for (_, _, y, _), value in demand.items():
        totals[y] += value
    factors = {}
    for position, y in enumerate(years):
        if position + 1 < len(years):
            nxt, gap = years[position + 1], years[position + 1] - y
        else:
            y, nxt, gap = years[position - 1], years[position], years[position] - years[position - 1]
        k = np.log(totals[nxt] / totals[y]) / gap if totals[y] > 0 and totals[nxt] > 0 else 0.0
        factors[years[position]] = float(k * np.exp(k) / np.expm1(k)) if k > 1e-9 else 1.0
    return factors


def annual_pue(pue: dict[tuple[str, str, int], float], hours: dict[int, float]) -> dict[tuple[str, str], float]:
    """Hours-weighted annual PUE by (cooling, site) (a constant IT load's energy-weighted PUE)."""
    sums: dict[tuple[str, str], float] = {}
    total = sum(hours.values())
    for (c, s, h), value in pue.items():
        sums[c, s] = sums.get((c, s), 0.0) + value * hours[h] / total
    return sums


def energy_price_factors(paths: pd.DataFrame, sites: list[str], years: list[int]) -> dict[tuple[str, int], float]:
    """Grid price factor by (site, year), forward-filled from the price paths (1 before the first)."""
    result = {}
    for s in sites:
        rows = [(int(r.year), float(r.price_factor)) for r in paths.itertuples(index=False) if r.site == s]
        filled = _forward_fill([(None, 1.0), *rows], years) if rows else dict.fromkeys(years, 1.0)
        result.update({(s, y): value for y, value in filled.items()})
    return result
