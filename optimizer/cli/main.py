"""The ``aidc`` command line.

Exit codes: 0 solved; 1 solver failure; 2 invalid input; 3 unserved demand with --strict;
4 no plan (time limit before any plan, or hard limits infeasible).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from aidc.inputs import BASELINE_SCENARIO
from aidc.optimizer import __version__
from aidc.optimizer.cli.report_commands import compare, report
from aidc.optimizer.cli.sweep_command import sweep_command
from aidc.optimizer.errors import EXIT_INVALID_INPUT, EXIT_UNSERVED_STRICT, InputError, SolveError
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.results.run_folder import to_json, write_run
from aidc.optimizer.results.summary_text import render_summary
from aidc.optimizer.solve.highs import SolveOptions

DEFAULT_SCENARIO = BASELINE_SCENARIO


def _fail_input(error: InputError) -> None:
    click.echo(error.render(), err=True)
    sys.exit(EXIT_INVALID_INPUT)


def _scenario_path(scenario: str | None) -> Path:
    if scenario:
        return Path(scenario)
    if not DEFAULT_SCENARIO.is_file():
        click.echo(f"error: the shipped baseline {DEFAULT_SCENARIO} is missing; name a scenario file", err=True)
        sys.exit(EXIT_INVALID_INPUT)
    return DEFAULT_SCENARIO


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aidc")
def main() -> None:
    """aidc: plan AI data centers (sites, accelerators, cooling, network, power) at least cost per token."""


@main.command()
@click.argument("scenario", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write tables and summary.json here."
)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0.1), help="HiGHS time limit in seconds.")
@click.option("--mip-gap", type=click.FloatRange(min=0.0, max=1.0), default=1e-3, show_default=True)
@click.option("--threads", type=click.IntRange(min=1), help="HiGHS threads.")
@click.option("--relax", is_flag=True, help="Accelerator counts continuous instead of whole servers/racks.")
@click.option("--lp", is_flag=True, help="Relax every integer (site and cooling choices too): a pure LP.")
@click.option(
    "--export-model",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the model handed to HiGHS (.mps or .lp).",
)
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_UNSERVED_STRICT} if any demand is left unserved.")
@click.option("--no-marginal", is_flag=True, help="Skip the LP re-solve that gives marginal costs.")
@click.option("--allow-outside-paths", is_flag=True, help="Let catalogs live outside the scenario's folder.")
def solve(
    scenario: str | None,
    as_json: bool,
    out_dir: Path | None,
    fmt: str,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
    relax: bool,
    lp: bool,
    export_model: Path | None,
    strict: bool,
    no_marginal: bool,
    allow_outside_paths: bool,
) -> None:
    """Solve SCENARIO (default: the shipped baseline) and print the plan."""
    from aidc.optimizer.planner.planner import Planner

    options = SolveOptions(
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
        relax="all" if lp else ("units" if relax else "none"),
        marginal_costs=not no_marginal,
    )
    try:
        inputs = load_scenario(_scenario_path(scenario), allow_outside_paths=allow_outside_paths)
    except InputError as error:
        _fail_input(error)
    planner = Planner(inputs, options)
    if export_model:
        planner.export_model(export_model)
    try:
        result = planner.solve()
    except SolveError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    if out_dir:
        write_run(out_dir, result.summary, result.tables, fmt)
    click.echo(to_json(result.summary) if as_json else render_summary(result.summary), nl=not as_json)
    if out_dir and not as_json:
        click.echo(f"  results written to {out_dir}")
    if strict and result.summary["tokens_unserved"] > 0:
        click.echo(f"error: {result.summary['unserved_share']:.2%} of demand is unserved (--strict)", err=True)
        sys.exit(EXIT_UNSERVED_STRICT)


@main.command()
@click.argument("scenario")
@click.option("--allow-outside-paths", is_flag=True, help="Let catalogs live outside the scenario's folder.")
def validate(scenario: str, allow_outside_paths: bool) -> None:
    """Check SCENARIO and its catalogs without solving."""
    try:
        inputs = load_scenario(Path(scenario), allow_outside_paths=allow_outside_paths)
    except InputError as error:
        _fail_input(error)
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in inputs.tables.items())
    click.echo(f"{scenario}: valid ({counts} rows)")


@main.command()
@click.argument("name", required=False)
@click.option("--scenario", help="Scenario whose catalogs to show (default: the shipped baseline).")
@click.option("--notes", is_flag=True, help="Include the notes column (derivations).")
def catalog(name: str | None, scenario: str | None, notes: bool) -> None:
    """Print the catalogs of a scenario (or one catalog, NAME) with units and sources."""
    from aidc.optimizer.report.catalog_text import render_catalogs

    try:
        inputs = load_scenario(_scenario_path(scenario))
    except InputError as error:
        _fail_input(error)
    names = [name] if name else list(inputs.tables)
    unknown = [n for n in names if n not in inputs.tables]
    if unknown:
        click.echo(f"error: unknown catalog {unknown[0]!r}; this scenario has {sorted(inputs.tables)}", err=True)
        sys.exit(EXIT_INVALID_INPUT)
    click.echo(render_catalogs(inputs, names, notes=notes))


for command in (report, compare, sweep_command):
    main.add_command(command)

if __name__ == "__main__":
    main()
