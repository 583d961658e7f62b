"""A stochastic programme's run folder (written into a claimed staging folder):

RUN/summary.json                    the stochastic summary (VSS, EVPI, first stage, outcomes)
RUN/first_stage_{sites,capacity,purchases}.csv   the here-and-now plan
RUN/mean_plan_{sites,capacity,purchases}.csv     the plan of the mean forecast, for comparison
RUN/outcomes.csv                    one row per outcome: cost, $/Mtok, unserved, regret (both plans)
RUN/outcomes/<name>/                each outcome's recourse under the plan: a run folder of its
                                    own (summary.json and tables), readable by aidc report/compare
"""

from __future__ import annotations

from pathlib import Path

from aidc.optimizer.results.run_folder import write_tables
from aidc.optimizer.uncertainty.programme import StochasticResult

OUTCOMES_FOLDER = "outcomes"


def write_stochastic_run(folder: Path, result: StochasticResult, fmt: str) -> None:
    """Write the tables, summary and per-outcome run folders into ``folder`` (a staging folder)."""
    write_tables(folder, result.summary, result.tables, fmt)
    for name, run in result.outcomes.items():
        if run.summary is None or run.tables is None:
            continue
        target = folder / OUTCOMES_FOLDER / name
        target.mkdir(parents=True)
        write_tables(target, run.summary, run.tables, fmt)
