"""Golden model files: for each constraint family, the LP of a micro scenario that exercises it.

Each ``<family>.lp`` beside this file is the model ``Planner.export_model("x.lp")`` hands to HiGHS
for ``SCENARIOS[family]``, normalised (solver banner dropped, rows, terms, bounds and integer
lists sorted by name, numbers to 12 significant digits) so that only a change of the formulation
changes it. ``tests/test_golden.py`` compares them on every run; after an intended change of the
model, regenerate them with one command and review the diff:

    python -m tests.golden --update        # rewrite every tests/golden/*.lp
    python -m tests.golden                 # list the families whose LP differs (exit 1 if any)
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aidc.optimizer.planner.planner import Planner
from tests import fidelity_specs as fidelity
from tests.factory import SRC, cooling_row, micro, port_row, site_row, supply_row, write_scenario

GOLDEN_DIR = Path(__file__).resolve().parent
Spec = dict[str, Any]


def _two_slices(spec: Spec) -> Spec:
    spec["slices"] = [
        dict(slice=0, day=0, hour=0, hours=4380.0, cooling_load=0.8),
        dict(slice=1, day=0, hour=12, hours=4380.0, cooling_load=1.2),
    ]
    return spec


def _workload(spec: Spec, workload: str, deferrable: bool, tokens_per_s: float, demand: float) -> Spec:
    spec["workloads"].append(
        dict(workload=workload, latency_ms_max=300.0, deferrable=deferrable, tokens_per_request=2000, **SRC)
    )
    spec["throughput"].append(dict(accelerator="gpu", workload=workload, tokens_per_s_per_accel=tokens_per_s, **SRC))
    spec["demand"].append(dict(region="r", workload=workload, year=2026, tokens_per_day_billion=demand, **SRC))
    return spec


def _sites(spec: Spec, *rows: dict, latency_ms: tuple[float, ...] = ()) -> Spec:
    """Candidate sites ``rows`` (grid 10 MW, grid power at $50/MWh) serving region r."""
    spec["sites"] = list(rows)
    names = [row["site"] for row in rows]
    spec["grid"] = [dict(site=s, year=2026, grid_mw=10.0, **SRC) for s in names]
    spec["supply"] = [supply_row(s, 50.0) for s in names]
    delays = latency_ms or (10.0,) * len(names)
    spec["latency"] = [
        dict(site=s, region="r", latency_ms=ms, delivery_usd_per_mtok=0.01, **SRC)
        for s, ms in zip(names, delays, strict=True)
    ]
    return spec


def _years(spec: Spec, *years: int) -> Spec:
    spec["config"]["years"] = list(years)
    spec["demand"] = [
        dict(region="r", workload="chat", year=y, tokens_per_day_billion=86.4 * (1 + 0.5 * i), **SRC)
        for i, y in enumerate(years)
    ]
    return spec


def _ports(spec: Spec, copper_w: float = 0.0, optical_w: float = 0.0) -> Spec:
    spec["accelerators"][0].update(scaleout_ports_per_accel=4.0, network_group_accels=64)
    spec["interconnect"] = [port_row("dac", "copper", 100.0, copper_w), port_row("optic", "optical", 1000.0, optical_w)]
    return spec


def _liquid(spec: Spec) -> Spec:
    spec["cooling"].append(cooling_row("liquid", "liquid", 80.0, 2000.0, 1.1))
    return spec


def demand_balance() -> Spec:
    """Two slices; a firm class balanced per slice, a deferrable one per day (hours-weighted)."""
    return _workload(_two_slices(micro()), "batch", deferrable=True, tokens_per_s=1500.0, demand=43.2)


def latency() -> Spec:
    """A near site within the 100 ms bound and a far one beyond it: no route from the far site."""
    return _sites(micro(), site_row("near"), site_row("far"), latency_ms=(20.0, 200.0))


def site_balance() -> Spec:
    """One site serving two regions: the routes out of the site equal its production."""
    spec = micro()
    spec["regions"].append(dict(region="s", name="S", latitude=10, longitude=10, **SRC))
    spec["latency"].append(dict(site="a", region="s", latency_ms=40.0, delivery_usd_per_mtok=0.02, **SRC))
    spec["demand"].append(dict(region="s", workload="chat", year=2026, tokens_per_day_billion=43.2, **SRC))
    return spec


def throughput() -> Spec:
    """Two firm classes at different tokens/s on one accelerator type."""
    return _workload(micro(), "reasoning", deferrable=False, tokens_per_s=250.0, demand=21.6)


def vintages() -> Spec:
    """Three years and a two-year lifetime: installed = purchases still in service."""
    spec = _years(micro(), 2026, 2027, 2028)
    spec["accelerators"][0]["lifetime_years"] = 2
    return spec


def availability() -> Spec:
    """A newer type from 2027 and a type the site does not allow (export control)."""
    spec = _years(micro(), 2026, 2027)
    base = spec["accelerators"][0]
    spec["accelerators"] += [
        dict(base, accelerator="newgpu", price_usd_per_accel=8000.0, first_year=2027),
        dict(base, accelerator="banned", price_usd_per_accel=5000.0),
    ]
    spec["throughput"] += [
        dict(accelerator=a, workload="chat", tokens_per_s_per_accel=1200.0, **SRC) for a in ("newgpu", "banned")
    ]
    spec["sites"][0]["allowed_accelerators"] = "gpu;newgpu"
    return spec


def supply_caps() -> Spec:
    """At most 500 accelerators of the type delivered in 2026."""
    spec = micro()
    spec["supply_caps"] = [dict(accelerator="gpu", year=2026, max_accels=500, **SRC)]
    return spec


def it_power() -> Spec:
    """Idle and dynamic accelerator power plus port power within the IT capacity."""
    spec = _ports(micro(), copper_w=1.0, optical_w=15.0)
    spec["accelerators"][0]["idle_fraction"] = 0.3
    return spec


def facility_power() -> Spec:
    """PUE by climate and slice (cooling load) times IT power, within a grid limit that grows."""
    spec = _years(_two_slices(micro()), 2026, 2027)
    spec["cooling"][0].update(pue_temperate=1.3)
    spec["grid"] = [
        dict(site="a", year=2026, grid_mw=1.5, **SRC),
        dict(site="a", year=2027, grid_mw=3.0, **SRC),
    ]
    return spec


def ppas() -> Spec:
    """A grid tariff and a PPA capped at 1 MW times its availability profile."""
    spec = _two_slices(micro())
    spec["supply"] = [
        supply_row("a", 80.0, carbon_kg_per_mwh=500.0),
        dict(supply_row("a", 40.0), option="solar", kind="ppa", cap_mw=1.0, profile="sun"),
    ]
    spec["profiles"] = [dict(profile="sun", slice=0, value=0.1, **SRC), dict(profile="sun", slice=1, value=0.8, **SRC)]
    return spec


def carbon_cap() -> Spec:
    """Emissions of grid power capped per year, with a clean PPA beside it."""
    spec = ppas()
    spec["config"]["carbon_cap_t"] = {2026: 1000.0}
    return spec


def sites() -> Spec:
    """Two candidate sites over two years: fixed costs, opening once, capacity kept."""
    spec = _years(micro(), 2026, 2027)
    return _sites(spec, site_row("a", fixed_cost_usd_per_year=1e6), site_row("b", fixed_cost_usd_per_year=2e5))


def cooling() -> Spec:
    """Air and liquid designs at one site: one design, capacity under it, racks within the floor."""
    spec = _liquid(micro())
    spec["sites"][0]["floor_racks"] = 40
    return spec


def interconnect() -> Spec:
    """Copper and optical ports: ports per accelerator, copper within the in-rack share."""
    return _ports(_liquid(micro()))


def capex_budget() -> Spec:
    """Overnight spend in 2026 within $5M."""
    spec = micro()
    spec["config"]["capex_budget_usd"] = {2026: 5_000_000.0}
    return spec


SCENARIOS: dict[str, Callable[[], Spec]] = {
    scenario.__name__: scenario
    for scenario in (
        demand_balance,
        latency,
        site_balance,
        throughput,
        vintages,
        availability,
        supply_caps,
        it_power,
        facility_power,
        ppas,
        carbon_cap,
        sites,
        cooling,
        interconnect,
        capex_budget,
    )
} | {
    # the fidelity rules (issues 11 and 12): their hand-derived test cases
    "serving_by_year": lambda: fidelity.two_years(2.0),
    "memory_fit": lambda: fidelity.memory_spec(700.0, None),
    "brownfield": lambda: fidelity.brownfield(0.05),
    "design_day": lambda: fidelity.design_day_spec(True),
    "build_lag_and_lease": lambda: fidelity.lag_spec(True),
    "halls": fidelity.halls_spec,
    "take_or_pay": lambda: fidelity.take_or_pay_spec(20.0),
    "storage": fidelity.storage_spec,
    "pue_cap": lambda: fidelity.pue_cap_spec(1.2),
    "water_cap": lambda: fidelity.water_spec(10_000.0),
    "sovereignty": lambda: fidelity.sovereignty_spec(True),
}
"""Constraint family (the README's "What it models" table) -> its micro scenario."""


# ----- normalising an LP file ---------------------------------------------------------------------
_SECTIONS = {
    "min": "min",
    "minimize": "min",
    "max": "max",
    "maximize": "max",
    "st": "st",
    "s.t.": "st",
    "subject to": "st",
    "bounds": "bounds",
    "bin": "bin",
    "binary": "bin",
    "binaries": "bin",
    "gen": "gen",
    "general": "gen",
    "generals": "gen",
    "semi": "semi",
    "semi-continuous": "semi",
    "end": "end",
}
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?inf(inity)?$", re.IGNORECASE)
_SENSES = ("<=", ">=", "=", "<", ">", "=<", "=>")


def _number(token: str) -> str:
    value = float(token)
    return f"{value:.12g}" if value == value and abs(value) != float("inf") else token.lower().lstrip("+")


def _is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))


