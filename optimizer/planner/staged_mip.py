"""A staged MIP for plans with whole accelerator units and site/cooling binaries.

HiGHS finds the site and cooling binaries hard and thousands of integer unit counts harder
together (on the baseline: no plan in 600 s at 24 slices). The stages:

1. binaries integer, unit counts continuous: an optimum of this relaxation gives a valid
   lower bound on the full problem and the sites and designs to build;
2. binaries fixed there, whole units: a feasible plan of the full problem;
3. only if the gap between 2's cost and 1's bound is above the target: the full MIP,
   warm-started from 2, for the remaining time.
The reported bound is the best valid bound seen, so the reported gap is honest.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pyomo.environ as pyo

from aidc.optimizer.solve import LiveModel, Progress, SolveOptions, SolveOutcome, SolveStatus

BINARIES = ("site_open", "cooling_design", "halls")  # site-level integers: decided in stage 1


def _has_plan(outcome: SolveOutcome) -> bool:
    return outcome.status.has_plan


def _gap(objective: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    return max(0.0, objective - bound) / max(1e-9, abs(objective))


def _time_left(deadline: float | None, share: float = 1.0) -> float | None:
    if deadline is None:
        return None
    return max(1.0, (deadline - time.perf_counter()) * share)


def solve_staged(m: pyo.ConcreteModel, session: LiveModel, options: SolveOptions, progress: Progress) -> SolveOutcome:
    """Solve the plan's MIP in stages (see module docstring); the model holds the best plan.
    An interruption stops at the stage it hits (reported as ``interrupted``)."""
    deadline = None if options.time_limit is None else time.perf_counter() + options.time_limit
    units = list(m.units_bought.values())
    binaries = [var for name in BINARIES for var in getattr(m, name).values()]
    stages: list[SolveOutcome] = []

    for var in units:
        var.domain = pyo.NonNegativeReals
    try:
        progress.stage("stage 1/3: sites and cooling (whole), accelerators relaxed")
        relaxed = session.solve(replace(options, time_limit=_time_left(deadline, 0.5)), progress=progress)
        stages.append(relaxed)
    finally:
        for var in units:
            var.domain = pyo.NonNegativeIntegers
    if not _has_plan(relaxed) or relaxed.status == SolveStatus.INTERRUPTED:
        return relaxed
    bound = relaxed.bound

    for var in binaries:
        var.fix(round(var.value or 0.0))
    try:
        progress.stage("stage 2/3: whole servers and racks at the chosen sites")
        whole = session.solve(replace(options, time_limit=_time_left(deadline, 0.5)), progress=progress)
        stages.append(whole)
    finally:
        for var in binaries:
            var.unfix()
    best, best_values = whole, _values(m) if _has_plan(whole) else None
    gap = _gap(whole.objective, bound) if _has_plan(whole) else None
    if whole.status == SolveStatus.INTERRUPTED:
        return whole
    if best_values is None or gap is None or gap > options.mip_gap:
        if best_values is not None:
            session.set_start(best_values)
        progress.stage("stage 3/3: the full MIP, warm-started")
        full = session.solve(replace(options, time_limit=_time_left(deadline)), progress=progress)
        if full.status == SolveStatus.INTERRUPTED:
            return full
        stages.append(full)
        if full.bound is not None:
            bound = max(bound, full.bound) if bound is not None else full.bound
        if _has_plan(full) and (best_values is None or full.objective <= whole.objective):
            best, best_values = full, None
        elif best_values is not None:
            _restore(m, best_values)
    gap = _gap(best.objective, bound) if _has_plan(best) else None
    status = best.status
    if _has_plan(best):
        status = SolveStatus.OPTIMAL if gap is not None and gap <= options.mip_gap else SolveStatus.FEASIBLE
    return replace(
        best,
        status=status,
        bound=bound,
        gap=gap,
        solve_seconds=sum(stage.solve_seconds for stage in stages),  # HiGHS time over all stages
        handover_seconds=relaxed.handover_seconds,
    )


def _values(m: pyo.ConcreteModel) -> list[tuple[pyo.Var, float | None]]:
    return [(var, var.value) for var in m.component_data_objects(pyo.Var, descend_into=True)]


def _restore(m: pyo.ConcreteModel, values: list[tuple[pyo.Var, float | None]]) -> None:
    for var, value in values:
        var.set_value(value, skip_validation=True)
