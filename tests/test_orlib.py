"""aidc reduced to capacitated facility location reproduces OR-Library's published optima, on
each registered solver (HiGHS, SCIP through ``SolveOptions(solver="scip")``): all reach the same optimum."""

from __future__ import annotations

import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.solve import SOLVERS, SolveOptions
from tests.orlib import PUBLISHED_OPTIMA, write_instance


@pytest.mark.slow
@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("name", sorted(PUBLISHED_OPTIMA))
def test_published_optimum(name, solver, tmp_path):
    path = write_instance(name, tmp_path)
    planner = Planner.from_file(path, SolveOptions(mip_gap=1e-9, marginal_costs=False, solver=solver))
    result = planner.solve()
    assert result.summary["mip_status"] == "optimal"
    assert result.summary["tokens_unserved"] == pytest.approx(0.0, abs=1e-3)
    assert result.summary["objective_usd"] == pytest.approx(PUBLISHED_OPTIMA[name], rel=1e-6)
