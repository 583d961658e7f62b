"""How the time representation moves the answer and the solve time (issue 12).

    python benchmarks/time_resolution.py            # micro convergence curve + baseline LP grid
    python benchmarks/time_resolution.py --quick    # the micro curve only, 2 and 8 days (smoke)

1. Convergence: the hand-made one-site case of tests/test_time_representation.py on Texas's hourly
   series, solved as an LP with 1, 2, 4, 8, 16, 32 and 64 representative days (+ the peak-load
   and hottest days) and with all 365 days: objective and its error against the full year.
2. The shipped baseline as an LP with typical days x hours per slice: slices, rows, cost per
   Mtok, and build / hand-over / HiGHS seconds (one run each; ratios are what to compare).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from aidc.inputs import BASELINE_SCENARIO
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.planner import Planner
from aidc.optimizer.solve import SolveOptions

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tables import print_table

from tests.factory import write_scenario
from tests.test_time_representation import hourly_micro

LP = SolveOptions(relax="all", marginal_costs=False)


def convergence(days_list: list[int]) -> None:
    rows, costs = [], {}
    with tempfile.TemporaryDirectory() as folder:
        for days in [*days_list, 365]:
            path = Path(folder) / str(days)
            started = time.perf_counter()
            planner = Planner.from_file(write_scenario(path, hourly_micro(path, days)), LP)
            result = planner.solve()
            costs[days] = result.summary["objective_usd"]
            rows.append((days, len(planner.data.slices), costs[days], time.perf_counter() - started))
    full = costs[365]
    print("Convergence to the full year (micro case on Texas's series, LP; one run)")
    print_table(
        ["typical days", "slices", "objective (USD)", "error vs 365 days", "seconds"],
        [[str(d), str(n), f"{c:,.0f}", f"{c / full - 1:+.2%}", f"{s:.1f}"] for d, n, c, s in rows],
    )


def baseline_grid(settings: list[tuple[int, int]]) -> None:
    inputs = load_scenario(BASELINE_SCENARIO)
    rows = []
    for days, per_block in settings:
        changed = inputs.with_config(representative_days=days, slices_per_block=per_block)
        planner = Planner(changed, LP)
        result = planner.solve()
        summary = result.summary
        rows.append(
            [
                f"{days}+2",
                f"{per_block} h",
                str(len(planner.data.slices)),
                f"{summary['cost_per_mtok_usd']:.4f}",
                f"{summary['build_seconds']:.1f}",
                f"{summary['handover_seconds']:.1f}",
                f"{summary['solve_seconds']:.1f}",
                f"{(summary['build_seconds'] + summary['handover_seconds']) / max(summary['solve_seconds'], 1e-9):.2f}",
            ]
        )
    print("Shipped baseline as an LP by time representation (one run)")
    print_table(
        ["days", "slice", "slices", "$/Mtok", "build s", "hand-over s", "HiGHS s", "(build+hand-over)/HiGHS"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the micro curve with 2 and 8 days only")
    args = parser.parse_args()
    if args.quick:
        convergence([2, 8])
        return
    convergence([1, 2, 4, 8, 16, 32, 64])
    baseline_grid([(1, 6), (2, 6), (4, 6), (2, 3)])


if __name__ == "__main__":
    main()
