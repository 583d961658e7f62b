"""Read a run folder written by ``aidc solve --out`` for reports and comparisons, with clear errors."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import InputError, InputIssue
from optimizer.output import SUMMARY_FILE, read_run

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
