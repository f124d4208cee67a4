"""Result types shared by the solvers.

Results are frozen dataclasses that record the method and the settings that
produced them, so that a reported answer can always be traced back.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Equilibrium", "EquilibriumSet", "outcome_distribution"]


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One equilibrium of a normal-form game.

    Attributes
    ----------
    strategies
        One probability vector per player (length = that player's number of
        moves). A pure equilibrium has a single 1.0 in each vector.
    payoffs
        Expected payoff of each player, shape ``(n_players,)``.
    concept
        ``"pure_nash"``, ``"mixed_nash"``, ``"qre"`` ...
    method
        Name of the algorithm that found it, e.g. ``"vertex_enumeration"``.
    regret
        Largest gain any player could get by deviating, divided by the game's
        payoff range (0 for an exact equilibrium).
    """

    strategies: tuple[np.ndarray, ...]
    payoffs: np.ndarray
    concept: str
    method: str
    regret: float = 0.0

    @property
    def is_pure(self) -> bool:
        """True when every player puts probability 1 on one move (within 1e-12)."""
        return all(np.isclose(s.max(), 1.0, rtol=0.0, atol=1e-12) for s in self.strategies)

    def pure_profile(self) -> tuple[int, ...] | None:
        """The move indices of a pure equilibrium, or ``None`` if it mixes."""
        if not self.is_pure:
            return None
        return tuple(int(np.argmax(s)) for s in self.strategies)


@dataclass(frozen=True, eq=False)
class EquilibriumSet:
    """Every equilibrium one method found for one game.

    Attributes
    ----------
    equilibria
        The equilibria, in a deterministic order.
    method
        Algorithm used.
    tol
        Tolerance the method used to decide ties, supports and duplicates.
    complete
        True when the method is known to list *all* equilibria of its kind
        (e.g. all extreme equilibria of a 2-player game).
    degenerate
        True when the game is degenerate, so that the set of equilibria may
        contain continua of which only the extreme points are listed.
    notes
        Plain-language remarks for the report.
    stopped_early
        True when a size or time budget cut the search short (then
        ``complete`` is False and a note says which budget).
    fell_back
        True when the list comes from a fallback method (pure equilibria
        only, or the limit of the logit QRE branch) instead of the
        enumeration the game's size would call for.
    total
        How many equilibria there are when ``equilibria`` holds only the
        first of them (a solver asked for at most ``limit``); else ``None``.
    """

    equilibria: tuple[Equilibrium, ...]
    method: str
    tol: float
    complete: bool = True
    degenerate: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    stopped_early: bool = False
    fell_back: bool = False
    total: int | None = None

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.equilibria)


def outcome_distribution(
    strategies: Sequence[np.ndarray], threshold: float = 1e-12
) -> list[tuple[tuple[int, ...], float]]:
    """Pure profiles reached by independent mixed strategies, most likely first.

    Profiles with probability at most ``threshold`` are left out.
    """
    supports = [np.flatnonzero(s > threshold) for s in strategies]
    rows = []
    for profile in itertools.product(*supports):
        prob = float(np.prod([strategies[i][k] for i, k in enumerate(profile)]))
        if prob > threshold:
            rows.append((tuple(int(k) for k in profile), prob))
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows
