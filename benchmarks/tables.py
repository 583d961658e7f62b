"""Plain-text tables for the benchmark scripts (right-aligned columns)."""

from __future__ import annotations


def format_cell(value: object, digits: int = 2) -> str:
    """A number with ``digits`` decimals, '-' for None, anything else as text."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_table(header: list[str], rows: list[list[object]]) -> None:
    """Print ``rows`` under ``header`` with right-aligned columns."""
    cells = [[format_cell(value) for value in row] for row in rows]
    widths = [max(len(title), *(len(row[i]) for row in cells)) for i, title in enumerate(header)]
    print("  ".join(title.rjust(width) for title, width in zip(header, widths, strict=True)))
    for row in cells:
        print("  ".join(value.rjust(width) for value, width in zip(row, widths, strict=True)))
