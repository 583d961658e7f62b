"""The attacks, generated: CSV dialects and encodings, YAML structure, CLI options, output
targets, run folders and sweep specs (uncertainty blocks are in ``uncertainty_cases.py``). Each
function returns a list of :class:`Attack`.

The sandbox's current folder holds ``micro/`` (the one-site scenario of tests/factory.py),
``run/`` and ``run2/`` (two solved run folders) when an attack asks for them; paths in the
arguments are relative to it.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from aidc.models.schema import REQUIRED_CATALOGS
from aidc.optimizer.inputs.yaml_reader import MAX_YAML_BYTES, MAX_YAML_NODES
from aidc.optimizer.report.plots import REQUIRED_TABLES
from tests.adversarial.runner import HELD, Attack

SCENARIO = "micro/scenario.yaml"
VALIDATE = ["validate", SCENARIO]
CATALOGS = [*REQUIRED_CATALOGS, "slices"]
NUMERIC = {
    "accelerators": "price_usd_per_accel",
    "throughput": "tokens_per_s_per_accel",
    "workloads": "latency_ms_max",
    "cooling": "pue_cold",
    "interconnect": "cost_usd_per_port",
    "sites": "floor_racks",
    "grid": "grid_mw",
    "supply": "price_usd_per_mwh",
    "regions": "latitude",
    "latency": "latency_ms",
    "demand": "tokens_per_day_billion",
    "slices": "hours",
}
FAST_SOLVE = ["--lp", "--no-marginal", "-q"]


# ----- helpers ------------------------------------------------------------------------------
def csv_file(work: Path, catalog: str) -> Path:
    return work / "micro" / f"{catalog}.csv"


def rows(work: Path, catalog: str) -> list[str]:
    return csv_file(work, catalog).read_text(encoding="utf-8").splitlines()


def set_cell(line: str, header: str, column: str, value: str) -> str:
    names = header.split(",")
    cells = line.split(",")
    cells[names.index(column)] = value
    return ",".join(cells)


def scenario(work: Path) -> dict:
    return yaml.safe_load((work / SCENARIO).read_text())


def write_scenario(work: Path, data: dict) -> None:
    (work / SCENARIO).write_text(yaml.safe_dump(data, sort_keys=False))


def with_scenario_text(text: Callable[[str], str]) -> Callable[[Path], list[str]]:
    def prepare(work: Path) -> list[str]:
        path = work / SCENARIO
        path.write_text(text(path.read_text()))
        return list(VALIDATE)

    return prepare


def with_scenario_bytes(data: Callable[[bytes], bytes]) -> Callable[[Path], list[str]]:
    def prepare(work: Path) -> list[str]:
        path = work / SCENARIO
        path.write_bytes(data(path.read_bytes()))
        return list(VALIDATE)

    return prepare


def with_settings(argv: list[str] | None = None, **changes) -> Callable[[Path], list[str]]:
    def prepare(work: Path) -> list[str]:
        data = scenario(work)
        for key, value in changes.items():
            if value is _DELETE:
                data.pop(key, None)
            else:
                data[key] = value
        write_scenario(work, data)
        return list(argv or VALIDATE)

    return prepare


_DELETE = object()


def bomb(levels: int, width: int) -> str:
    """A YAML alias bomb: ``width ** levels`` strings in ``levels + 1`` short lines."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def nested(depth: int, flow: bool = True, kind: str = "list") -> str:
    if flow:
        return ("[" * depth + "]" * depth) if kind == "list" else ("{a: " * depth + "1" + "}" * depth)
    lines = []
    for level in range(depth):
        lines.append("  " * (level + 1) + ("-" if kind == "list" else "a:"))
    return "\n".join(lines) + ("\n" if kind == "list" else " 1\n")


# ----- CSV dialects and encodings ---------------------------------------------------------------
TEXT_TRANSFORMS = {
    "utf8-accents",
    "rtl-override-cell",
    "ansi-escape-cell",
    "quoted-comma-newline",
    "stray-quote",
    "big-cell",
}


def csv_attacks() -> list[Attack]:
    attacks = []
    for catalog in CATALOGS:
        for name, (transform, codes, expect) in CSV_TRANSFORMS.items():
            if catalog == "slices" and name in TEXT_TRANSFORMS:
                codes, expect = ANY, ()
            attacks.append(
                Attack("csv", f"{catalog}-{name}", _csv_prepare(catalog, transform), codes=codes, expect=expect)
            )
        attacks += _line_number_attacks(catalog)
    return attacks


def _csv_prepare(catalog: str, transform: Callable) -> Callable[[Path], list[str]]:
    def prepare(work: Path) -> list[str]:
        path = csv_file(work, catalog)
        result = transform(path.read_bytes(), catalog)
        if result is _SPARSE:
            with open(path, "wb") as stream:
                stream.truncate(65 * 2**20)
        else:
            path.write_bytes(result)
        return list(VALIDATE)

    return prepare


_SPARSE = object()


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n")


def _join(lines: list[bytes], end: bytes = b"\n") -> bytes:
    return end.join(lines) + end


def _cell(data: bytes, catalog: str, column: str | None, value: bytes) -> bytes:
    lines = _lines(data)
    header = lines[0].split(b",")
    column = column or NUMERIC[catalog]
    if column.encode() not in header:
        column = NUMERIC[catalog]
    cells = lines[1].split(b",")
    cells[header.index(column.encode())] = value
    lines[1] = b",".join(cells)
    return _join(lines)


def _text(data: bytes, catalog: str, value: bytes) -> bytes:
    return _cell(data, catalog, "source", value)


def _num(data: bytes, catalog: str, value: bytes) -> bytes:
    return _cell(data, catalog, None, value)


