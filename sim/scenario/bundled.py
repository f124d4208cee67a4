"""Scenarios that ship with ``sim``, found by name or by path."""

from __future__ import annotations

import os
from pathlib import Path

from sim.errors import Location, ScenarioError
from sim.suggest import closest

__all__ = ["ScenarioNotFound", "bundled_dir", "bundled_scenarios", "resolve_scenario"]


def bundled_dir() -> Path:
    """The folder of bundled scenarios: inside the installed package, else the source tree."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "scenarios"
    if installed.is_dir():
        return installed
    return here.parent / "scenarios"


def bundled_scenarios() -> list[Path]:
    """Every bundled scenario file, sorted by name."""
    folder = bundled_dir()
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


class ScenarioNotFound(ScenarioError):
    """Neither a file nor a bundled scenario has the name given."""


def resolve_scenario(name_or_path: str | os.PathLike[str]) -> Path:
    """A path as given if it exists, else the bundled scenario of that name.

    Raises
    ------
    ScenarioNotFound
        When neither exists; the message suggests the closest bundled name,
        or lists them all when none is close.
    ScenarioError
        When the path exists but is not a file.
    """
    path = Path(name_or_path)
    try:
        if path.is_file():
            return path
        exists = path.exists()
    except OSError as exc:  # e.g. a name longer than the system allows
        raise ScenarioError.single(
            Location(_shortened(str(path))), "", f"cannot read file: {exc.strerror or exc}"
        ) from None
    if exists:
        raise ScenarioError.single(Location(str(path)), "", "is not a file")
    stem = path.name.removesuffix(".yaml").removesuffix(".yml")
    if path.parent == Path("."):
        candidate = bundled_dir() / f"{stem}.yaml"
        if candidate.is_file():
            return candidate
    names = [p.stem for p in bundled_scenarios()]
    close = closest(stem, names)
    hint = f"did you mean {close}?" if close else f"bundled: {', '.join(names)}"
    raise ScenarioNotFound.single(
        Location(str(path)),
        "",
        f"no such file, and no bundled scenario of that name ({hint})",
    )


def _shortened(text: str, width: int = 200) -> str:
    """``text``, cut in the middle to ``width`` characters for a message."""
    if len(text) <= width:
        return text
    half = (width - 3) // 2
    return f"{text[:half]}...{text[len(text) - (width - 3 - half) :]}"
