"""The printed form of a search for alternatives: one line per plan, then each decision's range."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from aidc.optimizer.alternatives.decisions import VENDOR_PREFIX

LABELS: dict[str, tuple[str, Callable[[float], str]]] = {
    "objective_usd": ("total cost", lambda v: _money(v)),
    "cost_increase": ("cost over optimum", lambda v: f"{v:+.2%}"),
    "cost_per_mtok_usd": ("cost per Mtok", lambda v: f"${v:.4f}"),
    "unserved_share": ("unserved", lambda v: f"{v:.2%}"),
    "sites_opened": ("sites opened", lambda v: f"{v:.0f}"),
    "it_capacity_mw": ("IT MW (last year)", lambda v: f"{v:,.1f}"),
    "liquid_share": ("liquid share", lambda v: f"{v:.0%}"),
    "china_share": ("China share", lambda v: f"{v:.0%}"),
    "energy_gwh": ("energy GWh", lambda v: f"{v:,.0f}"),
    "emissions_kt": ("emissions kt CO2", lambda v: f"{v:,.1f}"),
}


def _money(usd: float) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(usd) >= size:
            return f"${usd / size:,.2f}{unit}"
    return f"${usd:,.0f}"


def _label(metric: str) -> tuple[str, Callable[[float], str]]:
    if metric.startswith(VENDOR_PREFIX):
        return f"{metric[len(VENDOR_PREFIX) :]} share", lambda v: f"{v:.0%}"
    return LABELS[metric]


def _goal(record: dict[str, Any]) -> str:
    """The optimised measure in its unit ("cost" for the optimum)."""
    if record["objective"] == "cost" or pd.isna(record.get("objective_value")):
        return "cost"
    return f"{record['sense']} {record['objective_value']:,.4g} {record['objective_unit']}"


def _shown_vendors(table: pd.DataFrame) -> list[str]:
    columns = [c for c in table.columns if c.startswith(VENDOR_PREFIX)]
    return [c for c in columns if pd.to_numeric(table[c], errors="coerce").fillna(0.0).max() > 0.0005]


def render_alternatives(summary: dict[str, Any], table: pd.DataFrame) -> str:
    """A readable report of ``alternatives_summary`` and its decision table."""
    lines = [
        f"aidc alternatives: {summary['scenario']}  slack {summary['slack']:.2%}  "
        f"(optimum {_money(summary['optimum_cost_usd'])}, cost cap {_money(summary['cost_cap_usd'])})",
        f"  vendor shares: installed accelerators x tokens/s on {summary['main_workload']}, "
        f"{summary['last_year']}; liquid and China: shares of IT MW in {summary['last_year']}",
    ]
    vendors = _shown_vendors(table)
    header = ["plan", "status", "goal", "cost", "$/Mtok", "sites"]
    header += [c[len(VENDOR_PREFIX) :][:10] for c in vendors]
    header += ["liquid", "China", "GWh", "kt CO2"]
    rows = [header]
    for record in table.to_dict("records"):
        if pd.isna(record.get("objective_usd")):
            rows.append([record["plan"], record["status"], *["-"] * (len(header) - 2)])
            continue
        rows.append(
            [
                record["plan"],
                record["status"],
                _goal(record),
                f"{record['cost_increase']:+.2%}",
                "-" if pd.isna(record["cost_per_mtok_usd"]) else f"{record['cost_per_mtok_usd']:.4f}",
                f"{record['sites_opened']:.0f}",
                *[f"{record[c]:.0%}" for c in vendors],
                f"{record['liquid_share']:.0%}",
                f"{record['china_share']:.0%}",
                f"{record['energy_gwh']:,.0f}",
                f"{record['emissions_kt']:,.1f}",
            ]
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = [str(row[0]).ljust(widths[0]), *(str(v).rjust(w) for v, w in zip(row[1:], widths[1:], strict=True))]
        lines.append("  " + "  ".join(cells).rstrip())
    failed = table[table["error"].astype(str) != ""] if "error" in table else table.iloc[0:0]
    for record in failed.to_dict("records"):
        lines.append(f"  {record['plan']}: {record['error']}")
    ranges = summary["ranges"]
    solved = int(table["objective_usd"].notna().sum()) if "objective_usd" in table else 0
    lines.append(f"ranges over {solved} plans: min - max  [optimum]  (plans reaching them)")
    shown = [m for m in ranges if m != "objective_usd" and (not m.startswith(VENDOR_PREFIX) or m in vendors)]
    width = max((len(_label(m)[0]) for m in shown), default=0)
    for metric in shown:
        entry = ranges[metric]
        name, fmt = _label(metric)
        optimum = "-" if entry["optimum"] is None else fmt(entry["optimum"])
        lines.append(
            f"  {name:<{width}}  {fmt(entry['min'])} - {fmt(entry['max'])}  [{optimum}]  "
            f"({entry['min_plan']} / {entry['max_plan']})"
        )
    return "\n".join(lines) + "\n"
