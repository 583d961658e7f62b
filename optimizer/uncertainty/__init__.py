"""Decisions under uncertainty: the stochastic programme of a scenario with an ``uncertainty``
block (a here-and-now plan common to every outcome, recourse per outcome) and the measured value
of its answer (VSS, EVPI, regret). Solved as the extensive form on the project's HiGHS path, or by
progressive hedging over MPI ranks (mpi-sppy).

>>> result = solve_under_uncertainty(load_scenario("inputs/scenarios/whatif-small-uncertain.yaml"))  # doctest: +SKIP
>>> result.summary["vss_usd"], result.tables["first_stage_purchases"]                                 # doctest: +SKIP
"""

from aidc.optimizer.uncertainty.outcomes import load_uncertainty, outcome_inputs
from aidc.optimizer.uncertainty.programme import StochasticResult, solve_under_uncertainty

__all__ = ["StochasticResult", "load_uncertainty", "outcome_inputs", "solve_under_uncertainty"]
