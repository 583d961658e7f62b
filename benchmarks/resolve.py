"""Re-solve after one parameter change: warm (same Planner, persistent HiGHS) vs a full rebuild.

For each scenario (default: the shipped baseline and the small ``whatif-small``), solved as an LP
(``relax="all"``, no marginal costs), and for each change (a site's grid price; all demand):

* warm: ``planner.set_energy_price(...)`` / ``planner.scale_demand(...)`` then ``planner.solve()``
  on the planner already solved (HiGHS keeps its model and basis);
  (its seconds split into HiGHS, the Pyomo-to-HiGHS update and result extraction);
* rebuild: ``load_scenario`` + ``Planner(...)`` + the same setter + ``solve()`` from scratch.

Printed per scenario and change: seconds of each (median over ``--repeats`` values for warm, over
``--rebuild-repeats`` for rebuild), the HiGHS share, the ratio rebuild / warm and the relative
difference of the two objectives (same change, so it should be ~0).

    python benchmarks/resolve.py                                 # baseline + whatif-small (~2 min)
    python benchmarks/resolve.py --scenarios inputs/scenarios/whatif-small.yaml --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tables import print_table

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIOS = (REPO / "inputs/scenarios/baseline.yaml", REPO / "inputs/scenarios/whatif-small.yaml")
OPTIONS = SolveOptions(relax="all", marginal_costs=False)
ENERGY_FACTORS = (0.66, 1.25, 0.8, 1.5, 0.9)  # grid price / catalog price, one per repeat
DEMAND_FACTORS = (1.1, 0.9, 1.2, 0.8, 1.05)  # demand / scenario demand, one per repeat

Change = Callable[[Planner], None]


def energy_site(planner: Planner) -> str:
    """The site whose grid price is changed: Inner Mongolia when present (the README's example),
    else the first site with a grid option."""
    grid_sites = [s for s, e in planner.data.supply_options if e == "grid"]
    return "inner-mongolia" if "inner-mongolia" in grid_sites else grid_sites[0]


def energy_change(factor: float) -> tuple[str, Change]:
    def apply(planner: Planner) -> None:
        site = energy_site(planner)
        planner.set_energy_price(site, "grid", planner.data.supply_price[site, "grid"] * factor)

    return f"grid price x{factor}", apply


def demand_change(factor: float) -> tuple[str, Change]:
    return f"demand x{factor}", lambda planner: planner.scale_demand(factor)


def timed_solve(planner: Planner) -> dict:
    """Seconds of ``planner.solve()``: wall, HiGHS, result extraction and the rest (Pyomo's update of
    the HiGHS model and loading the solution); and the objective ($M).

    HiGHS seconds are the change of ``Highs.getRunTime()`` over the solve: that clock accumulates
    over the runs of one Highs object, so aidc's ``solve_seconds`` of a re-solve overstates it."""
    highs = planner.session.highs
    before = highs.getRunTime()
    started = time.perf_counter()
    result = planner.solve()
    wall = time.perf_counter() - started
    highs_seconds = highs.getRunTime() - before
    extract = result.timings["extract_seconds"]
    return {
        "wall": wall,
        "highs": highs_seconds,
        "extract": extract,
        "update": max(0.0, wall - highs_seconds - extract),
        "objective": highs.getInfo().objective_function_value,
    }


def rebuild(scenario: Path, change: Change) -> tuple[float, dict]:
    """Load, build, hand over, change and solve from scratch: (wall s, the solve's figures)."""
    started = time.perf_counter()
    planner = Planner(load_scenario(scenario), OPTIONS)
    change(planner)
    solve = timed_solve(planner)
    return time.perf_counter() - started, solve


def measure(scenario: Path, repeats: int, rebuild_repeats: int) -> list[dict]:
    """Warm and rebuild seconds for each kind of change on one scenario; one row per kind."""
    planner = Planner(load_scenario(scenario), OPTIONS)
    timed_solve(planner)
    rows = []
    for kind, make, factors in (
        ("energy price", energy_change, ENERGY_FACTORS),
        ("demand", demand_change, DEMAND_FACTORS),
    ):
        warm: list[dict] = []
        rebuilt: list[tuple[float, dict]] = []
        differences = []
        for i in range(repeats):
            label, change = make(factors[i % len(factors)])
            started = time.perf_counter()
            change(planner)
            warm.append(timed_solve(planner))
            warm[-1]["total"] = time.perf_counter() - started  # the setter included
            if i < rebuild_repeats:
                rebuilt.append(rebuild(scenario, change))
                objective = rebuilt[-1][1]["objective"]
                differences.append(abs(objective - warm[-1]["objective"]) / max(1e-9, abs(objective)))
            print(f"  {scenario.stem}: {label}: warm {warm[-1]['total']:.2f} s", file=sys.stderr, flush=True)
        make(1.0)[1](planner)  # back to the scenario's values before the next kind of change
        rows.append(
            {
                "scenario": scenario.stem,
                "variables": planner.session.highs.getNumCol(),
                "change": kind,
                "rebuild_s": statistics.median(total for total, _ in rebuilt),
                "rebuild_highs_s": statistics.median(solve["highs"] for _, solve in rebuilt),
                **{
                    f"warm_{key}_s": statistics.median(w[key] for w in warm)
                    for key in ("total", "highs", "update", "extract")
                },
                "max_objective_difference": max(differences),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", nargs="+", type=Path, default=list(DEFAULT_SCENARIOS))
    parser.add_argument("--repeats", type=int, default=3, help="warm re-solves per kind of change (median)")
    parser.add_argument("--rebuild-repeats", type=int, default=1, help="rebuilds per kind of change (median)")
    args = parser.parse_args()
    rows = []
    for scenario in args.scenarios:
        print(f"[{scenario.stem}] ...", file=sys.stderr, flush=True)
        rows += measure(scenario, args.repeats, max(1, min(args.rebuild_repeats, args.repeats)))
    print("Re-solve after one change (LP, relax=all; one run, medians; rebuild = load + build + hand-over + solve)")
    print_table(
        [
            "scenario",
            "variables",
            "change",
            "rebuild s",
            "(highs s)",
            "warm s",
            "(highs s)",
            "(update s)",
            "(extract s)",
            "rebuild/warm",
            "obj diff",
        ],
        [
            [
                r["scenario"],
                r["variables"],
                r["change"],
                r["rebuild_s"],
                r["rebuild_highs_s"],
                r["warm_total_s"],
                r["warm_highs_s"],
                r["warm_update_s"],
                r["warm_extract_s"],
                f"{r['rebuild_s'] / r['warm_total_s']:.1f}",
                f"{r['max_objective_difference']:.1e}",
            ]
            for r in rows
        ],
    )


if __name__ == "__main__":
    main()
