"""Read a solved model back into tables (natural units) and a summary.

Tables use natural units: accelerators (count), ports (count), MW, MWh, Mtok, USD, tCO2.
Cost per million tokens excludes the unserved-demand penalty, which is not a real cost; it is
levelised: discounted cost over discounted tokens, each year weighted by the years it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.repn.standard_repn import generate_standard_repn

from aidc.models.data import PlanningData
from aidc.models.formulation.core import COST_COMPONENTS
from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.results.shortfall import explain_shortfalls
from aidc.optimizer.solve.outcome import SolveOutcome, SolveStatus

REAL_COMPONENTS = tuple(c for c in COST_COMPONENTS if c != "unserved_penalty")


@dataclass
class PlanResult:
    """A solved plan: summary figures, result tables and timings."""

    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    timings: dict[str, float] = field(default_factory=dict)


def _frame(var_or_expr, names: list[str], value_name: str, scale: float = 1.0) -> pd.DataFrame:
    """The values of an indexed Pyomo component as a long table."""
    items = [(key, pyo.value(item, exception=False)) for key, item in var_or_expr.items()]
    if not items:
        return pd.DataFrame(columns=[*names, value_name])
    keys = [key if isinstance(key, tuple) else (key,) for key, _ in items]
    frame = pd.DataFrame(keys, columns=names)
    frame[value_name] = np.array([0.0 if v is None else v for _, v in items], dtype=float) * scale
    return frame


def _compiled_frame(m: pyo.ConcreteModel, name: str, names: list[str], value_name: str) -> pd.DataFrame:
    """Values of an indexed Expression free of mutable parameters, from its linear form
    compiled once per model (evaluating 3,000+ nested expressions each re-solve cost ~1 s on the
    baseline)."""
    cache = m.__dict__.setdefault("_compiled_expressions", {})
    if name not in cache:
        entries = []
        for key, expression in getattr(m, name).items():
            repn = generate_standard_repn(expression.expr, compute_values=True)
            entries.append((key, repn.constant, tuple(repn.linear_vars), np.array(repn.linear_coefs, dtype=float)))
        cache[name] = entries
    rows, values = [], []
    for key, constant, variables, coefs in cache[name]:
        rows.append(key if isinstance(key, tuple) else (key,))
        levels = np.array([var.value or 0.0 for var in variables], dtype=float)
        values.append(constant + float(coefs @ levels) if variables else constant)
    frame = pd.DataFrame(rows, columns=names)
    frame[value_name] = np.array(values, dtype=float)
    return frame


def _clean(frame: pd.DataFrame, column: str, tolerance: float = 1e-9) -> pd.DataFrame:
    """Drop rows whose value is (numerically) zero; round solver noise."""
    frame = frame[frame[column].abs() > tolerance].copy()
    return frame.reset_index(drop=True)


def plan_tables(m: pyo.ConcreteModel, data: PlanningData) -> dict[str, pd.DataFrame]:
    """Every decision of the plan as a table."""
    hours = pd.Series(data.slice_hours, name="hours")
    tables: dict[str, pd.DataFrame] = {}

    sites = _frame(m.site_open, ["site", "year"], "open")
    sites["open"] = sites["open"].round(9)  # 0/1, fractional only when binaries are relaxed
    capacity = _clean(_frame(m.it_capacity, ["site", "cooling", "year"], "it_capacity_mw"), "it_capacity_mw")
    designs = _frame(m.cooling_design, ["site", "cooling"], "chosen")
    chosen = designs[designs["chosen"] > 0.5].groupby("site")["cooling"].agg(";".join)
    totals = capacity.groupby(["site", "year"])["it_capacity_mw"].sum()
    sites["cooling"] = [chosen.get(site, "") for site in sites["site"]]
    sites["it_capacity_mw"] = [totals.get((s, y), 0.0) for s, y in zip(sites["site"], sites["year"], strict=True)]
    tables["sites"] = sites
    tables["capacity"] = capacity

    bought = _clean(_frame(m.units_bought, ["site", "accelerator", "cooling", "year"], "units"), "units", 1e-7)
    unit_k = bought["accelerator"].map(data.accel_unit_k).astype(float)  # float even when empty
    bought["accelerators"] = bought["units"].astype(float) * unit_k * 1000.0
    tables["purchases"] = bought
    installed_rows = []
    for (s, a, c, y), vintages in m.vintages_alive.items():
        count = sum((m.units_bought[s, a, c, v].value or 0.0) for v in vintages) * data.accel_unit_k[a] * 1000.0
        kept = (m.kept[s, a, c, y].value or 0.0) * 1000.0 if (s, a, c, y) in m.existing_alive else 0.0
        if count + kept > 1e-6:
            installed_rows.append((s, a, c, y, count + kept))
    for (s, a, c, y), _ in m.existing_alive.items():
        kept = (m.kept[s, a, c, y].value or 0.0) * 1000.0
        if (s, a, c, y) not in m.vintages_alive and kept > 1e-6:
            installed_rows.append((s, a, c, y, kept))
    tables["accelerators"] = pd.DataFrame(
        installed_rows, columns=["site", "accelerator", "cooling", "year", "accelerators"]
    )
    existing = _frame(m.kept, ["site", "accelerator", "cooling", "year"], "kept", 1000.0)
    existing["existing"] = [1000.0 * m.existing_alive[key] for key in m.kept]
    existing["retired"] = (existing["existing"] - existing["kept"]).clip(lower=0.0).round(6)
    tables["existing_fleet"] = existing

    tables.update(power_tables(m, data))
    ports = _clean(_frame(m.ports, ["site", "cooling", "interconnect", "year"], "ports", 1000.0), "ports", 1e-6)
    ports["medium"] = np.where(ports["interconnect"].isin(data.copper_links), "copper", "optical")
    tables["network"] = ports

    route = _clean(_frame(m.route, ["site", "region", "workload", "year", "slice"], "mtok_per_s"), "mtok_per_s")
    route["mtok"] = route["mtok_per_s"] * route["slice"].map(hours) * 3600.0
    tables["serving"] = route
    produced = _clean(
        _frame(m.produced, ["site", "accelerator", "workload", "year", "slice"], "mtok_per_s"), "mtok_per_s"
    )
    tables["production"] = produced

    bought_mw = _clean(_frame(m.bought, ["site", "option", "year", "slice"], "mw"), "mw")
    bought_mw["mwh"] = bought_mw["mw"] * bought_mw["slice"].map(hours)
    prices = [
        pyo.value(m.energy_price[s, e, h]) for s, e, h in bought_mw[["site", "option", "slice"]].itertuples(index=False)
    ]
    bought_mw["price_usd_per_mwh"] = prices
    bought_mw["cost_usd"] = bought_mw["mwh"] * bought_mw["price_usd_per_mwh"]
    bought_mw["emissions_t"] = bought_mw["mwh"] * [
        data.carbon_t_per_mwh[s, e] for s, e in bought_mw[["site", "option"]].itertuples(index=False)
    ]
    tables["energy"] = bought_mw

    it = _clean(_compiled_frame(m, "it_power", ["site", "cooling", "year", "slice"], "it_mw"), "it_mw")
    it["facility_mw"] = it["it_mw"] * [
        data.pue[c, s, h] for s, c, h in it[["site", "cooling", "slice"]].itertuples(index=False)
    ]
    tables["power"] = it

    demand = _frame(m.demand, ["region", "workload", "year", "slice"], "demand_mtok_per_s")
    unserved = _frame(m.unserved, ["region", "workload", "year", "slice"], "unserved_mtok_per_s")
    demand = demand.merge(unserved, on=["region", "workload", "year", "slice"], how="left")
    demand["unserved_mtok_per_s"] = (
        demand["unserved_mtok_per_s"].clip(lower=0.0).where(demand["unserved_mtok_per_s"] > 1e-9, 0.0)
    )
    demand["demand_mtok"] = demand["demand_mtok_per_s"] * demand["slice"].map(hours) * 3600.0
    demand["unserved_mtok"] = demand["unserved_mtok_per_s"] * demand["slice"].map(hours) * 3600.0
    tables["demand"] = demand
    return tables


def power_tables(m: pyo.ConcreteModel, data: PlanningData) -> dict[str, pd.DataFrame]:
    """Leases, halls, new grid connections, PPA contracts, on-site generation and storage (MW)."""
    leases = _frame(m.leased, ["site", "cooling", "year"], "leased_mw")
    leases = _clean(leases.groupby(["site", "year"], as_index=False)["leased_mw"].sum(), "leased_mw")
    storage = _clean(_frame(m.storage_mw, ["site", "technology", "year"], "power_mw"), "power_mw")
    storage["energy_mwh"] = [
        data.storage[s, t]["duration_h"] * p
        for s, t, p in storage[["site", "technology", "power_mw"]].itertuples(index=False)
    ]
    generated = _frame(m.generated, ["site", "technology", "year", "slice"], "mw")
    generated["mwh"] = generated["mw"] * generated["slice"].map(data.slice_hours)
    generation = _clean(_frame(m.generation_mw, ["site", "technology", "year"], "capacity_mw"), "capacity_mw")
    energy = generated.groupby(["site", "technology", "year"])["mwh"].sum()
    generation["mwh"] = [
        float(energy.get(key, 0.0)) for key in generation[["site", "technology", "year"]].itertuples(index=False)
    ]
    generation["emissions_t"] = generation["mwh"] * [
        data.generation[s, t]["carbon_t_per_mwh"] for s, t in generation[["site", "technology"]].itertuples(index=False)
    ]
    return {
        "leases": leases,
        "halls": _clean(_frame(m.halls, ["site", "year"], "halls"), "halls", 1e-6),
        "grid_connections": _clean(_frame(m.grid_new, ["site", "year"], "new_mw"), "new_mw"),
        "ppa_contracts": _clean(_frame(m.ppa_contract, ["site", "option"], "contract_mw"), "contract_mw"),
        "storage": storage,
        "generation": generation,
    }


def _ledger_values(m: pyo.ConcreteModel) -> dict[tuple, float]:
    """Each ledger entry's value ($M/yr), from its linear form compiled once per model; the
    coefficients stay expressions of the mutable parameters, so price changes are honoured."""
    cache = m.__dict__.setdefault("_compiled_expressions", {})
    if "ledger" not in cache:
        compiled = {}
        for key, terms in m.ledger.by_site.items():
            repn = generate_standard_repn(pyo.quicksum(terms), compute_values=False)
            compiled[key] = (repn.constant, tuple(repn.linear_vars), tuple(repn.linear_coefs))
        cache["ledger"] = compiled
    return {
        key: pyo.value(constant)
        + sum(pyo.value(coef) * (var.value or 0.0) for coef, var in zip(coefs, variables, strict=True))
        for key, (constant, variables, coefs) in cache["ledger"].items()
    }


def cost_tables(m: pyo.ConcreteModel, data: PlanningData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Annual cost by component and year, and by component, year and site (USD)."""
    rows = [
        (component, year, site if site is not None else "", usd_m * 1e6)
        for (component, year, site), usd_m in _ledger_values(m).items()
    ]
    by_site = pd.DataFrame(rows, columns=["component", "year", "site", "annual_usd"])
    by_site = by_site.groupby(["component", "year", "site"], as_index=False)["annual_usd"].sum()
    costs = (
        by_site.groupby(["component", "year"], as_index=False)["annual_usd"]
        .sum()
        .set_index(["component", "year"])
        .reindex(pd.MultiIndex.from_product([COST_COMPONENTS, data.years], names=["component", "year"]), fill_value=0.0)
        .reset_index()
    )
    costs["discounted_usd"] = costs["annual_usd"] * costs["year"].map(lambda y: data.discount[y] * data.year_weight[y])
    return costs, by_site


