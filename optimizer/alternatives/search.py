"""Modelling to generate alternatives: plans within a cost slack of the optimum that differ as
much as possible in one respect each.

1. Solve the scenario (the optimum, cost C*, through the planner as ``aidc solve`` does).
2. Add one row, total discounted cost <= cap, whose right-hand side is a mutable parameter set
   to (1 + slack) x C* (the cost is ``m.total_cost``, penalty for unserved demand included), and
   replace the cost objective by sum_i weight_i x (+-objective_i) with mutable weights.
3. For each objective: weight 1 on it, 0 on the others, and re-solve (the goal, to a looser MIP
   gap). Then the tie-break: a second row holds the goal at the value reached (a mutable
   right-hand side too) while the cost is minimised, so the alternative is the cheapest plan
   reaching its goal rather than any plan under the cap. Only parameters change between
   solves, so the live solver model takes them in place (the objective and the two rows are
   re-read; one recompile when the rows and the objective are first added).
4. ``max-different`` is the Hop-Skip-Jump step: minimise the openings and capacities used by the
   optimum and the earlier max-different plans, weighted by how often they were used; iterated.

With whole units the same staged MIP as ``aidc solve`` runs; an alternative's reported status and
gap are those of its own objective, its ``objective_usd`` is its total cost. The cap is relative
to the optimum found: with a MIP gap g the slack against the true optimum is at most slack + g.
Every solve here runs at a feasibility tolerance of 1e-9 (FEASIBILITY_TOLERANCE).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import pyomo.environ as pyo

from aidc.optimizer.alternatives.capped import CappedObjectives, capped_objectives
from aidc.optimizer.alternatives.facts import PlanFacts, plan_facts
from aidc.optimizer.alternatives.objectives import (
    Objective,
    ObjectiveUnavailable,
    default_objectives,
    parse_objective,
)
from aidc.optimizer.errors import EXIT_INTERRUPTED, SolveError
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.results.extract import PlanResult, extract_result
from aidc.optimizer.solve import SolveOptions, SolveOutcome

GOAL_GAP = 0.01  # relative MIP gap of the goal solves: a near-optimal plan is exploratory
FEASIBILITY_TOLERANCE = 1e-9
"""The cost-cap row holds the whole objective, so a bound violation the solver's default tolerance
allows on a heavily priced variable turns into cost slack: HiGHS 1.16 returned unserved demand of
-3.1e-7 Mtok/s in a micro case, which the $1,000/Mtok penalty over a year turned into $9,840 under
the cap, and 'most of vendor Y' went to 99% where 50% is the derived optimum. At 1e-9 such slack
is at most ~$30 there."""


@dataclass
class PlanRecord:
    """One plan of the search: the optimum or an alternative (``result`` None if it found none)."""

    name: str  # folder name
    objective: str  # what was optimised ("cost" for the optimum)
    description: str
    sense: str
    unit: str
    status: str
    result: PlanResult | None
    objective_value: float | None = None  # the optimised measure, in ``unit``
    wall_seconds: float = 0.0  # solve and extraction
    solver_seconds: float = 0.0  # inside the solver
    update_seconds: float = 0.0  # bringing the live solver model up to date
    error: str | None = None
    tiebreak_status: str | None = None  # status of the cheapest-plan solve holding the goal


@dataclass
class AlternativesRun:
    """The optimum and its alternatives, with the cap they respect."""

    scenario: str
    slack: float
    optimum_cost_usd: float
    cost_cap_usd: float
    facts: PlanFacts
    plans: list[PlanRecord] = field(default_factory=list)

    @property
    def optimum(self) -> PlanRecord:
        return self.plans[0]


def _default_specs(facts: PlanFacts, planner: Planner, optimum: PlanResult) -> list[str]:
    """The default objectives for this scenario and optimum."""
    data = planner.data
    available = sorted({facts.vendor[a] for _, a, _ in data.site_accel_cooling if a in facts.vendor})
    accelerators = optimum.tables["accelerators"]
    last = accelerators[accelerators["year"] == facts.last_year]
    used = sorted({facts.vendor[a] for a in last.loc[last["accelerators"] > 0, "accelerator"] if a in facts.vendor})
    has_emissions = any(rate > 0 for rate in data.carbon_t_per_mwh.values())
    return default_objectives(facts, available, used, has_emissions)


def requested_objectives(specs: list[str], facts: PlanFacts, m: pyo.ConcreteModel) -> list[Objective]:
    """The objectives a user named, checked against the model (ObjectiveUnavailable, exit 2,
    before anything is solved); repeated ones once."""
    parsed = {}
    for spec in specs:
        if spec.strip():
            objective = parse_objective(spec, facts)
            objective.check(m, facts)
            parsed.setdefault(objective.label, objective)
    if not parsed:
        raise ObjectiveUnavailable("no objective named")
    return list(parsed.values())


def find_alternatives(
    planner: Planner,
    slack: float,
    objectives: list[str] | None = None,
    different: int = 2,
    tiebreak: bool = True,
    options: SolveOptions | None = None,
    goal_gap: float = GOAL_GAP,
) -> AlternativesRun:
    """Solve the planner's scenario, then one alternative per objective within ``slack`` (a
    fraction: 0.02 is 2%) of the optimum's cost; ``different`` max-different iterations when
    ``max-different`` is among the objectives. With ``tiebreak`` each alternative is the
    cheapest plan reaching its objective's best value (a second solve), not any plan under the
    cap. ``options`` are the alternatives' solve settings (default: the planner's, without
    marginal costs); the goal solves stop at a relative MIP gap of ``goal_gap`` instead.

    Objectives named in ``objectives`` must be available (ObjectiveUnavailable before any
    solve); of the default set, those this model cannot express are recorded as unavailable.
    SolveError if the optimum has no plan; an alternative without one is recorded."""
    facts = plan_facts(planner.inputs, planner.data)
    m = planner.model
    parsed = requested_objectives(objectives, facts, m) if objectives else None
    started = time.perf_counter()
    optimum = planner.solve(replace(planner.options, feasibility_tolerance=FEASIBILITY_TOLERANCE))
    cost_usd = float(optimum.summary["objective_usd"])
    run = AlternativesRun(planner.data.name, slack, cost_usd, cost_usd * (1.0 + slack), facts)
    run.plans.append(
        PlanRecord(
            "optimum",
            "cost",
            "least total discounted cost",
            "min",
            "USD",
            str(optimum.summary["status"]),
            optimum,
            cost_usd,
            time.perf_counter() - started,
            float(optimum.summary["solve_seconds"]),
            float(optimum.summary["handover_seconds"]),
        )
    )
    if parsed is None:
        parsed = []
        for spec in _default_specs(facts, planner, optimum):
            objective = parse_objective(spec, facts)
            try:
                objective.check(m, facts)
            except ObjectiveUnavailable as error:
                run.plans.append(_unavailable(objective, error.message))
                continue
            parsed.append(objective)
    options = replace(options or planner.options, marginal_costs=False, feasibility_tolerance=FEASIBILITY_TOLERANCE)
    steps = [(o, i) for o in parsed for i in range(different if o.is_different else 1)]
    with capped_objectives(m, facts, parsed) as capped:
        capped.count_use()
        capped.set_cap(run.cost_cap_usd / 1e6)
        for number, (objective, iteration) in enumerate(steps, start=1):
            name = f"{objective.label}-{iteration + 1}" if objective.is_different else objective.label
            planner.progress.stage(f"alternative {number}/{len(steps)}: {name} ({objective.description})")
            record = PlanRecord(name, objective.spec, objective.description, objective.sense, objective.unit, "", None)
            _solve_alternative(planner, capped, objective, record, options, tiebreak, goal_gap)
            run.plans.append(record)
            if objective.is_different and record.result is not None:
                capped.count_use()
    return run


def _unavailable(objective: Objective, message: str) -> PlanRecord:
    return PlanRecord(
        objective.label,
        objective.spec,
        objective.description,
        objective.sense,
        objective.unit,
        "unavailable",
        None,
        error=message,
    )


def _optimise(planner: Planner, options: SolveOptions, record: PlanRecord) -> SolveOutcome | None:
    """One solve of the active objective, its times added to ``record``; None (and the error
    recorded) when it finds no plan; an interruption is raised."""
    started = time.perf_counter()
    try:
        if planner.has_integers():
            # the plan in the model (the optimum, the last alternative, or the goal's plan before
            # the tie-break) is feasible for this solve: hand it over as a starting incumbent
            # (this brings the live model up to date, so its time counts as update time)
            before = time.perf_counter()
            planner.session.set_start(_values(planner.model))
            record.update_seconds += time.perf_counter() - before
        outcome = planner.optimise(options)
    except SolveError as error:
        if error.exit_code == EXIT_INTERRUPTED:
            raise
        record.error = str(error)
        return None
    finally:
        record.wall_seconds += time.perf_counter() - started
    record.solver_seconds += outcome.solve_seconds
    record.update_seconds += outcome.handover_seconds
    return outcome


def _solve_alternative(
    planner: Planner,
    capped: CappedObjectives,
    objective: Objective,
    record: PlanRecord,
    options: SolveOptions,
    tiebreak: bool,
    goal_gap: float,
) -> None:
    """Solve ``objective`` under the cap (to ``goal_gap``; then, with ``tiebreak``, the cheapest
    plan holding its best value, to the options' gap) and fill ``record`` with the plan."""
    capped.select(objective.label)
    outcome = _optimise(planner, replace(options, mip_gap=goal_gap), record)
    if outcome is None:
        record.status = "no plan"
        return
    record.status = str(outcome.status)
    if tiebreak:
        kept = _values(planner.model)
        capped.hold_goal()
        cheapest = _optimise(planner, options, record)
        if cheapest is None:
            _restore(kept)  # the plan of the goal alone stands; the error says why
            record.error = f"tie-break: {record.error}"
        else:
            record.tiebreak_status = str(cheapest.status)
            outcome = replace(cheapest, status=outcome.status, gap=outcome.gap)
    m = planner.model
    started = time.perf_counter()
    costed = _with_cost(outcome, float(pyo.value(m.total_cost)))
    record.result = extract_result(
        m,
        planner.data,
        planner.inputs,
        mip_outcome=costed,
        final_outcome=costed,
        duals={},
        build_seconds=planner.prepare_seconds + planner.build_seconds,
    )
    record.objective_value = capped.value(objective.label)
    record.wall_seconds += time.perf_counter() - started


def _values(m: pyo.ConcreteModel) -> list[tuple[pyo.Var, float | None]]:
    return [(var, var.value) for var in m.component_data_objects(pyo.Var, descend_into=True)]


def _restore(values: list[tuple[pyo.Var, float | None]]) -> None:
    for var, value in values:
        var.set_value(value, skip_validation=True)


def _with_cost(outcome: SolveOutcome, cost_musd: float) -> SolveOutcome:
    """The outcome with the plan's total cost ($M) as its objective (the bound was of another
    objective, so it is dropped; status and gap stay those of the alternative's own objective)."""
    return replace(outcome, objective=cost_musd, bound=None)
