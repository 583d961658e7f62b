"""``aidc alternatives``: near-optimal plans that differ most in one respect each (modelling to
generate alternatives), the range of each key decision across them, and a run folder for each."""

from __future__ import annotations

from pathlib import Path

import click

from aidc.optimizer.cli.boundary import FiniteFloat, MipGap, TimeLimit, core_limit
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.results.atomic import to_json
from aidc.optimizer.results.output_target import claimed_folder, write_failure
from aidc.optimizer.solve import SilentProgress, SolveOptions, StderrProgress

Slack = FiniteFloat(low=0.0, high=1.0)


@click.command("alternatives")
@click.argument("scenario", required=False)
@click.option(
    "--slack",
    type=Slack,
    default=0.02,
    show_default=True,
    help="Cost slack: every alternative costs at most (1 + SLACK) x the optimum (0.02 = 2%).",
)
@click.option(
    "--objectives",
    "objective_specs",
    multiple=True,
    metavar="LIST",
    help="Comma-separated objectives (repeatable): fewest-sites, fewest-site-years, most-vendor:NAME, "
    "least-vendor:NAME, most-liquid, least-china, least-country:NAME, least-energy, least-emissions, "
    "max-different. Default: a set chosen for the scenario.",
)
@click.option(
    "--different",
    type=click.IntRange(min=0, max=50),
    default=2,
    show_default=True,
    help="How many max-different (Hop-Skip-Jump) plans, each away from the optimum and the earlier ones.",
)
@click.option(
    "--no-tiebreak",
    is_flag=True,
    help="Keep each objective's first plan instead of the cheapest plan reaching its best value (one solve less).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary (plans and ranges) as JSON on stdout.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Write one run folder per plan (optimum/, <objective>/) and alternatives.csv/.json here.",
)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("--time-limit", type=TimeLimit, help="Solver time limit per solve, in seconds.")
@click.option("--mip-gap", type=MipGap, default=1e-3, show_default=True, help="MIP gap of the cost solves.")
@click.option(
    "--goal-gap", type=MipGap, default=0.01, show_default=True, help="MIP gap of each alternative's own objective."
)
@click.option("--threads", type=click.IntRange(min=1, max=core_limit()), help="Solver threads (at most the cores).")
@click.option("--relax", is_flag=True, help="Accelerator counts continuous instead of whole servers/racks.")
@click.option("--lp", is_flag=True, help="Relax every integer (site and cooling choices too): pure LPs.")
@click.option("--allow-outside-paths", is_flag=True, help="Let catalogs live outside the scenario's folder.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="Also show the solver's log on stderr.")
def alternatives_command(
    scenario: str | None,
    slack: float,
    objective_specs: tuple[str, ...],
    different: int,
    no_tiebreak: bool,
    as_json: bool,
    out_dir: Path | None,
    fmt: str,
    time_limit: float | None,
    mip_gap: float,
    goal_gap: float,
    threads: int | None,
    relax: bool,
    lp: bool,
    allow_outside_paths: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Find plans of SCENARIO (default: the shipped baseline) within --slack of the optimum's cost
    that differ most in one respect each, and print the range of each key decision."""
    from aidc.inputs import BASELINE_SCENARIO
    from aidc.optimizer.alternatives import alternatives_summary, decision_table, find_alternatives
    from aidc.optimizer.alternatives.folders import write_alternatives
    from aidc.optimizer.alternatives.render import render_alternatives
    from aidc.optimizer.planner import Planner

    options = SolveOptions(
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
        relax="all" if lp else ("units" if relax else "none"),
    )
    specs = [part for spec in objective_specs for part in spec.split(",") if part.strip()] or None
    progress = SilentProgress() if quiet else StderrProgress(verbose=verbose)
    progress.stage("load and validate")
    inputs = load_scenario(Path(scenario) if scenario else BASELINE_SCENARIO, allow_outside_paths=allow_outside_paths)

    def search():
        planner = Planner(inputs, options, progress)
        run = find_alternatives(planner, slack, specs, different=different, tiebreak=not no_tiebreak, goal_gap=goal_gap)
        table = decision_table(run)
        return run, table, alternatives_summary(run, table)

    if out_dir is None:
        run, table, summary = search()
    else:
        protect = [path for path in (inputs.path, *inputs.sources.values()) if path is not None]
        with claimed_folder(out_dir, "alternatives", protect=protect) as staging:
            run, table, summary = search()
            progress.stage(f"write {out_dir}")
            try:
                write_alternatives(staging, run, summary, table, fmt)
            except OSError as error:
                raise write_failure(Path(out_dir), error) from None
    click.echo(to_json(summary) if as_json else render_alternatives(summary, table), nl=False)
    if out_dir and not as_json:
        click.echo(f"plans written to {out_dir} (compare two with: aidc compare {out_dir}/optimum {out_dir}/<plan>)")
