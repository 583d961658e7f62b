"""Attacks on a scenario's ``uncertainty`` block (the stochastic programme) and on the options of
``aidc solve`` that go with it: wrong types at every YAML path, probabilities, outcome names,
commitment years, risk measures, changes (kinds, filters, values, locked settings), sizes, and
option combinations (--method, --deterministic, --ph-*, --export-model, --out).

Every bad block must end with exit 2 and a message naming the scenario file and the YAML path
(``uncertainty.outcomes[1].changes.growth``, field ``value``), before any solve and without writing
``--out``. The sandbox holds ``micro/`` (one site, one year); a valid two-outcome block is written
into its scenario and each attack changes one place.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.adversarial.cases import (
    BAD,
    FAST_SOLVE,
    OK,
    SCENARIO,
    VALIDATE,
    csv_file,
    scenario,
    write_scenario,
)
from tests.adversarial.runner import Attack

FILE = "scenario.yaml"
GROWTH = {"kind": "demand_scale", "value": 1.5}
BLOCK: dict[str, Any] = {
    "commitment_years": [2026],
    "risk": {"measure": "expected"},
    "outcomes": [
        {"name": "low", "probability": 0.5, "description": "demand as stated"},
        {"name": "high", "probability": 0.5, "changes": {"growth": GROWTH}},
    ],
}
_DELETE = object()


# ----- helpers ------------------------------------------------------------------------------
def _set(block: dict, path: tuple, value: Any) -> dict:
    """``block`` with the value at ``path`` (keys and list indices) replaced (or deleted)."""
    if not path:
        return value
    block = copy.deepcopy(block)
    parent = block
    for key in path[:-1]:
        parent = parent[key]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return block


def uncertain(
    edit: Callable[[dict], Any] | None = None,
    argv: list[str] | None = None,
    years: list[int] | None = None,
    setup: Callable[[Path], None] | None = None,
) -> Callable[[Path], list[str]]:
    """Write micro's scenario with BLOCK (``edit(block)`` returns the block to write) and return
    ``argv`` (default: validate)."""

    def prepare(work: Path) -> list[str]:
        data = scenario(work)
        if years:
            _plan_years(work, data, years)
        block = copy.deepcopy(BLOCK)
        data["uncertainty"] = edit(block) if edit else block
        write_scenario(work, data)
        if setup:
            setup(work)
        return list(argv or VALIDATE)

    return prepare


def at(path: tuple, value: Any, argv: list[str] | None = None, years: list[int] | None = None):
    return uncertain(lambda block: _set(block, path, value), argv, years)


def _plan_years(work: Path, data: dict, years: list[int]) -> None:
    """Plan ``years`` in micro: demand and grid rows copied from 2026 to every year."""
    data["years"] = years
    for catalog in ("demand", "grid"):
        lines = csv_file(work, catalog).read_text().splitlines()
        header, row = lines[0], lines[1]
        position = header.split(",").index("year")
        copies = []
        for year in years:
            cells = row.split(",")
            cells[position] = str(year)
            copies.append(",".join(cells))
        csv_file(work, catalog).write_text("\n".join([header, *copies]) + "\n")


def path_text(path: tuple) -> str:
    text = "uncertainty"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def where(path: tuple) -> tuple[str, ...]:
    """The fragments a message about ``path`` must hold: the file, the YAML path of the place
    (up to its last key) and that key as the field."""
    if path and isinstance(path[-1], str):
        return (FILE, path_text(path[:-1]), path[-1])
    return (FILE, path_text(path))


def outcomes(count: int, change: dict | None = None, probability: float | None = None) -> list[dict]:
    share = probability if probability is not None else 1.0 / count
    made = []
    for i in range(count):
        outcome: dict[str, Any] = {"name": f"o{i}", "probability": share}
        if change is not None:
            outcome["changes"] = {"growth": dict(change, value=1.0 + i / count)}
        made.append(outcome)
    return made


def both(change: dict, high: dict | None = None) -> Callable[[dict], dict]:
    """Both outcomes make the change ``x`` (the high outcome with ``high`` if given)."""

    def edit(block: dict) -> dict:
        block["outcomes"][0]["changes"] = {"x": copy.deepcopy(change)}
        block["outcomes"][1]["changes"] = {"x": copy.deepcopy(high or change)}
        return block

    return edit


# ----- junk at every place of the block ---------------------------------------------------------
JUNK: dict[str, Any] = {
    "null": None,
    "empty-text": "",
    "text": "x",
    "true": True,
    "false": False,
    "zero": 0,
    "minus-one": -1,
    "one-and-half": 1.5,
    "nan": math.nan,
    "inf": math.inf,
    "minus-inf": -math.inf,
    "1e300": 1e300,
    "big-int": 2**70,
    "empty-list": [],
    "list": [1],
    "empty-map": {},
    "map": {"a": 1},
    "deep-list": "DEEP",  # a list nested 30 levels (under the YAML reader's depth cap)
    "long-text": "x" * 100_000,
    "ansi": "\x1b[31mred\x1b[0m",
    "path": "../../etc",
    "rtl": "\u202egnp.exe",
}
PLACES: dict[str, tuple] = {
    "block": (),
    "outcomes": ("outcomes",),
    "outcome": ("outcomes", 0),
    "name": ("outcomes", 0, "name"),
    "probability": ("outcomes", 0, "probability"),
    "description": ("outcomes", 0, "description"),
    "changes": ("outcomes", 1, "changes"),
    "change": ("outcomes", 1, "changes", "growth"),
    "kind": ("outcomes", 1, "changes", "growth", "kind"),
    "value": ("outcomes", 1, "changes", "growth", "value"),
    "commitment_years": ("commitment_years",),
    "commitment_year": ("commitment_years", 0),
    "risk": ("risk",),
    "measure": ("risk", "measure"),
    "alpha": ("risk", "alpha"),
    "weight": ("risk", "weight"),
}
# (place, junk) pairs that are valid input: everything else must be refused
VALID = {
    ("block", "null"),  # no block: a deterministic scenario
    ("name", "text"),
    ("changes", "empty-map"),
    ("value", "one-and-half"),
    ("risk", "empty-map"),
    ("alpha", "zero"),
    ("weight", "null"),
    ("weight", "zero"),
    *(("description", name) for name in ("empty-text", "text", "long-text", "ansi", "path", "rtl")),
}


def deep_list(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def _junk(name: str) -> Any:
    value = JUNK[name]
    return deep_list(30) if value == "DEEP" else value


def junk_attacks() -> list[Attack]:
    attacks = []
    for place, path in PLACES.items():
        for name in JUNK:
            valid = (place, name) in VALID
            attacks.append(
                Attack(
                    "uncertainty",
                    f"junk-{place}-{name}",
                    at(path, _junk(name)),
                    codes=OK if valid else BAD,
                    expect=() if valid else where(path),
                )
            )
    for place, path in {
        "block": (),
        "outcome": ("outcomes", 0),
        "change": ("outcomes", 1, "changes", "growth"),
        "risk": ("risk",),
    }.items():
        attacks.append(
            Attack(
                "uncertainty",
                f"unknown-key-{place}",
                uncertain(lambda block, p=path: _set(block, (*p, "colour"), "blue")),
                expect=(FILE, "colour"),
            )
        )
    for place, path in {
        "outcomes": ("outcomes",),
        "commitment_years": ("commitment_years",),
        "name": ("outcomes", 0, "name"),
        "probability": ("outcomes", 0, "probability"),
        "kind": ("outcomes", 1, "changes", "growth", "kind"),
        "value": ("outcomes", 1, "changes", "growth", "value"),
    }.items():
        attacks.append(Attack("uncertainty", f"missing-{place}", at(path, _DELETE), expect=where(path)))
    return attacks


# ----- probabilities, names, commitment years, risk ---------------------------------------------
def _probabilities(*values: Any) -> Callable[[dict], dict]:
    def edit(block: dict) -> dict:
        block["outcomes"] = [{"name": f"o{i}", "probability": p} for i, p in enumerate(values)]
        return block

    return edit


def _names(*names: Any) -> Callable[[dict], dict]:
    def edit(block: dict) -> dict:
        block["outcomes"] = [{"name": n, "probability": 1.0 / len(names)} for n in names]
        return block

    return edit


def value_attacks() -> list[Attack]:
    attacks: list[Attack] = []

    def add(name: str, prepare, codes=BAD, expect=(), **kw) -> None:
        attacks.append(Attack("uncertainty", name, prepare, codes=codes, expect=expect, **kw))

    for name, values in {
        "sum-above-1": (0.5, 0.6),
        "sum-below-1": (0.3, 0.3),
        "thirds-rounded": (0.333, 0.333, 0.333),
        "one-outcome-0.9": (0.9,),
        "zero": (0.0, 1.0),
        "negative-and-above-1": (-0.5, 1.5),
        "bools": (True, False),
        "single-true": (True,),
        "percent": ("50%", "50%"),
        "nan-pair": (math.nan, math.nan),
        "inf-pair": (math.inf, -math.inf),
    }.items():
        add(f"probabilities-{name}", uncertain(_probabilities(*values)), expect=(FILE, "probability"))
    for name, values in {
        "thirds-exact": (1 / 3, 1 / 3, 1 / 3),
        "tiny-and-rest": (1e-9, 1 - 1e-9),
        "text-numbers": ("0.5", "0.5"),  # quoted, but numbers
        "exponent-without-dot": ("5e-1", "5e-1"),  # YAML 1.1 reads 5e-1 as text
    }.items():
        add(f"probabilities-{name}", uncertain(_probabilities(*values)), codes=OK)
    add("outcomes-1000", uncertain(lambda b: _set(b, ("outcomes",), outcomes(1000))), codes=OK)
    add(
        "outcomes-1000-with-changes",
        uncertain(lambda b: _set(b, ("outcomes",), outcomes(1000, GROWTH))),
        codes=OK,
    )
    for count in (1001, 20_000):
        add(
            f"outcomes-{count}",
            uncertain(lambda b, c=count: _set(b, ("outcomes",), outcomes(c, probability=1.0 / c))),
            expect=(FILE, "uncertainty", "outcomes", "at most"),
        )
    for name, names in {
        "duplicate": ("a", "a"),
        "duplicate-case": ("High", "high"),
        "dot": (".", "b"),
        "dotdot": ("..", "b"),
        "hidden": (".git", "b"),
        "dash": ("-rf", "b"),
        "slash": ("a/b", "b"),
        "backslash": ("a\\b", "b"),
        "space": ("a b", "b"),
        "empty": ("", "b"),
        "nul": ("a\x00b", "b"),
        "newline-end": ("a\n", "b"),
        "tab": ("a\tb", "b"),
        "rtl": ("\u202eb", "b"),
        "zero-width": ("a\u200bb", "b"),
        "accent": ("café", "b"),
        "too-long": ("n" * 81, "b"),
        "number": (7, "b"),
        "list": (["a"], "b"),
    }.items():
        add(f"names-{name}", uncertain(_names(*names)), expect=(FILE, "uncertainty.outcomes", "name"))
    for name, names in {"long-80": ("n" * 80, "b"), "mean": ("mean", "b"), "dotted": ("a.b", "a_b")}.items():
        add(f"names-{name}", uncertain(_names(*names)), codes=OK)
    three = [2026, 2027, 2028]
    for name, committed in {
        "empty": [],
        "not-first": [2027],
        "gap": [2026, 2028],
        "unsorted": [2027, 2026],
        "repeated": [2026, 2026],
        "before": [2025, 2026],
        "beyond": [2026, 2027, 2028, 2029],
        "fraction": [2026.5],
        "bool": [True],
        "text": ["soon"],
        "nested": [[2026]],
        "far-future": [9999],
    }.items():
        add(
            f"commitment-{name}",
            at(("commitment_years",), committed, years=three),
            expect=(FILE, "uncertainty", "commitment_years"),
        )
    for name, committed in {"first": [2026], "two": [2026, 2027], "all": three}.items():
        add(f"commitment-ok-{name}", at(("commitment_years",), committed, years=three), codes=OK)
    for name, risk in {
        "measure-unknown": {"measure": "var"},
        "measure-case": {"measure": "CVaR"},
        "measure-list": {"measure": ["cvar"]},
        "alpha-1": {"measure": "cvar", "alpha": 1.0},
        "alpha-negative": {"measure": "cvar", "alpha": -0.1},
        "alpha-nan": {"measure": "cvar", "alpha": math.nan},
        "alpha-bool": {"measure": "cvar", "alpha": True},
        "alpha-yes": {"measure": "cvar", "alpha": "yes"},
        "alpha-percent": {"measure": "cvar", "alpha": 90},
        "weight-above-1": {"measure": "cvar", "weight": 1.5},
        "weight-negative": {"measure": "regret", "weight": -1},
        "weight-inf": {"measure": "regret", "weight": math.inf},
        "weight-text": {"measure": "regret", "weight": "half"},
        "weight-bool": {"measure": "cvar", "weight": True},
        "alpha-out-of-range-for-expected": {"measure": "expected", "alpha": 2},
    }.items():
        add(f"risk-{name}", at(("risk",), risk), expect=(FILE, "uncertainty.risk", name.split("-")[0]))
    for name, risk in {
        "cvar": {"measure": "cvar", "alpha": 0.95, "weight": 1.0},
        "regret": {"measure": "regret", "weight": 0.0},
        "expected-with-alpha": {"measure": "expected", "alpha": 0.5},
    }.items():
        add(f"risk-ok-{name}", at(("risk",), risk), codes=OK)
    return attacks


# ----- changes --------------------------------------------------------------------------------
CHANGE = "uncertainty.outcomes[1].changes.growth"


def change_attacks() -> list[Attack]:
    attacks: list[Attack] = []

    def add(name: str, prepare, codes=BAD, expect=(FILE, CHANGE), **kw) -> None:
        attacks.append(Attack("uncertainty", name, prepare, codes=codes, expect=expect, **kw))

    def change(body: dict) -> Callable[[Path], list[str]]:
        return at(("outcomes", 1, "changes", "growth"), body)

    def both_at(body: dict, expect_path: str = "uncertainty.outcomes[0].changes.x") -> Callable:
        return uncertain(both(body)), (FILE, expect_path)

    for name, body in {
        "kind-unknown": {"kind": "warp_speed", "value": 2},
        "kind-case": {"kind": "Demand_Scale", "value": 2},
        "kind-number": {"kind": 5, "value": 2},
        "kind-missing-filter": {"kind": "energy_price", "value": 2},
        "kind-extra-filter": {"kind": "demand_scale", "site": "a", "value": 2},
        "filter-unknown-site": {"kind": "energy_price_scale", "site": "atlantis", "value": 2},
        "filter-unknown-accelerator": {"kind": "accelerator_price_scale", "accelerator": "tpu", "value": 2},
        "filter-year-text": {"kind": "demand_scale", "year": "soon", "value": 2},
        "filter-year-unplanned": {"kind": "demand_scale", "year": 2099, "value": 2},
        "filter-year-list": {"kind": "carbon_price_scale", "year": [2026], "value": 2},
        "filter-carbon-year-unplanned": {"kind": "carbon_price_scale", "year": 2030, "value": 2},
        "filter-unknown-field": {"kind": "demand_scale", "planet": "mars", "value": 2},
        "catalog-unknown": {"kind": "catalog", "catalog": "widgets", "column": "x", "value": 2},
        "catalog-absent": {"kind": "catalog", "catalog": "profiles", "column": "value", "value": 2},
        "catalog-number": {"kind": "catalog", "catalog": 5, "column": "x", "value": 2},
        "column-unknown": {"kind": "catalog", "catalog": "sites", "column": "colour", "value": 2},
        "column-missing": {"kind": "catalog", "catalog": "sites", "value": 2},
        "where-unknown-column": {
            "kind": "catalog",
            "catalog": "sites",
            "where": {"planet": "mars"},
            "column": "floor_racks",
            "value": 2,
        },
        "where-no-match": {
            "kind": "catalog",
            "catalog": "sites",
            "where": {"site": "zzz"},
            "column": "floor_racks",
            "value": 2,
        },
        "where-list": {
            "kind": "catalog",
            "catalog": "sites",
            "where": {"site": ["a"]},
            "column": "floor_racks",
            "value": 2,
        },
        "where-not-mapping": {"kind": "catalog", "catalog": "sites", "where": "a", "column": "floor_racks", "value": 2},
        "mode-unknown": {"kind": "catalog", "catalog": "sites", "column": "floor_racks", "mode": "add", "value": 2},
        "setting-unknown": {"kind": "setting", "setting": "colour", "value": 2},
        "setting-missing": {"kind": "setting", "value": 2},
        "no-value": {"kind": "demand_scale"},
        "value-only": {"value": 2},
    }.items():
        add(f"change-{name}", change(body))
    values = {
        "nan": math.nan,
        "inf": math.inf,
        "minus-inf": -math.inf,
        "1e300": 1e300,
        "big-int": 2**70,
        "negative": -1,
        "zero": 0,
        "text": "high",
        "bool": True,
        "null": None,
        "list": [1.5],
        "map": {"v": 1.5},
        "deep": deep_list(30),
    }
    scale_kinds = {
        "demand_scale": {"kind": "demand_scale"},
        "accelerator_price_scale": {"kind": "accelerator_price_scale"},
        "energy_price_scale": {"kind": "energy_price_scale", "site": "a"},
        "carbon_price_scale": {"kind": "carbon_price_scale"},
        "catalog-scale": {
            "kind": "catalog",
            "catalog": "demand",
            "where": {"year": 2026},
            "column": "tokens_per_day_billion",
            "mode": "scale",
        },
    }
    for kind, body in scale_kinds.items():
        for name, value in values.items():
            if kind == "catalog-scale" and name == "zero":  # a factor of 0 on a column that may be 0
                add(f"value-{kind}-{name}", change({**body, "value": value}), codes=OK, expect=())
                continue
            add(f"value-{kind}-{name}", change({**body, "value": value}))
    # changes that set a value: in every outcome (else the mean outcome is undefined)
    set_kinds = {
        "carbon_price": {"kind": "carbon_price"},
        "unserved_penalty": {"kind": "unserved_penalty"},
        "catalog-set": {"kind": "catalog", "catalog": "sites", "column": "floor_racks"},
        "setting-wacc": {"kind": "setting", "setting": "wacc"},
    }
    for kind, body in set_kinds.items():
        for name, value in values.items():
            if kind != "unserved_penalty" and name == "zero":
                continue  # no carbon price, 0 racks, 0 wacc: valid values
            prepare, expect = both_at({**body, "value": value})
            add(f"value-{kind}-{name}", prepare, expect=expect)
    for kind, value in {"carbon_price": 10, "unserved_penalty": 100, "catalog-set": 500, "setting-wacc": 0.05}.items():
        prepare, _ = both_at({**set_kinds[kind], "value": value})
        add(f"value-{kind}-ok", prepare, codes=OK, expect=())
    for kind, body, value in [
        ("accelerator_price_scale", {"kind": "accelerator_price_scale"}, 1e11),
        ("catalog-scale", scale_kinds["catalog-scale"], 1e12),
        ("demand_scale", {"kind": "demand_scale"}, 1e12),
    ]:
        add(f"value-{kind}-overflows-catalog", change({**body, "value": value}))
    add(
        "value-catalog-set-text-into-number",
        uncertain(both({"kind": "catalog", "catalog": "sites", "column": "floor_racks", "value": "many"})),
        expect=(FILE, "uncertainty.outcomes[0].changes.x"),
    )
    add(
        "value-catalog-set-unknown-id",
        uncertain(both({"kind": "catalog", "catalog": "grid", "column": "site", "value": "atlantis"})),
        expect=(FILE, "uncertainty.outcomes[0].changes.x"),
    )
    for setting, value in {
        "years": [2026],
        "integer_units": False,
        "uncertainty": None,
        "catalogs": {},
        "overrides": [],
        "name": "other",
        "solve_time_limit_s": 10,
        "solve_mip_gap": 0.5,
    }.items():
        add(
            f"locked-setting-{setting}",
            uncertain(both({"kind": "setting", "setting": setting, "value": value})),
            expect=(FILE, "uncertainty.outcomes[0].changes.x", setting),
        )
    for setting, value in {"wacc": "high", "select": {"sites": ["atlantis"]}, "carbon_cap_t": {2099: 1}}.items():
        add(
            f"setting-bad-value-{setting}",
            uncertain(both({"kind": "setting", "setting": setting, "value": value})),
            expect=(FILE, "uncertainty.outcomes[0].changes.x", setting),
        )
    add(
        "set-value-missing-in-an-outcome",
        change({"kind": "carbon_price", "value": 10}),
        expect=(FILE, CHANGE, "every outcome"),
    )
    add(
        "set-values-differ-non-numeric",
        uncertain(
            both(
                {"kind": "setting", "setting": "capacity_sizing", "value": "annual_mean"},
                {"kind": "setting", "setting": "capacity_sizing", "value": "year_end"},
            )
        ),
        expect=(FILE, "changes.x", "mean"),
    )
    add(
        "mean-of-integers-not-an-integer",
        uncertain(
            both(
                {"kind": "setting", "setting": "slices_per_block", "value": 1},
                {"kind": "setting", "setting": "slices_per_block", "value": 2},
            )
        ),
        expect=(FILE, "changes.x", "mean"),
    )
    add(
        "same-name-two-definitions",
        uncertain(
            both({"kind": "demand_scale", "value": 1.2}, {"kind": "carbon_price_scale", "value": 1.2}),
        ),
        expect=(FILE, "uncertainty.outcomes[1].changes.x", "defined differently"),
    )
    for name, key in {"space": "a b", "slash": "a/b", "empty": "", "long": "k" * 81, "number": 5}.items():
        add(
            f"change-name-{name}",
            uncertain(lambda b, k=key: _set(b, ("outcomes", 1, "changes"), {k: GROWTH})),
            expect=(FILE, "uncertainty.outcomes[1].changes"),
        )
    add(
        "changes-many-in-one-outcome",
        uncertain(lambda b: _set(b, ("outcomes", 1, "changes"), {f"c{i}": GROWTH for i in range(20_000)})),
        expect=(FILE, "changes"),
    )
    add(
        "changes-many-over-outcomes",
        uncertain(lambda b: _set(b, ("outcomes",), _many_changes(1000, 12))),
        expect=(FILE, "changes"),
    )
    add("changes-list", at(("outcomes", 1, "changes"), [GROWTH]), expect=(FILE, "uncertainty.outcomes[1]", "changes"))
    return attacks


def _many_changes(count: int, per_outcome: int) -> list[dict]:
    change = {"kind": "catalog", "catalog": "sites", "column": "floor_racks", "mode": "scale", "value": 1.0}
    return [
        {"name": f"o{i}", "probability": 1.0 / count, "changes": {f"c{j}": change for j in range(per_outcome)}}
        for i in range(count)
    ]


# ----- aidc solve options with (and without) an uncertainty block -------------------------------
def _no_block(work: Path) -> None:
    data = scenario(work)
    data.pop("uncertainty", None)
    write_scenario(work, data)


def _mpi_missing(work: Path) -> None:
    """Python packages that shadow mpi4py and mpi-sppy and fail to import (PYTHONPATH=shim)."""
    for package in ("mpi4py", "mpisppy"):
        folder = work / "shim" / package
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text(f"raise ImportError('no {package} here')\n")


def option_attacks() -> list[Attack]:
    attacks: list[Attack] = []

    def add(name: str, prepare, codes=BAD, expect=(), **kw) -> None:
        attacks.append(Attack("uncertainty", name, prepare, codes=codes, expect=expect, **kw))

    solve = ["solve", SCENARIO, *FAST_SOLVE]
    for method in ("ef", "ph"):
        add(
            f"method-{method}-with-deterministic",
            uncertain(argv=[*solve, "--method", method, "--deterministic"]),
            expect=("--method", "--deterministic"),
        )
        add(
            f"method-{method}-without-block",
            uncertain(argv=[*solve, "--method", method], setup=_no_block),
            expect=("--method", "uncertainty"),
        )
    for option, value in {"--ph-rho": "2", "--ph-iterations": "3"}.items():
        add(
            f"{option}-with-ef",
            uncertain(argv=[*solve, "--method", "ef", option, value]),
            expect=(option, "--method ph"),
        )
        add(f"{option}-without-method", uncertain(argv=[*solve, option, value]), expect=(option, "--method ph"))
        add(
            f"{option}-with-deterministic",
            uncertain(argv=[*solve, "--deterministic", option, value]),
            expect=(option, "--method ph"),
        )
        add(
            f"{option}-without-block",
            uncertain(argv=[*solve, option, value], setup=_no_block),
            expect=(option, "--method ph"),
        )
    for value in ("nan", "inf", "0", "-1", "abc", ""):
        add(f"--ph-rho={value!r}", uncertain(argv=[*solve, "--method", "ph", "--ph-rho", value]), expect=("--ph-rho",))
    for value in ("0", "-1", "1.5", "abc", "9" * 40):
        add(
            f"--ph-iterations={value[:12]!r}",
            uncertain(argv=[*solve, "--method", "ph", "--ph-iterations", value]),
            expect=("--ph-iterations",),
        )
    for value in ("EF", "mpi", "", "ef;ph"):
        add(f"--method={value!r}", uncertain(argv=[*solve, "--method", value]), expect=("--method",))
    for measure in ("cvar", "regret"):
        add(
            f"method-ph-with-{measure}-out",
            uncertain(
                lambda b, m=measure: _set(b, ("risk",), {"measure": m}), [*solve, "--method", "ph", "--out", "o"]
            ),
            expect=(FILE, "uncertainty.risk", "measure", "--method ef"),
            targets=("o", ".o.aidc-lock"),
        )
    add(
        "deterministic-with-bad-change",
        uncertain(
            lambda b: _set(b, ("outcomes", 1, "changes", "growth"), {"kind": "warp_speed", "value": 2}),
            [*solve, "--deterministic", "--out", "o"],
        ),
        expect=(FILE, CHANGE, "kind"),
        targets=("o", ".o.aidc-lock"),
    )
    add("method-ph-export-model", uncertain(argv=[*solve, "--method", "ph", "--export-model", "m.mps"]))
    for name, target in {
        "suffix": "m.txt",
        "no-suffix": "m",
        "missing-folder": "nofolder/m.mps",
        "through-file": "micro/grid.csv/m.mps",
        "dev-null": "/dev/null",
    }.items():
        add(f"export-{name}", uncertain(argv=[*solve, "--export-model", target]), expect=(target,))
    add(
        "export-inside-out",
        uncertain(argv=[*solve, "--out", "o", "--export-model", "o/m.mps"]),
        expect=("o/m.mps",),
        targets=("o", ".o.aidc-lock"),
    )
    # bad blocks under `aidc solve`: exit 2 before any solve, --out neither created nor left
    bad_blocks = {
        "probabilities": lambda b: _set(b, ("outcomes", 0, "probability"), 0.9),
        "name-dotdot": lambda b: _set(b, ("outcomes", 0, "name"), ".."),
        "change-nan": lambda b: _set(b, ("outcomes", 1, "changes", "growth", "value"), math.nan),
        "catalog-list-value": both({"kind": "catalog", "catalog": "sites", "column": "floor_racks", "value": [1]}),
        "commitment": lambda b: _set(b, ("commitment_years",), [2027]),
        "overflow": lambda b: _set(b, ("outcomes", 1, "changes", "growth"), {"kind": "demand_scale", "value": 1e12}),
    }
    for name, edit in bad_blocks.items():
        for extra in (["--out", "o"], ["--json"], ["--method", "ph", "--out", "o"]):
            label = "-".join(part.strip("-") for part in extra if part != "o")
            add(
                f"solve-bad-{name}-{label}",
                uncertain(edit, [*solve, *extra]),
                expect=(FILE, "uncertainty"),
                targets=("o", ".o.aidc-lock"),
                check=_nothing_on_stdout,
            )
    add(
        "method-ph-without-mpi-out",
        uncertain(argv=[*solve, "--method", "ph", "--out", "o"], setup=_mpi_missing),
        expect=("progressive hedging", "mpi"),
        targets=("o", ".o.aidc-lock"),
        process=True,
        env=(("PYTHONPATH", "shim"),),
    )
    # valid runs (a solve each: slow)
    add("solve-ok-out", uncertain(argv=[*solve, "--out", "o"]), codes=OK, targets=("o", ".o.aidc-lock"), slow=True)
    add("solve-ok-deterministic", uncertain(argv=[*solve, "--deterministic"]), codes=OK, slow=True)
    add("solve-ok-ph-one-rank", uncertain(argv=[*solve, "--method", "ph", "--ph-iterations", "5"]), codes=OK, slow=True)
    add(
        "solve-ok-outcome-names-that-are-folder-names",
        uncertain(_names("outcomes", "summary.json"), [*solve, "--out", "o"]),
        codes=OK,
        targets=("o", ".o.aidc-lock"),
        slow=True,
    )
    return attacks


def _nothing_on_stdout(work: Path, reply: dict) -> None:
    assert not reply["stdout"].strip(), f"stdout: {reply['stdout'][:200]!r}"
    assert not (work / "o").exists(), "--out created"


def uncertainty_attacks() -> list[Attack]:
    return [*junk_attacks(), *value_attacks(), *change_attacks(), *option_attacks()]
