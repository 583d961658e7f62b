"""What runs in a worker process: solve one case, reusing a planner built earlier in the same
process whenever the case differs from it only by values of mutable parameters.

The caches are module-level, so they live as long as the worker process (a local pool worker
or a Dask worker) and are shared by every case that process runs.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import threading
import time
import traceback
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import Override
from aidc.optimizer.errors import InputError, InputIssue, bounded
from aidc.optimizer.inputs.loading import load_scenario, pydantic_issues
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.results.extract import PlanResult
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.sweep.spec import Parameter
from aidc.optimizer.sweep.variation import (
    Change,
    WarmState,
    base_state,
    derive_inputs,
    is_warm,
    push_state,
    warm_state,
    with_changes,
)

MAX_PLANNERS = 4  # live models kept per worker process (each holds a HiGHS instance)
SCALAR_METRICS = (
    "objective_usd",
    "cost_per_mtok_usd",
    "tokens_served",
    "tokens_unserved",
    "unserved_share",
    "energy_mwh",
    "emissions_t",
    "tokens_per_kwh",
    "liquid_cooled_share",
    "mip_gap",
    "build_seconds",
    "solve_seconds",
)


@dataclass(frozen=True)
class CaseTask:
    """Everything a worker needs to solve one case (picklable; paths must exist on the worker)."""

    case_id: str
    base_path: str  # scenario YAML
    base_changes: dict[str, Any]  # settings (and ``overrides``) applied to every case
    parameters: dict[str, Parameter]  # the parameters this case sets
    values: dict[str, Any]
    options: SolveOptions
    warm: bool = True  # False: build a new model for every case (for comparison)
    keep_tables: bool = False  # return the plan tables as well


@dataclass
class _Live:
    planner: Planner
    base: WarmState
    current: WarmState


@dataclass
class _Cache:
    bases: dict[str, ScenarioInputs] = field(default_factory=dict)
    stamps: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    planners: OrderedDict[str, _Live] = field(default_factory=OrderedDict)


_CACHE = _Cache()


def _stamp(inputs: ScenarioInputs) -> list[tuple[str, int, int]]:
    """(path, mtime in ns, size in bytes) of a scenario's files: a cached copy is stale if they changed."""
    paths = [inputs.path, *inputs.sources.values()] if inputs.path else list(inputs.sources.values())
    stats = [(str(path), path.stat()) for path in paths if path.is_file()]
    return [(name, stat.st_mtime_ns, stat.st_size) for name, stat in stats]


def base_inputs(base_path: str, base_changes: dict[str, Any]) -> ScenarioInputs:
    """The base scenario with the sweep's common changes (cached per process, reloaded if its
    files change, so a long-lived Dask worker never solves an outdated scenario)."""
    key = _base_key(base_path, base_changes)
    cached = _CACHE.bases.get(key)
    if cached is None or _stamp(cached) != _CACHE.stamps[key]:
        changes = dict(base_changes)
        try:
            overrides = [Override.model_validate(item) for item in changes.pop("overrides", None) or []]
        except (ValidationError, TypeError) as error:
            file = f"{base_path} (base_changes.overrides)"
            if isinstance(error, ValidationError):
                raise InputError(pydantic_issues(error, file)) from None
            raise InputError([InputIssue(file, "", "overrides", "expected a list of overrides")]) from None
        inputs = load_scenario(Path(base_path))
        _CACHE.bases[key] = derive_inputs(inputs, changes, overrides, f"{base_path} (base_changes)")
        _CACHE.stamps[key] = _stamp(_CACHE.bases[key])
    return _CACHE.bases[key]


def _base_key(base_path: str, base_changes: dict[str, Any]) -> str:
    return json.dumps([base_path, base_changes], sort_keys=True, default=str)


def split_changes(task: CaseTask, inputs: ScenarioInputs) -> tuple[list[Change], list[Change]]:
    """(warm, structural) changes of a case, in the order the spec declares its parameters."""
    warm, structural = [], []
    for name, parameter in task.parameters.items():
        if name in task.values:
            target = warm if task.warm and is_warm(parameter, inputs) else structural
            target.append((parameter, task.values[name]))
    return warm, structural


