"""A long-lived process that runs ``aidc`` commands in-process, one per request, so a thousand
attacks do not pay a thousand interpreter start-ups. It runs under the memory limit its parent
sets (RLIMIT_AS); each command runs through click's standalone mode (the real error boundary,
exit codes and messages) with a time limit (SIGALRM) and, if asked, a file-size limit (a full
disk: writes fail with EFBIG).

Protocol: one JSON request per line on stdin ({"argv", "cwd", "timeout", "fsize"}), one JSON
reply per line on the original stdout ({"code", "stdout", "stderr", "seconds", "error"}).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
import traceback


class CaseTimeout(BaseException):
    """The command ran past its time limit (a BaseException: no error boundary catches it)."""


def _alarm(signum, frame):
    raise CaseTimeout


def run(request: dict, runner, main) -> dict:
    from aidc.optimizer.cli import boundary
    from aidc.optimizer.results import output_target

    output_target.WRITTEN.clear()
    boundary._received.clear()
    os.chdir(request["cwd"])
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if request.get("fsize"):
        resource.setrlimit(resource.RLIMIT_FSIZE, (request["fsize"], hard))
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, request.get("timeout", 120))
    started = time.perf_counter()
    reply = {"code": None, "stdout": "", "stderr": "", "error": None}
    try:
        result = runner.invoke(main, request["argv"], prog_name="aidc", catch_exceptions=True)
        reply["code"] = result.exit_code
        reply["stdout"] = result.stdout
        reply["stderr"] = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            # what Python would print for an exception escaping the command
            reply["stderr"] += "".join(traceback.format_exception(result.exception))
            reply["code"] = 1
    except CaseTimeout:
        reply["error"] = "timeout"
    except BaseException as error:
        reply["error"] = "".join(traceback.format_exception(error))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        os.chdir("/")
    reply["seconds"] = time.perf_counter() - started
    return reply


def serve() -> None:
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    from click.testing import CliRunner

    from aidc.optimizer.cli.main import main

    runner = CliRunner()
    protocol.write(json.dumps({"ready": True}) + "\n")
    protocol.flush()
    for line in sys.stdin:
        reply = run(json.loads(line), runner, main)
        protocol.write(json.dumps(reply, default=str) + "\n")
        protocol.flush()


if __name__ == "__main__":
    serve()
