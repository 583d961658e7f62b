"""Output targets that cannot lose data.

Every folder aidc writes carries a marker file (``.aidc-folder``, JSON with its kind: run,
report, comparison, sweep, scenario, alternatives). An output target is claimed *before* any work:

- a target that exists and is neither empty nor an aidc folder of the same kind is refused
  (exit 2): ``--out .``, ``--out inputs`` or ``aidc report RUN --out RUN`` change nothing;
- a target that holds an input of the command (the scenario, its catalogs, the run read) or
  the current folder is refused;
- a symbolic link, a file, a folder that cannot be created or written is refused;
- a second writer to the same target fails at once (an exclusive lock beside the target);
- the new folder is written in a staging folder next to the target and exchanged with the old
  one in one atomic step, so there is never a moment with neither; a crash leaves the old one
  intact, and the next writer removes the leftovers of a crashed one.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from aidc.optimizer.errors import EXIT_INVALID_INPUT, EXIT_WRITE_FAILED, OutputError
from aidc.optimizer.results.atomic import deferred_interrupts, exchange, move_into_place, write_text_atomic
from aidc.optimizer.solve.session import EXPORT_HEADER

MARKER = ".aidc-folder"
MAX_MARKER_BYTES = 16 * 2**20  # a marker lists what aidc wrote: a few kB, a large programme more
KINDS = ("run", "report", "comparison", "sweep", "scenario", "alternatives")
WRITTEN: list[Path] = []
"""Targets this process has written (or is writing into, for live folders), for the message of an
interruption."""


def folder_kind(folder: Path) -> str | None:
    """The kind an aidc marker gives ``folder``, or None if it has no (valid) marker."""
    marker = folder / MARKER
    try:  # a regular, small file only: a FIFO or a device would block or never end
        if not marker.is_file() or marker.stat().st_size > MAX_MARKER_BYTES:
            return None
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = data.get("kind") if isinstance(data, dict) else None
    return kind if kind in KINDS else None


def write_marker(folder: Path, kind: str, contents: list[str] | None = None) -> None:
    """Mark ``folder`` as an aidc ``kind`` folder; ``contents``: the entries aidc wrote there
    (relative paths), so that a later writer can tell the user's own additions from them."""
    from aidc.optimizer import __version__

    marker: dict = {"kind": kind, "aidc": __version__}
    if contents is not None:
        marker["contents"] = contents
    write_text_atomic(folder / MARKER, json.dumps(marker) + "\n")


def _entries(folder: Path) -> list[str]:
    """Every file and folder below ``folder`` (relative paths, links not followed), sorted."""
    found = []
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            found.append(os.path.relpath(os.path.join(root, name), folder))
    return sorted(found)


