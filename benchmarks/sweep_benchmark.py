"""Cases per minute of a 200-case sweep: warm re-solve vs rebuild-per-case, 1 vs 2 workers.

The scenario is the reduced baseline of ``inputs/sweeps/price-hikes.yaml`` (baseline catalogs,
6 sites, 3 regions, 6-hour slice blocks) solved as an LP (``--lp``): the full baseline takes
minutes per case. The 200 cases are the base case plus a Latin hypercube of 199 points over the
grid price, accelerator prices, demand and carbon price (all warm-capable parameters).

    python benchmarks/sweep_benchmark.py [--cases 200] [--rebuild-cases 200] [--skip-rebuild]

Wall time includes starting the worker processes. ``--rebuild-cases`` runs fewer cases for the
(slow) rebuild measurement; its rate is still cases per minute.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import yaml

from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.sweep import SweepReport, load_results, load_spec, run_sweep

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "inputs" / "sweeps" / "price-hikes.yaml"
OPTIONS = SolveOptions(relax="all", marginal_costs=False)


def write_spec(folder: Path, cases: int) -> Path:
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec = {
        "name": f"benchmark-{cases}",
        "base": str((EXAMPLE.parent / example["base"]).resolve()),
        "base_changes": example["base_changes"],
        "parameters": {
            "power_price": {"kind": "energy_price_scale", "option": "grid"},
            "accelerator_price": {"kind": "accelerator_price_scale"},
            "demand": {"kind": "demand_scale"},
            "carbon_price": {"kind": "carbon_price"},
        },
        "sample": {
            "method": "lhs",
            "n": cases - 1,
            "seed": 7,
            "ranges": {
                "power_price": [0.7, 1.5],
                "accelerator_price": [1.0, 1.34],
                "demand": [0.8, 1.3],
                "carbon_price": [0, 150],
            },
        },
    }
    path = folder / f"benchmark-{cases}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def measure(label: str, spec_path: Path, out: Path, *, workers: int, warm: bool) -> SweepReport:
    report = run_sweep(load_spec(spec_path), out, options=OPTIONS, workers=workers, warm=warm, progress=False)
    assert report.failed == 0 and report.lost == 0, report
    per_case = load_results(out)["seconds"].mean()  # in the worker: CPU contention shows here
    print(
        f"{label:<28} {report.done:>4} cases  {report.seconds:7.1f} s  {report.cases_per_minute:7.1f} cases/min"
        f"  ({per_case:.3f} s per case in a worker)",
        flush=True,
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--rebuild-cases", type=int, default=200)
    parser.add_argument("--skip-rebuild", action="store_true", help="Measure only 1 vs 2 warm workers.")
    args = parser.parse_args()
    print("scenario: baseline catalogs, 6 sites, 3 regions, slices_per_block 6, LP (--lp); 1 HiGHS thread per case")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        spec = write_spec(root, args.cases)
        rebuild_spec = write_spec(root, args.rebuild_cases) if args.rebuild_cases != args.cases else spec
        warm1 = measure("warm re-solve, 1 worker", spec, root / "warm1", workers=1, warm=True)
        warm2 = measure("warm re-solve, 2 workers", spec, root / "warm2", workers=2, warm=True)
        if not args.skip_rebuild:
            rebuild1 = measure("rebuild per case, 1 worker", rebuild_spec, root / "rebuild1", workers=1, warm=False)
            ratio = warm1.cases_per_minute / rebuild1.cases_per_minute
            print(f"warm / rebuild (1 worker):   {ratio:5.2f}x  (goal >= 5x)")
    speedup = warm2.cases_per_minute / warm1.cases_per_minute
    print(f"2 workers / 1 worker (warm): {speedup:5.2f}x  (goal >= 1.7x; scaling efficiency {speedup / 2:.0%})")


if __name__ == "__main__":
    main()
