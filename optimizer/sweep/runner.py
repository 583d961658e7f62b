"""Run a sweep's cases on a local process pool or a Dask cluster, through the same
``concurrent.futures`` interface, writing each case as soon as it finishes."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.errors import EXIT_INTERRUPTED, InputError, InputIssue, SolveError, bounded
from aidc.optimizer.results.atomic import write_text_atomic
from aidc.optimizer.results.output_target import check_target, claimed_live_folder, write_failure
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.sweep import store
from aidc.optimizer.sweep.sensitivity import regime_changes, tornado
from aidc.optimizer.sweep.spec import Case, SweepSpec, expand_cases, value_issues
from aidc.optimizer.sweep.variation import is_warm, parameter_issues
from aidc.optimizer.sweep.worker import CaseTask, base_inputs, run_case, start_worker

CONNECT_TIMEOUT = 10.0  # seconds to reach a Dask scheduler


@dataclass
class SweepReport:
    """How a sweep went (counts of cases; seconds of wall time)."""

    total: int
    skipped: int = 0  # already finished (resume)
    done: int = 0
    failed: int = 0
    lost: int = 0  # not run: a worker died or the run was interrupted; --resume runs them
    corrupt: list[str] = field(default_factory=list)  # case files that could not be read; --resume reruns them
    seconds: float = 0.0
    lost_errors: list[str] = field(default_factory=list)
    earlier: Path | None = None  # the sweep the folder held before, kept until this one completes

    @property
    def complete(self) -> bool:
        """Every case of the spec is recorded (ok or failed) and readable."""
        return not self.lost and not self.corrupt and self.skipped + self.done + self.failed == self.total

    @property
    def cases_per_minute(self) -> float:
        ran = self.done + self.failed
        return 60.0 * ran / self.seconds if self.seconds > 0 else 0.0

    def line(self, out: Path) -> str:
        text = (
            f"sweep: {self.total} cases: {self.done} ok, {self.failed} failed, {self.skipped} already done"
            f"{f', {self.lost} not run (use --resume)' if self.lost else ''}"
            f"{f', {len(self.corrupt)} unreadable case file(s) (use --resume)' if self.corrupt else ''}; "
            f"{self.seconds:.1f} s, {self.cases_per_minute:.0f} cases/min; results in {out / store.RESULTS}"
            f"{f'; {kept_earlier(self.earlier)}' if self.earlier else ''}"
        )
        return text


def kept_earlier(folder: Path) -> str:
    """What a sweep says about the sweep its folder held before, while it is kept."""
    mine = store.user_files(folder)
    if mine:
        return f"the sweep this folder held before is kept in {folder}: it holds files aidc did not write ({mine[0]})"
    return f"the sweep this folder held before is kept in {folder} (removed when this one completes)"


def sweep_options(options: SolveOptions) -> SolveOptions:
    """Solve options for a sweep: one HiGHS thread per case (parallelism is across cases), no
    marginal-cost LP re-solve unless asked (a sweep's metrics do not use it)."""
    return SolveOptions(**{**asdict(options), "threads": options.threads or 1})


def make_tasks(
    spec: SweepSpec, cases: list[Case], options: SolveOptions, *, warm: bool, keep_tables: bool
) -> list[CaseTask]:
    """One task per case, ordered so that cases sharing a structural variant are adjacent."""
    inputs = base_inputs(str(spec.base_path()), spec.base_changes)
    tasks = [
        CaseTask(
            case_id=case.case_id,
            base_path=str(spec.base_path()),
            base_changes=spec.base_changes,
            parameters={name: spec.parameters[name] for name in case.values},
            values=case.values,
            options=options,
            warm=warm,
            keep_tables=keep_tables,
        )
        for case in cases
    ]

    def structural_key(task: CaseTask) -> str:
        parts = [repr(task.values[n]) for n, p in task.parameters.items() if not is_warm(p, inputs)]
        return "|".join(parts)

    return sorted(tasks, key=structural_key)


def check_spec(spec: SweepSpec) -> ScenarioInputs:
    """Load the base scenario with the common changes, check every parameter's filters and
    apply each distinct setting and catalog value alone to it (:func:`value_issues`); raises
    :class:`InputError` before any case runs or anything is written; returns the base inputs."""
    inputs = base_inputs(str(spec.base_path()), spec.base_changes)
    issues = parameter_issues(spec.parameters, inputs, str(spec.path or "sweep spec"))
    if not issues:
        issues, _ = value_issues(spec, inputs)
    if issues:
        raise InputError(issues)
    return inputs


@contextmanager
def open_executor(workers: int | None, scheduler: str | None) -> Iterator[tuple[Executor, int]]:
    """A local process pool (``workers`` processes) or the executor of a Dask cluster, and how
    many cases to keep submitted at once. On an interruption the local workers are stopped at
    once (the cases they were running are not recorded and run on --resume)."""
    if scheduler:
        client = connect(scheduler)
        try:
            executor = client.get_executor(pure=False)
            slots = 2 * max(1, sum(client.nthreads().values()))
            try:
                yield executor, slots
            finally:
                executor.shutdown(wait=False)
        finally:
            client.close()
        return
    context = multiprocessing.get_context("forkserver")  # workers fork from a clean process
    # that imported Pyomo once, deaf to Ctrl-C first (the main process stops the pool)
    context.set_forkserver_preload(["aidc.optimizer.forkserver_quiet", "aidc.optimizer.sweep.worker"])
    count = workers or os.cpu_count() or 1
    executor = ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=start_worker, initargs=(os.getpid(),)
    )
    try:
        yield executor, 2 * count
    except BaseException:
        for process in list(getattr(executor, "_processes", {}).values()):
            process.terminate()
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def connect(scheduler: str):
    """A Dask client of the scheduler at ``scheduler``; InputError (exit 2) if it cannot be
    reached within CONNECT_TIMEOUT seconds or does not answer as a Dask scheduler."""
    from distributed import Client

    def refuse(reason: str) -> InputError:
        return InputError(
            [InputIssue("--scheduler", "", "", f"cannot use the Dask scheduler at {scheduler!r}: {reason}")]
        )

    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise refuse(f"no answer within {CONNECT_TIMEOUT:g} s ({bounded(str(error), 200)})") from None
    except (ValueError, TypeError) as error:
        raise refuse(f"not an address such as tcp://host:8786 ({bounded(str(error), 200)})") from None
    except MemoryError:
        raise refuse("the server there does not speak Dask's protocol") from None
    except Exception as error:
        raise refuse(f"{type(error).__name__}: {bounded(str(error), 200)}") from None


