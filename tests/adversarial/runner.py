"""Run attacks and check what every outcome must be.

An attack prepares files in a fresh sandbox and names a command; it runs in the harness process
(``harness.py``, under RLIMIT_AS) or, for a few, as a real ``aidc`` process. Every outcome must
be: an exit code the attack allows (by default 0 or 2; never a crash, a time-out or "out of
memory"), a message of one screen (under MAX_LINES lines and MAX_CHARS characters) without
"Traceback" or Python internals, and no change to any file outside the attack's output targets.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import select
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 3 * 2**30  # bytes of address space for the harness and every aidc process
MAX_LINES = 60
MAX_CHARS = 8000
HASHED_BYTES = 2**20  # files above this size are compared by size, mtime and inode
HELD: list[int] = []  # file descriptors an attack holds while its command runs (locks)
INTERNALS = re.compile(
    r"Traceback \(most recent|np\.(float|int)\d+\(|\[type=|_parsing\b|pydantic_core|errors\.pydantic\.dev|"
    r"constrained-(float|int)|internal error|out of memory|object at 0x"
)


@dataclass(frozen=True)
class Attack:
    """One adversarial case: ``prepare(work)`` writes its files and returns the ``aidc`` arguments
    (paths relative to ``work``, the current folder); ``targets`` are the paths (relative to
    ``work``) it may change; ``codes`` the exit codes it may end with; ``expect`` fragments the
    message must hold (stderr, or stdout on success)."""

    klass: str
    name: str
    prepare: Callable[[Path], list[str]]
    codes: tuple[int, ...] = (0, 2)
    targets: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()
    check: Callable[[Path, dict], None] | None = None  # more checks on the work folder and reply
    fsize: int | None = None  # RLIMIT_FSIZE (bytes) while the command runs: a full disk
    timeout: float = 120.0
    process: bool = False  # run as a real `aidc` process instead of in the harness
    env: tuple[tuple[str, str], ...] = ()  # more environment variables for a real process
    slow: bool = False
    uses: tuple[str, ...] = ("micro",)  # template folders copied into the sandbox

    @property
    def id(self) -> str:
        return f"{self.klass}:{self.name}"


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class Harness:
    """The harness process; restarted if an attack kills it."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.adversarial.harness"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            preexec_fn=limit_memory,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        self._read(120)

    def _read(self, timeout: float) -> dict:
        assert self.process is not None and self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.stop()
            return {"error": "harness died or hung" if ready else "timeout (hung in native code)"}
        return json.loads(line)

    def run(self, argv: list[str], cwd: Path, timeout: float, fsize: int | None) -> dict:
        if self.process is None or self.process.poll() is not None:
            self.start()
        assert self.process is not None and self.process.stdin is not None
        request = {"argv": argv, "cwd": str(cwd), "timeout": timeout, "fsize": fsize}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._read(timeout + 30)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def run_process(argv: list[str], cwd: Path, timeout: float, env: tuple[tuple[str, str], ...] = ()) -> dict:
    """``aidc`` as a real process (python -m aidc.optimizer) under the memory limit."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "aidc.optimizer", *argv],
            cwd=cwd,
            capture_output=True,
            timeout=timeout,
            preexec_fn=limit_memory,
            env={**os.environ, **dict(env)} if env else None,
        )
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    return {
        "code": done.returncode,
        "stdout": done.stdout.decode("utf-8", "replace"),
        "stderr": done.stderr.decode("utf-8", "replace"),
    }


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` (links not followed): kind and content fingerprint."""
    entries: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            relative = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                entries[relative] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                entries[relative] = ("dir",)
            elif stat.S_ISREG(info.st_mode) and info.st_size <= HASHED_BYTES:
                entries[relative] = ("file", info.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                entries[relative] = ("other", info.st_size, info.st_mtime_ns, info.st_ino)
    return entries


def changed_paths(before: dict[str, tuple], after: dict[str, tuple]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def allowed(path: str, targets: tuple[str, ...]) -> bool:
    """``path`` (relative to the case root) lies in an output target (relative to work/)."""
    parts = Path(path).parts
    if parts[:1] != ("work",):
        return False
    inner = Path(*parts[1:]) if len(parts) > 1 else Path()
    return any(inner == Path(t) or Path(t) in inner.parents for t in targets)


@dataclass
class Outcome:
    attack: Attack
    reply: dict
    problems: list[str] = field(default_factory=list)


def run_attack(attack: Attack, root: Path, harness: Harness, templates: dict[str, Path]) -> Outcome:
    """Prepare, run and check one attack in the fresh case folder ``root``."""
    work = root / "work"
    work.mkdir(parents=True)
    outside = root / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("a file next to the sandbox\n")
    for name in attack.uses:
        shutil.copytree(templates[name], work / name, symlinks=True)
    try:
        argv = attack.prepare(work)
        before = snapshot(root)
        if attack.process:
            reply = run_process(argv, work, attack.timeout, attack.env)
        else:
            reply = harness.run(argv, work, attack.timeout, attack.fsize)
        after = snapshot(root)
    finally:
        while HELD:
            os.close(HELD.pop())
    outcome = Outcome(attack, reply)
    problems = outcome.problems
    if reply.get("error"):
        problems.append(f"no clean exit: {str(reply['error'])[-1500:]}")
        return outcome
    code, stderr, stdout = reply["code"], reply["stderr"], reply["stdout"]
    if code not in attack.codes:
        problems.append(f"exit code {code}, expected one of {attack.codes}")
    message = stderr if code != 0 else stdout
    if code != 0 and (stderr.count("\n") >= MAX_LINES or len(stderr) >= MAX_CHARS):
        problems.append(f"message of {stderr.count(chr(10))} lines, {len(stderr)} characters")
    if INTERNALS.search(stderr):
        problems.append(f"internals in the message: {INTERNALS.search(stderr).group(0)!r}")
    for fragment in attack.expect:
        if fragment not in message:
            problems.append(f"message lacks {fragment!r}")
    touched = sorted(p for p in changed_paths(before, after) if not allowed(p, attack.targets))
    if touched:
        problems.append(f"changed outside the output target: {touched[:8]}")
    if code != 0:
        written = sorted(p for p in changed_paths(before, after) if allowed(p, attack.targets))
        if written and not stderr.startswith("interrupted"):
            problems.append(f"failed (exit {code}) yet changed {written[:5]}")
    if attack.check is not None and not problems:
        try:
            attack.check(work, reply)
        except AssertionError as error:
            problems.append(f"check failed: {error}")
    if problems:
        problems.append(f"stderr: {stderr[-1200:]!r}")
    return outcome
