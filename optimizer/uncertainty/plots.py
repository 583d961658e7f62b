"""Charts of a stochastic programme's summary (``StochasticResult.summary`` or a run folder's
``summary.json``), for the notebooks: each returns a matplotlib Figure with units on its axes."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

PLANS = (("stochastic plan", None), ("mean-forecast plan", "mean_plan"), ("own optimum", "own_optimum"))


def _figure(width: float, height: float, ncols: int = 1) -> tuple[Figure, Any]:
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
    return fig, axes[0]


def value_of_the_solution(summary: dict[str, Any]) -> Figure:
    """Expected cost (USD) of the mean-forecast plan (EEV), the stochastic plan (RP) and perfect
    information (WS), with VSS and EVPI marked between them."""
    fig, (ax,) = _figure(6.4, 4.2)
    names = ["mean-forecast plan\n(EEV)", "stochastic plan\n(RP)", "perfect foresight\n(WS)"]
    values = [summary["mean_plan_expected_cost_usd"], summary["expected_cost_usd"], summary["wait_and_see_cost_usd"]]
    billions = np.array([np.nan if v is None else v / 1e9 for v in values])
    ax.bar(names, billions, color=["#bbbbbb", "#1f77b4", "#2ca02c"], width=0.6)
    low = np.nanmin(billions)
    ax.set_ylim(low * 0.98, np.nanmax(billions) * 1.01)
    for label, (a, b) in (("VSS", (0, 1)), ("EVPI", (1, 2))):
        usd = summary["vss_usd" if label == "VSS" else "evpi_usd"]
        if usd is not None:
            ax.annotate(
                f"{label} ${usd / 1e6:,.1f}M",
                xy=((a + b) / 2, max(billions[a], billions[b])),
                ha="center",
                va="bottom",
                fontsize=9,
            )
    ax.set_ylabel("expected discounted cost (USD billion)")
    ax.set_title(f"{summary['scenario']}: value of planning for the spread", fontsize=10)
    fig.tight_layout()
    return fig


def recourse_by_outcome(summary: dict[str, Any]) -> Figure:
    """Per outcome: cost (USD) under the stochastic plan, the mean-forecast plan and the outcome's
    own optimum (left), and each plan's regret against that optimum (right)."""
    fig, (costs, regrets) = _figure(12.0, 4.4, ncols=2)
    outcomes = summary["outcomes"]
    x = np.arange(len(outcomes))
    width = 0.27
    for i, (label, key) in enumerate(PLANS):
        figures = [entry if key is None else entry[key] for entry in outcomes]
        values = [np.nan if f["cost_usd"] is None else f["cost_usd"] / 1e9 for f in figures]
        costs.bar(x + (i - 1) * width, values, width, label=label)
        if key != "own_optimum":
            regret = [np.nan if f.get("regret_usd") is None else f["regret_usd"] / 1e6 for f in figures]
            regrets.bar(x + (i - 0.5) * width, regret, width, label=label)
    labels = [f"{e['outcome']}\np={e['probability']:.2f}" for e in outcomes]
    for ax in (costs, regrets):
        ax.set_xticks(x, labels, fontsize=8)
        ax.legend(fontsize=8, frameon=False)
    costs.set_ylabel("discounted cost in the outcome (USD billion)")
    regrets.set_ylabel("regret vs the outcome's own optimum (USD million)")
    costs.set_title("recourse cost by outcome", fontsize=10)
    regrets.set_title("regret by outcome", fontsize=10)
    fig.tight_layout()
    return fig


def here_and_now_purchases(summary: dict[str, Any]) -> Figure:
    """Accelerators bought in the commitment years, stochastic plan vs mean-forecast plan."""
    fig, (ax,) = _figure(6.4, 4.2)
    totals: dict[str, dict[str, float]] = {}
    for label, key in (("stochastic plan", "first_stage"), ("mean-forecast plan", "mean_plan_first_stage")):
        for row in summary[key]["purchases"]:
            totals.setdefault(row["accelerator"], {}).setdefault(label, 0.0)
            totals[row["accelerator"]][label] += row["accelerators"]
    names = sorted(totals)
    x = np.arange(len(names))
    for i, label in enumerate(("stochastic plan", "mean-forecast plan")):
        ax.bar(x + (i - 0.5) * 0.4, [totals[n].get(label, 0.0) / 1e3 for n in names], 0.4, label=label)
    ax.set_xticks(x, names, fontsize=8, rotation=20)
    ax.set_ylabel("accelerators bought (thousands)")
    committed = summary["commitment_years"]
    ax.set_title(f"here-and-now purchases {committed[0]}-{committed[-1]}", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
