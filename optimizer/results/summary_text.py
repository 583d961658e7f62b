"""A plan summary as readable text for the terminal."""

from __future__ import annotations

from typing import Any

SOLVER_NAMES = {"highs": "HiGHS", "scip": "SCIP"}  # how the time line names the solver


def _money(usd: float | None) -> str:
    if usd is None:
        return "n/a"
    for unit, scale in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(usd) >= scale:
            return f"${usd / scale:,.2f}{unit}"
    return f"${usd:,.2f}"


def _tokens(count: float) -> str:
    for unit, scale in (("Q", 1e15), ("T", 1e12), ("B", 1e9), ("M", 1e6)):
        if abs(count) >= scale:
            return f"{count / scale:,.2f}{unit}"
    return f"{count:,.0f}"


def render_summary(summary: dict[str, Any]) -> str:
    """The headline figures, cost breakdown, sites and fleet of a plan."""
    years = summary["years"]
    lines = [
        f"aidc plan: {summary['scenario']}  ({years[0]}-{years[-1]})",
        f"  status            {summary['status']}"
        + (f"  (MIP gap {summary['mip_gap']:.3%})" if summary.get("mip_gap") is not None else ""),
        f"  cost per Mtok     ${summary['cost_per_mtok_usd']:.4f} (levelised)"
        if summary["cost_per_mtok_usd"] is not None
        else "  cost per Mtok     n/a (no tokens served)",
        f"  total cost        {_money(summary['objective_usd'])} (discounted, incl. penalty)",
        f"  tokens served     {_tokens(summary['tokens_served'])}   unserved {_tokens(summary['tokens_unserved'])}"
        f" ({summary['unserved_share']:.2%})",
        f"  energy            {summary['energy_mwh']:,.0f} MWh   emissions {summary['emissions_t']:,.0f} tCO2",
        f"  tokens per kWh    {summary['tokens_per_kwh']:,.0f}"
        if summary["tokens_per_kwh"]
        else "  tokens per kWh    n/a",
        "  cost per Mtok by year: "
        + ", ".join(
            f"{y}: {'n/a' if v is None else f'${v:.4f}'}" for y, v in summary["cost_per_mtok_by_year_usd"].items()
        ),
        "  cost breakdown (discounted):",
    ]
    total = sum(v for k, v in summary["cost_breakdown_usd"].items() if k != "unserved_penalty") or 1.0
    for component, usd in summary["cost_breakdown_usd"].items():
        if abs(usd) > 0.5:
            share = "" if component == "unserved_penalty" else f" {usd / total:6.1%}"
            lines.append(f"    {component:<18}{_money(usd):>12}{share}")
    lines.append("  sites opened:")
    for site in summary["sites_opened"]:
        lines.append(
            f"    {site['site']:<24} from {site['opened']}  {site['cooling']:<18} {site['it_capacity_mw']:,.1f} MW IT"
        )
    if not summary["sites_opened"]:
        lines.append("    (none)")
    fleet = ", ".join(f"{a}: {n:,}" for a, n in sorted(summary["accelerators_last_year"].items(), key=lambda i: -i[1]))
    lines.append(f"  accelerators in {years[-1]}: {fleet or '(none)'}")
    mix = summary.get("throughput_weighted_mix") or {}
    if mix:
        shares = ", ".join(f"{a} {share:.0%}" for a, share in list(mix.items())[:5])
        lines.append(f"  tokens by accelerator in {years[-1]}: {shares}")
    power = summary.get("power_last_year") or {}
    if any(power.values()):
        lines.append(
            f"  power in {years[-1]}: new grid {power['new_grid_mw']:,.1f} MW, leased {power['leased_mw']:,.1f} MW IT,"
            f" storage {power['storage_mw']:,.1f} MW, on-site generation {power['onsite_generation_mw']:,.1f} MW"
        )
    time = summary.get("time_representation") or {}
    if time:
        source = f" from {time['source_hours']:,} hours" if time.get("source_hours") else ""
        lines.append(
            f"  time: {time.get('periods')} periods of {time.get('hours_per_period')} h{source} ({time.get('method')})"
        )
    ports = summary["ports_last_year"]
    lines.append(
        f"  ports in {years[-1]}: copper {ports['copper']:,}, optical {ports['optical']:,};"
        f" liquid-cooled share {summary['liquid_cooled_share']:.0%}"
    )
    shortfalls = summary.get("shortfalls", [])
    if shortfalls:
        lines.append("  unserved demand:")
        lines += [f"    {item['message']}" for item in shortfalls[:12]]
        if len(shortfalls) > 12:
            lines.append(f"    ... and {len(shortfalls) - 12} more (see summary.json)")
    lines.append(
        f"  run time: build {summary['build_seconds']:.2f}s, hand-over {summary['handover_seconds']:.2f}s,"
        f" {SOLVER_NAMES.get(summary.get('solver', 'highs'), summary.get('solver'))} {summary['solve_seconds']:.2f}s"
    )
    return "\n".join(lines)
