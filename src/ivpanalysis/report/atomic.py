"""Atomic file writes: a temporary file in the target folder, flushed, then renamed over the target.

A crash or an exception while writing leaves the previous file untouched and no partial file
under the final name; the temporary file is removed on failure. Files that belong together (a
report's HTML and notebook) are written into a temporary folder that replaces the old folder in one
step (:func:`replace_folder`). Temporaries carry the writer's process id, so :func:`clean_stale`
removes those of dead processes and never those of a batch still running into the same folder.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

#: ``.<name>.<pid>.<random>.tmp`` (a file) or ``.<name>.<pid>.tmp`` / ``.<name>.<pid>.old`` (a folder)
_TEMP = re.compile(r"^\..+\.(\d+)(?:\.[A-Za-z0-9_]+)?\.(?:tmp|old)$")
_RENAME_EXCHANGE = 2


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (same-folder temp file + ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def write_folder(folder: str | Path, files: dict[str, str]) -> Path:
    """Write ``files`` (name → text) as ``folder``, replacing the old folder's files all at once."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for name, text in files.items():
            write_text(tmp / name, text)
        os.chmod(tmp, 0o755)
        replace_folder(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def replace_folder(new: Path, folder: Path) -> None:
    """``new`` becomes ``folder``; a reader sees the old files or the new ones, never a mix."""
    if not folder.exists():
        try:
            os.rename(new, folder)
            return
        except OSError as e:
            if e.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
    if _exchange(new, folder):
        return  # ``new`` now holds the old files; the caller removes it
    old = folder.parent / f".{folder.name}.{os.getpid()}.old"
    os.rename(folder, old)
    os.rename(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(folder: str | Path) -> list[Path]:
    """Remove temporaries left by processes that died (in ``folder`` and its subfolders); returns them."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for p in [*folder.iterdir(), *(q for d in folder.iterdir() if d.is_dir() and not d.is_symlink()
                                   for q in d.iterdir())]:
        m = _TEMP.match(p.name)
        if not m or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed


@contextlib.contextmanager
def locked(folder: str | Path):
    """An exclusive lock on ``folder`` itself (no lock file left behind) for the ``with`` block."""
    import fcntl
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def check_writable(folder: str | Path) -> None:
    """OSError (with the reason) unless files can be created in ``folder`` (created if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".probe.{os.getpid()}.", suffix=".tmp", dir=folder)
    os.close(fd)
    os.unlink(tmp)
