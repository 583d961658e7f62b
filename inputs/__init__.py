"""The shipped reference catalogs and scenarios (package data): ``catalogs/``, ``scenarios/``, ``sweeps/``."""

from __future__ import annotations

from pathlib import Path

INPUTS_DIR = Path(__file__).resolve().parent
"""Folder of the shipped inputs (inside the installed package, or the repository's ``inputs/``)."""

BASELINE_SCENARIO = INPUTS_DIR / "scenarios" / "baseline.yaml"
"""The shipped baseline scenario that ``aidc solve`` runs with no argument."""
