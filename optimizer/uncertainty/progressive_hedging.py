"""Progressive hedging over MPI ranks with mpi-sppy (``pip install 'aidc[stochastic]'``): for
outcome counts that outgrow one machine's extensive form.

Each outcome is a scenario of mpi-sppy built by the same model builder as everywhere else
(``build_model(prepare(inputs_o))``); its nonanticipative variables are the declared first-stage
entries of the commitment years (``first_stage_variables``), so PH ties exactly what the
extensive form ties. mpi-sppy spreads the scenarios over the ranks of ``mpiexec -n N``, solves
each subproblem with HiGHS through Pyomo's ``highs`` interface and averages the first stage
across ranks (xbar) until the scenarios agree. The plan returned is xbar (integers rounded);
the programme then re-solves every outcome with it pinned, so its expected cost is measured the
same way as the extensive form's.

Run on a cluster (one rank per core; each rank needs aidc installed and the scenario files at the
same path)::

    mpiexec -n 64 aidc solve scenario.yaml --method ph --lp --out run/
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from aidc.models.data import prepare
from aidc.models.formulation.build import build_model
from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.errors import EXIT_INVALID_INPUT, SolveError
from aidc.optimizer.planner.planner import relax_binaries, relaxed_inputs
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.uncertainty.first_stage import (
    FirstStagePlan,
    HereAndNow,
    Key,
    first_stage_variables,
    value_of,
)
from aidc.optimizer.uncertainty.outcomes import UncertaintySpec

INSTALL = "pip install 'aidc[stochastic]' (mpi-sppy, mpi4py and an MPI such as the mpich wheel)"


@dataclass(frozen=True)
class PHSettings:
    """Progressive hedging settings: rho as a factor on each decision's cost per unit
    (:func:`cost_rho`), iteration limit, convergence threshold (mpi-sppy's primal-dual
    converger: probability-weighted |x - xbar| and rho |xbar - previous xbar|) and the Pyomo
    solver for the subproblems."""

    rho: float = 0.1
    iterations: int = 200
    convergence: float = 1e-10
    solver: str = "highs"


def _import_mpisppy() -> Any:
    """mpi-sppy's PH class; mpi-sppy prints a banner on import, kept off stdout (JSON there)."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            import mpisppy.opt.ph
            import mpisppy.utils.sputils
    except ImportError:
        raise SolveError(f"progressive hedging needs mpi-sppy and mpi4py: {INSTALL}", EXIT_INVALID_INPUT) from None
    return mpisppy.opt.ph


def require_mpisppy() -> None:
    """SolveError (exit 2) now if progressive hedging could not run (mpi-sppy or mpi4py missing)."""
    _import_mpisppy()


def scenario_creator(
    name: str,
    *,
    inputs_of: dict[str, ScenarioInputs],
    probabilities: dict[str, float],
    commitment_years: tuple[int, ...],
    relax: str,
    reference: list[Key] | None = None,
):
    """mpi-sppy's scenario creator: the outcome's model, its probability and, as the root node's
    nonanticipative variables, its dated first-stage entries in the commitment years."""
    from mpisppy.utils import sputils

    model = build_model(prepare(relaxed_inputs(inputs_of[name], relax)))
    relax_binaries(model, relax)
    variables = first_stage_variables(model, commitment_years)
    keys = list(variables.dated)
    if reference is not None and keys != reference:
        raise SolveError(
            f"outcome {name!r} has other first-stage decisions than the first outcome (a change of sites, "
            "accelerators or years); progressive hedging needs the same decisions in every outcome: use --method ef",
            EXIT_INVALID_INPUT,
        )
    sputils.attach_root_node(model, 0.0, [variables.dated[key] for key in keys])
    model._mpisppy_probability = probabilities[name]
    model._aidc_first_stage = variables
    return model