def foreign_entries(folder: Path) -> list[str]:
    """Entries of an aidc folder that aidc did not write there (the user's own files), by its
    marker's list and the aidc folders nested in it (a run's report); none for a folder marked
    before markers listed their contents."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    contents = data.get("contents") if isinstance(data, dict) else None
    if not isinstance(contents, list):
        return []
    written = {str(entry) for entry in contents} | {MARKER}
    unlisted = [entry for entry in _entries(folder) if entry not in written]  # one walk of the folder
    nested = [  # a report written into its run folder (`aidc report RUN`), checked by its own list
        entry
        for entry in unlisted
        if folder_kind(folder / entry) == "report"
        and folder_kind(folder / entry) == "report"
        and not (folder / entry).is_symlink()
        and _lists_contents(folder / entry)
    ]
    nested = [n for n in nested if not any(n.startswith(m + os.sep) for m in nested)]  # the outermost
    own = [entry for entry in unlisted if not any(entry == n or entry.startswith(n + os.sep) for n in nested)]
    return own + [os.path.join(n, entry) for n in nested for entry in foreign_entries(folder / n)]


def _lists_contents(folder: Path) -> bool:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("contents"), list)


def _mark_contents(staging: Path, kind: str) -> None:
    """Mark the finished ``staging`` folder with what it holds, and every aidc folder inside it
    (an alternative's plan, an outcome's run) with what that one holds, so that each can later be
    told apart from files the user adds, also when it is replaced on its own."""
    for root, _, files in os.walk(staging):
        if MARKER in files and Path(root) != staging:
            nested = Path(root)
            write_marker(nested, folder_kind(nested) or "run", [e for e in _entries(nested) if e != MARKER])
    write_marker(staging, kind, _entries(staging))


def _shown(entries: list[str]) -> str:
    return ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")


def _refuse(target: Path, message: str) -> OutputError:
    return OutputError(f"{target}: {message}; nothing was written", EXIT_INVALID_INPUT)


def check_target(target: Path, kind: str, *, protect: Iterable[Path] = (), replace: bool = True) -> Path:
    """The absolute target if aidc may write a ``kind`` folder there; OutputError (exit 2) if not."""
    if target.is_symlink():
        raise _refuse(target, "is a symbolic link; name the folder itself")
    absolute = Path(os.path.abspath(target))
    if absolute == Path(absolute.anchor):
        raise _refuse(target, "is the root of the file system")
    cwd = Path.cwd().resolve()
    resolved = absolute.resolve()
    if cwd == resolved or cwd.is_relative_to(resolved):
        raise _refuse(target, "is the current folder or one above it")
    for path in protect:
        held = Path(path).resolve()
        if held == resolved or held.is_relative_to(resolved):
            raise _refuse(target, f"holds {path}, an input of this command")
    if absolute.exists():
        if not absolute.is_dir():
            raise _refuse(target, "exists and is not a folder")
        if os.path.ismount(absolute):
            raise _refuse(target, "is a mount point, which cannot be replaced as a whole; name a new folder inside it")
        existing = folder_kind(absolute)
        empty = not any(absolute.iterdir())
        if not empty and existing is None:
            raise _refuse(target, "exists, is not empty and is not a folder written by aidc")
        if not empty and (existing != kind or not replace):
            raise _refuse(target, f"is an aidc {existing} folder; it may not be replaced by a {kind}")
        if replace and not empty and kind != "sweep":  # a sweep folder is written in place, never swapped
            foreign = foreign_entries(absolute)
            if foreign:
                raise _refuse(
                    target,
                    f"holds files aidc did not write ({_shown(foreign)}); move them out or name another folder",
                )
    return absolute


def _make_parents(folder: Path) -> list[Path]:
    """Create the missing ancestors of ``folder``; the ones created, outermost first."""
    missing = []
    parent = folder.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{folder}: {parent} is not a folder; nothing was written", EXIT_INVALID_INPUT)
    missing.reverse()
    for path in missing:
        path.mkdir()
    return missing


class TargetLock:
    """An exclusive, non-blocking lock on one output target (a lock file beside it, removed on release)."""

    def __init__(self, target: Path):
        self.path = target.parent / f".{target.name}.aidc-lock"
        self.handle: int | None = None

    def acquire(self, target: Path) -> None:
        while True:
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                raise OutputError(
                    f"{target}: another aidc process is writing there; nothing was written", EXIT_INVALID_INPUT
                ) from None
            # the file may have been removed by its previous holder after we opened it: retry
            try:
                same = os.path.samestat(os.fstat(handle), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self.handle = handle
                return
            os.close(handle)

    def release(self) -> None:
        if self.handle is not None:
            with suppress(FileNotFoundError):
                os.unlink(self.path)
            os.close(self.handle)
            self.handle = None


def _remove_leftovers(target: Path) -> None:
    """Staging and parked folders of earlier writers to ``target`` that crashed (we hold the lock)."""
    prefixes = (f".{target.name}.aidc-staging-", f".{target.name}.aidc-old-")  # exact: no glob of the name
    for leftover in target.parent.iterdir():
        if leftover.name.startswith(prefixes) and leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def write_failure(target: Path, error: OSError, outcome: str = "nothing was changed") -> OutputError:
    """The OutputError (exit 5) of a write that failed, saying why and what was left."""
    reasons = {errno.ENOSPC: "the disk is full", errno.EFBIG: "a file grew beyond the size allowed"}
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    return OutputError(f"{target}: could not write the results ({reason}); {outcome}", EXIT_WRITE_FAILED)


@contextmanager
def claimed_folder(
    target: str | Path, kind: str, *, protect: Iterable[Path] = (), replace: bool = True
) -> Iterator[Path]:
    """Claim ``target`` for a ``kind`` folder before the work (see the module docstring); yield a
    staging folder to write into. On a normal exit the staging folder is marked and swapped into
    place; on an exception it is removed and the target is left as it was."""
    target = check_target(Path(target), kind, protect=protect, replace=replace)
    try:
        created = _make_parents(target)
    except OSError as error:
        raise OutputError(f"{target}: cannot create its folder ({error.strerror})", EXIT_INVALID_INPUT) from None
    lock = TargetLock(target)
    staging: Path | None = None
    try:
        try:
            lock.acquire(target)
            check_target(target, kind, protect=protect, replace=replace)  # again, under the lock
            _remove_leftovers(target)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.aidc-staging-", dir=target.parent))
            os.chmod(staging, 0o755)
        except OSError as error:
            raise OutputError(
                f"{target}: cannot write in {target.parent} ({error.strerror})", EXIT_INVALID_INPUT
            ) from None
        yield staging
        with deferred_interrupts():
            changed = _changed_meanwhile(target, kind, protect, replace)
            if changed:
                with suppress(OSError):  # marked, so that report and compare read it
                    _mark_contents(staging, kind)
                kept = _keep_results(staging, target)
                staging = None
                raise OutputError(
                    f"{target}: {changed} while aidc worked, so it was left as it is; the new results are in {kept}",
                    EXIT_WRITE_FAILED,
                )
            try:
                _mark_contents(staging, kind)
                if target.exists():
                    _same_owner_and_mode(staging, target)
                    exchange(staging, target)
                    shutil.rmtree(staging, ignore_errors=True)
                else:
                    move_into_place(staging, target)
            except OSError as error:
                raise write_failure(target, error) from None
            WRITTEN.append(target)
            staging = None
            created = []
    finally:
        with deferred_interrupts():
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            lock.release()
            for path in reversed(created):
                with suppress(OSError):
                    path.rmdir()


def _changed_meanwhile(target: Path, kind: str, protect: Iterable[Path], replace: bool) -> str | None:
    """What makes ``target`` no longer replaceable since it was claimed (the user added files, or
    put a folder of their own there), or None."""
    try:
        check_target(target, kind, protect=protect, replace=replace)
    except OutputError as error:
        reason = str(error).removeprefix(f"{target}: ").removesuffix("; nothing was written")
        return f"changed ({reason})"
    return None


def _keep_results(staging: Path, target: Path) -> Path:
    """Move a finished staging folder to a visible name beside ``target`` (never removed by a
    later writer's clean-up) and return that name."""
    kept = Path(tempfile.mkdtemp(prefix=f"{target.name}.aidc-results-", dir=target.parent))
    kept.rmdir()
    os.rename(staging, kept)
    return kept


def _same_owner_and_mode(staging: Path, target: Path) -> None:
    """Give the new folder the permissions (and, where allowed, the owner and group) of the one it
    replaces: a private or group folder the user made stays so."""
    status = target.stat()
    os.chmod(staging, stat.S_IMODE(status.st_mode))
    with suppress(OSError):  # only root may give a folder away
        os.chown(staging, status.st_uid, status.st_gid)


@contextmanager
def claimed_live_folder(target: str | Path, kind: str, *, protect: Iterable[Path] = ()) -> Iterator[Path]:
    """Claim ``target`` for a folder written in place over a long run (a sweep: each case is
    written atomically as it finishes); locked for the whole run, marked when created. If the
    claim fails, the folders it created are removed again."""
    target = check_target(Path(target), kind, protect=protect)
    try:
        created = _make_parents(target)
    except OSError as error:
        raise OutputError(f"{target}: cannot create it ({error.strerror})", EXIT_INVALID_INPUT) from None
    lock = TargetLock(target)
    claimed = False
    try:
        lock.acquire(target)
        check_target(target, kind, protect=protect)
        try:
            if not target.exists():
                target.mkdir()
                created.append(target)
            if folder_kind(target) != kind:
                write_marker(target, kind)
        except OSError as error:
            raise OutputError(f"{target}: cannot write in it ({error.strerror})", EXIT_INVALID_INPUT) from None
        claimed = True
        WRITTEN.append(target)
        yield target
    finally:
        lock.release()
        if not claimed:
            if target in created:
                (target / MARKER).unlink(missing_ok=True)
            for path in reversed(created):
                with suppress(OSError):
                    path.rmdir()


def _is_model_export(path: Path) -> bool:
    """True if ``path`` starts with the line aidc writes first in every model export: only such a
    file is replaced by a new export."""
    header = EXPORT_HEADER.get(path.suffix.lower(), b"")
    try:
        with open(path, "rb") as stream:
            return bool(header) and stream.read(len(header)) == header
    except OSError:
        return False


def check_file_target(
    path: str | Path, suffixes: tuple[str, ...], *, protect: Iterable[Path] = (), beside: Path | None = None
) -> Path:
    """A single output file (e.g. ``--export-model``): the suffix is known, the folder exists, it
    is not a folder, a link, an input, nor inside ``beside`` (a folder the same command replaces
    as a whole); OutputError (exit 2) if not."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise _refuse(path, f"expected a file name ending in {' or '.join(suffixes)}")
    if path.is_symlink():
        raise _refuse(path, "is a symbolic link")
    if path.exists() and not path.is_file():
        raise _refuse(path, "exists and is not a file")
    if path.exists() and not _is_model_export(path):
        raise _refuse(path, "exists and is not a model file aidc exported; remove it or name another file")
    if not path.parent.is_dir():
        raise _refuse(path, f"its folder {path.parent} does not exist")
    try:  # a real probe: os.access says yes to root, even on /proc
        with tempfile.NamedTemporaryFile(prefix=f".{path.name}.", dir=path.parent):
            pass
    except OSError as error:
        raise _refuse(path, f"its folder {path.parent} cannot hold files ({error.strerror})") from None
    resolved = path.resolve()
    for held in protect:
        if Path(held).resolve() == resolved:
            raise _refuse(path, "is an input of this command")
    if beside is not None and resolved.is_relative_to(Path(beside).resolve()):
        raise _refuse(path, f"is inside {beside}, which this command replaces as a whole; name a file outside it")
    return resolved
