"""The ``aidc`` command line (``run`` is the console script).

``run`` installs quiet handlers for Ctrl-C and SIGTERM before the heavy imports (Pyomo, HiGHS,
pandas: about a second), so a signal then ends the process with its exit code and no traceback
(nothing has been written yet); each command's error boundary (``boundary.py``) takes over after.
"""

import os
import signal


def stop_quietly(signum: int, frame: object) -> None:
    """End the process at once with the signal's exit code (SIGTERM 143, Ctrl-C 130)."""
    os._exit(143 if signum == signal.SIGTERM else 130)


def stop_quietly_on_signals() -> None:
    """From now on, Ctrl-C and SIGTERM end the process at once (:func:`stop_quietly`)."""
    signal.signal(signal.SIGINT, stop_quietly)
    signal.signal(signal.SIGTERM, stop_quietly)


def reopen_closed_streams() -> None:
    """Standard input, output and error closed by the caller (``aidc ... >&-``) are opened on the
    null device: Python would leave ``sys.stdout`` None (a crash at the first print), and the
    next file aidc opens would take the free number 1, so the solver's own output would land in
    a result file."""
    import sys

    for number, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(number)
        except OSError:
            os.dup2(os.open(os.devnull, os.O_RDWR), number)
            setattr(sys, name, open(number, mode, closefd=False))  # noqa: SIM115 (lives as long as the process)


def run() -> None:
    """Entry point of ``aidc`` and ``python -m aidc.optimizer``."""
    stop_quietly_on_signals()
    reopen_closed_streams()
    from aidc.optimizer.cli.main import main

    main()
