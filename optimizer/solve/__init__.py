"""The solve layer: a live solver model behind one interface (``LiveModel``), HiGHS by default.

``open_session(model, "highs")`` gives the live model of a Pyomo model. To add a solver, write a
``MatrixSession`` subclass with its hooks and register it in ``SOLVERS``: nothing else changes.
"""

from __future__ import annotations

import importlib

import pyomo.environ as pyo

from aidc.optimizer.errors import EXIT_INVALID_INPUT, SolveError
from aidc.optimizer.solve.outcome import SolveOptions, SolveOutcome, SolveStatus, raise_if_no_plan
from aidc.optimizer.solve.progress import BoundedProgress, Progress, SilentProgress, StderrProgress
from aidc.optimizer.solve.session import LiveModel, MatrixSession

SOLVERS: dict[str, tuple[str, str, str, str]] = {
    # name: (module, session class, Python package it needs, how to install it)
    "highs": ("aidc.optimizer.solve.highs", "HighsSession", "highspy", "pip install highspy"),
    "scip": ("aidc.optimizer.solve.scip", "ScipSession", "pyscipopt", "pip install 'aidc[scip]'"),
}


def solver_class(name: str) -> type[MatrixSession]:
    """The session class of solver ``name``; SolveError (exit 2) if unknown or not installed."""
    if name not in SOLVERS:
        raise SolveError(f"unknown solver {name!r}; expected one of {sorted(SOLVERS)}", EXIT_INVALID_INPUT)
    module, cls, package, install = SOLVERS[name]
    try:
        importlib.import_module(package)
    except ImportError:
        raise SolveError(f"solver {name!r} needs the package {package}: {install}", EXIT_INVALID_INPUT) from None
    return getattr(importlib.import_module(module), cls)


def open_session(model: pyo.ConcreteModel, solver: str = "highs") -> LiveModel:
    """The live model of ``model`` in ``solver``."""
    return solver_class(solver)(model)


__all__ = [
    "SOLVERS",
    "BoundedProgress",
    "LiveModel",
    "MatrixSession",
    "Progress",
    "SilentProgress",
    "SolveOptions",
    "SolveOutcome",
    "SolveStatus",
    "StderrProgress",
    "open_session",
    "raise_if_no_plan",
    "solver_class",
]
