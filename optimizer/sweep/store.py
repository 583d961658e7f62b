"""A sweep's output folder: one JSON file per finished case, written atomically as soon as the
case finishes, gathered into one Parquet table.

    OUT/sweep.json            what was swept (base scenario, common changes, solve options)
    OUT/cases/<id>.json       one case: status, error, parameter values, metrics
    OUT/tables/<id>/*.parquet  the case's plan tables (with --tables)
    OUT/results.parquet       every case of the spec, one row each
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.results.atomic import exchange, to_json, write_text_atomic
from aidc.optimizer.results.run_folder import write_tables

MANIFEST = "sweep.json"
CASES = "cases"
TABLES = "tables"
RESULTS = "results.parquet"
FINISHED = ("ok", "failed")


def case_path(out: Path, case_id: str) -> Path:
    return out / CASES / f"{case_id}.json"


def open_store(out: Path, manifest: dict[str, Any], resume: bool) -> None:
    """Create the folder; on resume, refuse a folder that holds a different sweep."""
    (out / CASES).mkdir(parents=True, exist_ok=True)
    path = out / MANIFEST
    if resume and path.is_file():
        previous = json.loads(path.read_text(encoding="utf-8"))
        changed = sorted(key for key in manifest if key != "name" and previous.get(key) != manifest[key])
        if changed:
            raise InputError(
                [
                    InputIssue(
                        str(path),
                        "",
                        ",".join(changed),
                        "this folder holds a sweep with a different base, changes or solve options; "
                        "resume with the same ones or use another --out",
                    )
                ]
            )
    write_text_atomic(path, to_json(manifest))


def write_case(out: Path, record: dict[str, Any]) -> None:
    """Write one case (its tables first, then its JSON file, which marks it finished)."""
    record = dict(record)
    tables = record.pop("tables", None)
    if tables is not None:
        _write_case_tables(out / TABLES / record["case_id"], record["case_id"], tables)
    write_text_atomic(case_path(out, record["case_id"]), to_json(record))


def _write_case_tables(folder: Path, case_id: str, tables: dict[str, pd.DataFrame]) -> None:
    """A case's plan tables (Parquet), staged beside ``folder`` and renamed into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{case_id}.", dir=folder.parent))
    try:
        write_tables(staging, {"case_id": case_id}, tables, "parquet")
        if folder.exists():
            exchange(staging, folder)
            shutil.rmtree(staging)
        else:
            os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_case(path: Path) -> dict[str, Any] | None:
    """A case file's record, or None if it is unreadable or not a finished case."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("status") not in FINISHED or path.stem != record.get("case_id"):
        return None
    return record


def finished_ids(out: Path) -> set[str]:
    """Ids of the cases already recorded (ok or failed); leftovers of interrupted writes are removed."""
    folder = out / CASES
    if not folder.is_dir():
        return set()
    for leftover in folder.glob(".*"):
        leftover.unlink(missing_ok=True)
    return {path.stem for path in folder.glob("*.json") if read_case(path) is not None}


def read_records(out: Path, case_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Records of the finished cases (only ``case_ids`` if given), in that order."""
    paths = (
        [case_path(out, case_id) for case_id in case_ids]
        if case_ids is not None
        else sorted((out / CASES).glob("*.json"))
    )
    records = [read_case(path) for path in paths if path.is_file()]
    return [record for record in records if record is not None]


def _cell(value: Any) -> Any:
    """A Parquet-friendly cell: scalars as they are, anything else as JSON text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, sort_keys=True)


def records_frame(records: list[dict[str, Any]], parameters: Iterable[str] = ()) -> pd.DataFrame:
    """One row per case: ``case_id``, ``status``, ``error``, ``param_<name>`` (NaN = base value),
    metrics in the units of their names, ``sites`` and ``accelerator_mix`` (';'-joined ids)."""
    names = list(parameters) or sorted({name for record in records for name in record.get("values", {})})
    rows = []
    for record in records:
        row = {"case_id": record["case_id"], "status": record["status"], "error": record.get("error")}
        row.update({f"param_{name}": _cell(record.get("values", {}).get(name)) for name in names})
        skip = {"case_id", "status", "error", "values", "traceback", "sites", "accelerators_last_year"}
        skip.add("throughput_weighted_mix")
        row.update({key: _cell(value) for key, value in record.items() if key not in skip})
        row["sites"] = ";".join(record.get("sites") or []) if record["status"] == "ok" else None
        mix = record.get("accelerators_last_year") or {}
        row["accelerator_mix"] = ";".join(sorted(mix)) if record["status"] == "ok" else None
        row.update({f"accelerators_{a}": n for a, n in mix.items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["case_id", "status", "error"])
    counts = [column for column in frame.columns if column.startswith("accelerators_")]
    frame[counts] = frame[counts].fillna(0)
    return frame


def gather(out: Path, case_ids: Iterable[str] | None = None, parameters: Iterable[str] = ()) -> pd.DataFrame:
    """Collect the case files into ``results.parquet`` (written atomically) and return the frame."""
    frame = records_frame(read_records(out, case_ids), parameters)
    handle, temporary = tempfile.mkstemp(prefix=f".{RESULTS}.", dir=out)
    os.close(handle)
    try:
        frame.to_parquet(temporary, index=False)
        os.replace(temporary, out / RESULTS)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return frame


def load_results(out: str | Path) -> pd.DataFrame:
    """A sweep's results as one pandas DataFrame (from ``results.parquet``, else from the case files)."""
    out = Path(out)
    if (out / RESULTS).is_file():
        return pd.read_parquet(out / RESULTS)
    return records_frame(read_records(out))


def query(out: str | Path, sql: str) -> pd.DataFrame:
    """Run DuckDB SQL over the results; the table is called ``results``.

    >>> query("out/sweep", "SELECT param_power, avg(cost_per_mtok_usd) FROM results GROUP BY 1")  # doctest: +SKIP
    """
    import duckdb

    path = str(Path(out) / RESULTS).replace("'", "''")
    with duckdb.connect() as connection:
        connection.execute(f"CREATE VIEW results AS SELECT * FROM read_parquet('{path}')")
        return connection.execute(sql).df()
