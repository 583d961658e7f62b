"""A stochastic programme's summary as readable text for the terminal."""

from __future__ import annotations

from typing import Any

from aidc.optimizer.results.summary_text import _money


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2%}"


def _per_mtok(value: float | None) -> str:
    return "n/a" if value is None else f"${value:.4f}"


def render_stochastic_summary(summary: dict[str, Any]) -> str:
    """Value of the stochastic solution, the here-and-now plan, and each outcome's recourse."""
    years = summary["years"]
    risk = summary["risk"]
    solve = summary["solve"]
    measure = risk["measure"] + (
        f" (alpha {risk['alpha']:g}, weight {risk['weight']:g})"
        if risk["measure"] == "cvar"
        else f" (weight {risk['weight']:g})"
        if risk["measure"] == "regret"
        else ""
    )
    committed = summary["commitment_years"]
    horizon = f"{committed[0]}" if len(committed) == 1 else f"{committed[0]}-{committed[-1]}"
    lines = [
        f"aidc stochastic plan: {summary['scenario']}  ({years[0]}-{years[-1]}, "
        f"{len(summary['outcomes'])} outcomes, commitment {horizon})",
        f"  method            {solve['method']}  status {solve['status']}"
        + (f"  (gap {solve['gap']:.3%})" if solve.get("gap") is not None else ""),
        f"  objective         {measure}",
        f"  expected cost     {_money(summary['expected_cost_usd'])}  "
        f"({_per_mtok(summary['expected_cost_per_mtok_usd'])} per Mtok of expected demand, penalty included)",
        f"  mean-forecast plan {_money(summary['mean_plan_expected_cost_usd'])} expected (EEV)",
        f"  perfect foresight {_money(summary['wait_and_see_cost_usd'])} expected (WS)",
        f"  VSS               {_money(summary['vss_usd'])}  ({_per_mtok(summary['vss_usd_per_mtok'])}/Mtok)"
        "  what planning for the spread saves over planning for the mean",
        f"  EVPI              {_money(summary['evpi_usd'])}  ({_per_mtok(summary['evpi_usd_per_mtok'])}/Mtok)"
        "  what knowing the outcome in advance would be worth",
        f"  max regret        {_money(summary['max_regret_usd'])} (mean-forecast plan: "
        f"{_money(summary['mean_plan_max_regret_usd'])})",
        f"  here-and-now decisions ({horizon}):",
    ]
    first = summary["first_stage"]
    for site in first["sites"]:
        lines.append(
            f"    {site['site']:<24} from {site['opened']}  {site['cooling']:<18} {site['it_capacity_mw']:,.1f} MW IT"
            + (f"  (open {site['open']:.2f})" if site["open"] < 0.999 else "")
        )
    if not first["sites"]:
        lines.append("    no site opened")
    bought: dict[str, float] = {}
    for row in first["purchases"]:
        bought[row["accelerator"]] = bought.get(row["accelerator"], 0.0) + row["accelerators"]
    fleet = ", ".join(f"{a}: {n:,.0f}" for a, n in sorted(bought.items(), key=lambda item: -item[1]))
    lines.append(f"    accelerators bought: {fleet or '(none)'}")
    lines.append("  outcomes (recourse under this plan | mean-forecast plan | own optimum):")
    lines.append(
        f"    {'outcome':<16}{'prob':>6}{'cost':>12}{'$/Mtok':>9}{'unserved':>10}{'regret':>11}"
        f"{'mean plan':>12}{'regret':>11}{'own':>12}"
    )
    for entry in summary["outcomes"]:
        mean = entry["mean_plan"]
        lines.append(
            f"    {entry['outcome']:<16}{entry['probability']:>6.2f}{_money(entry['cost_usd']):>12}"
            f"{_per_mtok(entry['cost_per_mtok_usd']):>9}{_share(entry['unserved_share']):>10}"
            f"{_money(entry['regret_usd']):>11}{_money(mean['cost_usd']):>12}{_money(mean['regret_usd']):>11}"
            f"{_money(entry['own_optimum']['cost_usd']):>12}"
        )
    if summary.get("largest_mip_gap"):
        gap = summary["largest_mip_gap"]
        lines.append(f"  largest MIP gap of the outcome solves: {gap:.3%} (VSS and EVPI hold within it)")
    timing = f"build {solve['build_seconds']:.2f}s"
    if "handover_seconds" in solve:
        timing += f", hand-over {solve['handover_seconds']:.2f}s"
    timing += f", solve {solve['solve_seconds']:.2f}s"
    lines.append(f"  time: here-and-now plan: {timing}; everything {summary['seconds']:.1f}s")
    return "\n".join(lines)
