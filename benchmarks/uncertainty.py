"""Speed of the stochastic programme's extensive form (issue 13).

For 1, 2, 5 and 10 outcomes of ``inputs/scenarios/baseline-uncertain.yaml`` (the first five are
the shipped outcomes; outcomes 6-10 are extra demand paths, 2028-30 demand x0.7, x0.85, x1.1, x1.5
and x2.2, sharing the probability of ``central``), build the extensive form (``ExtensiveForm``:
prepare + build of every outcome's model, nonanticipativity rows, objective), hand it to HiGHS
(``open_session``) and solve it, printing seconds per stage, columns, rows and the result.

    python benchmarks/uncertainty.py                        # LP (--lp) for 1, 2, 5, 10 outcomes
    python benchmarks/uncertainty.py --outcomes 5 --mip --time-limit 3600 --mip-gap 0.005
    python benchmarks/uncertainty.py --quick                # whatif-small-uncertain, 1 and 2 outcomes (smoke)

``--mip`` solves with whole units through the staged MIP (binaries first, then units), seeded
like ``aidc solve`` with the mean-forecast plan and its recourse in every outcome (the seconds
that takes are printed apart; each of those six solves stops at ``--seed-time-limit``, 120 s by
default, so that the seed does not take the extensive form's time), and prints the gap reached;
``--relax`` keeps sites and cooling binary with continuous units.

``--lp-rounding`` is a staged method for the whole-unit programme: (1) the extensive form as an LP
gives a valid lower bound and a fractional first stage; (2) that first stage rounded (a site
opened in a year where the LP builds any capacity there, unit counts rounded down so the LP's
capacity still powers them) is held in every outcome, and each outcome is solved as its own
whole-unit MIP (the staged MIP): a feasible plan whose expected cost is an upper bound. It prints
both bounds, the wait-and-see bound (each outcome's own MIP bound, probability-weighted) and the gap.

    python benchmarks/uncertainty.py --outcomes 5 --lp-rounding
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import replace
from pathlib import Path

from aidc.inputs import INPUTS_DIR
from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.solve import SolveOptions, StderrProgress
from aidc.optimizer.uncertainty.evaluation import OutcomeSolver
from aidc.optimizer.uncertainty.extensive_form import ExtensiveForm
from aidc.optimizer.uncertainty.first_stage import FirstStagePlan
from aidc.optimizer.uncertainty.outcomes import load_uncertainty, outcome_inputs

BASELINE = INPUTS_DIR / "scenarios" / "baseline-uncertain.yaml"
SMALL = INPUTS_DIR / "scenarios" / "whatif-small-uncertain.yaml"
EXTRA_FACTORS = (0.7, 0.85, 1.1, 1.5, 2.2)


def with_outcomes(inputs: ScenarioInputs, count: int) -> ScenarioInputs:
    """The scenario's uncertainty block cut or extended to ``count`` outcomes (probabilities
    renormalised; extra outcomes scale 2028+ demand by EXTRA_FACTORS)."""
    block = inputs.config.uncertainty.model_dump()
    outcomes = block["outcomes"][:count]
    later = [y for y in inputs.config.years if y not in block["commitment_years"]]
    for factor in EXTRA_FACTORS[: max(0, count - len(outcomes))]:
        changes = {
            f"demand_{y}": {
                "kind": "catalog",
                "catalog": "demand",
                "where": {"year": y},
                "column": "tokens_per_day_billion",
                "mode": "scale",
                "value": factor,
            }
            for y in later
        }
        outcomes.append({"name": f"path-{factor:g}", "probability": 0.1, "changes": changes})
    total = sum(o["probability"] for o in outcomes)
    for o in outcomes:
        o["probability"] /= total
    return inputs.with_config(uncertainty=block | {"outcomes": outcomes})


def measure(
    inputs: ScenarioInputs, count: int, options: SolveOptions, verbose: bool, seed_time_limit: float | None = None
) -> dict:
    scenario = with_outcomes(inputs, count)
    spec = load_uncertainty(scenario)
    started = time.perf_counter()
    pairs = [(o, outcome_inputs(scenario, o)) for o in spec.outcomes]
    derive = time.perf_counter() - started
    start, seed_seconds = None, 0.0
    if options.relax != "all":  # seed the MIP with the mean-forecast plan, as aidc solve does
        started = time.perf_counter()
        seeding = replace(options, time_limit=seed_time_limit or options.time_limit)
        mean = OutcomeSolver(spec.mean, outcome_inputs(scenario, spec.mean), seeding, spec.commitment_years)
        plan = mean.solve().first_stage
        solvers = [OutcomeSolver(o, inputs_o, seeding, spec.commitment_years) for o, inputs_o in pairs]
        for solver in solvers:
            solver.solve(plan)
        seed_seconds = time.perf_counter() - started
    form = ExtensiveForm(pairs, spec.commitment_years, spec.risk, options)
    if options.relax != "all":
        start = form.start_from([solver.planner.model for solver in solvers], plan)
    result = form.solve(StderrProgress(verbose=verbose) if verbose else None, start=start)
    return {
        "seed_seconds": round(seed_seconds, 1),
        "outcomes": count,
        "relax": options.relax,
        "status": str(result.status),
        "objective_usd": result.objective_usd,
        "bound_usd": result.bound_usd,
        "gap": result.gap,
        "columns": result.columns,
        "rows": result.rows,
        "derive_seconds": round(derive, 2),
        "build_seconds": round(result.build_seconds, 2),
        "handover_seconds": round(result.handover_seconds, 2),
        "highs_seconds": round(result.solve_seconds, 2),
    }


def rounded(plan: FirstStagePlan, share: float = 0.0) -> FirstStagePlan:
    """An LP first stage made whole: a site opens in a year where the LP builds more than
    ``share`` of that year's IT capacity (elsewhere its capacity and purchases are dropped), and
    unit counts are rounded down so the LP's capacity still powers them."""
    mw: dict[tuple, float] = {}
    for (name, index), value in plan.items():
        if name == "it_capacity":
            mw[index[0], index[-1]] = mw.get((index[0], index[-1]), 0.0) + value
    total = {y: sum(v for (_, year), v in mw.items() if year == y) for _, y in mw}
    building = {(s, y) for (s, y), v in mw.items() if v > 1e-6 and v >= share * total[y]}
    whole = {}
    for key, value in plan.items():
        name, index = key
        kept = (index[0], index[-1]) in building
        if name == "site_open":
            whole[key] = 1.0 if kept else 0.0
        elif name == "units_bought":
            whole[key] = float(math.floor(value + 1e-6)) if kept else 0.0
        elif name == "it_capacity":
            whole[key] = value if kept else 0.0
        else:
            whole[key] = value
    return whole


