"""``aidc report`` and ``aidc compare``: charts and comparisons of solved run folders.

A missing or corrupt run folder is bad input: the message names it and the exit code is 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from aidc.optimizer.errors import EXIT_INVALID_INPUT, InputError
from aidc.optimizer.results.run_reader import load_run

OutDir = click.Path(file_okay=False, path_type=Path)


def _load(run_dir: Path, required: tuple[str, ...] = ()) -> tuple[dict, dict]:
    try:
        return load_run(run_dir, required)
    except InputError as error:
        click.echo(error.render(), err=True)
        sys.exit(EXIT_INVALID_INPUT)


@click.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=OutDir, help="Report folder (default: RUN_DIR/report).")
def report(run_dir: Path, out_dir: Path | None) -> None:
    """Write an HTML report with charts (and the PNGs) of the solved run in RUN_DIR."""
    from aidc.optimizer.report.html_report import write_report
    from aidc.optimizer.report.plots import REQUIRED_TABLES

    summary, tables = _load(run_dir, REQUIRED_TABLES)
    path = write_report(summary, tables, out_dir or run_dir / "report")
    click.echo(f"report written to {path}")


@click.command()
@click.argument("run_a", type=click.Path(path_type=Path))
@click.argument("run_b", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=OutDir, help="Also write the tables (CSV) and compare.png here.")
def compare(run_a: Path, run_b: Path, out_dir: Path | None) -> None:
    """Print what changed from the plan in RUN_A to the plan in RUN_B (B minus A)."""
    from aidc.optimizer.report.compare import COMPARE_TABLES, compare_runs, render_text, write_comparison

    comparison = compare_runs(_load(run_a, COMPARE_TABLES), _load(run_b, COMPARE_TABLES), str(run_a), str(run_b))
    click.echo(render_text(comparison), nl=False)
    if out_dir:
        click.echo(f"comparison written to {write_comparison(comparison, out_dir)}")
