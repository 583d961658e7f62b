"""A sweep's output folder: one JSON file per finished case, written atomically as soon as the
case finishes, gathered into one Parquet table.

    OUT/sweep.json            what was swept (base scenario, common changes, solve options)
    OUT/cases/<id>.json       one case: status, error, parameter values, metrics
    OUT/tables/<id>/*.parquet  the case's plan tables (with --tables)
    OUT/results.parquet       every case of the spec, one row each
    OUT/.aidc-earlier-sweep/  the sweep the folder held before a run without --resume, kept
                              until that run completes (then removed)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

import pandas as pd

from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.results.atomic import deferred_interrupts, exchange, to_json, write_text_atomic
from aidc.optimizer.results.run_folder import write_tables

MANIFEST = "sweep.json"
CASES = "cases"
TABLES = "tables"
RESULTS = "results.parquet"
FINISHED = ("ok", "failed")
OUTPUTS = (MANIFEST, CASES, TABLES, RESULTS, "tornado.csv", "regime_changes.csv", "influence.csv")
"""What aidc writes in a sweep folder (``aidc sensitivity`` adds ``influence.csv``)."""
PARKED = ".aidc-earlier-sweep"
"""The sweep the folder held before a run without --resume, kept until that run completes."""
_PARKING = ".aidc-parking-"  # prefix: an earlier sweep on its way into PARKED
_DISCARDED = ".aidc-discarded-"  # prefix: entries on their way out, removed as a whole
MAX_CASE_BYTES = 10 * 2**20  # a case file is a few kB


def case_path(out: Path, case_id: str) -> Path:
    return out / CASES / f"{case_id}.json"


def open_store(out: Path, manifest: dict[str, Any], resume: bool) -> None:
    """Create the folder. On resume, refuse a folder that holds a different sweep (other base,
    common changes, solve options or input files' contents) or none (a parked earlier sweep is
    not looked at). Without resume the sweep starts afresh, but nothing is lost: the earlier
    sweep's files are moved into ``OUT/.aidc-earlier-sweep/`` (:func:`park_earlier`), which
    :func:`drop_parked` removes once a run of this folder completes."""
    _recover(out)
    path = out / MANIFEST
    current = json.loads(to_json(manifest))  # as it reads back from the file (keys as text)
    if resume and (path.exists() or any((out / CASES).glob("*.json"))):
        previous = _read_manifest(path)
        changed = sorted(key for key in current if key != "name" and previous.get(key) != current[key])
        if changed:
            files = _changed_files(previous.get("input_sha256"), current["input_sha256"])
            detail = f" (changed since: {', '.join(files[:5])})" if files else ""
            earlier = parked(out)
            detail += f"; the sweep it held before is kept in {earlier}" if earlier else ""
            raise InputError(
                [
                    InputIssue(
                        str(path),
                        "",
                        ",".join(changed),
                        "this folder holds a sweep with a different base, changes, solve options or input "
                        f"files{detail}; resume with the same ones or use another --out",
                    )
                ]
            )
    elif not resume:
        park_earlier(out)
    (out / CASES).mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, to_json(manifest))


def _entries(out: Path) -> list[Path]:
    """The entries aidc wrote in the sweep folder ``out`` (its outputs and the temporary files of
    interrupted writes); not the folder's marker, a parked earlier sweep, nor anything else."""
    if not out.is_dir():
        return []
    temporary = tuple(f".{name}." for name in OUTPUTS)
    return sorted(
        path
        for path in out.iterdir()
        if path.name in OUTPUTS or (path.name.startswith(temporary) and not path.is_dir())
    )


def parked(out: Path) -> Path | None:
    """The earlier sweep kept in ``out`` by a run without --resume that has not completed, if any."""
    folder = out / PARKED
    return folder if folder.is_dir() and not folder.is_symlink() else None


