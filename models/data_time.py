"""Per-slice values of a scenario: slices, load shapes, price and availability multipliers, PUE.

Two sources: the legacy slices and daily profiles of the ``slices``/``profiles`` catalogs, or,
when the scenario sets ``representative_days`` and has 8,760-hour series, the representative days
of :mod:`aidc.models.time_series`. In the hourly mode a series for the entity wins (a region's and
workload's load, a site's grid price, solar or wind, a site's temperature); anything without a
series falls back to its daily profile read by UTC hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aidc.models.inputs import ScenarioInputs
from aidc.models.time_series import HOURS_PER_DAY, reduce_year

CLIMATE_PUE_COLUMN = {"cold": "pue_cold", "temperate": "pue_temperate", "hot": "pue_hot"}


def default_slices() -> pd.DataFrame:
    """A typical day of 24 hourly slices, each standing for 365 hours of the year."""
    hours = np.arange(24)
    return pd.DataFrame(
        {"slice": hours, "day": 0, "hour": hours, "hours": 365.0, "cooling_load": 1.0, "source": "default"}
    )


@dataclass
class SliceValues:
    """The slices and the per-slice lookups the planning data needs."""

    slices: pd.DataFrame
    profiles: dict[str, dict[int, float]]  # named daily profiles seen in these slices
    load: dict[str, dict[int, float]] = field(default_factory=dict)  # 'region/workload' -> multiplier
    grid_price: dict[str, dict[int, float]] = field(default_factory=dict)  # site -> multiplier
    solar: dict[str, dict[int, float]] = field(default_factory=dict)  # site -> capacity factor
    wind: dict[str, dict[int, float]] = field(default_factory=dict)
    temperature: dict[str, dict[int, float]] = field(default_factory=dict)  # site -> C
    design_temperature: dict[str, float] = field(default_factory=dict)  # site -> hottest hour (C)
    representation: dict[str, Any] = field(default_factory=dict)  # summary for the results

    @property
    def hourly(self) -> bool:
        return bool(self.representation.get("source_hours"))


def slice_values(inputs: ScenarioInputs) -> SliceValues:
    """The scenario's slices and per-slice lookups (see the module docstring)."""
    cfg = inputs.config
    if cfg.representative_days and inputs.hourly:
        reduced = reduce_year(inputs.hourly, cfg.representative_days, list(cfg.extreme_days))
        slices = reduced.slices
        by_series = {
            quantity: {name: dict(zip(slices["slice"], frame[name].to_numpy(float), strict=True)) for name in frame}
            for quantity, frame in reduced.series.items()
        }
        return SliceValues(
            slices=slices,
            profiles=_profiles_by_hour(inputs, slices),
            load=by_series.get("load", {}),
            grid_price=by_series.get("grid_price", {}),
            solar=by_series.get("solar", {}),
            wind=by_series.get("wind", {}),
            temperature=by_series.get("temperature", {}),
            design_temperature=reduced.design_temperature,
            representation=reduced.summary,
        )
    table = inputs.tables.get("slices")
    slices = default_slices() if table is None else table.sort_values("slice").reset_index(drop=True)
    hours = slices["hours"].astype(float)
    summary = {
        "periods": int(slices["day"].nunique()),
        "hours_per_period": int(slices.groupby("day").size().max()),
        "source_hours": None,
        "method": "typical day(s) of the slices catalog" if table is not None else "one typical day (default)",
        "hours_represented": float(hours.sum()),
    }
    return SliceValues(slices=slices, profiles=_profile_lookup(inputs, slices), representation=summary)


def _profile_lookup(inputs: ScenarioInputs, slices: pd.DataFrame) -> dict[str, dict[int, float]]:
    profiles = inputs.table("profiles")
    lookup = {"flat": {int(h): 1.0 for h in slices["slice"]}}
    for name, group in profiles.groupby("profile"):
        lookup[str(name)] = dict(zip(group["slice"].astype(int), group["value"].astype(float), strict=True))
    return lookup


