"""Stage 0 of the staged MIP (aidc.optimizer.planner.staged_mip): the rounded LP plan and the
local search that closes sites the rounding opened, on a case derived by hand.

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
from tests.factory import two_sites, write_scenario

BOTH_OPEN_USD = 2_291_080.0
US_ALONE_USD = 2_286_200.0
LP_USD = 2_225_080.0


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
