"""Model size and time per stage, from a few thousand to over two million variables, against bare HiGHS.

For each size (presets of ``benchmarks/generate.py``) a synthetic scenario is generated and, in a
fresh process (so peak memory is per size):

* loaded (``load_scenario``), prepared and built as a Pyomo model (``Planner``), handed to HiGHS
  (``planner.session``), exported to MPS (``planner.export_model``), solved as an LP
  (``relax="all"``, no marginal costs) and its results extracted;
* then, in a second fresh process, the MPS file is read and solved by bare ``highspy`` with the same
  options (presolve, solver, seed, time limit).

Printed per size: variables, constraints and nonzeros (of the HiGHS model), seconds per stage,
peak memory (ru_maxrss), the overhead ratio (everything but the HiGHS solve) / (bare HiGHS solve),
and then the scaling exponents of build and hand-over time against the number of variables
(least-squares slope of log seconds on log variables; 1.0 = linear). Sizes above ``--solve-max-vars``
(default 300k: l, xl, xxl) are loaded, built, handed over and exported but not solved, so that the
default run stays under ~15 minutes; the l LP alone takes ~5-10 minutes of HiGHS on 2 cores.

    python benchmarks/model_size.py                      # every preset, xs ... xxl (~12 min on 2 cores)
    python benchmarks/model_size.py --sizes xs,s,m       # a subset
    python benchmarks/model_size.py --quick              # smoke run: xs only, < 1 minute
    python benchmarks/model_size.py --sizes l --solve-max-vars 5e5   # also solve l (~10-20 min more)
    python benchmarks/model_size.py --time-limit 300 --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

from generate import SIZES, generate  # noqa: E402
from tables import print_table  # noqa: E402

DEFAULT_SIZES = ("xs", "s", "m", "ml", "l", "xl", "xxl")
OVERHEAD_STAGES = ("load_s", "prepare_s", "build_s", "handover_s", "solve_wrapper_s", "extract_s")
"""Stages counted as overhead: all the aidc work except HiGHS' own solve (seconds)."""


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (MB; Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def highs_status(highs) -> str:
    """HiGHS' model status as text (e.g. 'Optimal', 'Time limit reached')."""
    return highs.modelStatusToString(highs.getModelStatus())


def measure_aidc(scenario: Path, mps: Path, time_limit: float, solve_max_vars: float) -> dict:
    """Load, build, hand over, export and solve one scenario (not above ``solve_max_vars``
    variables); seconds and MB."""
    from aidc.optimizer.inputs.loading import load_scenario
    from aidc.optimizer.planner.planner import Planner
    from aidc.optimizer.solve import SolveOptions

    row: dict = {"import_mb": peak_memory_mb()}
    options = SolveOptions(relax="all", marginal_costs=False, time_limit=time_limit)
    started = time.perf_counter()
    inputs = load_scenario(scenario)
    row["load_s"] = time.perf_counter() - started
    planner = Planner(inputs, options)
    row["prepare_s"], row["build_s"] = planner.prepare_seconds, planner.build_seconds
    session = planner.session
    row["handover_s"] = session.handover_seconds
    highs = session.highs
    row.update(variables=highs.getNumCol(), constraints=highs.getNumRow(), nonzeros=highs.getNumNz())
    row["built_mb"] = peak_memory_mb()
    started = time.perf_counter()
    planner.export_model(mps, names=False)  # the bare solve needs no names
    row["export_s"] = time.perf_counter() - started
    row["mps_mb"] = mps.stat().st_size / 1e6
    row["solved"] = row["variables"] <= solve_max_vars
    if row["solved"]:
        started = time.perf_counter()
        result = planner.solve()
        wall = time.perf_counter() - started
        row["highs_s"] = result.timings["solve_seconds"]
        row["extract_s"] = result.timings["extract_seconds"]
        row["solve_wrapper_s"] = max(0.0, wall - row["highs_s"] - row["extract_s"])
        row["status"] = highs_status(highs)
        row["objective"] = highs.getInfo().objective_function_value
    row["peak_mb"] = peak_memory_mb()
    return row


def measure_bare(mps: Path, time_limit: float) -> dict:
    """Read the MPS file and solve it with bare highspy (options as aidc's LP solve); seconds and MB."""
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    started = time.perf_counter()
    highs.readModel(str(mps))
    read = time.perf_counter() - started
    for name, value in (("presolve", "choose"), ("solver", "choose"), ("random_seed", 0), ("time_limit", time_limit)):
        highs.setOptionValue(name, value)
    started = time.perf_counter()
    highs.run()
    return {
        "bare_read_s": read,
        "bare_s": time.perf_counter() - started,  # wall time of run()
        "bare_run_time_s": highs.getRunTime(),  # HiGHS' own clock, as aidc's "highs" column
        "bare_status": highs_status(highs),
        "bare_objective": highs.getInfo().objective_function_value,
        "bare_peak_mb": peak_memory_mb(),
    }


def run_child(args: list[str], log: Path, timeout: float) -> dict:
    """Run this script as a child process (HiGHS log to ``log``); its measurements, or an error."""
    out = log.with_suffix(".json")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *args, "--child-out", str(out)]
    with log.open("w") as stream:
        try:
            done = subprocess.run(command, stdout=stream, stderr=subprocess.STDOUT, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"killed after {timeout:.0f} s"}
    if done.returncode != 0 or not out.exists():
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return {"error": f"exit {done.returncode}: {tail[0][:200]}"}
    return json.loads(out.read_text())


