"""The exported LP of each constraint family's micro scenario equals its committed golden file, so
that any change of the formulation shows up in review as a diff of ``tests/golden/*.lp``.

After an intended change of the model, regenerate every golden file with one command and commit
the diff with the change:

    python -m tests.golden --update
"""

from __future__ import annotations

import difflib
import random

import pytest

from tests.golden import SCENARIOS, exported_lp, golden_path, normalise_lp

UPDATE = "python -m tests.golden --update"


@pytest.mark.parametrize("family", sorted(SCENARIOS))
def test_exported_lp_equals_the_golden_file(family):
    path = golden_path(family)
    assert path.is_file(), f"no golden file {path.name}: run `{UPDATE}`"
    expected = path.read_text(encoding="utf-8")
    actual = exported_lp(family)
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True), "golden", "exported", n=1
            )
        )
        pytest.fail(f"the model of {family} changed; if intended, run `{UPDATE}` and commit the diff:\n{diff}")


def test_every_family_of_the_formulation_has_a_golden_scenario():
    """Each constraint of the model is exercised by some golden scenario."""
    text = "".join(golden_path(family).read_text(encoding="utf-8") for family in SCENARIOS)
    rows = {line.split("(")[0].split(":")[0].strip() for line in text.splitlines() if ":" in line}
    expected = {
        "demand_balance", "deferrable_daily_balance", "site_balance", "throughput_limit", "installed_from_purchases",
        "supply_limit", "it_within_capacity", "energy_balance", "grid_limit", "carbon_cap", "site_stays_open",
        "capacity_kept", "capacity_needs_open_site", "capacity_needs_design", "one_design_per_site", "floor_space",
        "ports_needed", "copper_in_rack", "capex_budget",
    }  # fmt: skip
    assert expected <= rows


def test_normalising_ignores_row_order_banner_and_line_wrapping():
    golden = golden_path("cooling").read_text(encoding="utf-8")
    lines = golden.splitlines()
    start, end = lines.index("st") + 1, lines.index("bounds")
    rows = lines[start:end]
    random.Random(1).shuffle(rows)
    wrapped = [part for row in rows for part in row.rsplit(" ", 2)]  # a writer breaks long rows between tokens
    shuffled = "\\ File written by some solver\n" + "\n".join([*lines[:start], *wrapped, *lines[end:]])
    assert normalise_lp(shuffled) == golden
