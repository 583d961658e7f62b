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
from aidc.optimizer.results.output_target import claimed_folder

SUMMARY_FILE = "summary.json"
SUMMARY_KEYS: dict[str, type | tuple[type, ...]] = {
    "cost_per_mtok_usd": (int, float, type(None)),
    "cost_breakdown_usd": dict,
    "years": list,
}
MAX_TABLE_BYTES = 2_000_000_000  # a run folder's table larger than this is refused, not read


def write_tables(folder: Path, summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], fmt: str) -> None:
    """Write every table and ``summary.json`` into ``folder`` (a staging folder)."""
    for name, frame in tables.items():
        if fmt == "parquet":
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            frame.to_csv(folder / f"{name}.csv", index=False, float_format="%.10g")
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
        write_tables(staging, summary, tables, fmt)
    return Path(out_dir).resolve()


def write_files(out_dir: str | Path, kind: str, files: Mapping[str, bytes], *, protect: Iterable[Path] = ()) -> Path:
    """Write ``files`` (name -> bytes) as a ``kind`` folder at ``out_dir`` atomically."""
    with claimed_folder(out_dir, kind, protect=protect) as staging:
        for name, content in files.items():
            (staging / name).write_bytes(content)
    return Path(out_dir).resolve()


def read_run(run_dir: Path) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The summary and tables of a run folder (no checks; see :func:`load_run`)."""
    summary = json.loads((run_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    tables = {}
    for path in sorted(run_dir.iterdir()):
        if path.suffix == ".csv":
            tables[path.stem] = pd.read_csv(path)
        elif path.suffix == ".parquet":
            tables[path.stem] = pd.read_parquet(path)
    return summary, tables


def load_run(
    run_dir: str | Path, required: Mapping[str, Iterable[str]] | Iterable[str] = ()
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The summary and tables of a run folder; :class:`InputError` if the folder is missing, not a
    run, unreadable, or a ``required`` table (name, or name -> columns) is missing or lacks a column."""
    folder = Path(run_dir)
    where = str(folder)
    if not folder.is_dir():
        raise InputError([InputIssue(where, "", "", "no such run folder (write one with `aidc solve --out DIR`)")])
    if not (folder / SUMMARY_FILE).is_file():
        message = "missing: this is not a run folder from `aidc solve --out`"
        raise InputError([InputIssue(where, "", SUMMARY_FILE, message)])
    too_big = [p.name for p in folder.iterdir() if p.is_file() and p.stat().st_size > MAX_TABLE_BYTES]
    if too_big:
        raise InputError([InputIssue(where, "", too_big[0], "file too large for a run folder")])
    try:
        summary, tables = read_run(folder)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError) as error:
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
    columns = required if isinstance(required, Mapping) else {name: () for name in required}
    for name, needed in columns.items():
        if name not in tables:
            issues.append(InputIssue(where, "", f"{name}.csv", "missing table"))
            continue
        absent = [column for column in needed if column not in tables[name].columns]
        if absent:
            issues.append(InputIssue(where, f"{name}.csv", ",".join(absent), "missing column(s)"))
    if issues:
        raise InputError(issues)
    return summary, tables
