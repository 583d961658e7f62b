"""Sensitivity tables from a sweep's results: a tornado of each parameter's effect on the cost
per million tokens, and the cases whose chosen sites or accelerator mix differ from the base.
"""

from __future__ import annotations

import pandas as pd

METRIC = "cost_per_mtok_usd"
FEW_LEVELS = 5  # up to this many distinct values: compare the lowest and highest value


def tornado(results: pd.DataFrame, metric: str = METRIC) -> pd.DataFrame:
    """For each numeric ``param_*`` column: mean ``metric`` (USD/Mtok) over the cases at its low
    and high end (its lowest and highest value if it has few, else its bottom and top third),
    averaged over the other parameters; sorted by the size of the swing.

    Columns: parameter, low_value, high_value, metric_low, metric_high, swing (high - low, in the
    metric's unit), correlation (Pearson, parameter vs metric), cases."""
    ok = results[results["status"] == "ok"]
    rows = []
    for column in [c for c in ok.columns if c.startswith("param_")]:
        values = pd.to_numeric(ok[column], errors="coerce")
        varied = ok[values.notna()].assign(_value=values[values.notna()])
        if varied["_value"].nunique() < 2:
            continue
        levels = sorted(varied["_value"].unique())
        if len(levels) <= FEW_LEVELS:
            low, high = varied[varied["_value"] == levels[0]], varied[varied["_value"] == levels[-1]]
        else:
            rank = varied["_value"].rank(pct=True)
            low, high = varied[rank <= 1 / 3], varied[rank > 2 / 3]
        rows.append(
            {
                "parameter": column.removeprefix("param_"),
                "low_value": low["_value"].mean(),
                "high_value": high["_value"].mean(),
                "metric_low": low[metric].mean(),
                "metric_high": high[metric].mean(),
                "swing": high[metric].mean() - low[metric].mean(),
                "correlation": varied["_value"].corr(varied[metric]),
                "cases": len(varied),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["parameter", "low_value", "high_value", "metric_low", "metric_high", "swing", "correlation", "cases"],
    )
    order = frame["swing"].abs().sort_values(ascending=False).index
    return (
        frame.loc[order]
        .reset_index(drop=True)
        .rename(columns={"metric_low": f"{metric}_low", "metric_high": f"{metric}_high"})
    )


def reference_case(results: pd.DataFrame) -> pd.Series | None:
    """The base case (no parameter set) if it solved, else the most common plan."""
    ok = results[results["status"] == "ok"]
    if ok.empty:
        return None
    params = [c for c in ok.columns if c.startswith("param_")]
    base = ok[ok[params].isna().all(axis=1)] if params else ok
    if not base.empty:
        return base.iloc[0]
    modal = ok.groupby(["sites", "accelerator_mix"]).size().idxmax()
    return ok[(ok["sites"] == modal[0]) & (ok["accelerator_mix"] == modal[1])].iloc[0]


def _diff(row: str, reference: str) -> tuple[str, str]:
    mine, theirs = set(filter(None, row.split(";"))), set(filter(None, reference.split(";")))
    return ";".join(sorted(mine - theirs)), ";".join(sorted(theirs - mine))


def regime_changes(results: pd.DataFrame) -> pd.DataFrame:
    """Cases whose opened sites or accelerator types (last year) differ from the reference case,
    with what was added and removed, their parameter values and cost per Mtok."""
    reference = reference_case(results)
    columns = ["case_id", "sites_added", "sites_removed", "accelerators_added", "accelerators_removed"]
    if reference is None:
        return pd.DataFrame(columns=columns)
    ok = results[results["status"] == "ok"]
    changed = ok[(ok["sites"] != reference["sites"]) | (ok["accelerator_mix"] != reference["accelerator_mix"])].copy()
    for kind, column in (("sites", "sites"), ("accelerators", "accelerator_mix")):
        diffs = [_diff(value, reference[column]) for value in changed[column]]
        changed[f"{kind}_added"] = [added for added, _ in diffs]
        changed[f"{kind}_removed"] = [removed for _, removed in diffs]
    params = [c for c in ok.columns if c.startswith("param_")]
    keep = [*columns, *params, METRIC, "sites", "accelerator_mix"]
    return changed[keep].reset_index(drop=True)
