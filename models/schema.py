"""Typed schema of everything a planner states: catalog rows and the scenario file.

Every catalog is a CSV whose columns carry their unit in the name. Each row model below
is the single source of truth for a catalog's columns, types and ranges; the loader in
``aidc.optimizer.inputs.loading`` validates every row against it and reports file, row and field.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
# Upper limits are sanity bounds far above any real figure: they turn typos such as 1e300 into
# clear input errors instead of a matrix HiGHS cannot solve.
NonNegative = Annotated[float, Field(ge=0.0, le=1e12)]
Positive = Annotated[float, Field(gt=0.0, le=1e12)]
Money = Annotated[float, Field(ge=0.0, le=1e11)]  # USD amounts and unit prices
Year = Annotated[int, Field(ge=2000, le=2100)]
Identifier = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")]


class Row(BaseModel):
    """Base of a catalog row: unknown columns are errors, NaN and infinity are rejected."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


class SourcedRow(Row):
    """A row that must say where its figures come from."""

    source: Annotated[str, Field(min_length=1)]
    confidence: Literal["H", "M", "L", "EST"] = "EST"
    notes: str = ""


class AcceleratorRow(SourcedRow):
    """One accelerator type as it is bought (a server or a rack is the purchase unit)."""

    accelerator: Identifier
    vendor: str
    power_kw_per_accel: Positive  # all-in at full load, host/server share included (kW)
    idle_fraction: Fraction  # idle power / full-load power
    memory_gb: NonNegative
    price_usd_per_accel: Money  # server or rack share included (USD)
    lifetime_years: Annotated[int, Field(ge=1, le=30)]
    first_year: Year
    liquid_required: bool
    accels_per_unit: Annotated[int, Field(ge=1, le=100000)]  # accelerators in one purchase unit
    unit_name: Literal["server", "rack", "supernode", "accelerator"]
    max_accels_per_rack: Annotated[int, Field(ge=1, le=100000)]  # form-factor limit
    scaleout_ports_per_accel: NonNegative  # network ports (link ends) per accelerator
    network_group_accels: Annotated[int, Field(ge=1)]  # peers reached over first-tier links
    fom_fraction_per_year: Fraction = 0.0  # fixed O&M as a share of purchase price per year


class ThroughputRow(SourcedRow):
    """Sustained tokens per second of one accelerator on one workload class."""

    accelerator: Identifier
    workload: Identifier
    tokens_per_s_per_accel: Positive


class WorkloadRow(SourcedRow):
    """A workload class: what is served and how fast it must answer."""

    workload: Identifier
    description: str = ""
    latency_ms_max: Positive  # round-trip network latency bound site <-> region (ms)
    deferrable: bool  # may move within its day
    tokens_per_request: Positive
    load_profile: Identifier = "flat"  # profile name in profiles.csv, or "flat"


class CoolingRow(SourcedRow):
    """A cooling technology."""

    cooling: Identifier
    kind: Literal["air", "liquid"]
    max_kw_per_rack: Positive
    capex_usd_per_kw_it: Money
    lifetime_years: Annotated[int, Field(ge=1, le=50)]
    fom_fraction_per_year: Fraction = 0.0
    pue_cold: Annotated[float, Field(ge=1.0, le=3.0)]
    pue_temperate: Annotated[float, Field(ge=1.0, le=3.0)]
    pue_hot: Annotated[float, Field(ge=1.0, le=3.0)]
    water_l_per_kwh: NonNegative = 0.0


class InterconnectRow(SourcedRow):
    """A scale-out link technology, priced and powered per port (one link end)."""

    interconnect: Identifier
    medium: Literal["copper", "optical"]  # copper reaches only inside a rack
    cost_usd_per_port: Money
    power_w_per_port: NonNegative
    reach_m: Positive
    lifetime_years: Annotated[int, Field(ge=1, le=30)]
    first_year: Year


