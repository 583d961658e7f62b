"""The rows the solver session re-reads after a parameter change are exactly the rows that
contain mutable parameters: a row missing from ``m.parameter_rows`` would keep a stale value in
HiGHS after a warm change, so the declaration is checked against the expressions themselves."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo
from pyomo.core.expr.visitor import identify_mutable_parameters

from aidc.optimizer.planner.planner import Planner
from tests.factory import rich, write_scenario


def _every_family(spec: dict) -> dict:
    """rich() with a capex budget and a carbon cap, so that every constraint family exists."""
    spec["config"]["capex_budget_usd"] = {2026: 1e9, 2027: 1e9}
    spec["config"]["carbon_cap_t"] = {2026: 1e6, 2027: 1e6}
    return spec


def test_declared_parameter_rows_match_the_expressions(tmp_path):
    model = Planner.from_file(write_scenario(tmp_path, _every_family(rich()))).model
    found = defaultdict(set)
    families = set()
    for con in model.component_data_objects(pyo.Constraint, active=True):
        families.add(con.parent_component().name)
        for param in identify_mutable_parameters(con.expr):
            found[param.parent_component().name].add(con.parent_component().name)
    declared = {name: {c.name for c in components if len(c)} for name, components in model.parameter_rows.items()}
    assert {"capex_budget", "carbon_cap", "demand_balance", "deferrable_daily_balance"} <= families
    assert dict(found) == declared
