"""Subgame-perfect equilibria of a sequential scenario at a whole batch of parameter points.

The sequential counterpart of :mod:`sim.analysis.batch`, for games of perfect
information (chance moves allowed). The game tree is built once per scenario,
every payoff and probability formula is evaluated once on the whole batch,
and backward induction runs on all points together
(:func:`sim.solvers.extensive.backward_induction.backward_induction_columns`). Arrays
are held *node-major* - the batch is the last axis - so every step works on
contiguous rows.

What each point gets:

* the **plan**: the move chosen at every information set, on and off the
  equilibrium path (tie rule: the first best move in file order; where
  several moves tie within ``tol`` the point is flagged, because other
  subgame-perfect equilibria exist there);
* the **outcome distribution**: the probability of each complete history
  and of each named outcome along the equilibrium path (chance moves split
  it);
* the **expected payoffs**;
* the **predicted outcome name**: the names of the outcomes reached with
  positive probability, joined with ``" + "`` in a fixed order (the
  scenario's ``labels`` in file order, then other leaf labels and unlabelled
  histories in tree order), so that the name is the same wherever the same
  outcomes can happen, e.g. ``"Deal invoked - shield switched on + Grand
  bargain"``;
* the **equilibrium key**: the plan itself, so that flip points are found
  where any player changes its plan, off the path included.

Every point is re-checked independently: the plan's payoffs are recomputed
from the plan alone (as probability-weighted sums over the tree, not by
selecting best moves) and no player may gain by changing a single choice in
any subgame (the one-shot deviation property, which characterises subgame
perfection in finite games; Osborne & Rubinstein 1994, lemma 98.2); the
largest gain, relative to the point's payoff range, is the point's
``regret``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sim.analysis.sequential_layout import (
    MIN_OUTCOME_PROBABILITY,
    Naming,
    distinct_columns,
    evaluate_columns,
    game_naming,
    leaf_reach,
    outcome_names,
    outcome_probabilities,
    plan_values,
)
from sim.analysis.sequential_ties import MAX_TIE_POINTS, OTHERS, tie_outcome_sets
from sim.concepts import SEQUENTIAL_BATCH, SUBGAME_PERFECT, check_concepts
from sim.errors import RequestError, VerificationError
from sim.games.extensive import ExtensiveGame, FloatArray, PointValues
from sim.games.extensive_build import build_extensive
from sim.scales import leaf_scales
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.solvers.extensive.backward_induction import METHOD, _layout, backward_induction_columns

if TYPE_CHECKING:
    from sim.analysis.predict import Predictions

__all__ = [
    "MIN_OUTCOME_PROBABILITY",
    "SequentialBatch",
    "evaluate_columns",
    "game_for",
    "outcome_names",
    "outcome_probabilities",
    "plan_codes",
    "plan_values",
    "require_perfect_information",
    "solve_sequential_batch",
]

#: A batch whose arrays would need more than this many bytes is refused.
MAX_BATCH_BYTES = 2 * 1024**3
#: Points are solved in chunks of about this many floats of working arrays, small enough
#: to stay in the processor's caches (measured: ~25% faster than one chunk at 10,000 points).
_CHUNK_FLOATS = 1_000_000
#: ... but at least 64 points per chunk while that needs at most this many floats.
_MAX_CHUNK_FLOATS = 20_000_000

_GAMES: weakref.WeakKeyDictionary[Scenario, ExtensiveGame] = weakref.WeakKeyDictionary()


def game_for(scenario: Scenario) -> ExtensiveGame:
    """The game tree of a sequential scenario, built once per scenario object."""
    game = _GAMES.get(scenario)
    if game is None:
        game = build_extensive(scenario)
        _GAMES[scenario] = game
    return game


def require_perfect_information(scenario: Scenario) -> ExtensiveGame:
    """The scenario's game tree; a clear error for imperfect information."""
    if scenario.kind != "sequential":
        raise RequestError(f"'{scenario.name}' is a simultaneous game")
    game = game_for(scenario)
    if not game.perfect_information:
        raise RequestError(
            "sweeps of games with imperfect information are not supported yet; "
            "solve chosen points one at a time"
        )
    return game


