"""The one place where the CLI turns failures into messages and exit codes.

Every command runs inside :class:`AidcGroup`, whose ``invoke`` maps:
InputError, pydantic errors and refused output targets -> 2; SolveError -> its code (1, 4 or 130); a
failed write (disk full, file too large, read-only) -> 5; Ctrl-C -> 130 and SIGTERM -> 143
("interrupted", saying what was written before); out of memory -> 1;
anything else -> 1 with a one-line "internal error" (``AIDC_DEBUG=1`` shows the traceback).
Messages are bounded: no input can make aidc print more than one screen.
"""

from __future__ import annotations

import errno
import math
import os
import signal
import sys
import traceback
from contextlib import suppress
from typing import Any

import click
from pydantic import ValidationError

from aidc.optimizer.cli import stop_quietly_on_signals
from aidc.optimizer.errors import (
    EXIT_INTERRUPTED,
    EXIT_INVALID_INPUT,
    EXIT_SOLVER_FAILURE,
    EXIT_TERMINATED,
    EXIT_WRITE_FAILED,
    InputError,
    OutputError,
    SolveError,
    bounded,
)
from aidc.optimizer.inputs.loading import pydantic_issues
from aidc.optimizer.solve import interrupts
from aidc.optimizer.solve.highs import abandoned_solves

_WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO)

_received: list[int] = []


def _on_sigterm(signum: int, frame: Any) -> None:
    """SIGTERM stops the work the way Ctrl-C does (the solver is asked to stop, staging folders
    are removed); the exit code then says SIGTERM."""
    _received.append(signum)
    raise KeyboardInterrupt


def install_signal_handlers() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)


def _interrupted_message() -> str:
    from aidc.optimizer.results.output_target import WRITTEN

    if not WRITTEN:
        return "interrupted; nothing was written"
    return f"interrupted after writing {', '.join(str(path) for path in dict.fromkeys(WRITTEN))}"


def _plain_output() -> None:
    """File names are bytes on Linux: print them as they are (no UnicodeEncodeError for a name
    that is not UTF-8), and never fail on a terminal that cannot show a character."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(AttributeError, ValueError):
            stream.reconfigure(errors="surrogateescape" if stream is sys.stdout else "backslashreplace")


def _write_error_code(error: OSError) -> int:
    return EXIT_WRITE_FAILED if error.errno in _WRITE_ERRNOS else EXIT_INVALID_INPUT


def _interrupted_code() -> int:
    terminated = signal.SIGTERM in _received or signal.SIGTERM in interrupts.RECEIVED  # the latter: during a solve
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def fail(message: str, code: int) -> None:
    """Print ``message`` and end with ``code``. A signal from here on (a second Ctrl-C while the
    process ends) ends it at once with the signal's code. After an interruption, or while a solver
    thread still runs, the process ends without interpreter shutdown: Python restores the default
    handlers there, so a second Ctrl-C would kill it by the signal (exit -2, not 130); the work
    was already cleaned up as the interruption unwound."""
    stop_quietly_on_signals()
    click.echo(bounded(message), err=True)
    if abandoned_solves() or code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        with suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


class AidcGroup(click.Group):
    """A click group whose commands share one error boundary."""

    def invoke(self, ctx: click.Context) -> Any:
        install_signal_handlers()
        _plain_output()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except InputError as error:
            fail(error.render(), EXIT_INVALID_INPUT)
        except OutputError as error:
            fail(f"error: {error}", error.exit_code)
        except SolveError as error:
            code = _interrupted_code() if error.exit_code == EXIT_INTERRUPTED else error.exit_code
            fail(f"error: {error}", code)
        except ValidationError as error:  # pydantic on user input that no loader translated
            fail(InputError(pydantic_issues(error, "input")).render(), EXIT_INVALID_INPUT)
        except KeyboardInterrupt:
            fail(_interrupted_message(), _interrupted_code())
        except MemoryError:
            fail("error: out of memory (try a smaller scenario, --lp, or fewer workers)", EXIT_SOLVER_FAILURE)
        except RecursionError:
            fail("error: the input is nested too deeply", EXIT_INVALID_INPUT)
        except BrokenPipeError:  # the reader of our output went away (e.g. `aidc ... | head`)
            with suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_SOLVER_FAILURE)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            fail(f"error: {where}{error.strerror or error}", _write_error_code(error))
        except Exception as error:
            if os.environ.get("AIDC_DEBUG"):
                traceback.print_exc()
            detail = f"{type(error).__name__}: {error}"
            fail(
                f"internal error ({detail}); this is a bug in aidc, please report it "
                "(AIDC_DEBUG=1 shows the traceback)",
                EXIT_SOLVER_FAILURE,
            )


class FiniteFloat(click.ParamType):
    """A finite number within [low, high] (NaN and infinity are refused)."""

    name = "number"

    def __init__(self, low: float | None = None, high: float | None = None, low_open: bool = False):
        self.low, self.high, self.low_open = low, high, low_open

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"expected a number, found {bounded(repr(value), 40)}", param, ctx)
        if not math.isfinite(number):
            self.fail(f"expected a finite number, found {value}", param, ctx)
        if self.low is not None and (number < self.low or (self.low_open and number == self.low)):
            self.fail(f"expected a number {'above' if self.low_open else 'of at least'} {self.low}", param, ctx)
        if self.high is not None and number > self.high:
            self.fail(f"expected a number of at most {self.high}", param, ctx)
        return number


def core_limit() -> int:
    """The most threads or workers worth starting: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


TimeLimit = FiniteFloat(low=0.1)
MipGap = FiniteFloat(low=0.0, high=1.0)
