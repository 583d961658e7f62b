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


def run() -> None:
    """Entry point of ``aidc`` and ``python -m aidc.optimizer``."""
    stop_quietly_on_signals()
    from aidc.optimizer.cli.main import main

    main()
