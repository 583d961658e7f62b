"""The extensive form of the two-stage stochastic programme: one Pyomo model holding one block
per outcome, each the model ``build_model(prepare(inputs_o))`` builds (its own objective
deactivated), with nonanticipativity rows tying every outcome's first-stage decisions of the
commitment years to one common copy:

    x_o[k] - z[k] = 0                 for every outcome o and dated first-stage entry k
    z[k] = 0                          where some outcome has no such decision (it cannot take it)

Year-less entries (a site's cooling design) are not tied by rows: those that commitment-year
capacity needs are common through the model's own constraints, the others stay open per outcome
(``first_stage`` explains why); the plan reports a year-less decision where every outcome takes it.

Objective ($M, discounted), with cost_o the outcome's own objective and p_o its probability:

    expected:  sum_o p_o cost_o
    cvar:      (1 - w) sum_o p_o cost_o + w (eta + 1 / (1 - alpha) sum_o p_o u_o),
               u_o >= cost_o - eta, u_o >= 0            (Rockafellar-Uryasev)
    regret:    (1 - w) sum_o p_o cost_o + w r,   r >= cost_o - best_o
               (best_o: the outcome's own optimum, solved first)

It is solved through the project's own path: ``open_session`` (the matrix hand-over to HiGHS)
and, with whole units, the staged MIP over every block's binaries and unit counts.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import pyomo.environ as pyo

from aidc.models.data import prepare
from aidc.models.formulation.build import build_model
from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import RiskConfig
from aidc.optimizer.planner.planner import BINARY_VARIABLES, relax_binaries, relaxed_inputs
from aidc.optimizer.planner.staged_mip import solve_staged
from aidc.optimizer.solve import LiveModel, Progress, SilentProgress, SolveOptions, SolveStatus, open_session
from aidc.optimizer.uncertainty.first_stage import FirstStagePlan, Key, first_stage_variables, value_of
from aidc.optimizer.uncertainty.outcomes import Outcome


@dataclass
class ExtensiveFormResult:
    """The here-and-now plan of the extensive form and how the solve went."""

    plan: FirstStagePlan
    status: SolveStatus
    objective_usd: float | None  # the extensive form's objective (expected cost, or the risk blend)
    bound_usd: float | None
    gap: float | None
    expected_cost_usd: float | None  # sum_o p_o cost_o at the solution (recourse as solved)
    outcome_costs_usd: dict[str, float]
    build_seconds: float
    handover_seconds: float
    solve_seconds: float
    columns: int
    rows: int


def _block_name(position: int, outcome: str) -> str:
    return f"outcome_{position}_" + "".join(ch if ch.isalnum() else "_" for ch in outcome)


class ExtensiveForm:
    """The extensive form of ``outcomes`` (with their scenario inputs), built once."""

    def __init__(
        self,
        outcomes: list[tuple[Outcome, ScenarioInputs]],
        commitment_years,
        risk: RiskConfig,
        options: SolveOptions,
        best_costs_usd: Mapping[str, float] | None = None,
    ):
        started = time.perf_counter()
        self.options = options
        self.outcomes = [outcome for outcome, _ in outcomes]
        ef = pyo.ConcreteModel(name="aidc:extensive-form")
        self.blocks = []
        for position, (outcome, inputs) in enumerate(outcomes):
            block = build_model(prepare(relaxed_inputs(inputs, options.relax)))
            relax_binaries(block, options.relax)
            block.total_cost.deactivate()
            ef.add_component(_block_name(position, outcome.name), block)
            self.blocks.append(block)
        self.variables = [first_stage_variables(block, commitment_years) for block in self.blocks]
        self.keys: list[Key] = list(dict.fromkeys(key for found in self.variables for key in found.dated))
        self._add_nonanticipativity(ef)
        self._add_objective(ef, risk, best_costs_usd)
        self.model = ef
        self.build_seconds = time.perf_counter() - started
        self._session: LiveModel | None = None

    def _add_nonanticipativity(self, ef: pyo.ConcreteModel) -> None:
        ef.K = pyo.RangeSet(0, len(self.keys) - 1) if self.keys else pyo.Set(initialize=[])
        ef.common = pyo.Var(ef.K)
        for k, key in enumerate(self.keys):
            entries = [found.dated[key] for found in self.variables if key in found.dated]
            common = ef.common[k]
            common.domain = entries[0].domain
            lowers = [var.lb for var in entries if var.lb is not None]
            uppers = [var.ub for var in entries if var.ub is not None]
            common.setlb(max(lowers) if lowers else None)
            common.setub(min(uppers) if uppers else None)
            if len(entries) < len(self.variables):  # an outcome cannot take this decision
                common.setlb(0.0)
                common.setub(0.0)
        pairs = [
            (o, k) for o, found in enumerate(self.variables) for k, key in enumerate(self.keys) if key in found.dated
        ]
        ef.nonanticipativity = pyo.Constraint(
            pyo.Set(initialize=pairs, dimen=2, ordered=True),
            rule=lambda ef, o, k: self.variables[o].dated[self.keys[k]] - ef.common[k] == 0,
        )

    def _add_objective(self, ef: pyo.ConcreteModel, risk: RiskConfig, best: Mapping[str, float] | None) -> None:
        count = len(self.blocks)
        ef.O = pyo.RangeSet(0, count - 1)
        ef.cost = pyo.Expression(ef.O, rule=lambda ef, o: self.blocks[o].total_cost.expr)
        probability = [outcome.probability for outcome in self.outcomes]
        ef.expected_cost = pyo.Expression(expr=pyo.quicksum(probability[o] * ef.cost[o] for o in ef.O))
        weight = risk.risk_weight
        if risk.measure == "cvar":
            ef.eta = pyo.Var(domain=pyo.Reals)  # value at risk at alpha ($M)
            ef.excess = pyo.Var(ef.O, domain=pyo.NonNegativeReals)
            ef.excess_over_var = pyo.Constraint(ef.O, rule=lambda ef, o: ef.excess[o] >= ef.cost[o] - ef.eta)
            risk_term = ef.eta + (1.0 / (1.0 - risk.alpha)) * pyo.quicksum(probability[o] * ef.excess[o] for o in ef.O)
        elif risk.measure == "regret":
            if best is None:
                raise ValueError("minimax regret needs each outcome's own optimum")
            ef.max_regret = pyo.Var(domain=pyo.Reals)
            ef.regret_bound = pyo.Constraint(
                ef.O, rule=lambda ef, o: ef.max_regret >= ef.cost[o] - best[self.outcomes[o].name] / 1e6
            )
            risk_term = ef.max_regret
        else:
            risk_term = 0.0
            weight = 0.0
        ef.objective = pyo.Objective(
            expr=(1.0 - weight) * ef.expected_cost + (weight * risk_term if weight else 0.0), sense=pyo.minimize
        )

    def _year_less_taken_everywhere(self) -> FirstStagePlan:
        """Each year-less entry at its smallest value over the outcomes (0 where one lacks it)."""
        keys = dict.fromkeys(key for found in self.variables for key in found.year_less)
        return {
            key: min(value_of(found.year_less[key]) if key in found.year_less else 0.0 for found in self.variables)
            for key in keys
        }

    @property
    def session(self) -> LiveModel:
        if self._session is None:
            self._session = open_session(self.model, self.options.solver)
        return self._session

    def integer_variables(self) -> tuple[list, list]:
        """(unit counts, site and cooling binaries) of every block and of the common copy."""
        units = [var for block in self.blocks for var in block.units_bought.values()]
        binaries = [var for block in self.blocks for name in BINARY_VARIABLES for var in getattr(block, name).values()]
        for k, (name, _) in enumerate(self.keys):
            common = self.model.common[k]
            if name == "units_bought":
                units.append(common)
            elif name in BINARY_VARIABLES:
                binaries.append(common)
        return [v for v in units if not v.is_continuous()], [v for v in binaries if not v.is_continuous()]

    def start_from(self, plans: list[pyo.ConcreteModel], first_stage: FirstStagePlan) -> list[tuple]:
        """A MIP start for the extensive form: each block at the values now loaded in ``plans``
        (one model per outcome, built from the same inputs: the recourse of ``first_stage`` in
        each outcome) and the common copy at ``first_stage``. Empty if a model does not match."""
        start: list[tuple] = []
        for block, plan in zip(self.blocks, plans, strict=True):
            mine = list(block.component_data_objects(pyo.Var, sort=False))
            theirs = list(plan.component_data_objects(pyo.Var, sort=False))
            if len(mine) != len(theirs) or any(a.local_name != b.local_name for a, b in zip(mine, theirs, strict=True)):
                return []
            start += [(a, b.value) for a, b in zip(mine, theirs, strict=True) if b.value is not None]
        start += [(self.model.common[k], first_stage.get(key, 0.0)) for k, key in enumerate(self.keys)]
        return start

    def solve(
        self, progress: Progress | None = None, start: list[tuple] | None = None, options: SolveOptions | None = None
    ) -> ExtensiveFormResult:
        """Solve (LP, MIP, or the staged MIP with whole units) and read the common first stage;
        ``start`` (see :meth:`start_from`) seeds a MIP with a known plan; ``options`` (default: the
        form's own) may set another time limit."""
        progress = progress or SilentProgress()
        options = options or self.options
        session = self.session
        handover = session.handover_seconds
        units, binaries = self.integer_variables()
        if units and options.staged:
            outcome = solve_staged(self.model, session, options, progress, units=units, binaries=binaries, start=start)
        else:
            progress.stage("extensive form (MIP)" if binaries or units else "extensive form (LP)")
            if start and (units or binaries):
                session.set_start(start)
            outcome = session.solve(options, lp=not (units or binaries), progress=progress)
        plan: FirstStagePlan = {}
        costs: dict[str, float] = {}
        expected = None
        if outcome.status.has_plan:
            plan = {key: value_of(self.model.common[k]) for k, key in enumerate(self.keys)}
            plan |= self._year_less_taken_everywhere()
            costs = {o.name: pyo.value(self.model.cost[i]) * 1e6 for i, o in enumerate(self.outcomes)}
            expected = pyo.value(self.model.expected_cost) * 1e6
        return ExtensiveFormResult(
            plan=plan,
            status=outcome.status,
            objective_usd=None if outcome.objective is None else outcome.objective * 1e6,
            bound_usd=None if outcome.bound is None else outcome.bound * 1e6,
            gap=outcome.gap,
            expected_cost_usd=expected,
            outcome_costs_usd=costs,
            build_seconds=self.build_seconds,
            handover_seconds=handover,
            solve_seconds=outcome.solve_seconds,
            columns=len(getattr(session, "columns", [])),
            rows=len(getattr(session, "rows", [])),
        )
