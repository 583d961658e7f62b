"""The first minute of a new user: build the wheel, install it into a fresh virtual environment,
and from an empty folder solve the baseline shipped inside it, then copy a scenario to edit.

The fresh environment reuses the dependencies already installed for the tests: a ``.pth`` file
lists the running interpreter's site-packages folders (a plain path entry: the ``.pth`` files in
them, such as an editable install of aidc, are not run), so the only ``aidc`` it can import is
the wheel's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIRS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]


def _run(*args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def _site_packages(prefix: Path) -> Path:
    (found,) = prefix.glob("lib/python3*/site-packages")
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the freshly built wheel installed; returns its prefix."""
    work = tmp_path_factory.mktemp("first-minute")
    source = work / "source"  # a clean copy: no stale build/ folder can leak into the wheel
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in PACKAGE_DIRS.values():
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = _run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", work / "dist", cwd=source)
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("aidc-*.whl")

    prefix = work / "venv"
    venv.EnvBuilder(with_pip=True).create(prefix)
    site = _site_packages(prefix)
    ours = [p for p in sys.path if p.rstrip("/").endswith("site-packages") and Path(p).is_dir()]
    (site / "reuse-test-dependencies.pth").write_text("\n".join(ours) + "\n")
    before = {p.name for p in site.iterdir()}
    done = _run(prefix / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=work)
    assert done.returncode == 0, done.stderr
    added = {p.name for p in site.iterdir()} - before
    assert added == {"aidc", wheel.name.split("-py3")[0] + ".dist-info"}, added
    return prefix


@pytest.mark.slow
def test_the_wheel_installs_only_the_aidc_namespace(installed):
    site = _site_packages(installed)
    assert not (site / "aidc" / "__init__.py").exists()  # a namespace: nothing else claims `aidc`
    assert {p.name for p in (site / "aidc").iterdir()} == {"models", "optimizer", "inputs"}
    for generic in ("models", "optimizer", "inputs"):
        assert not (site / generic).exists()
    assert (site / "aidc" / "inputs" / "scenarios" / "baseline.yaml").is_file()
    assert len(list((site / "aidc" / "inputs" / "catalogs").glob("*.csv"))) >= 10
    where = _run(
        installed / "bin" / "python",
        "-c",
        "import aidc.models, aidc.optimizer, aidc.inputs; print(aidc.models.__file__, aidc.optimizer.__file__,"
        " aidc.inputs.INPUTS_DIR)",
        cwd=installed,
    )
    assert where.returncode == 0, where.stderr
    assert all(path.startswith(str(site)) for path in where.stdout.split()), where.stdout


@pytest.mark.slow
def test_aidc_solve_from_an_empty_folder_runs_the_baseline_inside_the_wheel(installed, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    done = _run(installed / "bin" / "aidc", "solve", "--lp", cwd=empty)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("aidc plan: baseline")
    assert "cost per Mtok" in done.stdout
    assert "[" in done.stderr and "solve (LP)" in done.stderr  # progress on stderr
    assert list(empty.iterdir()) == []  # nothing written without --out


@pytest.mark.slow
def test_aidc_init_copies_a_scenario_that_validates(installed, tmp_path):
    done = _run(installed / "bin" / "aidc", "init", "mine", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    scenario = tmp_path / "mine" / "scenarios" / "baseline.yaml"
    assert scenario.is_file() and (tmp_path / "mine" / "catalogs").is_dir()
    checked = _run(installed / "bin" / "aidc", "validate", "mine/scenarios/baseline.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "valid" in checked.stdout
    again = _run(installed / "bin" / "aidc", "init", "mine", cwd=tmp_path)
    assert again.returncode == 2  # a folder that is not empty is never overwritten