def park_earlier(out: Path) -> None:
    """Start a sweep afresh in ``out`` without losing the earlier one: move the earlier sweep's
    entries (:func:`_entries`) into ``OUT/.aidc-earlier-sweep/`` in one step (renames in a folder
    staged beside it, the staged folder renamed into place; Ctrl-C is held meanwhile). If an
    earlier sweep is parked already (a run without --resume was interrupted), that one is kept,
    as the last sweep the folder held, and the interrupted run's partial entries are removed."""
    entries = _entries(out)
    if not entries:
        return
    with deferred_interrupts():
        if parked(out) is not None:
            _discard(out, entries)
            return
        staging = Path(tempfile.mkdtemp(prefix=_PARKING, dir=out))
        os.chmod(staging, 0o755)
        try:
            for entry in entries:
                os.rename(entry, staging / entry.name)
            os.rename(staging, out / PARKED)
        except BaseException:
            _restore(out, staging)
            raise


def drop_parked(out: Path) -> None:
    """Remove the parked earlier sweep (the run that replaced it has completed): renamed out of
    the way in one step, then deleted, so an interruption never leaves half an earlier sweep.
    If it cannot be renamed it stays where it is (and :func:`parked` still names it)."""
    folder = parked(out)
    if folder is None or user_files(folder):  # the user's own files in it: it stays, named
        return
    with deferred_interrupts():
        try:
            trash = Path(tempfile.mkdtemp(prefix=_DISCARDED, dir=out))
        except OSError:
            return  # it stays; the next run that completes removes it
        try:
            os.replace(folder, trash)  # onto the empty folder just made
        except OSError:
            with suppress(OSError):
                trash.rmdir()
            return
    shutil.rmtree(trash, ignore_errors=True)


_CASE_FILE = re.compile(r"^\.?[0-9a-f]{12}\.json(\..*)?$")  # a case file, or its temporary file
_CASE_TABLES = re.compile(r"^\.?[0-9a-f]{12}(\..*)?$")  # a case's table folder, or its staging


def user_files(sweep: Path) -> list[str]:
    """Entries of a (parked) sweep folder that aidc does not write there: the user's own, never
    removed with it."""
    found = []
    for entry in _entries_below(sweep):
        parts = entry.relative_to(sweep).parts
        if parts[0] in OUTPUTS and len(parts) == 1:
            continue
        if parts[0] == CASES and (len(parts) == 1 or (len(parts) == 2 and _CASE_FILE.match(parts[1]))):
            continue
        if parts[0] == TABLES and (len(parts) == 1 or _CASE_TABLES.match(parts[1])):
            continue
        if len(parts) == 1 and parts[0].startswith(tuple(f".{name}." for name in OUTPUTS)):
            continue
        found.append(str(entry.relative_to(sweep)))
    return found


def _entries_below(folder: Path) -> list[Path]:
    return [Path(root) / name for root, folders, files in os.walk(folder) for name in folders + files]


def _discard(out: Path, entries: list[Path]) -> None:
    """Remove ``entries`` of ``out``: moved into one folder in one step each, then deleted."""
    trash = Path(tempfile.mkdtemp(prefix=_DISCARDED, dir=out))
    for entry in entries:
        os.rename(entry, trash / entry.name)
    shutil.rmtree(trash, ignore_errors=True)


def _restore(out: Path, staging: Path) -> None:
    """Put back into ``out`` what a parking that did not finish had moved into ``staging``."""
    for entry in list(staging.iterdir()):
        if not os.path.lexists(out / entry.name):
            os.rename(entry, out / entry.name)
    with suppress(OSError):
        staging.rmdir()


