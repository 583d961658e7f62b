"""A year of hourly series reduced to representative days with tsam.

The 8,760-hour series (temperature, solar and wind capacity factors, grid price multipliers,
load multipliers) are clustered into ``days`` typical days (hierarchical clustering, medoids,
column means preserved for every series but temperature); the extreme days asked for (the day
of the peak total load, the day of the hottest hour at any site) are appended as periods of
their own, each standing for one day. Every period becomes 24 hourly slices weighted by the
days it stands for, so annual sums are kept; ``days >= 365`` keeps every day (the full year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

HOURS_PER_DAY = 24
DAYS_PER_YEAR = 365
REFERENCE_YEAR = "2025-01-01"  # weekday pattern of the shipped series (a non-leap year)
REPRESENTATION = "distribution"
EXTREME_METHOD = "append"
"""tsam's handling of extreme days: appended as periods of their own, each standing for the one
day it is (so energy is not biased toward extremes; "new_cluster" gave them 11 and 55 days and
raised the baseline LP's cost 7%)."""
"""tsam's representation of a cluster of days (medoid, mean, distribution, distribution_minmax, ...)."""
EXTREME_COLUMNS = {"peak_load": "_total_load", "hottest": "_max_temperature"}


@dataclass(frozen=True)
class TimeRepresentation:
    """Slices of representative days and the value of every series in each slice."""

    slices: pd.DataFrame  # slice, day, hour (UTC), hours (hours of the year it stands for)
    series: dict[str, pd.DataFrame]  # quantity -> one row per slice id, one column per series
    design_temperature: dict[str, float]  # site -> hottest hour of the full year (C)
    summary: dict[str, Any] = field(default_factory=dict)


def _frame(hourly: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All series side by side (columns 'quantity:column'), with the helper columns of the extremes."""
    parts = [frame.add_prefix(f"{quantity}:") for quantity, frame in hourly.items()]
    zero = pd.Series(0.0, index=next(iter(hourly.values())).index)
    helpers = pd.DataFrame(
        {
            "_total_load": hourly["load"].sum(axis=1) if "load" in hourly else zero,
            "_max_temperature": hourly["temperature"].max(axis=1) if "temperature" in hourly else zero,
        }
    )
    data = pd.concat([*parts, helpers], axis=1)
    data.index = pd.date_range(REFERENCE_YEAR, periods=len(data), freq="h")
    return data


def reduce_year(
    hourly: dict[str, pd.DataFrame], days: int, extremes: list[str], representation: str = REPRESENTATION
) -> TimeRepresentation:
    """``days`` representative days (plus the extreme days) of the hourly series; ``representation``
    is tsam's way of turning a cluster of days into one (see REPRESENTATION)."""
    data = _frame(hourly)
    if days >= DAYS_PER_YEAR:
        periods = data.to_numpy().reshape(DAYS_PER_YEAR, HOURS_PER_DAY, -1)
        representatives = pd.DataFrame(periods.reshape(-1, data.shape[1]), columns=data.columns)
        counts = dict.fromkeys(range(DAYS_PER_YEAR), 1.0)
        method = "full year (365 days, no reduction)"
        rmse = 0.0
    else:
        import tsam

        wanted = [EXTREME_COLUMNS[name] for name in extremes if EXTREME_COLUMNS[name] in data.columns]
        no_rescale = [c for c in data.columns if c.startswith("temperature:") or c.startswith("_")]
        result = tsam.aggregate(
            data,
            n_clusters=days,
            period_duration=HOURS_PER_DAY,
            extremes=tsam.ExtremeConfig(method=EXTREME_METHOD, max_value=wanted) if wanted else None,
            preserve_column_means=True,
            rescale_exclude_columns=no_rescale,
            numerical_tolerance=1e-6,
            cluster=tsam.ClusterConfig(method="hierarchical", representation=representation),
        )
        representatives = result.cluster_representatives.reset_index(drop=True)
        counts = {int(k): float(v) for k, v in result.cluster_counts.items()}
        appended = ", ".join(extremes) or "none"
        method = f"tsam hierarchical clustering of days ({representation}), extreme days appended: {appended}"
        rmse = float(result.accuracy.rmse.mean()) if hasattr(result.accuracy.rmse, "mean") else float("nan")
    slice_ids = np.arange(len(representatives))
    period = slice_ids // HOURS_PER_DAY
    slices = pd.DataFrame(
        {
            "slice": slice_ids,
            "day": period,
            "hour": slice_ids % HOURS_PER_DAY,
            "hours": [counts[p] for p in period],
            "cooling_load": 1.0,
            "source": "tsam",
        }
    )
    series = {
        quantity: representatives[[f"{quantity}:{column}" for column in frame.columns]].set_axis(frame.columns, axis=1)
        for quantity, frame in hourly.items()
    }
    design = {site: float(values.max()) for site, values in hourly.get("temperature", pd.DataFrame()).items()}
    summary = {
        "periods": len(counts),
        "hours_per_period": HOURS_PER_DAY,
        "source_hours": len(data),
        "method": method,
        "extreme_periods": list(extremes),
        "typical_periods": min(days, DAYS_PER_YEAR),
        "days_per_period": [counts[p] for p in sorted(counts)],
        "rmse_normalised": rmse,
    }
    return TimeRepresentation(slices, series, design, summary)
