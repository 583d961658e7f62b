"""Catalog facts the alternatives need: vendor and throughput weight of each accelerator,
country of each site, which cooling designs are liquid, the last modelled year.

Throughput weight: tokens/s one accelerator serves on the scenario's main workload (the class
with the most demand over the horizon), so "vendor capacity" is accelerators x tokens/s. An
accelerator without a figure for the main workload is weighted by its mean over the workloads
it serves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from aidc.models.data import PlanningData
from aidc.models.inputs import ScenarioInputs

CHINA = "China"


@dataclass(frozen=True)
class PlanFacts:
    """What the objectives and the decision table read besides the plan itself."""

    last_year: int
    main_workload: str
    vendor: dict[str, str]  # accelerator -> vendor (accelerators catalog)
    tokens_per_s: dict[str, float]  # accelerator -> tokens/s per accelerator on the main workload
    country: dict[str, str]  # site -> country (sites catalog)
    liquid: frozenset[str]  # cooling designs of kind "liquid"
    year_weight: dict[int, float]  # calendar years each modelled year stands for

    @property
    def vendors(self) -> list[str]:
        return sorted(set(self.vendor.values()))

    @property
    def countries(self) -> list[str]:
        return sorted(set(self.country.values()))

    def accelerators_of(self, vendor: str) -> list[str]:
        return [a for a, v in self.vendor.items() if v == vendor]

    def sites_in(self, country: str) -> list[str]:
        return [s for s, c in self.country.items() if c == country]


def main_workload(data: PlanningData) -> str:
    """The workload class with the most tokens demanded over the horizon (year-weighted)."""
    mtok: dict[str, float] = defaultdict(float)
    for (_, k, y, h), rate in data.demand.items():
        mtok[k] += rate * data.mtok_per_rate(h) * data.year_weight[y]
    return max(sorted(mtok), key=mtok.__getitem__) if mtok else data.workloads[0]


def plan_facts(inputs: ScenarioInputs, data: PlanningData) -> PlanFacts:
    """The facts of one scenario (its catalogs after selection and overrides)."""
    main = main_workload(data)
    tokens_per_s = {}
    for a in data.accelerators:
        # data.throughput is Mtok/s per busy k-accel by (a, k, year): x 1000 gives tokens/s per
        # accelerator; the last year's figure (software uplift included) weighs the fleet
        last = data.years[-1]
        figures = [value * 1000.0 for (accel, _, y), value in data.throughput.items() if accel == a and y == last]
        main_figure = data.throughput.get((a, main, last))
        tokens_per_s[a] = main_figure * 1000.0 if main_figure else (sum(figures) / len(figures) if figures else 0.0)
    accelerators = inputs.table("accelerators")
    sites = inputs.table("sites")
    cooling = inputs.table("cooling")
    liquid = cooling.loc[cooling["kind"] == "liquid", "cooling"]
    return PlanFacts(
        last_year=data.years[-1],
        main_workload=main,
        vendor={str(a): str(v) for a, v in zip(accelerators["accelerator"], accelerators["vendor"], strict=True)},
        tokens_per_s=tokens_per_s,
        country={str(s): str(c) for s, c in zip(sites["site"], sites["country"], strict=True)},
        liquid=frozenset(str(c) for c in liquid),
        year_weight=dict(data.year_weight),
    )
