"""Load a scenario YAML and its CSV catalogs, validating everything before any model is built.

Every problem found is collected (file, row or YAML path, field, what was expected) and
raised together as one :class:`InputError`.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from aidc.models.data import cooling_misfit
from aidc.models.data_time import default_slices
from aidc.models.inputs import ScenarioInputs
from aidc.models.schema import CATALOG_KEYS, CATALOG_ROWS, Override, ScenarioConfig
from aidc.optimizer.errors import InputError, InputIssue, plain
from aidc.optimizer.inputs.csv_reader import read_csv_table
from aidc.optimizer.inputs.hourly import read_hourly_series
from aidc.optimizer.inputs.yaml_reader import read_yaml_mapping

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


_ID_PATTERN = r"^[A-Za-z0-9_.\-]+$"
# parts of a pydantic error location that name a schema, not a place in the input
_SCHEMA_PARTS = re.compile(
    r"^(constrained-\w+|function-\w+\[.*|(dict|list|tuple|set|frozenset)\[.*|str|int|float|bool)$"
)


def describe_pydantic_error(error: dict[str, Any], *, csv: bool = False) -> str:
    """A pydantic error as 'what was expected; what was found', in plain words (no schema or
    type names, no Python reprs)."""
    kind = error.get("type", "")
    if kind == "missing":
        return "a value is required but the cell is empty or the column is missing" if csv else "a value is required"
    if kind == "string_pattern_mismatch":
        ctx = error.get("ctx") or {}
        message = (
            "expected an id of letters, digits, '_', '.' or '-' (no spaces)"
            if ctx.get("pattern") == _ID_PATTERN
            else "does not have the expected form"
        )
    else:
        message = str(error.get("msg", "invalid value"))
    found = error.get("input")
    if isinstance(found, dict) or kind in ("missing", "value_error", "assertion_error"):
        return message
    return f"{message}; found {plain(found)}"


def _input_path(loc: tuple) -> list[Any]:
    """The parts of a pydantic location that are places in the input (not schema names)."""
    return [part for part in loc if not (isinstance(part, str) and _SCHEMA_PARTS.match(part))]


def _path_text(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def pydantic_issues(exc: ValidationError, file: str, location: str = "") -> list[InputIssue]:
    """Input issues from a pydantic error: at ``location`` (a CSV line), or, for a YAML file, at the
    YAML path of each error with its last key as the field. Errors of the members of a union at
    one place become one issue."""
    grouped: dict[tuple[str, str], list[str]] = {}
    errors = [(error, _input_path(error["loc"])) for error in exc.errors()]
    tagged = [path for error, path in errors if len(path) < len(error["loc"])]
    for error, parts in errors:
        if len(parts) < len(error["loc"]) and any(len(o) > len(parts) and o[: len(parts)] == parts for o in tagged):
            continue  # a union member that did not fit, where another member fitted deeper down
        key_error = bool(parts) and parts[-1] == "[key]"
        parts = [part for part in parts if part != "[key]"]
        message = describe_pydantic_error(dict(error), csv=bool(location))
        if key_error:
            message = f"the key {plain(parts[-1]) if parts else ''}: {message}"
        if location:
            where, field = location, ".".join(str(part) for part in parts)
        elif parts and isinstance(parts[-1], str):
            where, field = _path_text(parts[:-1]), parts[-1]
        else:
            names = [part for part in parts if isinstance(part, str)]
            where, field = _path_text(parts), names[-1] if names else ""
        grouped.setdefault((where, str(field)), []).append(message)
    issues = []
    for (where, field), messages in grouped.items():
        unique = list(dict.fromkeys(messages))
        text = unique[0]
        if len(unique) > 1:
            others = [m.split("; found")[0].removeprefix("Input should be ") for m in unique[1:]]
            head, _, found = unique[0].partition("; found")
            text = f"{head} (or {', or '.join(others)})" + (f"; found{found}" if found else "")
        issues.append(InputIssue(file, where, field, text))
    return issues


def resolve_catalog_path(
    scenario_path: Path, relative: str, allow_outside: bool, name: str = ""
) -> tuple[Path | None, InputIssue | None]:
    """The catalog file a scenario names (as catalog ``name``); confined to the scenario's root
    unless allowed."""

    def issue(message: str) -> tuple[None, InputIssue]:
        if name:
            return None, InputIssue(str(scenario_path), "catalogs", name, f"{plain(relative)}: {message}")
        return None, InputIssue(str(scenario_path), "catalogs", relative, message)

    if "\x00" in relative or not relative.strip():
        return issue("expected a file name")
    try:
        path = (scenario_path.parent / relative).resolve()
        root = scenario_root(scenario_path)
        if not allow_outside and not path.is_relative_to(root):
            return issue(f"path leaves the scenario's folder {root} (pass --allow-outside-paths to permit)")
        if path.suffix.lower() != ".csv":
            return issue("expected a .csv file")
        if not path.is_file():
            return issue(f"file {path} does not exist" if not path.exists() else f"{path} is not a file")
    except (OSError, RuntimeError) as error:  # a name too long, a loop of links
        return issue(f"cannot be used as a file name ({getattr(error, 'strerror', None) or error})")
    return path, None


def scenario_root(scenario_path: Path) -> Path:
    """Folder a scenario's files must stay in: its own folder, or the inputs tree above a
    ``scenarios/`` folder (so ``inputs/scenarios/x.yaml`` may use ``inputs/catalogs``)."""
    folder = scenario_path.resolve().parent
    return folder.parent if folder.name == "scenarios" else folder


Lines = dict[str, list[int]]
"""Catalog name -> the file line of each row of its table (by position in the table)."""


def row_place(lines: Lines | None, catalog: str, index: Any) -> str:
    """Where row ``index`` (a label of the catalog's RangeIndex) of ``catalog`` is: its file line
    when known, else its row number."""
    known = (lines or {}).get(catalog)
    if known is not None and isinstance(index, int) and 0 <= index < len(known):
        return f"line {known[index]}"
    return f"row {int(index) + 1}" if isinstance(index, int) else f"row {index}"


def read_catalog(name: str, path: Path) -> tuple[pd.DataFrame, list[InputIssue], list[int]]:
    """Read and validate one catalog CSV row by row against its schema; the frame, the issues
    and the file line of each row of the frame."""
    row_model: type[BaseModel] = CATALOG_ROWS[name]
    file = str(path)
    table, issues = read_csv_table(path)
    if table is None:
        return pd.DataFrame(), issues, []
    header_issues = _header_issues(table.header, row_model, file)
    if header_issues:
        return pd.DataFrame(), header_issues, []
    if not table.rows and not issues:
        return pd.DataFrame(), [InputIssue(file, "", "", "the catalog has a header but no rows")], []
    records, lines = [], []
    for line, row in zip(table.lines, table.rows, strict=True):
        cells = {key: value for key, value in row.items() if value != ""}
        try:
            records.append(row_model.model_validate(cells).model_dump())
            lines.append(line)
        except ValidationError as exc:
            issues.extend(pydantic_issues(exc, file, f"line {line}"))
    frame = pd.DataFrame.from_records(records, columns=_column_order(row_model))
    if not issues:
        issues.extend(duplicate_issues(frame, name, file, {name: lines}))
    return frame, issues, lines


def _column_order(row_model: type[BaseModel]) -> list[str]:
    """The row model's fields, ids and values first and the provenance columns last."""
    provenance = [name for name in ("source", "confidence", "notes") if name in row_model.model_fields]
    return [name for name in row_model.model_fields if name not in provenance] + provenance


def _header_issues(columns: list[str], row_model: type[BaseModel], file: str) -> list[InputIssue]:
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


def duplicate_issues(frame: pd.DataFrame, name: str, file: str, lines: Lines | None = None) -> list[InputIssue]:
    keys = list(CATALOG_KEYS[name])
    if frame.empty or not set(keys) <= set(frame.columns):
        return []
    duplicated = frame.duplicated(subset=keys, keep="first")
    return [
        InputIssue(
            file,
            row_place(lines, name, index),
            ",".join(keys),
            f"duplicate id ({', '.join(plain(value) for value in values)}); each must appear once",
        )
        for index, *values in frame.loc[duplicated, keys].itertuples(index=True, name=None)
    ]


def check_references(
    tables: dict[str, pd.DataFrame], files: dict[str, str], lines: Lines | None = None
) -> list[InputIssue]:
    """Every id a catalog refers to must exist in the catalog it names."""
    issues: list[InputIssue] = []
    for catalog, column, target, target_column in REFERENCES:
        if catalog not in tables or target not in tables:
            continue
        known, expected = set(tables[target][target_column]), f"one of {files[target]}"
        issues += _unknown_ids(tables, files, lines, catalog, column, known, noun=target_column, expected=expected)
    issues += _profile_references(tables, files, lines)
    issues += _allowed_accelerator_references(tables, files, lines)
    issues += _listed_references(tables, files, lines, "sites", "onsite_options", "onsite", "technology")
    issues += _sovereignty_references(tables, files, lines)
    issues += _existing_fleet_fit(tables, files, lines)
    return issues


def _unknown_ids(
    tables: dict[str, pd.DataFrame],
    files: dict[str, str],
    lines: Lines | None,
    catalog: str,
    column: str,
    known: set,
    *,
    noun: str,
    expected: str,
) -> list[InputIssue]:
    """One issue per row of ``catalog`` whose ``column`` holds a value (not empty) outside ``known``."""
    return [
        InputIssue(
            files[catalog],
            row_place(lines, catalog, index),
            column,
            f"unknown {noun} {plain(value)}; expected {expected}",
        )
        for index, value in tables[catalog][column].items()
        if value is not None and value == value and value not in known
    ]


def _profile_references(
    tables: dict[str, pd.DataFrame], files: dict[str, str], lines: Lines | None
) -> list[InputIssue]:
    profiles = tables.get("profiles", pd.DataFrame(columns=["profile", "slice"]))
    known = set(profiles["profile"]) | {"flat"}
    issues = []
    expected = "'flat' or a profile in the profiles catalog"
    for catalog, column in (("workloads", "load_profile"), ("supply", "profile")):
        issues += _unknown_ids(tables, files, lines, catalog, column, known, noun="profile", expected=expected)
    issues += _availability_issues(tables, files, lines)
    if not profiles.empty:
        slices = set((tables["slices"] if "slices" in tables else default_slices())["slice"])
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


def _availability_issues(
    tables: dict[str, pd.DataFrame], files: dict[str, str], lines: Lines | None
) -> list[InputIssue]:
    """A profile a PPA names is its availability (share of its contracted MW): at most 1."""
    profiles, supply = tables.get("profiles"), tables["supply"]
    if profiles is None or profiles.empty:
        return []
    availability = set(supply.loc[supply["kind"] == "ppa", "profile"]) - {"flat"}
    above = profiles[profiles["profile"].isin(availability) & (profiles["value"] > 1.0)]
    return [
        InputIssue(
            files["profiles"],
            row_place(lines, "profiles", index),
            "value",
            f"profile {plain(row['profile'])} is a PPA's availability (supply kind ppa): "
            f"expected at most 1; found {plain(row['value'])}",
        )
        for index, row in above.iterrows()
    ]


def _allowed_accelerator_references(
    tables: dict[str, pd.DataFrame], files: dict[str, str], lines: Lines | None
) -> list[InputIssue]:
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
                    row_place(lines, "sites", index),
                    "allowed_accelerators",
                    f"unknown accelerator(s) {unknown}; expected ids of the accelerators catalog or '*'",
                )
            )
    return issues