def measure_size(name: str, work: Path, time_limit: float, solve_max_vars: float, seed: int) -> dict:
    """Generate one preset and measure it (aidc process, then bare HiGHS process); one row."""
    size = SIZES[name]
    folder = work / name
    scenario = generate(folder, size, seed)
    mps = folder / "model.mps"
    row = {"size": name, "dims": size.label()}
    # children get the time limit twice (aidc and bare solves) plus generous build time
    timeout = 4 * time_limit + 3600
    row.update(
        run_child(["aidc", str(scenario), str(mps), str(time_limit), str(solve_max_vars)], folder / "aidc.log", timeout)
    )
    if row.get("solved"):
        row.update(run_child(["bare", str(mps), str(time_limit)], folder / "bare.log", timeout))
    mps.unlink(missing_ok=True)
    return row


def overhead_seconds(row: dict) -> float:
    """Everything aidc does except HiGHS' solve: load, prepare, build, hand-over, wrapper, extract (s)."""
    return sum(row.get(stage, 0.0) for stage in OVERHEAD_STAGES)


def scaling_exponent(rows: list[dict], key: str) -> float | None:
    """Least-squares slope of log(seconds) on log(variables) over the rows that have ``key``."""
    points = [(math.log(r["variables"]), math.log(r[key])) for r in rows if r.get(key, 0) > 0 and "variables" in r]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else None


def limit_note(status: str | None) -> str:
    if status is None:
        return "not solved"
    return "TIME LIMIT" if "time limit" in status.lower() else status


