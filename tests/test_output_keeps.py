"""An output folder never costs the user a file (adversarial pass of 2026-12-06): files the user
added to an earlier aidc folder, files written into the target while aidc worked, the folder's
permissions, an existing file named by --export-model, and other writers' staging folders whose
names a glob of the target's name would match."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from aidc.optimizer.errors import EXIT_INVALID_INPUT, EXIT_WRITE_FAILED, OutputError
from aidc.optimizer.results.output_target import (
    MARKER,
    check_file_target,
    claimed_folder,
    folder_kind,
    foreign_entries,
)


def write_run(target: Path, files: dict[str, str]) -> None:
    with claimed_folder(target, "run") as staging:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text)


def test_a_run_folder_lists_what_aidc_wrote_and_refuses_a_rerun_over_the_users_files(tmp_path):
    target = tmp_path / "run"
    write_run(target, {"summary.json": "{}", "tables/a.csv": "x\n"})
    assert foreign_entries(target) == []
    (target / "my_notes.txt").write_text("mine")
    (target / "plots").mkdir()
    assert foreign_entries(target) == ["my_notes.txt", "plots"]
    with pytest.raises(OutputError) as refused:
        write_run(target, {"summary.json": "{}"})
    assert refused.value.exit_code == EXIT_INVALID_INPUT and "my_notes.txt, plots" in str(refused.value)
    assert (target / "my_notes.txt").read_text() == "mine" and (target / "tables" / "a.csv").exists()
    (target / "my_notes.txt").unlink()
    (target / "plots").rmdir()
    write_run(target, {"summary.json": "{}"})  # only aidc's own files: replaced
    assert not (target / "tables").exists()


def test_a_file_written_into_the_target_while_aidc_works_is_kept_and_so_are_the_results(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(OutputError) as stopped, claimed_folder(target, "run") as staging:
        (staging / "summary.json").write_text("{}")
        (target / "keep.txt").write_text("written during the solve")
    assert stopped.value.exit_code == EXIT_WRITE_FAILED
    assert sorted(os.listdir(target)) == ["keep.txt"]
    (kept,) = tmp_path.glob("out.aidc-results-*")
    assert (kept / "summary.json").read_text() == "{}" and folder_kind(kept) == "run"
    assert str(kept) in str(stopped.value)


def test_the_new_folder_keeps_the_permissions_of_the_folder_it_replaces(tmp_path):
    target = tmp_path / "private"
    target.mkdir()
    os.chmod(target, 0o2750)
    write_run(target, {"summary.json": "{}"})
    assert stat.S_IMODE(target.stat().st_mode) == 0o2750
    assert (target / MARKER).exists()


def test_export_model_replaces_an_earlier_export_but_never_another_file(tmp_path):
    mine = tmp_path / "model.lp"
    mine.write_text("precious")
    with pytest.raises(OutputError, match="not a model file aidc exported"):
        check_file_target(mine, (".lp", ".mps"))
    mine.write_text("\\ File written by HiGHS .lp file handler\nmin\nend\n")  # HiGHS's, not aidc's
    with pytest.raises(OutputError):
        check_file_target(mine, (".lp", ".mps"))
    mine.write_text("\\ Exported by aidc\n\\ File written by HiGHS .lp file handler\nmin\nend\n")
    assert check_file_target(mine, (".lp", ".mps")) == mine.resolve()
    mps = tmp_path / "model.mps"
    mps.write_text("NAME  users_model\nROWS\nENDATA\n")  # the user's own MPS model
    with pytest.raises(OutputError):
        check_file_target(mps, (".lp", ".mps"))
    mps.write_text("* Exported by aidc\nNAME\nROWS\nENDATA\n")
    assert check_file_target(mps, (".lp", ".mps")) == mps.resolve()


def test_an_export_starts_with_aidcs_line_and_is_still_read_by_highs(tmp_path):
    import highspy

    from aidc.optimizer.inputs.loading import load_scenario
    from aidc.optimizer.planner.planner import Planner
    from tests.factory import micro, write_scenario

    planner = Planner(load_scenario(write_scenario(tmp_path, micro())))
    for name in ("m.mps", "m.lp"):
        planner.export_model(tmp_path / name)
        assert (
            (tmp_path / name).read_bytes().startswith(b"* Exported by aidc" if name.endswith("mps") else b"\\ Exported")
        )
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        assert highs.readModel(str(tmp_path / name)) == highspy.HighsStatus.kOk
        assert highs.getNumCol() == len(planner.session.columns)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".m.")) == []  # no temporary left


def test_a_target_name_with_glob_characters_leaves_other_writers_staging_folders_alone(tmp_path):
    other = tmp_path / ".ab.aidc-staging-xyz"  # a run writing to tmp_path/ab
    other.mkdir()
    (other / "summary.json").write_text("{}")
    write_run(tmp_path / "a*", {"summary.json": "{}"})
    assert (other / "summary.json").exists()
    crashed = tmp_path / ".a*.aidc-staging-old"  # a crashed writer of this very target
    crashed.mkdir()
    write_run(tmp_path / "a*", {"summary.json": "{}"})
    assert not crashed.exists() and other.exists()


def test_a_mount_point_is_refused_before_any_work(tmp_path):
    volume = tmp_path / "volume"
    volume.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(volume)]).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        with pytest.raises(OutputError, match="mount point"):
            write_run(volume, {"summary.json": "{}"})
    finally:
        subprocess.run(["umount", str(volume)], check=True)


def test_an_aidc_folder_nested_in_a_run_is_not_the_users(tmp_path):
    from aidc.optimizer.results.output_target import write_marker

    target = tmp_path / "run"
    write_run(target, {"summary.json": "{}"})
    (target / "report").mkdir()
    (target / "report" / "report.html").write_text("<html/>")
    write_marker(target / "report", "report", ["report.html"])
    assert foreign_entries(target) == []
    (target / "report" / "mine.txt").write_text("mine")  # the user's, inside aidc's report
    assert foreign_entries(target) == ["report/mine.txt"]


def test_a_run_with_its_output_streams_closed_writes_its_results(tmp_path):
    """``aidc ... >&- 2>&-``: no internal error, and the run folder is complete."""
    from tests.factory import micro, write_scenario

    scenario = write_scenario(tmp_path, micro())
    out = tmp_path / "run"
    done = subprocess.run(["bash", "-c", f"aidc solve '{scenario}' --lp -q --out '{out}' >&- 2>&-"], timeout=300)
    assert done.returncode == 0
    assert folder_kind(out) == "run" and (out / "summary.json").exists()


def test_a_table_cut_short_in_a_run_folder_is_refused_by_report_and_compare(tmp_path):
    import pandas as pd

    from aidc.optimizer.errors import InputError
    from aidc.optimizer.results.run_folder import load_run, write_run

    tables = {"capacity": pd.DataFrame({"site": ["a", "b", "c"], "mw": [1.0, 2.0, 3.0]})}
    summary = {"cost_per_mtok_usd": 0.1, "cost_breakdown_usd": {}, "years": [2026]}
    run = write_run(tmp_path / "run", summary, tables)
    assert len(load_run(run)[1]["capacity"]) == 3
    text = (run / "capacity.csv").read_text()
    (run / "capacity.csv").write_text(text[: text.index("b,")])  # cut after the first row
    with pytest.raises(InputError) as refused:
        load_run(run)
    assert "capacity, field 'rows': holds 1 rows where aidc wrote 3" in refused.value.render()


def test_a_copy_of_an_aidc_folder_or_a_link_inside_a_run_is_the_users(tmp_path):
    target = tmp_path / "run"
    write_run(target, {"summary.json": "{}"})
    write_run(tmp_path / "other", {"summary.json": "{}", "notes.txt": "edited"})
    import shutil

    shutil.copytree(tmp_path / "other", target / "backup-of-other")
    (target / "link").symlink_to(tmp_path / "other")
    assert foreign_entries(target)[:2] == ["backup-of-other", "backup-of-other/.aidc-folder"]
    assert "link" in foreign_entries(target)
    with pytest.raises(OutputError):
        write_run(target, {"summary.json": "{}"})
    assert (tmp_path / "other" / "notes.txt").read_text() == "edited"


def test_an_aidc_folder_inside_another_lists_its_own_contents_when_replaced_on_its_own(tmp_path):
    """An alternatives folder holds a run folder per plan: `aidc solve --out D/optimum` later must
    not delete a file the user put in D/optimum."""
    from aidc.optimizer.results.output_target import write_marker

    outer = tmp_path / "alternatives"
    with claimed_folder(outer, "alternatives") as staging:
        (staging / "optimum").mkdir()
        (staging / "optimum" / "summary.json").write_text("{}")
        write_marker(staging / "optimum", "run")  # as a plan folder is marked, without a list
    (outer / "optimum" / "notes.txt").write_text("mine")
    assert foreign_entries(outer / "optimum") == ["notes.txt"]
    assert foreign_entries(outer) == ["optimum/notes.txt"]


def test_a_folder_with_many_files_is_still_recognised_and_replaced(tmp_path):
    target = tmp_path / "run"
    write_run(target, {f"table_{i:04d}.csv": "x\n" for i in range(600)})  # a marker of ~10 kB
    assert (target / MARKER).stat().st_size > 4096 and folder_kind(target) == "run"
    write_run(target, {"summary.json": "{}"})
    assert sorted(os.listdir(target)) == [MARKER, "summary.json"]
