"""Signals from a user or a supervisor: Ctrl-C (SIGINT) and SIGTERM during a solve and a sweep,
SIGKILL of a sweep's main process. Real processes, real HiGHS, real worker pools.

- a solve interrupted while HiGHS runs exits 130 (SIGINT) or 143 (SIGTERM) saying "interrupted",
  leaves the previous run folder at ``--out`` as it was and no staging folder behind; a second
  interruption ends it at once;
- a sweep interrupted exits 130/143, keeps every case it recorded (complete files), stops its
  workers, and ``--resume`` completes it with one record per case;
- a sweep whose main process is killed (SIGKILL) leaves no worker running 10 s later, and
  ``--resume`` completes it with one record per case and no duplicates.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from aidc.inputs import BASELINE_SCENARIO
from aidc.optimizer.results.run_folder import write_run
from aidc.optimizer.sweep import expand_cases, load_spec
from aidc.optimizer.sweep.store import CASES, RESULTS
from tests.factory import rich, write_scenario

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def aidc(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aidc.optimizer", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def wait_for(condition, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


class Watched:
    """A process whose stderr is read as it comes (a thread), so a test can wait for a line."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.text = ""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.text += line

    def wait_for(self, fragment: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while fragment not in self.text:
            assert self.process.poll() is None, self.text
            assert time.monotonic() < deadline, f"no {fragment!r} in {self.text!r}"
            time.sleep(0.05)

    def finish(self, timeout: float) -> tuple[int, str]:
        """Wait for the exit; the exit code and all of stderr."""
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        self.process.stdout.close()
        return code, self.text


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(text.rsplit(")", 1)[1].split()[1])
            parents.setdefault(parent, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def running(pids: set[int]) -> set[int]:
    """The ``pids`` still alive (zombies count as ended)."""
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def none_left_after(pids: set[int], seconds: float = 10.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while running(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running(pids)


def tree_of_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ----- solve ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_a_solve_keeps_the_previous_run(tmp_path, sig, code):
    out = tmp_path / "run"
    write_run(out, {"objective_usd": 1.0, "note": "previous"}, {"a": pd.DataFrame({"x": [1, 2]})})
    before = tree_of_files(out)
    solve = Watched(aidc("solve", str(BASELINE_SCENARIO), "--out", str(out)))
    solve.wait_for("stage 0/3")  # HiGHS is solving the LP relaxation (stage 0 takes 1-3 minutes)
    time.sleep(1.0)
    solve.process.send_signal(sig)
    started = time.monotonic()
    returncode, stderr = solve.finish(timeout=180)
    assert returncode == code, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert "stopping HiGHS" in stderr  # the user is told what happens while HiGHS stops
    assert tree_of_files(out) == before, "the previous run folder changed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"], "staging folder or lock left behind"
    assert time.monotonic() - started < 120


def test_second_interruption_ends_a_solve_at_once(tmp_path):
    out = tmp_path / "run"
    solve = Watched(aidc("solve", str(BASELINE_SCENARIO), "--out", str(out)))
    solve.wait_for("stage 0/3")
    time.sleep(0.5)
    solve.process.send_signal(signal.SIGINT)
    solve.wait_for("stopping HiGHS")
    solve.process.send_signal(signal.SIGINT)
    started = time.monotonic()
    returncode, stderr = solve.finish(timeout=60)
    assert returncode == 130, stderr
    assert time.monotonic() - started < 10, "did not end at once"
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == [], "staging folder or lock left behind"


# ----- sweeps ---------------------------------------------------------------------------------
CASES_IN_SPEC = 150


def write_spec(folder: Path, cases: int = CASES_IN_SPEC) -> Path:
    write_scenario(folder / "scenario", rich())
    spec = {
        "name": "signals",
        "base": "scenario/scenario.yaml",
        "parameters": {"power": {"kind": "energy_price_scale", "option": "grid"}},
        "sample": {"n": cases, "seed": 7, "ranges": {"power": [0.5, 2.0]}},
    }
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def start_sweep(spec: Path, out: Path) -> subprocess.Popen:
    options = ["--lp", "--workers", "2", "--no-progress"]
    return aidc("sweep", str(spec), "--out", str(out), *options, start_new_session=True)


def recorded(out: Path) -> list[Path]:
    folder = out / CASES
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def assert_complete_records(out: Path) -> int:
    files = recorded(out)
    for path in files:
        assert json.loads(path.read_text())["case_id"] == path.stem, path
    return len(files)


def resume_to_completion(spec: Path, out: Path) -> None:
    process = aidc("sweep", str(spec), "--out", str(out), "--lp", "--workers", "2", "--no-progress", "--resume")
    _, stderr = process.communicate(timeout=900)
    assert process.returncode == 0, stderr
    expected = {case.case_id for case in expand_cases(load_spec(spec))}
    results = pd.read_parquet(out / RESULTS)
    assert results["case_id"].is_unique and set(results["case_id"]) == expected
    assert (results["status"] == "ok").all()
    assert sorted(path.stem for path in recorded(out)) == sorted(expected), "a case missing or twice"
    assert not [p for p in (out / CASES).iterdir() if p.name.startswith(".")], "temporary files left"


@pytest.mark.parametrize(
    ("sig", "code", "group"), [(signal.SIGINT, 130, True), (signal.SIGTERM, 143, False)], ids=["ctrl-c", "sigterm"]
)
def test_signal_during_a_sweep_stops_cleanly_and_resumes(tmp_path, sig, code, group):
    """Ctrl-C reaches the whole process group (as from a terminal); SIGTERM only the main process
    (as from ``kill`` or a supervisor)."""
    spec = write_spec(tmp_path)
    out = tmp_path / "out"
    process = start_sweep(spec, out)
    wait_for(lambda: len(recorded(out)) >= 3, process)
    workers = descendants(process.pid)
    assert workers, "no worker processes seen"
    if group:
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert "interrupted" in stderr and "--resume" in stderr and "Traceback" not in stderr
    kept = assert_complete_records(out)
    assert 3 <= kept <= CASES_IN_SPEC
    assert not none_left_after(workers), "worker processes left running"
    resume_to_completion(spec, out)


def test_killed_sweep_leaves_no_workers_and_resumes(tmp_path):
    spec = write_spec(tmp_path)
    out = tmp_path / "out"
    process = start_sweep(spec, out)
    wait_for(lambda: len(recorded(out)) >= 3, process)
    workers = descendants(process.pid)
    assert len(workers) >= 2, workers
    process.send_signal(signal.SIGKILL)  # the main process only: its workers must notice
    process.communicate(timeout=60)
    left = none_left_after(workers, 10.0)
    assert not left, f"orphan worker processes after 10 s: {left}"
    assert 3 <= assert_complete_records(out) <= CASES_IN_SPEC
    resume_to_completion(spec, out)
