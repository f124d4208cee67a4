"""Error types and located diagnostics.

Every problem a user can cause is reported as a :class:`Diagnostic` that reads
``FILE:LINE:COL: key.path: message``. Several diagnostics travel together in
one :class:`ScenarioError` so that a file with many mistakes is reported in
one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sim.suggest import closest
from sim.textsafe import escape_text

__all__ = [
    "MAX_DIAGNOSTICS",
    "Diagnostic",
    "InternalError",
    "Location",
    "RequestError",
    "ScenarioError",
    "SimError",
    "UsageError",
    "VerificationError",
    "did_you_mean",
]

#: At most this many diagnostics are reported for one file.
MAX_DIAGNOSTICS = 20


@dataclass(frozen=True)
class Location:
    """A position in a file; ``line`` and ``col`` are 1-based."""

    file: str
    line: int = 1
    col: int = 1

    def shifted(self, cols: int) -> Location:
        """Return the location ``cols`` columns further right on the same line."""
        return Location(self.file, self.line, self.col + cols)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One located problem: where, which key, and what is wrong."""

    location: Location
    path: str
    message: str

    def __str__(self) -> str:
        """One line; text from the file is escaped (see :mod:`sim.textsafe`)."""
        path = escape_text(self.path or "(top)")
        return f"{escape_text(str(self.location))}: {path}: {escape_text(self.message)}"


class SimError(Exception):
    """Base class of every error ``sim`` reports to a user (exit status 1)."""

    exit_status = 1


class ScenarioError(SimError):
    """A scenario file is wrong; carries one or more located diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @classmethod
    def single(cls, location: Location, path: str, message: str) -> ScenarioError:
        """Build an error holding a single diagnostic."""
        return cls([Diagnostic(location, path, message)])


class RequestError(SimError):
    """A call asks the library for something it cannot do.

    For instance a concept not offered for this kind of game, a parameter the
    scenario does not have, or a batch too large. This is the library's error;
    the command line reports it as a usage error (exit status 2).
    """

    exit_status = 2


class UsageError(SimError):
    """The command line is wrong (exit status 2); raised only by :mod:`sim.cli`."""

    exit_status = 2


class VerificationError(SimError):
    """A computed equilibrium failed its independent best-response check.

    This is an internal error of ``sim``: it is reported, never hidden.
    """

    exit_status = 3


class InternalError(SimError):
    """Something ``sim`` should never do happened."""

    exit_status = 3


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A `` (did you mean 'x'?)`` suffix, or an empty string."""
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""