def lp_rounding(inputs: ScenarioInputs, count: int, options: SolveOptions, share: float) -> dict:
    """The staged LP-rounding method (module docstring): bounds, gap and seconds per stage."""
    scenario = with_outcomes(inputs, count)
    spec = load_uncertainty(scenario)
    pairs = [(o, outcome_inputs(scenario, o)) for o in spec.outcomes]
    started = time.perf_counter()
    form = ExtensiveForm(pairs, spec.commitment_years, spec.risk, replace(options, relax="all"))
    relaxation = form.solve()
    lp_seconds = time.perf_counter() - started
    plan = rounded(relaxation.plan, share)
    del form
    started = time.perf_counter()
    upper, own_bound, gaps = 0.0, 0.0, []
    for outcome, outcome_scenario in pairs:
        solver = OutcomeSolver(outcome, outcome_scenario, replace(options, relax="none"), spec.commitment_years)
        run = solver.solve(plan)
        if not run.ok:
            return {"outcomes": count, "status": f"{outcome.name}: {run.status}"}
        upper += outcome.probability * run.cost_usd
        own = solver.planner.solve().summary
        own_bound += outcome.probability * (own["mip_bound_usd"] or own["objective_usd"])
        gaps.append(run.mip_gap or 0.0)
    lower = max(relaxation.objective_usd, own_bound)
    return {
        "outcomes": count,
        "share": share,
        "lp_bound_usd": relaxation.objective_usd,
        "wait_and_see_bound_usd": own_bound,
        "upper_bound_usd": upper,
        "gap": (upper - lower) / upper,
        "largest_outcome_mip_gap": max(gaps),
        "lp_seconds": round(lp_seconds, 1),
        "outcome_mip_seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outcomes", default="1,2,5,10", help="comma-separated outcome counts")
    parser.add_argument("--mip", action="store_true", help="whole units (staged MIP)")
    parser.add_argument("--relax", action="store_true", help="continuous units, binary sites and cooling")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--mip-gap", type=float, default=0.005)
    parser.add_argument(
        "--seed-time-limit",
        type=float,
        default=120.0,
        help="--mip: seconds for each seed solve (the mean outcome, then each outcome with its first stage held)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--solver-method", default="ipm", help="HiGHS LP method: choose, simplex, ipm")
    parser.add_argument("--quick", action="store_true", help="whatif-small-uncertain, 1 and 2 outcomes")
    parser.add_argument("--lp-rounding", action="store_true", help="the staged LP-rounding method (whole units)")
    parser.add_argument("--open-share", type=float, default=0.0, help="LP rounding: least share of IT MW to open")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("--verbose", action="store_true", help="progress and HiGHS log on stderr")
    args = parser.parse_args()
    relax = "none" if args.mip else ("units" if args.relax else "all")
    options = SolveOptions(
        time_limit=args.time_limit,
        mip_gap=args.mip_gap,
        threads=args.threads,
        relax=relax,
        marginal_costs=False,
        solver_method=args.solver_method,
    )
    inputs = load_scenario(SMALL if args.quick else BASELINE)
    counts = [1, 2] if args.quick else [int(c) for c in args.outcomes.split(",")]
    if args.lp_rounding:
        rows = [lp_rounding(inputs, count, options, args.open_share) for count in counts]
        for row in rows:
            print(json.dumps(row))
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))
        return
    rows = []
    header = f"{'outcomes':>8} {'columns':>9} {'rows':>9} {'seed s':>7} {'build s':>8} {'hand-over s':>11}"
    header += f" {'HiGHS s':>9}"
    print(f"extensive form of {inputs.config.name}, relax={relax}, HiGHS LP method {args.solver_method}")
    print(header + "  status (gap)")
    for count in counts:
        row = measure(inputs, count, replace(options), args.verbose, args.seed_time_limit)
        rows.append(row)
        gap = "" if row["gap"] is None else f" ({row['gap']:.3%})"
        build = row["derive_seconds"] + row["build_seconds"]
        print(
            f"{count:>8} {row['columns']:>9,} {row['rows']:>9,} {row['seed_seconds']:>7.1f} {build:>8.1f}"
            f" {row['handover_seconds']:>11.1f}"
            f" {row['highs_seconds']:>9.1f}  {row['status']}{gap}",
            flush=True,
        )
    if len(rows) > 1:
        first = rows[0]
        for row in rows[1:]:
            ratio = row["highs_seconds"] / max(first["highs_seconds"], 1e-9)
            size = row["columns"] / max(first["columns"], 1)
            print(f"  {row['outcomes']} outcomes: x{size:.1f} the columns, x{ratio:.1f} the HiGHS seconds of 1 outcome")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
