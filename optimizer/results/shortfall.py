"""Unserved demand explained in planner terms: who is short, by how much, and which limits bind.

For each region, workload and year with unserved tokens, the sites that may serve it (within the
workload's latency bound) are checked against every limit the plan can hit: grid connection,
floor space, accelerators allowed there, delivery caps, the capex budget and the carbon cap. When
nothing binds, serving would cost more than the unserved penalty.
"""

from __future__ import annotations

import pandas as pd

from aidc.models.data import PlanningData

SHARE_REPORTED = 1e-3  # report shortfalls above 0.1% of a demand
BINDING = 0.999  # a limit used to 99.9% or more binds


def site_limits(tables: dict[str, pd.DataFrame], data: PlanningData, year: int) -> dict[str, list[str]]:
    """The limits each site hits in ``year``."""
    limits: dict[str, list[str]] = {s: [] for s in data.sites}
    power = tables["power"]
    peak = power[power["year"] == year].groupby(["site", "slice"])["facility_mw"].sum().groupby("site").max()
    for s in data.sites:
        grid = data.grid_mw[s, year]
        if grid <= 0:
            limits[s].append(f"no grid connection in {year}")
        elif peak.get(s, 0.0) >= BINDING * grid:
            limits[s].append(f"at its grid limit ({grid:,.1f} MW)")
    accelerators = tables["accelerators"]
    in_year = accelerators[accelerators["year"] == year]
    for s in data.sites:
        rows = in_year[in_year["site"] == s]
        racks = sum(row.accelerators / data.accels_per_rack[row.accelerator, row.cooling] for row in rows.itertuples())
        floor = data.floor_krack[s] * 1000.0
        if floor > 0 and racks >= BINDING * floor:
            limits[s].append(f"floor full ({floor:,.0f} racks)")
    return limits


def capped_accelerators(tables: dict[str, pd.DataFrame], data: PlanningData, year: int) -> list[str]:
    """Accelerator types whose delivery cap binds in ``year``."""
    purchases = tables["purchases"]
    bought = purchases[purchases["year"] == year].groupby("accelerator")["accelerators"].sum()
    return [
        a
        for (a, y), cap_k in data.supply_cap.items()
        if y == year and cap_k > 0 and bought.get(a, 0.0) >= BINDING * cap_k * 1000.0
    ]


def explain_shortfalls(
    tables: dict[str, pd.DataFrame],
    data: PlanningData,
    latency_bounds: dict[str, float],
    stopped_early: str | None = None,
) -> list[dict]:
    """One entry per short (region, workload, year): share and Mtok unserved and a sentence why.
    ``stopped_early`` (the solver's words, e.g. "Time limit reached") says the plan is not proven
    best: then no shortfall is blamed on cost, since a longer run may serve it."""
    demand = tables["demand"]
    totals = demand.groupby(["region", "workload", "year"])[["demand_mtok", "unserved_mtok"]].sum()
    servers: dict[tuple[str, str], list[str]] = {}
    for s, r, k in data.routes:
        servers.setdefault((r, k), []).append(s)
    found = []
    for (r, k, y), row in totals.iterrows():
        if row["demand_mtok"] <= 0 or row["unserved_mtok"] < SHARE_REPORTED * row["demand_mtok"]:
            continue
        share = row["unserved_mtok"] / row["demand_mtok"]
        bound = latency_bounds[k]
        candidates = servers.get((r, k), [])
        reasons = _reasons(tables, data, y, k, candidates, bound, stopped_early)
        found.append(
            {
                "region": r,
                "workload": k,
                "year": int(y),
                "unserved_share": float(share),
                "unserved_mtok": float(row["unserved_mtok"]),
                "message": f"{r} {k} demand {y}: {_percent(share)} unserved; " + "; ".join(reasons),
            }
        )
    return found


def _reasons(
    tables: dict[str, pd.DataFrame],
    data: PlanningData,
    year: int,
    workload: str,
    candidates: list[str],
    bound: float,
    stopped_early: str | None = None,
) -> list[str]:
    if not candidates:
        return [f"no candidate site within its {bound:.0f} ms latency bound"]
    limits = site_limits(tables, data, year)
    able = {s for s, a, k in data.site_accel_workload if k == workload and data.accel_first_year[a] <= year}
    reasons = []
    blocked = [s for s in candidates if s not in able]
    if blocked:
        reasons.append(
            f"{len(blocked)} site(s) within {bound:.0f} ms may install no accelerator for it: {', '.join(blocked)}"
        )
    limited = {s: limits[s] for s in candidates if s in able and limits[s]}
    free = [s for s in candidates if s in able and not limits[s]]
    if limited:
        described = ", ".join(f"{s} {' and '.join(why)}" for s, why in limited.items())
        if not free and not blocked:
            reasons.append(f"every site within {bound:.0f} ms is limited: {described}")
        else:
            verb = "is" if len(limited) == 1 else "are"
            share = f"{len(limited)} of the {len(candidates)} sites"
            reasons.append(f"{share} within {bound:.0f} ms {verb} limited: {described}")
    capped = capped_accelerators(tables, data, year)
    if capped:
        reasons.append(f"delivery caps bind for {', '.join(capped)}")
    if year in data.capex_budget:
        reasons.append(f"a capex budget of ${data.capex_budget[year]:,.0f}M applies in {year}")
    if year in data.carbon_cap:
        reasons.append(f"a carbon cap of {data.carbon_cap[year]:,.0f} t applies in {year}")
    if stopped_early:
        reasons.append(
            f"the solver stopped early ({stopped_early}) with the best plan found so far, not a proven "
            "optimum: a longer run (--time-limit) may serve more"
        )
    elif free and not capped:
        reasons.append(
            f"{', '.join(free)} could serve more but at a cost above the unserved penalty"
            f" (${data.unserved_penalty:g}/Mtok)"
        )
    return reasons


def _percent(share: float) -> str:
    """A share as a percentage with the digits a small one needs (0.04%, 3.2%, 38%)."""
    return f"{share:.0%}" if share >= 0.1 else f"{share * 100:.2g}%"
