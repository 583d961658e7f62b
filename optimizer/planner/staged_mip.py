"""A staged MIP for plans with whole accelerator units and site/cooling binaries.

HiGHS finds the site and cooling binaries hard and thousands of integer unit counts harder
together (on the baseline: no plan in 600 s at 24 slices). The stages:

1. binaries integer, unit counts continuous: an optimum of this relaxation gives a valid
   lower bound on the full problem and the sites and designs to build;
2. binaries fixed there, whole units: a feasible plan of the full problem;
3. only if the gap between 2's cost and 1's bound is above the target: the full MIP,
   warm-started from 2, for the remaining time.
0. before them, the LP relaxation of everything and a plan rounded from it (sites, designs,
   halls), improved by closing one opened site or changing one site's cooling design at a time
   while that lowers the cost, handed to stage 1 as a start: HiGHS's heuristics rarely find a
   plan that serves demand in large models without it.
The reported bound is the best valid bound seen, so the reported gap is honest.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import pyomo.environ as pyo

from aidc.optimizer.solve import BoundedProgress, LiveModel, Progress, SolveOptions, SolveOutcome, SolveStatus

BINARIES = ("site_open", "cooling_design", "halls")  # site-level integers: decided in stage 1
OPEN_THRESHOLDS = (1e-6, 0.1, 0.3)
"""Stage 0 rounds the LP's site openings at each of these and keeps the cheapest plan (a site the
LP opens a little is often cheaper closed, its work moved to the sites it opens more)."""
DROP_SHARE = 0.25
"""Share of the time left after the rounding that the local search (closing sites, changing
designs) may take (a move tried costs two LPs warm-started from the last: on the baseline a few
seconds each)."""
LP_SHARE = 0.6
"""Share of the time left that stage 0's LP relaxation may take: without it no later stage finds a
plan on large models (cheap-power-export, 21 sites, under 240 s: a quarter of the time was too
little and the plan built nothing), so it gets the most."""


def _has_plan(outcome: SolveOutcome) -> bool:
    return outcome.status.has_plan


def _best_bound(*bounds: float | None) -> float | None:
    """The highest of the valid lower bounds known (None if none is)."""
    known = [bound for bound in bounds if bound is not None]
    return max(known) if known else None


def _gap(objective: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    return max(0.0, objective - bound) / max(1e-9, abs(objective))


def _time_left(deadline: float | None, share: float = 1.0) -> float | None:
    if deadline is None:
        return None
    return max(1.0, (deadline - time.perf_counter()) * share)


def solve_staged(
    m: pyo.ConcreteModel,
    session: LiveModel,
    options: SolveOptions,
    progress: Progress,
    *,
    units: list | None = None,
    binaries: list | None = None,
    start: list | None = None,
) -> SolveOutcome:
    """Solve the plan's MIP in stages (see module docstring); the model holds the best plan.
    An interruption stops at the stage it hits (reported as ``interrupted``). ``units`` and
    ``binaries`` default to the model's own; a model made of several plans (the extensive form of
    a stochastic programme) passes all of theirs. ``start`` ([(var, value)], a whole-unit plan)
    is handed to the solver as the first incumbent of stage 1 instead of stage 0's rounded plan
    (stage 0 runs only on a single plan's model without a given start)."""
    deadline = None if options.time_limit is None else time.perf_counter() + options.time_limit
    units = list(m.units_bought.values()) if units is None else units
    binaries_of_model = binaries is None  # stage 0 rounds a single plan's site decisions
    binaries = [var for name in BINARIES for var in getattr(m, name).values()] if binaries is None else binaries
    stages: list[SolveOutcome] = []

    if start is None and binaries_of_model:
        rounded = _rounded_start(m, session, options, deadline, progress, stages)
        if rounded is not None and rounded.status == SolveStatus.INTERRUPTED:
            return rounded
    lp_bound = stages[0].bound if stages else None
    for var in units:
        var.domain = pyo.NonNegativeReals
    try:
        if start:
            session.set_start(start)
        progress.stage("stage 1/3: sites and cooling (whole), accelerators relaxed")
        relaxed = session.solve(
            replace(options, time_limit=_time_left(deadline, 0.5)), progress=BoundedProgress(progress, lp_bound)
        )
        stages.append(relaxed)
    finally:
        for var in units:
            var.domain = pyo.NonNegativeIntegers
    if not _has_plan(relaxed) or relaxed.status == SolveStatus.INTERRUPTED:
        return relaxed
    bound = _best_bound(relaxed.bound, lp_bound)

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
        full = session.solve(
            replace(options, time_limit=_time_left(deadline)), progress=BoundedProgress(progress, bound)
        )
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
        handover_seconds=stages[0].handover_seconds,
    )


