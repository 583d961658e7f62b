"""``aidc solve`` on a scenario with an ``uncertainty`` block: the stochastic programme.

With ``--method ph`` every MPI rank runs this command (``mpiexec -n N aidc solve S --method ph``);
rank 0 claims the output folder, prints and writes, the other ranks only compute.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click

from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.cli.boundary import fail
from aidc.optimizer.errors import EXIT_INVALID_INPUT, EXIT_UNSERVED_STRICT, InputError, bounded
from aidc.optimizer.results.atomic import to_json
from aidc.optimizer.results.output_target import check_file_target, claimed_folder, write_failure
from aidc.optimizer.solve import SilentProgress, SolveOptions, StderrProgress
from aidc.optimizer.solve.session import EXPORT_SUFFIXES
from aidc.optimizer.uncertainty.distribution import world_communicator


def solve_stochastic(
    inputs: ScenarioInputs,
    options: SolveOptions,
    method: str,
    *,
    as_json: bool,
    out_dir: Path | None,
    fmt: str,
    export_model: Path | None,
    strict: bool,
    quiet: bool,
    verbose: bool,
    ph: tuple[float, int],
) -> None:
    """Solve the stochastic programme of ``inputs``, print its summary, write its run folder."""
    from aidc.optimizer.uncertainty.programme import solve_under_uncertainty
    from aidc.optimizer.uncertainty.progressive_hedging import PHSettings, require_mpisppy
    from aidc.optimizer.uncertainty.run_folder import write_stochastic_run
    from aidc.optimizer.uncertainty.summary_text import render_stochastic_summary

    if export_model and method != "ef":
        fail("error: --export-model writes the extensive form; it needs --method ef", EXIT_INVALID_INPUT)
    if method == "ph":
        require_mpisppy()  # before a folder is claimed or anything is solved
    comm = world_communicator() if method == "ph" else None
    root = comm is None or comm.Get_rank() == 0
    progress = SilentProgress() if quiet or not root else StderrProgress(verbose=verbose)
    protect = [path for path in (inputs.path, *inputs.sources.values()) if path is not None]
    if export_model:
        export_model = check_file_target(export_model, EXPORT_SUFFIXES, protect=protect, beside=out_dir)
    with ExitStack() as stack:
        staging = None
        refused: BaseException | None = None
        if out_dir is not None and root:
            try:
                staging = stack.enter_context(claimed_folder(out_dir, "run", protect=protect))
            except BaseException as error:  # told to every rank before it is raised
                refused = error
        if comm is not None and not comm.bcast(refused is None, root=0):
            if refused is not None:
                raise refused
            return
        if refused is not None:
            raise refused
        try:
            result = solve_under_uncertainty(
                inputs,
                options,
                method=method,
                progress=progress,
                comm=comm,
                export_model=export_model,
                ph_settings=PHSettings(rho=ph[0], iterations=ph[1]),
            )
        except Exception as error:
            if comm is not None and comm.Get_size() > 1:  # the other ranks wait in a collective: stop them all
                click.echo(bounded(f"error on MPI rank {comm.Get_rank()}: {error}"), err=True)
                comm.Abort(EXIT_INVALID_INPUT if isinstance(error, InputError) else getattr(error, "exit_code", 1))
            raise
        if result is None:  # another rank than 0: rank 0 reports
            return
        if staging is not None:
            progress.stage(f"write {out_dir}")
            try:
                write_stochastic_run(staging, result, fmt)
            except OSError as error:
                raise write_failure(Path(out_dir), error) from None  # type: ignore[arg-type]
    summary = result.summary
    click.echo(to_json(summary) if as_json else render_stochastic_summary(summary), nl=not as_json)
    if out_dir and not as_json:
        click.echo(f"  results written to {out_dir}")
    unserved = [entry["outcome"] for entry in summary["outcomes"] if (entry["unserved_share"] or 0.0) > 0]
    if strict and unserved:
        fail(f"error: demand is unserved under the plan in outcome(s) {unserved} (--strict)", EXIT_UNSERVED_STRICT)
