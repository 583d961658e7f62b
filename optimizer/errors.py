"""Errors a user can act on: bad input (exit 2) and failed solves (other exit codes)."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_SOLVER_FAILURE = 1
EXIT_INVALID_INPUT = 2
EXIT_UNSERVED_STRICT = 3
EXIT_NO_SOLUTION = 4


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


class InputError(Exception):
    """Invalid scenario or catalog input; carries every issue found, not just the first."""

    def __init__(self, issues: list[InputIssue]):
        self.issues = list(issues)
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.issues)
        head = f"invalid input ({count} problem{'s' if count != 1 else ''}):"
        return "\n".join([head, *(f"  - {issue}" for issue in self.issues)])


class SolveError(Exception):
    """The solver ended without a usable plan; ``exit_code`` says why."""

    def __init__(self, message: str, exit_code: int = EXIT_SOLVER_FAILURE):
        super().__init__(message)
        self.exit_code = exit_code
