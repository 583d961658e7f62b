"""Run folders: a solved plan's tables and ``summary.json``, written atomically into a claimed
output target and read back with clear errors.

    RUN/.aidc-folder     marker (kind: run)
    RUN/summary.json     the summary
    RUN/<table>.csv      one file per table (or .parquet)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.results.atomic import to_json
from aidc.optimizer.results.output_target import claimed_folder, write_failure

SUMMARY_FILE = "summary.json"
ROWS_FILE = ".aidc-rows.json"  # rows of each table as written: a table cut short is refused
SUMMARY_KEYS: dict[str, type | tuple[type, ...]] = {
    "cost_per_mtok_usd": (int, float, type(None)),
    "cost_breakdown_usd": dict,
    "years": list,
}
MAX_TABLE_BYTES = 2_000_000_000  # a run folder's table larger than this is refused, not read
RUN_COLUMNS: dict[str, tuple[str, ...]] = {
    "accelerators": ("site", "accelerator", "cooling", "year", "accelerators"),
    "capacity": ("site", "cooling", "year", "it_capacity_mw"),
    "network": ("site", "cooling", "interconnect", "year", "ports", "medium"),
    "energy": ("site", "option", "year", "slice", "mw", "mwh", "emissions_t"),
    "power": ("site", "cooling", "year", "slice", "it_mw", "facility_mw"),
    "serving": ("site", "region", "workload", "year", "slice", "mtok_per_s", "mtok"),
    "demand": (
        "region",
        "workload",
        "year",
        "slice",
        "demand_mtok_per_s",
        "unserved_mtok_per_s",
        "demand_mtok",
        "unserved_mtok",
    ),
    "marginal_costs": ("region", "workload", "year", "usd_per_mtok"),
    "site_locations": ("site", "latitude", "longitude"),
    "region_locations": ("region", "latitude", "longitude"),
    "cooling_designs": ("cooling", "kind"),
    "sites": ("site", "year", "open", "cooling", "it_capacity_mw"),
}
"""Columns of the run folder's tables that reports and comparisons read."""
ID_COLUMNS = ("site", "accelerator", "cooling", "interconnect", "medium", "option", "region", "workload", "kind")


def write_tables(folder: Path, summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], fmt: str) -> None:
    """Write every table and ``summary.json`` into ``folder`` (a staging folder)."""
    for name, frame in tables.items():
        if fmt == "parquet":
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            frame.to_csv(folder / f"{name}.csv", index=False, float_format="%.10g")
    (folder / ROWS_FILE).write_text(to_json({name: len(frame) for name, frame in tables.items()}), encoding="utf-8")
    (folder / SUMMARY_FILE).write_text(to_json(dict(summary)), encoding="utf-8")


def write_run(
    out_dir: str | Path,
    summary: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    fmt: str = "csv",
    *,
    protect: Iterable[Path] = (),
) -> Path:
    """Write a run folder at ``out_dir`` atomically (claimed, staged, swapped into place)."""
    with claimed_folder(out_dir, "run", protect=protect) as staging:
        try:
            write_tables(staging, summary, tables, fmt)
        except OSError as error:
            raise write_failure(Path(out_dir), error) from None
    return Path(out_dir).resolve()


def write_files(out_dir: str | Path, kind: str, files: Mapping[str, bytes], *, protect: Iterable[Path] = ()) -> Path:
    """Write ``files`` (name -> bytes) as a ``kind`` folder at ``out_dir`` atomically."""
    with claimed_folder(out_dir, kind, protect=protect) as staging:
        try:
            for name, content in files.items():
                (staging / name).write_bytes(content)
        except OSError as error:
            raise write_failure(Path(out_dir), error) from None
    return Path(out_dir).resolve()


