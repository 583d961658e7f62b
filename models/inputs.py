"""The validated inputs of one scenario: its settings and its catalog tables."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from aidc.models.schema import CATALOG_KEYS, ScenarioConfig


@dataclass(frozen=True)
class ScenarioInputs:
    """A scenario's settings plus one pandas DataFrame per catalog (validated rows)."""

    config: ScenarioConfig
    tables: dict[str, pd.DataFrame]
    path: Path | None = None
    sources: dict[str, Path] = field(default_factory=dict)
    hourly: dict[str, pd.DataFrame] = field(default_factory=dict)  # quantity -> 8,760 rows x series

    def table(self, name: str) -> pd.DataFrame:
        """The catalog ``name`` (an empty frame with key columns if the scenario has none)."""
        if name in self.tables:
            return self.tables[name]
        return pd.DataFrame(columns=list(CATALOG_KEYS[name]))

    def with_config(self, **changes: object) -> ScenarioInputs:
        """A copy with some scenario settings changed (validated again)."""
        data = self.config.model_dump()
        data.update(changes)
        return replace(self, config=ScenarioConfig.model_validate(data))

    def with_table(self, name: str, frame: pd.DataFrame) -> ScenarioInputs:
        """A copy with one catalog replaced."""
        tables = dict(self.tables)
        tables[name] = frame
        return replace(self, tables=tables)
