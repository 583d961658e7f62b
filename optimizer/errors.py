"""Errors a user can act on: bad input (exit 2) and failed solves (other exit codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_SOLVER_FAILURE = 1  # the solver failed, or an internal error (a bug: please report it)
EXIT_INVALID_INPUT = 2  # bad scenario, catalog, spec, option or output target; nothing was written
EXIT_UNSERVED_STRICT = 3  # --strict and some demand is unserved
EXIT_NO_SOLUTION = 4  # no plan: time limit before any plan, or hard limits infeasible
EXIT_WRITE_FAILED = 5  # the plan was found but could not be written (disk full, permissions)
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_TERMINATED = 143  # SIGTERM


@dataclass(frozen=True)
class InputIssue:
    """One problem in the input: where it is and what was expected."""

    file: str
    location: str  # "line 4", "years", "overrides[2].scale"
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, {self.location}" if self.location else self.file
        field = f", field '{self.field}'" if self.field else ""
        return f"{where}{field}: {self.message}"


MAX_ISSUES_SHOWN = 30
MAX_LINE = 300
MAX_LINES = 45
MAX_MESSAGE = 6000
MAX_VALUE = 80  # characters of a user's value quoted in a message
_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` made safe for one screen: control characters escaped (no terminal escapes from
    input), each line cut to MAX_LINE characters, at most MAX_LINES lines and ``limit`` characters."""
    lines = [
        line if len(line) <= MAX_LINE else line[: MAX_LINE - 20] + " ... (cut)"
        for line in str(text).translate(_CONTROL).splitlines()
    ]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], f"  ... ({len(lines) - MAX_LINES + 1} more lines cut)"]
    text = "\n".join(lines)
    return text if len(text) <= limit else text[: limit - 30] + "\n  ... (message cut)"


def plain(value: Any, limit: int = MAX_VALUE) -> str:
    """A user's value as a message quotes it: numbers as numbers (numpy scalars too, never
    ``np.float64(1.0)``), text in quotes, containers by their plain items; cut to ``limit``."""
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, bool) or value is None:
        text = "nothing" if value is None else str(value).lower()
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, int):
        text = (
            str(value)
            if value.bit_length() < 100
            else f"an integer of about {int(value.bit_length() * 0.30103)} digits"
        )
    elif isinstance(value, str):
        text = repr(value) if len(value) <= limit else repr(value[:limit]) + " ..."
    elif isinstance(value, dict):
        items = [f"{plain(k, 20)}: {plain(v, 20)}" for k, v in list(value.items())[:5]]
        text = "{" + ", ".join(items) + (", ..." if len(value) > 5 else "") + "}"
    elif isinstance(value, list | tuple):
        items = [plain(item, 20) for item in list(value)[:5]]
        text = "[" + ", ".join(items) + (", ..." if len(value) > 5 else "") + "]"
    else:
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit + 10 else text[:limit] + " ..."


class InputError(Exception):
    """Invalid scenario or catalog input; carries every issue found, not just the first."""

    def __init__(self, issues: list[InputIssue]):
        self.issues = list(issues)
        super().__init__(self.render())

    def render(self) -> str:
        """Every issue, one per line, at most MAX_ISSUES_SHOWN of them, each line bounded."""
        count = len(self.issues)
        head = f"invalid input ({count} problem{'s' if count != 1 else ''}):"
        shown = [f"  - {issue}" for issue in self.issues[:MAX_ISSUES_SHOWN]]
        if count > MAX_ISSUES_SHOWN:
            shown.append(f"  ... and {count - MAX_ISSUES_SHOWN} more")
        return bounded("\n".join([head, *shown]))


class SolveError(Exception):
    """The solver ended without a usable plan; ``exit_code`` says why."""

    def __init__(self, message: str, exit_code: int = EXIT_SOLVER_FAILURE):
        super().__init__(message)
        self.exit_code = exit_code


class OutputError(Exception):
    """An output target aidc may not or could not write; ``exit_code`` says which (2 or 5)."""

    def __init__(self, message: str, exit_code: int = EXIT_INVALID_INPUT):
        super().__init__(message)
        self.exit_code = exit_code
