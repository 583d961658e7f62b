"""Read a catalog CSV within bounds, keeping the line on which each row starts.

Line numbers are the file's own (1 = the header), counted by the csv reader: right after blank
lines and for rows whose quoted cells span several lines. The format is strict and one: UTF-8
(a byte-order mark is accepted), ``,`` as separator, ``"`` as quote, any line ending; anything
else is refused with a message saying what the file looks like instead (UTF-16, Latin-1,
``;``-separated, ragged rows).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from aidc.optimizer.errors import InputIssue, plain

MAX_CSV_BYTES = 64 * 2**20  # the shipped catalogs are under 40 kB each
MAX_CSV_ROWS = 1_000_000
MAX_CELL = 100_000  # characters in one cell
OTHER_SEPARATORS = {";": "';'", "\t": "tab", "|": "'|'"}


@dataclass
class CsvTable:
    """The header and the non-blank rows of a CSV file, with the line each row starts on."""

    header: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def decode(path: Path, raw: bytes) -> tuple[str | None, InputIssue | None]:
    """The text of a UTF-8 file (BOM dropped), or an issue saying what the bytes look like."""
    file = str(path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, InputIssue(file, "", "", "the file is UTF-16 text; save it as UTF-8 (CSV UTF-8)")
    if b"\x00" in raw:
        return None, InputIssue(file, "", "", "the file holds NUL bytes: binary data or UTF-16 text, not UTF-8 CSV")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        return None, InputIssue(
            file,
            f"line {line}",
            "",
            f"not UTF-8 text (byte 0x{byte:02x}; Latin-1 or Windows-1252?); save the file as UTF-8 (CSV UTF-8)",
        )


def read_csv_table(path: Path) -> tuple[CsvTable | None, list[InputIssue]]:
    """The table in ``path``, or None and the issues that keep it from being read."""
    file = str(path)
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        return None, [InputIssue(file, "", "", f"file of {size:,} bytes; a catalog may have at most {MAX_CSV_BYTES:,}")]
    text, issue = decode(path, path.read_bytes())
    if issue:
        return None, [issue]
    assert text is not None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    table: CsvTable | None = None
    issues: list[InputIssue] = []
    previous_end = 0
    limit = csv.field_size_limit(MAX_CELL)
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # a blank line, or a row of empty cells
            if table is None:
                table, header_issues = _header(file, start, record)
                issues += header_issues
                if header_issues:
                    return None, issues
                continue
            if len(record) != len(table.header):
                issues.append(_ragged(file, start, len(record), len(table.header)))
                continue
            if len(table.rows) >= MAX_CSV_ROWS:
                return None, [InputIssue(file, f"line {start}", "", f"more than {MAX_CSV_ROWS:,} rows")]
            table.rows.append(dict(zip(table.header, (cell.strip() for cell in record), strict=True)))
            table.lines.append(start)
    except csv.Error as error:
        where = f"line {previous_end + 1}"
        message = str(error)
        if "field larger than field limit" in message:
            message = f"a cell longer than {MAX_CELL:,} characters"
        elif "unexpected end of data" in message or "EOF" in message:
            message = "a quoted cell is never closed (a missing '\"')"
        return None, [*issues, InputIssue(file, where, "", f"not readable as CSV: {message}")]
    finally:
        csv.field_size_limit(limit)
    if table is None:
        return None, [InputIssue(file, "", "", "the file is empty; expected a header line naming the columns")]
    return table, issues


def _header(file: str, line: int, record: list[str]) -> tuple[CsvTable, list[InputIssue]]:
    names = [cell.strip() for cell in record]
    where = f"line {line}"
    if len(names) == 1:
        for separator, word in OTHER_SEPARATORS.items():
            if separator in names[0]:
                return CsvTable(names), [
                    InputIssue(
                        file,
                        where,
                        "",
                        f"the header is one column {plain(names[0], 60)}: the file looks {word}-separated; "
                        "aidc reads comma-separated CSV (save it with ',' as the separator)",
                    )
                ]
    issues = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            issues.append(InputIssue(file, where, "", f"column {position} has no name (a stray comma?)"))
        elif name in seen:
            issues.append(InputIssue(file, where, name, "column appears twice in the header"))
        seen.add(name)
    return CsvTable(names), issues


def _ragged(file: str, line: int, found: int, expected: int) -> InputIssue:
    hint = "an unquoted ',' inside a value?" if found > expected else "a missing ','?"
    return InputIssue(file, f"line {line}", "", f"{found} values but the header names {expected} columns ({hint})")
