"""Read the 8,760-hour series a scenario's ``hourly_series`` catalog names.

Each catalog row names a file (beside the catalog) and a column in it, with its quantity
(temperature, solar, wind, grid_price, load) and unit. Every named file is a strict CSV (read by
:func:`~aidc.optimizer.inputs.csv_reader.read_csv_table`: UTF-8, ``,``-separated, column names
once each) with an ``hour`` column holding 0..8759 in order (hours of a non-leap year, UTC, from
1 January 00:00), one row per hour, of finite numbers; capacity factors lie in [0, 1], price and
load multipliers are >= 0 and average 1 over the year (within MEAN_TOLERANCE), temperatures lie in
[-60, 60] C. Problems name the file's own line (1 = the header; blank lines counted).
"""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pandas as pd

from aidc.optimizer.errors import InputIssue, plain
from aidc.optimizer.inputs.csv_reader import CsvTable, read_csv_table

HOURS_PER_YEAR = 8760
HOUR_COLUMN = "hour"
RANGES = {
    "temperature": (-60.0, 60.0),
    "solar": (0.0, 1.0),
    "wind": (0.0, 1.0),
    "grid_price": (0.0, 50.0),
    "load": (0.0, 50.0),
}
# multipliers on an annual mean: the shipped files are rounded to 0.001 with largest-remainder
# rounding, so their means are 1.000 exactly (inputs/hourly/README.md)
UNIT_MEAN = ("grid_price", "load")
MEAN_TOLERANCE = 0.005
MAX_FILE_BYTES = 50_000_000
MAX_ISSUES_PER_FILE = 5


def read_hourly_series(
    tables: dict[str, pd.DataFrame], sources: dict[str, Path], lines: list[int] | None = None
) -> tuple[dict[str, pd.DataFrame], list[InputIssue]]:
    """quantity -> DataFrame (8,760 rows, one column per series) and the problems found.

    ``lines`` is the file line of each row of the ``hourly_series`` catalog (as the catalog loader
    keeps them); when not given, they are read again from the catalog file."""
    catalog = tables.get("hourly_series")
    if catalog is None or catalog.empty:
        return {}, []
    index_file = sources["hourly_series"]
    folder = index_file.parent
    places = _catalog_places(index_file, len(catalog), lines)
    series: dict[str, dict[str, np.ndarray]] = {}
    issues: list[InputIssue] = []
    files: dict[str, CsvTable | None] = {}
    for position, row in enumerate(catalog.to_dict("records")):
        if row["quantity"] == "hour":
            continue
        where = places[position]
        path = (folder / row["file"]).resolve()
        if not path.is_relative_to(folder.resolve()) or path.suffix.lower() != ".csv":
            issues.append(InputIssue(str(index_file), where, "file", "expected a .csv beside the catalog"))
            continue
        if row["file"] not in files:
            files[row["file"]] = _read_file(path, issues)
        table = files[row["file"]]
        if table is None:
            continue
        column = row["column"]
        if column not in table.header:
            issues.append(
                InputIssue(str(path), "line 1", column, f"no such column (named by {index_file.name}, {where})")
            )
            continue
        values = _column_values(path, table, column, row["quantity"], issues)
        if values is not None:
            series.setdefault(row["quantity"], {})[column] = values
    hourly = {quantity: pd.DataFrame(columns) for quantity, columns in series.items()}
    return hourly, issues


def _catalog_places(index_file: Path, rows: int, lines: list[int] | None) -> list[str]:
    """Where each row of the catalog is: its file line (blank lines and multi-line quoted cells
    counted), else its row number."""
    if lines is None or len(lines) != rows:
        table, _ = read_csv_table(index_file) if index_file.is_file() else (None, [])
        lines = table.lines if table is not None else None
    if lines is not None and len(lines) == rows:
        return [f"line {line}" for line in lines]
    return [f"row {position + 1}" for position in range(rows)]