def _recover(out: Path) -> None:
    """Finish what a killed process left half done in ``out``: an earlier sweep it was parking
    goes back where it was (it is parked again, whole, if this run starts afresh), entries it was
    discarding are removed."""
    if not out.is_dir():
        return
    for leftover in out.glob(f"{_PARKING}*"):
        if leftover.is_dir() and not leftover.is_symlink():
            _restore(out, leftover)
    for leftover in out.glob(f"{_DISCARDED}*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def _changed_files(previous: Any, current: dict[str, str]) -> list[str]:
    """Names of the input files whose contents differ from the earlier sweep's (or are new)."""
    previous = previous if isinstance(previous, dict) else {}
    return [Path(name).name for name, digest in current.items() if previous.get(name) != digest]


def _read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of an earlier sweep in the folder; InputError if it is missing or unreadable."""
    try:
        regular = path.is_file() and path.stat().st_size <= MAX_CASE_BYTES
        previous = json.loads(path.read_text(encoding="utf-8")) if regular else None
    except (OSError, ValueError, RecursionError):
        previous = None
    if not isinstance(previous, dict):
        raise InputError(
            [
                InputIssue(
                    str(path),
                    "",
                    "",
                    "missing or unreadable, so what this folder's cases were computed from is unknown; "
                    "run without --resume to start again, or use another --out",
                )
            ]
        )
    return previous


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
    """A case file's record, or None if it is unreadable, not a finished case or not shaped like
    one (a corrupt file is not a result: the case runs again on --resume)."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_CASE_BYTES:  # not a FIFO, device or folder
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("status") not in FINISHED or path.stem != record.get("case_id"):
        return None
    shapes = {"values": dict, "sites": list, "accelerators_last_year": dict, "error": str}
    for key, kind in shapes.items():
        if record.get(key) is not None and not isinstance(record[key], kind):
            return None
    mix = record.get("accelerators_last_year") or {}
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in mix.values()):
        return None
    if not all(isinstance(site, str) for site in record.get("sites") or []):
        return None
    return record


def corrupt_cases(out: Path, case_ids: Iterable[str]) -> list[str]:
    """Ids of ``case_ids`` whose file exists but cannot be read as a finished case."""
    return [
        case_id
        for case_id in case_ids
        if case_path(out, case_id).exists() and read_case(case_path(out, case_id)) is None
    ]


def finished_ids(out: Path) -> set[str]:
    """Ids of the cases already recorded (ok or failed); leftovers of interrupted writes are removed."""
    folder = out / CASES
    if not folder.is_dir():
        return set()
    for leftover in folder.glob(".*"):
        if leftover.is_file() or leftover.is_symlink():
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
    """A Parquet-friendly cell: scalars as they are (integers beyond 64 bits as text), anything
    else as JSON text."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, sort_keys=True)


def _one_type(column: pd.Series) -> pd.Series:
    """A column Parquet can store: values of mixed kinds (a number in one case, text in another,
    true/false in a third) become text; numbers and empty cells stay as they are."""
    kinds = {type(value) for value in column if value is not None and value == value}
    if len(kinds) <= 1 or kinds <= {int, float}:
        return column
    return column.map(lambda value: value if value is None or value != value else _text(value)).astype(object)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


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
    for column in frame.columns:
        if pd.api.types.is_object_dtype(frame[column]):
            frame[column] = _one_type(frame[column])
    return frame


def gather(out: Path, case_ids: Iterable[str] | None = None, parameters: Iterable[str] = ()) -> pd.DataFrame:
    """Collect the case files into ``results.parquet`` (written atomically) and return the frame."""
    frame = records_frame(read_records(out, case_ids), parameters)
    handle, temporary = tempfile.mkstemp(prefix=f".{RESULTS}.", dir=out)
    os.close(handle)
    try:
        try:
            frame.to_parquet(temporary, index=False)
        except (ValueError, TypeError, OverflowError):  # a column Parquet cannot type: store it as text
            for column in frame.columns:
                if pd.api.types.is_object_dtype(frame[column]):
                    frame[column] = frame[column].map(lambda v: v if v is None or v != v else _text(v))
            frame.to_parquet(temporary, index=False)
        os.chmod(temporary, 0o644)  # as every other output (mkstemp makes it 0600)
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
