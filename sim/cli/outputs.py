"""Writing output files: atomically, and never over a file the user wrote."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sim.errors import UsageError

__all__ = ["check_output", "write_text"]

PROTECTED_SUFFIXES = (".yaml", ".yml", ".py")


def check_output(
    path: str | os.PathLike[str], *, force: bool, inputs: tuple[str, ...] = ()
) -> Path:
    """Refuse to write over an input, a scenario or source file, or (without --force) any file.

    Raises
    ------
    UsageError
        With the reason and what to do instead.
    """
    target = Path(path)
    for source in inputs:
        if Path(source).exists() and target.exists() and target.resolve() == Path(source).resolve():
            raise UsageError(f"{target}: refusing to write over the input file")
    if target.suffix.lower() in PROTECTED_SUFFIXES:
        raise UsageError(f"{target}: refusing to write output to a {target.suffix} file")
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; choose another name or pass --force")
    if target.exists() and not target.is_file():
        raise UsageError(f"{target} exists and is not a file")
    if not target.parent.exists():
        raise UsageError(f"{target.parent}: no such folder")
    return target


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file, then a rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
