"""How aidc is packaged: one import root, every subpackage listed, the layers declared.

The wheel itself is built and installed in ``tests/test_first_minute.py``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _folder_packages() -> set[str]:
    """``aidc.<...>`` name of every folder under the mapped roots that holds an ``__init__.py``."""
    mapping = PYPROJECT["tool"]["setuptools"]["package-dir"]
    found = set()
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            if "__pycache__" not in relative.parts:
                found.add(".".join([package, *relative.parts]))
    return found


def test_package_list_matches_the_folders_with_an_init():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    folders = _folder_packages()
    assert folders - listed == set(), "add these subpackages to [tool.setuptools] packages in pyproject.toml"
    assert listed - folders == set(), "these listed packages have no folder with an __init__.py"


def test_every_package_lives_under_the_one_import_root():
    mapping = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert set(mapping) == {"aidc.models", "aidc.optimizer", "aidc.inputs"}
    assert all(name.startswith("aidc.") for name in PYPROJECT["tool"]["setuptools"]["packages"])
    assert not (ROOT / "aidc").exists()  # `aidc` is a namespace: the folders are mapped into it


def test_import_contracts_name_every_optimizer_layer():
    """The layers contract lists every subpackage and top-level module of aidc.optimizer, so a
    new layer cannot slip past lint-imports unchecked."""
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    (layers,) = [c for c in contracts if c["type"] == "layers" and c["containers"] == ["aidc.optimizer"]]
    named = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    optimizer = ROOT / "optimizer"
    present = {p.name for p in optimizer.iterdir() if (p / "__init__.py").is_file()}
    present |= {p.stem for p in optimizer.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert named == present
