"""Near-optimal alternatives: what each alternative costs to find, relative to the optimum, and how
far it moves each decision.

For each scenario and mode (``lp``: every integer relaxed; ``mip``: the staged MIP), runs
``find_alternatives`` with the default objectives (or ``--objectives``) at ``--slack`` and prints:

* per plan: wall seconds (solves + extraction), HiGHS seconds, the live model's update seconds,
  and HiGHS seconds over the optimum's HiGHS seconds (the optimum includes the marginal-cost LP
  re-solve for a MIP; each alternative is a goal solve plus a tie-break solve);
* the in-place update (cap and weights changed: objective and two rows re-read) against a full
  recompile of the same model (``MatrixSession._compile``), both in seconds;
* each decision's range over the plans (min, max, optimum).

    python benchmarks/alternatives.py                                   # whatif-small LP and MIP, baseline LP
    python benchmarks/alternatives.py --runs whatif-small:lp --objectives fewest-sites,least-china
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from aidc.optimizer.alternatives import alternatives_summary, decision_table, find_alternatives
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tables import print_table

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "inputs" / "scenarios"
DEFAULT_RUNS = ("whatif-small:lp", "whatif-small:mip", "baseline:lp")


def _percent_over(plan, run) -> str:
    return f"{100 * (plan.result.summary['objective_usd'] / run.optimum_cost_usd - 1):.2f}"


def measure(scenario: str, mode: str, slack: float, objectives: list[str] | None, time_limit: float | None) -> None:
    options = SolveOptions(relax="all" if mode == "lp" else "none", time_limit=time_limit)
    planner = Planner.from_file(SCENARIOS / f"{scenario}.yaml", options)
    started = time.perf_counter()
    run = find_alternatives(planner, slack, objectives)
    total = time.perf_counter() - started
    table = decision_table(run)
    summary = alternatives_summary(run, table)
    started = time.perf_counter()
    planner.session._compile()  # the cost objective again: what a recompile per alternative would cost
    recompile = time.perf_counter() - started
    optimum_highs = max(run.optimum.solver_seconds, 1e-9)
    print(f"\n{scenario} ({mode}), slack {slack:.1%}: {len(run.plans) - 1} alternatives in {total:.1f} s")
    print_table(
        ["plan", "status", "cost +%", "wall s", "highs s", "update s", "highs / optimum"],
        [
            [
                p.name,
                p.status,
                "-" if p.result is None else _percent_over(p, run),
                p.wall_seconds,
                p.solver_seconds,
                f"{p.update_seconds:.3f}",
                f"{p.solver_seconds / optimum_highs:.1f}",
            ]
            for p in run.plans
        ],
    )
    # two solves per alternative; the first alternative also compiles the added rows, so it is left out
    updates = [p.update_seconds / 2 for p in run.plans[2:] if p.result is not None]
    if updates:
        median = statistics.median(updates)
        print(
            f"update in place (median per solve) {median:.3f} s vs recompile {recompile:.3f} s: "
            f"recompile / update = {recompile / max(median, 1e-9):.0f}"
        )
    print_table(
        ["decision", "min", "max", "optimum", "min plan", "max plan"],
        [
            [metric, entry["min"], entry["max"], entry["optimum"], entry["min_plan"], entry["max_plan"]]
            for metric, entry in summary["ranges"].items()
            if metric != "objective_usd"
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="+", default=list(DEFAULT_RUNS), help="scenario:mode (mode lp or mip)")
    parser.add_argument("--slack", type=float, default=0.02)
    parser.add_argument("--objectives", help="comma-separated objectives (default: the scenario's set)")
    parser.add_argument("--time-limit", type=float, help="seconds per solve")
    args = parser.parse_args()
    objectives = args.objectives.split(",") if args.objectives else None
    for item in args.runs:
        scenario, _, mode = item.partition(":")
        print(f"[{scenario} {mode or 'lp'}] ...", file=sys.stderr, flush=True)
        measure(scenario, mode or "lp", args.slack, objectives, args.time_limit)


if __name__ == "__main__":
    main()
