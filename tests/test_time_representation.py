"""Representative days from 8,760-hour series (tsam): what the reduction keeps, and that more days
converge the plan's cost toward the full-year model."""

from __future__ import annotations

import pandas as pd
import pytest

from aidc.inputs import INPUTS_DIR
from aidc.models.time_series import reduce_year
from aidc.optimizer.planner import Planner
from aidc.optimizer.solve import SolveOptions
from tests.factory import SRC, micro, supply_row, write_scenario

HOURLY = INPUTS_DIR / "hourly"
FILES = {
    "temperature": "temperature_c",
    "load": "load",
    "solar": "solar_cf",
    "wind": "wind_cf",
    "grid_price": "grid_price_factor",
}


def shipped_hourly() -> dict[str, pd.DataFrame]:
    return {q: pd.read_csv(HOURLY / f"{name}.csv").drop(columns="hour") for q, name in FILES.items()}


def test_reduction_keeps_annual_energy_the_peak_load_and_the_hottest_hour():
    """Tolerances: every load, price and capacity-factor series keeps its annual mean to 1e-9
    (tsam rescales the typical days; temperatures are not rescaled); the peak of total load and
    the hottest hour of any site are kept exactly (their days are appended as extreme periods);
    the weights sum to 365 days."""
    hourly = shipped_hourly()
    reduced = reduce_year(hourly, 8, ["peak_load", "hottest"])
    weights = reduced.slices["hours"].to_numpy()
    assert weights.sum() == pytest.approx(8760.0)
    assert reduced.summary["periods"] == 10 and reduced.summary["source_hours"] == 8760
    for quantity in ("load", "solar", "wind", "grid_price"):
        kept = reduced.series[quantity].mul(weights, axis=0).sum() / 8760.0
        assert (kept - hourly[quantity].mean()).abs().max() < 1e-9, quantity
    assert reduced.series["load"].sum(axis=1).max() == pytest.approx(hourly["load"].sum(axis=1).max())
    assert reduced.series["temperature"].max().max() == pytest.approx(hourly["temperature"].max().max())
    assert reduced.design_temperature == pytest.approx(hourly["temperature"].max().to_dict())


def hourly_micro(folder, days: int) -> dict:
    """The micro case on Texas's hourly series: grid price shape, temperature-driven PUE (air:
    1.24 + 0.0165/C above 10 C), US-East chat load shape, a 0.6 MW solar PPA; idle power 30%."""
    spec = micro()
    spec["config"].update(
        representative_days=days, extreme_days=["peak_load", "hottest"], unserved_penalty_usd_per_mtok=50
    )
    spec["accelerators"][0]["idle_fraction"] = 0.3
    spec["cooling"][0].update(pue_free=1.24, free_cooling_max_c=10.0, pue_slope_per_c=0.0165)
    spec["supply"] = [
        supply_row("a", 60.0),
        dict(supply_row("a", 40.0), option="solar", kind="ppa", cap_mw=0.6, profile="solar"),
    ]
    hourly = shipped_hourly()
    folder.mkdir(parents=True, exist_ok=True)
    columns = {"temperature": "texas", "grid_price": "texas", "solar": "texas", "load": "us-east/chat-70b"}
    rows = []
    for quantity, column in columns.items():
        name = "r/chat" if quantity == "load" else "a"
        hourly[quantity][[column]].rename(columns={column: name}).to_csv(folder / f"{quantity}.csv", index_label="hour")
        rows.append(dict(file=f"{quantity}.csv", column=name, quantity=quantity, unit="-", **SRC))
    spec["hourly_series"] = rows
    # the legacy daily profile the PPA names (the hourly solar series of its site replaces it)
    spec["profiles"] = [dict(profile="solar", slice=h, value=1.0, **SRC) for h in range(24)]
    spec["slices"] = [dict(slice=h, day=0, hour=h, hours=365.0) for h in range(24)]
    return spec


@pytest.mark.slow
def test_more_representative_days_converge_to_the_full_year(tmp_path):
    costs = {}
    for days in (2, 8, 32, 365):
        folder = tmp_path / str(days)
        path = write_scenario(folder, hourly_micro(folder, days))
        costs[days] = Planner.from_file(path, SolveOptions(relax="all")).solve().summary["objective_usd"]
    error = {days: abs(cost / costs[365] - 1.0) for days, cost in costs.items() if days != 365}
    assert error[32] <= error[2] + 1e-9
    assert error[32] < 0.05  # measured: 9.9% at 2 days, 6.8% at 8, 3.8% at 32 (benchmarks/time_resolution.py)
