"""Read the 8,760-hour series a scenario's ``hourly_series`` catalog names.

Each catalog row names a file (beside the catalog) and a column in it, with its quantity
(temperature, solar, wind, grid_price, load) and unit. Every named file must have exactly 8,760
rows (hours of a non-leap year, UTC, from 1 January 00:00) of finite numbers; capacity factors lie
in [0, 1], price and load multipliers are >= 0, temperatures in [-60, 60] C.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from aidc.optimizer.errors import InputIssue

HOURS_PER_YEAR = 8760
RANGES = {
    "temperature": (-60.0, 60.0),
    "solar": (0.0, 1.0),
    "wind": (0.0, 1.0),
    "grid_price": (0.0, 50.0),
    "load": (0.0, 50.0),
}
MAX_FILE_BYTES = 50_000_000


def read_hourly_series(
    tables: dict[str, pd.DataFrame], sources: dict[str, Path]
) -> tuple[dict[str, pd.DataFrame], list[InputIssue]]:
    """quantity -> DataFrame (8,760 rows, one column per series) and the problems found."""
    catalog = tables.get("hourly_series")
    if catalog is None or catalog.empty:
        return {}, []
    folder = sources["hourly_series"].parent
    series: dict[str, dict[str, np.ndarray]] = {}
    issues: list[InputIssue] = []
    frames: dict[str, pd.DataFrame | None] = {}
    for index, row in catalog.iterrows():
        if row["quantity"] == "hour":
            continue
        where = f"line {index + 2}"
        path = (folder / row["file"]).resolve()
        if not path.is_relative_to(folder.resolve()) or path.suffix.lower() != ".csv":
            issues.append(
                InputIssue(str(sources["hourly_series"]), where, "file", "expected a .csv beside the catalog")
            )
            continue
        if row["file"] not in frames:
            frames[row["file"]] = _read_file(path, issues)
        frame = frames[row["file"]]
        if frame is None:
            continue
        if row["column"] not in frame.columns:
            issues.append(InputIssue(str(path), "line 1", row["column"], "no such column"))
            continue
        values = pd.to_numeric(frame[row["column"]], errors="coerce").to_numpy(float)
        low, high = RANGES[row["quantity"]]
        bad = np.flatnonzero(~np.isfinite(values) | (values < low) | (values > high))
        if len(bad):
            issues.append(
                InputIssue(
                    str(path),
                    f"line {bad[0] + 2}",
                    row["column"],
                    f"expected a number in [{low}, {high}] ({row['quantity']}); {len(bad)} bad value(s)",
                )
            )
            continue
        series.setdefault(row["quantity"], {})[row["column"]] = values
    hourly = {quantity: pd.DataFrame(columns) for quantity, columns in series.items()}
    return hourly, issues


def _read_file(path: Path, issues: list[InputIssue]) -> pd.DataFrame | None:
    if not path.is_file():
        issues.append(InputIssue(str(path), "", "", "file does not exist"))
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        issues.append(InputIssue(str(path), "", "", f"larger than {MAX_FILE_BYTES // 1_000_000} MB"))
        return None
    try:
        frame = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        issues.append(InputIssue(str(path), "", "", f"not a readable CSV file: {str(error)[:200]}"))
        return None
    if len(frame) != HOURS_PER_YEAR:
        issues.append(InputIssue(str(path), "", "", f"expected {HOURS_PER_YEAR} rows (hours), found {len(frame)}"))
        return None
    return frame
