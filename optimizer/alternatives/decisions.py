"""The key decisions of each plan, read from its result tables, and their range across plans.

Per plan: total cost (USD) and its increase over the optimum, cost per Mtok (USD, levelised),
unserved share, sites opened, IT capacity (MW, last year), each vendor's share of the installed
throughput-weighted capacity (last year), liquid-cooled share and China share of IT MW (last
year), electricity (GWh) and emissions (kt CO2) over the horizon.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from aidc.optimizer.alternatives.facts import CHINA, PlanFacts
from aidc.optimizer.alternatives.search import AlternativesRun

VENDOR_PREFIX = "vendor_share:"
RANGE_METRICS = (
    "objective_usd",
    "cost_increase",
    "cost_per_mtok_usd",
    "unserved_share",
    "sites_opened",
    "it_capacity_mw",
    "liquid_share",
    "china_share",
    "energy_gwh",
    "emissions_kt",
)


def vendor_shares(accelerators: pd.DataFrame, facts: PlanFacts) -> dict[str, float]:
    """Each vendor's share of the last year's installed capacity weighted by tokens/s on the
    main workload (0-1; every vendor of the catalogs, 0 when absent)."""
    last = accelerators[accelerators["year"] == facts.last_year]
    capacity = {vendor: 0.0 for vendor in facts.vendors}
    for accelerator, count in last.groupby("accelerator")["accelerators"].sum().items():
        vendor = facts.vendor.get(str(accelerator))
        if vendor is not None:
            capacity[vendor] += float(count) * facts.tokens_per_s.get(str(accelerator), 0.0)
    total = sum(capacity.values())
    return {vendor: (value / total if total > 0 else 0.0) for vendor, value in capacity.items()}


def plan_decisions(summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], facts: PlanFacts) -> dict[str, Any]:
    """The key decisions of one plan (a run folder's summary and tables)."""
    capacity = tables["capacity"]
    last = capacity[capacity["year"] == facts.last_year]
    total_mw = float(last["it_capacity_mw"].sum())
    china_sites = set(facts.sites_in(CHINA))
    china_mw = float(last.loc[last["site"].isin(china_sites), "it_capacity_mw"].sum())
    row: dict[str, Any] = {
        "objective_usd": float(summary["objective_usd"]),
        "cost_per_mtok_usd": summary["cost_per_mtok_usd"],
        "unserved_share": float(summary["unserved_share"]),
        "sites_opened": len(summary["sites_opened"]),
        "sites": ";".join(sorted(entry["site"] for entry in summary["sites_opened"])),
        "it_capacity_mw": total_mw,
        "liquid_share": float(summary["liquid_cooled_share"]),
        "china_share": china_mw / total_mw if total_mw > 0 else 0.0,
        "energy_gwh": float(summary["energy_mwh"]) / 1000.0,
        "emissions_kt": float(summary["emissions_t"]) / 1000.0,
    }
    for vendor, share in vendor_shares(tables["accelerators"], facts).items():
        row[VENDOR_PREFIX + vendor] = share
    return row


def decision_table(run: AlternativesRun) -> pd.DataFrame:
    """One row per plan (the optimum first): name, objective, status, the optimised measure,
    timings and the key decisions; plans without a result keep only their name and error."""
    rows = []
    for plan in run.plans:
        row: dict[str, Any] = {
            "plan": plan.name,
            "objective": plan.objective,
            "sense": plan.sense,
            "status": plan.status,
            "objective_value": plan.objective_value,
            "objective_unit": plan.unit,
            "wall_seconds": plan.wall_seconds,
            "solver_seconds": plan.solver_seconds,
            "error": plan.error or "",
        }
        if plan.result is not None:
            row.update(plan_decisions(plan.result.summary, plan.result.tables, run.facts))
            row["cost_increase"] = row["objective_usd"] / run.optimum_cost_usd - 1.0 if run.optimum_cost_usd else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def decision_ranges(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """For each key decision: its value in the optimum, and the smallest and largest over the
    plans found, each with the plan that reaches it."""
    solved = table.dropna(subset=["objective_usd"]) if "objective_usd" in table else table.iloc[0:0]
    metrics = [m for m in RANGE_METRICS if m in solved] + [c for c in solved.columns if c.startswith(VENDOR_PREFIX)]
    ranges = {}
    for metric in metrics:
        values = pd.to_numeric(solved[metric], errors="coerce")
        if values.notna().sum() == 0:
            continue
        low, high = values.idxmin(), values.idxmax()
        ranges[metric] = {
            "optimum": None if pd.isna(values.iloc[0]) else float(values.iloc[0]),
            "min": float(values[low]),
            "min_plan": str(solved.at[low, "plan"]),
            "max": float(values[high]),
            "max_plan": str(solved.at[high, "plan"]),
        }
    return ranges


def alternatives_summary(run: AlternativesRun, table: pd.DataFrame) -> dict[str, Any]:
    """The machine-readable summary (``--json`` and ``alternatives.json``)."""
    plans = []
    for record in table.to_dict("records"):
        plans.append({key: (None if _missing(value) else value) for key, value in record.items()})
    return {
        "scenario": run.scenario,
        "slack": run.slack,
        "optimum_cost_usd": run.optimum_cost_usd,
        "cost_cap_usd": run.cost_cap_usd,
        "main_workload": run.facts.main_workload,
        "last_year": run.facts.last_year,
        "plans": plans,
        "ranges": decision_ranges(table),
    }


def _missing(value: Any) -> bool:
    return isinstance(value, float) and value != value
