"""Real sweeps (HiGHS in worker processes): local pool and Dask agree, warm equals rebuild,
failures are recorded, an interrupted sweep resumes to exactly one record per case."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.sweep import expand_cases, load_results, load_spec, query, run_sweep
from aidc.optimizer.sweep.store import CASES, RESULTS
from tests.factory import rich, write_scenario

REPO = Path(__file__).resolve().parent.parent
OPTIONS = SolveOptions(mip_gap=1e-9, marginal_costs=False)
METRICS = ["objective_usd", "cost_per_mtok_usd", "tokens_served", "energy_mwh", "emissions_t"]


def write_spec(folder: Path, **body) -> Path:
    write_scenario(folder / "scenario", rich())
    spec = {
        "name": "test",
        "base": "scenario/scenario.yaml",
        "parameters": {
            "power": {"kind": "energy_price_scale", "option": "grid"},
            "dense": {"kind": "accelerator_price", "accelerator": "dense"},
            "demand": {"kind": "demand_scale", "region": "far"},
            "wacc": {"kind": "setting", "setting": "wacc"},
        },
        **body,
    }
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def sorted_results(out: Path) -> pd.DataFrame:
    return load_results(out).sort_values("case_id").reset_index(drop=True)


def test_local_pool_dask_and_rebuild_agree(tmp_path):
    from distributed import LocalCluster

    path = write_spec(
        tmp_path,
        grid={"power": [0.7, 1.0, 1.4], "dense": [25000, 45000]},
        # each value is fine alone (an impossible one refuses the spec), together they fail: that case fails
        cases=[{"wacc": 0.05, "demand": 1.5}, {"wacc": 0.09, "years": [2026], "cap": {2027: 100.0}}],
    )
    raw = yaml.safe_load(path.read_text())
    raw["parameters"]["years"] = {"kind": "setting", "setting": "years"}
    raw["parameters"]["cap"] = {"kind": "setting", "setting": "carbon_cap_t"}
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    spec = load_spec(path)
    total = len(expand_cases(spec))
    assert total == 9  # base + 6 grid + 2 cases
    local = run_sweep(spec, tmp_path / "local", options=OPTIONS, workers=2, progress=False)
    rebuild = run_sweep(spec, tmp_path / "rebuild", options=OPTIONS, workers=2, warm=False, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = run_sweep(spec, tmp_path / "dask", options=OPTIONS, scheduler=cluster.scheduler_address, progress=False)
    for report in (local, rebuild, dask):
        assert (report.done, report.failed, report.lost) == (8, 1, 0)

    frames = {name: sorted_results(tmp_path / name) for name in ("local", "rebuild", "dask")}
    reference = frames["local"]
    assert reference["case_id"].is_unique and len(reference) == total
    failed = reference[reference["status"] == "failed"]
    assert list(failed["param_wacc"]) == [0.09] and "carbon_cap_t" in failed["error"].iloc[0]
    assert set(reference["mode"].dropna()) == {"cold", "warm"}
    assert set(frames["rebuild"]["mode"].dropna()) == {"rebuild"}
    for name, frame in frames.items():
        assert list(frame["case_id"]) == list(reference["case_id"]), name
        assert list(frame["status"]) == list(reference["status"]), name
        for column in ["sites", "accelerator_mix"]:
            assert frame[column].fillna("").tolist() == reference[column].fillna("").tolist(), (name, column)
        pd.testing.assert_frame_equal(frame[METRICS], reference[METRICS], rtol=1e-6, check_exact=False)
    assert len(set(frames["dask"]["worker"].dropna())) >= 1

    # the parameters move the cost the way they should, and the outputs are queryable
    cheap_dense = reference[reference["param_dense"] == 25000].set_index("param_power")["cost_per_mtok_usd"]
    assert cheap_dense[1.4] > cheap_dense[1.0] > cheap_dense[0.7]
    tornado = pd.read_csv(tmp_path / "local" / "tornado.csv")
    assert {"power", "dense"} <= set(tornado["parameter"])
    assert (tornado.set_index("parameter").loc[["power", "dense"], "swing"] > 0).all()
    by_power = query(tmp_path / "local", "SELECT param_power, count(*) AS n FROM results GROUP BY 1 ORDER BY 1")
    assert by_power.dropna()["n"].tolist() == [2, 2, 2]


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aidc.optimizer", "sweep", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_interrupted_sweep_resumes_with_every_case_once(tmp_path):
    spec_path = write_spec(tmp_path, sample={"n": 24, "seed": 3, "ranges": {"power": [0.5, 2.0], "demand": [0.7, 1.6]}})
    out = tmp_path / "out"
    process = cli(str(spec_path), "--out", str(out), "--workers", "2", "--no-progress", start_new_session=True)
    cases = out / CASES
    deadline = time.monotonic() + 60
    while len(list(cases.glob("*.json")) if cases.is_dir() else []) < 4 and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the sweep and its worker processes, mid-way
    process.communicate()
    written = list(cases.glob("*.json"))
    assert 4 <= len(written) < 25
    for path in written:
        assert json.loads(path.read_text())["case_id"] == path.stem  # complete files only

    resumed = cli(str(spec_path), "--out", str(out), "--workers", "2", "--resume")
    stdout, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr
    assert f"{len(written)} already done" in stdout and "25 cases" in stdout
    assert "case/s" in stderr  # the progress bar

    expected = {case.case_id for case in expand_cases(load_spec(spec_path))}
    results = pd.read_parquet(out / RESULTS)
    assert len(results) == 25 and results["case_id"].is_unique and set(results["case_id"]) == expected
    assert (results["status"] == "ok").all()
    files = sorted(path.name for path in cases.iterdir())
    assert files == sorted(f"{case_id}.json" for case_id in expected)  # no leftovers, nothing twice


def spec_errors(tmp_path: Path, **body) -> str:
    from aidc.optimizer.errors import InputError
    from aidc.optimizer.sweep.runner import check_spec

    with pytest.raises(InputError) as caught:
        check_spec(load_spec(write_spec(tmp_path, **body)))
    return caught.value.render()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"grid": {"power": ["cheap"]}}, "grid.power, field 'power': energy_price_scale expects a number"),
        ({"grid": {"nuclear": [1.0]}}, "grid.nuclear, field 'nuclear': not a parameter"),
        ({"grid": {"demand": [0.0]}}, "demand_scale expects a value above 0"),
        ({"cases": [{"dense": -5}]}, "cases[0], field 'dense'"),
        ({"sample": {"n": 4, "ranges": {"power": [2.0, 1.0]}}}, "field 'sample': Value error, range of 'power'"),
        ({"sample": {"n": 4, "ranges": {"wacc": [0.01, 0.1]}}}, "random sampling needs a numeric parameter"),
        ({}, "no cases"),
    ],
)
def test_spec_errors_name_the_yaml_path_and_field(tmp_path, body, expected):
    message = spec_errors(tmp_path, **body)
    assert "sweep.yaml" in message and expected in message, message


def test_parameter_errors_are_checked_against_the_base(tmp_path):
    path = write_spec(tmp_path, grid={"power": [1.0]})
    raw = yaml.safe_load(path.read_text())
    raw["parameters"]["power"]["site"] = "atlantis"
    raw["parameters"]["bad"] = {"kind": "setting", "setting": "catalogs"}
    raw["parameters"]["odd"] = {"kind": "energy_price", "site": "north"}
    path.write_text(yaml.safe_dump(raw))
    from aidc.optimizer.errors import InputError

    with pytest.raises(InputError) as caught:
        load_spec(path)
    assert "sweep.yaml, parameters, field 'odd': Value error, kind 'energy_price' needs ['option']" in str(caught.value)
    del raw["parameters"]["odd"]
    path.write_text(yaml.safe_dump(raw))
    message = spec_errors_from(path)
    assert "parameters.power, field 'where': matches no row of supply" in message
    assert "parameters.bad, field 'setting'" in message


def spec_errors_from(path: Path) -> str:
    from aidc.optimizer.errors import InputError
    from aidc.optimizer.sweep.runner import check_spec

    with pytest.raises(InputError) as caught:
        check_spec(load_spec(path))
    return caught.value.render()


def test_cli_bad_spec_exits_2(tmp_path):
    path = write_spec(tmp_path, grid={"power": [1.0]})
    path.write_text(path.read_text().replace("energy_price_scale", "energy_prise"))
    process = cli(str(path), "--out", str(tmp_path / "out"))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert str(path) in stderr and "parameters.power, field 'kind'" in stderr


def test_case_ids_are_stable_and_lhs_is_stratified(tmp_path):
    body = {"grid": {"power": [1.0, 1.2]}, "sample": {"n": 10, "seed": 5, "ranges": {"demand": [1.0, 2.0]}}}
    first = expand_cases(load_spec(write_spec(tmp_path / "a", **body)))
    again = expand_cases(load_spec(write_spec(tmp_path / "b", **body)))
    assert [c.case_id for c in first] == [c.case_id for c in again]
    assert len({c.case_id for c in first}) == len(first) == 1 + 2 + 10
    demand = sorted(c.values["demand"] for c in first if "demand" in c.values)
    assert [int((d - 1.0) * 10) for d in demand] == list(range(10))  # one point per tenth of the range
