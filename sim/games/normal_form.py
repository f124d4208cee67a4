"""Normal-form (strategic-form) games built from a simultaneous scenario.

The payoff tensor has shape ``(n_players, m_1, ..., m_n)``; for a batch of
parameter points it has shape ``(batch, n_players, m_1, ..., m_n)`` and is
built in one pass: every payoff expression is evaluated once on the whole
batch of parameter values.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.scenario.payoffs import MAX_BATCH_BYTES, outcome_label, payoff_tensor

__all__ = [
    "MAX_BATCH_BYTES",
    "NormalFormGame",
    "build_game",
    "outcome_label",
    "payoff_tensor",
]


@dataclass(frozen=True, eq=False)
class NormalFormGame:
    """A finite game in strategic form.

    Attributes
    ----------
    players
        Player names, in order.
    moves
        Each player's move names.
    payoffs
        Payoff tensor, shape ``(n_players, m_1, ..., m_n)``.
    title
        Scenario name.
    ordinal
        True when payoffs are ranks (mixed equilibria carry no cardinal meaning).
    parameters
        Parameter values the payoffs were computed at.
    """

    players: tuple[str, ...]
    moves: tuple[tuple[str, ...], ...]
    payoffs: np.ndarray
    title: str = ""
    ordinal: bool = False
    parameters: Mapping[str, float] = field(default_factory=dict)

    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of moves of each player."""
        return tuple(len(m) for m in self.moves)

    def profile_moves(self, profile: tuple[int, ...]) -> dict[str, str]:
        """Map a profile of move indices to ``{player: move name}``."""
        return {
            p: self.moves[i][k] for i, (p, k) in enumerate(zip(self.players, profile, strict=True))
        }

    def profiles(self) -> Iterator[tuple[int, ...]]:
        """Every pure profile, in lexicographic order."""
        return itertools.product(*(range(m) for m in self.shape))

    def bimatrix(self) -> tuple[np.ndarray, np.ndarray]:
        """The two payoff matrices of a two-player game."""
        if self.n_players != 2:
            raise ValueError("bimatrix() needs a two-player game")
        return self.payoffs[0], self.payoffs[1]

    @classmethod
    def from_arrays(
        cls, *arrays: np.ndarray, players: tuple[str, ...] | None = None
    ) -> NormalFormGame:
        """Build a game from one payoff array per player (moves named ``s0, s1, ...``)."""
        tensor = np.stack([np.asarray(a, dtype=float) for a in arrays])
        names = players or tuple(f"P{i + 1}" for i in range(len(arrays)))
        moves = tuple(tuple(f"s{k}" for k in range(m)) for m in tensor.shape[1:])
        return cls(names, moves, tensor)


def build_game(scenario: Scenario, overrides: Mapping[str, float] | None = None) -> NormalFormGame:
    """The strategic form of a simultaneous scenario at one parameter point."""
    env = parameter_env(scenario.parameters, overrides)
    tensor = payoff_tensor(scenario, env)
    values = {k: float(v) for k, v in env.items()}
    return NormalFormGame(
        scenario.player_names,
        tuple(p.moves for p in scenario.players),
        tensor,
        scenario.name,
        scenario.ordinal,
        values,
    )