def _garbage(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


OK, BAD, ANY = (0,), (2,), (0, 2)
CSV_TRANSFORMS: dict[str, tuple[Callable, tuple[int, ...], tuple[str, ...]]] = {
    "utf8-bom": (lambda d, c: b"\xef\xbb\xbf" + d, OK, ()),
    "crlf": (lambda d, c: d.replace(b"\n", b"\r\n"), OK, ()),
    "cr-only": (lambda d, c: d.replace(b"\n", b"\r"), OK, ()),
    "bom-crlf": (lambda d, c: b"\xef\xbb\xbf" + d.replace(b"\n", b"\r\n"), OK, ()),
    "no-final-newline": (lambda d, c: d.rstrip(b"\n"), OK, ()),
    "mixed-line-endings": (lambda d, c: d.replace(b"\n", b"\r\n", 1), OK, ()),
    "utf16-bom": (lambda d, c: d.decode().encode("utf-16"), BAD, ("UTF-16",)),
    "utf16-be-bom": (lambda d, c: b"\xfe\xff" + d.decode().encode("utf-16-be"), BAD, ("UTF-16",)),
    "utf16-le-no-bom": (lambda d, c: d.decode().encode("utf-16-le"), BAD, ("NUL bytes",)),
    "utf32": (lambda d, c: d.decode().encode("utf-32"), BAD, ()),
    "latin1-cell": (lambda d, c: _text(d, c, "café".encode("latin-1")), BAD, ("not UTF-8",)),
    "cp1252-quotes": (lambda d, c: _text(d, c, "“quoted”".encode("cp1252")), BAD, ("not UTF-8",)),
    "latin1-header": (lambda d, c: "é".encode("latin-1") + d, BAD, ("line 1", "not UTF-8")),
    "utf8-accents": (lambda d, c: _text(d, c, "café 中文 🚀".encode()), OK, ()),
    "rtl-override-cell": (lambda d, c: _text(d, c, "a\u202eb".encode()), OK, ()),
    "ansi-escape-cell": (lambda d, c: _text(d, c, b"\x1b[31mred\x1b[0m"), OK, ()),
    "ansi-escape-number": (lambda d, c: _num(d, c, b"\x1b[2J1"), BAD, ("\\x1b",)),
    "semicolons": (lambda d, c: d.replace(b",", b";"), BAD, ("';'-separated",)),
    "tabs": (lambda d, c: d.replace(b",", b"\t"), BAD, ("tab-separated",)),
    "pipes": (lambda d, c: d.replace(b",", b"|"), BAD, ("'|'-separated",)),
    "semicolons-decimal-comma": (lambda d, c: d.replace(b".", b",").replace(b",", b";"), BAD, ()),
    "blank-lines-top": (lambda d, c: b"\n\n\n" + d, OK, ()),
    "blank-lines-middle": (lambda d, c: d.replace(b"\n", b"\n\n\n", 1), OK, ()),
    "blank-lines-end": (lambda d, c: d + b"\n\n\n", OK, ()),
    "many-blank-lines": (lambda d, c: d.replace(b"\n", b"\n" * 20000, 1), OK, ()),
    "empty-cell-rows": (lambda d, c: d + b"," * d.split(b"\n")[0].count(b",") + b"\n", OK, ()),
    "whitespace-lines": (lambda d, c: d.replace(b"\n", b"\n   \t \n", 1), OK, ()),
    "padded-cells": (lambda d, c: d.replace(b",", b" , "), OK, ()),
    "trailing-comma-header": (lambda d, c: d.replace(b"\n", b",\n", 1), BAD, ("has no name",)),
    "trailing-comma-everywhere": (lambda d, c: d.replace(b"\n", b",\n"), BAD, ()),
    "extra-value": (lambda d, c: _join([*_lines(d)[:1], _lines(d)[1] + b",extra", *_lines(d)[2:]]), BAD, ("values",)),
    "missing-value": (lambda d, c: _join([_lines(d)[0], _lines(d)[1].rsplit(b",", 1)[0], *_lines(d)[2:]]), BAD, ()),
    "duplicate-header": (lambda d, c: d.replace(b"\n", b"," + d.split(b",")[0] + b"\n", 1), BAD, ("twice",)),
    "unknown-column": (
        lambda d, c: _join([_lines(d)[0] + b",colour", *(x + b",blue" for x in _lines(d)[1:])]),
        BAD,
        (),
    ),
    "header-only": (lambda d, c: _lines(d)[0] + b"\n", BAD, ("no rows",)),
    "empty-file": (lambda d, c: b"", BAD, ("empty",)),
    "whitespace-file": (lambda d, c: b"  \n\t\n", BAD, ("empty",)),
    "unterminated-quote": (lambda d, c: _text(d, c, b'"never closed'), BAD, ("never closed",)),
    "stray-quote": (lambda d, c: _text(d, c, b'a"b'), ANY, ()),
    "quote-then-text": (lambda d, c: _text(d, c, b'"a"b'), BAD, ()),
    "quoted-comma-newline": (lambda d, c: _text(d, c, b'"a, b\nc ""d"""'), OK, ()),
    "quoted-number": (lambda d, c: _num(d, c, b'"1.5"'), OK, ()),
    "thousands-separator": (lambda d, c: _num(d, c, b'"1,000"'), BAD, ()),
    "huge-cell": (lambda d, c: _text(d, c, b"x" * 200_000), BAD, ("longer than",)),
    "big-cell": (lambda d, c: _text(d, c, b"y" * 90_000), OK, ()),
    "huge-quoted-cell": (lambda d, c: _text(d, c, b'"' + b"z\n" * 100_000 + b'"'), BAD, ("longer than",)),
    "wide-header": (lambda d, c: d.replace(b"\n", b"".join(b",c%d" % i for i in range(10000)) + b"\n", 1), BAD, ()),
    "nul-byte": (lambda d, c: _text(d, c, b"a\x00b"), BAD, ("NUL",)),
    "binary-garbage": (lambda d, c: _garbage(len(c), 4096), BAD, ()),
    "garbage-after-header": (lambda d, c: _lines(d)[0] + b"\n" + _garbage(len(c) + 1, 2048), BAD, ()),
    "long-line": (lambda d, c: b"a" * 2_000_000, BAD, ()),
    "over-size-cap": (lambda d, c: _SPARSE, BAD, ("bytes",)),
    "comment-line": (lambda d, c: d.replace(b"\n", b"\n# a comment\n", 1), BAD, ()),
    "nan-number": (lambda d, c: _num(d, c, b"nan"), BAD, ("finite",)),
    "inf-number": (lambda d, c: _num(d, c, b"inf"), BAD, ()),
    "minus-inf-number": (lambda d, c: _num(d, c, b"-inf"), BAD, ()),
    "overflow-number": (lambda d, c: _num(d, c, b"1e999"), BAD, ()),
    "huge-number": (lambda d, c: _num(d, c, b"1e300"), BAD, ()),
    "digits-number": (lambda d, c: _num(d, c, b"9" * 5000), BAD, ()),
    "negative-number": (lambda d, c: _num(d, c, b"-1"), ANY, ()),
    "text-number": (lambda d, c: _num(d, c, b"twelve"), BAD, ("found 'twelve'",)),
    "empty-number": (lambda d, c: _num(d, c, b""), BAD, ("a value is required",)),
    "hex-number": (lambda d, c: _num(d, c, b"0x10"), BAD, ()),
    "bool-number": (lambda d, c: _num(d, c, b"true"), ANY, ()),
    "duplicate-row": (lambda d, c: d + _lines(d)[1] + b"\n", BAD, ("duplicate",)),
    "many-rows": (lambda d, c: _lines(d)[0] + b"\n" + b"\n".join([_lines(d)[1]] * 20000) + b"\n", BAD, ()),
    "missing-required-column": (lambda d, c: _drop_column(d, NUMERIC[c]), BAD, ("missing",)),
}


def _drop_column(data: bytes, column: str) -> bytes:
    lines = _lines(data)
    position = lines[0].split(b",").index(column.encode())
    return _join([b",".join(cell for i, cell in enumerate(line.split(b",")) if i != position) for line in lines])


def _line_number_attacks(catalog: str) -> list[Attack]:
    """A bad number on a known line: after blank lines, after a multi-line quoted cell."""
    column = NUMERIC[catalog]

    def after_blank_lines(work: Path) -> list[str]:
        header, first, *rest = rows(work, catalog)
        bad = set_cell(first, header, column, "oops")
        csv_file(work, catalog).write_text("\n".join([header, "", "", bad, *rest]) + "\n")
        return list(VALIDATE)

    def after_multiline_cell(work: Path) -> list[str]:
        header, first, *rest = rows(work, catalog)
        text = "source" if "source" in header.split(",") else None
        if text is None:
            csv_file(work, catalog).write_text("\n".join([header, "", "", "", set_cell(first, header, column, "oops")]))
            return list(VALIDATE)
        spread = set_cell(first, header, text, '"line one\nline two\nline three"')
        second = set_cell(first, header, column, "oops")
        csv_file(work, catalog).write_text("\n".join([header, spread, second, *rest]) + "\n")
        return list(VALIDATE)

    def crlf_blank(work: Path) -> list[str]:
        header, first, *rest = rows(work, catalog)
        bad = set_cell(first, header, column, "oops")
        csv_file(work, catalog).write_bytes(("\r\n".join([header, "", bad, *rest]) + "\r\n").encode())
        return list(VALIDATE)

    return [
        Attack("csv", f"{catalog}-line-after-blank-lines", after_blank_lines, BAD, expect=(f"{catalog}.csv, line 4",)),
        Attack("csv", f"{catalog}-line-after-multiline-cell", after_multiline_cell, BAD, expect=("line 5",)),
        Attack("csv", f"{catalog}-line-crlf-blank", crlf_blank, BAD, expect=(f"{catalog}.csv, line 3",)),
    ]


# ----- YAML structure -------------------------------------------------------------------------
def yaml_attacks() -> list[Attack]:
    attacks: list[Attack] = []

    def add(name: str, prepare, codes=BAD, expect=(), **kw) -> None:
        attacks.append(Attack("yaml", name, prepare, codes=codes, expect=expect, **kw))

    for levels, width in [(2, 10), (3, 10), (5, 10), (6, 10), (7, 10), (9, 9), (12, 5), (20, 2), (40, 2), (3, 1000)]:
        text = bomb(levels, width)
        big = width**levels > MAX_YAML_NODES
        expect = ("aliases are expanded",) if big else ()
        add(f"bomb-{levels}x{width}-unknown-key", with_scenario_text(lambda t, b=text: t + b), expect=expect)
        add(
            f"bomb-{levels}x{width}-in-name",
            with_scenario_text(lambda t, b=text, n=levels: b + t.replace("name: micro", f"name: *a{n}")),
            expect=expect,
        )
        add(
            f"bomb-{levels}x{width}-in-select",
            with_scenario_text(lambda t, b=text, n=levels: b + t + f"select: {{sites: *a{n}}}\n"),
            expect=expect,
        )
    add("alias-to-itself", with_scenario_text(lambda t: t + "loop: &loop [*loop]\n"), expect=("contains it",))
    add("alias-map-to-itself", with_scenario_text(lambda t: t + "loop: &loop {a: *loop}\n"), expect=("contains it",))
    add("undefined-alias", with_scenario_text(lambda t: t + "x: *nowhere\n"), expect=("not valid YAML",))
    add(
        "merge-key",
        with_scenario_text(lambda t: "defaults: &d {wacc: 0.05}\n" + t.replace("wacc: 0.0", "<<: *d")),
        expect=("defaults",),
    )
    for depth in (10, 45, 49, 51, 60, 1000, 100_000):
        for flow in (True, False) if depth <= 1000 else (True,):
            for kind in ("list", "map"):
                text = nested(depth, flow, kind)
                block = "deep: " + text if flow else "deep:\n" + text
                add(
                    f"nested-{kind}-{depth}-{'flow' if flow else 'block'}", with_scenario_text(lambda t, b=block: t + b)
                )
    for key, value in [("wacc", "0.1"), ("name", "other"), ("years", "[2026]"), ("catalogs", "{}")]:
        add(
            f"duplicate-top-key-{key}",
            with_scenario_text(lambda t, k=key, v=value: t + f"{k}: {v}\n"),
            expect=("appears twice",),
        )
    add(
        "duplicate-catalog-key",
        with_scenario_text(lambda t: t.replace("  grid: grid.csv", "  grid: grid.csv\n  grid: other.csv")),
        expect=("'grid' appears twice",),
    )
    add(
        "duplicate-select-key",
        with_scenario_text(lambda t: t + "select:\n  sites: [a]\n  sites: [b]\n"),
        expect=("twice",),
    )
    add(
        "duplicate-year-key-int-str",
        with_scenario_text(lambda t: t + "carbon_cap_t: {2026: 1, '2026': 2}\n"),
        expect=("twice",),
    )
    add("duplicate-bool-int-key", with_scenario_text(lambda t: t + "x: {1: a, true: b}\n"))
    for size in (1000, 100_000, 1_000_000):
        add(f"long-name-{size}", with_settings(name="n" * size), expect=("name",))
        add(f"long-description-{size}", with_settings(description="d" * size), codes=OK)
        add(f"long-unknown-key-{size}", with_scenario_text(lambda t, s=size: t + "k" * s + ": 1\n"))
    add(
        "many-unknown-keys",
        with_scenario_text(lambda t: t + "".join(f"key{i}: {i}\n" for i in range(20_000))),
        expect=("more",),
    )
    add("over-size-cap", with_scenario_text(lambda t: t + "x: " + "x" * (MAX_YAML_BYTES + 9) + "\n"), expect=("bytes",))
    add(
        "many-values",
        with_scenario_text(lambda t: t + "x: [" + "1," * (MAX_YAML_NODES + 9) + "1]\n"),
        expect=("values",),
    )
    for name, text in {
        "top-list": "- a\n- b\n",
        "top-scalar": "just text\n",
        "top-number": "42\n",
        "top-null": "null\n",
        "empty": "",
        "comments-only": "# nothing\n# here\n",
        "two-documents": "name: a\n---\nname: b\n",
        "unclosed-bracket": "name: [a, b\n",
        "bad-indent": "name: a\n  years: [2026]\n wacc: 1\n",
        "tab-indent": "catalogs:\n\taccelerators: a.csv\n",
        "stray-colon": "name: a: b: c\n",
        "python-object": "name: !!python/object/apply:os.system ['echo hacked']\n",
        "python-name": "name: !!python/name:os.system\n",
        "custom-tag": "name: !secret x\n",
        "binary-tag": "name: !!binary aGVsbG8=\n",
        "set-years": "name: x\nyears: !!set {2026: null}\n",
        "timestamp-years": "name: x\nyears: [2026-01-01]\n",
        "huge-int": "name: x\nyears: [" + "9" * 5000 + "]\n",
        "huge-float": "name: x\nwacc: 1e99999\n",
        "directive": "%YAML 1.1\n%TAG ! tag:x,2000:\n---\nname: x\n",
        "control-chars": 'name: "\\x1b[2J\\x07bell"\n',
        "nul-escape": 'name: "a\\0b"\n',
    }.items():
        add(f"text-{name}", with_scenario_text(lambda t, x=text: x))
    for name, data in {
        "bom": lambda d: b"\xef\xbb\xbf" + d,
        "crlf": lambda d: d.replace(b"\n", b"\r\n"),
    }.items():
        add(f"encoding-{name}", with_scenario_bytes(data), codes=OK)
    for name, data in {
        "utf16": lambda d: d.decode().encode("utf-16"),
        "utf16-le": lambda d: d.decode().encode("utf-16-le"),
        "latin1": lambda d: d.replace(b"name: micro", "name: café".encode("latin-1")),
        "binary": lambda d: _garbage(7, 3000),
    }.items():
        add(f"encoding-{name}", with_scenario_bytes(data), expect=("UTF",) if "utf" in name or "latin" in name else ())
    for key in ("wacc", "unserved_penalty_usd_per_mtok", "demand_scale", "discount_rate", "carbon_price_usd_per_t"):
        for value in (float("nan"), float("inf"), float("-inf"), -1.0, 1e300, "x", [1], {"a": 1}):
            add(f"setting-{key}-{value!r}"[:80], with_settings(**{key: value}), expect=(key,))
        for value in (True, None, 0, "0.1"):
            add(f"setting-{key}-{value!r}"[:80], with_settings(**{key: value}), codes=ANY)
    for value in (
        [],
        [2026, 2026],
        [2027, 2026],
        [1999],
        [2101],
        ["a"],
        [2026.5],
        list(range(2000, 2101)) * 2,
        "2026",
        2026,
    ):
        add(f"years-{value!r:.30}", with_settings(years=value), expect=("years",))
    for key in ("carbon_cap_t", "capex_budget_usd", "carbon_price_usd_per_t"):
        add(f"{key}-year-not-planned", with_settings(**{key: {2030: 1.0}}), expect=(key, "not planned"))
        add(f"{key}-bad-year-key", with_settings(**{key: {"soon": 1.0}}), expect=(key,))
    add(
        "workload-scale-unknown",
        with_settings(workload_demand_scale={"nope": 2.0}),
        expect=("unknown workload 'nope'",),
    )
    add(
        "workload-scale-nan",
        with_settings(workload_demand_scale={"chat": float("nan")}),
        expect=("workload_demand_scale",),
    )
    for name, catalogs in {
        "list": ["accelerators.csv"],
        "string": "all.csv",
        "null": None,
        "empty": {},
        "unknown-name": {"widgets": "w.csv"},
    }.items():
        add(f"catalogs-{name}", with_settings(catalogs=catalogs), expect=("catalogs",))
    for name, path in {
        "missing-file": "nope.csv",
        "leaves-folder": "../outside/keep.txt",
        "absolute": "/etc/passwd",
        "dev-zero": "/dev/zero",
        "a-folder": ".",
        "nul": "a\x00b.csv",
        "empty-string": "",
        "long-name": "x" * 5000 + ".csv",
        "number": 5,
        "suffix-txt": "grid.txt",
        "traversal": "../../../../../../../../etc/hosts",
    }.items():
        add(f"catalog-path-{name}", _catalog_path("grid", path), expect=("grid",))
        add(
            f"catalog-path-{name}-outside-allowed",
            _catalog_path("grid", path, ["--allow-outside-paths"]),
            expect=("grid",),
        )
    add("catalog-fifo", _special_catalog("fifo"), expect=("grid",))
    add("catalog-link-to-dev-zero", _special_catalog("devzero"), expect=("grid",))
    add("catalog-link-loop", _special_catalog("loop"), expect=("grid",))
    add("catalog-is-folder", _special_catalog("folder"), expect=("grid",))
    add("select-unknown", with_settings(select={"sites": ["atlantis"]}), expect=("unknown id(s) ['atlantis']",))
    add("select-empty", with_settings(select={"sites": []}), expect=("selects nothing",))
    add("select-string", with_settings(select={"sites": "a"}), expect=("select",))
    add("select-unknown-key", with_settings(select={"planets": ["a"]}), expect=("planets",))
    add("select-many", with_settings(select={"sites": [f"s{i}" for i in range(20000)]}), expect=("unknown",))
    for name, override in {
        "unknown-catalog": {"catalog": "widgets", "set": {"a": 1}},
        "absent-catalog": {"catalog": "profiles", "set": {"value": 1}},
        "unknown-column": {"catalog": "sites", "set": {"colour": "blue"}},
        "where-no-match": {"catalog": "sites", "where": {"site": "zzz"}, "set": {"floor_racks": 5}},
        "set-bad-type": {"catalog": "sites", "set": {"floor_racks": "many"}},
        "set-list": {"catalog": "sites", "set": {"floor_racks": [1]}},
        "set-bool": {"catalog": "sites", "set": {"floor_racks": True}},
        "scale-text-column": {"catalog": "sites", "scale": {"climate": 2.0}},
        "scale-nan": {"catalog": "sites", "scale": {"floor_racks": float("nan")}},
        "scale-inf": {"catalog": "sites", "scale": {"floor_racks": float("inf")}},
        "scale-huge": {"catalog": "sites", "scale": {"floor_racks": 1e300}},
        "scale-negative": {"catalog": "sites", "scale": {"floor_racks": -1}},
        "set-unknown-id": {"catalog": "grid", "set": {"site": "atlantis"}},
        "nothing": {"catalog": "sites"},
        "not-a-mapping": "sites",
    }.items():
        add(f"override-{name}", with_settings(overrides=[override]), expect=("overrides",))
    add(
        "override-too-many",
        with_settings(overrides=[{"catalog": "sites", "scale": {"floor_racks": 1.0}}] * 1001),
        expect=("overrides",),
    )
    add(
        "all-stages-together",
        _all_stages,
        expect=("wacc", "price_usd_per_accel"),
        check=lambda work, reply: None,
    )
    add(
        "references-overrides-selection-together",
        with_settings(
            select={"sites": ["atlantis"]},
            overrides=[{"catalog": "sites", "where": {"site": "zzz"}, "set": {"floor_racks": 5}}],
            workload_demand_scale={"nope": 2.0},
        ),
        expect=("atlantis", "overrides[0]", "nope"),
    )
    add("ansi-in-name", with_settings(name="\x1b[31mred"), expect=("\\x1b",))
    add("newlines-in-name", with_settings(name="a\n" * 500), expect=("name",))
    return attacks


def _catalog_path(catalog: str, path, extra: list[str] | None = None) -> Callable[[Path], list[str]]:
    def prepare(work: Path) -> list[str]:
        data = scenario(work)
        data["catalogs"][catalog] = path
        write_scenario(work, data)
        return [*VALIDATE, *(extra or [])]

    return prepare


def _special_catalog(kind: str) -> Callable[[Path], list[str]]:
    def prepare(work: Path) -> list[str]:
        path = csv_file(work, "grid")
        path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "devzero":
            path.symlink_to("/dev/zero")
        elif kind == "loop":
            path.symlink_to(path.name)
        else:
            path.mkdir()
        return list(VALIDATE)

    return prepare


def _all_stages(work: Path) -> list[str]:
    data = scenario(work)
    data["wacc"] = -1
    write_scenario(work, data)
    header, first = rows(work, "accelerators")[:2]
    csv_file(work, "accelerators").write_text(
        header + "\n" + set_cell(first, header, "price_usd_per_accel", "-5") + "\n"
    )
    return list(VALIDATE)


# ----- CLI options -----------------------------------------------------------------------------
def option_attacks() -> list[Attack]:
    attacks: list[Attack] = []

    def add(name: str, argv, codes=BAD, expect=(), **kw) -> None:
        prepare = argv if callable(argv) else (lambda work, a=argv: list(a))
        attacks.append(Attack("options", name, prepare, codes=codes, expect=expect, **kw))

    refused = {
        "--time-limit": ["nan", "NaN", "inf", "-inf", "-1", "0", "0.05", "1e309", "abc", "", " ", "1e", "0x10"],
        "--mip-gap": ["nan", "-0.01", "1.01", "inf", "abc", "", "1e400"],
        "--threads": ["0", "-1", str(len(os.sched_getaffinity(0)) + 1), "1000000", "1" + "0" * 100, "abc", "1.5", ""],
        "--format": ["xml", "", "CSV "],
        "--solver": ["cplex", "", "highs; rm -rf /"],
    }
    for option, values in refused.items():
        for value in values:
            add(f"solve{option}={value!r}", ["solve", SCENARIO, option, value], expect=(option,))
    for value in ["nan", "0", "-1", "abc"]:
        add(f"sweep--time-limit={value}", ["sweep", "spec.yaml", "--out", "o", "--time-limit", value])
    for value in ["0", "-1", "1000000", "abc", "9" * 50]:
        add(f"sweep--workers={value}", ["sweep", "spec.yaml", "--out", "o", "--workers", value], expect=("--workers",))
    for name, argv in {
        "unknown-option": ["solve", SCENARIO, "--fast"],
        "unknown-command": ["optimise", SCENARIO],
        "validate-no-argument": ["validate"],
        "validate-two-arguments": ["validate", SCENARIO, SCENARIO],
        "validate-missing": ["validate", "nope.yaml"],
        "validate-folder": ["validate", "micro"],
        "validate-dev-null": ["validate", "/dev/null"],
        "validate-dev-zero-yaml": ["validate", "/dev/zero"],
        "validate-csv": ["validate", "micro/grid.csv"],
        "validate-long-name": ["validate", "x" * 5000 + ".yaml"],
        "validate-newline-name": ["validate", "a\nb.yaml"],
        "validate-empty-name": ["validate", ""],
        "catalog-unknown": ["catalog", "widgets", "--scenario", SCENARIO],
        "catalog-bad-scenario": ["catalog", "--scenario", "nope.yaml"],
        "init-unknown-scenario": ["init", "new", "--scenario", "nope"],
        "report-missing-run": ["report", "nope"],
        "compare-missing-runs": ["compare", "nope", "nope2"],
        "compare-one-argument": ["compare", "nope"],
        "sweep-no-out": ["sweep", "spec.yaml"],
        "sweep-missing-spec": ["sweep", "nope.yaml", "--out", "o"],
        "sweep-spec-is-folder": ["sweep", "micro", "--out", "o"],
        "solve-missing-scenario": ["solve", "nope.yaml"],
        "solve-export-suffix": ["solve", SCENARIO, "--export-model", "model.txt"],
        "solve-export-no-suffix": ["solve", SCENARIO, "--export-model", "model"],
        "solve-export-gz": ["solve", SCENARIO, "--export-model", "model.mps.gz"],
        "solve-export-missing-folder": ["solve", SCENARIO, "--export-model", "nofolder/model.mps"],
        "solve-export-folder": ["solve", SCENARIO, "--export-model", "micro"],
        "solve-export-dev-null": ["solve", SCENARIO, "--export-model", "/dev/null"],
        "solve-export-in-out": ["solve", SCENARIO, "--out", "run9", "--export-model", "run9/model.mps"],
        "solve-export-in-existing-run": ["solve", SCENARIO, "--out", "run", "--export-model", "run/model.mps"],
        "solve-export-through-file": ["solve", SCENARIO, "--export-model", "micro/grid.csv/model.mps"],
    }.items():
        add(name, argv, uses=("micro", "run") if "run" in name else ("micro",))
    for name in ["solve", "validate", "catalog", "sweep", "report", "compare", "init"]:
        add(f"help-{name}", [name, "--help"], codes=OK, expect=("Usage",))
    add("version", ["--version"], codes=OK, expect=("aidc, version",))
    add("help", ["--help"], codes=OK)
    for scheduler in ["", "foo", "tcp://", "tcp://host:notaport", "tcp://[::1", "inproc://nothing", "x" * 3000]:
        add(f"sweep-scheduler-{scheduler[:20]!r}", _sweep_with(["--scheduler", scheduler]), expect=("--scheduler",))
    add("sweep-scheduler-closed-port", _sweep_with(["--scheduler", "tcp://127.0.0.1:9"]), expect=("within",), slow=True)
    add("catalog-ok", ["catalog", "grid", "--scenario", SCENARIO], codes=OK, expect=("grid",))
    add("validate-ok", list(VALIDATE), codes=OK, expect=("valid",))
    add("validate-non-utf8-name", _non_utf8_name, codes=OK, expect=("valid",))
    add("validate-non-utf8-name-process", _non_utf8_name, codes=OK, process=True)
    add("solve-export-over-a-users-file", _export_overwrite, targets=("model.mps",), expect=("not a model file",))
    add("solve-export-over-an-export", _export_over_export, codes=OK, targets=("model.mps",), slow=True)
    add(
        "solve-export-upper-suffix",
        ["solve", SCENARIO, *FAST_SOLVE, "--export-model", "M.MPS"],
        codes=OK,
        targets=("M.MPS",),
        slow=True,
        check=_is_mps("M.MPS"),
    )
    add(
        "solve-export-lp",
        ["solve", SCENARIO, *FAST_SOLVE, "--export-model", "m.lp"],
        codes=OK,
        targets=("m.lp",),
        slow=True,
    )
    for option, value in [
        ("--time-limit", "1e308"),
        ("--time-limit", "5"),
        ("--mip-gap", "0"),
        ("--mip-gap", "1"),
        ("--mip-gap", "1e-300"),
        ("--threads", "1"),
        ("--format", "parquet"),
    ]:
        add(f"solve-ok{option}={value}", ["solve", SCENARIO, option, value, "-q"], codes=OK, slow=True)
    for solver in ["scip"]:
        add(f"solve-solver-{solver}", ["solve", SCENARIO, "--solver", solver, "-q"], codes=(0, 1, 2), slow=True)
    # a few as real processes: exit codes, encodings and messages end to end
    for name, argv in {
        "process-version": ["--version"],
        "process-time-limit-nan": ["solve", SCENARIO, "--time-limit", "nan"],
        "process-threads-huge": ["solve", SCENARIO, "--threads", "100000"],
        "process-validate-missing": ["validate", "nope.yaml"],
        "process-unknown-command": ["frobnicate"],
        "process-export-suffix": ["solve", SCENARIO, "--export-model", "m.txt"],
    }.items():
        add(name, argv, codes=(0, 2), process=True)
    add("process-bomb", with_scenario_text(lambda t: t + bomb(9, 9)), expect=("aliases",), process=True)
    add("process-deep", with_scenario_text(lambda t: t + "x: " + nested(100_000)), process=True)
    add("process-out-dot", ["solve", SCENARIO, "--out", "."], process=True, expect=("current folder",))
    add(
        "process-sweep-bad-seed",
        _sweep_spec({"sample": {"n": 3, "seed": -1, "ranges": {"p": [0.5, 1.5]}}}),
        process=True,
        expect=("seed",),
    )
    return attacks


def _is_mps(name: str) -> Callable[[Path, dict], None]:
    def check(work: Path, reply: dict) -> None:
        first, second = (work / name).read_text().splitlines()[:2]
        assert first == "* Exported by aidc" and second.startswith("NAME"), "not an MPS file aidc exported"
        assert not [p for p in work.iterdir() if p.name.startswith(".")], "temporary files left"

    return check


def _export_overwrite(work: Path) -> list[str]:
    (work / "model.mps").write_text("old")
    return ["solve", SCENARIO, *FAST_SOLVE, "--export-model", "model.mps"]


def _export_over_export(work: Path) -> list[str]:
    (work / "model.mps").write_text("* Exported by aidc\nNAME\nROWS\n N  obj\nENDATA\n")
    return ["solve", SCENARIO, *FAST_SOLVE, "--export-model", "model.mps"]


def _non_utf8_name(work: Path) -> list[str]:
    name = os.fsdecode(b"sc\xe9nario.yaml")
    shutil.copy(work / SCENARIO, work / "micro" / name)
    return ["validate", f"micro/{name}"]


# ----- output targets --------------------------------------------------------------------------
def target_attacks() -> list[Attack]:
    attacks: list[Attack] = []

    def add(name: str, prepare, codes=BAD, expect=(), targets=(), **kw) -> None:
        attacks.append(Attack("targets", name, prepare, codes=codes, expect=expect, targets=targets, **kw))

    def out(target: str, setup: Callable[[Path], None] | None = None, command: str = "solve"):
        def prepare(work: Path) -> list[str]:
            if setup:
                setup(work)
            if command == "solve":
                return ["solve", SCENARIO, *FAST_SOLVE, "--out", target]
            if command == "report":
                return ["report", "run", "--out", target]
            if command == "compare":
                return ["compare", "run", "run2", "--out", target]
            if command == "init":
                return ["init", target]
            _write_spec(work, {"grid": {"p": [1.0]}})
            return ["sweep", "spec.yaml", "--out", target, "--no-progress", "--lp", "--workers", "1"]

        return prepare

    def folder_with(files: dict[str, str]) -> Callable[[Path], None]:
        def setup(work: Path) -> None:
            for name, text in files.items():
                path = work / "t" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)

        return setup

    refused = {
        "dot": (".", None),
        "dotdot": ("..", None),
        "root": ("/", None),
        "input-folder": ("micro", None),
        "above-input": ("micro/..", None),
        "outside-folder": ("../outside", None),
        "a-file": ("micro/grid.csv", None),
        "through-a-file": ("micro/grid.csv/out", None),
        "foreign-folder": ("t", folder_with({"notes.txt": "mine"})),
        "foreign-hidden-file": ("t", folder_with({".env": "SECRET=1"})),
        "forged-marker": ("t", folder_with({".aidc-folder": "{not json", "notes.txt": "mine"})),
        "marker-list": ("t", folder_with({".aidc-folder": "[1, 2]", "notes.txt": "mine"})),
        "report-kind": ("t", folder_with({".aidc-folder": '{"kind": "report"}', "report.html": "x"})),
        "sweep-kind": ("t", folder_with({".aidc-folder": '{"kind": "sweep"}', "sweep.json": "{}"})),
        "scenario-kind": ("t", folder_with({".aidc-folder": '{"kind": "scenario"}', "s.yaml": "x"})),
        "comparison-kind": ("t", folder_with({".aidc-folder": '{"kind": "comparison"}', "c.csv": "x"})),
        "symlink-to-folder": ("link", lambda w: (w / "link").symlink_to(w / "micro")),
        "symlink-to-empty-folder": ("link", lambda w: ((w / "empty").mkdir(), (w / "link").symlink_to(w / "empty"))),
        "dangling-symlink": ("link", lambda w: (w / "link").symlink_to(w / "nowhere")),
        "symlink-loop": ("link", lambda w: (w / "link").symlink_to("link")),
        "dev-null": ("/dev/null", None),
        "proc": ("/proc/aidc-test", None),
        "sys": ("/sys/aidc-test", None),
        "long-name": ("n" * 300, None),
        "long-path": ("/".join(["d" * 200] * 30), None),
        "held-lock": ("r", _hold_lock("r")),
        "fifo-marker": (
            "t",
            lambda w: ((w / "t").mkdir(), os.mkfifo(w / "t" / ".aidc-folder"), (w / "t" / "x").touch()),
        ),
        "lock-is-folder": ("r", lambda w: (w / ".r.aidc-lock").mkdir()),
    }
    same_kind = {"report": "report-kind", "compare": "comparison-kind", "sweep": "sweep-kind"}
    for command in ("solve", "report", "compare", "init", "sweep"):
        for name, (target, setup) in refused.items():
            if command in ("report", "compare") and name == "a-file":
                continue
            if same_kind.get(command) == name:  # a folder of the command's own kind is replaced
                add(
                    f"{command}-{name}-replaced",
                    out(target, setup, command),
                    codes=OK,
                    targets=("t", ".t.aidc-lock"),
                    uses=("micro", "run", "run2"),
                    slow=True,
                )
                continue
            add(
                f"{command}-{name}",
                out(target, setup, command),
                expect=("another aidc process",) if name == "held-lock" else (),
                uses=("micro", "run", "run2"),
            )
    add("report-onto-its-run", lambda w: ["report", "run", "--out", "run"], uses=("micro", "run"))
    add("report-onto-other-run", lambda w: ["report", "run", "--out", "run2"], uses=("micro", "run", "run2"))
    add("compare-onto-run", lambda w: ["compare", "run", "run2", "--out", "run2"], uses=("micro", "run", "run2"))
    add("solve-onto-report", out("run/report", lambda w: _fake_report(w / "run" / "report")), uses=("micro", "run"))
    # accepted targets (a solve each)
    accepted = {
        "new": ("r", None),
        "nested-new": ("a/b/c/r", None),
        "empty-folder": ("t", lambda w: (w / "t").mkdir()),
        "replace-run": ("run", None),
        "stale-lock": ("r", lambda w: (w / ".r.aidc-lock").write_text("")),
        "newline-name": ("a\nb", None),
        "unicode-name": ("résultats-🚀", None),
        "trailing-slash": ("r/", None),
    }
    for name, (target, setup) in accepted.items():
        clean = target.rstrip("/")
        add(
            f"solve-accepted-{name}",
            out(target, setup),
            codes=OK,
            targets=(clean, f".{clean}.aidc-lock", clean.split("/")[0]),
            uses=("micro", "run"),
            slow=True,
            check=_run_written(clean),
        )
    add(
        "solve-removes-staging-leftovers",
        out("r", lambda w: (w / ".r.aidc-staging-old").mkdir()),
        codes=OK,
        targets=("r", ".r.aidc-staging-old"),
        slow=True,
    )
    for name, target in {"new": "newscenario", "empty": "empty"}.items():
        add(
            f"init-accepted-{name}",
            out(target, (lambda w: (w / "empty").mkdir()) if name == "empty" else None, "init"),
            codes=OK,
            targets=(target,),
        )
    # a full disk: writes fail (RLIMIT_FSIZE), the previous run stays, nothing is left behind
    add(
        "solve-disk-full-replacing-run",
        out("run"),
        codes=(5,),
        fsize=300,
        expect=("could not write",),
        uses=("micro", "run"),
        slow=True,
    )
    add("solve-disk-full-new", out("r"), codes=(5,), fsize=300, expect=("could not write",), slow=True)
    add(
        "report-disk-full",
        out("rep", None, "report"),
        codes=(5,),
        fsize=3000,
        expect=("could not write",),
        uses=("micro", "run"),
        slow=True,
    )
    add(
        "export-disk-full",
        lambda w: ["solve", SCENARIO, *FAST_SOLVE, "--export-model", "m.mps"],
        codes=(5,),
        fsize=1000,
        expect=("could not write",),
        slow=True,
    )
    return attacks


