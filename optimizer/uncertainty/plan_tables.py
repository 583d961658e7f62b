"""A first-stage plan as tables: the sites opened, IT capacity built and accelerators bought in
the commitment years (natural units: MW, purchase units, accelerators)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from aidc.models.data import PlanningData
from aidc.optimizer.uncertainty.first_stage import PIN_TOLERANCE, FirstStagePlan

KNOWN = ("site_open", "it_capacity", "cooling_design", "units_bought")


def _nonzero(plan: FirstStagePlan, name: str) -> list[tuple[Any, float]]:
    return [(index, value) for (var, index), value in plan.items() if var == name and abs(value) > PIN_TOLERANCE]


def plan_tables(plan: FirstStagePlan, data: PlanningData) -> dict[str, pd.DataFrame]:
    """``sites`` (site, opened, open, cooling, it_capacity_mw at the end of the commitment),
    ``capacity`` (site, cooling, year, it_capacity_mw), ``purchases`` (site, accelerator,
    cooling, year, units, accelerators) and ``other`` (any other declared decision)."""
    capacity = pd.DataFrame(
        [(s, c, y, v) for (s, c, y), v in _nonzero(plan, "it_capacity")],
        columns=["site", "cooling", "year", "it_capacity_mw"],
    )
    purchases = pd.DataFrame(
        [(s, a, c, v, units) for (s, a, c, v), units in _nonzero(plan, "units_bought")],
        columns=["site", "accelerator", "cooling", "year", "units"],
    )
    unit_k = purchases["accelerator"].map(lambda a: data.accel_unit_k.get(a, 0.0)).astype(float)
    purchases["accelerators"] = purchases["units"].astype(float) * unit_k * 1000.0
    designs: dict[str, list[tuple[float, str]]] = {}
    for (s, c), value in _nonzero(plan, "cooling_design"):
        designs.setdefault(s, []).append((value, c))
    opened: dict[str, tuple[int, float]] = {}
    for (s, y), value in sorted(_nonzero(plan, "site_open"), key=lambda item: item[0][1]):
        first, _ = opened.get(s, (y, value))
        opened[s] = (first, value)
    last = capacity.groupby("site")["year"].max() if len(capacity) else pd.Series(dtype=int)
    rows = []
    for s, (first, share) in sorted(opened.items()):
        at_end = capacity[(capacity["site"] == s) & (capacity["year"] == last.get(s, first))]
        chosen = [c for value, c in sorted(designs.get(s, []), reverse=True) if value > 0.5] or [
            c for _, c in sorted(designs.get(s, []), reverse=True)[:1]
        ]
        rows.append((s, first, share, ";".join(chosen), float(at_end["it_capacity_mw"].sum())))
    sites = pd.DataFrame(rows, columns=["site", "opened", "open", "cooling", "it_capacity_mw"])
    rest = [(var, index, value) for (var, index), value in plan.items() if var not in KNOWN]
    other = pd.DataFrame(
        [(var, str(index), value) for var, index, value in rest if abs(value) > PIN_TOLERANCE],
        columns=["decision", "index", "value"],
    )
    return {"sites": sites, "capacity": capacity, "purchases": purchases, "other": other}


def plan_summary(tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """The first stage as JSON-ready records, with totals."""
    records = {name: frame.to_dict(orient="records") for name, frame in present(tables).items()}
    records["accelerators_bought"] = round(float(tables["purchases"]["accelerators"].sum()), 3)
    records["it_capacity_mw"] = round(float(tables["sites"]["it_capacity_mw"].sum()), 6)
    return records


def present(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables worth writing (``other`` only when some other decision was declared and taken)."""
    return {name: frame for name, frame in tables.items() if name != "other" or len(frame)}
