"""The ``aidc`` command line.

Exit codes: 0 solved; 1 solver failure or internal error; 2 invalid input, option or output
target (nothing written); 3 unserved demand with --strict; 4 no plan (time limit before any
usable plan, or hard limits infeasible); 5 results could not be written; 130 interrupted
(Ctrl-C); 143 terminated (SIGTERM). Failures are turned into messages in ``boundary.py``.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import click
from click.core import ParameterSource

from aidc.inputs import BASELINE_SCENARIO, INPUTS_DIR
from aidc.optimizer import __version__
from aidc.optimizer.cli.alternatives_command import alternatives_command
from aidc.optimizer.cli.boundary import AidcGroup, FiniteFloat, MipGap, TimeLimit, core_limit, fail
from aidc.optimizer.cli.report_commands import compare, report
from aidc.optimizer.cli.sweep_command import sensitivity_command, sweep_command
from aidc.optimizer.errors import EXIT_INVALID_INPUT, EXIT_NO_SOLUTION, EXIT_UNSERVED_STRICT, SolveError
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.results.atomic import to_json
from aidc.optimizer.results.output_target import check_file_target, claimed_folder, write_failure
from aidc.optimizer.results.run_folder import write_tables
from aidc.optimizer.results.summary_text import render_summary
from aidc.optimizer.solve import SOLVERS, SilentProgress, SolveOptions, StderrProgress
from aidc.optimizer.solve.session import EXPORT_SUFFIXES

MAX_PH_ITERATIONS = 100_000  # far beyond any useful run; a bound keeps a typo from running for days
SHIPPED_SCENARIOS = sorted(path.stem for path in (INPUTS_DIR / "scenarios").glob("*.yaml"))


def _scenario_path(scenario: str | None) -> Path:
    if scenario:
        return Path(scenario)
    if not BASELINE_SCENARIO.is_file():
        fail(f"error: the shipped baseline {BASELINE_SCENARIO} is missing; name a scenario file", EXIT_INVALID_INPUT)
    return BASELINE_SCENARIO


@click.group(cls=AidcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aidc")
def main() -> None:
    """aidc: plan AI data centers (sites, accelerators, cooling, network, power) at least cost per token."""


@main.command()
@click.argument("scenario", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), help="Write tables and summary.json to this run folder."
)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option(
    "--time-limit",
    type=TimeLimit,
    help="Solver time limit in seconds (default: the scenario's, else none); for a scenario with an "
    "uncertainty block, the budget of all its solves together.",
)
@click.option("--mip-gap", type=MipGap, help="Relative MIP gap to stop at (default: the scenario's, else 0.001).")
@click.option("--threads", type=click.IntRange(min=1, max=core_limit()), help="Solver threads (at most the cores).")
@click.option("--solver", type=click.Choice(sorted(SOLVERS)), default="highs", show_default=True)
@click.option("--relax", is_flag=True, help="Accelerator counts continuous instead of whole servers/racks.")
@click.option("--lp", is_flag=True, help="Relax every integer (site and cooling choices too): a pure LP.")
@click.option(
    "--export-model",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the model handed to the solver (.mps or .lp).",
)
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_UNSERVED_STRICT} if any demand is left unserved.")
@click.option("--no-marginal", is_flag=True, help="Skip the LP re-solve that gives marginal costs.")
@click.option("--allow-outside-paths", is_flag=True, help="Let catalogs live outside the scenario's folder.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="Also show the solver's log on stderr.")
@click.option(
    "--deterministic",
    is_flag=True,
    help="Solve the scenario as stated, without its uncertainty block (which must still be valid).",
)
@click.option(
    "--method",
    type=click.Choice(["ef", "ph"]),
    help="Stochastic programme (scenarios with an uncertainty block): the extensive form (default) or "
    "progressive hedging over MPI ranks (mpiexec -n N aidc solve ... --method ph).",
)
@click.option(
    "--ph-rho",
    type=FiniteFloat(low=0.0, low_open=True),
    default=0.1,
    show_default=True,
    help="Progressive hedging: rho as a factor on each first-stage decision's cost.",
)
@click.option(
    "--ph-iterations",
    type=click.IntRange(min=1, max=MAX_PH_ITERATIONS),
    default=200,
    show_default=True,
    help="Progressive hedging: most iterations.",
)
def solve(
    scenario: str | None,
    as_json: bool,
    out_dir: Path | None,
    fmt: str,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    solver: str,
    relax: bool,
    lp: bool,
    export_model: Path | None,
    strict: bool,
    no_marginal: bool,
    allow_outside_paths: bool,
    quiet: bool,
    verbose: bool,
    deterministic: bool,
    method: str | None,
    ph_rho: float,
    ph_iterations: int,
) -> None:
    """Solve SCENARIO (default: the shipped baseline) and print the plan. A scenario with an
    uncertainty block is solved as a stochastic programme (here-and-now plan, VSS, EVPI)."""
    _check_stochastic_options(click.get_current_context(), method, deterministic)
    progress = SilentProgress() if quiet else StderrProgress(verbose=verbose)
    progress.stage("load and validate")
    inputs = load_scenario(_scenario_path(scenario), allow_outside_paths=allow_outside_paths)
    options = SolveOptions(
        time_limit=time_limit if time_limit is not None else inputs.config.solve_time_limit_s,
        mip_gap=mip_gap if mip_gap is not None else (inputs.config.solve_mip_gap or SolveOptions.mip_gap),
        threads=threads,
        relax="all" if lp else ("units" if relax else "none"),
        marginal_costs=not no_marginal,
        solver=solver,
    )
    protect = [path for path in (inputs.path, *inputs.sources.values()) if path is not None]
    if inputs.config.uncertainty is not None and not deterministic:
        from aidc.optimizer.cli.uncertainty_command import solve_stochastic
        from aidc.optimizer.uncertainty.budget import programme_time_limit

        budget = programme_time_limit(inputs.config, time_limit)  # one budget for all its solves
        solve_stochastic(
            inputs,
            replace(options, time_limit=budget),
            method or "ef",
            as_json=as_json,
            out_dir=out_dir,
            fmt=fmt,
            export_model=export_model,
            strict=strict,
            quiet=quiet,
            verbose=verbose,
            ph=(ph_rho, ph_iterations),
        )
        return
    if method:
        fail("error: --method needs a scenario with an uncertainty block", EXIT_INVALID_INPUT)
    if inputs.config.uncertainty is not None:  # --deterministic: the block is ignored, yet must be valid
        from aidc.optimizer.uncertainty.outcomes import load_uncertainty

        load_uncertainty(inputs)
    if export_model:
        export_model = check_file_target(export_model, EXPORT_SUFFIXES, protect=protect, beside=out_dir)
    if out_dir is None:
        result = _solve(inputs, options, progress, export_model)
    else:
        with claimed_folder(out_dir, "run", protect=protect) as staging:
            result = _solve(inputs, options, progress, export_model)
            progress.stage(f"write {out_dir}")
            try:
                write_tables(staging, result.summary, result.tables, fmt)
            except OSError as error:
                raise write_failure(Path(out_dir), error) from None
    summary = result.summary
    click.echo(to_json(summary) if as_json else render_summary(summary), nl=not as_json)
    if out_dir and not as_json:
        click.echo(f"  results written to {out_dir}")
    if strict and summary["tokens_unserved"] > 0:
        fail(f"error: {summary['unserved_share']:.2%} of demand is unserved (--strict)", EXIT_UNSERVED_STRICT)


def _check_stochastic_options(ctx: click.Context, method: str | None, deterministic: bool) -> None:
    """Options of the stochastic programme that contradict each other or would be ignored."""
    if method and deterministic:
        fail(
            f"error: --method {method} solves the stochastic programme and --deterministic ignores it; "
            "give one of them",
            EXIT_INVALID_INPUT,
        )
    for name in ("ph_rho", "ph_iterations"):
        if method != "ph" and ctx.get_parameter_source(name) is not ParameterSource.DEFAULT:
            option = "--" + name.replace("_", "-")
            fail(f"error: {option} applies to progressive hedging only: add --method ph", EXIT_INVALID_INPUT)


def _solve(inputs, options: SolveOptions, progress, export_model: Path | None):
    """Build, export if asked (atomically), solve; SolveError (exit 4) for a plan that stopped
    early serving nothing, before anything is written."""
    from aidc.optimizer.planner import Planner

    planner = Planner(inputs, options, progress)
    if export_model:
        progress.stage(f"export {export_model.name}")
        try:
            planner.export_model(export_model)
        except OSError as error:
            raise write_failure(export_model, error) from None
    result = planner.solve()
    summary = result.summary
    if summary["status"] != "optimal" and summary["tokens_served"] <= 0 and summary["unserved_share"] > 0:
        raise SolveError(
            f"the solver stopped early ({summary['termination']}) and its best plan so far serves no demand; "
            "no plan was written; raise --time-limit",
            EXIT_NO_SOLUTION,
        )
    return result


@main.command()
@click.argument("scenario")
@click.option("--allow-outside-paths", is_flag=True, help="Let catalogs live outside the scenario's folder.")
def validate(scenario: str, allow_outside_paths: bool) -> None:
    """Check SCENARIO and its catalogs without solving."""
    inputs = load_scenario(Path(scenario), allow_outside_paths=allow_outside_paths)
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in inputs.tables.items())
    if inputs.config.uncertainty is not None:
        from aidc.optimizer.uncertainty.outcomes import load_uncertainty

        counts += f" rows; {len(load_uncertainty(inputs).outcomes)} outcomes"
    else:
        counts += " rows"
    click.echo(f"{scenario}: valid ({counts})")


@main.command()
@click.argument("name", required=False)
@click.option("--scenario", help="Scenario whose catalogs to show (default: the shipped baseline).")
@click.option("--notes", is_flag=True, help="Include the notes column (derivations).")
def catalog(name: str | None, scenario: str | None, notes: bool) -> None:
    """Print the catalogs of a scenario (or one catalog, NAME) with units and sources."""
    from aidc.optimizer.report.catalog_text import render_catalogs

    inputs = load_scenario(_scenario_path(scenario))
    names = [name] if name else list(inputs.tables)
    unknown = [n for n in names if n not in inputs.tables]
    if unknown:
        fail(f"error: unknown catalog {unknown[0]!r}; this scenario has {sorted(inputs.tables)}", EXIT_INVALID_INPUT)
    click.echo(render_catalogs(inputs, names, notes=notes))


def _files_a_scenario_reads(sources: Iterable[Path]) -> list[Path]:
    """Every shipped file a scenario reads: its catalogs and, for an hourly series index, the series it lists."""
    files: list[Path] = []
    for path in sources:
        files.append(path)
        if path.parent.name == "hourly":
            with path.open(newline="", encoding="utf-8") as index:
                listed = dict.fromkeys(row["file"] for row in csv.DictReader(index))
            files.extend(path.parent / name for name in listed)
    return files


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--scenario",
    "name",
    type=click.Choice(SHIPPED_SCENARIOS),
    default="baseline",
    show_default=True,
    help="Which shipped scenario to start from.",
)
def init(folder: Path, name: str) -> None:
    """Copy a shipped scenario and its catalogs into FOLDER (new or empty) to edit and solve."""
    source = INPUTS_DIR / "scenarios" / f"{name}.yaml"
    inputs = load_scenario(source)
    with claimed_folder(folder, "scenario", replace=False) as staging:
        (staging / "scenarios").mkdir()
        shutil.copyfile(source, staging / "scenarios" / source.name)
        for path in _files_a_scenario_reads(inputs.sources.values()):
            target = staging / path.relative_to(INPUTS_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        shutil.copyfile(INPUTS_DIR / "README.md", staging / "README.md")
    click.echo(f"scenario written to {folder / 'scenarios' / source.name}; solve it with:")
    click.echo(f"  aidc solve {folder / 'scenarios' / source.name}")


for command in (report, compare, sweep_command, sensitivity_command, alternatives_command):
    main.add_command(command)

if __name__ == "__main__":
    main()
