"""Every notebook in notebooks/ runs top to bottom on a real python3 kernel without error, started in
an empty folder: the notebooks find the shipped inputs through ``aidc.inputs.INPUTS_DIR``."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_notebooks_exist_and_are_stored_without_outputs():
    assert len(NOTEBOOKS) >= 3
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        code = [cell for cell in book.cells if cell.cell_type == "code"]
        assert code, path.name
        assert all(not cell.outputs and cell.execution_count is None for cell in code), f"{path.name} has outputs"
        assert not any("chdir" in cell.source for cell in code), f"{path.name} changes folder"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path):
    book = nbformat.read(path, as_version=4)
    empty = tmp_path / "elsewhere"  # the kernel's working folder: not the repository
    empty.mkdir()
    client = NotebookClient(book, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(empty)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [out for cell in book.cells for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors
    images = [out for cell in book.cells for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
    assert images, f"{path.name} drew no chart"
    nbformat.write(book, tmp_path / path.name)
