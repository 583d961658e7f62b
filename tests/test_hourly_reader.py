"""Bad 8,760-hour series are refused with the file, its own line (header = line 1, blank lines
counted) and the column, and the shipped series still load.

Each test copies the shipped ``inputs/hourly`` files beside the micro scenario (tests/factory.py),
spoils one thing and loads the scenario."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aidc.inputs import INPUTS_DIR
from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.inputs.loading import load_scenario
from tests.factory import micro, write_scenario

HOURLY = INPUTS_DIR / "hourly"
SERIES_FILES = ("load.csv", "grid_price_factor.csv", "temperature_c.csv", "solar_cf.csv", "wind_cf.csv")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The micro scenario with the shipped hourly files (and their series.csv index) in hourly/."""
    folder = tmp_path_factory.mktemp("hourly-template")
    path = write_scenario(folder, micro())
    config = yaml.safe_load(path.read_text())
    config["catalogs"]["hourly_series"] = "hourly/series.csv"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    (folder / "hourly").mkdir()
    for name in (*SERIES_FILES, "series.csv"):
        shutil.copyfile(HOURLY / name, folder / "hourly" / name)
    return folder


@pytest.fixture
def case(template, tmp_path) -> Path:
    """A fresh copy of the template; the scenario is ``case / 'scenario.yaml'``."""
    folder = tmp_path / "case"
    shutil.copytree(template, folder)
    return folder


def lines_of(folder: Path, name: str) -> list[str]:
    return (folder / "hourly" / name).read_text(encoding="utf-8").splitlines()


