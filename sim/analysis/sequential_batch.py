"""Subgame-perfect equilibria of a sequential scenario at a whole batch of parameter points.

The sequential counterpart of :mod:`sim.analysis.batch`, for games of perfect
information (chance moves allowed). The game tree is built once per scenario,
every payoff and probability formula is evaluated once on the whole batch,
and backward induction runs on all points together
(:func:`sim.solvers.backward_induction.backward_induction_columns`). Arrays
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

import numpy as np
import numpy.typing as npt

from sim.errors import ScenarioError, UsageError, VerificationError
from sim.games.extensive import (
    CHANCE,
    ExtensiveGame,
    FloatArray,
    IntArray,
    PointValues,
    _check_probabilities,
)
from sim.games.extensive_build import build_extensive
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.solvers.backward_induction import METHOD, _layout, backward_induction_columns

__all__ = [
    "MIN_OUTCOME_PROBABILITY",
    "SEQUENTIAL_BATCH_CONCEPTS",
    "SequentialBatch",
    "evaluate_columns",
    "game_for",
    "outcome_names",
    "outcome_probabilities",
    "plan_codes",
    "plan_values",
    "require_perfect_information",
    "solve_sequential_batch",
    "switch_root",
]

SEQUENTIAL_BATCH_CONCEPTS = ("subgame_perfect",)
#: Outcomes reached with less probability than this do not count as reached.
MIN_OUTCOME_PROBABILITY = 1e-12
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
        raise UsageError(f"'{scenario.name}' is a simultaneous game")
    game = game_for(scenario)
    if not game.perfect_information or game.has_beliefs:
        raise UsageError(
            "sweeps of games with imperfect information are not supported yet (nor of games "
            "where players hold their own beliefs); use sim solve at chosen values"
        )
    return game


# --------------------------------------------------------------------------- evaluation


def evaluate_columns(
    game: ExtensiveGame, env: Mapping[str, object], size: int, *, check: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Payoffs ``(n_leaves, n_players, size)`` and chance probabilities ``(n_nodes, size)``.

    The node-major counterpart of :func:`sim.games.extensive.evaluate`: the
    same formulas added in the same order (so the numbers are identical), and
    the same checks of the chance probabilities unless ``check`` is False.
    """
    payoffs = np.empty((*game.payoff_base.shape, size))
    payoffs[...] = game.payoff_base[..., None]
    for term in game.payoff_terms:
        column = np.broadcast_to(np.asarray(term.formula.evaluate(env), float), (size,))  # type: ignore[arg-type]
        payoffs[term.rows, term.player] += column
    probs = np.empty((game.n_nodes, size))
    probs[...] = game.chance_base[:, None]
    for cterm in game.chance_terms:
        column = np.broadcast_to(np.asarray(cterm.formula.evaluate(env), float), (size,))  # type: ignore[arg-type]
        probs[cterm.nodes] = column
    if check:
        _check_probabilities(game, probs.T, env)  # type: ignore[arg-type]
    return payoffs, probs


# --------------------------------------------------------------------------- per-game layout


@dataclass(frozen=True, eq=False)
class _Naming:
    """Per-game arrays for reach probabilities and outcome names (computed once)."""

    info_nodes: IntArray  # the node of each information set (perfect information)
    down: tuple[tuple[IntArray, IntArray, IntArray, IntArray, IntArray], ...]
    names: tuple[str, ...]  # outcome names, in the fixed order
    leaf_outcome: IntArray  # outcome index of each leaf row
    rows: tuple[IntArray, ...]  # the leaf rows of each outcome
    radix: IntArray | None  # plan -> one integer, when it fits


def _naming(game: ExtensiveGame) -> _Naming:
    cached = game._cache.get("sequential_batch_naming")
    if isinstance(cached, _Naming):
        return cached
    info_nodes = np.array([h.nodes[0] for h in game.infosets], np.int64)
    down = []
    for level in reversed(game.levels()):
        level = level[level > 0]
        if not level.size:
            continue
        up = game.parent[level]
        by_chance = game.kind[up] == CHANCE
        down.append(
            (
                level[by_chance],
                up[by_chance],
                level[~by_chance],
                up[~by_chance],
                game.edge[level[~by_chance]][:, None],
            )
        )
    leaf_names = [_leaf_name(game, int(x)) for x in game.leaves]
    order = [lab.name for lab in game.labels if lab.name in leaf_names]
    names = tuple(dict.fromkeys([*order, *leaf_names]))
    index = {n: i for i, n in enumerate(names)}
    leaf_outcome = np.array([index[n] for n in leaf_names], np.int64)
    rows = tuple(np.flatnonzero(leaf_outcome == k) for k in range(len(names)))
    sizes = np.array([len(h.moves) for h in game.infosets], np.int64)
    radix = None
    if sizes.size and float(np.sum(np.log2(np.maximum(sizes, 2)))) < 62:
        radix = np.concatenate([[1], np.cumprod(sizes[:-1])]).astype(np.int64)
    naming = _Naming(info_nodes, tuple(down), names, leaf_outcome, rows, radix)
    game._cache["sequential_batch_naming"] = naming
    return naming


