"""What changed between two plans A and B: sites, accelerator counts, cost components and cost
per million tokens, as tables (B minus A), a text rendering and one chart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from aidc.optimizer.report.html_report import png_bytes
from aidc.optimizer.report.plots import PALETTE, figure, no_data
from aidc.optimizer.results.run_folder import write_files

Run = tuple[Mapping[str, Any], Mapping[str, pd.DataFrame]]
COMPARE_TABLES = ("accelerators", "capacity", "sites")
CHART_FILE = "compare.png"


@dataclass
class Comparison:
    """Plan B against plan A; every ``delta`` column is B minus A."""

    name_a: str
    name_b: str
    sites: pd.DataFrame  # site, cooling_a/b, it_mw_a/b (last year, MW), delta_mw, change
    accelerators: pd.DataFrame  # accelerator, count_a/b (installed in the last year), delta
    costs: pd.DataFrame  # component, usd_a/b (discounted USD), delta
    cost_per_mtok: pd.DataFrame  # metric, usd_per_mtok_a/b, delta

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "sites": self.sites,
            "accelerators": self.accelerators,
            "costs": self.costs,
            "cost_per_mtok": self.cost_per_mtok,
        }


def _side_by_side(a: pd.Series, b: pd.Series, key: str, value: str) -> pd.DataFrame:
    frame = pd.concat([a.rename(f"{value}_a"), b.rename(f"{value}_b")], axis=1).fillna(0.0)
    frame["delta"] = frame[f"{value}_b"] - frame[f"{value}_a"]
    return frame.rename_axis(key).reset_index()


def _last_year(summary: Mapping[str, Any]) -> int:
    return int(summary["years"][-1])


def site_changes(run_a: Run, run_b: Run) -> pd.DataFrame:
    """Sites built in either plan with their cooling and IT capacity in each plan's last year (MW)."""

    def built(run: Run) -> pd.DataFrame:
        summary, tables = run
        sites = tables["sites"]
        last = sites[sites["year"] == _last_year(summary)].set_index("site")[["cooling", "it_capacity_mw"]]
        # an all-empty cooling column is read as float: make it text before filling
        cooling = last["cooling"].astype("string").fillna("")
        return last.assign(cooling=cooling.where(last["it_capacity_mw"] > 1e-6, ""))

    a, b = built(run_a), built(run_b)
    frame = _side_by_side(a["it_capacity_mw"], b["it_capacity_mw"], "site", "it_mw")
    frame.insert(1, "cooling_a", frame["site"].map(a["cooling"]).fillna(""))
    frame.insert(2, "cooling_b", frame["site"].map(b["cooling"]).fillna(""))
    frame = frame.rename(columns={"delta": "delta_mw"})
    tolerance = 1e-6
    frame["change"] = [
        "opened"
        if ma <= tolerance < mb
        else "closed"
        if mb <= tolerance < ma
        else "recooled"
        if ca != cb and ma > tolerance
        else "resized"
        if abs(mb - ma) > 1e-3
        else "same"
        for ma, mb, ca, cb in frame[["it_mw_a", "it_mw_b", "cooling_a", "cooling_b"]].itertuples(index=False)
    ]
    keep = (frame["it_mw_a"] > tolerance) | (frame["it_mw_b"] > tolerance)
    return frame[keep].sort_values("site", ignore_index=True)


def accelerator_changes(run_a: Run, run_b: Run) -> pd.DataFrame:
    """Accelerators installed in each plan's last year, by type (count)."""

    def counts(run: Run) -> pd.Series:
        summary, tables = run
        installed = tables["accelerators"]
        return installed[installed["year"] == _last_year(summary)].groupby("accelerator")["accelerators"].sum()

    return _side_by_side(counts(run_a), counts(run_b), "accelerator", "count")


def cost_changes(run_a: Run, run_b: Run) -> pd.DataFrame:
    """Discounted cost by component (USD), from the summaries."""
    a = pd.Series(run_a[0]["cost_breakdown_usd"], dtype=float)
    b = pd.Series(run_b[0]["cost_breakdown_usd"], dtype=float)
    return _side_by_side(a, b, "component", "usd")


def cost_per_mtok_changes(run_a: Run, run_b: Run) -> pd.DataFrame:
    """Cost per million tokens (USD): levelised overall, then by year and by region."""

    def figures(summary: Mapping[str, Any]) -> pd.Series:
        values = {"levelised": summary.get("cost_per_mtok_usd")}
        values |= {f"year {y}": v for y, v in (summary.get("cost_per_mtok_by_year_usd") or {}).items()}
        values |= {f"region {r}": v for r, v in (summary.get("cost_per_mtok_by_region_usd") or {}).items()}
        return pd.Series(values, dtype=float)

    a, b = figures(run_a[0]), figures(run_b[0])
    frame = pd.concat([a.rename("usd_per_mtok_a"), b.rename("usd_per_mtok_b")], axis=1)
    frame["delta"] = frame["usd_per_mtok_b"] - frame["usd_per_mtok_a"]
    return frame.rename_axis("metric").reset_index()


