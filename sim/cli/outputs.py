"""Output: text to the terminal escaped, files atomic and never over a file the user wrote."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

from sim.atomic_write import write_atomic
from sim.errors import UsageError
from sim.textsafe import escape_block, escape_text

__all__ = ["check_output", "say", "shown_path", "write_text"]

PROTECTED_SUFFIXES = (".yaml", ".yml", ".py")


def say(text: str = "", *, end: str = "\n", file: TextIO | None = None) -> None:
    """Print report text, with control and bidi characters from a file escaped.

    Line breaks and tabs are kept; everything else that could drive a terminal
    is shown as an escape (see :func:`sim.textsafe.escape_block`).
    """
    print(escape_block(text), end=end, file=file if file is not None else sys.stdout)


def shown_path(path: str | os.PathLike[str], width: int = 120) -> str:
    """A path for a message: escaped, and cut in the middle beyond ``width`` characters.

    Examples
    --------
    >>> shown_path("a" * 300)[:10], len(shown_path("a" * 300))
    ('aaaaaaaaaa', 120)
    """
    text = escape_text(str(path))
    if len(text) <= width:
        return text
    half = (width - 3) // 2
    return f"{text[:half]}...{text[-(width - 3 - half) :]}"


def check_output(
    path: str | os.PathLike[str], *, force: bool, inputs: tuple[str, ...] = ()
) -> Path:
    """Refuse to write over an input, a scenario or source file, or (without --force) any file.

    A dangling symbolic link counts as an existing file.

    Raises
    ------
    UsageError
        With the reason and what to do instead.
    """
    target = Path(path)
    shown = shown_path(target)
    try:
        for source in inputs:
            same = target.exists() and target.resolve() == Path(source).resolve()
            if Path(source).exists() and same:
                raise UsageError(f"{shown}: refusing to write over the input file")
        if target.suffix.lower() in PROTECTED_SUFFIXES:
            raise UsageError(f"{shown}: refusing to write output to a {target.suffix} file")
        if os.path.lexists(target) and not force:
            raise UsageError(f"{shown} already exists; choose another name or pass --force")
        if target.exists() and not target.is_file():
            raise UsageError(f"{shown} exists and is not a file")
        if not target.parent.is_dir():
            raise UsageError(f"{shown_path(target.parent)}: no such folder")
        max_name = os.pathconf(target.parent, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255
    except OSError as exc:
        raise UsageError(f"{shown}: cannot write there ({exc.strerror or exc})") from None
    if len(os.fsencode(target.name)) > max_name:
        raise UsageError(f"{shown}: file name too long (at most {max_name} bytes)")
    return target


def write_text(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically; an existing file only with ``force``.

    Raises
    ------
    UsageError
        If ``path`` appeared meanwhile (another run wrote it) or cannot be written.
    """

    def write(handle: BinaryIO) -> None:
        handle.write(text.encode("utf-8"))

    try:
        write_atomic(path, write, replace=force)
    except FileExistsError:
        raise UsageError(
            f"{shown_path(path)} already exists; choose another name or pass --force"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot write {shown_path(path)}: {exc.strerror or exc}") from None
