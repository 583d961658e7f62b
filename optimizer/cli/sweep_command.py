"""``aidc sweep``: run the cases of a sweep spec locally or on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import click

from aidc.optimizer.cli.boundary import MipGap, TimeLimit, core_limit, fail
from aidc.optimizer.errors import EXIT_SOLVER_FAILURE
from aidc.optimizer.solve import SolveOptions


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("expected a scheduler address such as tcp://host:8786")
    return value


@click.command("sweep")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="Results folder."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=4 * core_limit()),
    help="Local worker processes (default: one per core).",
)
@click.option("--scheduler", metavar="ADDRESS", callback=_address, help="Run on a Dask cluster, e.g. tcp://host:8786.")
@click.option("--resume", is_flag=True, help="Skip the cases already finished in --out.")
@click.option("--relax", is_flag=True, help="Accelerator counts continuous instead of whole servers/racks.")
@click.option("--lp", is_flag=True, help="Relax every integer: each case is a pure LP.")
@click.option("--time-limit", type=TimeLimit, help="Solver time limit per case, in seconds.")
@click.option("--mip-gap", type=MipGap, default=1e-3, show_default=True)
@click.option("--tables", "keep_tables", is_flag=True, help="Also write each case's plan tables (Parquet).")
@click.option("--rebuild", is_flag=True, help="Build a new model for every case (no warm re-solve).")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def sweep_command(
    spec: Path,
    out_dir: Path,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    relax: bool,
    lp: bool,
    time_limit: float | None,
    mip_gap: float,
    keep_tables: bool,
    rebuild: bool,
    no_progress: bool,
) -> None:
    """Run every case of the sweep SPEC (YAML) and gather the results into OUT/results.parquet."""
    from aidc.optimizer.sweep import load_spec, run_sweep

    options = SolveOptions(
        time_limit=time_limit,
        mip_gap=mip_gap,
        relax="all" if lp else ("units" if relax else "none"),
        marginal_costs=False,
    )
    report = run_sweep(
        load_spec(spec),
        out_dir,
        options=options,
        workers=workers,
        scheduler=scheduler,
        resume=resume,
        warm=not rebuild,
        keep_tables=keep_tables,
        progress=not no_progress,
    )
    click.echo(report.line(out_dir))
    if report.lost:
        fail(f"error: {report.lost} case(s) not run, first: {report.lost_errors[0]}", EXIT_SOLVER_FAILURE)