def _profiles_by_hour(inputs: ScenarioInputs, slices: pd.DataFrame) -> dict[str, dict[int, float]]:
    """Named daily profiles (given for the 24 hourly slices of the slices catalog, slice = UTC hour)
    read at each representative slice's UTC hour; a profile without 24 hours is flat."""
    profiles = inputs.table("profiles")
    lookup = {"flat": {int(h): 1.0 for h in slices["slice"]}}
    for name, group in profiles.groupby("profile"):
        by_hour = dict(zip(group["slice"].astype(int), group["value"].astype(float), strict=True))
        if set(by_hour) >= set(range(HOURS_PER_DAY)):
            lookup[str(name)] = {int(h): by_hour[int(u)] for h, u in zip(slices["slice"], slices["hour"], strict=True)}
        else:
            lookup[str(name)] = dict(lookup["flat"])
    return lookup


def supply_shape(values: SliceValues, site: str, kind: str, profile: str) -> dict[int, float]:
    """Price multiplier (grid) or availability (PPA) of a supply option by slice."""
    if values.hourly:
        if kind == "grid" and site in values.grid_price:
            return values.grid_price[site]
        if kind == "ppa" and "solar" in profile and site in values.solar:
            return values.solar[site]
        if kind == "ppa" and "wind" in profile and site in values.wind:
            return values.wind[site]
    return values.profiles[profile]


def pue_by_slice(values: SliceValues, cool: pd.DataFrame, sites: pd.DataFrame) -> dict[tuple[str, str, int], float]:
    """PUE by (cooling, site, slice): from the hourly temperature where the design has a
    temperature model (pue_free + slope x max(0, T - free max)), else the climate PUE with the
    slice's cooling load scaling PUE - 1."""
    pue = {}
    slice_ids = values.slices["slice"].astype(int).tolist()
    loads = values.slices["cooling_load"].astype(float).tolist() if "cooling_load" in values.slices else None
    for c in cool.index:
        for s in sites.index:
            model = temperature_model(cool, c)
            if model is not None and s in values.temperature:
                for h in slice_ids:
                    pue[c, s, h] = pue_at(model, values.temperature[s][h])
                continue
            zone = float(cool.at[c, CLIMATE_PUE_COLUMN[sites.at[s, "climate"]]])
            for h, load in zip(slice_ids, loads or [1.0] * len(slice_ids), strict=True):
                pue[c, s, h] = 1.0 + (zone - 1.0) * load
    return pue


def temperature_model(cool: pd.DataFrame, c: str) -> tuple[float, float, float] | None:
    """(pue_free, free_cooling_max_c, pue_slope_per_c) of a design, if it has one."""
    columns = ("pue_free", "free_cooling_max_c", "pue_slope_per_c")
    if not all(column in cool.columns for column in columns):
        return None
    parts = [cool.at[c, column] for column in columns]
    if any(part is None or part != part for part in parts):
        return None
    return tuple(float(part) for part in parts)  # type: ignore[return-value]


def pue_at(model: tuple[float, float, float], temperature: float) -> float:
    """PUE at an ambient temperature (C)."""
    free, threshold, slope = model
    return free + slope * max(0.0, temperature - threshold)


def design_pue(
    values: SliceValues, cool: pd.DataFrame, pue: dict[tuple[str, str, int], float], sites: list[str]
) -> dict[tuple[str, str], float]:
    """PUE of each design at each site in its hottest hour of the year (the design day): from the
    full year's hottest temperature where there is a temperature model, else the highest slice PUE."""
    design = {}
    for c in cool.index:
        model = temperature_model(cool, c)
        for s in sites:
            if model is not None and s in values.design_temperature:
                design[c, s] = pue_at(model, values.design_temperature[s])
            else:
                design[c, s] = max(value for (cc, ss, _), value in pue.items() if cc == c and ss == s)
    return design
