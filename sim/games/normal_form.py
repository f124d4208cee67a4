"""Normal-form (strategic-form) games built from a simultaneous scenario.

The payoff tensor has shape ``(n_players, m_1, ..., m_n)``; for a batch of
parameter points it has shape ``(batch, n_players, m_1, ..., m_n)`` and is
built in one pass: every payoff expression is evaluated once on the whole
batch of parameter values.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.errors import Location, ScenarioError
from sim.scenario.model import Scenario, Value, When
from sim.scenario.parameters import batch_size, parameter_env

__all__ = [
    "MAX_BATCH_BYTES",
    "NormalFormGame",
    "build_game",
    "outcome_label",
    "payoff_tensor",
]

#: A batch of payoff tensors larger than this is refused (bytes).
MAX_BATCH_BYTES = 2 * 1024**3


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


def payoff_tensor(scenario: Scenario, env: Mapping[str, Value]) -> np.ndarray:
    """Payoff tensor at the parameter values in ``env``.

    Returns shape ``(n, m_1, ..., m_n)`` for scalar values, or
    ``(batch, n, m_1, ..., m_n)`` when the values in ``env`` are arrays of
    length ``batch``.
    """
    if scenario.kind != "simultaneous":
        raise ValueError("payoff_tensor() is for simultaneous games")
    batch = batch_size(env)
    shape = tuple(len(p.moves) for p in scenario.players)
    n = len(shape)
    _check_memory(scenario, batch or 1, n * math.prod(shape))
    tensor = np.zeros(((batch or 1), n, *shape))
    if scenario.payoff_rules is not None:
        _add_rules(tensor, scenario, env)
    elif scenario.outcomes is not None:
        _fill_outcomes(tensor, scenario, env)
    elif scenario.matrix is not None:
        _fill_matrix(tensor, scenario, env)
    if scenario.zero_sum and scenario.matrix is None:
        _check_zero_sum(tensor, scenario)
    return tensor if batch is not None else tensor[0]


def _check_memory(scenario: Scenario, batch: int, per_point: int) -> None:
    needed = batch * per_point * 8
    if needed > MAX_BATCH_BYTES:
        raise ScenarioError.single(
            Location(scenario.path),
            "",
            f"{batch:,} parameter points of this game need {needed / 1024**3:.1f} GiB; "
            f"use fewer points (at most {MAX_BATCH_BYTES // 1024**3} GiB)",
        )


def _column(value: Value, batch: int) -> np.ndarray:
    """A value as a column of length ``batch``."""
    return np.broadcast_to(np.asarray(value, dtype=float), (batch,))


def _mask(scenario: Scenario, when: When) -> np.ndarray:
    """Indicator tensor over pure profiles of the profiles where ``when`` holds."""
    conds = when.as_dict()
    vectors = []
    for player in scenario.players:
        allowed = conds.get(player.name)
        vec = np.array([allowed is None or m in allowed for m in player.moves], dtype=float)
        vectors.append(vec)
    mask = vectors[0]
    for vec in vectors[1:]:
        mask = np.multiply.outer(mask, vec)
    return mask


def _add_rules(tensor: np.ndarray, scenario: Scenario, env: Mapping[str, Value]) -> None:
    index = {name: i for i, name in enumerate(scenario.player_names)}
    batch = tensor.shape[0]
    extra = (None,) * (tensor.ndim - 2)
    for rule in scenario.payoff_rules or ():
        mask = _mask(scenario, rule.when)
        for player, formula in rule.add:
            col = _column(formula.evaluate(env), batch)
            tensor[:, index[player]] += col[(slice(None), *extra)] * mask


def _fill_outcomes(tensor: np.ndarray, scenario: Scenario, env: Mapping[str, Value]) -> None:
    index = {name: i for i, name in enumerate(scenario.player_names)}
    move_index = [{m: k for k, m in enumerate(p.moves)} for p in scenario.players]
    batch = tensor.shape[0]
    for row in scenario.outcomes or ():
        moves = dict(row.moves)
        profile = tuple(move_index[i][moves[p.name]] for i, p in enumerate(scenario.players))
        for player, formula in row.payoffs:
            tensor[(slice(None), index[player], *profile)] = _column(formula.evaluate(env), batch)


def _fill_matrix(tensor: np.ndarray, scenario: Scenario, env: Mapping[str, Value]) -> None:
    batch = tensor.shape[0]
    for i, cells in enumerate(scenario.matrix or ()):
        for j, cell in enumerate(cells):
            values = [_column(f.evaluate(env), batch) for f in cell]
            tensor[:, 0, i, j] = values[0]
            tensor[:, 1, i, j] = values[1] if len(values) > 1 else -values[0]


def _check_zero_sum(tensor: np.ndarray, scenario: Scenario, tol: float = 1e-9) -> None:
    total = tensor.sum(axis=1)
    scale = max(float(np.ptp(tensor)), 1.0)
    if np.any(np.abs(total) > tol * scale):
        flat = int(np.argmax(np.abs(total).ravel()))
        _, *profile = np.unravel_index(flat, total.shape)
        moves = ", ".join(
            f"{p.name}={p.moves[k]}" for p, k in zip(scenario.players, profile, strict=True)
        )
        raise ScenarioError.single(
            Location(scenario.path),
            "zero_sum",
            f"zero_sum is true but payoffs at {moves} add up to {float(total.ravel()[flat]):g}",
        )


def outcome_label(scenario: Scenario, moves: Mapping[str, str]) -> str | None:
    """Name of an outcome: the first matching label, else the outcome row's own label."""
    name = scenario.label_for(moves)
    if name is not None:
        return name
    for row in scenario.outcomes or ():
        if all(moves.get(k) == v for k, v in row.moves) and row.label:
            return row.label
    return None
