"""The CLI attacked as a hostile or careless user would: more than 1,000 generated cases over CSV
dialects and encodings, YAML structure, CLI options, output targets, run folders, sweep specs
and uncertainty blocks (stochastic programmes) with the options that go with them.

Every case must end in success or a clean non-zero exit with a one-screen message, without a
traceback or Python internals, within its memory (RLIMIT_AS 3 GB) and time limits, and without
changing any file outside its output target (a snapshot of the sandbox before and after). The
attacks are in ``tests/adversarial/cases.py``; they run in a harness process that executes the
real command line in-process (``tests/adversarial/harness.py``), a few as real ``aidc``
processes. Cases that solve, draw reports or start worker pools are marked ``slow``.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from aidc.optimizer.inputs.loading import load_scenario
from aidc.optimizer.planner.planner import Planner
from aidc.optimizer.results.run_folder import write_run
from aidc.optimizer.solve import SolveOptions
from aidc.optimizer.sweep import store
from tests.adversarial.cases import all_attacks
from tests.adversarial.runner import Attack, Harness, changed_paths, run_attack, snapshot
from tests.factory import micro, rich, write_scenario

ATTACKS = all_attacks()
CLASSES = ("csv", "yaml", "options", "targets", "runs", "sweeps", "uncertainty")
COUNTS: Counter[str] = Counter()
GATHER_CASES = 120


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    """The folders copied into each sandbox: a scenario and two solved run folders."""
    root = tmp_path_factory.mktemp("templates")
    write_scenario(root / "micro", micro())
    folders = {"micro": root / "micro"}
    for name, spec in (("run", rich()), ("run2", micro())):
        path = write_scenario(root / f"{name}-scenario", spec)
        result = Planner(load_scenario(path), SolveOptions(mip_gap=1e-6)).solve()
        folders[name] = write_run(root / name, result.summary, result.tables)
    return folders


@pytest.fixture(scope="module")
def harness():
    process = Harness()
    yield process
    process.stop()


def _param(attack: Attack):
    return pytest.param(attack, id=attack.id, marks=[pytest.mark.slow] if attack.slow else [])


@pytest.mark.parametrize("attack", [_param(a) for a in ATTACKS])
def test_attack_ends_cleanly(attack: Attack, harness, templates, tmp_path):
    COUNTS[attack.klass] += 1
    outcome = run_attack(attack, tmp_path / "case", harness, templates)
    assert not outcome.problems, "\n".join(outcome.problems)


# ----- sweep folders gathered in-process: mixed-type values and corrupt case files -------------
JUNK = [
    b'{"case_id": "trunc',
    b"",
    b"\x00\x01binary",
    b"[1, 2, 3]",
    b'"just text"',
    b"null",
    b"[" * 50_000 + b"]" * 50_000,
    '{"status": "ok", "case_id": "café"}'.encode("latin-1"),
]
VALUES = ["text", 1, 2.5, True, None, [1, "a"], {"k": 1}, float("nan"), -0.0, 10**30, "", "é" * 50]


def _record(case_id: str, rng: random.Random) -> dict:
    status = rng.choice(["ok", "failed"])
    record = {
        "case_id": case_id,
        "status": status,
        "error": None if status == "ok" else rng.choice(["boom", "x" * 5000]),
        "values": {name: rng.choice(VALUES) for name in rng.sample(["p", "q", "r"], rng.randint(0, 3))},
        "objective_usd": rng.choice([1.0, None, 3]),
        "cost_per_mtok_usd": rng.choice([0.1, None]),
        "sites": rng.choice([["a", "b"], [], None]),
        "accelerators_last_year": rng.choice([{"gpu": 10}, {}, None]),
        "mode": rng.choice(["warm", "cold", None]),
    }
    return record


def _broken(case_id: str, rng: random.Random) -> bytes:
    shapes = [
        {"case_id": case_id, "status": "ok", "values": [1]},
        {"case_id": case_id, "status": "ok", "sites": 5},
        {"case_id": case_id, "status": "ok", "accelerators_last_year": {"gpu": "many"}},
        {"case_id": case_id, "status": "ok", "sites": [1, 2]},
        {"case_id": case_id, "status": "running"},
        {"case_id": "other", "status": "ok"},
        {"case_id": case_id, "status": "ok", "error": {"a": 1}},
    ]
    return rng.choice([*JUNK, *(json.dumps(shape).encode() for shape in shapes)])


@pytest.mark.parametrize("seed", range(GATHER_CASES))
def test_gathering_survives_mixed_values_and_corrupt_case_files(seed, tmp_path):
    """``aidc sweep``'s gathering (store.gather, finished_ids, corrupt_cases) on case files with
    values of every kind and corrupt files: no exception, corrupt files left out and reported."""
    COUNTS["sweeps"] += 1
    rng = random.Random(seed)
    out = tmp_path / "sweep"
    (out / store.CASES).mkdir(parents=True)
    ids = [f"case{i:03d}" for i in range(rng.randint(1, 25))]
    corrupt = set(rng.sample(ids, rng.randint(0, len(ids))))
    for case_id in ids:
        path = store.case_path(out, case_id)
        if case_id in corrupt:
            path.write_bytes(_broken(case_id, rng))
        else:
            path.write_text(json.dumps(_record(case_id, rng)))
    if rng.random() < 0.3:
        (out / store.CASES / "folder.json").mkdir()
    (out / store.CASES / ".leftover.json.tmp").write_text("partial")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    before = snapshot(tmp_path)

    assert store.finished_ids(out) == set(ids) - corrupt
    assert set(store.corrupt_cases(out, ids)) == corrupt
    frame = store.gather(out, ids, ["p", "q", "r"])
    assert sorted(frame["case_id"]) == sorted(set(ids) - corrupt)
    assert sorted(pd.read_parquet(out / store.RESULTS)["case_id"]) == sorted(frame["case_id"])
    changed = changed_paths(before, snapshot(tmp_path))
    assert changed <= {"sweep/results.parquet", "sweep/cases/.leftover.json.tmp"}, changed


def test_every_class_ran(capsys):
    """Runs last (file order): print the number of cases per class; with the whole module
    selected, every class ran and there were at least 1,000 cases."""
    total = sum(COUNTS.values())
    if total == 0:
        pytest.skip("run together with the attacks")
    with capsys.disabled():
        line = ", ".join(f"{klass} {COUNTS[klass]}" for klass in CLASSES)
        print(f"\nadversarial cases run: {total} ({line})")
    fast = sum(1 for attack in ATTACKS if not attack.slow) + GATHER_CASES
    if total >= fast:
        assert total >= 1000
        assert all(COUNTS[klass] > 0 for klass in CLASSES), COUNTS


def test_attacks_are_many_and_distinct():
    assert len(ATTACKS) + GATHER_CASES >= 1000
    ids = [attack.id for attack in ATTACKS]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
    assert {attack.klass for attack in ATTACKS} == set(CLASSES)
