"""Classes of careless input found by an adversarial pass (2026-12-06) that passed validation and
then crashed the solve or planned silently wrong: each is now an input error naming the file,
the row or YAML path and the field. Cases are the micro scenario or copies of the shipped files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aidc.optimizer.errors import InputError
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.planner.changes import derive_inputs
from tests.factory import micro, rich, write_scenario

REPO = Path(__file__).resolve().parent.parent


def refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return caught.value.render()


def shipped_copy(tmp_path: Path, scenario: str) -> Path:
    """The shipped catalogs, hourly files and one scenario, copied so a test may edit them."""
    for folder in ("catalogs", "hourly", "scenarios"):
        shutil.copytree(REPO / "inputs" / folder, tmp_path / folder)
    return tmp_path / "scenarios" / f"{scenario}.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_scaling_a_whole_number_column_to_a_fraction_or_a_true_false_column_is_refused(tmp_path):
    spec = micro()
    spec["config"]["overrides"] = [
        {"catalog": "accelerators", "where": {"accelerator": "gpu"}, "scale": {"lifetime_years": 1.5}},
        {"catalog": "accelerators", "scale": {"liquid_required": 2}},
    ]
    text = refused(write_scenario(tmp_path, spec))
    assert "overrides[0] on accelerators" in text and "'lifetime_years'" in text and "fractional part" in text
    assert "overrides[1], field 'scale.liquid_required': column holds true/false" in text


def test_scaling_a_whole_number_column_by_a_whole_factor_still_works(tmp_path):
    spec = micro()
    spec["config"]["overrides"] = [{"catalog": "accelerators", "scale": {"lifetime_years": 2}}]
    inputs = load_scenario(write_scenario(tmp_path, spec))
    assert inputs.table("accelerators")["lifetime_years"].tolist() == [10]


@pytest.mark.parametrize(("setting", "value"), [("wacc", False), ("unserved_penalty_usd_per_mtok", True)])
def test_yaml_yes_or_no_is_not_read_as_one_or_zero_in_a_setting(tmp_path, setting, value):
    spec = micro()
    spec["config"][setting] = value
    text = refused(write_scenario(tmp_path, spec))
    assert f"field '{setting}'" in text and "YAML reads yes/no/on/off as true/false" in text


def test_a_slice_number_past_any_year_of_hours_is_refused_at_its_line(tmp_path):
    spec = micro()
    spec["slices"][0]["slice"] = 10**23
    text = refused(write_scenario(tmp_path, spec))
    assert "slices.csv, line 2, field 'slice'" in text and "100000" in text


def test_an_existing_accelerator_under_a_cooling_design_it_cannot_use_is_refused(tmp_path):
    scenario = shipped_copy(tmp_path, "brownfield")
    fleet = tmp_path / "catalogs" / "existing_fleet.csv"
    edit(fleet, "texas,gb200-nvl72,direct-to-chip,", "texas,gb200-nvl72,air,")
    text = refused(scenario)
    assert "existing_fleet.csv, line 3, field 'cooling'" in text and "requires liquid cooling" in text


def test_a_profile_missing_an_hour_of_the_default_day_is_refused(tmp_path):
    spec = micro()
    del spec["slices"]  # the default day of 24 hourly slices
    spec["profiles"] = [
        dict(profile="p", slice=h, value=1.0, source="t", confidence="EST") for h in range(24) if h != 5
    ]
    spec["workloads"][0]["load_profile"] = "p"
    text = refused(write_scenario(tmp_path, spec))
    assert "profile 'p', field 'slice'" in text and "missing slices [5]" in text


def test_names_the_serving_rules_match_on_must_exist(tmp_path):
    scenario = shipped_copy(tmp_path, "baseline")
    edit(scenario, "operator: global", "operator: globl")
    edit(tmp_path / "catalogs" / "sovereignty.csv", "\nglobal,China,", "\nglobal,Chna,")
    edit(tmp_path / "catalogs" / "sites.csv", ",li-ion-4h,", ",li-ion-4hr,")
    text = refused(scenario)
    assert "field 'operator': unknown operator 'globl'" in text
    assert "sovereignty.csv, line 2, field 'site_country': unknown site country 'Chna'" in text
    assert "field 'onsite_options': unknown technology(s) ['li-ion-4hr']" in text


def test_an_override_that_empties_a_planned_year_of_demand_is_refused(tmp_path):
    spec = micro()
    spec["config"]["overrides"] = [{"catalog": "demand", "where": {"year": 2026}, "set": {"year": 2027}}]
    text = refused(write_scenario(tmp_path, spec))
    assert "no demand rows for scenario year(s) [2026]" in text and "(after the scenario's overrides)" in text


def test_a_sweep_or_outcome_that_plans_a_year_without_demand_is_refused(tmp_path):
    inputs = load_scenario(write_scenario(tmp_path, micro()))
    with pytest.raises(InputError) as caught:
        derive_inputs(inputs, {"years": [2026, 2040]}, [], "sweep.yaml")
    assert "no demand rows for scenario year(s) [2040]" in caught.value.render()


def test_an_override_of_the_hourly_series_catalog_is_applied_not_ignored(tmp_path):
    scenario = shipped_copy(tmp_path, "baseline")
    override = (
        "overrides:\n  - {catalog: hourly_series, where: {column: texas, quantity: temperature},"
        " set: {column: no-such-column}}\n"
    )
    scenario.write_text(scenario.read_text() + override)
    text = refused(scenario)
    assert "temperature_c.csv" in text and "field 'no-such-column': no such column" in text


def test_a_ppa_availability_profile_above_one_is_refused_at_its_line(tmp_path):
    """rich(): the south site's solar PPA names profile 'sun' (0.0 and 0.9); 5 would be 500% of
    its contracted MW. The grid's 'tou' price profile may exceed 1 (1.2)."""
    spec = rich()
    spec["profiles"][3]["value"] = 5.0  # sun, slice 1
    text = refused(write_scenario(tmp_path, spec))
    assert "profiles.csv, line 5, field 'value'" in text and "expected at most 1; found 5" in text
    assert "'tou'" not in text


def test_representative_days_without_hourly_series_and_a_repeated_extreme_day_are_refused(tmp_path):
    spec = micro()
    spec["config"]["representative_days"] = 4
    text = refused(write_scenario(tmp_path / "days", spec))
    assert "field 'representative_days': representative days are drawn from 8,760-hour series" in text
    spec = micro()
    spec["config"]["extreme_days"] = ["hottest", "hottest"]
    text = refused(write_scenario(tmp_path / "extreme", spec))
    assert "field 'extreme_days'" in text and "at most once" in text


def test_yes_or_no_as_a_scale_factor_and_spaces_in_on_site_options_are_refused(tmp_path):
    spec = micro()
    spec["config"]["overrides"] = [{"catalog": "accelerators", "scale": {"price_usd_per_accel": False}}]
    text = refused(write_scenario(tmp_path / "scale", spec))
    assert "overrides" in text and "YAML reads yes/no/on/off as true/false" in text
    scenario = shipped_copy(tmp_path / "onsite", "baseline")
    edit(tmp_path / "onsite" / "catalogs" / "sites.csv", ",li-ion-4h;", ",li-ion-4h; ")
    text = refused(scenario)
    assert "field 'onsite_options': unknown technology(s)" in text
