"""A sweep spec with a ``setting`` or ``catalog`` value that cannot be applied to the base
scenario is refused before anything is written (exit 2, naming the spec, the case and the
parameter); each distinct value is applied once, so a large spec is checked quickly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aidc.optimizer.errors import InputError
from aidc.optimizer.sweep import expand_cases, load_spec
from aidc.optimizer.sweep import spec as spec_module
from aidc.optimizer.sweep.runner import check_spec
from aidc.optimizer.sweep.spec import value_issues
from tests.factory import rich, write_scenario

REPO = Path(__file__).resolve().parent.parent
PARAMETERS = {
    "power": {"kind": "energy_price_scale", "option": "grid"},
    "w": {"kind": "setting", "setting": "wacc"},
    "sel": {"kind": "setting", "setting": "select"},
    "life": {"kind": "catalog", "catalog": "accelerators", "column": "lifetime_years", "mode": "scale"},
}


def write_spec(folder: Path, **body) -> Path:
    write_scenario(folder / "scenario", rich())
    spec = {"name": "values", "base": "scenario/scenario.yaml", "parameters": PARAMETERS, **body}
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def sweep(spec: Path, out: Path) -> subprocess.CompletedProcess:
    argv = ["sweep", str(spec), "--out", str(out), "--lp", "--workers", "1", "--time-limit", "30", "--no-progress"]
    return subprocess.run(
        [sys.executable, "-m", "aidc.optimizer", *argv], cwd=REPO, capture_output=True, text=True, timeout=300
    )


def tree(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def test_impossible_setting_value_exits_2_and_writes_nothing(tmp_path):
    spec = write_spec(tmp_path, cases=[{"w": "high"}])
    before = tree(tmp_path)
    run = sweep(spec, tmp_path / "out")
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert f"{spec}, cases[0], field 'w': 'high' cannot be applied" in run.stderr, run.stderr
    assert "wacc" in run.stderr
    assert not (tmp_path / "out").exists()
    assert tree(tmp_path) == before  # no lock file, no staging folder


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"cases": [{"w": 0.05}, {"sel": {"sites": ["mars"]}}]}, "cases[1], field 'sel'"),
        ({"grid": {"w": [0.05, True, 5]}}, "grid.w[1], field 'w'"),
        ({"grid": {"w": [0.05, 5]}}, "grid.w[1], field 'w': 5 cannot be applied"),
        ({"cases": [{"life": 1.5, "w": 0.05}]}, "cases[0], field 'life'"),  # an integer column
    ],
)
def test_impossible_values_refuse_the_spec(tmp_path, body, expected):
    path = write_spec(tmp_path, **body)
    with pytest.raises(InputError) as caught:
        check_spec(load_spec(path))
    message = caught.value.render()
    assert f"{path}, {expected}" in message, message
    if "sel" in expected:
        assert "mars" in message


def test_bad_select_site_on_the_command_line(tmp_path):
    spec = write_spec(tmp_path, cases=[{"sel": {"sites": ["north", "mars"]}}])
    run = sweep(spec, tmp_path / "out")
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert f"{spec}, cases[0], field 'sel'" in run.stderr and "mars" in run.stderr, run.stderr
    assert not (tmp_path / "out").exists()


def test_valid_setting_values_still_run(tmp_path):
    spec = write_spec(tmp_path, cases=[{"w": 0.05}, {"sel": {"sites": ["north"]}}, {"life": 2}])
    loaded = load_spec(spec)
    assert value_issues(loaded, check_spec(loaded)) == ([], 3)  # each value checked, none refused
    run = sweep(spec, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert "sweep: 4 cases: 4 ok, 0 failed" in run.stdout, run.stdout


def test_each_distinct_value_is_applied_once(tmp_path, monkeypatch):
    values = [0.05, 0.06, 0.07, 0.08]
    body = {
        "grid": {"w": values, "power": [1.0 + i / 1000 for i in range(500)]},
        "cases": [{"w": values[i % 4], "power": 0.5} for i in range(100)],
    }
    spec = load_spec(write_spec(tmp_path, **body))
    assert len(expand_cases(spec)) == 1 + 2000 + 4
    applied = []
    real = spec_module.with_changes
    monkeypatch.setattr(spec_module, "with_changes", lambda *args: applied.append(args[1]) or real(*args))
    inputs = check_spec(spec)
    assert len(applied) == 4 and sorted(value for [(_, value)] in applied) == values
    assert value_issues(spec, inputs) == ([], 4)