def marginal_costs(m: pyo.ConcreteModel, data: PlanningData, duals: dict) -> pd.DataFrame:
    """Marginal cost of one more Mtok of a region's and class's annual demand ($/Mtok),
    spread like the demand itself, from the duals of the demand balance (undiscounted)."""
    if not duals:
        return pd.DataFrame(columns=["region", "workload", "year", "usd_per_mtok"])
    acc: dict[tuple[str, str, int], float] = {}
    for con, dual in duals.items():
        index = con.index()
        r, k, y = index[0], index[1], index[2]
        rhs = pyo.value(con.upper)
        acc[r, k, y] = acc.get((r, k, y), 0.0) + dual * rhs
    rows = []
    for (r, k, y), weighted in acc.items():
        annual_mtok = sum(
            pyo.value(m.demand[r, k, y, h]) * data.mtok_per_rate(h) for h in data.slices if (r, k, y, h) in m.demand
        )
        if annual_mtok <= 0:
            continue
        usd = weighted / (data.discount[y] * data.year_weight[y] * annual_mtok) * 1e6
        rows.append((r, k, y, usd))
    return pd.DataFrame(rows, columns=["region", "workload", "year", "usd_per_mtok"]).sort_values(
        ["region", "workload", "year"], ignore_index=True
    )


