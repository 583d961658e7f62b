"""Load a scenario YAML and its CSV catalogs, validating everything before any model is built.

Every problem found is collected (file, row or YAML path, field, what was expected) and
raised together as one :class:`InputError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import CATALOG_KEYS, CATALOG_ROWS, Override, ScenarioConfig
from aidc.optimizer.errors import InputError, InputIssue
from aidc.optimizer.inputs.hourly import read_hourly_series

SLICE_KEYED = ("profiles",)
REFERENCES: list[tuple[str, str, str, str]] = [
    # (catalog, column, referenced catalog, referenced column)
    ("throughput", "accelerator", "accelerators", "accelerator"),
    ("throughput", "workload", "workloads", "workload"),
    ("grid", "site", "sites", "site"),
    ("supply", "site", "sites", "site"),
    ("latency", "site", "sites", "site"),
    ("latency", "region", "regions", "region"),
    ("demand", "region", "regions", "region"),
    ("demand", "workload", "workloads", "workload"),
    ("profiles", "slice", "slices", "slice"),
    ("supply_caps", "accelerator", "accelerators", "accelerator"),
    ("price_paths", "accelerator", "accelerators", "accelerator"),
    ("existing_fleet", "site", "sites", "site"),
    ("existing_fleet", "accelerator", "accelerators", "accelerator"),
    ("existing_fleet", "cooling", "cooling", "cooling"),
    ("existing_sites", "site", "sites", "site"),
    ("existing_sites", "cooling", "cooling", "cooling"),
    ("sites", "jurisdiction", "jurisdictions", "jurisdiction"),
    ("energy_price_paths", "site", "sites", "site"),
]
SELECTABLE = {
    "sites": ("sites", "site"),
    "accelerators": ("accelerators", "accelerator"),
    "regions": ("regions", "region"),
    "workloads": ("workloads", "workload"),
    "cooling": ("cooling", "cooling"),
    "interconnect": ("interconnect", "interconnect"),
}


def describe_pydantic_error(error: dict[str, Any]) -> str:
    """A pydantic error as 'what was expected; what was found'."""
    message = error["msg"]
    if error["type"] == "missing":
        return "a value is required but the cell is empty or the column is missing"
    found = error.get("input")
    if isinstance(found, dict):
        return message
    return f"{message}; found {found!r}"


def pydantic_issues(exc: ValidationError, file: str, location: str = "") -> list[InputIssue]:
    """Input issues from a pydantic error: at ``location`` (a CSV line), or, for a YAML file, at the
    YAML path of each error with its last part as the field."""
    issues = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        if location or len(loc) <= 1:
            where, field = location, ".".join(loc)
        else:
            where, field = ".".join(loc[:-1]), loc[-1]
        issues.append(InputIssue(file, where, field, describe_pydantic_error(dict(error))))
    return issues


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Parse a YAML file safely (no object construction); it must be a mapping."""
    if not path.is_file():
        raise InputError([InputIssue(str(path), "", "", "file does not exist")])
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InputError([InputIssue(str(path), "", "", "expected a .yaml or .yml file")])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError([InputIssue(str(path), "", "", f"not valid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "an empty file"
        raise InputError([InputIssue(str(path), "", "", f"expected a YAML mapping, found {kind}")])
    return data


def resolve_catalog_path(
    scenario_path: Path, relative: str, allow_outside: bool
) -> tuple[Path | None, InputIssue | None]:
    """The catalog file a scenario names; confined to the scenario's root unless allowed."""
    path = (scenario_path.parent / relative).resolve()
    root = scenario_root(scenario_path)
    if not allow_outside and not path.is_relative_to(root):
        return None, InputIssue(
            str(scenario_path),
            "catalogs",
            relative,
            f"path leaves the scenario's folder {root} (pass --allow-outside-paths to permit)",
        )
    if not path.is_file():
        return None, InputIssue(str(scenario_path), "catalogs", relative, f"file {path} does not exist")
    if path.suffix.lower() != ".csv":
        return None, InputIssue(str(scenario_path), "catalogs", relative, "expected a .csv file")
    return path, None


def scenario_root(scenario_path: Path) -> Path:
    """Folder a scenario's files must stay in: its own folder, or the inputs tree above a
    ``scenarios/`` folder (so ``inputs/scenarios/x.yaml`` may use ``inputs/catalogs``)."""
    folder = scenario_path.resolve().parent
    return folder.parent if folder.name == "scenarios" else folder


def read_catalog(name: str, path: Path) -> tuple[pd.DataFrame, list[InputIssue]]:
    """Read and validate one catalog CSV row by row against its schema."""
    row_model: type[BaseModel] = CATALOG_ROWS[name]
    file = str(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        return pd.DataFrame(), [InputIssue(file, "", "", f"not a readable CSV file: {exc}")]
    issues = _header_issues(raw.columns, row_model, file)
    if issues:
        return pd.DataFrame(), issues
    if raw.empty:
        return pd.DataFrame(), [InputIssue(file, "", "", "the catalog has a header but no rows")]
    records = []
    for index, row in enumerate(raw.to_dict(orient="records")):
        cells = {key: value for key, value in row.items() if value.strip() != ""}
        try:
            records.append(row_model.model_validate(cells).model_dump())
        except ValidationError as exc:
            issues.extend(pydantic_issues(exc, file, f"line {index + 2}"))
    frame = pd.DataFrame.from_records(records, columns=_column_order(row_model))
    if not issues:
        issues.extend(_duplicate_issues(frame, name, file))
    return frame, issues


def _column_order(row_model: type[BaseModel]) -> list[str]:
    """The row model's fields, ids and values first and the provenance columns last."""
    provenance = [name for name in ("source", "confidence", "notes") if name in row_model.model_fields]
    return [name for name in row_model.model_fields if name not in provenance] + provenance


def _header_issues(columns: pd.Index, row_model: type[BaseModel], file: str) -> list[InputIssue]:
    known = set(row_model.model_fields)
    required = {name for name, info in row_model.model_fields.items() if info.is_required()}
    present = [str(column).strip() for column in columns]
    issues = [
        InputIssue(file, "line 1", column, f"unknown column; expected some of {sorted(known)}")
        for column in present
        if column not in known
    ]
    issues += [
        InputIssue(file, "line 1", column, "required column is missing") for column in sorted(required - set(present))
    ]
    return issues


def _duplicate_issues(frame: pd.DataFrame, name: str, file: str) -> list[InputIssue]:
    keys = list(CATALOG_KEYS[name])
    duplicated = frame.duplicated(subset=keys, keep="first")
    return [
        InputIssue(
            file,
            f"line {index + 2}",
            ",".join(keys),
            f"duplicate id {tuple(frame.loc[index, keys])}; each must appear once",
        )
        for index in frame.index[duplicated]
    ]


def check_references(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[InputIssue]:
    """Every id a catalog refers to must exist in the catalog it names."""
    issues: list[InputIssue] = []
    for catalog, column, target, target_column in REFERENCES:
        if catalog not in tables or target not in tables:
            continue
        known = set(tables[target][target_column])
        for index, value in tables[catalog][column].items():
            if value is not None and value == value and value not in known:
                issues.append(
                    InputIssue(
                        files[catalog],
                        f"line {index + 2}",
                        column,
                        f"unknown {target_column} {value!r}; expected one of {files[target]}",
                    )
                )
    issues += _profile_references(tables, files)
    issues += _allowed_accelerator_references(tables, files)
    return issues


def _profile_references(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[InputIssue]:
    profiles = tables.get("profiles", pd.DataFrame(columns=["profile", "slice"]))
    known = set(profiles["profile"]) | {"flat"}
    issues = []
    for catalog, column in (("workloads", "load_profile"), ("supply", "profile")):
        for index, value in tables[catalog][column].items():
            if value is not None and value == value and value not in known:
                issues.append(
                    InputIssue(
                        files[catalog],
                        f"line {index + 2}",
                        column,
                        f"unknown profile {value!r}; expected 'flat' or a profile in the profiles catalog",
                    )
                )
    if "slices" in tables and not profiles.empty:
        slices = set(tables["slices"]["slice"])
        for name, group in profiles.groupby("profile"):
            missing = sorted(slices - set(group["slice"]))
            if missing:
                issues.append(
                    InputIssue(
                        files["profiles"],
                        f"profile {name!r}",
                        "slice",
                        f"a profile needs a value for every slice; missing slices {missing[:10]}",
                    )
                )
    return issues


def _allowed_accelerator_references(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[InputIssue]:
    known = set(tables["accelerators"]["accelerator"])
    issues = []
    for index, value in tables["sites"]["allowed_accelerators"].items():
        if value == "*":
            continue
        unknown = [item for item in value.split(";") if item not in known]
        if unknown:
            issues.append(
                InputIssue(
                    files["sites"],
                    f"line {index + 2}",
                    "allowed_accelerators",
                    f"unknown accelerator(s) {unknown}; expected ids of the accelerators catalog or '*'",
                )
            )
    return issues


def apply_overrides(
    tables: dict[str, pd.DataFrame], overrides: list[Override], scenario_file: str
) -> tuple[dict[str, pd.DataFrame], list[InputIssue]]:
    """Apply ``set`` and ``scale`` overrides; every changed row is validated again."""
    issues: list[InputIssue] = []
    tables = dict(tables)
    for position, override in enumerate(overrides):
        location = f"overrides[{position}]"
        frame = tables.get(override.catalog)
        if frame is None:
            issues.append(InputIssue(scenario_file, location, "catalog", "this scenario has no such catalog"))
            continue
        row_model = CATALOG_ROWS[override.catalog]
        columns = set(override.where) | set(override.set) | set(override.scale)
        unknown = sorted(columns - set(row_model.model_fields))
        if unknown:
            issues.append(InputIssue(scenario_file, location, ",".join(unknown), "unknown column(s)"))
            continue
        mask = pd.Series(True, index=frame.index)
        for column, value in override.where.items():
            mask &= frame[column] == value
        if not mask.any():
            issues.append(InputIssue(scenario_file, location, "where", f"matches no row of {override.catalog}"))
            continue
        frame = frame.copy()
        for column, value in override.set.items():
            frame[column] = frame[column].astype(object)
            frame.loc[mask, column] = value
        for column, factor in override.scale.items():
            if not pd.api.types.is_numeric_dtype(frame[column].dropna()):
                issues.append(InputIssue(scenario_file, location, f"scale.{column}", "column is not numeric"))
                continue
            frame.loc[mask, column] = frame.loc[mask, column] * factor
        revalidated = []
        for index, row in frame.iterrows():
            cells = {key: value for key, value in row.items() if value is not None and value == value}
            try:
                revalidated.append(row_model.model_validate(cells).model_dump())
            except ValidationError as exc:
                issues.extend(pydantic_issues(exc, scenario_file, f"{location} on {override.catalog} line {index + 2}"))
                revalidated.append(row.to_dict())
        tables[override.catalog] = pd.DataFrame.from_records(revalidated, index=frame.index)
    return tables, issues


def apply_selection(
    tables: dict[str, pd.DataFrame], config: ScenarioConfig, scenario_file: str
) -> tuple[dict[str, pd.DataFrame], list[InputIssue]]:
    """Keep only the selected ids, and the rows of other catalogs that refer to them."""
    issues: list[InputIssue] = []
    tables = dict(tables)
    for key, (catalog, column) in SELECTABLE.items():
        chosen = getattr(config.select, key)
        if chosen is None:
            continue
        if not chosen:
            issues.append(InputIssue(scenario_file, f"select.{key}", key, "selects nothing; name at least one id"))
            continue
        unknown = sorted(set(chosen) - set(tables[catalog][column]))
        if unknown:
            issues.append(InputIssue(scenario_file, f"select.{key}", key, f"unknown id(s) {unknown}"))
        keep = set(chosen)
        for name, frame in tables.items():
            if column in frame.columns and (name == catalog or (name, column) in _referring(column)):
                tables[name] = frame[frame[column].isin(keep)]
    return tables, issues


def _referring(column: str) -> set[tuple[str, str]]:
    return {(catalog, col) for catalog, col, _, target_col in REFERENCES if target_col == column}


def load_scenario(path: str | Path, *, allow_outside_paths: bool = False) -> ScenarioInputs:
    """Read, validate and assemble a scenario; raises :class:`InputError` listing every problem."""
    scenario_path = Path(path)
    raw = read_yaml_mapping(scenario_path)
    file = str(scenario_path)
    try:
        config = ScenarioConfig.model_validate(raw)
    except ValidationError as exc:
        raise InputError(pydantic_issues(exc, file, "")) from None
    issues: list[InputIssue] = []
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    sources: dict[str, Path] = {}
    for name, relative in config.catalogs.items():
        catalog_path, issue = resolve_catalog_path(scenario_path, relative, allow_outside_paths)
        if issue:
            issues.append(issue)
            continue
        assert catalog_path is not None
        frame, catalog_issues = read_catalog(name, catalog_path)
        issues.extend(catalog_issues)
        tables[name] = frame
        files[name] = str(catalog_path)
        sources[name] = catalog_path
    if issues:
        raise InputError(issues)
    issues.extend(check_references(tables, files))
    issues.extend(_year_issues(config, tables, files))
    hourly, hourly_issues = read_hourly_series(tables, sources)
    issues.extend(hourly_issues)
    if issues:
        raise InputError(issues)
    tables, override_issues = apply_overrides(tables, config.overrides, file)
    tables, selection_issues = apply_selection(tables, config, file)
    issues = override_issues + selection_issues
    if issues:
        raise InputError(issues)
    return ScenarioInputs(config=config, tables=tables, path=scenario_path, sources=sources, hourly=hourly)


def _year_issues(config: ScenarioConfig, tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[InputIssue]:
    demand_years = set(tables["demand"]["year"])
    missing = [year for year in config.years if year not in demand_years]
    if missing:
        return [
            InputIssue(
                files["demand"],
                "",
                "year",
                f"no demand rows for scenario year(s) {missing}; the scenario plans {config.years}",
            )
        ]
    return []
