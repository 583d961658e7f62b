"""Atomic file-system steps: write a file through a rename, exchange two folders in one step."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None)


def _rename2(source: Path, target: Path, flags: int) -> bool:
    """renameat2(2) with ``flags``; False if this system or file system cannot do it."""
    if _renameat2 is None:
        return False
    result = _renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(target))


@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM for the duration of a step that must not be cut in half (an
    exchange and its clean-up); a signal received meanwhile is delivered right after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    kinds = (signal.SIGINT, signal.SIGTERM)
    previous = {kind: signal.getsignal(kind) for kind in kinds}
    for kind in kinds:
        signal.signal(kind, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(held):
            signal.raise_signal(signum)


def exchange(source: Path, target: Path) -> None:
    """Swap two existing folders in one atomic step (Linux ``RENAME_EXCHANGE``): there is never
    a moment without a folder at ``target``. Where the system cannot, fall back to two renames
    (a window of microseconds in which ``target`` is absent)."""
    if _rename2(source, target, _RENAME_EXCHANGE):
        return
    parked = Path(tempfile.mkdtemp(prefix=f".{target.name}.aidc-old-", dir=target.parent))
    parked.rmdir()
    os.rename(target, parked)
    try:
        os.rename(source, target)
    except BaseException:
        os.rename(parked, target)
        raise
    os.rename(parked, source)


def move_into_place(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``, which must not exist (refused, not replaced, if it
    appeared meanwhile)."""
    if _rename2(source, target, _RENAME_NOREPLACE):
        return
    if target.exists():
        raise FileExistsError(errno.EEXIST, "appeared while writing", str(target))
    os.rename(source, target)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=_json_default, allow_nan=True) + "\n"


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