def _planner_for(task: CaseTask, inputs: ScenarioInputs, structural: list[Change]) -> tuple[_Live, str]:
    """A live planner for the base plus the structural changes: cached (warm) or new (cold)."""
    key = json.dumps(
        [
            _base_key(task.base_path, task.base_changes),
            _CACHE.stamps.get(_base_key(task.base_path, task.base_changes)),
            [[p.definition(), v] for p, v in structural],
            repr(task.options),
        ],
        sort_keys=True,
        default=str,
    )
    if task.warm and key in _CACHE.planners:
        _CACHE.planners.move_to_end(key)
        return _CACHE.planners[key], "warm"
    changed = with_changes(inputs, structural, f"case {task.case_id}") if structural else inputs
    planner = Planner(changed, task.options)
    state = base_state(planner)
    live = _Live(planner, state, state)
    if task.warm:
        _CACHE.planners[key] = live
        while len(_CACHE.planners) > MAX_PLANNERS:
            _CACHE.planners.popitem(last=False)
    return live, "cold" if task.warm else "rebuild"


def solve_case(task: CaseTask) -> tuple[PlanResult, str]:
    """Solve a case; returns the result and how: ``warm`` (re-solve), ``cold`` or ``rebuild``."""
    inputs = base_inputs(task.base_path, task.base_changes)
    warm, structural = split_changes(task, inputs)
    live, mode = _planner_for(task, inputs, structural)
    target = warm_state(live.base, warm)
    try:
        push_state(live.planner, target, live.current)
        live.current = target
        return live.planner.solve(), mode
    except BaseException:
        _CACHE.planners.pop(next((k for k, v in _CACHE.planners.items() if v is live), ""), None)
        raise


def run_case(task: CaseTask) -> dict[str, Any]:
    """Solve one case and return its record; a failure is recorded, never raised."""
    started = time.perf_counter()
    record: dict[str, Any] = {"case_id": task.case_id, "values": task.values}
    try:
        result, mode = solve_case(task)
        record.update(status="ok", error=None, mode=mode, **summary_fields(result.summary))
        if task.keep_tables:
            record["tables"] = result.tables
    except Exception as error:  # any failure of one case is that case's result
        record.update(status="failed", error=case_error(error, task.case_id), mode=None)
        record["traceback"] = traceback.format_exc(limit=8)
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    record["seconds"] = time.perf_counter() - started
    return record


def case_error(error: Exception, case_id: str) -> str:
    """A failed case's error in plain words (no pydantic or numpy internals), bounded."""
    if isinstance(error, ValidationError):
        error = InputError(pydantic_issues(error, f"case {case_id}"))
    if isinstance(error, InputError):
        return error.render()
    return bounded(f"{type(error).__name__}: {error}", 2000)


_PR_SET_PDEATHSIG = 1


def start_worker(parent_pid: int) -> None:
    """Initializer of a local pool's worker process: Ctrl-C is for the main process (which stops
    the pool), and the worker ends as soon as the main process is gone, even if it was killed
    (SIGKILL) and could not stop it: no orphan keeps solving."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with suppress(OSError, AttributeError):  # Linux: SIGKILL when the parent (the pool's fork server) exits
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(target=_watch, args=(parent_pid,), name="aidc-parent-watch", daemon=True).start()


def _watch(parent_pid: int) -> None:
    """End this process when ``parent_pid`` exits (a pidfd becomes readable; else poll)."""
    try:
        handle = os.pidfd_open(parent_pid)
    except (OSError, AttributeError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
        os._exit(1)
    pool_parent = os.getppid()  # the pool's fork server, which exits with the main process
    while os.getppid() == pool_parent:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            break
        except PermissionError:
            pass
        time.sleep(0.5)
    os._exit(1)


def summary_fields(summary: dict[str, Any]) -> dict[str, Any]:
    """The figures of a plan summary a sweep keeps: scalars, cost breakdown, sites, accelerators."""
    fields = {name: summary.get(name) for name in SCALAR_METRICS}
    fields["solver_status"] = summary["status"]
    fields.update({f"cost_{name}_usd": value for name, value in summary["cost_breakdown_usd"].items()})
    fields["sites"] = sorted(item["site"] for item in summary["sites_opened"])
    fields["accelerators_last_year"] = {a: n for a, n in summary["accelerators_last_year"].items() if n > 0}
    fields["ports_last_year"] = summary["ports_last_year"]
    fields["throughput_weighted_mix"] = summary.get("throughput_weighted_mix", {})
    return fields