def outcome_names(game: ExtensiveGame) -> tuple[str, ...]:
    """The game's outcome names in their fixed order (labels first, see the module docstring)."""
    return _naming(game).names


def _leaf_name(game: ExtensiveGame, leaf: int) -> str:
    label = game.leaf_label(leaf)
    if label:
        return label
    return ",".join(f"{k}={m}" for k, m in game.history(leaf)) or "the game ends"


def _leaf_reach(
    game: ExtensiveGame, naming: _Naming, choice: npt.NDArray[np.integer], probs: FloatArray
) -> FloatArray:
    """``(n_leaves, batch)``: probability of each complete history under the plans."""
    reach = np.empty((game.n_nodes, probs.shape[1]))
    reach[0] = 1.0
    for c_nodes, c_up, d_nodes, d_up, d_edge in naming.down:
        if c_nodes.size:
            reach[c_nodes] = reach[c_up] * probs[c_nodes]
        if d_nodes.size:
            reach[d_nodes] = reach[d_up] * (choice[d_up] == d_edge)
    return reach[game.leaves]


def outcome_probabilities(naming: _Naming, reach: FloatArray) -> FloatArray:
    """``(n_outcomes, batch)`` from the reach probabilities of the leaves."""
    out = np.empty((len(naming.rows), reach.shape[1]))
    for k, rows in enumerate(naming.rows):
        if rows.size == 1:
            out[k] = reach[rows[0]]
        else:
            np.add.reduce(reach[rows], axis=0, out=out[k])
    return out


def plan_values(
    game: ExtensiveGame,
    payoffs: FloatArray,
    probs: FloatArray,
    choice: npt.NDArray[np.integer],
) -> FloatArray:
    """``(n_nodes, n_players, batch)``: every node's expected payoffs under fixed plans.

    Computed as probability-weighted sums over each node's children (chance
    probabilities, and 1 or 0 for the planned move), independently of how the
    plans were found.
    """
    layout = _layout(game)
    vals = np.empty((game.n_nodes, payoffs.shape[1], payoffs.shape[2]))
    vals[game.leaves] = payoffs[game.leaf_row[game.leaves]]
    for g in layout.groups:
        plan = None if g.chance else choice[g.nodes]
        acc = None
        for k, col in enumerate(g.kids):
            w = probs[col] if plan is None else (plan == k)
            term = w[:, None, :] * vals[col]
            acc = term if acc is None else np.add(acc, term, out=acc)
        vals[g.nodes] = acc
    return vals


