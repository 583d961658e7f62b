"""The time limit of a stochastic programme is one budget shared by its 3N + 2 solves
(``optimizer/uncertainty/budget.py``): the shares are derived by hand, and a real programme on the
newsvendor case (HiGHS, no stand-ins) is checked to hand its solves no more than the budget."""

from __future__ import annotations

import time

import pytest

from aidc.models.schema import ScenarioConfig
from aidc.optimizer.errors import InputError
from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.uncertainty import evaluation, extensive_form
from aidc.optimizer.uncertainty.budget import SHORTEST_SOLVE_S, TimeBudget, programme_time_limit, solve_count
from aidc.optimizer.uncertainty.programme import solve_under_uncertainty
from tests.factory import write_scenario
from tests.test_uncertainty import newsvendor

BASE = SolveOptions(mip_gap=1e-9)


def _config(tmp_path, **settings) -> ScenarioConfig:
    spec = newsvendor(0.5)
    block = settings.pop("block", None)
    if block is not None:
        spec["config"]["uncertainty"]["time_limit_s"] = block
    spec["config"].update(settings)
    return load_scenario(write_scenario(tmp_path, spec)).config


def test_solve_count_is_the_mean_three_per_outcome_and_the_here_and_now_plan():
    assert solve_count(1) == 5 and solve_count(5) == 17


def test_the_budget_comes_from_the_option_then_the_block_then_the_setting_once_per_solve(tmp_path):
    assert programme_time_limit(_config(tmp_path / "a", block=900, solve_time_limit_s=60), 30.0) == 30.0
    assert programme_time_limit(_config(tmp_path / "b", block=900, solve_time_limit_s=60), None) == 900.0
    # two outcomes: 3 x 2 + 2 = 8 solves of 60 s, as when the setting was a limit per solve
    assert programme_time_limit(_config(tmp_path / "c", solve_time_limit_s=60), None) == 480.0
    assert programme_time_limit(_config(tmp_path / "d"), None) is None


@pytest.mark.parametrize("bad", [0, -5, True, "ten", 1e8])
def test_a_bad_budget_is_an_input_error_naming_its_yaml_path(tmp_path, bad):
    with pytest.raises(InputError) as caught:
        _config(tmp_path, block=bad)
    text = caught.value.render()
    assert "scenario.yaml, uncertainty, field 'time_limit_s'" in text, text


def test_each_solve_gets_the_time_left_times_its_weight_over_the_weight_to_come():
    budget = TimeBudget(100.0, weight_to_come=10.0, started=time.perf_counter() - 40.0)  # 60 s left
    assert budget.share(BASE).time_limit == pytest.approx(60.0 * 1 / 10, abs=0.01)
    assert budget.share(BASE, weight=3.0).time_limit == pytest.approx(60.0 * 3 / 9, abs=0.01)
    budget.skip(2.0)  # another rank's solves: 4 to come
    assert budget.share(BASE, weight=4.0).time_limit == pytest.approx(60.0, abs=0.01)  # the last gets all
    assert budget.weight_to_come == 0.0


def test_a_spent_budget_still_gives_each_solve_its_shortest_time_and_no_budget_no_limit():
    spent = TimeBudget(10.0, weight_to_come=3.0, started=time.perf_counter() - 60.0)
    assert spent.share(BASE).time_limit == SHORTEST_SOLVE_S
    assert TimeBudget(None, weight_to_come=3.0).share(SolveOptions(time_limit=99.0)).time_limit is None


def test_a_programme_hands_its_solves_no_more_than_its_budget_and_passes_unused_time_on(tmp_path, monkeypatch):
    """Newsvendor, two outcomes: 8 solves. Every limit handed out is recorded on its way to HiGHS;
    the limits of the solves in order, each a share of what is left, never sum past the budget
    by more than the time the solves took, and the last solve is given about all that is left."""
    handed: list[tuple[str, float]] = []
    solve_outcome, solve_form = evaluation.OutcomeSolver.solve, extensive_form.ExtensiveForm.solve

    def outcome_spy(self, plan=None, *, keep_tables=False, options=None):
        handed.append(("outcome", options.time_limit))
        return solve_outcome(self, plan, keep_tables=keep_tables, options=options)

    def form_spy(self, progress=None, start=None, options=None):
        handed.append(("extensive form", options.time_limit))
        return solve_form(self, progress, start, options)

    monkeypatch.setattr(evaluation.OutcomeSolver, "solve", outcome_spy)
    monkeypatch.setattr(extensive_form.ExtensiveForm, "solve", form_spy)
    budget = 1000.0
    started = time.perf_counter()
    result = solve_under_uncertainty(
        load_scenario(write_scenario(tmp_path, newsvendor(0.5))), SolveOptions(mip_gap=1e-9, time_limit=budget)
    )
    elapsed = time.perf_counter() - started
    assert result is not None and result.summary["status"] == "optimal"
    assert [kind for kind, _ in handed] == ["outcome"] * 5 + ["extensive form"] + ["outcome"] * 2
    weights = [1, 1, 1, 1, 1, 2, 1, 1]  # the mean, own x2, mean plan x2, the form (2 outcomes), plan x2
    to_come = sum(weights)
    for (kind, limit), weight in zip(handed, weights, strict=True):
        # share = left x weight / to_come, and left lies between budget - elapsed and budget
        assert (budget - elapsed) * weight / to_come - 1e-6 <= limit <= budget * weight / to_come + 1e-6, kind
        to_come -= weight
    assert handed[-1][1] >= budget - elapsed  # the last solve is given everything left
