"""aidc application layer: load and validate inputs, build, solve, report, CLI."""

__version__ = "0.1.0"
