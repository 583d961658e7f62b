"""Write results atomically: a run folder appears complete or not at all."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

SUMMARY_FILE = "summary.json"


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def to_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, sort_keys=False, default=_json_default) + "\n"


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_run(out_dir: Path, summary: dict[str, Any], tables: dict[str, pd.DataFrame], fmt: str = "csv") -> Path:
    """Write every table and ``summary.json`` into a fresh folder, then swap it into place."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, frame in tables.items():
            if fmt == "parquet":
                frame.to_parquet(staging / f"{name}.parquet", index=False)
            else:
                frame.to_csv(staging / f"{name}.csv", index=False, float_format="%.10g")
        (staging / SUMMARY_FILE).write_text(to_json(summary), encoding="utf-8")
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _swap_into_place(staging: Path, target: Path) -> None:
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        retired.rmdir()
        os.replace(target, retired)
        os.replace(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, target)


def read_run(run_dir: Path) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Load a run folder written by :func:`write_run`."""
    summary = json.loads((run_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    tables = {}
    for path in sorted(run_dir.iterdir()):
        if path.suffix == ".csv":
            tables[path.stem] = pd.read_csv(path)
        elif path.suffix == ".parquet":
            tables[path.stem] = pd.read_parquet(path)
    return summary, tables
