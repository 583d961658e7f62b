"""Charts of many plans (what-if sweeps, grids): tornado, heat map and response curves.

They take DataFrames with one row per case (as ``WhatIf.grid`` returns or a sweep's
``results.parquet``) and return matplotlib Figures; labels carry units.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from aidc.optimizer.report.plots import PALETTE, colours, figure


def tornado(swings: pd.DataFrame, base: float, label: str = "cost per million tokens (USD)") -> Figure:
    """Horizontal bars from ``base`` to the metric at each parameter's low and high setting.

    ``swings`` has columns parameter, low_label, high_label, low_value, high_value (metric values);
    bars are sorted by swing, widest on top."""
    frame = swings.assign(swing=(swings["high_value"] - swings["low_value"]).abs()).sort_values("swing")
    fig, axes = figure(width=8.0, height=0.55 * len(frame) + 1.8)
    ax = axes[0, 0]
    y = np.arange(len(frame))
    for column, colour, name in (("low_value", PALETTE[0], "low setting"), ("high_value", PALETTE[6], "high setting")):
        values = frame[column].to_numpy(float)
        ax.barh(y, values - base, left=base, color=colour, height=0.6, label=name, alpha=0.85)
    for i, row in enumerate(frame.itertuples()):
        for value, text in ((row.low_value, row.low_label), (row.high_value, row.high_label)):
            ax.annotate(
                str(text),
                (value, i),
                xytext=(4 if value >= base else -4, 0),
                textcoords="offset points",
                ha="left" if value >= base else "right",
                va="center",
                fontsize=8,
            )
    ax.axvline(base, color="black", linewidth=0.9)
    ax.set_yticks(y, frame["parameter"])
    ax.set_xlabel(label)
    spread = max(float((frame[["low_value", "high_value"]] - base).abs().to_numpy().max()), 1e-12)
    ax.set_xlim(base - 1.35 * spread, base + 1.35 * spread)
    ax.set_title(f"Sensitivity of {label.split(' (')[0]} (base {base:,.4f})", fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    fig.tight_layout()
    return fig


def heatmap(frame: pd.DataFrame, x: str, y: str, value: str, label: str, fmt: str = "{:.4f}") -> Figure:
    """A heat map of ``value`` over the grid of ``x`` and ``y`` (one row per case), annotated."""
    table = frame.pivot_table(index=y, columns=x, values=value, aggfunc="mean").sort_index(ascending=False)
    fig, axes = figure(width=7.0, height=5.0)
    ax = axes[0, 0]
    image = ax.imshow(table.to_numpy(float), cmap="viridis", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
    middle = np.nanmean(table.to_numpy(float))
    for (i, j), cell in np.ndenumerate(table.to_numpy(float)):
        ax.text(j, i, fmt.format(cell), ha="center", va="center", fontsize=8, color="white" if cell < middle else "k")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(image, ax=ax, label=label)
    ax.set_title(label, fontsize=10)
    fig.tight_layout()
    return fig


def response(
    frame: pd.DataFrame,
    x: str,
    lines: Sequence[str],
    xlabel: str,
    ylabel: str,
    secondary: str | None = None,
    secondary_label: str = "",
) -> Figure:
    """Lines of ``lines`` columns against ``x`` (e.g. each site's IT MW against a price), with an
    optional second axis for one more column (e.g. cost per Mtok)."""
    fig, axes = figure(width=8.0, height=4.5)
    ax = axes[0, 0]
    palette = colours(list(lines))
    for column in lines:
        ax.plot(frame[x], frame[column], marker="o", label=column, color=palette[column])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    handles, labels = ax.get_legend_handles_labels()
    if secondary:
        other = ax.twinx()
        other.plot(frame[x], frame[secondary], "k--", marker="s", label=secondary)
        other.set_ylabel(secondary_label)
        more_handles, more_labels = other.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    ax.legend(
        handles,
        labels,
        fontsize=8,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncol=min(4, len(labels)),
    )
    fig.tight_layout()
    return fig
