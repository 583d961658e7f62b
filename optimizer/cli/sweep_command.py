"""``aidc sweep``: run the cases of a sweep spec locally or on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import click

from aidc.optimizer.cli.boundary import MipGap, TimeLimit, core_limit, fail
from aidc.optimizer.errors import EXIT_INVALID_INPUT, EXIT_SOLVER_FAILURE
from aidc.optimizer.results.atomic import write_text_atomic
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


@click.command("sensitivity")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Results folder (a sweep).")
@click.option(
    "--samples",
    type=click.IntRange(min=3, max=10_000),
    help="Latin-hypercube cases (default: 2 per factor, 20 at least).",
)
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True)
@click.option(
    "--confidence",
    default="L,EST",
    show_default=True,
    help="Comma-separated confidence levels whose figures vary (H, M, L, EST).",
)
@click.option("--workers", type=click.IntRange(min=1, max=4 * core_limit()), help="Local worker processes.")
@click.option("--relax", is_flag=True, help="Accelerator counts continuous.")
@click.option("--lp", is_flag=True, help="Relax every integer: each case is a pure LP (recommended).")
@click.option("--time-limit", type=TimeLimit, help="Solver time limit per case, in seconds.")
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True, help="Rows to print.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def sensitivity_command(
    scenario: Path,
    out_dir: Path,
    samples: int | None,
    seed: int,
    confidence: str,
    workers: int | None,
    relax: bool,
    lp: bool,
    time_limit: float | None,
    top: int,
    no_progress: bool,
) -> None:
    """Rank the low-confidence inputs of SCENARIO by how much they move the cost per token and
    the vendor mix (a Latin-hypercube sweep; writes OUT/influence.csv)."""
    from aidc.optimizer.inputs.loading import load_scenario
    from aidc.optimizer.sweep import run_sweep
    from aidc.optimizer.sweep.influence import (
        influence_spec,
        noise_floor,
        rank_factors,
        read_influence,
        uncertain_factors,
    )

    levels = [level.strip() for level in confidence.split(",") if level.strip()]
    unknown = sorted(set(levels) - {"H", "M", "L", "EST"})
    if unknown or not levels:
        fail(f"error: --confidence: expected levels among H, M, L, EST; found {confidence!r}", EXIT_INVALID_INPUT)
    inputs = load_scenario(scenario)
    factors = uncertain_factors(inputs, levels)
    if not factors:
        fail(f"error: {scenario}: no figure of confidence {levels} to vary", EXIT_INVALID_INPUT)
    samples = samples or max(20, 2 * len(factors))
    spec = influence_spec(scenario, factors, samples, seed)
    options = SolveOptions(
        time_limit=time_limit, relax="all" if lp else ("units" if relax else "none"), marginal_costs=False
    )
    vendors = dict(
        zip(inputs.table("accelerators")["accelerator"], inputs.table("accelerators")["vendor"], strict=True)
    )
    rankings: list = []

    def write_influence(out: Path) -> None:  # while the folder is claimed, before an earlier sweep is dropped
        rankings.append(rank_factors(read_influence(out, spec), factors, vendors))
        write_text_atomic(out / "influence.csv", rankings[-1].to_csv(index=False, float_format="%.6g"))

    report = run_sweep(
        spec, out_dir, options=options, workers=workers, progress=not no_progress, finish=write_influence
    )
    ranking = rankings[-1]
    click.echo(report.line(out_dir))
    click.echo(
        f"{len(factors)} uncertain figures, {samples} samples; most influential first ({out_dir / 'influence.csv'}); "
        f"|rho| below {noise_floor(samples):.2f} is within sampling noise (marked ~):"
    )
    shown = ranking.head(top)
    for row in shown.itertuples(index=False):
        click.echo(
            f"{'  ' if row.above_noise else '~ '}{row.factor:<55} {row.confidence:<6} "
            f"cost rho {row.cost_rank_correlation:+.2f} swing ${row.cost_swing_usd_per_mtok:+.4f}/Mtok  "
            f"mix rho {row.mix_rank_correlation:+.2f} {row.mix_vendor}"
        )