def run_sweep(
    spec: SweepSpec,
    out: Path,
    *,
    options: SolveOptions | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    warm: bool = True,
    keep_tables: bool = False,
    progress: bool = True,
    finish: Callable[[Path], None] | None = None,
) -> SweepReport:
    """Run every case of ``spec`` not already finished in ``out``; write results and sensitivity tables.

    Without ``resume`` the sweep starts afresh and the one the folder held is parked in
    ``OUT/.aidc-earlier-sweep/`` (:func:`store.park_earlier`) until a run of the folder completes.
    ``finish(out)``, if given, writes further files (atomically) while the folder is still claimed,
    after the results and unless the run was interrupted; the earlier sweep is removed after it."""
    options = sweep_options(options or SolveOptions(marginal_costs=False))
    inputs = check_spec(spec)
    cases = expand_cases(spec)
    files = [path for path in (inputs.path, *inputs.sources.values()) if path is not None]
    manifest = {
        "name": spec.name,
        "base": str(spec.base_path()),
        "base_changes": spec.base_changes,
        "options": asdict(options),
        "warm": warm,
        "input_sha256": {str(path): file_digest(path) for path in files},
    }
    protect = [*files, *([spec.path] if spec.path else [])]
    check_target(Path(out), "sweep", protect=protect)  # before a pool starts or a cluster is reached
    with open_executor(workers, scheduler) as (executor, slots), claimed_live_folder(out, "sweep", protect=protect):
        report = _run_claimed(spec, cases, out, manifest, options, executor, slots, resume, warm, keep_tables, progress)
        _complete(out, report, finish)
        return report


