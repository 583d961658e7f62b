"""``aidc report`` and ``aidc compare``: charts and comparisons of solved run folders.

A missing or corrupt run folder is bad input (exit 2, the message names it); an output folder
that is not empty and not a report (or comparison) folder is refused before anything is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.results.output_target import check_target
from aidc.optimizer.results.run_folder import RUN_COLUMNS, load_run

OutDir = click.Path(path_type=Path)
MAX_CATEGORIES = {"site": 150, "region": 300, "workload": 50, "accelerator": 60, "slice": 10_000}
"""Most distinct ids a chart draws (one panel per site, a line per region...): beyond them a
figure grows past what matplotlib can render, so the run is refused instead."""
_DRAWN = ("accelerators", "capacity", "energy", "power", "marginal_costs", "demand")


def _columns(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {name: RUN_COLUMNS.get(name, ()) for name in names}


def _drawable(run_dir: Path, tables: dict[str, Any]) -> None:
    """InputError if a table holds more distinct ids than its chart can draw."""
    issues = []
    for name in _DRAWN:
        frame = tables.get(name)
        for column, most in MAX_CATEGORIES.items():
            if frame is not None and column in frame.columns and frame[column].nunique() > most:
                count = frame[column].nunique()
                issues.append(
                    InputIssue(
                        str(run_dir), f"{name}.csv", column, f"{count:,} distinct values; a report draws {most:,}"
                    )
                )
    if issues:
        raise InputError(issues)


def _malformed(run_dirs: list[Path], draw: Callable[[], Any]) -> Any:
    """Run ``draw``; a table of the run folder(s) that does not hold what a plan holds is bad input."""
    try:
        return draw()
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, ArithmeticError) as error:
        where = " / ".join(str(path) for path in run_dirs)
        detail = str(error).splitlines()[0][:200] if str(error) else "a value of the wrong kind"
        raise InputError(
            [InputIssue(where, "", "", f"a table does not hold what a solved plan holds ({detail})")]
        ) from None


@click.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=OutDir, help="Report folder (default: RUN_DIR/report).")
def report(run_dir: Path, out_dir: Path | None) -> None:
    """Write an HTML report with charts (and the PNGs) of the solved run in RUN_DIR."""
    from aidc.optimizer.report.html_report import write_report
    from aidc.optimizer.report.plots import REQUIRED_TABLES

    target = out_dir or run_dir / "report"
    check_target(target, "report", protect=[run_dir])
    summary, tables = load_run(run_dir, _columns(REQUIRED_TABLES), optional=("cost_per_mtok_by_year",))
    _drawable(run_dir, tables)
    path = _malformed([run_dir], lambda: write_report(summary, tables, target, protect=[run_dir]))
    click.echo(f"report written to {path}")


@click.command()
@click.argument("run_a", type=click.Path(path_type=Path))
@click.argument("run_b", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=OutDir, help="Also write the tables (CSV) and compare.png here.")
def compare(run_a: Path, run_b: Path, out_dir: Path | None) -> None:
    """Print what changed from the plan in RUN_A to the plan in RUN_B (B minus A)."""
    from aidc.optimizer.report.compare import COMPARE_TABLES, compare_runs, render_text, write_comparison

    if out_dir:
        check_target(out_dir, "comparison", protect=[run_a, run_b])
    runs = (load_run(run_a, _columns(COMPARE_TABLES)), load_run(run_b, _columns(COMPARE_TABLES)))
    for path, (_, tables) in zip((run_a, run_b), runs, strict=True):
        _drawable(path, tables)
    comparison = _malformed([run_a, run_b], lambda: compare_runs(*runs, str(run_a), str(run_b)))
    click.echo(_malformed([run_a, run_b], lambda: render_text(comparison)), nl=False)
    if out_dir:
        path = _malformed([run_a, run_b], lambda: write_comparison(comparison, out_dir, protect=[run_a, run_b]))
        click.echo(f"comparison written to {path}")