def _levelised(cost_by_year: pd.Series, mtok_by_year: pd.Series, data: PlanningData) -> float | None:
    weights = pd.Series({y: data.discount[y] * data.year_weight[y] for y in data.years})
    tokens = (mtok_by_year.reindex(data.years, fill_value=0.0) * weights).sum()
    if tokens <= 0:
        return None
    return float((cost_by_year.reindex(data.years, fill_value=0.0) * weights).sum() / tokens)


def cost_per_mtok_tables(
    tables: dict[str, pd.DataFrame], by_site: pd.DataFrame, data: PlanningData
) -> dict[str, pd.DataFrame]:
    """Cost per Mtok by year, site, region and workload (USD per Mtok, levelised where summed
    over years). A site's production cost is shared by the tokens it serves; delivery is
    charged to the region served."""
    serving = tables["serving"]
    real = by_site[by_site["component"].isin(REAL_COMPONENTS)]
    production = real[(real["component"] != "delivery") & (real["site"] != "")]
    site_cost = production.groupby(["site", "year"])["annual_usd"].sum()
    site_mtok = serving.groupby(["site", "year"])["mtok"].sum()
    unit = (site_cost / site_mtok).replace([np.inf, -np.inf], np.nan).fillna(0.0)
    served = serving.copy()
    served["production_usd"] = [
        unit.get((s, y), 0.0) * q for s, y, q in served[["site", "year", "mtok"]].itertuples(index=False)
    ]
    served["delivery_usd"] = served["mtok"] * [
        data.delivery_cost[s, r] for s, r in served[["site", "region"]].itertuples(index=False)
    ]
    served["usd"] = served["production_usd"] + served["delivery_usd"]

    def per(key: str) -> pd.DataFrame:
        rows = []
        for name, group in served.groupby(key):
            cost = group.groupby("year")["usd"].sum()
            mtok = group.groupby("year")["mtok"].sum()
            rows.append((name, _levelised(cost, mtok, data), float(mtok.sum())))
        return pd.DataFrame(rows, columns=[key, "usd_per_mtok", "mtok_per_year_sum"])

    total_by_year = real.groupby("year")["annual_usd"].sum()
    mtok_by_year = serving.groupby("year")["mtok"].sum()
    by_year = pd.DataFrame(
        {
            "year": data.years,
            "annual_usd": [float(total_by_year.get(y, 0.0)) for y in data.years],
            "mtok": [float(mtok_by_year.get(y, 0.0)) for y in data.years],
        }
    )
    by_year["usd_per_mtok"] = by_year["annual_usd"] / by_year["mtok"].where(by_year["mtok"] > 0)
    return {"by_year": by_year, "by_site": per("site"), "by_region": per("region"), "by_workload": per("workload")}