def _hold_lock(name: str) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        handle = os.open(work / f".{name}.aidc-lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        HELD.append(handle)

    return setup


def _fake_report(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".aidc-folder").write_text('{"kind": "report"}')
    (folder / "report.html").write_text("<html></html>")


def _run_written(target: str) -> Callable[[Path, dict], None]:
    def check(work: Path, reply: dict) -> None:
        folder = work / target
        assert json.loads((folder / ".aidc-folder").read_text())["kind"] == "run"
        assert (folder / "summary.json").is_file()
        leftovers = [p.name for p in folder.parent.iterdir() if ".aidc-" in p.name]
        assert not leftovers, leftovers

    return check


# ----- run folders -----------------------------------------------------------------------------
def run_folder_attacks() -> list[Attack]:
    attacks: list[Attack] = []
    tables = [*REQUIRED_TABLES, "sites"]

    def add(name: str, mutate: Callable[[Path], None], command: str = "compare", codes=BAD, **kw) -> None:
        def prepare(work: Path) -> list[str]:
            mutate(work / "run")
            if command == "report":
                return ["report", "run", "--out", "rep"]
            if command == "compare-out":
                return ["compare", "run2", "run", "--out", "cmp"]
            return ["compare", "run2", "run"]

        targets = ("rep",) if command == "report" else (("cmp",) if command == "compare-out" else ())
        attacks.append(
            Attack("runs", f"{command}-{name}", prepare, codes=codes, targets=targets, uses=("run", "run2"), **kw)
        )

    def both(name: str, mutate: Callable[[Path], None], codes=BAD, table: str | None = None, **kw) -> None:
        """Report and compare; a table only the other command reads may be broken for one."""
        if table != "sites":
            add(name, mutate, "report", codes, **kw)
        add(name, mutate, "compare", codes if table in (None, *COMPARED) else ANY, **kw)

    summary_bodies = {
        "empty": "",
        "not-json": "{summary",
        "list": "[1, 2]",
        "null": "null",
        "string": '"text"',
        "deep": "[" * 100_000 + "]" * 100_000,
        "utf16": None,
        "binary": None,
    }
    for name, body in summary_bodies.items():
        both(f"summary-{name}", _summary_text(body, name))
    both("summary-missing", lambda run: (run / "summary.json").unlink())
    both("summary-folder", lambda run: ((run / "summary.json").unlink(), (run / "summary.json").mkdir()))
    both(
        "summary-link-dev-zero",
        lambda run: ((run / "summary.json").unlink(), (run / "summary.json").symlink_to("/dev/zero")),
    )
    for key in ("cost_per_mtok_usd", "cost_breakdown_usd", "years"):
        both(f"summary-without-{key}", _summary_edit(lambda s, k=key: s.pop(k)))
        for value in ("text", True):
            both(f"summary-{key}-{value!r}", _summary_edit(lambda s, k=key, v=value: s.__setitem__(k, v)))
        add(f"summary-{key}-list", _summary_edit(lambda s, k=key: s.__setitem__(k, [1])), "compare", codes=ANY)
    for key, value in {
        "years": [],
        "cost_per_mtok_usd": float("nan"),
        "cost_breakdown_usd": {"energy": "x"},
        "status": {"a": 1},
        "sites_opened": "x",
        "objective_usd": 1e308,
        "tokens_served": -1,
    }.items():
        add(f"summary-{key}-odd", _summary_edit(lambda s, k=key, v=value: s.__setitem__(k, v)), codes=(0, 2))
    for table in tables:
        both(f"{table}-missing", lambda run, t=table: (run / f"{t}.csv").unlink(), table=table)
        both(f"{table}-empty-file", lambda run, t=table: (run / f"{t}.csv").write_text(""), table=table)
        both(f"{table}-binary", lambda run, t=table: (run / f"{t}.csv").write_bytes(_garbage(3, 5000)), table=table)
        both(f"{table}-utf16", _reencode(table), table=table)
        both(
            f"{table}-a-folder",
            lambda run, t=table: ((run / f"{t}.csv").unlink(), (run / f"{t}.csv").mkdir()),
            table=table,
        )
        both(f"{table}-drop-first-column", _table_edit(table, lambda f: f.drop(columns=f.columns[0])), table=table)
        both(f"{table}-drop-last-column", _table_edit(table, lambda f: f.drop(columns=f.columns[-1])), table=table)
        if table != "cooling_designs":  # a table without numbers
            both(f"{table}-text-in-numbers", _table_edit(table, _text_in_numbers), table=table)
        add(f"{table}-header-only", _table_edit(table, lambda f: f.iloc[:0]), "compare", codes=(0, 2))
        add(f"{table}-nan-values", _table_edit(table, _numbers_to(float("nan"))), "compare", codes=(0, 2))
        add(f"{table}-huge-values", _table_edit(table, _numbers_to(1e308)), "compare", codes=(0, 2))
        add(f"{table}-negative-values", _table_edit(table, _numbers_to(-1.0)), "compare", codes=(0, 2))
    both("too-many-sites", _many_sites, expect=("distinct values",))
    both("fifo-table", lambda run: ((run / "accelerators.csv").unlink(), os.mkfifo(run / "accelerators.csv")))
    both("fifo-summary", lambda run: ((run / "summary.json").unlink(), os.mkfifo(run / "summary.json")))
    both("huge-table-file", lambda run: _sparse(run / "accelerators.csv", 2_100_000_000), expect=("larger than",))
    both(
        "corrupt-parquet",
        lambda run: ((run / "accelerators.csv").unlink(), (run / "accelerators.parquet").write_bytes(b"PAR1junk")),
    )
    attacks.append(Attack("runs", "report-not-a-folder", lambda w: ["report", "micro/grid.csv"], uses=("micro",)))
    attacks.append(Attack("runs", "report-root", lambda w: ["report", "/", "--out", "rep"], uses=("micro",)))
    attacks.append(
        Attack("runs", "report-scenario-folder", lambda w: ["report", "micro", "--out", "rep"], uses=("micro",))
    )
    attacks.append(
        Attack("runs", "compare-run-and-scenario", lambda w: ["compare", "run", "micro"], uses=("micro", "run"))
    )
    # a valid run folder drawn (slow: every chart)
    attacks.append(
        Attack(
            "runs",
            "report-valid",
            lambda w: ["report", "run", "--out", "rep"],
            codes=OK,
            targets=("rep",),
            uses=("run",),
            slow=True,
        )
    )
    attacks.append(
        Attack(
            "runs",
            "report-default-target",
            lambda w: ["report", "run"],
            codes=OK,
            targets=("run/report",),
            uses=("run",),
            slow=True,
        )
    )
    attacks.append(
        Attack(
            "runs",
            "compare-valid-out",
            lambda w: ["compare", "run", "run2", "--out", "cmp"],
            codes=OK,
            targets=("cmp",),
            uses=("run", "run2"),
            slow=True,
        )
    )
    for name in ("nan-values", "huge-values", "header-only"):
        for table in ("accelerators", "energy", "marginal_costs", "demand"):
            mutate = {
                "nan-values": _numbers_to(float("nan")),
                "huge-values": _numbers_to(1e308),
                "header-only": lambda f: f.iloc[:0],
            }[name]
            add(f"{table}-{name}", _table_edit(table, mutate), "report", codes=(0, 2), slow=True)
    return attacks


COMPARED = ("accelerators", "capacity", "sites")


def _reencode(table: str) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        path = run / f"{table}.csv"
        path.write_bytes(path.read_text().encode("utf-16"))

    return mutate


def _summary_text(body: str | None, name: str) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        path = run / "summary.json"
        if name == "utf16":
            path.write_bytes(path.read_text().encode("utf-16"))
        elif name == "binary":
            path.write_bytes(_garbage(11, 4000))
        else:
            path.write_text(body or "")

    return mutate


def _summary_edit(edit: Callable[[dict], object]) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        path = run / "summary.json"
        data = json.loads(path.read_text())
        edit(data)
        path.write_text(json.dumps(data))

    return mutate


def _table_edit(table: str, edit) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        import pandas as pd

        path = run / f"{table}.csv"
        edit(pd.read_csv(path)).to_csv(path, index=False)

    return mutate


def _text_in_numbers(frame):
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype.kind in "if":
            frame[column] = frame[column].astype(object)
            frame.loc[frame.index[:1], column] = "lots"
    if frame.empty:
        frame.loc[0] = ["lots"] * len(frame.columns)
    return frame


def _numbers_to(value: float):
    def edit(frame):
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype.kind == "f":
                frame[column] = value
        return frame

    return edit


def _many_sites(run: Path) -> None:
    import pandas as pd

    path = run / "accelerators.csv"
    frame = pd.read_csv(path)
    row = frame.iloc[0] if len(frame) else None
    rows = [dict(row, site=f"s{i}") for i in range(5000)] if row is not None else []
    pd.DataFrame(rows, columns=frame.columns).to_csv(path, index=False)
    counts = run / ".aidc-rows.json"  # consistent: a real plan that large, not a file cut short
    if counts.exists():
        counts.write_text(json.dumps(json.loads(counts.read_text()) | {"accelerators": len(rows)}))


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as stream:
        stream.truncate(size)


# ----- sweep specs -----------------------------------------------------------------------------
BASE_SPEC = {
    "name": "adversarial",
    "base": "micro/scenario.yaml",
    "parameters": {
        "p": {"kind": "energy_price_scale"},
        "a": {"kind": "accelerator_price", "accelerator": "gpu"},
        "w": {"kind": "setting", "setting": "wacc"},
    },
}


def _write_spec(work: Path, body: dict, text: str | None = None) -> None:
    spec = {**BASE_SPEC, **body}
    spec = {key: value for key, value in spec.items() if value is not _DELETE}
    (work / "spec.yaml").write_text(text if text is not None else yaml.safe_dump(spec, sort_keys=False))


def _sweep_spec(body: dict, options: list[str] | None = None, text: str | None = None) -> Callable[[Path], list[str]]:
    def prepare(work: Path) -> list[str]:
        _write_spec(work, body, text)
        return ["sweep", "spec.yaml", "--out", "o", "--no-progress", "--lp", "--workers", "1", *(options or [])]

    return prepare


def _sweep_with(options: list[str]) -> Callable[[Path], list[str]]:
    return _sweep_spec({"grid": {"p": [1.0]}}, options)


def sweep_attacks() -> list[Attack]:
    attacks: list[Attack] = []

    def add(name: str, prepare, codes=BAD, expect=(), targets=(), **kw) -> None:
        attacks.append(Attack("sweeps", name, prepare, codes=codes, expect=expect, targets=targets, **kw))

    bad_bodies = {
        "no-cases": {},
        "unknown-kind": {"parameters": {"p": {"kind": "magic"}}, "grid": {"p": [1]}},
        "missing-filter": {"parameters": {"p": {"kind": "energy_price", "site": "a"}}, "grid": {"p": [1]}},
        "extra-filter": {"parameters": {"p": {"kind": "carbon_price", "site": "a"}}, "grid": {"p": [1]}},
        "no-parameters": {"parameters": {}, "grid": {}},
        "undeclared-in-grid": {"grid": {"zzz": [1]}},
        "undeclared-in-cases": {"cases": [{"zzz": 1}]},
        "grid-empty-list": {"grid": {"p": []}},
        "grid-not-list": {"grid": {"p": 1.0}},
        "grid-text": {"grid": {"p": ["cheap"]}},
        "grid-nan": {"grid": {"p": [float("nan")]}},
        "grid-inf": {"grid": {"p": [float("inf")]}},
        "grid-huge": {"grid": {"p": [1e300]}},
        "grid-zero-scale": {"grid": {"p": [0]}},
        "grid-negative": {"grid": {"a": [-5]}},
        "grid-bool": {"grid": {"p": [True]}},
        "grid-nested": {"grid": {"p": [[1.0]]}},
        "grid-product-too-big": {
            "grid": {"p": [1.0 + i / 1000 for i in range(400)], "a": [1000.0 + i for i in range(400)]}
        },
        "cases-not-dicts": {"cases": [1, 2]},
        "cases-nan": {"cases": [{"a": float("nan")}]},
        "sample-n-zero": {"sample": {"n": 0, "ranges": {"p": [0.5, 1.5]}}},
        "sample-n-huge": {"sample": {"n": 1_000_000, "ranges": {"p": [0.5, 1.5]}}},
        "sample-n-cap": {"sample": {"n": 100_000, "ranges": {"p": [0.5, 1.5]}}, "grid": {"p": [1.0, 2.0]}},
        "sample-n-negative": {"sample": {"n": -1, "ranges": {"p": [0.5, 1.5]}}},
        "sample-seed-negative": {"sample": {"n": 3, "seed": -1, "ranges": {"p": [0.5, 1.5]}}},
        "sample-seed-huge": {"sample": {"n": 3, "seed": 2**70, "ranges": {"p": [0.5, 1.5]}}},
        "sample-seed-text": {"sample": {"n": 3, "seed": "x", "ranges": {"p": [0.5, 1.5]}}},
        "sample-no-ranges": {"sample": {"n": 3, "ranges": {}}},
        "sample-reversed": {"sample": {"n": 3, "ranges": {"p": [1.5, 0.5]}}},
        "sample-nan-range": {"sample": {"n": 3, "ranges": {"p": [float("nan"), 1.5]}}},
        "sample-inf-range": {"sample": {"n": 3, "ranges": {"p": [0.5, float("inf")]}}},
        "sample-huge-range": {"sample": {"n": 3, "ranges": {"a": [0, 1e300]}}},
        "sample-text-param": {"sample": {"n": 3, "ranges": {"w": [0.01, 0.1]}}},
        "sample-three-bounds": {"sample": {"n": 3, "ranges": {"p": [0.5, 1.0, 1.5]}}},
        "sample-method": {"sample": {"n": 3, "method": "sobol", "ranges": {"p": [0.5, 1.5]}}},
        "sample-digits": {"sample": {"n": 3, "digits": 100, "ranges": {"p": [0.5, 1.5]}}},
        "base-missing": {"base": "nope.yaml", "grid": {"p": [1.0]}},
        "base-folder": {"base": "micro", "grid": {"p": [1.0]}},
        "base-nul": {"base": "a\x00b.yaml", "grid": {"p": [1.0]}},
        "base-invalid-scenario": {"base": "bad.yaml", "grid": {"p": [1.0]}},
        "base-changes-unknown": {"base_changes": {"colour": "blue"}, "grid": {"p": [1.0]}},
        "base-changes-locked": {"base_changes": {"catalogs": {}}, "grid": {"p": [1.0]}},
        "base-changes-bad-value": {"base_changes": {"wacc": "high"}, "grid": {"p": [1.0]}},
        "base-changes-bad-override": {
            "base_changes": {"overrides": [{"catalog": "sites", "set": {"x": 1}}]},
            "grid": {"p": [1.0]},
        },
        "setting-unknown": {"parameters": {"s": {"kind": "setting", "setting": "colour"}}, "grid": {"s": [1]}},
        "setting-locked": {"parameters": {"s": {"kind": "setting", "setting": "catalogs"}}, "grid": {"s": [1]}},
        "setting-uncertainty": {
            "parameters": {"s": {"kind": "setting", "setting": "uncertainty"}},
            "cases": [{"s": None}],
        },
        "base-changes-uncertainty": {"base_changes": {"uncertainty": None}, "grid": {"p": [1.0]}},
        "catalog-unknown": {
            "parameters": {"c": {"kind": "catalog", "catalog": "widgets", "column": "x"}},
            "grid": {"c": [1]},
        },
        "catalog-column-unknown": {
            "parameters": {"c": {"kind": "catalog", "catalog": "sites", "column": "x"}},
            "grid": {"c": [1]},
        },
        "catalog-where-no-match": {
            "parameters": {
                "c": {"kind": "catalog", "catalog": "sites", "where": {"site": "zz"}, "column": "floor_racks"}
            },
            "grid": {"c": [1]},
        },
        "filter-no-match": {
            "parameters": {"p": {"kind": "energy_price_scale", "site": "atlantis"}},
            "grid": {"p": [1]},
        },
        "include-base-text": {"include_base": "maybe", "grid": {"p": [1.0]}},
        "unknown-key": {"colour": "blue", "grid": {"p": [1.0]}},
        "parameters-list": {"parameters": ["p"], "grid": {"p": [1.0]}},
    }
    for name, body in bad_bodies.items():
        add(f"spec-{name}", _with_bad_base(_sweep_spec(body)) if "invalid-scenario" in name else _sweep_spec(body))
    for name, text in {
        "bomb": yaml.safe_dump(BASE_SPEC) + bomb(9, 9),
        "deep": yaml.safe_dump(BASE_SPEC) + "x: " + nested(10_000),
        "duplicate-key": yaml.safe_dump(BASE_SPEC) + "grid: {p: [1]}\ngrid: {p: [2]}\n",
        "not-mapping": "- a\n",
        "empty": "",
        "binary": "\x00\x01\x02",
    }.items():
        add(f"spec-yaml-{name}", _sweep_spec({}, text=text))
    for name, option in {"tables": ["--tables"], "rebuild": ["--rebuild"], "relax": ["--relax"]}.items():
        add(f"sweep-bad-spec-with-{name}", _sweep_spec({"grid": {"p": ["x"]}}, option))
    # valid sweeps (a worker pool each): mixed types, resume, corrupt case files, changed inputs
    add(
        "mixed-type-setting-values",
        _sweep_spec(  # values valid alone (an impossible one refuses the spec), of mixed types
            {
                "parameters": {
                    **BASE_SPEC["parameters"],
                    "c": {"kind": "setting", "setting": "carbon_price_usd_per_t"},
                },
                "cases": [{"w": 0.05}, {"c": 10}, {"c": {2026: 5.0}}, {"c": 0.5}],
                "grid": {"p": [1.0, 1.2]},
            }
        ),
        codes=OK,
        targets=("o", ".o.aidc-lock"),
        slow=True,
        check=_results_readable(7),
    )
    add(
        "resume-after-input-change",
        _resume_after(lambda w: (w / "micro" / "grid.csv").write_text((w / "micro" / "grid.csv").read_text() + "\n")),
        targets=("o",),
        expect=("input_sha256", "changed since: grid.csv"),
        slow=True,
    )
    add(
        "resume-corrupt-manifest",
        _resume_after(lambda w: (w / "o" / "sweep.json").write_text("{oops")),
        targets=("o",),
        expect=("sweep.json",),
        slow=True,
    )
    add(
        "resume-no-manifest",
        _resume_after(lambda w: (w / "o" / "sweep.json").unlink()),
        targets=("o",),
        expect=("sweep.json",),
        slow=True,
    )
    add(
        "resume-corrupt-case-files",
        _resume_after(_corrupt_cases),
        codes=OK,
        targets=("o",),
        slow=True,
        check=_results_readable(3),
    )
    add(
        "resume-fifo-and-folder-case-files",
        _resume_after(_special_case_files),
        codes=(0, 5),
        targets=("o",),
        slow=True,
    )
    add("resume-fifo-manifest", _resume_after(_fifo_manifest), targets=("o",), expect=("sweep.json",), slow=True)
    add(
        "resume-other-options",
        _resume_after(lambda w: None, ["--mip-gap", "0.5"]),
        targets=("o",),
        expect=("options",),
        slow=True,
    )
    add(
        "rerun-without-resume-starts-afresh",
        _resume_after(lambda w: (w / "o" / "cases" / "zzz.json").write_text("{}"), resume=False),
        codes=OK,
        targets=("o",),
        slow=True,
        check=_started_afresh,
    )
    return attacks


def _started_afresh(work: Path, reply: dict) -> None:
    """A rerun without --resume that completes: the earlier sweep was parked, not mixed in; it
    holds a file aidc does not write (``cases/zzz.json``), so it is kept, with that file."""
    out = work / "o"
    _assert(not (out / "cases" / "zzz.json").exists(), "old case files mixed into the new sweep")
    _assert((out / ".aidc-earlier-sweep" / "cases" / "zzz.json").exists(), "a file aidc did not write was removed")
    _results_readable(3)(work, reply)


def _assert(condition: bool, message: str) -> None:
    assert condition, message


def _with_bad_base(prepare):
    def wrapped(work: Path) -> list[str]:
        data = scenario(work)
        data["wacc"] = "high"
        (work / "bad.yaml").write_text(yaml.safe_dump(data).replace("accelerators.csv", "micro/accelerators.csv"))
        return prepare(work)

    return wrapped


def _resume_after(
    change: Callable[[Path], object], options: list[str] | None = None, resume: bool = True
) -> Callable[[Path], list[str]]:
    def prepare(work: Path) -> list[str]:
        import subprocess
        import sys

        _write_spec(work, {"grid": {"p": [1.0, 1.3]}})
        argv = ["sweep", "spec.yaml", "--out", "o", "--no-progress", "--lp", "--workers", "1"]
        done = subprocess.run(
            [sys.executable, "-m", "aidc.optimizer", *argv], cwd=work, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        change(work)
        return [*argv, *(["--resume"] if resume else []), *(options or [])]

    return prepare


def _corrupt_cases(work: Path) -> None:
    cases = sorted((work / "o" / "cases").glob("*.json"))
    cases[0].write_text('{"case_id": "trunc')
    cases[1].write_text(json.dumps({"case_id": cases[1].stem, "status": "ok", "values": [1], "sites": 5}))


def _special_case_files(work: Path) -> None:
    cases = sorted((work / "o" / "cases").glob("*.json"))
    cases[0].unlink()
    os.mkfifo(cases[0])
    (work / "o" / "cases" / ".hidden").mkdir()


def _fifo_manifest(work: Path) -> None:
    (work / "o" / "sweep.json").unlink()
    os.mkfifo(work / "o" / "sweep.json")


def _results_readable(count: int) -> Callable[[Path, dict], None]:
    def check(work: Path, reply: dict) -> None:
        import pandas as pd

        frame = pd.read_parquet(work / "o" / "results.parquet")
        assert len(frame) == count and frame["case_id"].is_unique, frame[["case_id", "status"]]

    return check


def all_attacks() -> list[Attack]:
    from tests.adversarial.uncertainty_cases import uncertainty_attacks

    return [
        *csv_attacks(),
        *yaml_attacks(),
        *option_attacks(),
        *target_attacks(),
        *run_folder_attacks(),
        *sweep_attacks(),
        *uncertainty_attacks(),
    ]