def cost_rho(model, *, factor: float) -> list[tuple[int, float]]:
    """Cost-proportional rho (Watson and Woodruff): each nonanticipative variable's rho is
    ``factor`` x its cost per unit in the outcome's objective ($M). A variable the objective does
    not price directly (accelerator purchases, priced through the fleet they define) takes the
    cost of what it defines: through each equality row, |a_k / a_j| x |c_j| of every priced
    variable j in the row. A variable priced neither way gets the median rho."""
    from pyomo.repn.standard_repn import generate_standard_repn

    objective = generate_standard_repn(model.total_cost.expr, compute_values=True)
    price = {id(var): abs(coef) for var, coef in zip(objective.linear_vars, objective.linear_coefs, strict=True)}
    nonants = {id(var): var for var in model._aidc_first_stage.dated.values()}
    cost = {key: price.get(key, 0.0) for key in nonants}
    unpriced = {key for key, value in cost.items() if value == 0.0}
    if unpriced:
        for row in model.component_data_objects(pyo.Constraint, active=True):
            if not row.equality:
                continue
            repn = generate_standard_repn(row.body, compute_values=True)
            coefs = dict(zip((id(v) for v in repn.linear_vars), repn.linear_coefs, strict=True))
            for key in unpriced & coefs.keys():
                cost[key] += sum(
                    abs(coefs[key] / coef) * price[other] for other, coef in coefs.items() if other in price and coef
                )
    positive = sorted(value for value in cost.values() if value > 0)
    fallback = positive[len(positive) // 2] if positive else 1.0
    return [(key, factor * (value if value > 0 else fallback)) for key, value in cost.items()]


def progressive_hedging(
    spec: UncertaintySpec,
    inputs_of: dict[str, ScenarioInputs],
    options: SolveOptions,
    *,
    comm: Any | None = None,
    settings: PHSettings | None = None,
):
    """Run PH over the ranks of ``comm`` (every rank calls this); the here-and-now plan (xbar,
    integers rounded; year-less decisions where every outcome takes them) on every rank."""
    settings = settings or PHSettings()
    ph_module = _import_mpisppy()
    started = time.perf_counter()
    names = list(spec.names)
    common = dict(
        inputs_of=inputs_of,
        probabilities={o.name: o.probability for o in spec.outcomes},
        commitment_years=spec.commitment_years,
        relax=options.relax,
    )
    reference = list(first_stage_variables(scenario_creator(names[0], **common), spec.commitment_years).dated)
    solver_options: dict[str, Any] = {"threads": options.threads or 1}
    if options.relax != "all":
        solver_options["mipgap"] = options.mip_gap
    ph_options = {
        "solver_name": settings.solver,
        "PHIterLimit": settings.iterations,
        "defaultPHrho": settings.rho,
        "convthresh": 0.0,  # the primal-dual converger below decides
        "verbose": False,
        "display_timing": False,
        "display_progress": False,
        "iter0_solver_options": dict(solver_options),
        "iterk_solver_options": dict(solver_options),
        "smoothed": 0,
        "asynchronousPH": False,
        "toc": False,
    }
    kwargs: dict[str, Any] = {"scenario_creator_kwargs": {**common, "reference": reference}}
    if comm is not None:
        kwargs["mpicomm"] = comm
    with contextlib.redirect_stdout(sys.stderr):
        from mpisppy.convergers.primal_dual_converger import PrimalDualConverger

        ph_options["primal_dual_converger_options"] = {"tol": settings.convergence}
        ph_options["rho_setter_kwargs"] = {"factor": settings.rho}
        ph = ph_module.PH(
            ph_options, names, scenario_creator, ph_converger=PrimalDualConverger, rho_setter=cost_rho, **kwargs
        )
        convergence, _, trivial_bound = ph.ph_main()
    plan = _xbar_plan(ph, reference, comm)
    facts = {
        "method": "ph",
        "status": "converged" if ph._PHIter < settings.iterations else "iteration limit",
        "ranks": 1 if comm is None else comm.Get_size(),
        "iterations": int(ph._PHIter),
        "convergence": float(convergence),
        "wait_and_see_bound_usd": None if trivial_bound is None else float(trivial_bound) * 1e6,
        "rho": settings.rho,
        "build_seconds": 0.0,
        "solve_seconds": time.perf_counter() - started,
        "gap": None,
    }
    return HereAndNow(plan, facts)


def _xbar_plan(ph: Any, reference: list[Key], comm: Any | None) -> FirstStagePlan:
    """xbar of the dated entries (integers rounded) and the year-less entries at their smallest
    value over every outcome on every rank."""
    scenario = next(iter(ph.local_scenarios.values()))
    plan: FirstStagePlan = {}
    dated = scenario._aidc_first_stage.dated
    for i, key in enumerate(reference):
        value = float(scenario._mpisppy_model.xbars["ROOT", i]._value)
        var = dated[key]
        plan[key] = float(round(value)) if not var.is_continuous() else (value if abs(value) > 1e-9 else 0.0)
    smallest: dict[Key, float] = {}
    for model in ph.local_scenarios.values():
        for key, var in model._aidc_first_stage.year_less.items():
            smallest[key] = min(smallest.get(key, float("inf")), value_of(var))
    if comm is not None:
        for part in comm.allgather(smallest):
            for key, value in part.items():
                smallest[key] = min(smallest.get(key, float("inf")), value)
    return plan | smallest