def catalog_facts(inputs: ScenarioInputs) -> dict[str, pd.DataFrame]:
    """Small catalog extracts a run folder carries so reports need no scenario: site and region
    locations (degrees) and each cooling design's kind (air or liquid)."""
    return {
        "site_locations": inputs.table("sites").reindex(columns=["site", "name", "latitude", "longitude"]),
        "region_locations": inputs.table("regions").reindex(columns=["region", "name", "latitude", "longitude"]),
        "cooling_designs": inputs.table("cooling").reindex(columns=["cooling", "kind"]),
    }


def extract_result(
    m: pyo.ConcreteModel,
    data: PlanningData,
    inputs: ScenarioInputs,
    *,
    mip_outcome: SolveOutcome,
    final_outcome: SolveOutcome,
    duals: dict,
    build_seconds: float,
) -> PlanResult:
    """Tables and summary of the plan now loaded in the model ``m`` built from ``data`` and
    ``inputs``; ``build_seconds`` is the time taken to prepare and build it."""
    tables = plan_tables(m, data)
    costs, costs_by_site = cost_tables(m, data)
    tables["costs"] = costs
    tables["costs_by_site"] = costs_by_site
    tables["marginal_costs"] = marginal_costs(m, data, duals)
    per = cost_per_mtok_tables(tables, costs_by_site, data)
    tables.update({f"cost_per_mtok_{name}": frame for name, frame in per.items()})
    tables.update(catalog_facts(inputs))
    summary = build_summary(data, inputs, tables, mip_outcome, final_outcome, build_seconds)
    timings = {
        "handover_seconds": mip_outcome.handover_seconds,
        "solve_seconds": mip_outcome.solve_seconds,
        "lp_resolve_seconds": final_outcome.solve_seconds if final_outcome is not mip_outcome else 0.0,
    }
    return PlanResult(summary=summary, tables=tables, timings=timings)


