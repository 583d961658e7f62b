"""Bad input gets a clear message naming file, row and field, exit code 2, and no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from tests.factory import micro, write_scenario


def validate(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aidc.optimizer", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_clear_error(run: subprocess.CompletedProcess, *fragments: str) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    for fragment in fragments:
        assert fragment in run.stderr, (fragment, run.stderr)


def test_valid_scenario_passes(tmp_path):
    run = validate(write_scenario(tmp_path, micro()))
    assert run.returncode == 0, run.stderr
    assert "valid" in run.stdout


@pytest.mark.parametrize(
    "catalog, column, value, expected",
    [
        ("accelerators", "price_usd_per_accel", -5, "greater than or equal to 0"),
        ("accelerators", "lifetime_years", 0, "greater than or equal to 1"),
        ("cooling", "pue_temperate", 0.9, "greater than or equal to 1"),
        ("accelerators", "power_kw_per_accel", "nan", "finite number"),
        ("accelerators", "liquid_required", "maybe", "valid boolean"),
        ("supply", "price_usd_per_mwh", "", "a value is required"),
        ("workloads", "deferrable", "", "a value is required"),
    ],
)
def test_bad_cell_is_named_by_file_line_and_field(tmp_path, catalog, column, value, expected):
    spec = micro()
    spec[catalog][0][column] = value
    run = validate(write_scenario(tmp_path, spec))
    assert_clear_error(run, f"{catalog}.csv", "line 2", f"'{column}'", expected)


def test_several_errors_are_reported_together(tmp_path):
    spec = micro()
    spec["accelerators"][0]["price_usd_per_accel"] = -1
    spec["cooling"][0]["pue_cold"] = 0.5
    spec["sites"][0]["climate"] = "tropical"
    run = validate(write_scenario(tmp_path, spec))
    assert_clear_error(run, "3 problems", "price_usd_per_accel", "pue_cold", "climate")


def test_unknown_reference_names_the_row(tmp_path):
    spec = micro()
    spec["demand"][0]["region"] = "atlantis"
    run = validate(write_scenario(tmp_path, spec))
    assert_clear_error(run, "demand.csv", "line 2", "'region'", "atlantis")


def test_unknown_and_missing_columns(tmp_path):
    spec = micro()
    spec["sites"][0]["colour"] = "blue"
    del spec["sites"][0]["floor_racks"]
    run = validate(write_scenario(tmp_path, spec))
    assert_clear_error(run, "sites.csv", "'colour'", "unknown column", "'floor_racks'", "missing")


def test_duplicate_ids(tmp_path):
    spec = micro()
    spec["accelerators"].append(dict(spec["accelerators"][0]))
    run = validate(write_scenario(tmp_path, spec))
    assert_clear_error(run, "accelerators.csv", "line 3", "duplicate")


def test_scenario_file_problems(tmp_path):
    path = write_scenario(tmp_path, micro())
    config = yaml.safe_load(path.read_text())
    config["wacc"] = -0.1
    config["years"] = [2027, 2026]
    config["colour"] = "blue"
    path.write_text(yaml.safe_dump(config))
    assert_clear_error(validate(path), "scenario.yaml", "'wacc'", "'years'", "'colour'")


def test_yaml_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n")
    assert_clear_error(validate(path), "list.yaml", "expected a YAML mapping")


def test_missing_files(tmp_path):
    assert_clear_error(validate(tmp_path / "nope.yaml"), "nope.yaml", "does not exist")
    spec_path = write_scenario(tmp_path, micro())
    (tmp_path / "grid.csv").unlink()
    assert_clear_error(validate(spec_path), "grid.csv", "does not exist")


def test_paths_may_not_escape_the_scenario_folder(tmp_path):
    path = write_scenario(tmp_path / "inner", micro())
    config = yaml.safe_load(path.read_text())
    (tmp_path / "grid.csv").write_text((tmp_path / "inner" / "grid.csv").read_text())
    config["catalogs"]["grid"] = "../grid.csv"
    path.write_text(yaml.safe_dump(config))
    assert_clear_error(validate(path), "leaves the scenario's folder")
    allowed = subprocess.run(
        [sys.executable, "-m", "aidc.optimizer", "validate", str(path), "--allow-outside-paths"],
        capture_output=True,
        text=True,
    )
    assert allowed.returncode == 0, allowed.stderr


def test_unsafe_yaml_is_not_executed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hacked']\n")
    assert_clear_error(validate(path), "not valid YAML")


def test_solve_with_bad_input_exits_2_and_writes_nothing(tmp_path):
    spec = micro()
    spec["grid"][0]["grid_mw"] = -3
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "aidc.optimizer.cli.main",
            "solve",
            str(write_scenario(tmp_path, spec)),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert_clear_error(run, "grid.csv", "line 2", "'grid_mw'")
    assert not out.exists()


@pytest.mark.parametrize("key", ["sites", "accelerators", "regions", "workloads", "cooling", "interconnect"])
def test_selection_of_nothing_is_an_input_error(tmp_path, key):
    spec = micro()
    spec["config"]["select"] = {key: []}
    assert_clear_error(validate(write_scenario(tmp_path, spec)), f"select.{key}", "selects nothing")
