"""A self-contained HTML report of one solved plan: key figures and every chart of
:mod:`aidc.optimizer.report.plots`, embedded as base64 PNGs and also written as PNG files."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from aidc.optimizer.report.plots import REPORT_CHARTS, Tables
from aidc.optimizer.results.run_folder import write_files

REPORT_FILE = "report.html"
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
    "img{max-width:100%;border:1px solid #eee}h2{margin-top:1.6em}"
)


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def render_charts(summary: Mapping[str, Any], tables: Tables) -> dict[str, bytes]:
    """Every report chart as PNG bytes, by file stem."""
    return {name: png_bytes(function(summary, tables)) for name, (_, function) in REPORT_CHARTS.items()}


def key_figures(summary: Mapping[str, Any]) -> pd.DataFrame:
    """The headline numbers of a plan, one row each, with units."""

    def number(key: str, scale: float = 1.0, fmt: str = "{:,.4f}") -> str:
        value = summary.get(key)
        return "n/a" if value is None else fmt.format(value * scale)

    rows = [
        ("status", str(summary.get("status", "n/a"))),
        ("cost per million tokens (USD, levelised)", number("cost_per_mtok_usd")),
        ("total discounted cost (USD million, incl. penalty)", number("objective_usd", 1e-6, "{:,.1f}")),
        ("tokens served (trillion)", number("tokens_served", 1e-12, "{:,.1f}")),
        ("unserved share of demand", number("unserved_share", 100.0, "{:.2f}%")),
        ("energy (GWh)", number("energy_mwh", 1e-3, "{:,.0f}")),
        ("emissions (kt CO2)", number("emissions_t", 1e-3, "{:,.1f}")),
        ("liquid-cooled share of IT capacity, last year", number("liquid_cooled_share", 100.0, "{:.0f}%")),
    ]
    return pd.DataFrame(rows, columns=["figure", "value"])


def html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, float_format=lambda v: f"{v:,.4f}")


def render_html(summary: Mapping[str, Any], tables: Tables, charts: Mapping[str, bytes]) -> str:
    """The report page: key figures, sites, cost per Mtok by year, then every chart (embedded)."""
    name = html.escape(str(summary.get("scenario", "plan")))
    years = summary.get("years") or []
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>aidc report: {name}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>aidc plan report: {name}</h1>",
        f"<p>Years {html.escape(', '.join(str(y) for y in years))}. Costs in USD; tokens in millions (Mtok).</p>",
        "<h2>Key figures</h2>",
        html_table(key_figures(summary)),
    ]
    opened = summary.get("sites_opened") or []
    if opened:
        parts += ["<h2>Sites opened</h2>", html_table(pd.DataFrame(opened))]
    if "cost_per_mtok_by_year" in tables:
        parts += ["<h2>Cost per million tokens by year (USD)</h2>", html_table(tables["cost_per_mtok_by_year"])]
    for stem, png in charts.items():
        title = html.escape(REPORT_CHARTS[stem][0] if stem in REPORT_CHARTS else stem)
        encoded = base64.b64encode(png).decode("ascii")
        parts += [
            f"<h2 id='{stem}'>{title}</h2>",
            f"<img alt='{title}' src='data:image/png;base64,{encoded}'>",
            f"<p><a href='{stem}.png'>{stem}.png</a></p>",
        ]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(summary: Mapping[str, Any], tables: Tables, out_dir: str | Path, protect: Iterable[Path] = ()) -> Path:
    """Write ``report.html`` and one PNG per chart into ``out_dir``, atomically (the folder
    appears complete or not at all); returns the HTML path."""
    charts = render_charts(summary, tables)
    files = {f"{stem}.png": png for stem, png in charts.items()}
    files[REPORT_FILE] = render_html(summary, tables, charts).encode("utf-8")
    return write_files(out_dir, "report", files, protect=protect) / REPORT_FILE