def _regret(
    game: ExtensiveGame, payoffs: FloatArray, probs: FloatArray, choice: npt.NDArray[np.integer]
) -> tuple[FloatArray, FloatArray]:
    """Largest one-shot deviation gain per point (relative to its payoff range), and the
    expected payoffs of the plans, both from :func:`plan_values`."""
    vals = plan_values(game, payoffs, probs, choice)
    gain = np.zeros(payoffs.shape[2])
    for g in _layout(game).groups:
        if g.chance:
            continue
        best = vals[g.kids[0], g.owner]
        for col in g.kids[1:]:
            np.maximum(best, vals[col, g.owner], out=best)
        best -= vals[g.nodes, g.owner]
        np.maximum(gain, best.max(axis=0), out=gain)
    flat = payoffs.reshape(-1, payoffs.shape[2])
    span = flat.max(axis=0) - flat.min(axis=0) if flat.shape[0] else np.ones(payoffs.shape[2])
    span[span <= 1e-300] = 1.0
    return gain / span, vals[0]


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
    concepts: tuple[str, ...] = SEQUENTIAL_BATCH_CONCEPTS
    tol: float = 1e-9
    method: str = METHOD
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
        naming = _naming(self.game)
        choice = np.full((self.game.n_nodes, self.size), -1, self.plans.dtype)
        choice[naming.info_nodes] = self.plans
        return _leaf_reach(self.game, naming, choice, self.probs)

    def equilibria(self, point: int) -> list:  # type: ignore[type-arg]
        """The subgame-perfect equilibrium of one point, as in :func:`solve_sequential`."""
        from sim.analysis.sequential import SequentialEquilibrium

        behaviour = self.game.pure_behaviour(self.plan(point))
        return [
            SequentialEquilibrium(
                tuple(behaviour),
                np.array(self.expected[:, point], float),
                "subgame_perfect",
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


def solve_sequential_batch(
    scenario: Scenario,
    points: Mapping[str, np.ndarray],
    *,
    base: Mapping[str, float] | None = None,
    concepts: Sequence[str] = SEQUENTIAL_BATCH_CONCEPTS,
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
    UsageError
        For imperfect information, another concept, or a batch too large.
    VerificationError
        If a plan fails the independent check (an internal error).
    """
    bad = [c for c in concepts if c not in SEQUENTIAL_BATCH_CONCEPTS]
    if bad:
        raise UsageError(
            f"sequential games are analysed by their subgame-perfect equilibria; concept "
            f"{', '.join(bad)} is not available here (use --concept subgame_perfect)"
        )
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
        raise UsageError(
            f"{size:,} points of this game need about {per_point * size / 1024**3:.1f} GiB; "
            "use fewer points"
        )
    payoffs, probs = evaluate_columns(game, env, size)
    naming = _naming(game)
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
    names = _names(naming, outcome_probs)
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
        ("subgame_perfect",),
        tol,
    )


def _solve_part(
    game: ExtensiveGame,
    naming: _Naming,
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
    reach = _leaf_reach(game, naming, sol.choice, probs)
    outcome_probs = outcome_probabilities(naming, reach)
    plans = sol.choice[naming.info_nodes]
    ties = sol.tie[naming.info_nodes]
    return plans, ties, sol.root, outcome_probs, regret


def _names(naming: _Naming, outcome_probs: FloatArray) -> tuple[str, ...]:
    """The predicted outcome name of each point (one string per distinct set of outcomes)."""
    reached = outcome_probs > MIN_OUTCOME_PROBABILITY
    groups, inverse = _distinct_columns(reached)
    labels = []
    for column in groups:
        hit = [naming.names[i] for i in np.flatnonzero(column)]
        labels.append(" + ".join(hit) if hit else "No outcome")
    table = np.array(labels, dtype=object)
    return tuple(table[inverse].tolist())


def _distinct_columns(mat: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct columns of a small matrix ``(rows, batch)`` and each column's group."""
    if mat.shape[1] == 0:
        return [], np.zeros(0, np.int64)
    packed = np.packbits(mat.astype(bool), axis=0)
    if packed.shape[0] <= 8:
        padded = np.zeros((8, mat.shape[1]), np.uint8)
        padded[: packed.shape[0]] = packed
        codes = np.ascontiguousarray(padded.T).view(np.uint64).ravel()
        uniq, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    else:
        rows = np.ascontiguousarray(packed.T)
        uniq, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    del uniq
    return [mat[:, int(i)] for i in first], inverse.ravel()


def plan_codes(batch: SequentialBatch) -> np.ndarray:
    """One integer (or row index) per point identifying its plan: equal plans, equal codes."""
    naming = _naming(batch.game)
    if naming.radix is not None:
        return naming.radix @ batch.plans.astype(np.int64)
    _, inverse = np.unique(np.ascontiguousarray(batch.plans.T), axis=0, return_inverse=True)
    return inverse.ravel()


def switch_root(
    before: SequentialBatch,
    after: SequentialBatch,
    parameter: str,
    low: float,
    high: float,
    base: Mapping[str, float] | None = None,
) -> float | None:
    """Where payoffs are linear in ``parameter`` near a flip, its exact value; else None.

    ``before`` holds the point just below the flip (``low``) and ``after`` the
    point just above (``high``). With the plan of ``before`` fixed, the
    mover's payoff difference between its old and its new move at each
    information set that switches is a function of the parameter (where no
    move switches, the probability of each outcome that appears or
    disappears is); where it is linear (checked at four points around the
    bracket), its root inside ``[low, high]`` is the flip. ``base`` holds the
    other overrides.
    """
    game = before.game
    mid = (low + high) / 2
    step = 1e-3 * max(1.0, abs(mid))
    ts = np.array([low - step, mid, high + step, high + 2.5 * step])
    env = parameter_env(before.scenario.parameters, {**(base or {}), parameter: ts})
    env = {k: np.broadcast_to(np.asarray(v, dtype=float), ts.shape) for k, v in env.items()}
    try:
        payoffs, probs = evaluate_columns(game, env, ts.size, check=False)
    except ScenarioError:
        return None
    naming = _naming(game)
    choice = np.full((game.n_nodes, ts.size), -1, before.plans.dtype)
    choice[naming.info_nodes] = before.plans[:, :1]
    curves = []
    switched = np.flatnonzero(before.plans[:, 0] != after.plans[:, 0])
    if switched.size:
        vals = plan_values(game, payoffs, probs, choice)
        for h in switched.tolist():
            x = int(naming.info_nodes[h])
            i = int(game.owner[x])
            old, new = int(before.plans[h, 0]), int(after.plans[h, 0])
            curves.append(vals[game.children[x][new], i] - vals[game.children[x][old], i])
    else:
        odds = outcome_probabilities(naming, _leaf_reach(game, naming, choice, probs))
        seen = before.outcome_probs[:, 0] > MIN_OUTCOME_PROBABILITY
        now = after.outcome_probs[:, 0] > MIN_OUTCOME_PROBABILITY
        curves.extend(odds[k] for k in np.flatnonzero(seen != now))
    roots = []
    for d in curves:
        slope = (d[2] - d[0]) / (ts[2] - ts[0])
        line = d[0] + slope * (ts - ts[0])
        if slope == 0 or not np.allclose(d, line, rtol=1e-9, atol=1e-9 * (np.abs(d).max() + 1)):
            continue
        r = float(mid - d[1] / slope)
        if low - 1e-12 * max(1.0, abs(low)) <= r <= high + 1e-12 * max(1.0, abs(high)):
            roots.append(r)
    return min(roots, key=lambda r: abs(r - mid)) if roots else None
