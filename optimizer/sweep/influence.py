"""Which uncertain inputs decide the answer: a Latin-hypercube sweep over the low-confidence
catalog figures, ranked by how much they move the cost per token and the vendor mix.

Each *factor* scales, together, the figures of one catalog column for one entity whose rows are
of low confidence (e.g. every throughput row of ``mi355x``, the grid price at ``texas``). Its
range is +-RANGE_BY_CONFIDENCE[confidence] around the catalog value. The factors are sampled by
Latin hypercube and run through the ordinary sweep machinery (one case per sample, rebuilt or
warm as the sweep decides). The ranking is by the absolute Spearman rank correlation of each
factor with the cost per Mtok (and, separately, with each vendor's share of generated tokens),
with the mean swing between the top and bottom third of its range, in USD per Mtok.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aidc.models.inputs import ScenarioInputs
from aidc.optimizer.sweep import store
from aidc.optimizer.sweep.spec import Case, Parameter, Sample, SweepSpec, case_id, sample_values

RANGE_BY_CONFIDENCE = {"H": 0.05, "M": 0.10, "L": 0.25, "EST": 0.35}
"""Half-width of a factor's range (fraction of the catalog value) by the rows' confidence."""

FIGURES: dict[str, tuple[str, str]] = {
    # catalog: (column scaled, entity column the factor groups by)
    "throughput": ("tokens_per_s_per_accel", "accelerator"),
    "accelerators": ("price_usd_per_accel", "accelerator"),
    "supply": ("price_usd_per_mwh", "site"),
    "sites": ("facility_capex_usd_per_kw_it", "site"),
    "cooling": ("capex_usd_per_kw_it", "cooling"),
    "interconnect": ("cost_usd_per_port", "interconnect"),
}
"""The figures a factor may scale: those that price or size the plan."""


@dataclass(frozen=True)
class Factor:
    """One uncertain figure: a catalog column for one entity, scaled within a range."""

    name: str
    catalog: str
    column: str
    entity: str
    confidence: str
    low: float
    high: float


def uncertain_factors(inputs: ScenarioInputs, confidences: Iterable[str] = ("L", "EST")) -> list[Factor]:
    """The factors of a scenario: an entity's rows of a figure count if any is of the given
    confidence (the widest range among its rows is used)."""
    wanted = set(confidences)
    factors = []
    for catalog, (column, entity) in FIGURES.items():
        frame = inputs.tables.get(catalog)
        if frame is None or frame.empty or "confidence" not in frame.columns:
            continue
        for key, rows in frame.groupby(entity, sort=True):
            levels = set(rows["confidence"]) & wanted
            if not levels or not (rows[column].astype(float) > 0).any():
                continue
            width = max(RANGE_BY_CONFIDENCE[level] for level in levels)
            factors.append(
                Factor(
                    name=f"{catalog}.{column}.{key}",
                    catalog=catalog,
                    column=column,
                    entity=str(key),
                    confidence="/".join(sorted(levels)),
                    low=round(1.0 - width, 4),
                    high=round(1.0 + width, 4),
                )
            )
    return factors


def influence_spec(scenario: Path, factors: list[Factor], samples: int, seed: int) -> SweepSpec:
    """A sweep spec: one ``catalog`` parameter (scale mode) per factor, ``samples`` Latin-hypercube cases."""
    parameters = {
        factor.name: Parameter(
            kind="catalog",
            catalog=factor.catalog,
            column=factor.column,
            mode="scale",
            where={FIGURES[factor.catalog][1]: factor.entity},
        )
        for factor in factors
    }
    sample = Sample(
        method="lhs", n=samples, seed=seed, ranges={factor.name: (factor.low, factor.high) for factor in factors}
    )
    return SweepSpec(
        name=f"influence-{scenario.stem}", base=str(scenario.resolve()), parameters=parameters, sample=sample
    )


def vendor_shares(records: list[dict[str, Any]], vendors: dict[str, str]) -> pd.DataFrame:
    """Each case's share of last-year generated tokens by vendor (rows: case ids)."""
    rows = {}
    for record in records:
        if record.get("status") != "ok":
            continue
        share: dict[str, float] = {}
        for accelerator, value in (record.get("throughput_weighted_mix") or {}).items():
            vendor = vendors.get(accelerator, accelerator)
            share[vendor] = share.get(vendor, 0.0) + float(value)
        rows[record["case_id"]] = share
    return pd.DataFrame.from_dict(rows, orient="index").fillna(0.0)


