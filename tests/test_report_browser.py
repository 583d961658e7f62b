"""The HTML report as a person sees it: ``aidc report`` of a solved run, opened in real headless
Chromium (tests/browser.py). It renders, logs no console error, and every image loads."""

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
from tests.browser import chromium

SCENARIO = Path(__file__).resolve().parent.parent / "inputs" / "scenarios" / "whatif-small.yaml"

IMAGES = "Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """``aidc report`` of the reduced baseline (an LP), as a process; returns report.html."""
    folder = tmp_path_factory.mktemp("browser")
    result = Planner.from_file(SCENARIO, SolveOptions(relax="all")).solve()
    write_run(folder / "run", result.summary, result.tables)
    done = subprocess.run(
        [sys.executable, "-m", "aidc.optimizer", "report", str(folder / "run"), "--out", str(folder / "report")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return folder / "report" / "report.html"


def test_report_renders_in_chromium_with_every_image_loaded(report, tmp_path):
    with chromium(tmp_path / "profile") as page:
        page.open(report.as_uri())
        assert page.evaluate("document.title") == "aidc report: whatif-small"
        assert page.evaluate("document.querySelector('h1').innerText") == "aidc plan report: whatif-small"
        images = page.evaluate(IMAGES)
        assert [alt for alt, *_ in images] == [title for title, _ in REPORT_CHARTS.values()]
        for alt, complete, width, height in images:
            assert complete and width > 0 and height > 0, f"image {alt!r} did not load"
        assert page.evaluate("document.body.scrollHeight") > 2000  # the page laid out every chart
        tables = page.evaluate("document.querySelectorAll('table').length")
        assert tables >= 2
        shot = base64.b64decode(page.send("Page.captureScreenshot", format="png")["data"])
        assert shot.startswith(b"\x89PNG") and len(shot) > 20_000  # something was painted
        assert page.console_errors() == []


def test_console_errors_are_seen(tmp_path):
    """The check above can fail: a page with a broken image and a script error reports both."""
    broken = tmp_path / "broken.html"
    script = "console.error('boom'); nope();"
    broken.write_text(f"<html><body><img src='missing.png'><script>{script}</script></body></html>")
    with chromium(tmp_path / "profile") as page:
        page.open(broken.as_uri())
        ((_, _, width, _),) = page.evaluate(IMAGES)
        assert width == 0
        errors = page.console_errors()
        assert any("boom" in e for e in errors) and any("nope" in e or "Uncaught" in e for e in errors), errors