def compare_runs(run_a: Run, run_b: Run, name_a: str = "A", name_b: str = "B") -> Comparison:
    """Everything that changed from plan A to plan B."""
    return Comparison(
        name_a=name_a,
        name_b=name_b,
        sites=site_changes(run_a, run_b),
        accelerators=accelerator_changes(run_a, run_b),
        costs=cost_changes(run_a, run_b),
        cost_per_mtok=cost_per_mtok_changes(run_a, run_b),
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4f}"


def render_text(comparison: Comparison) -> str:
    """The comparison as plain-text tables (B minus A)."""
    sections = [f"A = {comparison.name_a}\nB = {comparison.name_b}"]
    titles = {
        "cost_per_mtok": "cost per million tokens (USD)",
        "costs": "discounted cost by component (USD)",
        "sites": "sites (IT capacity in the last year, MW)",
        "accelerators": "accelerators installed in the last year",
    }
    for name in ("cost_per_mtok", "costs", "sites", "accelerators"):
        frame = comparison.tables()[name]
        body = "(none)" if frame.empty else frame.to_string(index=False, float_format=_number)
        sections.append(f"{titles[name]}:\n{body}")
    return "\n\n".join(sections) + "\n"


def _paired_bars(ax: Any, frame: pd.DataFrame, key: str, value: str, scale: float) -> None:
    """Horizontal bars of A (grey, upper) and B (blue, lower) for each row of ``frame``."""
    y = range(len(frame))
    ax.barh([i - 0.2 for i in y], frame[f"{value}_a"] * scale, 0.4, label="A", color=PALETTE[14])
    ax.barh([i + 0.2 for i in y], frame[f"{value}_b"] * scale, 0.4, label="B", color=PALETTE[0])
    ax.set_yticks(list(y), frame[key].astype(str))
    ax.invert_yaxis()


def _delta_bars(ax: Any, frame: pd.DataFrame, key: str, scale: float) -> None:
    """Horizontal bars of B minus A, red where B costs more."""
    values = frame["delta"] * scale
    ax.barh(range(len(frame)), values, 0.6, color=[PALETTE[6] if v > 0 else PALETTE[4] for v in values])
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(frame)), frame[key].astype(str))
    ax.invert_yaxis()


def comparison_chart(comparison: Comparison) -> Figure:
    """Four panels: cost per Mtok (A and B), change of each cost component (B minus A), site IT
    capacity and accelerator counts (A and B)."""
    fig, axes = figure(2, 2, width=6.0, height=4.0)
    panels = (
        (axes[0, 0], comparison.cost_per_mtok.dropna(), "metric", "usd_per_mtok", 1.0, "USD per million tokens"),
        (axes[0, 1], comparison.costs, "component", None, 1e-6, "change in discounted cost, B - A (USD million)"),
        (axes[1, 0], comparison.sites, "site", "it_mw", 1.0, "IT capacity in the last year (MW)"),
        (axes[1, 1], comparison.accelerators, "accelerator", "count", 1e-3, "accelerators installed (thousands)"),
    )
    titles = ("Cost per million tokens", "Cost by component (red: B costs more)", "Sites", "Accelerators")
    for (ax, frame, key, value, scale, label), title in zip(panels, titles, strict=True):
        if frame.empty:
            no_data(ax, title.lower())
        elif value is None:
            _delta_bars(ax, frame, key, scale)
        else:
            _paired_bars(ax, frame, key, value, scale)
        ax.set_xlabel(label)
        ax.set_title(title, fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=PALETTE[14]), plt.Rectangle((0, 0), 1, 1, color=PALETTE[0])]
    labels = [f"A: {comparison.name_a}", f"B: {comparison.name_b}"]
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.suptitle("What changed from plan A to plan B", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def write_comparison(comparison: Comparison, out_dir: str | Path, protect: Iterable[Path] = ()) -> Path:
    """Write one CSV per comparison table and the chart into ``out_dir`` atomically (refused if
    ``out_dir`` is not empty, not a comparison folder, or holds a path of ``protect``)."""
    files = {f"{name}.csv": frame.to_csv(index=False).encode("utf-8") for name, frame in comparison.tables().items()}
    files[CHART_FILE] = png_bytes(comparison_chart(comparison))
    return write_files(out_dir, "comparison", files, protect=protect)