def rank_factors(
    records: list[dict[str, Any]], factors: list[Factor], vendors: dict[str, str], metric: str = "cost_per_mtok_usd"
) -> pd.DataFrame:
    """One row per factor, most influential first: Spearman correlation with the cost per Mtok,
    mean cost swing between the top and bottom third of its range (USD/Mtok), and the largest
    |Spearman correlation| with any vendor's token share (and which vendor)."""
    ok = [r for r in records if r.get("status") == "ok" and r.get(metric) is not None]
    columns = [
        "factor",
        "catalog",
        "column",
        "entity",
        "confidence",
        "range_low",
        "range_high",
        "cost_rank_correlation",
        "cost_swing_usd_per_mtok",
        "mix_rank_correlation",
        "mix_vendor",
        "cases",
        "above_noise",
    ]
    if len(ok) < 3:
        return pd.DataFrame(columns=columns)
    values = pd.DataFrame([{f.name: r["values"].get(f.name, 1.0) for f in factors} for r in ok])
    cost = pd.Series([float(r[metric]) for r in ok])
    shares = vendor_shares(ok, vendors).reindex([r["case_id"] for r in ok]).fillna(0.0).reset_index(drop=True)
    ranked_cost = cost.rank()
    rows = []
    for factor in factors:
        x = values[factor.name].astype(float)
        rank = x.rank()
        correlation = float(rank.corr(ranked_cost)) if x.nunique() > 1 else 0.0
        low, high = x.quantile(1 / 3), x.quantile(2 / 3)
        swing = float(cost[x >= high].mean() - cost[x <= low].mean()) if x.nunique() > 1 else 0.0
        mix_corr, mix_vendor = 0.0, ""
        for vendor in shares.columns:
            share = shares[vendor]
            if share.nunique() > 1:
                c = float(rank.corr(share.rank()))
                if abs(c) > abs(mix_corr):
                    mix_corr, mix_vendor = c, vendor
        rows.append(
            [
                factor.name,
                factor.catalog,
                factor.column,
                factor.entity,
                factor.confidence,
                factor.low,
                factor.high,
                0.0 if np.isnan(correlation) else correlation,
                0.0 if np.isnan(swing) else swing,
                mix_corr,
                mix_vendor,
                len(ok),
            ]
        )
    floor = noise_floor(len(ok))
    rows = [[*row, max(abs(row[7]), abs(row[9])) > floor] for row in rows]
    frame = pd.DataFrame(rows, columns=columns)
    score = frame["cost_rank_correlation"].abs() + frame["mix_rank_correlation"].abs()
    return frame.loc[score.sort_values(ascending=False).index].reset_index(drop=True)


def noise_floor(samples: int) -> float:
    """|Spearman rho| that independent inputs exceed with ~5% probability in ``samples`` cases
    (1.96 / sqrt(n - 1)): correlations below it are indistinguishable from sampling noise."""
    return 1.96 / np.sqrt(max(1, samples - 1))


def influence_cases(spec: SweepSpec) -> list[Case]:
    """The spec's sampled cases (no base case): every factor set in each."""
    assert spec.sample is not None
    return [Case(case_id=case_id(spec, values), values=values) for values in sample_values(spec.sample)]


def read_influence(out: Path, spec: SweepSpec) -> list[dict[str, Any]]:
    return store.read_records(out, [case.case_id for case in influence_cases(spec)])
