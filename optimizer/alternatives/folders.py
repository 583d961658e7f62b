"""An alternatives folder: one run folder per plan, so ``aidc compare`` and ``aidc report`` read them.

DIR/.aidc-folder          marker (kind: alternatives)
DIR/alternatives.csv      one row per plan: objective, status, key decisions, timings
DIR/alternatives.json     the summary: slack, cost cap, plans, each decision's range
DIR/optimum/              the optimum (as ``aidc solve --out`` writes it)
DIR/<objective>/          each alternative found (a run folder)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from aidc.optimizer.alternatives.search import AlternativesRun
from aidc.optimizer.results.atomic import to_json
from aidc.optimizer.results.output_target import write_marker
from aidc.optimizer.results.run_folder import write_tables

TABLE_FILE = "alternatives.csv"
SUMMARY_FILE = "alternatives.json"


def write_alternatives(
    staging: Path, run: AlternativesRun, summary: dict[str, Any], table: pd.DataFrame, fmt: str = "csv"
) -> None:
    """Write every plan with a result, the decision table and the summary into ``staging`` (the
    staging folder of a claimed ``alternatives`` target)."""
    for plan in run.plans:
        if plan.result is None:
            continue
        folder = staging / plan.name
        folder.mkdir()
        plan_summary = dict(plan.result.summary)
        plan_summary["alternative"] = {
            "objective": plan.objective,
            "description": plan.description,
            "sense": plan.sense,
            "value": plan.objective_value,
            "unit": plan.unit,
            "slack": run.slack,
            "optimum_cost_usd": run.optimum_cost_usd,
            "cost_cap_usd": run.cost_cap_usd,
        }
        write_tables(folder, plan_summary, plan.result.tables, fmt)
        write_marker(folder, "run")
    table.to_csv(staging / TABLE_FILE, index=False, float_format="%.10g")
    (staging / SUMMARY_FILE).write_text(to_json(summary), encoding="utf-8")