def _read_file(path: Path, issues: list[InputIssue]) -> CsvTable | None:
    """The table of one hourly file with its ``hour`` column checked, or None (issues added)."""
    file = str(path)
    try:
        status = path.stat()
    except FileNotFoundError:
        issues.append(InputIssue(file, "", "", "file does not exist"))
        return None
    except OSError as error:
        issues.append(InputIssue(file, "", "", f"cannot be read: {error.strerror or error}"))
        return None
    if stat.S_ISDIR(status.st_mode):
        issues.append(InputIssue(file, "", "", "is a directory; expected a CSV file"))
        return None
    if not stat.S_ISREG(status.st_mode):
        issues.append(InputIssue(file, "", "", "is not a regular file (a pipe or device?); expected a CSV file"))
        return None
    if status.st_size > MAX_FILE_BYTES:
        issues.append(InputIssue(file, "", "", f"larger than {MAX_FILE_BYTES // 1_000_000} MB"))
        return None
    try:
        table, found = read_csv_table(path)
    except OSError as error:
        issues.append(InputIssue(file, "", "", f"cannot be read: {error.strerror or error}"))
        return None
    if found:
        issues += found[:MAX_ISSUES_PER_FILE]
        if len(found) > MAX_ISSUES_PER_FILE:
            issues.append(InputIssue(file, "", "", f"... and {len(found) - MAX_ISSUES_PER_FILE} more such problems"))
        return None
    assert table is not None
    hour_issue = _hour_issue(file, table)
    if hour_issue:
        issues.append(hour_issue)
        return None
    return table


def _hour_issue(file: str, table: CsvTable) -> InputIssue | None:
    """The first break of the rule: an ``hour`` column holding 0..8759 in order, one row each."""
    if HOUR_COLUMN not in table.header:
        return InputIssue(
            file, "line 1", HOUR_COLUMN, f"required column is missing (hours 0..{HOURS_PER_YEAR - 1}, one row each)"
        )
    for expected, (line, row) in enumerate(zip(table.lines, table.rows, strict=True)):
        cell = row[HOUR_COLUMN]
        if expected >= HOURS_PER_YEAR:
            return InputIssue(
                file, f"line {line}", HOUR_COLUMN, f"more than {HOURS_PER_YEAR} rows (hours); expected one row per hour"
            )
        try:
            found = float(cell)
        except ValueError:
            found = None
        if found != expected:
            hint = " (rows missing, repeated or out of order?)" if found is not None else ""
            return InputIssue(
                file,
                f"line {line}",
                HOUR_COLUMN,
                f"expected hour {expected} (hours 0..{HOURS_PER_YEAR - 1} in order), found {_quoted(cell)}{hint}",
            )
    if len(table.rows) < HOURS_PER_YEAR:
        return InputIssue(
            file, "", HOUR_COLUMN, f"expected {HOURS_PER_YEAR} rows (hours 0..8759), found {len(table.rows)}"
        )
    return None


def _column_values(
    path: Path, table: CsvTable, column: str, quantity: str, issues: list[InputIssue]
) -> np.ndarray | None:
    """The numbers of one column, or None when one is out of its range or the mean is off."""
    cells = [row[column] for row in table.rows]
    values = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(float)
    low, high = RANGES[quantity]
    bad = np.flatnonzero(~np.isfinite(values) | (values < low) | (values > high))
    if len(bad):
        first = int(bad[0])
        issues.append(
            InputIssue(
                str(path),
                f"line {table.lines[first]}",
                column,
                f"expected a number in [{low}, {high}] ({quantity}), found {_quoted(cells[first])}; "
                f"{len(bad)} bad value(s)",
            )
        )
        return None
    if quantity in UNIT_MEAN:
        mean = float(values.mean())
        if abs(mean - 1.0) > MEAN_TOLERANCE:
            issues.append(
                InputIssue(
                    str(path),
                    "",
                    column,
                    f"mean over the year is {mean:.4f}; expected 1 (a multiplier on the annual mean, "
                    f"{quantity}; within {MEAN_TOLERANCE})",
                )
            )
            return None
    return values


def _quoted(cell: str) -> str:
    return "an empty cell" if cell == "" else plain(cell)