def _rounded_start(
    m: pyo.ConcreteModel,
    session: LiveModel,
    options: SolveOptions,
    deadline: float | None,
    progress: Progress,
    stages: list[SolveOutcome],
) -> SolveOutcome | None:
    """Stage 0: the LP relaxation of everything (a valid lower bound), its site-level integers
    rounded (a site is open where the LP opens it more than a threshold, its design the one of
    those the LP used that can host the most accelerator types, halls rounded up) and an LP with
    them fixed, for each threshold of OPEN_THRESHOLDS; the cheapest plan, improved by
    :func:`_improve_sites`, is stage 1's start. HiGHS's own heuristics found no plan serving demand
    in 240 s on the baseline without it."""
    integers = [var for name in (*BINARIES, "units_bought") for var in getattr(m, name).values()]
    domains = [(var, var.domain) for var in integers]
    for var in integers:
        var.domain = pyo.NonNegativeReals
    try:
        progress.stage("stage 0/3: LP relaxation and a rounded plan")
        lp = session.solve(replace(options, time_limit=_time_left(deadline, LP_SHARE)), lp=True, progress=progress)
        stages.append(lp)
        if not _has_plan(lp) or lp.status == SolveStatus.INTERRUPTED:
            return lp
        relaxed_values = _values(m)
        designs_used = _designs_used(m)
        best: _Start | None = None
        for threshold in OPEN_THRESHOLDS:
            _restore(m, relaxed_values)
            decisions = _round_site_decisions(m, threshold)
            plan = _plan_with(decisions, session, options, deadline, progress, stages)
            if plan.status == SolveStatus.INTERRUPTED:
                return plan
            if _has_plan(plan) and (best is None or plan.objective < best.outcome.objective):
                best = _Start(plan, _values(m), decisions)
        if best is not None:
            progress.mip(best.outcome.objective, lp.bound, _gap(best.outcome.objective, lp.bound))
            best = _improve_sites(m, best, lp.bound, session, options, deadline, progress, stages, designs_used)
            if best.outcome.status == SolveStatus.INTERRUPTED:
                return best.outcome
    finally:
        for var, domain in domains:
            var.domain = domain
    if best is None:
        return None
    _restore(m, best.values)
    session.set_start(best.values)
    return best.outcome


@dataclass
class _Start:
    """A candidate start: its LP outcome, every variable's value, and the site-level decisions fixed."""

    outcome: SolveOutcome
    values: list
    decisions: list[tuple[pyo.Var, float]]


def _plan_with(
    decisions: list[tuple[pyo.Var, float]],
    session: LiveModel,
    options: SolveOptions,
    deadline: float | None,
    progress: Progress,
    stages: list[SolveOutcome],
) -> SolveOutcome:
    """The LP with ``decisions`` fixed (the rest continuous), recorded as a stage without a bound;
    a decision is fixed within its variable's bounds (a plan held by bounds, such as a first stage
    pinned in an outcome, stays held)."""
    for var, value in decisions:
        var.fix(_within_bounds(var, value))
    try:
        plan = session.solve(replace(options, time_limit=_time_left(deadline, 0.1)), lp=True, progress=progress)
        stages.append(replace(plan, bound=None))
    finally:
        for var, _ in decisions:
            var.unfix()
    return plan