class SiteRow(SourcedRow):
    """A candidate site."""

    site: Identifier
    name: str
    country: str
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    climate: Literal["cold", "temperate", "hot"]
    fixed_cost_usd_per_year: Money  # paid every year the site is open (land, staff)
    facility_capex_usd_per_kw_it: Money  # shell + electrical per kW of IT capacity
    facility_lifetime_years: Annotated[int, Field(ge=1, le=60)]
    facility_fom_fraction_per_year: Fraction = 0.0
    floor_racks: NonNegative  # racks the floor space can hold
    allowed_accelerators: str = "*"  # ';'-separated ids, or '*' for every type

    @field_validator("allowed_accelerators")
    @classmethod
    def _no_empty_items(cls, value: str) -> str:
        items = [item.strip() for item in value.split(";")]
        if any(not item for item in items):
            raise ValueError("expected '*' or ids separated by ';' with no empty item")
        return ";".join(items)


class GridRow(SourcedRow):
    """Grid connection available to a site's facility from a year on (time-to-power)."""

    site: Identifier
    year: Year
    grid_mw: NonNegative


class SupplyRow(SourcedRow):
    """An electricity supply option of a site: a grid tariff or a fixed-price PPA."""

    site: Identifier
    option: Identifier
    kind: Literal["grid", "ppa"]
    price_usd_per_mwh: Money
    cap_mw: NonNegative | None = None  # PPA nameplate; ignored for grid
    profile: Identifier = "flat"  # grid: price multiplier by slice; PPA: availability by slice
    carbon_kg_per_mwh: NonNegative

    @model_validator(mode="after")
    def _ppa_needs_cap(self) -> SupplyRow:
        if self.kind == "ppa" and self.cap_mw is None:
            raise ValueError("cap_mw: a PPA needs its MW cap (expected a number >= 0)")
        return self


class RegionRow(SourcedRow):
    """A demand region."""

    region: Identifier
    name: str
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    utc_offset_h: Annotated[int, Field(ge=-12, le=14)] = 0


class LatencyRow(SourcedRow):
    """Network round trip and delivery cost between a site and a region; absent = unreachable."""

    site: Identifier
    region: Identifier
    latency_ms: NonNegative
    delivery_usd_per_mtok: Money


class DemandRow(SourcedRow):
    """Forecast token demand of a region and workload class in a year."""

    region: Identifier
    workload: Identifier
    year: Year
    tokens_per_day_billion: NonNegative


class ProfileRow(SourcedRow):
    """One value of a named profile in one time slice (load shape, price or availability)."""

    profile: Identifier
    slice: Annotated[int, Field(ge=0)]
    value: NonNegative


class SliceRow(Row):
    """A time slice of a representative year."""

    slice: Annotated[int, Field(ge=0)]
    day: Annotated[int, Field(ge=0)]  # representative day the slice belongs to
    hour: Annotated[int, Field(ge=0, le=23)]  # UTC hour of day
    hours: Positive  # hours of the year this slice stands for
    cooling_load: Annotated[float, Field(ge=0.0, le=5.0)] = 1.0  # scales PUE - 1
    source: str = ""


class SupplyCapRow(SourcedRow):
    """Most accelerators of a type that can be delivered in a year."""

    accelerator: Identifier
    year: Year
    max_accels: NonNegative


CATALOG_ROWS: dict[str, type[Row]] = {
    "accelerators": AcceleratorRow,
    "throughput": ThroughputRow,
    "workloads": WorkloadRow,
    "cooling": CoolingRow,
    "interconnect": InterconnectRow,
    "sites": SiteRow,
    "grid": GridRow,
    "supply": SupplyRow,
    "regions": RegionRow,
    "latency": LatencyRow,
    "demand": DemandRow,
    "profiles": ProfileRow,
    "slices": SliceRow,
    "supply_caps": SupplyCapRow,
}
"""Catalog name -> row model. ``slices``, ``profiles`` and ``supply_caps`` are optional."""

REQUIRED_CATALOGS = (
    "accelerators",
    "throughput",
    "workloads",
    "cooling",
    "interconnect",
    "sites",
    "grid",
    "supply",
    "regions",
    "latency",
    "demand",
)

