"""A sweep folder never loses work: a rerun without --resume parks the earlier sweep (sweep.json,
cases, tables, results, tornado/regime/influence tables) in ``.aidc-earlier-sweep/`` and removes
it only when a run of the folder completes; an interrupted rerun keeps it byte for byte and says
where; --resume continues the new sweep and never reads the parked one; outputs are 0644."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from aidc.optimizer.errors import EXIT_INTERRUPTED, SolveError
from aidc.optimizer.results.output_target import MARKER
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.sweep import expand_cases, load_spec, run_sweep, store
from aidc.optimizer.sweep.store import CASES, MANIFEST, PARKED, RESULTS
from tests.factory import rich, write_scenario

REPO = Path(__file__).resolve().parent.parent
LP = SolveOptions(relax="all", marginal_costs=False)  # what --lp asks for


def write_spec(folder: Path, name: str, grid: dict) -> Path:
    spec = {
        "name": name,
        "base": "scenario/scenario.yaml",
        "parameters": {
            "power": {"kind": "energy_price_scale", "option": "grid"},
            "dense": {"kind": "accelerator_price", "accelerator": "dense"},
        },
        "grid": grid,
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def aidc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aidc.optimizer", *args], cwd=REPO, capture_output=True, text=True, timeout=300
    )


def sweep(spec: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    done = aidc("sweep", str(spec), "--out", str(out), "--lp", "--workers", "1", "--no-progress", *options)
    assert done.returncode == 0, done.stderr
    return done


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (but its marker and a parked sweep), by relative path."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MARKER and PARKED not in path.relative_to(folder).parts
    }


def leftovers(out: Path) -> list[Path]:
    """A parked sweep or the staging folders of one being parked or removed."""
    return [path for path in out.glob(".aidc-*") if path.name != MARKER]


def case_ids(spec: Path) -> set[str]:
    return {case.case_id for case in expand_cases(load_spec(spec))}


def recorded(out: Path) -> set[str]:
    return {path.stem for path in (out / CASES).glob("*.json")}


def interrupted_run(spec: Path, out: Path, monkeypatch, after: int = 1) -> tuple[list[str], str]:
    """A run without --resume (in this process) that gets Ctrl-C right after its first ``after``
    cases are written: the ids written and the message the command prints."""
    written: list[str] = []
    write_case = store.write_case

    def write_then_interrupt(folder: Path, record: dict) -> None:
        write_case(folder, record)
        written.append(record["case_id"])
        if len(written) >= after:
            raise KeyboardInterrupt

    monkeypatch.setattr(store, "write_case", write_then_interrupt)
    with pytest.raises(SolveError) as caught:
        run_sweep(load_spec(spec), out, options=LP, workers=1, progress=False)
    monkeypatch.setattr(store, "write_case", write_case)
    assert caught.value.exit_code == EXIT_INTERRUPTED
    return written, str(caught.value)


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """A project with a complete sweep (3 cases, with --tables) in ``done``."""
    root = tmp_path_factory.mktemp("keeps")
    write_scenario(root / "scenario", rich())
    sweep(write_spec(root, "first", {"power": [0.8, 1.2]}), root / "done", "--tables")
    return root


@pytest.fixture
def project(earlier, tmp_path) -> Path:
    """A copy of ``earlier`` (specs resolve their base relative to themselves)."""
    shutil.copytree(earlier, tmp_path / "p")
    return tmp_path / "p"


def test_interrupted_rerun_keeps_the_earlier_sweep_byte_for_byte(project, monkeypatch):
    out = project / "done"
    before = snapshot(out)
    assert {"sweep.json", "results.parquet", "tornado.csv", "regime_changes.csv"} <= set(before)
    assert any(name.startswith("tables/") for name in before) and len(recorded(out)) == 3

    second = write_spec(project, "second", {"power": [0.9, 1.1, 1.3]})
    written, message = interrupted_run(second, out, monkeypatch)
    assert snapshot(out / PARKED) == before  # every file of the earlier sweep, unchanged
    assert recorded(out) == set(written)  # the new sweep alone at the top
    assert (out / MARKER).is_file() and not (out / PARKED / MARKER).exists()
    assert f"1 of {len(case_ids(second))} cases are recorded" in message
    assert str(out / PARKED) in message and "--resume" in message

    # another rerun without --resume, interrupted too: the parked sweep is still the earlier one,
    # the first rerun's partial files are gone
    third = write_spec(project, "third", {"power": [0.7, 1.4]})
    written, _ = interrupted_run(third, out, monkeypatch)
    assert snapshot(out / PARKED) == before
    assert recorded(out) == set(written)
    assert json.loads((out / MANIFEST).read_text())["name"] == "third"


def test_completed_rerun_drops_the_earlier_sweep_and_its_stale_files(project):
    out = project / "influence"
    scenario = project / "scenario" / "scenario.yaml"
    done = aidc(
        *("sensitivity", str(scenario), "--out", str(out), "--samples", "3"),
        *("--lp", "--workers", "1", "--no-progress"),
    )
    assert done.returncode == 0, done.stderr
    assert (out / "influence.csv").is_file()

    second = write_spec(project, "second", {"power": [0.9, 1.1]})
    reply = sweep(second, out)
    assert ".aidc-earlier-sweep" not in reply.stdout
    assert not (out / PARKED).exists() and not leftovers(out)
    assert not (out / "influence.csv").exists()  # the sensitivity run's table is not this sweep's
    assert recorded(out) == case_ids(second)
    assert set(pd.read_parquet(out / RESULTS)["case_id"]) == case_ids(second)
    assert set(pd.read_csv(out / "tornado.csv")["parameter"]) == {"power"}
    assert sorted(path.name for path in out.iterdir()) == sorted(
        [MARKER, MANIFEST, CASES, RESULTS, "tornado.csv", "regime_changes.csv"]
    )


def test_outputs_are_readable_by_everyone(earlier):
    out = earlier / "done"
    for path in [out / RESULTS, out / "tornado.csv", out / "regime_changes.csv", out / MANIFEST]:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644, path
    for path in (out / CASES).glob("*.json"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644, path


def test_resume_after_an_interrupted_rerun_continues_the_new_sweep(project, monkeypatch):
    out = project / "done"
    first = recorded(out)
    before = snapshot(out)
    second = write_spec(project, "second", {"power": [0.9, 1.1, 1.3]})
    written, _ = interrupted_run(second, out, monkeypatch, after=2)
    assert snapshot(out / PARKED) == before and first - case_ids(second)  # cases --resume must not take
    assert recorded(out) == set(written)

    reply = sweep(second, out, "--resume")
    assert f"{len(case_ids(second))} cases" in reply.stdout and "2 already done" in reply.stdout
    assert recorded(out) == case_ids(second)
    results = pd.read_parquet(out / RESULTS)
    assert set(results["case_id"]) == case_ids(second) and results["case_id"].is_unique
    assert not (out / PARKED).exists() and not leftovers(out)  # complete: the earlier one goes


def test_a_parking_cut_short_is_put_back_whole(tmp_path):
    """A process killed while moving the earlier sweep aside (part of it moved into a staging
    folder): the next run puts it back together and parks it whole; a removal cut short is
    finished."""
    out = tmp_path / "o"
    (out / CASES).mkdir(parents=True)
    (out / MARKER).write_text('{"kind": "sweep"}\n')
    (out / CASES / "a.json").write_text("{}")
    (out / "tornado.csv").write_text("x\n")
    (out / "notes.txt").write_text("mine")  # not aidc's: left where it is
    half = out / ".aidc-parking-killed"
    half.mkdir()
    (half / MANIFEST).write_text('{"name": "old"}')
    (half / RESULTS).write_bytes(b"old")
    (out / ".aidc-discarded-killed" / CASES).mkdir(parents=True)

    store.open_store(out, {"name": "new", "input_sha256": {}}, resume=False)
    assert snapshot(out / PARKED) == {
        MANIFEST: b'{"name": "old"}',
        f"{CASES}/a.json": b"{}",
        RESULTS: b"old",
        "tornado.csv": b"x\n",
    }
    assert sorted(path.name for path in out.iterdir()) == sorted([MARKER, PARKED, MANIFEST, CASES, "notes.txt"])
    assert json.loads((out / MANIFEST).read_text())["name"] == "new" and not recorded(out)


def test_a_parked_sweep_holding_the_users_files_is_not_removed(tmp_path):
    from aidc.optimizer.sweep import store

    parked = tmp_path / store.PARKED
    (parked / "cases").mkdir(parents=True)
    (parked / "cases" / "0123456789ab.json").write_text("{}")
    (parked / "tables" / "0123456789ab").mkdir(parents=True)
    (parked / "results.parquet").write_bytes(b"")
    assert store.user_files(parked) == []
    (parked / "cases" / "my-notes.txt").write_text("mine")
    assert store.user_files(parked) == ["cases/my-notes.txt"]
    store.drop_parked(tmp_path)
    assert (parked / "cases" / "my-notes.txt").read_text() == "mine"
    (parked / "cases" / "my-notes.txt").unlink()
    store.drop_parked(tmp_path)
    assert not parked.exists()