def latency_bounds(inputs: ScenarioInputs) -> dict[str, float]:
    """Latency bound (ms) of each workload class."""
    workloads = inputs.table("workloads")
    return dict(zip(workloads["workload"], workloads["latency_ms_max"].astype(float), strict=True))


def throughput_weighted_mix(production: pd.DataFrame, data: PlanningData) -> dict[str, float]:
    """Share of the last year's generated tokens produced by each accelerator type (weights each
    accelerator by what it serves, not by its count)."""
    last = production[production["year"] == data.years[-1]]
    if last.empty:
        return {}
    mtok = last["mtok_per_s"] * last["slice"].map(data.slice_hours)
    by_type = mtok.groupby(last["accelerator"]).sum()
    total = float(by_type.sum())
    ordered = by_type.sort_values(ascending=False)
    return {str(a): round(float(v) / total, 6) for a, v in ordered.items() if v > 0} if total > 0 else {}


def _jsonable(value: Any) -> Any:
    """Plain JSON types (numpy numbers to floats) in nested dicts and lists."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value.item() if hasattr(value, "item") else value


def power_summary(tables: dict[str, pd.DataFrame], last: int) -> dict[str, float]:
    """The last year's leases, new grid connections, storage and on-site generation (MW), halls."""

    def total(name: str, column: str) -> float:
        frame = tables.get(name)
        if frame is None or frame.empty:
            return 0.0
        return round(float(frame[frame["year"] == last][column].sum()), 3)

    return {
        "leased_mw": total("leases", "leased_mw"),
        "new_grid_mw": total("grid_connections", "new_mw"),
        "storage_mw": total("storage", "power_mw"),
        "onsite_generation_mw": total("generation", "capacity_mw"),
        "halls": total("halls", "halls"),
    }


