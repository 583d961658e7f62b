"""Metamorphic properties of the optimum: relations that must hold between related scenarios."""

from __future__ import annotations

import copy

import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SolveOptions
from tests.factory import SRC, rich, site_row, supply_row, write_scenario

TIGHT = SolveOptions(mip_gap=1e-9, marginal_costs=False)


def objective(spec, folder) -> float:
    return Planner.from_file(write_scenario(folder, spec), TIGHT).solve().summary["objective_usd"]


@pytest.fixture(scope="module")
def base_objective(tmp_path_factory):
    return objective(rich(), tmp_path_factory.mktemp("base"))


PRICE_RAISES = [
    ("accelerators", 0, "price_usd_per_accel"),
    ("accelerators", 1, "price_usd_per_accel"),
    ("cooling", 1, "capex_usd_per_kw_it"),
    ("sites", 0, "facility_capex_usd_per_kw_it"),
    ("sites", 1, "fixed_cost_usd_per_year"),
    ("interconnect", 1, "cost_usd_per_port"),
    ("supply", 1, "price_usd_per_mwh"),
    ("supply", 2, "price_usd_per_mwh"),
    ("latency", 1, "delivery_usd_per_mtok"),
]


@pytest.mark.parametrize("catalog, row, column", PRICE_RAISES)
def test_raising_a_price_never_lowers_the_cost(tmp_path, base_objective, catalog, row, column):
    spec = rich()
    spec[catalog][row][column] = spec[catalog][row][column] * 1.5 + 1.0
    assert objective(spec, tmp_path) >= base_objective * (1 - 1e-9)


def test_raising_the_carbon_price_never_lowers_the_cost(tmp_path, base_objective):
    spec = rich()
    spec["config"]["carbon_price_usd_per_t"] = 80.0
    assert objective(spec, tmp_path) >= base_objective * (1 - 1e-9)


def test_adding_a_site_never_raises_the_cost(tmp_path, base_objective):
    spec = rich()
    spec["sites"].append(site_row("west", climate="hot", fixed_cost_usd_per_year=2e5))
    spec["grid"].append(dict(site="west", year=2026, grid_mw=2.0, **SRC))
    spec["supply"].append(supply_row("west", 30.0, carbon_kg_per_mwh=400.0))
    spec["latency"] += [
        dict(site="west", region=r, latency_ms=40.0, delivery_usd_per_mtok=0.01, **SRC) for r in ("r", "far")
    ]
    assert objective(spec, tmp_path) <= base_objective * (1 + 1e-9)


def test_removing_an_accelerator_type_never_lowers_the_cost(tmp_path, base_objective):
    spec = rich()
    spec["accelerators"] = [row for row in spec["accelerators"] if row["accelerator"] != "dense"]
    spec["throughput"] = [row for row in spec["throughput"] if row["accelerator"] != "dense"]
    assert objective(spec, tmp_path) >= base_objective * (1 - 1e-9)


MONEY = {
    "accelerators": ["price_usd_per_accel"],
    "cooling": ["capex_usd_per_kw_it"],
    "sites": ["facility_capex_usd_per_kw_it", "fixed_cost_usd_per_year"],
    "interconnect": ["cost_usd_per_port"],
    "supply": ["price_usd_per_mwh"],
    "latency": ["delivery_usd_per_mtok"],
}


@pytest.mark.parametrize("k", [0.5, 3.0])
def test_scaling_every_cost_scales_the_objective(tmp_path, base_objective, k):
    spec = copy.deepcopy(rich())
    for catalog, columns in MONEY.items():
        for row in spec[catalog]:
            for column in columns:
                row[column] *= k
    spec["config"]["carbon_price_usd_per_t"] *= k
    spec["config"]["unserved_penalty_usd_per_mtok"] *= k
    assert objective(spec, tmp_path) == pytest.approx(k * base_objective, rel=1e-7)


def test_more_demand_never_costs_less(tmp_path, base_objective):
    spec = rich()
    spec["config"]["demand_scale"] = 1.2
    assert objective(spec, tmp_path) >= base_objective


def test_same_scenario_twice_gives_identical_tables(tmp_path):
    path = write_scenario(tmp_path, rich())
    first = Planner.from_file(path, TIGHT).solve()
    second = Planner.from_file(path, TIGHT).solve()
    for name, frame in first.tables.items():
        assert frame.equals(second.tables[name]), name
