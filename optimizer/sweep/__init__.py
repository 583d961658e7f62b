"""Batch sweeps: many variants of one scenario, on a local process pool or a Dask cluster.

``load_spec`` reads a sweep spec, ``run_sweep`` runs it (warm re-solves per worker, each case
written as it finishes, resumable), ``load_results`` / ``query`` read the results back.
"""

from aidc.optimizer.sweep.runner import SweepReport, run_sweep
from aidc.optimizer.sweep.spec import SweepSpec, expand_cases, load_spec
from aidc.optimizer.sweep.store import load_results, query

__all__ = ["SweepReport", "SweepSpec", "expand_cases", "load_results", "load_spec", "query", "run_sweep"]
