"""Run folders for reports and comparisons: read one with clear errors; write an output folder atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.results.run_folder import SUMMARY_FILE, _swap_into_place, read_run

SUMMARY_KEYS = ("cost_per_mtok_usd", "cost_breakdown_usd", "years")


def load_run(run_dir: str | Path, required: Iterable[str] = ()) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The summary and tables of a run folder; :class:`InputError` if the folder is missing, not a
    run, unreadable, or lacks one of the ``required`` tables."""
    folder = Path(run_dir)
    where = str(folder)
    if not folder.is_dir():
        raise InputError([InputIssue(where, "", "", "no such run folder (write one with `aidc solve --out DIR`)")])
    if not (folder / SUMMARY_FILE).is_file():
        message = "missing: this is not a run folder from `aidc solve --out`"
        raise InputError([InputIssue(where, "", SUMMARY_FILE, message)])
    try:
        summary, tables = read_run(folder)
    except (json.JSONDecodeError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise InputError([InputIssue(where, "", "", f"unreadable run folder: {exc}")]) from None
    issues = []
    if not isinstance(summary, dict):
        issues.append(InputIssue(where, "", SUMMARY_FILE, "expected a JSON object"))
    else:
        missing = [key for key in SUMMARY_KEYS if key not in summary]
        issues += [InputIssue(where, SUMMARY_FILE, key, "missing from the summary") for key in missing]
    issues += [InputIssue(where, "", f"{name}.csv", "missing table") for name in required if name not in tables]
    if issues:
        raise InputError(issues)
    return summary, tables


def write_folder(target: str | Path, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (name -> bytes) into the folder ``target`` through a staging folder swapped
    into place, so the folder appears complete or not at all; returns the folder."""
    folder = Path(target).resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        os.chmod(staging, 0o755)
        for name, content in files.items():
            (staging / name).write_bytes(content)
        _swap_into_place(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder
