"""The stochastic programme of a scenario with an ``uncertainty`` block, and the value of its answer.

Steps (every solve through the planner's HiGHS path; "cost" is an outcome's objective: discounted
total cost including the unserved penalty, USD):

1. the *mean outcome* (each change at its probability-weighted mean) solved: its first stage is
   the plan a planner would commit to from the mean forecast;
2. each outcome solved on its own: WS = sum_o p_o cost_o(own optimum) (wait-and-see, perfect
   information), and each outcome's own optimum for regret;
3. each outcome re-solved with the mean plan's first stage pinned: EEV = sum_o p_o cost_o(mean plan);
4. the here-and-now plan: the extensive form (``extensive_form``) or progressive hedging over MPI
   ranks (``progressive_hedging``);
5. each outcome re-solved with that plan's first stage pinned: RP = sum_o p_o cost_o(plan), each
   outcome's recourse (tables), cost per Mtok and unserved share.

VSS = EEV - RP (what planning for the spread saves over planning for the mean) and EVPI = RP - WS
(what knowing the outcome in advance would be worth), in USD and per Mtok of expected discounted
demand. Regret of a plan in an outcome = its cost there - the outcome's own optimum.
With integer decisions every figure is a MIP solve within its gap, so VSS and EVPI are exact only
up to the gaps reported (``mip_gap`` of each solve).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.errors import (
    EXIT_INTERRUPTED,
    EXIT_INVALID_INPUT,
    EXIT_NO_SOLUTION,
    InputError,
    InputIssue,
    SolveError,
)
from aidc.optimizer.solve import Progress, SilentProgress, SolveOptions, SolveStatus
from aidc.optimizer.uncertainty.budget import TimeBudget, solve_count
from aidc.optimizer.uncertainty.distribution import Distribution
from aidc.optimizer.uncertainty.evaluation import OutcomeRun, OutcomeSolver
from aidc.optimizer.uncertainty.first_stage import FirstStagePlan, HereAndNow
from aidc.optimizer.uncertainty.outcomes import UncertaintySpec, load_uncertainty, outcome_inputs
from aidc.optimizer.uncertainty.plan_tables import plan_summary, plan_tables, present

METHODS = ("ef", "ph")


@dataclass
class StochasticResult:
    """Summary (JSON-ready), the run folder's tables, and each outcome's recourse under the plan."""

    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    outcomes: dict[str, OutcomeRun] = field(default_factory=dict)


def solve_under_uncertainty(
    inputs: ScenarioInputs,
    options: SolveOptions | None = None,
    *,
    method: str = "ef",
    progress: Progress | None = None,
    comm: Any | None = None,
    ph_settings: Any | None = None,
    export_model: Path | None = None,
) -> StochasticResult | None:
    """Solve the stochastic programme of ``inputs`` and measure its value (module docstring).
    ``options.time_limit`` is the whole programme's budget (s), shared by its solves
    (:mod:`~aidc.optimizer.uncertainty.budget`). With ``comm`` (an MPI communicator, method "ph"),
    every rank takes part and rank 0 gets the result (None elsewhere). Raises InputError for a bad
    uncertainty block, SolveError when a required solve has no plan."""
    if method not in METHODS:
        raise SolveError(f"unknown method {method!r}; expected one of {METHODS}", EXIT_INVALID_INPUT)
    progress = progress or SilentProgress()
    options = replace(options or SolveOptions(), marginal_costs=False)
    spec = load_uncertainty(inputs)
    if method == "ph" and spec.risk.measure != "expected":
        raise InputError(
            [
                InputIssue(
                    spec.file,
                    "uncertainty.risk",
                    "measure",
                    f"progressive hedging minimises the expected cost; {spec.risk.measure!r} needs --method ef",
                )
            ]
        )
    world = Distribution(comm if method == "ph" else None)
    started = time.perf_counter()
    count = len(spec.outcomes)
    # weights: the mean outcome, three solves per outcome, and the extensive form (N models in one)
    budget = TimeBudget(options.time_limit, weight_to_come=1 + 3 * count + (count if method == "ef" else 0))
    if options.time_limit is not None:
        progress.stage(f"time budget {options.time_limit:,.0f} s for all {solve_count(count)} solves")
    inputs_of = {outcome.name: outcome_inputs(inputs, outcome) for outcome in spec.outcomes}
    progress.stage(f"build {len(spec.outcomes)} outcome models")
    solvers = {
        outcome.name: OutcomeSolver(outcome, inputs_of[outcome.name], options, spec.commitment_years)
        for i, outcome in enumerate(spec.outcomes)
        if world.mine(i)
    }

    progress.stage("mean outcome (the plan of the mean forecast)")
    mean_plan, mean_solver = None, None
    if world.root:
        mean_solver = OutcomeSolver(spec.mean, outcome_inputs(inputs, spec.mean), options, spec.commitment_years)
        mean_run = mean_solver.solve(options=budget.share(options))
        if not mean_run.ok:
            raise SolveError(f"the mean outcome has no plan ({mean_run.status})", EXIT_NO_SOLUTION)
        mean_plan = mean_run.first_stage
    else:
        budget.skip()  # rank 0 solves the mean outcome
    mean_plan = world.broadcast(mean_plan)

    def each(label: str, plan: FirstStagePlan | None, keep_tables: bool = False, everywhere: bool = False):
        def run(i: int) -> OutcomeRun:
            outcome = spec.outcomes[i]
            progress.stage(f"{label}: outcome {outcome.name}")
            return solvers[outcome.name].solve(plan, keep_tables=keep_tables, options=budget.share(options))

        runs = world.map(run, count, everywhere=everywhere)
        budget.skip(sum(not world.mine(i) for i in range(count)))  # the other ranks' outcomes
        return runs

    own = each("own optimum", None, everywhere=True)
    assert own is not None
    failed = [run for run in own if not run.ok]
    if failed:
        raise SolveError(f"outcome {failed[0].outcome!r} has no plan of its own ({failed[0].status})", EXIT_NO_SOLUTION)
    demand = _demands(spec, world, solvers)
    mean_runs = each("mean plan", mean_plan)

    progress.stage(f"here-and-now plan ({'extensive form' if method == 'ef' else 'progressive hedging'})")
    best = {run.outcome: run.cost_usd for run in own}
    if method == "ef":
        # the mean plan's recourse, now loaded in every outcome's model, seeds the extensive form
        seed = [solvers[o.name].planner.model for o in spec.outcomes], mean_plan
        here = _extensive_form(spec, inputs_of, options, best, progress, export_model, seed, budget)
    else:
        from aidc.optimizer.uncertainty.progressive_hedging import progressive_hedging

        here = progressive_hedging(spec, inputs_of, options, comm=world.comm, settings=ph_settings)  # by iterations
    plan_runs = each("stochastic plan", here.plan, keep_tables=True)
    if not world.root:
        return None
    assert mean_runs is not None and plan_runs is not None and mean_solver is not None
    return _result(
        spec,
        inputs,
        here,
        mean_plan,
        own,
        mean_runs,
        plan_runs,
        demand=demand,
        data=mean_solver.planner.data,
        method=method,
        seconds=time.perf_counter() - started,
    )


def _demands(spec: UncertaintySpec, world: Distribution, solvers: dict[str, OutcomeSolver]) -> list[float]:
    values = world.map(lambda i: solvers[spec.outcomes[i].name].demand_mtok, len(spec.outcomes), everywhere=True)
    assert values is not None
    return values


def _extensive_form(
    spec: UncertaintySpec,
    inputs_of: dict[str, ScenarioInputs],
    options: SolveOptions,
    best: dict[str, float | None],
    progress: Progress,
    export_model: Path | None = None,
    seed: tuple[list, FirstStagePlan] | None = None,
    budget: TimeBudget | None = None,
) -> HereAndNow:
    from aidc.optimizer.uncertainty.extensive_form import ExtensiveForm

    progress.stage("build the extensive form")
    form = ExtensiveForm(
        [(outcome, inputs_of[outcome.name]) for outcome in spec.outcomes],
        spec.commitment_years,
        spec.risk,
        options,
        best_costs_usd={name: float(cost) for name, cost in best.items() if cost is not None},
    )
    progress.stage("hand the extensive form to the solver")
    if export_model is not None:
        form.session.export(export_model)
    start = form.start_from(*seed) if seed is not None and options.relax != "all" else None
    solve_options = budget.share(options, weight=len(spec.outcomes)) if budget is not None else options
    result = form.solve(progress, start=start, options=solve_options)
    if result.status == SolveStatus.INTERRUPTED:
        raise SolveError("interrupted while solving the extensive form; nothing was written", EXIT_INTERRUPTED)
    if not result.status.has_plan:
        raise SolveError(f"the extensive form has no plan ({result.status})", EXIT_NO_SOLUTION)
    facts = {
        "method": "ef",
        "status": str(result.status),
        "objective_usd": result.objective_usd,
        "bound_usd": result.bound_usd,
        "gap": result.gap,
        "expected_cost_as_solved_usd": result.expected_cost_usd,
        "columns": result.columns,
        "rows": result.rows,
        "build_seconds": result.build_seconds,
        "handover_seconds": result.handover_seconds,
        "solve_seconds": result.solve_seconds,
    }
    return HereAndNow(result.plan, facts)


def _expected(runs: list[OutcomeRun]) -> float | None:
    if any(not run.ok or run.cost_usd is None for run in runs):
        return None
    return sum(run.probability * run.cost_usd for run in runs)  # type: ignore[operator]


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _per_mtok(usd: float | None, mtok: float) -> float | None:
    return None if usd is None or mtok <= 0 else usd / mtok


def _regret(run: OutcomeRun, own: OutcomeRun) -> float | None:
    return _difference(run.cost_usd if run.ok else None, own.cost_usd)


def _result(
    spec: UncertaintySpec,
    inputs: ScenarioInputs,
    here: HereAndNow,
    mean_plan: FirstStagePlan,
    own: list[OutcomeRun],
    mean_runs: list[OutcomeRun],
    plan_runs: list[OutcomeRun],
    *,
    demand: list[float],
    data,
    method: str,
    seconds: float,
) -> StochasticResult:
    rp, ws, eev = _expected(plan_runs), _expected(own), _expected(mean_runs)
    vss, evpi = _difference(eev, rp), _difference(rp, ws)
    expected_demand = sum(o.probability * d for o, d in zip(spec.outcomes, demand, strict=True))
    stochastic_tables = plan_tables(here.plan, data)
    mean_tables = plan_tables(mean_plan, data)
    rows, entries = [], []
    for outcome, mine, mean, best, mtok in zip(spec.outcomes, plan_runs, mean_runs, own, demand, strict=True):
        regret, mean_regret = _regret(mine, best), _regret(mean, best)
        entries.append(
            {
                "outcome": outcome.name,
                "probability": outcome.probability,
                "description": outcome.description,
                "changes": {name: value for name, (_, value) in outcome.changes.items()},
                "demand_mtok_discounted": mtok,
                **mine.figures(),
                "regret_usd": regret,
                "recourse_usd": mine.cost_usd,
                "mean_plan": mean.figures() | {"regret_usd": mean_regret},
                "own_optimum": best.figures(),
            }
        )
        rows.append(
            {
                "outcome": outcome.name,
                "probability": outcome.probability,
                "cost_usd": mine.cost_usd,
                "cost_per_mtok_usd": mine.cost_per_mtok_usd,
                "unserved_share": mine.unserved_share,
                "regret_usd": regret,
                "mean_plan_cost_usd": mean.cost_usd,
                "mean_plan_cost_per_mtok_usd": mean.cost_per_mtok_usd,
                "mean_plan_unserved_share": mean.unserved_share,
                "mean_plan_regret_usd": mean_regret,
                "own_optimum_cost_usd": best.cost_usd,
                "own_optimum_cost_per_mtok_usd": best.cost_per_mtok_usd,
                "own_optimum_unserved_share": best.unserved_share,
                "status": mine.status,
                "mean_plan_status": mean.status,
            }
        )
    regrets = [e["regret_usd"] for e in entries]
    mean_regrets = [e["mean_plan"]["regret_usd"] for e in entries]
    gaps = [run.mip_gap for run in (*own, *mean_runs, *plan_runs) if run.mip_gap is not None]
    summary = {
        "scenario": inputs.config.name,
        "kind": "stochastic",
        "method": method,
        "status": _status(here, plan_runs, mean_runs),
        "years": list(inputs.config.years),
        "commitment_years": list(spec.commitment_years),
        "risk": {"measure": spec.risk.measure, "alpha": spec.risk.alpha, "weight": spec.risk.risk_weight},
        "expected_cost_usd": rp,
        "expected_cost_per_mtok_usd": _per_mtok(rp, expected_demand),
        "mean_plan_expected_cost_usd": eev,
        "wait_and_see_cost_usd": ws,
        "vss_usd": vss,
        "vss_usd_per_mtok": _per_mtok(vss, expected_demand),
        "evpi_usd": evpi,
        "evpi_usd_per_mtok": _per_mtok(evpi, expected_demand),
        "expected_demand_mtok_discounted": expected_demand,
        "max_regret_usd": _max(regrets),
        "mean_plan_max_regret_usd": _max(mean_regrets),
        "first_stage": plan_summary(stochastic_tables),
        "mean_plan_first_stage": plan_summary(mean_tables),
        "outcomes": entries,
        "solve": here.facts,
        "largest_mip_gap": max(gaps) if gaps else None,
        "seconds": seconds,
    }
    tables = {f"first_stage_{name}": frame for name, frame in present(stochastic_tables).items()}
    tables |= {f"mean_plan_{name}": frame for name, frame in present(mean_tables).items()}
    tables["outcomes"] = pd.DataFrame(rows)
    return StochasticResult(summary, tables, {run.outcome: run for run in plan_runs})


def _status(here: HereAndNow, plan_runs: list[OutcomeRun], mean_runs: list[OutcomeRun]) -> str:
    """optimal (the extensive form within its gap), feasible (stopped early, or progressive
    hedging's consensus: a plan without proof), or partial (some outcome could not be solved
    under a plan, so an expectation is missing)."""
    if not all(run.ok for run in (*plan_runs, *mean_runs)):
        return "partial"
    return "optimal" if here.facts.get("status") == "optimal" else "feasible"


def _max(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) or not values else max(values)  # type: ignore[type-var]