def _row(name: str, tokens: list[str]) -> str:
    """One row as ``name: terms sorted by variable [sense rhs]`` (a variable written without a
    coefficient has 1; numbers not followed by a variable add up to a constant)."""
    terms: list[tuple[str, float]] = []
    constant, tail, i = 0.0, [], 0
    while i < len(tokens):
        token = tokens[i]
        if token in _SENSES:
            tail = [{"<": "<=", "=<": "<=", ">": ">=", "=>": ">="}.get(token, token), _number(tokens[i + 1])]
            break
        following = tokens[i + 1] if i + 1 < len(tokens) else _SENSES[0]
        if not _is_number(token):
            terms.append((token, 1.0))
        elif _is_number(following) or following in _SENSES:
            constant += float(token)
        else:
            terms.append((following, float(token)))
            i += 1
        i += 1
    text = " ".join(f"{coefficient:+.12g} {var}" for var, coefficient in sorted(terms))
    if constant:
        text += f" {constant:+.12g}"
    return " ".join([name, text, *tail]).rstrip()


def _rows(tokens: list[str]) -> list[str]:
    """Objective or constraint rows from the tokens of their section (a name ends with ':')."""
    entries: list[list[str]] = []
    for token in tokens:
        if token.endswith(":"):
            entries.append([token])
        elif entries:
            entries[-1].append(token)
    return sorted(_row(name, rest) for name, *rest in entries)