def _regret(
    game: ExtensiveGame, payoffs: FloatArray, probs: FloatArray, choice: npt.NDArray[np.integer]
) -> tuple[FloatArray, FloatArray]:
    """Largest one-shot deviation gain per point (each mover's gain relative to its own
    payoff scale), and the expected payoffs of the plans, both from :func:`plan_values`."""
    vals = plan_values(game, payoffs, probs, choice)
    scales = leaf_scales(payoffs)  # (n_players, batch): each mover's own scale
    gain = np.zeros(payoffs.shape[2])
    for g in _layout(game).groups:
        if g.chance:
            continue
        best = vals[g.kids[0], g.owner]
        for col in g.kids[1:]:
            np.maximum(best, vals[col, g.owner], out=best)
        best -= vals[g.nodes, g.owner]
        best /= scales[g.owner]
        np.maximum(gain, best.max(axis=0), out=gain)
    return gain, vals[0]


# --------------------------------------------------------------------------- the batch


@dataclass(frozen=True, eq=False)
class SequentialBatch:
    """Subgame-perfect equilibria of one sequential scenario at many parameter points.

    Arrays are node-major: the batch is the last axis.

    Attributes
    ----------
    scenario, game
        The scenario and its game tree (perfect information).
    values
        Parameter name -> values at each point, shape ``(batch,)``.
    payoffs
        ``(n_leaves, n_players, batch)``: payoffs of every complete history.
    probs
        ``(n_nodes, batch)``: probability of the chance move into each node.
    plans
        ``(n_infosets, batch)``: the move chosen at each information set.
    ties
        ``(n_infosets, batch)``: True where several moves are best (within
        ``tol``): other subgame-perfect equilibria exist at that point.
    expected
        ``(n_players, batch)``: expected payoffs.
    outcome_names
        The outcome names (see the module docstring), in their fixed order.
    outcome_probs
        ``(n_outcomes, batch)``: probability of each named outcome.
    names
        The predicted outcome name at each point.
    regret
        ``(batch,)``: the independent check's largest one-shot gain, relative
        to the payoff range (at most ``tol``).
    concepts, tol
        The settings used.
    alternatives
        Point -> the outcome names of every pure subgame-perfect equilibrium,
        at the points where moves tie and the equilibria end differently
        (the first is this batch's plan; :data:`~sim.analysis.sequential_ties.OTHERS`
        where they were not enumerated). ``names`` joins them with ``" | "``.
    """

    scenario: Scenario
    game: ExtensiveGame
    values: Mapping[str, np.ndarray]
    payoffs: FloatArray
    probs: FloatArray
    plans: npt.NDArray[np.integer]
    ties: npt.NDArray[np.bool_]
    expected: FloatArray
    outcome_names: tuple[str, ...]
    outcome_probs: FloatArray
    names: tuple[str, ...]
    regret: FloatArray
    concepts: tuple[str, ...] = SEQUENTIAL_BATCH
    tol: float = 1e-9
    method: str = METHOD
    alternatives: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    _memo: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        """Number of parameter points."""
        return int(self.payoffs.shape[-1])

    @property
    def players(self) -> tuple[str, ...]:
        """Player names."""
        return self.game.players

    def plan(self, point: int) -> tuple[int, ...]:
        """The move index chosen at each information set at one point."""
        return tuple(int(k) for k in self.plans[:, point])

    def plan_moves(self, point: int) -> dict[str, str]:
        """Information-set key -> the move chosen there, at one point."""
        return {
            h.key: h.moves[int(k)]
            for h, k in zip(self.game.infosets, self.plans[:, point], strict=True)
        }

    def tied_infosets(self, point: int) -> tuple[int, ...]:
        """Information sets where several moves are best at one point."""
        return tuple(int(h) for h in np.flatnonzero(self.ties[:, point]))

    def tie_points(self) -> np.ndarray:
        """Indices of the points where some move ties (other SPE exist there)."""
        return np.flatnonzero(self.ties.any(axis=0))

    def point_values(self, point: int) -> PointValues:
        """Payoffs and chance probabilities of one point (batch axis removed)."""
        params = {k: float(np.ravel(v)[point]) for k, v in self.values.items()}
        return PointValues(
            np.ascontiguousarray(self.payoffs[:, :, point]),
            np.ascontiguousarray(self.probs[:, point]),
            params,
        )

    def leaf_reach(self) -> FloatArray:
        """``(n_leaves, batch)``: probability of each complete history in the equilibrium."""
        naming = game_naming(self.game)
        choice = np.full((self.game.n_nodes, self.size), -1, self.plans.dtype)
        choice[naming.info_nodes] = self.plans
        return leaf_reach(self.game, naming, choice, self.probs)

    def equilibria(self, point: int) -> list:  # type: ignore[type-arg]
        """The subgame-perfect equilibrium of one point, as in :func:`solve_sequential`."""
        from sim.analysis.sequential import SequentialEquilibrium

        behaviour = self.game.pure_behaviour(self.plan(point))
        return [
            SequentialEquilibrium(
                tuple(behaviour),
                np.array(self.expected[:, point], float),
                SUBGAME_PERFECT,
                self.method,
                float(self.regret[point]),
                True,
            )
        ]

    # -- the interface shared with BatchSolution (sim.analysis.batch.SolvedBatch) --

    def equilibrium_keys(self, point: int) -> frozenset[Hashable]:
        """The identity of the equilibrium at one point: its plan."""
        return frozenset({self.plan(point)})

    def selected_payoffs(self, point: int, rule: str) -> FloatArray | None:
        """Expected payoffs of the point's equilibrium (there is one; ``rule`` is moot)."""
        del rule
        return np.asarray(self.expected[:, point], float)

    def outcome_probability(self, point: int, rule: str, outcome: str) -> float:
        """Probability that the point's equilibrium ends in the named outcome."""
        del rule
        if outcome not in self.outcome_names:
            return 0.0
        return float(self.outcome_probs[self.outcome_names.index(outcome), point])

    def predictions(self, rule: str) -> Predictions:
        """The outcomes each point's equilibrium reaches (there is one; ``rule`` is moot)."""
        from sim.analysis.predict import Predictions

        return Predictions(rule, self.names, np.zeros(self.size, np.int64))


