"""The solution concepts: one vocabulary for scenario files, the library and the reports.

A concept is named by one of the strings of :data:`ALL` (the ``solve.concepts``
key of a scenario file, ``--concept`` on the command line, ``"concept"`` in
the JSON results; see ``SCENARIO_FORMAT.md``). Code names them through the
constants below and checks a request with :func:`check_concepts`; which concepts a
computation offers is declared next to the computation, as a tuple of these
constants (for instance :data:`SIMULTANEOUS` for ``solve_game``).

Examples
--------
>>> from sim.concepts import DISPLAY_NAMES, SIMULTANEOUS, SUBGAME_PERFECT, check_concepts
>>> check_concepts(["pure_nash", "qre", "pure_nash"], SIMULTANEOUS, "simultaneous games")
('pure_nash', 'qre')
>>> check_concepts(["nash"], SIMULTANEOUS, "simultaneous games")
Traceback (most recent call last):
...
sim.errors.RequestError: unknown concept 'nash' (did you mean 'pure_nash'?); \
choose from pure_nash, mixed_nash, qre
>>> DISPLAY_NAMES[SUBGAME_PERFECT]
'subgame-perfect equilibrium'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, Literal

from sim.errors import RequestError, did_you_mean

__all__ = [
    "ALL",
    "DISPLAY_NAMES",
    "MIXED_NASH",
    "NASH",
    "NOT_YET",
    "PERFECT_BAYESIAN",
    "PURE_NASH",
    "QRE",
    "SEQUENTIAL",
    "SEQUENTIAL_BATCH",
    "SIMULTANEOUS",
    "SIMULTANEOUS_BATCH",
    "SUBGAME_PERFECT",
    "Concept",
    "check_concepts",
    "filter_concepts",
    "nash_concept",
]

Concept = Literal["pure_nash", "mixed_nash", "subgame_perfect", "perfect_bayesian", "qre"]

PURE_NASH: Final = "pure_nash"
MIXED_NASH: Final = "mixed_nash"
SUBGAME_PERFECT: Final = "subgame_perfect"
PERFECT_BAYESIAN: Final = "perfect_bayesian"
QRE: Final = "qre"

#: Every concept a scenario file or a command line may name, in display order.
ALL: Final[tuple[str, ...]] = (PURE_NASH, MIXED_NASH, SUBGAME_PERFECT, PERFECT_BAYESIAN, QRE)
#: The Nash equilibria of a strategic form, pure and mixed.
NASH: Final[tuple[str, ...]] = (PURE_NASH, MIXED_NASH)

#: What one solve of a simultaneous game computes (``sim solve``; default: :data:`NASH`).
SIMULTANEOUS: Final[tuple[str, ...]] = (PURE_NASH, MIXED_NASH, QRE)
#: What one solve of a sequential game computes (default: all three).
SEQUENTIAL: Final[tuple[str, ...]] = (SUBGAME_PERFECT, PURE_NASH, MIXED_NASH)
#: What a batch of a simultaneous game computes (sweeps...; default: pure only).
SIMULTANEOUS_BATCH: Final[tuple[str, ...]] = NASH
#: What a batch of a sequential game computes.
SEQUENTIAL_BATCH: Final[tuple[str, ...]] = (SUBGAME_PERFECT,)

#: Concepts of the vocabulary that no computation offers yet, with the reason.
NOT_YET: Final[dict[str, str]] = {
    PERFECT_BAYESIAN: "perfect Bayesian equilibria are not computed yet",
}

DISPLAY_NAMES: Final[dict[str, str]] = {
    PURE_NASH: "pure Nash equilibrium",
    MIXED_NASH: "mixed Nash equilibrium",
    SUBGAME_PERFECT: "subgame-perfect equilibrium",
    PERFECT_BAYESIAN: "perfect Bayesian equilibrium",
    QRE: "logit quantal response equilibrium",
}


def check_concepts(names: Iterable[str], offered: Sequence[str], where: str) -> tuple[str, ...]:
    """``names`` without repeats, each checked against the concepts ``offered`` for ``where``.

    Parameters
    ----------
    names
        The concepts asked for.
    offered
        What the computation offers (one of the tuples of this module).
    where
        What is computed, for the message: ``"simultaneous games"``...

    Raises
    ------
    RequestError
        For an empty request, an unknown name, a concept not offered for
        ``where`` or one not computed yet (:data:`NOT_YET`).
    """
    chosen = tuple(dict.fromkeys(names))
    choose = f"choose from {', '.join(offered)}"
    if not chosen:
        raise RequestError(f"no concept given; {choose}")
    for name in chosen:
        if name not in ALL:
            raise RequestError(f"unknown concept {name!r}{did_you_mean(name, ALL)}; {choose}")
        if name not in offered:
            reason = f" ({NOT_YET[name]})" if name in NOT_YET else ""
            raise RequestError(f"concept {name} is not available for {where}{reason}; {choose}")
    return chosen


def filter_concepts(
    asked: Iterable[str], offered: Sequence[str], fallback: Sequence[str]
) -> tuple[str, ...]:
    """The concepts of ``asked`` (a scenario's defaults) that are ``offered``, else ``fallback``."""
    return tuple(c for c in dict.fromkeys(asked) if c in offered) or tuple(fallback)


def nash_concept(pure: bool) -> str:
    """The concept a Nash equilibrium is listed under: :data:`PURE_NASH` or :data:`MIXED_NASH`."""
    return PURE_NASH if pure else MIXED_NASH
