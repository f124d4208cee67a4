"""The numbers of an extensive-form game at parameter points: payoffs and chance probabilities.

:func:`evaluate` computes every payoff and probability formula once for a
whole batch. With non-common priors (``beliefs`` on chance moves) each
player also has its own chance probabilities, ``GameValues.beliefs``
(Harsanyi 1967-68; Morris 1995): player ``i`` evaluates every profile with
``beliefs[:, i]``, while reports use ``probs``, the analyst's view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.arrays import FloatArray
from sim.errors import Location, ScenarioError
from sim.games.extensive import CHANCE, ChanceTerm, ExtensiveGame
from sim.scenario.model import Value
from sim.scenario.parameters import batch_size
from sim.scenario.payoffs import MAX_PAYOFF

__all__ = ["GameValues", "PointValues", "check_probabilities", "evaluate"]

#: A batch of payoffs and probabilities larger than this is refused (bytes).
MAX_VALUE_BYTES = 1024**3
#: Chance probabilities may be this far below 0 or their sum this far from 1.
PROB_TOL = 1e-9


@dataclass(frozen=True)
class PointValues:
    """Payoffs ``(n_leaves, n_players)`` and chance-edge probabilities ``(n_nodes,)``.

    ``beliefs`` is ``None`` (every player believes ``probs``) or
    ``(n_players, n_nodes)``: each player's own chance probabilities.
    """

    payoffs: FloatArray
    probs: FloatArray
    parameters: Mapping[str, float] = field(default_factory=dict)
    beliefs: FloatArray | None = None

    def probs_of(self, player: int) -> FloatArray:
        """The chance probabilities ``player`` believes (the analyst's without beliefs)."""
        return self.probs if self.beliefs is None else self.beliefs[player]

    def as_seen_by(self, player: int) -> PointValues:
        """These values with ``player``'s chance probabilities in place of the analyst's."""
        return PointValues(self.payoffs, self.probs_of(player), self.parameters)

    @property
    def payoff_range(self) -> float:
        """The largest player's payoff scale (see :func:`sim.scales.leaf_scales`)."""
        from sim.scales import leaf_scales

        return float(leaf_scales(self.payoffs[..., None]).max()) if self.payoffs.size else 1.0


@dataclass(frozen=True)
class GameValues:
    """Payoffs ``(batch, n_leaves, n_players)`` and probabilities ``(batch, n_nodes)``.

    ``beliefs``: ``None`` or ``(batch, n_players, n_nodes)``, each player's own
    chance probabilities.
    """

    payoffs: FloatArray
    probs: FloatArray
    batched: bool
    beliefs: FloatArray | None = None

    @property
    def batch(self) -> int:
        """Number of parameter points."""
        return int(self.payoffs.shape[0])

    def point(self, index: int = 0, parameters: Mapping[str, Value] | None = None) -> PointValues:
        """One parameter point (parameter values from ``parameters``, if given)."""
        params = {
            k: float(np.ravel(v)[index] if np.ndim(v) else v) for k, v in (parameters or {}).items()
        }
        own = None if self.beliefs is None else self.beliefs[index]
        return PointValues(self.payoffs[index], self.probs[index], params, own)


def evaluate(game: ExtensiveGame, env: Mapping[str, Value]) -> GameValues:
    """Payoffs and chance probabilities at one parameter point or a batch.

    Every payoff and probability formula is evaluated once on the whole batch.

    Parameters
    ----------
    game
        The game.
    env
        Parameter values (scalars, or 1-D arrays of one common length), e.g.
        from :func:`sim.scenario.parameters.parameter_env`.

    Returns
    -------
    GameValues
        With a batch axis of length 1 when every value is a scalar.

    Raises
    ------
    ScenarioError
        If a value is NaN or infinite, or chance probabilities are negative or
        do not sum to 1 at some point (located at the chance move, naming the
        point), or the batch would need more than 1 GiB.
    """
    size = batch_size(env)
    batch = size or 1
    needed = batch * (game.payoff_base.size + game.n_nodes) * 8
    if needed > MAX_VALUE_BYTES:
        msg = f"{batch:,} parameter points of this game need {needed / 1024**3:.1f} GiB; use fewer"
        raise ScenarioError.single(_first_location(game), "", msg)
    payoffs = np.repeat(game.payoff_base[None], batch, axis=0)
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        for term in game.payoff_terms:
            column = np.broadcast_to(np.asarray(term.formula.evaluate(env), float), (batch,))
            payoffs[:, term.rows, term.player] += column[:, None]
    _check_payoffs(game, payoffs, env)
    probs = _chance(game, game.chance_terms, batch, env)
    beliefs = None
    if game.belief_terms:
        beliefs = np.repeat(probs[:, None, :], game.n_players, axis=1)
        for player in sorted({p for p, _ in game.belief_terms}):
            own = [t for p, t in game.belief_terms if p == player]
            beliefs[:, player] = _chance(game, own, batch, env, probs)
    return GameValues(payoffs, probs, size is not None, beliefs)


def _chance(
    game: ExtensiveGame,
    terms: tuple[ChanceTerm, ...] | list[ChanceTerm],
    batch: int,
    env: Mapping[str, Value],
    start: FloatArray | None = None,
) -> FloatArray:
    """Chance-edge probabilities from ``terms`` over ``start`` (default 1.0), checked."""
    probs = np.repeat(game.chance_base[None], batch, axis=0) if start is None else start.copy()
    for cterm in terms:
        column = np.broadcast_to(np.asarray(cterm.formula.evaluate(env), float), (batch,))
        probs[:, cterm.nodes] = column[:, None]
    check_probabilities(game, probs, env, terms)
    return probs


def _check_payoffs(game: ExtensiveGame, payoffs: FloatArray, env: Mapping[str, Value]) -> None:
    """Refuse payoffs that overflowed or lie beyond +-``MAX_PAYOFF`` (located at the leaf)."""
    if payoffs.size == 0 or float(np.max(np.abs(payoffs))) <= MAX_PAYOFF:
        return
    b, leaf, player = (int(i) for i in np.argwhere(~(np.abs(payoffs) <= MAX_PAYOFF))[0])
    node = int(game.leaves[leaf])
    where = (game.locations[node] if node < len(game.locations) else None) or _first_location(game)
    path = game.paths[node] if node < len(game.paths) else ""
    after = ",".join(f"{k}={m}" for k, m in game.history(node)) or "the start"
    msg = (
        f"the payoff of {game.players[player]} after {after} is {payoffs[b, leaf, player]:g}"
        f"{_at(env, b)}; payoffs must stay within +-{MAX_PAYOFF:g}"
    )
    raise ScenarioError.single(where, path or "payoffs", msg)


def _first_location(game: ExtensiveGame) -> Location:
    first = game.locations[0] if game.locations else None
    return first or Location("<game>")


def check_probabilities(
    game: ExtensiveGame,
    probs: FloatArray,
    env: Mapping[str, Value],
    terms: tuple[ChanceTerm, ...] | list[ChanceTerm] | None = None,
) -> None:
    """Probabilities of each chance node: not negative, summing to 1 (within 1e-9).

    ``terms`` are the formulas that set ``probs`` (default: the analyst's).
    """
    terms = game.chance_terms if terms is None else terms
    for cterm in terms:
        values = probs[:, cterm.nodes[0]]
        low = int(np.argmin(values))
        if values[low] < -PROB_TOL:
            msg = f"probability of '{cterm.outcome}' is {values[low]:g}{_at(env, low)}"
            raise ScenarioError.single(cterm.location, cterm.path, msg + "; it cannot be negative")
    chance_nodes = np.flatnonzero(game.kind == CHANCE)
    for node in chance_nodes:
        kids = list(game.children[int(node)])
        total = probs[:, kids].sum(axis=1)
        worst = int(np.argmax(np.abs(total - 1.0)))
        if abs(total[worst] - 1.0) > PROB_TOL:
            term = next((t for t in terms if np.isin(kids, t.nodes).any()), game.chance_terms[0])
            msg = f"chance probabilities sum to {total[worst]:.12g}{_at(env, worst)}, not 1"
            raise ScenarioError.single(term.location, term.path, msg)


def _at(env: Mapping[str, Value], index: int) -> str:
    arrays = {k: v for k, v in env.items() if np.ndim(v) > 0}
    if not arrays:
        return ""
    text = ", ".join(f"{k}={float(np.ravel(v)[index]):g}" for k, v in arrays.items())
    return f" (at {text})"
