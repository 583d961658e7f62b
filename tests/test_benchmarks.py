"""The benchmark scripts stay runnable: generated scenarios validate, and model_size.py --quick runs end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aidc.optimizer.inputs.loading import load_scenario

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import SIZES, Size, generate  # noqa: E402

LARGE = ("l", "xl", "xxl")  # seconds each to validate: profiles for up to 144 slices


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in LARGE else n for n in SIZES])
def test_every_preset_validates(tmp_path: Path, name: str) -> None:
    inputs = load_scenario(generate(tmp_path, SIZES[name], seed=1))
    assert len(inputs.tables["sites"]) == SIZES[name].sites
    assert len(inputs.tables["slices"]) == SIZES[name].slices
    assert inputs.tables["demand"]["tokens_per_day_billion"].gt(0).all()


def test_generator_cli_is_seeded(tmp_path: Path) -> None:
    args = ["--size", "xs", "--sites", "5", "--slices", "48", "--seed", "3"]
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "generate.py"), str(tmp_path / "a"), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith("scenario.yaml")
    size = Size(sites=5, **{k: v for k, v in vars(SIZES["xs"]).items() if k not in ("sites", "slices")}, slices=48)
    generate(tmp_path / "b", size, seed=3)
    for csv in (tmp_path / "a").glob("*.csv"):
        assert csv.read_text() == (tmp_path / "b" / csv.name).read_text(), csv.name
    assert len(load_scenario(tmp_path / "a" / "scenario.yaml").tables["sites"]) == 5


def test_size_rejects_bad_slices() -> None:
    with pytest.raises(ValueError, match="multiple of 24"):
        Size(sites=1, accelerators=1, regions=1, workloads=1, years=1, slices=30)


def test_model_size_quick_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "model_size.py"), "--quick", "--json", str(out), "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    (row,) = json.loads(out.read_text())
    assert "error" not in row, row
    assert row["variables"] > 1000 and row["nonzeros"] > row["variables"]
    assert row["status"] == row["bare_status"] == "Optimal"
    assert abs(row["objective"] - row["bare_objective"]) <= 1e-6 * max(1.0, abs(row["bare_objective"]))
    assert row["peak_mb"] > 0 and row["bare_s"] > 0
    for heading in ("variables", "ratio", "Scaling exponents"):
        assert heading in done.stdout