CATALOG_KEYS: dict[str, tuple[str, ...]] = {
    "accelerators": ("accelerator",),
    "throughput": ("accelerator", "workload"),
    "workloads": ("workload",),
    "cooling": ("cooling",),
    "interconnect": ("interconnect",),
    "sites": ("site",),
    "grid": ("site", "year"),
    "supply": ("site", "option"),
    "regions": ("region",),
    "latency": ("site", "region"),
    "demand": ("region", "workload", "year"),
    "profiles": ("profile", "slice"),
    "slices": ("slice",),
    "supply_caps": ("accelerator", "year"),
}
"""Columns that identify a row; duplicates are input errors."""


class Override(BaseModel):
    """Change catalog values: set them, or multiply them, on all rows or those matching."""

    model_config = ConfigDict(extra="forbid")

    catalog: str
    where: dict[str, str | int | float | bool] = Field(default_factory=dict)
    set: dict[str, str | int | float | bool] = Field(default_factory=dict)
    scale: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _does_something(self) -> Override:
        if self.catalog not in CATALOG_ROWS:
            raise ValueError(f"catalog: expected one of {sorted(CATALOG_ROWS)}, found {self.catalog!r}")
        if not self.set and not self.scale:
            raise ValueError("an override needs 'set' or 'scale'")
        return self


class Selection(BaseModel):
    """Restrict the scenario to some ids of a catalog (everything when absent)."""

    model_config = ConfigDict(extra="forbid")

    sites: list[str] | None = None
    accelerators: list[str] | None = None
    regions: list[str] | None = None
    workloads: list[str] | None = None
    cooling: list[str] | None = None
    interconnect: list[str] | None = None


MAX_OVERRIDES = 1000  # each override copies and revalidates a catalog


class ScenarioConfig(BaseModel):
    """A scenario file: catalogs by path plus scalar settings and overrides."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: Identifier
    description: str = ""
    years: list[Year] = Field(min_length=1)
    catalogs: dict[str, str]
    wacc: Annotated[float, Field(ge=0.0, le=0.5)] = 0.08  # weighted average cost of capital
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] | None = None  # defaults to wacc
    unserved_penalty_usd_per_mtok: Annotated[float, Field(gt=0.0, le=1e6)] = 1000.0
    carbon_price_usd_per_t: Money | dict[Year, Money] = 0.0
    carbon_cap_t: dict[Year, NonNegative] = Field(default_factory=dict)
    capex_budget_usd: dict[Year, Money] = Field(default_factory=dict)
    demand_scale: Annotated[float, Field(gt=0.0, le=1e6)] = 1.0  # multiplies every demand row
    workload_demand_scale: dict[str, Annotated[float, Field(gt=0.0, le=1e6)]] = Field(default_factory=dict)
    slices_per_block: Annotated[int, Field(ge=1, le=24)] = 1  # merge consecutive slices of a day
    integer_units: bool = True  # accelerators bought in whole servers/racks
    allow_cooling_mix: bool = False  # more than one cooling design per site
    select: Selection = Field(default_factory=Selection)
    overrides: list[Override] = Field(default_factory=list, max_length=MAX_OVERRIDES)

    @field_validator("years")
    @classmethod
    def _increasing(cls, years: list[int]) -> list[int]:
        if any(b <= a for a, b in itertools.pairwise(years)):
            raise ValueError(f"expected strictly increasing years, found {years}")
        return years

    @field_validator("catalogs")
    @classmethod
    def _known_catalogs(cls, catalogs: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(catalogs) - set(CATALOG_ROWS))
        if unknown:
            raise ValueError(f"unknown catalog(s) {unknown}; expected names from {sorted(CATALOG_ROWS)}")
        missing = [name for name in REQUIRED_CATALOGS if name not in catalogs]
        if missing:
            raise ValueError(f"missing required catalog(s) {missing}")
        return catalogs

    @field_validator("carbon_price_usd_per_t", "carbon_cap_t", "capex_budget_usd")
    @classmethod
    def _planned_years(cls, value: object, info: ValidationInfo) -> object:
        """A value by year may only name years the scenario plans (others would be ignored)."""
        years = info.data.get("years")
        if isinstance(value, dict) and years:
            outside = sorted(set(value) - set(years))
            if outside:
                raise ValueError(f"year(s) {outside} are not planned; the scenario's years are {years}")
        return value
