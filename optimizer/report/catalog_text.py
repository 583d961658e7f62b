"""Catalogs as readable text: every row with its units (in the column names) and its source."""

from __future__ import annotations

import pandas as pd

from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import CATALOG_KEYS

SOURCE_COLUMNS = ("source", "confidence")


def render_catalog(name: str, frame: pd.DataFrame, path: str, notes: bool = False) -> str:
    """One catalog: a header line, the values table, then each row's source."""
    values = frame.drop(columns=[c for c in (*SOURCE_COLUMNS, "notes") if c in frame.columns])
    with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 40):
        body = values.to_string(index=False)
    lines = [f"== {name} ({len(frame)} rows) from {path}", body]
    if "source" in frame.columns:
        lines.append("  sources:")
        for _, row in frame.iterrows():
            key = "/".join(str(row[column]) for column in CATALOG_KEYS[name])
            note = f" | {row['notes']}" if notes and row.get("notes") else ""
            lines.append(f"    {key}: [{row.get('confidence', '')}] {row['source']}{note}")
    return "\n".join(lines)


def render_catalogs(inputs: ScenarioInputs, names: list[str], notes: bool = False) -> str:
    return "\n\n".join(
        render_catalog(name, inputs.tables[name], str(inputs.sources.get(name, "")), notes) for name in names
    )