def _improve_sites(
    m: pyo.ConcreteModel,
    best: _Start,
    bound: float | None,
    session: LiveModel,
    options: SolveOptions,
    deadline: float | None,
    progress: Progress,
    stages: list[SolveOutcome],
    designs_used: dict[str, list[str]] | None = None,
) -> _Start:
    """Local search on the rounded plan, one move at a time, kept if the plan gets cheaper:
    close one of its sites (every year, no design, no halls), from the smallest site up; then
    give one of its open sites another cooling design of ``designs_used`` (site -> the designs the
    LP relaxation built there). After each move the halls are re-planned (an LP with the halls of
    the sites still open free, then rounded up and fixed). The search starts again after each move
    kept, until none helps or DROP_SHARE of the time left is spent (a site its bounds hold open, as
    in an outcome whose first stage is pinned, is never closed); each plan kept is reported against
    the LP's ``bound`` ($M). The LP relaxation splits a region's peak over several sites, each
    paying that share of its fixed cost, so the rounding opens them all (on the baseline Northern
    Virginia, Texas and Finland at 0.4-0.6); and it mixes cooling designs at a site over the years
    (direct-to-chip for the early fleet, denser liquid later), so the rounded design is a guess."""
    until = None if deadline is None else time.perf_counter() + (deadline - time.perf_counter()) * DROP_SHARE
    tried: set[tuple[str | None, str]] = set()  # (design, site); design None closes the site
    while True:
        _restore(m, best.values)
        open_sites = _open_sites_smallest_first(m)
        moves: list[tuple[str | None, str]] = [(None, s) for s in open_sites if not _held_open(m, s)]
        moves += [(c, s) for s in open_sites for c in _other_designs(m, s, designs_used or {})]
        for move in [move for move in moves if move not in tried]:
            if until is not None and time.perf_counter() > until:
                return best
            tried.add(move)
            design, site = move
            moved = [(var, _moved(var, value, site, design)) for var, value in best.decisions]
            with_halls_free = [(var, value) for var, value in moved if not _replanned_hall(var, site, design)]
            plan = _plan_with(with_halls_free, session, options, deadline, progress, stages)
            if plan.status == SolveStatus.INTERRUPTED:
                return _Start(plan, best.values, best.decisions)
            if not _has_plan(plan) or plan.objective >= best.outcome.objective:
                continue
            decisions = [
                (var, _whole_halls(var) if _replanned_hall(var, site, design) else value) for var, value in moved
            ]
            plan = _plan_with(decisions, session, options, deadline, progress, stages)
            if plan.status == SolveStatus.INTERRUPTED:
                return _Start(plan, best.values, best.decisions)
            if _has_plan(plan) and plan.objective < best.outcome.objective:
                best = _Start(plan, _values(m), decisions)
                progress.mip(plan.objective, bound, _gap(plan.objective, bound))
                break
        else:
            return best


def _moved(var: pyo.Var, value: float, site: str, design: str | None) -> float:
    """The value of a site-level decision after a move: closing ``site`` (``design`` None) zeroes
    its decisions; giving it ``design`` sets its designs to that one."""
    if _site_of(var) != site:
        return value
    if design is None:
        return 0.0
    if var.parent_component().local_name == "cooling_design":
        return 1.0 if var.index()[1] == design else 0.0
    return value


def _replanned_hall(var: pyo.Var, site: str, design: str | None) -> bool:
    """True for the halls re-planned after a move: every open site's (all but a closed ``site``)."""
    return var.parent_component().local_name == "halls" and (design is not None or _site_of(var) != site)


