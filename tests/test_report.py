"""``aidc report`` and ``aidc compare`` on run folders solved from the reduced baseline, as processes."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.report.plots import REPORT_CHARTS
from aidc.optimizer.results.run_folder import write_run
from aidc.optimizer.solve import SolveOptions

SCENARIO = Path(__file__).resolve().parent.parent / "inputs" / "scenarios" / "whatif-small.yaml"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def aidc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aidc.optimizer", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """Two solved runs of the reduced baseline (an LP): as shipped, and with the grid power of
    its largest site (``BIGGEST``, recorded on the function) at $300/MWh."""
    folder = tmp_path_factory.mktemp("runs")
    planner = Planner.from_file(SCENARIO, SolveOptions(relax="all"))
    base = planner.solve()
    write_run(folder / "a", base.summary, base.tables)
    biggest = max(base.summary["sites_opened"], key=lambda site: site["it_capacity_mw"])["site"]
    planner.set_energy_price(biggest, "grid", 300.0)
    dear = planner.solve()
    write_run(folder / "b", dear.summary, dear.tables)
    return folder / "a", folder / "b"


def test_report_writes_every_chart_and_references_it(runs, tmp_path):
    out = tmp_path / "report"
    done = aidc("report", str(runs[0]), "--out", str(out))
    assert done.returncode == 0, done.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert set(p.stem for p in out.glob("*.png")) == set(REPORT_CHARTS)
    for stem in REPORT_CHARTS:
        png = (out / f"{stem}.png").read_bytes()
        assert png.startswith(PNG_MAGIC) and len(png) > 10_000
        assert f"href='{stem}.png'" in html
        assert base64.b64encode(png).decode("ascii") in html  # embedded: the page stands alone
    assert "whatif-small" in html


def test_report_default_folder_is_inside_the_run(runs):
    done = aidc("report", str(runs[1]))
    assert done.returncode == 0, done.stderr
    assert (runs[1] / "report" / "report.html").is_file()


def test_compare_prints_changes_and_writes_chart(runs, tmp_path):
    done = aidc("compare", str(runs[0]), str(runs[1]), "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    for heading in ("cost per million tokens", "discounted cost by component", "sites", "accelerators"):
        assert heading in done.stdout
    assert (tmp_path / "cmp" / "compare.png").read_bytes().startswith(PNG_MAGIC)
    assert {p.name for p in (tmp_path / "cmp").glob("*.csv")} == {
        "sites.csv",
        "accelerators.csv",
        "costs.csv",
        "cost_per_mtok.csv",
    }


def runs_biggest(folders: tuple[Path, Path]) -> str:
    """The largest site of run A (the one whose power price run B raised)."""
    import json

    summary = json.loads((folders[0] / "summary.json").read_text())
    return max(summary["sites_opened"], key=lambda site: site["it_capacity_mw"])["site"]


def test_compare_finds_what_moved(runs):
    from aidc.optimizer.report.compare import compare_runs
    from aidc.optimizer.results.run_folder import load_run

    comparison = compare_runs(load_run(runs[0]), load_run(runs[1]))
    energy = comparison.costs.set_index("component").loc["energy"]
    assert energy["delta"] == pytest.approx(energy["usd_b"] - energy["usd_a"])
    sites = comparison.sites.set_index("site")
    # dearer power shrinks the site that had the most capacity
    biggest = runs_biggest(runs)
    assert sites.loc[biggest, "it_mw_b"] < sites.loc[biggest, "it_mw_a"]
    levelised = comparison.cost_per_mtok.set_index("metric").loc["levelised"]
    assert levelised["usd_per_mtok_b"] >= levelised["usd_per_mtok_a"] - 1e-12
    same = compare_runs(load_run(runs[0]), load_run(runs[0]))
    assert (same.costs["delta"] == 0).all() and set(same.sites["change"]) == {"same"}


def test_bad_run_folders_exit_2(runs, tmp_path):
    missing = aidc("report", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such run folder" in missing.stderr
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "summary.json").write_text("{not json")
    done = aidc("compare", str(runs[0]), str(corrupt))
    assert done.returncode == 2 and "unreadable run folder" in done.stderr
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "summary.json").write_text((runs[0] / "summary.json").read_text())
    done = aidc("report", str(partial))
    assert done.returncode == 2 and "missing table" in done.stderr
