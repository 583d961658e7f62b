"""Money over time: annuities of capital expenditure."""

from __future__ import annotations


def capital_recovery_factor(rate: float, life_years: float) -> float:
    """Annuity per dollar of capex over ``life_years`` at ``rate`` (1/year)."""
    if rate == 0.0:
        return 1.0 / life_years
    return rate / (1.0 - (1.0 + rate) ** -life_years)
