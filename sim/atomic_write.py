"""Create an output file atomically, never over an existing one unless asked.

The content goes to a temporary file in the destination's folder, is flushed
to disk, and is then published in one step: with :func:`os.link`, which fails
if the destination exists (so of two runs writing the same file at once,
exactly one succeeds), or with :func:`os.replace` when replacing is allowed.
A dangling symbolic link counts as existing: it is never followed, and only
replaced when replacing is allowed. The temporary file is removed on every
path out, including ``KeyboardInterrupt`` and a ``SystemExit`` raised by a
SIGTERM handler (see :mod:`sim.cli.main`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_atomic"]

#: ``os.link`` errors meaning "this file system has no hard links".
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV, errno.EMLINK}


def write_atomic(path: Path, write: Callable[[BinaryIO], None], *, replace: bool) -> None:
    """Write ``path`` with ``write(handle)``; atomically, and only if new unless ``replace``.

    Raises
    ------
    FileExistsError
        If ``path`` exists (or is a dangling link) and ``replace`` is false.
    OSError
        If the folder cannot be written, the name is too long, and so on.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomic(target, lambda fh: fh.write(b"one"), replace=False)
    >>> write_atomic(target, lambda fh: fh.write(b"two"), replace=False)
    Traceback (most recent call last):
    FileExistsError: [Errno 17] File exists: ...
    >>> write_atomic(target, lambda fh: fh.write(b"two"), replace=True)
    >>> target.read_bytes(), sorted(p.name for p in target.parent.iterdir())
    (b'two', ['out.txt'])
    """
    if not replace and os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    tmp: str | None = None
    try:
        with _signals_held():
            fd, tmp = _create_temp(path)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
            tmp = None
        else:
            _publish_new(tmp, path)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _create_temp(path: Path) -> tuple[int, str]:
    """A new hidden file next to ``path``, with the permissions the umask gives (0o666 & ~umask)."""
    for _ in range(100):
        name = str(path.parent / f".{path.name[:40]}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))


def _publish_new(tmp: str, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if nothing has that name (the temp name stays)."""
    try:
        os.link(tmp, path, follow_symlinks=False)
        return
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
    # No hard links here (some network or FAT file systems): exclusive create, then copy.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with open(tmp, "rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a temporary file is created and named."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