def _complete(out: Path, report: SweepReport, finish: Callable[[Path], None] | None) -> None:
    """After a run that was not interrupted (the folder still claimed): ``finish``, then, if every
    case is recorded, the parked earlier sweep is removed."""
    if finish is not None:
        try:
            finish(out)
        except OSError as error:
            raise write_failure(out, error, _kept(out, "the cases recorded are kept")) from None
    if report.complete:
        store.drop_parked(out)
    report.earlier = store.parked(out)


def _kept(out: Path, what: str) -> str:
    """``what`` and, if an earlier sweep is parked in ``out``, where it is."""
    earlier = store.parked(out)
    return f"{what}; {kept_earlier(earlier)}" if earlier else what


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (a resumed sweep must see the same inputs)."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _run_claimed(
    spec: SweepSpec,
    cases: list[Case],
    out: Path,
    manifest: dict,
    options: SolveOptions,
    executor: Executor,
    slots: int,
    resume: bool,
    warm: bool,
    keep_tables: bool,
    progress: bool,
) -> SweepReport:
    try:
        store.open_store(out, manifest, resume)
    except OSError as error:
        raise write_failure(out, error, _kept(out, "no case was run")) from None
    finished = store.finished_ids(out) if resume else set()
    todo = [case for case in cases if case.case_id not in finished]
    report = SweepReport(total=len(cases), skipped=len(cases) - len(todo), earlier=store.parked(out))
    started = time.perf_counter()
    tasks = make_tasks(spec, todo, options, warm=warm, keep_tables=keep_tables)
    bar = tqdm(total=len(tasks), unit="case", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    interrupted = False
    try:
        for future in _submitted(executor, tasks, slots):
            try:
                record = future.result()
            except Exception as error:  # the worker died: the case was not run
                report.lost += 1
                report.lost_errors.append(bounded(f"{type(error).__name__}: {error}", 500))
            else:
                try:
                    store.write_case(out, record)
                except OSError as error:
                    kept = _kept(out, "the cases recorded before are kept; --resume continues")
                    raise write_failure(out / store.CASES, error, kept) from None
                report.done += record["status"] == "ok"
                report.failed += record["status"] == "failed"
            bar.update(1)
            bar.set_postfix(done=report.done, failed=report.failed, refresh=False)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        bar.close()
        report.seconds = time.perf_counter() - started
        report.corrupt = write_outputs(spec, cases, out)
        if interrupted:
            recorded = len(store.finished_ids(out) & {case.case_id for case in cases})  # as on disk
            message = (
                f"interrupted: {recorded} of {report.total} cases are recorded in {out}; "
                "the same command with --resume runs the rest"
            )
            raise SolveError(_kept(out, message), EXIT_INTERRUPTED)
    return report


def _submitted(executor: Executor, tasks: list[CaseTask], slots: int) -> Iterator[Future]:
    """Submit ``tasks`` keeping at most ``slots`` queued or running; yield each as it finishes."""
    queue = iter(tasks)
    pending: set[Future] = set()
    while True:
        while len(pending) < slots and (task := next(queue, None)) is not None:
            pending.add(executor.submit(run_case, task))
        if not pending:
            return
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from done


def write_outputs(spec: SweepSpec, cases: list[Case], out: Path) -> list[str]:
    """Gather the case files into ``results.parquet`` and write ``tornado.csv`` and
    ``regime_changes.csv``; the ids of case files that could not be read (left out; they run
    again on --resume)."""
    ids = [case.case_id for case in cases]
    corrupt = store.corrupt_cases(out, ids)
    if corrupt:
        shown = ", ".join(corrupt[:5]) + (" ..." if len(corrupt) > 5 else "")
        print(
            f"warning: {len(corrupt)} case file(s) in {out / store.CASES} cannot be read ({shown}); "
            "they are left out of the results and run again with --resume",
            file=sys.stderr,
        )
    results = store.gather(out, ids, list(spec.parameters))
    if results.empty or "cost_per_mtok_usd" not in results.columns:
        return corrupt
    for name, table in (("tornado.csv", tornado(results)), ("regime_changes.csv", regime_changes(results))):
        write_text_atomic(out / name, table.to_csv(index=False, float_format="%.6g"))
    return corrupt