def report(rows: list[dict], time_limit: float, solve_max_vars: float) -> None:
    """Print the size, stage, comparison and scaling tables."""
    ok = [r for r in rows if "error" not in r]
    for r in rows:
        if "error" in r:
            print(f"{r['size']} ({r['dims']}): FAILED: {r['error']}")
    print("\nModel size, seconds per stage, peak memory (one run; HiGHS LP, relax=all)")
    print_table(
        [
            "size",
            "variables",
            "constraints",
            "nonzeros",
            "load",
            "prepare",
            "build",
            "handover",
            "export",
            "highs",
            "wrapper",
            "extract",
            "peak MB",
            "MB/Mvar",
            "status",
        ],
        [
            [
                r["size"],
                r["variables"],
                r["constraints"],
                r["nonzeros"],
                r["load_s"],
                r["prepare_s"],
                r["build_s"],
                r["handover_s"],
                r["export_s"],
                r.get("highs_s"),
                r.get("solve_wrapper_s"),
                r.get("extract_s"),
                round(r["peak_mb"]),
                round(r["peak_mb"] / (r["variables"] / 1e6)),
                limit_note(r.get("status")),
            ]
            for r in ok
        ],
    )
    print("\nOverhead (load + prepare + build + handover + wrapper + extract) vs bare highspy on the exported MPS")
    print_table(
        [
            "size",
            "variables",
            "overhead s",
            "aidc highs s",
            "bare read s",
            "bare solve s",
            "ratio",
            "obj rel diff",
            "bare status",
        ],
        [
            [
                r["size"],
                r["variables"],
                overhead_seconds(r),
                r.get("highs_s"),
                r.get("bare_read_s"),
                r.get("bare_s"),
                overhead_seconds(r) / r["bare_s"] if r.get("bare_s") else None,
                _relative_difference(r),
                limit_note(r.get("bare_status")),
            ]
            for r in ok
        ],
    )
    skipped = [r["size"] for r in ok if not r.get("solved")]
    if skipped:
        print(
            f"not solved (over --solve-max-vars {solve_max_vars:.3g} variables): {', '.join(skipped)}; "
            "load, build, hand-over and export measured only"
        )
    if any("time limit" in str(r.get(k, "")).lower() for r in ok for k in ("status", "bare_status")):
        print(f"TIME LIMIT ({time_limit:.0f} s) bound on some solve: its ratio divides by the limit (an upper bound)")
    print("\nScaling exponents (slope of log seconds on log variables; 1.0 = linear)")
    print_table(
        ["stage", "all sizes", "sizes >= 50k variables"],
        [
            [stage, scaling_exponent(ok, key), scaling_exponent([r for r in ok if r["variables"] >= 5e4], key)]
            for stage, key in (
                ("build", "build_s"),
                ("handover", "handover_s"),
                ("prepare", "prepare_s"),
                ("export", "export_s"),
                ("highs (aidc)", "highs_s"),
            )
        ],
    )


def _relative_difference(row: dict) -> str | None:
    a, b = row.get("objective"), row.get("bare_objective")
    if a is None or b is None:
        return None
    return f"{abs(a - b) / max(1e-9, abs(b)):.1e}"


def child(argv: list[str], out: Path) -> None:
    """Entry point of a measuring child process: ``aidc SCENARIO MPS LIMIT MAX_VARS`` or ``bare MPS LIMIT``."""
    if argv[0] == "aidc":
        row = measure_aidc(Path(argv[1]), Path(argv[2]), float(argv[3]), float(argv[4]))
    else:
        row = measure_bare(Path(argv[1]), float(argv[2]))
    out.write_text(json.dumps(row))


def main() -> None:
    if "--child" in sys.argv:
        position = sys.argv.index("--child-out")
        child(sys.argv[sys.argv.index("--child") + 1 : position], Path(sys.argv[position + 1]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES), help=f"comma-separated presets of {sorted(SIZES)}")
    parser.add_argument("--quick", action="store_true", help="smoke run: xs only, 60 s time limit")
    parser.add_argument("--time-limit", type=float, default=600.0, help="HiGHS time limit per solve (s)")
    parser.add_argument(
        "--solve-max-vars", type=float, default=3e5, help="build only (no solves) above this many variables"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="folder for scenarios and logs (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    args = parser.parse_args()
    names = ["xs"] if args.quick else [n.strip() for n in args.sizes.split(",") if n.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; expected some of {sorted(SIZES)}")
    time_limit = min(args.time_limit, 60.0) if args.quick else args.time_limit
    with tempfile.TemporaryDirectory(prefix="aidc-bench-") as temporary:
        work = args.work or Path(temporary)
        rows = []
        for name in names:
            started = time.perf_counter()
            print(f"[{name}] {SIZES[name].label()} ...", file=sys.stderr, flush=True)
            rows.append(measure_size(name, work, time_limit, args.solve_max_vars, args.seed))
            print(f"[{name}] done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    report(rows, time_limit, args.solve_max_vars)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
