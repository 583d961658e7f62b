"""Stage 0 of the staged MIP (aidc.optimizer.planner.staged_mip): the rounded LP plan and the
local search that closes sites the rounding opened and changes designs it guessed wrong, on cases
derived by hand (the design case: ``air_or_liquid`` below).

tests.factory.two_sites with a fixed cost of $110,000 a year per site: demand 1 Mtok/s, 125
servers ($2M a year) wherever they stand; ``cn`` has free power but 0.6 MW of grid, ``us`` pays
$20/MWh for up to 2 MW; $1,000 per MW of IT a year at either.

- both open (cn 0.6 MW, us 0.4 MW): 2,000,000 + 1,000 + 2 x 110,000 + 0.4 x 8,760 x 20 = $2,291,080;
- us alone: 2,000,000 + 1,000 + 110,000 + 8,760 x 20 = $2,286,200, the optimum;
- cn alone: 0.4 Mtok/s unserved at $1,000/Mtok, $12.6B a year more.
LP relaxation (a route needs an open site, and capacity needs it: cn's 0.6 MW fills its grid, so
cn opens fully; us opens 0.4): 2,001,000 + 110,000 x 1.4 + 70,080 = $2,225,080. Every rounding
threshold opens both sites ($2,291,080); closing cn gives the optimum, closing us does not.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.planner.staged_mip import OPEN_THRESHOLDS, _rounded_start
from aidc.optimizer.solve import SilentProgress, SolveOptions
from tests.factory import SRC, cooling_row, micro, two_sites, write_scenario

BOTH_OPEN_USD = 2_291_080.0
US_ALONE_USD = 2_286_200.0
LP_USD = 2_225_080.0

AIR_OR_LIQUID_LP_USD = 2_003_000.0
LIQUID_USD = 2_010_000.0


def test_stage_0_closes_the_site_the_rounding_opened_too_many(tmp_path):
    planner = Planner.from_file(write_scenario(tmp_path, two_sites(1.1e5)), SolveOptions(mip_gap=1e-9))
    m, stages = planner.model, []
    start = _rounded_start(m, planner.session, planner.options, None, SilentProgress(), stages)
    assert stages[0].objective * 1e6 == pytest.approx(LP_USD)
    rounded = [stage.objective * 1e6 for stage in stages[1 : 1 + len(OPEN_THRESHOLDS)]]
    assert rounded == pytest.approx([BOTH_OPEN_USD] * len(OPEN_THRESHOLDS))
    assert start.objective * 1e6 == pytest.approx(US_ALONE_USD)
    assert {s for (s, _), var in m.site_open.items() if pyo.value(var) > 0.5} == {"us"}
    assert planner.solve().summary["objective_usd"] == pytest.approx(US_ALONE_USD)


def test_stage_0_never_closes_a_site_its_bounds_hold_open(tmp_path, caplog):
    """A plan held by bounds (an outcome's pinned first stage) stays held: with cn held open,
    closing cn (the cheaper plan above) is not tried, and closing us costs more, so stage 0 keeps
    both sites ($2,291,080) and no variable is fixed outside its bounds."""
    planner = Planner.from_file(write_scenario(tmp_path, two_sites(1.1e5)), SolveOptions(mip_gap=1e-9))
    m = planner.model
    for (site, _), var in m.site_open.items():
        if site == "cn":
            var.setlb(1.0)
    start = _rounded_start(m, planner.session, planner.options, None, SilentProgress(), [])
    assert start.objective * 1e6 == pytest.approx(BOTH_OPEN_USD)
    assert {s for (s, _), var in m.site_open.items() if pyo.value(var) > 0.5} == {"cn", "us"}
    assert "outside the bounds" not in caplog.text
    assert planner.solve().summary["objective_usd"] == pytest.approx(BOTH_OPEN_USD)


def air_or_liquid() -> dict:
    """micro() (1 MW of IT, $2M a year of accelerators) at a site whose 1.24 MW grid feeds 1 MW of
    IT under liquid cooling (PUE 1.1, $10,000 per MW a year) but only 0.954 MW under air (PUE 1.3,
    free). The LP relaxation mixes them: 0.7 MW air and 0.3 MW liquid fill the grid (1.3 x 0.7 +
    1.1 x 0.3 = 1.24), $2,003,000. The rounding keeps the design that held the most (air), which
    leaves 4.6% of demand unserved at $1,000/Mtok ($1.46B); liquid alone is the optimum,
    $2,000,000 + $10,000 = $2,010,000."""
    spec = micro()
    spec["cooling"] = [
        cooling_row("air", "air", 40.0, 0.0, 1.3),
        cooling_row("liquid", "liquid", 40.0, 100.0, 1.1),
    ]
    spec["grid"] = [dict(site="a", year=2026, grid_mw=1.24, **SRC)]
    return spec


def test_stage_0_gives_a_site_the_design_the_rounding_missed(tmp_path):
    planner = Planner.from_file(write_scenario(tmp_path, air_or_liquid()), SolveOptions(mip_gap=1e-9))
    m, stages = planner.model, []
    start = _rounded_start(m, planner.session, planner.options, None, SilentProgress(), stages)
    assert stages[0].objective * 1e6 == pytest.approx(AIR_OR_LIQUID_LP_USD)
    assert stages[1].objective * 1e6 > 1e9  # air alone: demand unserved at the penalty
    assert start.objective * 1e6 == pytest.approx(LIQUID_USD)
    assert {c for (_, c), var in m.cooling_design.items() if pyo.value(var) > 0.5} == {"liquid"}
    assert planner.solve().summary["objective_usd"] == pytest.approx(LIQUID_USD)