def _listed_references(
    tables: dict[str, pd.DataFrame],
    files: dict[str, str],
    lines: Lines | None,
    catalog: str,
    column: str,
    target: str,
    target_column: str,
) -> list[InputIssue]:
    """Ids in a ';'-separated ``column`` ('*' for all, '' for none) that ``target`` lacks."""
    if catalog not in tables or target not in tables or column not in tables[catalog]:
        return []
    known = set(tables[target][target_column])
    issues = []
    for index, value in tables[catalog][column].items():
        if not isinstance(value, str) or value == "*":
            continue
        unknown = [item for item in value.split(";") if item and item not in known]  # as the model reads it
        if unknown:
            issues.append(
                InputIssue(
                    files[catalog],
                    row_place(lines, catalog, index),
                    column,
                    f"unknown {target_column}(s) {plain(unknown)}; expected ids of {files[target]}, '*' or nothing",
                )
            )
    return issues


def _sovereignty_references(
    tables: dict[str, pd.DataFrame], files: dict[str, str], lines: Lines | None
) -> list[InputIssue]:
    """A serving rule names '*', a region of the regions catalog and a country of the sites
    catalog: a misspelt name would match nothing and silently open what the rule closes."""
    if "sovereignty" not in tables:
        return []
    known = {
        "region": set(tables["regions"]["region"]),
        "site_country": set(tables["sites"]["country"]),
    }
    issues = []
    for column, names in known.items():
        noun, expected = column.replace("_", " "), f"'*' or one of {sorted(names)}"
        issues += _unknown_ids(tables, files, lines, "sovereignty", column, names | {"*"}, noun=noun, expected=expected)
    return issues


