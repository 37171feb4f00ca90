"""What the kernels of one batch share: results every report of a data folder needs (the gated folder,
the comparison of all municipalities, the gap charts of a province), computed by one kernel and read
by the others from a private folder the batch creates and removes.

Without a batch (a single report, the explorer, tests) nothing is shared and nothing is written:
:func:`cached` just computes. The folder is named by the environment variable :data:`ENV`, which
:func:`ivpanalysis.report.batch.run_batch` sets for its workers and their kernels. Keys include the
data folder's stamp (path, every file's mtime and size), so an edited folder is never served old
results. A kernel that finds another computing the same key waits for it (file lock) instead of
computing it twice; an unreadable entry is computed again.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, TypeVar

#: environment variable naming the batch's shared folder
ENV = "IVP_BATCH_CACHE"
#: seconds a kernel waits for another computing the same entry before computing it itself
WAIT = 300.0

T = TypeVar("T")


def folder() -> Path | None:
    """The batch's shared folder, or None outside a batch."""
    value = os.environ.get(ENV)
    return Path(value) if value and Path(value).is_dir() else None


def _name(kind: str, key) -> str:
    return f"{kind}-{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}"


@contextmanager
def _locked(path: Path, wait: float):
    """An exclusive lock on ``path`` (waiting at most ``wait`` seconds); yields whether it was obtained."""
    with open(path, "a+b") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                got = True
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    got = False
                    break
                time.sleep(0.05)
        try:
            yield got
        finally:
            if got:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _read(path: Path):
    try:
        with open(path, "rb") as fh:
            return True, pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return False, None


def _write(path: Path, value) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - an entry that cannot be written is computed again by the others
        Path(tmp).unlink(missing_ok=True)


def peek(kind: str, key):
    """What the batch already holds under ``(kind, key)``, or None (nothing is computed, nothing waited for)."""
    base = folder()
    if base is None:
        return None
    ok, value = _read(base / (_name(kind, key) + ".pickle"))
    return value if ok else None


def cached(kind: str, key, compute: Callable[[], T], wait: float = WAIT) -> T:
    """``compute()``, shared through the batch folder under ``(kind, key)``; plain ``compute()`` outside a batch."""
    base = folder()
    if base is None:
        return compute()
    path = base / (_name(kind, key) + ".pickle")
    ok, value = _read(path)
    if ok:
        return value
    with _locked(base / (_name(kind, key) + ".lock"), wait) as got:
        ok, value = _read(path) if got else (False, None)  # another kernel may have written it meanwhile
        if ok:
            return value
        value = compute()
        if got:
            _write(path, value)
    return value
