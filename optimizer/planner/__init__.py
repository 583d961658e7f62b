"""The planner layer: a scenario's model built once, solved in stages, warm parameters changed in place."""

from aidc.optimizer.planner.parameters import WARM_PARAMETERS, WarmParameter
from aidc.optimizer.planner.planner import Planner

__all__ = ["WARM_PARAMETERS", "Planner", "WarmParameter"]