def solve_sequential_batch(
    scenario: Scenario,
    points: Mapping[str, np.ndarray],
    *,
    base: Mapping[str, float] | None = None,
    concepts: Sequence[str] = SEQUENTIAL_BATCH,
    tol: float = 1e-9,
    progress: Callable[[int, int], None] | None = None,
) -> SequentialBatch:
    """Solve a sequential scenario of perfect information at every point of a batch.

    Parameters
    ----------
    points
        Parameter name -> array of values (all the same length): the batch.
    base
        Fixed overrides for other parameters (``--set``).
    concepts
        ``subgame_perfect`` (the only concept of sequential batches).
    tol
        Tie tolerance relative to each point's payoff range.
    progress
        Optional callable ``progress(done, total)``.

    Raises
    ------
    RequestError
        For imperfect information, another concept, or a batch too large.
    VerificationError
        If a plan fails the independent check (an internal error).
    """
    where = "batches of sequential games, which follow their subgame-perfect equilibria"
    check_concepts(concepts, SEQUENTIAL_BATCH, where)
    game = require_perfect_information(scenario)
    overrides: dict[str, float | np.ndarray] = dict(base or {})
    overrides.update({k: np.asarray(v, dtype=float) for k, v in points.items()})
    size = len(next(iter(points.values()))) if points else 1
    env = {
        k: np.broadcast_to(np.asarray(v, dtype=float), (size,))
        for k, v in parameter_env(scenario.parameters, overrides).items()
    }
    per_point = (game.payoff_base.size + 3 * game.n_nodes * (game.n_players + 1)) * 8
    if per_point * size > MAX_BATCH_BYTES:
        raise RequestError(
            f"{size:,} points of this game need about {per_point * size / 1024**3:.1f} GiB; "
            "use fewer points"
        )
    payoffs, probs = evaluate_columns(game, env, size)
    naming = game_naming(game)
    floats = max(per_point // 8, 1)
    step = max(1, _CHUNK_FLOATS // floats, min(64, _MAX_CHUNK_FLOATS // floats))
    parts = []
    for s in range(0, size, step):
        parts.append(
            _solve_part(game, naming, payoffs[..., s : s + step], probs[:, s : s + step], tol, s)
        )
        if progress is not None:
            progress(min(s + step, size), size)
    plans, ties, expected, outcome_probs, regret = (
        np.concatenate([p[i] for p in parts], axis=-1) for i in range(5)
    )
    alternatives = _tie_outcomes(game, naming, payoffs, probs, ties, tol)
    names = _names(naming, outcome_probs, alternatives)
    return SequentialBatch(
        scenario,
        game,
        env,
        payoffs,
        probs,
        plans,
        ties,
        expected,
        naming.names,
        outcome_probs,
        names,
        regret,
        SEQUENTIAL_BATCH,
        tol,
        alternatives=alternatives,
    )


def _solve_part(
    game: ExtensiveGame,
    naming: Naming,
    payoffs: FloatArray,
    probs: FloatArray,
    tol: float,
    offset: int,
) -> tuple[np.ndarray, ...]:
    sol = backward_induction_columns(game, payoffs, probs, tol, keep_values=False)
    regret, expected = _regret(game, payoffs, probs, sol.choice)
    limit = max(2 * tol, 1e-9)
    scale = np.abs(sol.root).max(axis=0) + 1.0
    if regret.size and (regret.max() > limit or np.any(np.abs(expected - sol.root) > 1e-9 * scale)):
        worst = int(np.argmax(regret))
        raise VerificationError(
            f"internal error: backward induction at point {offset + worst} fails the one-shot "
            f"deviation check (regret {regret[worst]:.3g})"
        )
    reach = leaf_reach(game, naming, sol.choice, probs)
    outcome_probs = outcome_probabilities(naming, reach)
    plans = sol.choice[naming.info_nodes]
    ties = sol.tie[naming.info_nodes]
    return plans, ties, sol.root, outcome_probs, regret


def _names(
    naming: Naming, outcome_probs: FloatArray, alternatives: Mapping[int, tuple[str, ...]]
) -> tuple[str, ...]:
    """The predicted outcome name of each point (one string per distinct set of outcomes);
    where moves tie, the outcomes of every subgame-perfect equilibrium joined by ``" | "``."""
    reached = outcome_probs > MIN_OUTCOME_PROBABILITY
    groups, inverse = distinct_columns(reached)
    labels = [_label(naming, np.flatnonzero(column).tolist()) for column in groups]
    table = np.array(labels, dtype=object)
    names = table[inverse]
    for b, options in alternatives.items():
        first = options[0] or names[b]
        names[b] = " | ".join((first, *options[1:]))
    return tuple(names.tolist())


def _label(naming: Naming, outcomes: Sequence[int]) -> str:
    hit = [naming.names[int(i)] for i in outcomes]
    return " + ".join(hit) if hit else "No outcome"


def _tie_outcomes(
    game: ExtensiveGame,
    naming: Naming,
    payoffs: FloatArray,
    probs: FloatArray,
    ties: np.ndarray,
    tol: float,
) -> dict[int, tuple[str, ...]]:
    """Point -> the outcome names of every pure SPE, at the points where moves tie and
    the equilibria lead to different outcomes (see :mod:`sim.analysis.sequential_ties`)."""
    points = np.flatnonzero(ties.any(axis=0))

    def reached(choices: Sequence[int], b: int) -> frozenset[int]:
        choice = np.full((game.n_nodes, 1), -1, np.int64)
        choice[naming.info_nodes, 0] = choices
        odds = outcome_probabilities(naming, leaf_reach(game, naming, choice, probs[:, b : b + 1]))
        return frozenset(np.flatnonzero(odds[:, 0] > MIN_OUTCOME_PROBABILITY).tolist())

    sets = tie_outcome_sets(game, payoffs, probs, points.tolist(), tol, reached)
    out: dict[int, tuple[str, ...]] = {}
    for b, found in sets.items():
        if len(found) > 1:
            out[b] = tuple(_label(naming, sorted(s)) if s else OTHERS for s in found)
    for b in points[MAX_TIE_POINTS:].tolist():
        out[b] = ("", OTHERS)  # the first is filled in by _names
    return out


def plan_codes(batch: SequentialBatch) -> np.ndarray:
    """One integer (or row index) per point identifying its plan: equal plans, equal codes."""
    naming = game_naming(batch.game)
    if naming.radix is not None:
        return naming.radix @ batch.plans.astype(np.int64)
    _, inverse = np.unique(np.ascontiguousarray(batch.plans.T), axis=0, return_inverse=True)
    return inverse.ravel()
