"""Near-optimal alternatives (modelling to generate alternatives): plans within a cost slack of
the optimum that differ most in one respect each, the range of each key decision across them,
and run folders for each. Sits beside what-if and sweeps: it uses the planner, nothing below
imports it."""

from aidc.optimizer.alternatives.decisions import alternatives_summary, decision_ranges, decision_table, plan_decisions
from aidc.optimizer.alternatives.facts import PlanFacts, plan_facts
from aidc.optimizer.alternatives.objectives import ObjectiveUnavailable, parse_objective
from aidc.optimizer.alternatives.search import AlternativesRun, PlanRecord, find_alternatives

__all__ = [
    "AlternativesRun",
    "ObjectiveUnavailable",
    "PlanFacts",
    "PlanRecord",
    "alternatives_summary",
    "decision_ranges",
    "decision_table",
    "find_alternatives",
    "parse_objective",
    "plan_decisions",
    "plan_facts",
]
