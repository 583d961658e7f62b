"""Errors a user can act on: bad input (exit 2) and failed solves (other exit codes)."""

from __future__ import annotations

from dataclasses import dataclass

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
MAX_MESSAGE = 6000


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters (and each line to MAX_LINE), saying so."""
    lines = [line if len(line) <= MAX_LINE else line[: MAX_LINE - 20] + " ... (cut)" for line in text.splitlines()]
    text = "\n".join(lines)
    return text if len(text) <= limit else text[: limit - 30] + "\n  ... (message cut)"


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