def _other_designs(m: pyo.ConcreteModel, site: str, designs_used: dict[str, list[str]]) -> list[str]:
    """Designs of ``designs_used[site]`` other than the one ``site`` has in the plan now in the model
    (none when mixes are allowed: the rounding keeps every design the LP used)."""
    if m.data.allow_cooling_mix:
        return []
    chosen = {c for (s, c), var in m.cooling_design.items() if s == site and (var.value or 0.0) > 0.5}
    return [c for c in designs_used.get(site, []) if c not in chosen]


def _designs_used(m: pyo.ConcreteModel) -> dict[str, list[str]]:
    """Site -> the cooling designs under which the solution now in the model holds IT capacity."""
    used: dict[str, list[str]] = {}
    for (s, c, _), var in m.it_capacity.items():
        if (var.value or 0.0) > 1e-6 and c not in used.setdefault(s, []):
            used[s].append(c)
    return used


def _open_sites_smallest_first(m: pyo.ConcreteModel) -> list[str]:
    """The sites open in the plan now in the model, by their IT MW summed over the years."""
    size = {s: 0.0 for (s, _), var in m.site_open.items() if (var.value or 0.0) > 0.5}
    for (s, _, _), var in m.it_capacity.items():
        if s in size:
            size[s] += var.value or 0.0
    return sorted(size, key=lambda s: (size[s], s))


def _held_open(m: pyo.ConcreteModel, site: str) -> bool:
    """True if the bounds of ``site``'s opening keep it open in some year (it cannot be closed)."""
    return any((var.lb or 0.0) > 0.5 for (s, _), var in m.site_open.items() if s == site)


def _within_bounds(var: pyo.Var, value: float) -> float:
    """``value`` moved into ``var``'s bounds."""
    lower, upper = var.bounds
    value = value if lower is None else max(lower, value)
    return value if upper is None else min(upper, value)


def _site_of(var: pyo.Var) -> str:
    """The site a site-level decision belongs to (the first index of site_open, cooling_design, halls)."""
    return var.index()[0]


def _whole_halls(var: pyo.Var) -> float:
    return float(math.ceil((var.value or 0.0) - 1e-6))


def _round_site_decisions(m: pyo.ConcreteModel, threshold: float) -> list[tuple[pyo.Var, float]]:
    """Site-level integers rounded from an LP solution (see ``_rounded_start``): a site is open in
    a year where the LP opens more than ``threshold`` of it (and in the years after)."""
    data = m.data
    fixed: list[tuple[pyo.Var, float]] = []
    for var in m.site_open.values():
        fixed.append((var, 1.0 if (var.value or 0.0) > threshold else 0.0))
    hosts: dict[tuple[str, str], int] = {}
    for s, _, c in data.site_accel_cooling:
        hosts[s, c] = hosts.get((s, c), 0) + 1
    for s in data.sites:
        held = {c: sum(m.it_capacity[s, c, y].value or 0.0 for y in data.years) for c in data.coolings}
        total = sum(held.values())
        # the LP mixes designs; one design must host what they held: of the designs holding 5% or
        # more of the capacity, the one that can host the most accelerator types, then the largest
        used = [c for c in data.coolings if held[c] >= 0.05 * total] or list(data.coolings)
        best = max(used, key=lambda c: (hosts.get((s, c), 0), held[c]))
        for c in data.coolings:
            chosen = held[c] > 1e-6 and (data.allow_cooling_mix or c == best)
            fixed.append((m.cooling_design[s, c], 1.0 if chosen else 0.0))
    for var in m.halls.values():
        fixed.append((var, float(math.ceil((var.value or 0.0) - 1e-6))))
    return fixed


def _values(m: pyo.ConcreteModel) -> list[tuple[pyo.Var, float | None]]:
    return [(var, var.value) for var in m.component_data_objects(pyo.Var, descend_into=True)]


def _restore(m: pyo.ConcreteModel, values: list[tuple[pyo.Var, float | None]]) -> None:
    for var, value in values:
        var.set_value(value, skip_validation=True)