def normalise_lp(text: str) -> str:
    """The LP file ``text`` in a canonical form (see module docstring)."""
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("\\"):
            continue
        key = _SECTIONS.get(line.lower())
        if key is not None:
            current = key
            sections.setdefault(current, [])
            continue
        if current is not None:
            sections[current].append(line)
    out = ["\\ normalised by tests/golden: rows, terms and names sorted; numbers to 12 significant digits"]
    for key in ("min", "max", "st"):
        if key in sections:
            out += [key, *(f" {row}" for row in _rows(" ".join(sections[key]).split()))]
    if sections.get("bounds"):
        lines = [" ".join(_number(t) if _NUMBER.match(t) else t for t in line.split()) for line in sections["bounds"]]
        out += ["bounds", *(f" {line}" for line in sorted(lines))]
    for key in ("bin", "gen", "semi"):
        names = sorted(" ".join(sections.get(key, [])).split())
        if names:
            out += [key, *(f" {name}" for name in names)]
    out.append("end")
    return "\n".join(out) + "\n"


def exported_lp(family: str) -> str:
    """The normalised LP that ``Planner.export_model`` writes for the family's micro scenario."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_scenario(Path(folder) / "scenario", SCENARIOS[family]())
        target = Path(folder) / f"{family}.lp"
        Planner.from_file(path).export_model(target)
        return normalise_lp(target.read_text(encoding="utf-8"))


def golden_path(family: str) -> Path:
    return GOLDEN_DIR / f"{family}.lp"