def _existing_fleet_fit(
    tables: dict[str, pd.DataFrame], files: dict[str, str], lines: Lines | None
) -> list[InputIssue]:
    """An existing accelerator must be installable under the cooling design it is listed with."""
    fleet = tables.get("existing_fleet")
    if fleet is None or fleet.empty:
        return []
    accelerators = tables["accelerators"].drop_duplicates("accelerator").set_index("accelerator")
    coolings = tables["cooling"].drop_duplicates("cooling").set_index("cooling")
    issues = []
    for index, row in fleet.iterrows():
        if row["accelerator"] not in accelerators.index or row["cooling"] not in coolings.index:
            continue  # an unknown id is reported as a reference
        why = cooling_misfit(accelerators.loc[row["accelerator"]], coolings.loc[row["cooling"]])
        if why:
            issues.append(
                InputIssue(
                    files["existing_fleet"],
                    row_place(lines, "existing_fleet", index),
                    "cooling",
                    f"{plain(row['accelerator'])} cannot be installed under {plain(row['cooling'])}: {why}",
                )
            )
    return issues


def apply_overrides(
    tables: dict[str, pd.DataFrame], overrides: list[Override], scenario_file: str, lines: Lines | None = None
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
        wrong = {
            column: value
            for column, value in override.set.items()
            if isinstance(value, bool) and not _holds_bool(row_model, column)
        }
        if wrong:  # pydantic would read true as 1 (and YAML reads yes/no/on/off as true/false)
            issues += [
                InputIssue(scenario_file, f"{location}.set", column, f"expected a number or text; found {plain(value)}")
                for column, value in wrong.items()
            ]
            continue
        frame = frame.copy()
        for column, value in override.set.items():
            frame[column] = frame[column].astype(object)
            frame.loc[mask, column] = value
        for column, factor in override.scale.items():
            values = frame[column].dropna()
            if _holds_bool(row_model, column) or pd.api.types.is_bool_dtype(values):
                issues.append(InputIssue(scenario_file, location, f"scale.{column}", "column holds true/false; set it"))
                continue
            if not pd.api.types.is_numeric_dtype(values):
                issues.append(InputIssue(scenario_file, location, f"scale.{column}", "column is not numeric"))
                continue
            # as floats: a whole-number column scaled to a fraction is then refused by the row model
            frame[column] = frame[column].astype(object)
            frame.loc[mask, column] = frame.loc[mask, column].astype(float) * factor
        revalidated = []
        for index, row in frame.iterrows():
            cells = {key: value for key, value in row.items() if value is not None and value == value}
            try:
                revalidated.append(row_model.model_validate(cells).model_dump())
            except ValidationError as exc:
                place = row_place(lines, override.catalog, index)
                issues.extend(pydantic_issues(exc, scenario_file, f"{location} on {override.catalog} {place}"))
                revalidated.append(row.to_dict())
        tables[override.catalog] = pd.DataFrame.from_records(revalidated, index=frame.index)
    return tables, issues


def _holds_bool(row_model: type[BaseModel], column: str) -> bool:
    annotation = row_model.model_fields[column].annotation
    return annotation is bool or bool in typing.get_args(annotation)


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
            issues.append(InputIssue(scenario_file, f"select.{key}", key, f"unknown id(s) {plain(unknown)}"))
        keep = set(chosen)
        for name, frame in tables.items():
            if column in frame.columns and (name == catalog or (name, column) in _referring(column)):
                tables[name] = frame[frame[column].isin(keep)]
    return tables, issues


def _referring(column: str) -> set[tuple[str, str]]:
    return {(catalog, col) for catalog, col, _, target_col in REFERENCES if target_col == column}


def load_scenario(path: str | Path, *, allow_outside_paths: bool = False) -> ScenarioInputs:
    """Read, validate and assemble a scenario; raises :class:`InputError` listing every problem.

    Problems are gathered in two rounds: the scenario file's settings together with every
    catalog's rows; then, once both are readable, references between catalogs, settings that name
    unknown ids, overrides and selections together."""
    scenario_path = Path(path)
    raw = read_yaml_mapping(scenario_path)
    file = str(scenario_path)
    issues: list[InputIssue] = []
    config: ScenarioConfig | None = None
    try:
        config = ScenarioConfig.model_validate(raw)
    except ValidationError as exc:
        issues += pydantic_issues(exc, file, "")
    catalogs = config.catalogs if config is not None else _readable_catalogs(raw.get("catalogs"))
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    sources: dict[str, Path] = {}
    lines: Lines = {}
    for name, relative in catalogs.items():
        catalog_path, issue = resolve_catalog_path(scenario_path, relative, allow_outside_paths, name)
        if issue:
            issues.append(issue)
            continue
        assert catalog_path is not None
        frame, catalog_issues, lines[name] = read_catalog(name, catalog_path)
        issues.extend(catalog_issues)
        tables[name] = frame
        files[name] = str(catalog_path)
        sources[name] = catalog_path
    if issues or config is None:
        raise InputError(issues)
    references = check_references(tables, files, lines) + year_coverage_issues(config, tables, files)
    issues += references + setting_issues(config, tables, file)
    changed, override_issues = apply_overrides(tables, config.overrides, file, lines)
    issues += override_issues
    if not override_issues and config.overrides:  # ids an override changed must still fit together
        after = check_references(changed, files, lines) + year_coverage_issues(config, changed, files)
        after += [item for name, frame in changed.items() for item in duplicate_issues(frame, name, files[name], lines)]
        issues += [
            InputIssue(item.file, item.location, item.field, f"{item.message} (after the scenario's overrides)")
            for item in after
            if item not in references
        ]
    selected, selection_issues = apply_selection(changed, config, file)
    issues += selection_issues
    # from the overridden catalog, so that an override of hourly_series holds
    hourly, hourly_issues = read_hourly_series(changed, sources, lines.get("hourly_series"))
    issues += hourly_issues
    if issues:
        raise InputError(issues)
    return ScenarioInputs(config=config, tables=selected, path=scenario_path, sources=sources, hourly=hourly)


def _readable_catalogs(catalogs: Any) -> dict[str, str]:
    """The entries of a scenario's ``catalogs`` mapping that can be read although the file's
    settings are invalid (so their problems are reported in the same round)."""
    if not isinstance(catalogs, dict):
        return {}
    return {name: path for name, path in catalogs.items() if name in CATALOG_ROWS and isinstance(path, str)}


def setting_issues(config: ScenarioConfig, tables: dict[str, pd.DataFrame], file: str) -> list[InputIssue]:
    """Settings that name ids no catalog has (they would be silently ignored, or, for an
    operator the sovereignty catalog does not name, forbid every route)."""
    known = set(tables["workloads"]["workload"])
    issues = [
        InputIssue(
            file,
            "workload_demand_scale",
            workload,
            f"unknown workload {plain(workload)}; expected one of {sorted(known)}",
        )
        for workload in config.workload_demand_scale
        if workload not in known
    ]
    if config.representative_days is not None and "hourly_series" not in tables:
        issues.append(
            InputIssue(
                file,
                "",
                "representative_days",
                "representative days are drawn from 8,760-hour series: add an hourly_series catalog, or remove it",
            )
        )
    rules = tables.get("sovereignty")
    if config.operator is not None and rules is not None and not rules.empty:
        operators = sorted(set(rules["operator"]))
        if config.operator not in operators:
            issues.append(
                InputIssue(
                    file,
                    "",
                    "operator",
                    f"unknown operator {plain(config.operator)}; the sovereignty catalog has {operators}",
                )
            )
    return issues


def year_coverage_issues(
    config: ScenarioConfig, tables: dict[str, pd.DataFrame], files: dict[str, str]
) -> list[InputIssue]:
    """Every planned year needs demand rows (a year without them would be planned at zero demand)."""
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