def write_lines(folder: Path, name: str, lines: list[str]) -> None:
    (folder / "hourly" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_cell(line: str, position: int, value: str) -> str:
    cells = line.split(",")
    cells[position] = value
    return ",".join(cells)


def problems(folder: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_scenario(folder / "scenario.yaml")
    return caught.value


def only_issue(error: InputError, name: str) -> InputIssue:
    """The one issue about file ``name``; its rendering is part of the error text."""
    found = [issue for issue in error.issues if Path(issue.file).name == name]
    assert len(found) == 1, error.render()
    assert str(found[0]) in error.render()
    return found[0]


def test_shipped_baseline_loads_all_its_hourly_series():
    inputs = load_scenario(INPUTS_DIR / "scenarios" / "baseline.yaml")
    assert set(inputs.hourly) == {"temperature", "solar", "wind", "grid_price", "load"}
    for frame in inputs.hourly.values():
        assert len(frame) == 8760 and frame.notna().all().all()
    assert inputs.hourly["load"].mean().round(6).eq(1.0).all()


def test_the_copied_series_load(case):
    assert load_scenario(case / "scenario.yaml").hourly["load"].shape == (8760, 24)


# 1. line numbers are the file's own lines


def test_bad_value_below_a_blank_line_is_named_by_its_file_line(case):
    lines = lines_of(case, "load.csv")
    column = lines[0].split(",").index("us-east/chat-70b")
    lines[499] = set_cell(lines[499], column, "")  # hour 498, file line 500
    lines.insert(100, "")  # a blank line above: the bad cell is now on line 501
    write_lines(case, "load.csv", lines)
    issue = only_issue(problems(case), "load.csv")
    assert (issue.location, issue.field) == ("line 501", "us-east/chat-70b")
    assert "found an empty cell" in issue.message


def test_bad_series_index_row_is_named_by_its_file_line(case):
    lines = lines_of(case, "series.csv")
    lines[1] = lines[1].replace("synthetic: seasonal", "synthetic:\nseasonal", 1)  # a cell over 2 lines
    lines.insert(2, "")  # a blank line
    # header on line 1, row 1 over lines 2-3, a blank line 4, row 2 on line 5: row 3 is on line 6
    lines[4] = set_cell(lines[4], 0, "temperature.txt")
    write_lines(case, "series.csv", lines)
    issue = only_issue(problems(case), "series.csv")
    assert (issue.location, issue.field) == ("line 6", "file")


# 2. a column name given twice


def test_repeated_column_name_is_refused(case):
    lines = lines_of(case, "wind_cf.csv")
    lines = [lines[0] + ",texas", *(line + ",0.5" for line in lines[1:])]
    write_lines(case, "wind_cf.csv", lines)
    issue = only_issue(problems(case), "wind_cf.csv")
    assert (issue.location, issue.field) == ("line 1", "texas")
    assert "appears twice" in issue.message


# 3. encodings and things that are not files


def test_non_utf8_file_is_named_by_its_line(case):
    path = case / "hourly" / "temperature_c.csv"
    lines = path.read_bytes().split(b"\n")
    lines[6] = lines[6].replace(b",", b",\xe9", 1)  # file line 7
    path.write_bytes(b"\n".join(lines))
    issue = only_issue(problems(case), "temperature_c.csv")
    assert issue.location == "line 7"
    assert "not UTF-8" in issue.message and "position" not in issue.message


def test_directory_in_place_of_a_file_is_called_a_directory(case):
    (case / "hourly" / "solar_cf.csv").unlink()
    (case / "hourly" / "solar_cf.csv").mkdir()
    issue = only_issue(problems(case), "solar_cf.csv")
    assert "is a directory" in issue.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_pipe_in_place_of_a_file_is_not_a_regular_file(case):
    (case / "hourly" / "wind_cf.csv").unlink()
    os.mkfifo(case / "hourly" / "wind_cf.csv")
    issue = only_issue(problems(case), "wind_cf.csv")
    assert "is not a regular file" in issue.message


# 4. the hour column: 0..8759 in order


def reversed_rows(lines: list[str]) -> list[str]:
    return [lines[0], *reversed(lines[1:])]


def swapped_rows(lines: list[str]) -> list[str]:
    lines[99], lines[100] = lines[100], lines[99]  # hours 98 and 99, file lines 100 and 101
    return lines


def text_hours(lines: list[str]) -> list[str]:
    return [lines[0], *(set_cell(line, 0, f"h{line.split(',')[0]}") for line in lines[1:])]


def no_hour_column(lines: list[str]) -> list[str]:
    return [line.split(",", 1)[1] for line in lines]


@pytest.mark.parametrize(
    "spoil, line, found",
    [
        (reversed_rows, "line 2", "found '8759'"),
        (swapped_rows, "line 100", "found '99'"),
        (text_hours, "line 2", "found 'h0'"),
        (no_hour_column, "line 1", "required column is missing"),
    ],
)
def test_hour_column_must_hold_the_hours_in_order(case, spoil, line, found):
    write_lines(case, "grid_price_factor.csv", spoil(lines_of(case, "grid_price_factor.csv")))
    issue = only_issue(problems(case), "grid_price_factor.csv")
    assert (issue.location, issue.field) == (line, "hour")
    assert found in issue.message


def test_bad_hour_exits_2_naming_file_line_and_field(case):
    write_lines(case, "solar_cf.csv", swapped_rows(lines_of(case, "solar_cf.csv")))
    run = subprocess.run(
        [sys.executable, "-m", "aidc.optimizer", "validate", str(case / "scenario.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert "solar_cf.csv, line 100, field 'hour': expected hour 98" in run.stderr


# 5. load and price multipliers average 1


@pytest.mark.parametrize(
    "name, column, scale, mean",
    [("load.csv", "us-west/batch", 10.0, "10.0000"), ("grid_price_factor.csv", "texas", 0.0, "0.0000")],
)
def test_multiplier_columns_must_average_one(case, name, column, scale, mean):
    lines = lines_of(case, name)
    position = lines[0].split(",").index(column)
    lines = [
        lines[0],
        *(set_cell(line, position, f"{float(line.split(',')[position]) * scale:.3f}") for line in lines[1:]),
    ]
    write_lines(case, name, lines)
    issue = only_issue(problems(case), name)
    assert issue.field == column
    assert f"mean over the year is {mean}; expected 1" in issue.message
