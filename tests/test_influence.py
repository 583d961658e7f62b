"""`aidc sensitivity`: which low-confidence inputs move the cost per token and the vendor mix."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.sweep.influence import Factor, noise_floor, rank_factors, uncertain_factors
from tests.factory import rich, write_scenario


def test_factors_take_their_range_from_the_rows_confidence(tmp_path):
    spec = rich()
    spec["accelerators"][0]["confidence"] = "L"  # gpu price: +-25%
    spec["accelerators"][1]["confidence"] = "H"  # dense price: not varied
    inputs = load_scenario(write_scenario(tmp_path, spec))
    factors = {f.name: f for f in uncertain_factors(inputs, ["L", "EST"])}
    assert (
        factors["accelerators.price_usd_per_accel.gpu"].low,
        factors["accelerators.price_usd_per_accel.gpu"].high,
    ) == (
        0.75,
        1.25,
    )
    assert "accelerators.price_usd_per_accel.dense" not in factors
    assert factors["throughput.tokens_per_s_per_accel.dense"].low == pytest.approx(0.65)  # EST: +-35%


def test_ranking_finds_the_input_that_drives_cost_and_mix():
    """cost rises with factor a and ignores b (b is a fixed reordering of a whose rank correlation
    with it is -0.02); vendor X's share falls with a: a ranks first, b stays below the noise floor."""
    a = np.linspace(0.8, 1.2, 40)
    b = a[[(i * 17) % 40 for i in range(40)]]
    records = [
        {
            "case_id": f"c{i}",
            "status": "ok",
            "values": {"fa": a[i], "fb": b[i]},
            "cost_per_mtok_usd": 0.1 * a[i],
            "throughput_weighted_mix": {"x1": 1.2 - a[i], "y1": a[i] - 0.2},
        }
        for i in range(40)
    ]
    factors = [Factor(n, "accelerators", "price_usd_per_accel", n, "EST", 0.8, 1.2) for n in ("fa", "fb")]
    ranking = rank_factors(records, factors, {"x1": "X", "y1": "Y"})
    top = ranking.iloc[0]
    assert top["factor"] == "fa" and top["cost_rank_correlation"] == pytest.approx(1.0)
    assert abs(top["mix_rank_correlation"]) == pytest.approx(1.0) and bool(top["above_noise"])
    assert top["cost_swing_usd_per_mtok"] > 0.02  # mean cost top third minus bottom third
    weak = ranking.set_index("factor").loc["fb"]
    assert abs(weak["cost_rank_correlation"]) < noise_floor(40) and not bool(weak["above_noise"])


def test_cli_ranks_and_writes_influence_csv(tmp_path):
    scenario = write_scenario(tmp_path / "s", rich())
    out = tmp_path / "out"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "aidc.optimizer", "sensitivity", str(scenario), "--out", str(out)),
            *("--samples", "6", "--lp", "--workers", "1", "--no-progress", "--top", "3"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    ranking = pd.read_csv(out / "influence.csv")
    assert len(ranking) == len(uncertain_factors(load_scenario(scenario))) and "within sampling noise" in run.stdout
