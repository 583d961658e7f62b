"""Signs of life on stderr: the stages and, for a MIP, incumbent, bound and gap as they improve;
``--quiet`` silences them, ``-v`` adds the solver's log, and ``--json`` keeps stdout pure JSON."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from aidc.optimizer.results.summary_text import SOLVER_NAMES
from aidc.optimizer.solve import SOLVERS
from aidc.optimizer.solve.progress import BoundedProgress, StderrProgress
from tests.factory import rich, write_scenario

MONEY = r"-?\$[\d.,]+[kMB]?"
MIP_LINE = re.compile(rf"^\[ *\d+\.\ds\]   .+: incumbent {MONEY}  bound {MONEY}  gap \d+\.\d\d%$", re.M)
STAGE_LINE = re.compile(r"^\[ *\d+\.\ds\] (\S.*)$", re.M)


def aidc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aidc.optimizer", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """rich(): whole servers and site/cooling binaries, so ``aidc solve`` runs the staged MIP."""
    return str(write_scenario(tmp_path_factory.mktemp("rich"), rich()))


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_stages_and_mip_progress_on_stderr(scenario, solver):
    done = aidc("solve", scenario, "--solver", solver)
    assert done.returncode == 0, done.stderr
    stages = [s for s in STAGE_LINE.findall(done.stderr) if not s.startswith(" ")]
    assert stages == [
        "load and validate",
        "build",
        f"hand-over to {solver}",
        "stage 0/3: LP relaxation and a rounded plan",
        "stage 1/3: sites and cooling (whole), accelerators relaxed",
        "stage 2/3: whole servers and racks at the chosen sites",
        *(["stage 3/3: the full MIP, warm-started"] if "stage 3/3" in done.stderr else []),
        "marginal costs (LP with the integers fixed)",
        "results",
    ]
    mip = MIP_LINE.findall(done.stderr)
    # MIP stages report incumbent, bound and gap (stage 1 may have nothing to report when stage 0's
    # rounded start is already optimal, as it is here with SCIP)
    assert any("stage 2/3" in line for line in mip), done.stderr
    assert not any("marginal costs" in line for line in mip)  # an LP has no incumbent to report
    assert done.stdout.startswith("aidc plan: micro")  # stdout holds only the plan
    time_line = next(line for line in done.stdout.splitlines() if line.strip().startswith("run time:"))
    assert f" {SOLVER_NAMES.get(solver, solver)} " in time_line


def test_quiet_silences_progress_and_json_stays_valid(scenario):
    loud = aidc("solve", scenario, "--json")
    assert loud.returncode == 0, loud.stderr
    assert json.loads(loud.stdout)["status"] == "optimal"
    assert MIP_LINE.search(loud.stderr)
    quiet = aidc("solve", scenario, "--json", "--quiet")
    assert quiet.returncode == 0
    assert quiet.stderr == ""
    assert json.loads(quiet.stdout)["objective_usd"] == pytest.approx(json.loads(loud.stdout)["objective_usd"])


def test_verbose_adds_the_highs_log(scenario):
    done = aidc("solve", scenario, "-v")
    assert done.returncode == 0, done.stderr
    assert "Solving MIP model with" in done.stderr and "Presolving model" in done.stderr
    assert "Presolving" not in aidc("solve", scenario).stderr


def test_an_improvement_held_back_by_the_rate_limit_is_shown_when_the_stage_ends():
    stream = io.StringIO()
    progress = StderrProgress(stream, interval=3600.0)
    progress.stage("mip")
    progress.mip(float("inf"), float("-inf"), float("inf"))  # nothing known yet: no line
    progress.mip(12.0, 10.0, 1 / 6)  # the first line is printed
    progress.mip(11.0, 10.5, 0.5 / 11)  # held back (within the interval)
    progress.mip(11.0, 10.5, 0.5 / 11)  # no change: nothing
    progress.mip(11.0, float("inf"), None)  # the bound lost at the end of a solve: still 10.5, no change
    progress.stage("next")
    lines = stream.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "mip",
        "  mip: incumbent $12.00M  bound $10.00M  gap 16.67%",
        "  mip: incumbent $11.00M  bound $10.50M  gap 4.55%",
        "next",
    ]


def test_a_stage_reports_no_bound_below_one_an_earlier_stage_proved():
    """Stage 1 of the staged MIP starts with HiGHS's own bound far below the LP relaxation's
    (on the baseline $10k against $2.80B); the report shows the LP's bound and its gap instead."""
    stream = io.StringIO()
    progress = BoundedProgress(StderrProgress(stream, interval=0.0), floor=10.0)
    progress.stage("stage 1")
    progress.mip(12.0, 0.01, 0.999)  # below the floor: shown at the floor, gap 2 / 12
    progress.mip(12.0, 11.0, 1 / 12)  # above it: as reported
    lines = [line.split("] ", 1)[1] for line in stream.getvalue().splitlines()]
    assert lines == [
        "stage 1",
        "  stage 1: incumbent $12.00M  bound $10.00M  gap 16.67%",
        "  stage 1: incumbent $12.00M  bound $11.00M  gap 8.33%",
    ]
