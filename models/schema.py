"""Typed schema of everything a planner states: catalog rows and the scenario file.

Every catalog is a CSV whose columns carry their unit in the name. Each row model below
is the single source of truth for a catalog's columns, types and ranges; the loader in
``aidc.optimizer.inputs.loading`` validates every row against it and reports file, row and field.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator


def _not_true_or_false(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a number; found {str(value).lower()} (YAML reads yes/no/on/off as true/false)")
    return value


# a number, or text that reads as one (YAML 1.1 reads 1e-3 as text), but never true/false (read as 1/0)
Number = Annotated[float, BeforeValidator(_not_true_or_false)]
WholeNumber = Annotated[int, BeforeValidator(_not_true_or_false)]
Fraction = Annotated[Number, Field(ge=0.0, le=1.0)]
# Upper limits are sanity bounds far above any real figure: they turn typos such as 1e300 into
# clear input errors instead of a matrix HiGHS cannot solve.
NonNegative = Annotated[Number, Field(ge=0.0, le=1e12)]
Positive = Annotated[Number, Field(gt=0.0, le=1e12)]
Money = Annotated[Number, Field(ge=0.0, le=1e11)]  # USD amounts and unit prices
Year = Annotated[WholeNumber, Field(ge=2000, le=2100)]
SliceNumber = Annotated[WholeNumber, Field(ge=0, le=100_000)]  # 8,760 hourly slices fit many times over
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
    network_group_accels: Annotated[int, Field(ge=1, le=1_000_000)]  # peers reached over first-tier links
    # accelerators in one scale-up (memory-coherent) domain; empty = the purchase unit
    scaleup_group_accels: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    fom_fraction_per_year: Fraction = 0.0  # fixed O&M as a share of purchase price per year


class ThroughputRow(SourcedRow):
    """Tokens per second of one accelerator on one workload class, from a year on.

    ``tokens_per_s_per_accel`` is decode throughput (generated tokens per second); with
    ``prefill_tokens_per_s_per_accel`` given, prompt tokens cost prefill time on top (the
    workload's input tokens per output token, less its prompt-cache hits); without it, the
    figure is taken to include the prefill of the workload's own prompts (the MLPerf basis).
    Rows are forward-filled by ``year`` (empty: from the start) so software uplift can be stated."""

    accelerator: Identifier
    workload: Identifier
    year: Year | None = None  # first year the figure applies
    tokens_per_s_per_accel: Positive  # decode: output tokens per second per accelerator
    prefill_tokens_per_s_per_accel: Positive | None = None  # prompt tokens per second per accelerator
    basis: str = ""  # benchmark, round, precision and latency target


class WorkloadRow(SourcedRow):
    """A workload class: what is served and how fast it must answer."""

    workload: Identifier
    description: str = ""
    latency_ms_max: Positive  # round-trip network latency bound site <-> region (ms)
    deferrable: bool  # may move within its day
    tokens_per_request: Positive
    load_profile: Identifier = "flat"  # profile name in profiles.csv, or "flat"
    input_tokens_per_output: Annotated[float, Field(ge=0.0, le=10_000.0)] = 0.0  # prompt tokens per output token
    prompt_cache_hit_fraction: Fraction = 0.0  # share of prompt tokens served from a prefix cache
    max_utilisation_fraction: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0  # average busy / installed (reserve)
    memory_gb_per_replica: NonNegative = 0.0  # weights + KV cache of one serving replica (GB)


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
    water_l_per_kwh: NonNegative = 0.0  # litres of water per kWh of IT energy (WUE)
    # hourly PUE from ambient temperature T (used with hourly series): pue_free + slope x max(0, T - free max)
    pue_free: Annotated[float, Field(ge=1.0, le=3.0)] | None = None
    free_cooling_max_c: Annotated[float, Field(ge=-40.0, le=60.0)] | None = None
    pue_slope_per_c: Annotated[float, Field(ge=0.0, le=0.5)] | None = None


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
    jurisdiction: Identifier | None = None  # rules (PUE caps) of jurisdictions.csv
    build_lag_years: Annotated[int, Field(ge=0, le=10)] = 0  # decision to capacity in service
    hall_mw: Annotated[float, Field(gt=0.0, le=1e4)] | None = None  # built in whole halls of this IT MW
    hall_fixed_capex_usd: Money = 0.0  # capex of a hall that does not scale with MW (economies of scale)
    grid_queue_year: Year | None = None  # earliest year a new grid connection can be energised
    grid_cost_usd_per_kw: Money = 0.0  # cost of new grid connection per kW
    grid_new_max_mw: NonNegative = 0.0  # most new grid connection the site can get (MW)
    lease_usd_per_kw_month: Money | None = None  # colocation price per kW of IT per month (no lag)
    lease_max_mw: NonNegative = 0.0  # most IT MW one operator can lease there
    demand_charge_usd_per_kw_month: Money = 0.0  # on the year's peak grid draw
    water_cap_m3_per_year: NonNegative | None = None  # cooling water the site may use
    fuel_usd_per_mwh_fuel: Money | None = None  # gas price for on-site generation (per MWh of fuel)
    onsite_options: str = ""  # ';'-separated on-site technologies allowed, '*' for all, '' for none

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
    take_or_pay: bool = False  # PPA: a contracted MW (<= cap_mw) paid for all it produces
    market_resale_usd_per_mwh: Money = 0.0  # take-or-pay: what surplus PPA energy sells for

    @model_validator(mode="after")
    def _ppa_needs_cap(self) -> SupplyRow:
        if self.kind == "ppa" and self.cap_mw is None:
            raise ValueError("cap_mw: a PPA needs its MW cap (expected a number >= 0)")
        return self


class JurisdictionRow(SourcedRow):
    """Rules of a jurisdiction for new data centers."""

    jurisdiction: Identifier
    country: str = ""
    pue_max: Annotated[float, Field(ge=1.0, le=3.0)] | None = None  # annual PUE cap of new capacity
    pue_rule_from_year: Year | None = None


class SovereigntyRow(SourcedRow):
    """Whether an operator type may serve a region from a site in a country (first match wins; '*' = any)."""

    operator: Identifier
    site_country: str
    region: str
    allowed: bool


class OnsiteRow(SourcedRow):
    """An on-site technology: battery storage or generation behind the grid meter."""

    technology: Identifier
    kind: Literal["storage", "generation", "backup"]
    capex_usd_per_kw: Money
    capex_usd_per_kwh: Money | None = None  # storage energy capacity
    duration_h: Annotated[float, Field(gt=0.0, le=100.0)] | None = None  # storage: MWh per MW
    lifetime_years: Annotated[int, Field(ge=1, le=50)]
    fom_fraction_per_year: Fraction = 0.0
    efficiency: Annotated[float, Field(gt=0.0, le=1.0)]  # storage: round trip; generation: electric / fuel
    fuel_usd_per_mwh_fuel: Money | None = None  # if not set, the site's fuel price
    carbon_kg_per_mwh: NonNegative = 0.0  # per MWh of electricity
    lead_time_years: Annotated[int, Field(ge=0, le=10)] = 0


class EnergyPricePathRow(SourcedRow):
    """A site's grid energy price in a year relative to its catalog price (real terms; forward-filled)."""

    site: Identifier
    year: Year
    price_factor: Annotated[float, Field(gt=0.0, le=100.0)]


class HourlySeriesRow(SourcedRow):
    """One column of an 8,760-hour file: what it holds, its unit and source."""

    file: str  # CSV beside this catalog, one row per hour of the year
    column: str  # a site id, region/workload, or 'hour'
    quantity: Literal["hour", "temperature", "solar", "wind", "grid_price", "load"]
    unit: str


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
    slice: SliceNumber
    value: NonNegative


class SliceRow(Row):
    """A time slice of a representative year."""

    slice: SliceNumber
    day: SliceNumber  # representative day the slice belongs to
    hour: Annotated[int, Field(ge=0, le=23)]  # UTC hour of day
    hours: Positive  # hours of the year this slice stands for
    cooling_load: Annotated[float, Field(ge=0.0, le=5.0)] = 1.0  # scales PUE - 1
    source: str = ""


class PricePathRow(SourcedRow):
    """An accelerator's purchase price in a year relative to its catalog price (real terms).

    Forward-filled by year; before its first row a part sells at its catalog price."""

    accelerator: Identifier
    year: Year
    price_factor: Annotated[float, Field(gt=0.0, le=100.0)]  # x accelerators.price_usd_per_accel


class ExistingFleetRow(SourcedRow):
    """Accelerators already installed when the plan starts (brownfield)."""

    site: Identifier
    accelerator: Identifier
    cooling: Identifier
    vintage: Year  # year bought: retired after the accelerator's lifetime
    count_accels: Annotated[float, Field(gt=0.0, le=1e8)]  # accelerators


class ExistingSiteRow(SourcedRow):
    """A data center already built when the plan starts: open, with its IT capacity and cooling."""

    site: Identifier
    cooling: Identifier
    it_capacity_mw: Annotated[float, Field(gt=0.0, le=1e5)]  # MW of IT already built (sunk)


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
    "price_paths": PricePathRow,
    "existing_fleet": ExistingFleetRow,
    "existing_sites": ExistingSiteRow,
    "jurisdictions": JurisdictionRow,
    "sovereignty": SovereigntyRow,
    "onsite": OnsiteRow,
    "energy_price_paths": EnergyPricePathRow,
    "hourly_series": HourlySeriesRow,
}
"""Catalog name -> row model. The ones not in REQUIRED_CATALOGS are optional."""

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
    "throughput": ("accelerator", "workload", "year"),
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
    "price_paths": ("accelerator", "year"),
    "existing_fleet": ("site", "accelerator", "cooling", "vintage"),
    "existing_sites": ("site",),
    "jurisdictions": ("jurisdiction",),
    "sovereignty": ("operator", "site_country", "region"),
    "onsite": ("technology",),
    "energy_price_paths": ("site", "year"),
    "hourly_series": ("file", "column"),
}
"""Columns that identify a row; duplicates are input errors."""