def read_run(run_dir: Path, names: Iterable[str] | None = None) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The summary and tables (every table, or only ``names``) of a run folder (no checks; see
    :func:`load_run`)."""
    summary = json.loads((run_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    wanted = None if names is None else set(names)
    tables = {}
    for path in sorted(run_dir.iterdir()):
        if (wanted is not None and path.stem not in wanted) or not path.is_file():
            continue
        if path.suffix == ".csv":
            tables[path.stem] = pd.read_csv(path)
        elif path.suffix == ".parquet":
            tables[path.stem] = pd.read_parquet(path)
    return summary, tables


def load_run(
    run_dir: str | Path,
    required: Mapping[str, Iterable[str]] | Iterable[str] = (),
    optional: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The summary and tables of a run folder (with ``required``, only those and the ``optional``
    ones); :class:`InputError` if the folder is missing, not a run, unreadable, too large, or a
    ``required`` table (name, or name -> columns) is missing, lacks a column or holds text where a
    plan has numbers."""
    folder = Path(run_dir)
    where = str(folder)
    if not folder.is_dir():
        raise InputError([InputIssue(where, "", "", "no such run folder (write one with `aidc solve --out DIR`)")])
    if not (folder / SUMMARY_FILE).is_file():
        message = "missing: this is not a run folder from `aidc solve --out`"
        raise InputError([InputIssue(where, "", SUMMARY_FILE, message)])
    columns = required if isinstance(required, Mapping) else {name: () for name in required}
    names = None if not columns else {*columns, *optional}
    files = [
        p for p in folder.iterdir() if p.is_file() and (names is None or p.stem in names or p.name == SUMMARY_FILE)
    ]
    too_big = [p.name for p in files if p.stat().st_size > MAX_TABLE_BYTES]
    if too_big:
        raise InputError([InputIssue(where, "", too_big[0], f"file larger than {MAX_TABLE_BYTES:,} bytes")])
    try:
        summary, tables = read_run(folder, names)
    except MemoryError:
        raise
    except Exception as error:  # whatever a parser says about a file that is not what we wrote
        detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise InputError([InputIssue(where, "", "", f"unreadable run folder: {detail}")]) from None
    issues = []
    if not isinstance(summary, dict):
        issues.append(InputIssue(where, "", SUMMARY_FILE, "expected a JSON object"))
    else:
        for key, kind in SUMMARY_KEYS.items():
            if key not in summary:
                issues.append(InputIssue(where, SUMMARY_FILE, key, "missing from the summary"))
            elif not isinstance(summary[key], kind) or isinstance(summary[key], bool):
                issues.append(InputIssue(where, SUMMARY_FILE, key, "has the wrong type"))
    issues += _row_count_issues(folder, tables)
    for name, needed in columns.items():
        if name not in tables:
            issues.append(InputIssue(where, "", f"{name}.csv", "missing table"))
            continue
        frame = tables[name]
        absent = [column for column in needed if column not in frame.columns]
        if absent:
            issues.append(InputIssue(where, f"{name}.csv", ",".join(absent), "missing column(s)"))
        not_numbers = [c for c in needed if c in frame.columns and c not in ID_COLUMNS and not _numeric(frame[c])]
        if not_numbers:
            issues.append(InputIssue(where, f"{name}.csv", ",".join(not_numbers), "expected numbers in the column(s)"))
    if issues:
        raise InputError(issues)
    return summary, tables


def _row_count_issues(folder: Path, tables: Mapping[str, pd.DataFrame]) -> list[InputIssue]:
    """Tables whose rows differ from what aidc wrote (``ROWS_FILE``): a file cut short or edited.
    A folder written before the counts were kept is not checked."""
    try:
        written = json.loads((folder / ROWS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(written, dict):
        return []
    return [
        InputIssue(
            str(folder),
            name,
            "rows",
            f"holds {len(frame)} rows where aidc wrote {written[name]}: the file was cut short or changed",
        )
        for name, frame in tables.items()
        if isinstance(written.get(name), int) and len(frame) != written[name]
    ]


def _numeric(column: pd.Series) -> bool:
    return (
        column.empty
        or column.isna().all()
        or (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column))
    )
