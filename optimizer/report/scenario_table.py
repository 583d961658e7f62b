"""Solve the shipped scenarios and print their headline results as a Markdown table.

    python -m aidc.optimizer.report.scenario_table [--lp] [SCENARIO.yaml ...]

The README's scenario table is this script's output, pasted unedited.
"""

from __future__ import annotations

from pathlib import Path

import click

from aidc.inputs import INPUTS_DIR
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions

SCENARIO_DIR = INPUTS_DIR / "scenarios"
SHIPPED = ("baseline", "china-hubs", "price-inflation", "power-constrained", "agents-surge", "cheap-power-export")


def headline(summary: dict) -> dict[str, str]:
    """The figures a planner reads first, formatted for a table."""
    total = sum(summary["accelerators_last_year"].values())
    tokens = summary.get("throughput_weighted_mix") or {}
    mix = ", ".join(f"{name} {share:.0%}" for name, share in list(tokens.items())[:3])
    ports = summary["ports_last_year"]
    optical = ports["optical"] / max(1, ports["optical"] + ports["copper"])
    sites = ", ".join(site["site"] for site in summary["sites_opened"])
    cost = summary["cost_per_mtok_usd"]
    return {
        "scenario": summary["scenario"],
        "status": summary["status"] + ("" if summary.get("mip_gap") is None else f" ({summary['mip_gap']:.2%})"),
        "$/Mtok": "n/a" if cost is None else f"{cost:.4f}",
        "unserved": f"{summary['unserved_share']:.1%}",
        "sites (opened)": f"{len(summary['sites_opened'])}: {sites}",
        "accelerators last year: count; top 3 by tokens produced": f"{total:,}: {mix}",
        "liquid share": f"{summary['liquid_cooled_share']:.0%}",
        "optical ports": f"{optical:.0%}",
    }


def markdown(rows: list[dict[str, str]]) -> str:
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row[column] for column in header) + " |" for row in rows]
    return "\n".join(lines)


@click.command()
@click.argument("scenarios", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--lp", is_flag=True, help="Solve the LP relaxation (fast; binaries fractional).")
@click.option("--time-limit", type=float, default=600.0, show_default=True)
def main(scenarios: tuple[str, ...], lp: bool, time_limit: float) -> None:
    paths = [Path(p) for p in scenarios] or [SCENARIO_DIR / f"{name}.yaml" for name in SHIPPED]
    options = SolveOptions(relax="all" if lp else "none", time_limit=time_limit, mip_gap=0.005, marginal_costs=False)
    rows = [headline(Planner.from_file(path, options).solve().summary) for path in paths]
    click.echo(markdown(rows))


if __name__ == "__main__":
    main()