class Override(BaseModel):
    """Change catalog values: set them, or multiply them, on all rows or those matching."""

    model_config = ConfigDict(extra="forbid")

    catalog: str
    where: dict[str, str | int | float | bool] = Field(default_factory=dict)
    set: dict[str, str | int | float | bool] = Field(default_factory=dict)
    scale: dict[str, Number] = Field(default_factory=dict)

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


PROBABILITY_TOLERANCE = 1e-6
MAX_OUTCOMES = 1000  # each outcome is a copy of the model in the extensive form
MAX_CHANGES = 2000  # changes over all outcomes: each is applied to a copy of the catalogs


class RiskConfig(BaseModel):
    """How a stochastic programme weighs its outcomes. The objective is
    (1 - weight) x expected cost + weight x risk term, where the risk term is
    CVaR_alpha of the cost (``cvar``: the mean of the worst 1 - alpha of outcomes) or the largest
    regret against each outcome's own optimum (``regret``); ``expected`` is the expectation alone."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    measure: Literal["expected", "cvar", "regret"] = "expected"
    alpha: Annotated[Number, Field(ge=0.0, lt=1.0)] = 0.9  # CVaR level
    weight: Annotated[Number, Field(ge=0.0, le=1.0)] | None = None  # default: 0.5 for cvar, 1 for regret

    @property
    def risk_weight(self) -> float:
        """The weight on the risk term (0 for the expectation)."""
        if self.measure == "expected":
            return 0.0
        if self.weight is not None:
            return self.weight
        return 0.5 if self.measure == "cvar" else 1.0


class OutcomeConfig(BaseModel):
    """One outcome of the future: its probability and the changes to the scenario that make it.
    Each change is a sweep parameter (``kind`` and its filters, as in a sweep spec) with a
    ``value``; the optimizer validates them against the kinds it knows. The name also names the
    outcome's run folder (``outcomes/<name>/``), so it starts with a letter, digit or '_'."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: Identifier
    probability: Annotated[Number, Field(gt=0.0, le=1.0)]
    description: str = ""
    changes: dict[Identifier, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _folder_name(cls, name: str) -> str:
        if name[0] in ".-":
            raise ValueError(
                f"expected a name starting with a letter, digit or '_' (it names the folder outcomes/<name>); "
                f"found {name!r}"
            )
        return name


class UncertaintyConfig(BaseModel):
    """Outcomes with probabilities, the years whose investment decisions must be common to all
    outcomes (here-and-now; later years adapt to the outcome), the risk measure, and the time
    budget of the whole programme (s, shared by its 3N + 2 solves; ``--time-limit`` overrides it;
    without it, ``solve_time_limit_s`` once per solve)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    outcomes: list[OutcomeConfig] = Field(min_length=1, max_length=MAX_OUTCOMES)
    commitment_years: list[Year] = Field(min_length=1)
    risk: RiskConfig = Field(default_factory=RiskConfig)
    time_limit_s: Annotated[Number, Field(gt=0.0, le=1e7)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> UncertaintyConfig:
        seen: dict[str, int] = {}
        for i, outcome in enumerate(self.outcomes):
            first = seen.setdefault(outcome.name.casefold(), i)
            if first != i:
                raise ValueError(
                    f"uncertainty.outcomes[{i}].name: {outcome.name!r} repeats uncertainty.outcomes[{first}].name "
                    f"({self.outcomes[first].name!r}); outcome names must be unique, also in case "
                    "(each names a folder outcomes/<name>)"
                )
        total = sum(outcome.probability for outcome in self.outcomes)
        if abs(total - 1.0) > PROBABILITY_TOLERANCE:
            shown = ", ".join(f"{o.name} {o.probability:g}" for o in self.outcomes[:6])
            more = ", ..." if len(self.outcomes) > 6 else ""
            raise ValueError(
                f"uncertainty.outcomes[*].probability: expected probabilities that sum to 1 "
                f"(within {PROBABILITY_TOLERANCE:g}); they sum to {total:.9g} ({shown}{more})"
            )
        changes = sum(len(outcome.changes) for outcome in self.outcomes)
        if changes > MAX_CHANGES:
            raise ValueError(
                f"uncertainty.outcomes[*].changes: {changes:,} changes in all; expected at most {MAX_CHANGES:,} "
                "(each is applied to a copy of the catalogs)"
            )
        if any(b <= a for a, b in itertools.pairwise(self.commitment_years)):
            raise ValueError(
                f"uncertainty.commitment_years: expected strictly increasing years, found {self.commitment_years}"
            )
        return self


MAX_OVERRIDES = 1000  # each override copies and revalidates a catalog


class ScenarioConfig(BaseModel):
    """A scenario file: catalogs by path plus scalar settings and overrides."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: Identifier
    description: str = ""
    years: list[Year] = Field(min_length=1)
    catalogs: dict[str, str]
    wacc: Annotated[Number, Field(ge=0.0, le=0.5)] = 0.08  # weighted average cost of capital
    discount_rate: Annotated[Number, Field(ge=0.0, le=0.5)] | None = None  # defaults to wacc
    unserved_penalty_usd_per_mtok: Annotated[Number, Field(gt=0.0, le=1e6)] = 1000.0
    carbon_price_usd_per_t: Money | dict[Year, Money] = 0.0
    carbon_cap_t: dict[Year, NonNegative] = Field(default_factory=dict)
    capex_budget_usd: dict[Year, Money] = Field(default_factory=dict)
    demand_scale: Annotated[Number, Field(gt=0.0, le=1e6)] = 1.0  # multiplies every demand row
    workload_demand_scale: dict[str, Annotated[Number, Field(gt=0.0, le=1e6)]] = Field(default_factory=dict)
    slices_per_block: Annotated[WholeNumber, Field(ge=1, le=24)] = 1  # merge consecutive slices of a day
    # time from 8,760-hour series (catalog hourly_series) reduced by tsam to representative days
    representative_days: Annotated[WholeNumber, Field(ge=1, le=365)] | None = None
    extreme_days: list[Literal["peak_load", "hottest"]] = Field(default_factory=lambda: ["peak_load", "hottest"])
    capacity_sizing: Literal["annual_mean", "year_end"] = "annual_mean"  # demand the fleet is sized for
    grid_design_day: bool = False  # full IT capacity x hottest-hour PUE within the grid connection
    operator: Identifier | None = None  # operator type of the sovereignty catalog (None: no rule)
    # new capacity is in service from this year + the site's build lag (None: no lag is applied)
    first_decision_year: Year | None = None
    # how long `aidc solve` works on this scenario unless --time-limit / --mip-gap say otherwise
    solve_time_limit_s: Annotated[Number, Field(gt=0.0, le=1e6)] | None = None
    solve_mip_gap: Annotated[Number, Field(ge=0.0, le=1.0)] | None = None
    integer_units: bool = True  # accelerators bought in whole servers/racks
    allow_cooling_mix: bool = False  # more than one cooling design per site
    select: Selection = Field(default_factory=Selection)
    overrides: list[Override] = Field(default_factory=list, max_length=MAX_OVERRIDES)
    uncertainty: UncertaintyConfig | None = None  # outcomes for a stochastic programme (optional)

    @model_validator(mode="after")
    def _commitment_within_years(self) -> ScenarioConfig:
        if self.uncertainty is None:
            return self
        committed = self.uncertainty.commitment_years
        if committed != self.years[: len(committed)]:
            raise ValueError(
                f"uncertainty.commitment_years: expected the first modelled years (a prefix of years {self.years}), "
                f"found {committed}"
            )
        return self

    @field_validator("extreme_days")
    @classmethod
    def _once_each(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError(f"each extreme day at most once; found {days}")
        return days

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
