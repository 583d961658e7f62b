"""One outcome's deterministic model, solved freely (its own optimum: wait-and-see) or with a
plan's first stage pinned (the recourse of that plan in that outcome).

Each outcome keeps one :class:`~aidc.optimizer.planner.planner.Planner` (built once, its HiGHS
model kept alive), so pinning another plan only changes column bounds before the re-solve.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aidc.models.data import PlanningData
from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.errors import EXIT_INTERRUPTED, SolveError
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.uncertainty.first_stage import (
    FirstStagePlan,
    PlanNotRepresentable,
    first_stage_variables,
    pinned,
    plan_of,
)
from aidc.optimizer.uncertainty.outcomes import Outcome


def discounted_demand_mtok(data: PlanningData) -> float:
    """Demand over the horizon (Mtok), each year discounted and weighted by the years it stands
    for: the denominator that turns discounted USD into USD per Mtok."""
    return sum(
        rate * data.mtok_per_rate(h) * data.discount[y] * data.year_weight[y]
        for (_, _, y, h), rate in data.demand.items()
    )


@dataclass
class OutcomeRun:
    """One outcome solved under one plan (or freely)."""

    outcome: str
    probability: float
    ok: bool
    status: str  # the solve's status, or why there is no plan
    cost_usd: float | None = None  # discounted total cost incl. the unserved penalty (the objective)
    cost_per_mtok_usd: float | None = None  # levelised, served tokens, without the penalty
    unserved_share: float | None = None
    tokens_served: float | None = None
    mip_gap: float | None = None
    seconds: float = 0.0
    first_stage: FirstStagePlan = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    tables: dict[str, pd.DataFrame] | None = None

    def figures(self) -> dict[str, Any]:
        """The scalar figures (for summaries)."""
        return {
            "status": self.status,
            "cost_usd": self.cost_usd,
            "cost_per_mtok_usd": self.cost_per_mtok_usd,
            "unserved_share": self.unserved_share,
            "mip_gap": self.mip_gap,
        }


class OutcomeSolver:
    """The model of one outcome, built once and re-solved under different first stages."""

    def __init__(self, outcome: Outcome, inputs: ScenarioInputs, options: SolveOptions, commitment_years):
        self.outcome = outcome
        self.options = options
        self.planner = Planner(inputs, options)
        self.variables = first_stage_variables(self.planner.model, commitment_years)
        self.demand_mtok = discounted_demand_mtok(self.planner.data)

    def solve(
        self, plan: FirstStagePlan | None = None, *, keep_tables: bool = False, options: SolveOptions | None = None
    ) -> OutcomeRun:
        """Solve freely (``plan`` None) or with ``plan``'s first stage pinned, with ``options``
        (default: the solver's own, e.g. another time limit). A plan the outcome cannot carry out
        (infeasible, or a decision it has no option for) gives ``ok`` False."""
        started = time.perf_counter()
        run = OutcomeRun(self.outcome.name, self.outcome.probability, ok=False, status="")
        try:
            if plan is None:
                result = self.planner.solve(options)
            else:
                with pinned(self.variables, plan):
                    result = self.planner.solve(options)
        except PlanNotRepresentable as error:
            run.status = f"not representable: {error}"
        except SolveError as error:
            if error.exit_code == EXIT_INTERRUPTED:
                raise
            run.status = f"no plan: {error}"
        else:
            summary = result.summary
            run.ok = True
            run.status = summary["status"]
            run.cost_usd = summary["objective_usd"]
            run.cost_per_mtok_usd = summary["cost_per_mtok_usd"]
            run.unserved_share = summary["unserved_share"]
            run.tokens_served = summary["tokens_served"]
            run.mip_gap = summary["mip_gap"]
            run.first_stage = plan_of(self.variables)
            if keep_tables:
                run.summary, run.tables = summary, result.tables
        run.seconds = time.perf_counter() - started
        return run