def build_summary(
    data: PlanningData,
    inputs: ScenarioInputs,
    tables: dict[str, pd.DataFrame],
    mip: SolveOutcome,
    final: SolveOutcome,
    build_seconds: float,
) -> dict[str, Any]:
    """The headline figures of a plan (natural units, USD)."""
    weight = {y: data.year_weight[y] for y in data.years}
    costs = tables["costs"]
    real = costs[costs["component"].isin(REAL_COMPONENTS)]
    serving, demand, energy = tables["serving"], tables["demand"], tables["energy"]
    served_mtok = float((serving["mtok"] * serving["year"].map(weight)).sum())
    unserved_mtok = float((demand["unserved_mtok"] * demand["year"].map(weight)).sum())
    demand_mtok = float((demand["demand_mtok"] * demand["year"].map(weight)).sum())
    # electricity bought (grid, PPAs) plus what on-site generation made behind the meter
    generation = tables["generation"]
    energy_mwh = float((energy["mwh"] * energy["year"].map(weight)).sum())
    energy_mwh += float((generation["mwh"] * generation["year"].map(weight)).sum())
    emissions = float((energy["emissions_t"] * energy["year"].map(weight)).sum())
    emissions += float((generation["emissions_t"] * generation["year"].map(weight)).sum())
    by_year = tables["cost_per_mtok_by_year"]
    last = data.years[-1]
    accelerators = tables["accelerators"]
    network = tables["network"]
    last_ports = network[network["year"] == last].groupby("medium")["ports"].sum()
    sites = tables["sites"]
    opened = []
    for site, group in sites[sites["open"] > 1e-6].groupby("site"):
        opened.append(
            {
                "site": site,
                "opened": int(group["year"].min()),
                "cooling": group["cooling"].iloc[0],
                "it_capacity_mw": round(float(group["it_capacity_mw"].max()), 3),
            }
        )
    capacity = tables["capacity"]
    last_capacity = capacity[capacity["year"] == last]
    liquid = set(inputs.table("cooling").query("kind == 'liquid'")["cooling"])
    total_mw = float(last_capacity["it_capacity_mw"].sum())
    liquid_mw = float(last_capacity[last_capacity["cooling"].isin(liquid)]["it_capacity_mw"].sum())
    objective_usd = (final.objective or 0.0) * 1e6
    levelised = _levelised(real.groupby("year")["annual_usd"].sum(), serving.groupby("year")["mtok"].sum(), data)

    def table_dict(frame: pd.DataFrame, key: str) -> dict[str, float | None]:
        return {
            str(row[key]): (None if pd.isna(row["usd_per_mtok"]) else round(float(row["usd_per_mtok"]), 6))
            for _, row in frame.iterrows()
        }

    return {
        "scenario": data.name,
        "status": str(mip.status),  # the plan's (the marginal-cost LP only prices it)
        "mip_status": str(mip.status),
        "termination": mip.termination,
        "objective_usd": objective_usd,
        "mip_objective_usd": None if mip.objective is None else mip.objective * 1e6,
        "mip_bound_usd": None if mip.bound is None else mip.bound * 1e6,
        "mip_gap": mip.gap,
        "cost_per_mtok_usd": levelised,
        "cost_per_mtok_by_year_usd": {
            int(r.year): (None if pd.isna(r.usd_per_mtok) else float(r.usd_per_mtok)) for r in by_year.itertuples()
        },
        "cost_per_mtok_by_region_usd": table_dict(tables["cost_per_mtok_by_region"], "region"),
        "cost_per_mtok_by_workload_usd": table_dict(tables["cost_per_mtok_by_workload"], "workload"),
        "cost_per_mtok_by_site_usd": table_dict(tables["cost_per_mtok_by_site"], "site"),
        "cost_breakdown_usd": {
            component: float(costs[costs["component"] == component]["discounted_usd"].sum())
            for component in COST_COMPONENTS
        },
        "tokens_served": served_mtok * 1e6,
        "tokens_unserved": unserved_mtok * 1e6,
        "unserved_share": unserved_mtok / demand_mtok if demand_mtok > 0 else 0.0,
        "energy_mwh": energy_mwh,
        "emissions_t": emissions,
        "tokens_per_kwh": served_mtok * 1e6 / (energy_mwh * 1000.0) if energy_mwh > 0 else None,
        "sites_opened": opened,
        "accelerators_last_year": {
            str(a): round(v)
            for a, v in accelerators[accelerators["year"] == last].groupby("accelerator")["accelerators"].sum().items()
        },
        "throughput_weighted_mix": throughput_weighted_mix(tables["production"], data),
        "time_representation": _jsonable(data.time_representation),
        "power_last_year": power_summary(tables, last),
        "utilisation_cap": dict(data.utilisation),
        "ports_last_year": {medium: round(float(last_ports.get(medium, 0.0))) for medium in ("copper", "optical")},
        "liquid_cooled_share": liquid_mw / total_mw if total_mw > 0 else 0.0,
        "build_seconds": build_seconds,
        "handover_seconds": mip.handover_seconds,
        "solve_seconds": mip.solve_seconds + (final.solve_seconds if final is not mip else 0.0),
        "years": data.years,
        "shortfalls": explain_shortfalls(
            tables, data, latency_bounds(inputs), None if mip.status == SolveStatus.OPTIMAL else mip.termination
        ),
    }
