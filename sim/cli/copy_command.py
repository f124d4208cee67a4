"""``sim copy``: an editable copy of a bundled scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.outputs import say, shown_path, write_text
from sim.errors import UsageError

__all__ = ["COPY_COMMAND", "copy_bundled"]


def copy_bundled(name: str, dest: str | None, *, force: bool) -> Path:
    """Copy the bundled scenario ``name`` to ``dest`` (default ``./NAME.yaml``).

    Never writes over an existing file unless ``force``; the write is atomic.

    Raises
    ------
    UsageError
        If ``name`` is not a bundled scenario, or ``dest`` exists without ``force``.
    """
    from sim.scenario.bundled import bundled_dir, bundled_scenarios

    stem = name[:-5] if name.endswith(".yaml") else name
    source = bundled_dir() / f"{stem}.yaml"
    names = [p.stem for p in bundled_scenarios()]
    if "/" in stem or stem not in names:
        raise UsageError(f"{shown_path(name)}: no bundled scenario of that name; see `sim list`")
    target = Path(dest) if dest else Path(f"{stem}.yaml")
    if target.is_dir():
        target = target / f"{stem}.yaml"
    if target.exists() and target.resolve() == source.resolve():
        raise UsageError(f"{shown_path(target)}: refusing to write over the bundled file")
    if target.exists() and not force:
        raise UsageError(
            f"{shown_path(target)} already exists; choose another name or pass --force"
        )
    if not target.parent.is_dir():
        raise UsageError(f"{shown_path(target.parent)}: no such folder")
    write_text(target, source.read_text(encoding="utf-8"), force=force)
    return target


def _copy_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="a bundled scenario (see `sim list`)")
    parser.add_argument(
        "dest", metavar="DEST", nargs="?", help="file or folder to write (default ./NAME.yaml)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing file")


def _run_copy(args: argparse.Namespace) -> int:
    target = copy_bundled(args.name, args.dest, force=args.force)
    say(f"wrote {shown_path(target)}: edit it, then `sim validate {shown_path(target)}`")
    return 0


def _command():  # type: ignore[no-untyped-def]
    from sim.cli.commands import Command

    return Command(
        "copy",
        "write an editable copy of a bundled scenario",
        "Copy a bundled scenario to a file you can edit (default ./NAME.yaml).\n"
        "An existing file is never replaced unless --force is given.",
        "examples:\n  sim copy missile_shield\n  sim copy chicken my_chicken.yaml",
        _copy_args,
        _run_copy,
    )


COPY_COMMAND = _command
