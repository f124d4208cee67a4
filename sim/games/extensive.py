"""Finite extensive-form games: nodes, information sets and their numbers.

An :class:`ExtensiveGame` is the game tree of a sequential scenario (built by
:func:`sim.games.extensive_build.build_extensive` from a ``sequence`` or a
``tree``). Its nodes are numbered in preorder (depth first, moves in file
order), so the subtree of node ``x`` is the index range ``x .. end[x] - 1``.
Each decision node belongs to one :class:`InfoSet`; chance nodes and leaves
belong to none. The structure holds *formulas*, not numbers: payoffs and
chance probabilities are computed by :func:`evaluate` for one parameter point
or a whole batch, evaluating every formula once (Kuhn 1953; Osborne &
Rubinstein 1994, ch. 6 and 11; the notation follows Myerson 1991, ch. 2).

Conventions
-----------
``GameValues.payoffs`` has shape ``(batch, n_leaves, n_players)`` and
``GameValues.probs`` has shape ``(batch, n_nodes)``: ``probs[:, x]`` is the
probability of the chance move that leads into node ``x`` (1.0 when ``x``'s
parent is not a chance node, and for the root). :class:`PointValues` is one
point of a batch, without the batch axis.

A behaviour profile is a tuple with one probability vector per information
set (indexed like ``game.infosets``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.arrays import FloatArray, IntArray
from sim.errors import Location, ScenarioError
from sim.scenario.model import Formula, Label, Value
from sim.scenario.parameters import batch_size
from sim.scenario.payoffs import MAX_PAYOFF

__all__ = [
    "CHANCE",
    "DECISION",
    "LEAF",
    "MAX_NODES",
    "Behaviour",
    "ChanceTerm",
    "ExtensiveGame",
    "GameValues",
    "InfoSet",
    "PayoffTerm",
    "PointValues",
    "evaluate",
]

#: Node kinds.
LEAF, CHANCE, DECISION = 0, 1, 2
#: Largest game tree that is built (nodes).
MAX_NODES = 100_000
#: A batch of payoffs and probabilities larger than this is refused (bytes).
MAX_VALUE_BYTES = 1024**3
#: Chance probabilities may be this far below 0 or their sum this far from 1.
PROB_TOL = 1e-9

Behaviour = tuple[FloatArray, ...]


@dataclass(frozen=True)
class InfoSet:
    """An information set: decision nodes its player cannot tell apart.

    Attributes
    ----------
    key
        Readable unique name, e.g. ``"Russia@offer=offer_deal"`` (see
        :mod:`sim.games.extensive_build` for the rule).
    player
        Index of the player who moves.
    moves
        Move names, in file order.
    nodes
        Its decision nodes, in preorder.
    stage
        The sequence stage it belongs to (``None`` in a ``tree`` game).
    """

    key: str
    player: int
    moves: tuple[str, ...]
    nodes: tuple[int, ...]
    stage: str | None = None


@dataclass(frozen=True, eq=False)
class PayoffTerm:
    """``formula`` is added to ``player``'s payoff at the leaves ``rows`` (leaf numbers)."""

    rows: IntArray
    player: int
    formula: Formula


@dataclass(frozen=True, eq=False)
class ChanceTerm:
    """``formula`` is the probability of the chance moves into ``nodes``."""

    nodes: IntArray
    formula: Formula
    location: Location
    path: str
    outcome: str


@dataclass(frozen=True, eq=False)
class ExtensiveGame:
    """A finite game tree with perfect recall, its information sets and payoff formulas.

    Attributes
    ----------
    title, players
        Scenario name and player names (chance is not a player).
    kind, parent, edge, owner, infoset, end
        Per node (preorder): LEAF/CHANCE/DECISION; parent (-1 at the root);
        index of the move at the parent leading here (-1 at the root); player
        index at decision nodes (else -1); information-set index (else -1);
        one past the last node of its subtree.
    children
        Per node, its children in move order.
    node_moves
        Per node, the names of the moves leaving it (chance outcomes too).
    movers
        Per node, the key under which its move is recorded in a history:
        the stage id (sequence) or the player's name / ``"chance"`` (tree).
    leaves
        Leaf node indices in preorder; ``leaf_row[x]`` is ``x``'s row in the
        payoff arrays (-1 for inner nodes).
    infosets
        The information sets.
    payoff_base, payoff_terms
        Payoffs that are constants, shape ``(n_leaves, n_players)``, and the
        formulas added on top of them.
    chance_base, chance_terms
        1.0 per node, and the formulas that set the probability of every
        chance edge.
    labels, leaf_labels
        The scenario's labels and each leaf's own label (tree leaves,
        outcome rows), used to name outcomes.
    locations, paths
        Where each node was written (the stage or tree node), for errors.
    source
        ``"sequence"`` or ``"tree"``.
    """

    title: str
    players: tuple[str, ...]
    kind: npt.NDArray[np.int8]
    parent: IntArray
    edge: IntArray
    owner: IntArray
    infoset: IntArray
    end: IntArray
    children: tuple[tuple[int, ...], ...]
    node_moves: tuple[tuple[str, ...], ...]
    movers: tuple[str, ...]
    leaves: IntArray
    leaf_row: IntArray
    infosets: tuple[InfoSet, ...]
    payoff_base: FloatArray
    payoff_terms: tuple[PayoffTerm, ...]
    chance_base: FloatArray
    chance_terms: tuple[ChanceTerm, ...]
    labels: tuple[Label, ...] = ()
    leaf_labels: tuple[str | None, ...] = ()
    locations: tuple[Location | None, ...] = ()
    paths: tuple[str, ...] = ()
    source: str = "sequence"
    stage_order: tuple[str, ...] = ()
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.kind.shape[0])

    @property
    def n_players(self) -> int:
        """Number of players (chance excluded)."""
        return len(self.players)

    @property
    def perfect_information(self) -> bool:
        """True when every information set holds a single node."""
        return all(len(h.nodes) == 1 for h in self.infosets)

    def history(self, node: int) -> tuple[tuple[str, str], ...]:
        """The moves from the root to ``node``: ``((mover key, move), ...)``."""
        out: list[tuple[str, str]] = []
        while self.parent[node] >= 0:
            up = int(self.parent[node])
            out.append((self.movers[up], self.node_moves[up][int(self.edge[node])]))
            node = up
        return tuple(reversed(out))

    def history_dict(self, node: int) -> dict[str, str]:
        """The history as a mapping; a key repeated on the path gets ``#2``, ``#3``, ...

        In a sequence every stage id occurs once; in a tree a player that
        moves twice on the path has keys ``"P1"`` and ``"P1#2"``.
        """
        out: dict[str, str] = {}
        counts: dict[str, int] = {}
        for key, move in self.history(node):
            counts[key] = counts.get(key, 0) + 1
            out[key if counts[key] == 1 else f"{key}#{counts[key]}"] = move
        return out

    def leaf_label(self, node: int) -> str | None:
        """Name of the outcome at a leaf: first matching label, else the leaf's own label."""
        history = self.history_dict(node)
        for label in self.labels:
            if label.when.holds(history):
                return label.name
        row = int(self.leaf_row[node])
        return self.leaf_labels[row] if row >= 0 and self.leaf_labels else None

    def move_index(self, infoset: int, move: str) -> int:
        """Index of ``move`` at an information set."""
        return self.infosets[infoset].moves.index(move)

    def infoset_by_key(self, key: str) -> int:
        """Index of the information set named ``key``."""
        for i, h in enumerate(self.infosets):
            if h.key == key:
                return i
        raise KeyError(key)

    def levels(self) -> tuple[IntArray, ...]:
        """Node indices grouped by depth, deepest level first (cached)."""
        cached = self._cache.get("levels")
        if isinstance(cached, tuple):
            return cached
        depth = np.zeros(self.n_nodes, np.int64)
        for x in range(1, self.n_nodes):
            depth[x] = depth[self.parent[x]] + 1
        order = np.argsort(-depth, kind="stable")
        cuts = np.flatnonzero(np.diff(depth[order])) + 1
        levels = tuple(np.split(order, cuts))
        self._cache["levels"] = levels
        return levels

    def kids_matrix(self) -> IntArray:
        """``(n_nodes, max moves)``: children of each node, padded with -1 (cached)."""
        cached = self._cache.get("kids")
        if isinstance(cached, np.ndarray):
            return cached
        width = max((len(c) for c in self.children), default=1) or 1
        kids = np.full((self.n_nodes, width), -1, np.int64)
        for x, c in enumerate(self.children):
            kids[x, : len(c)] = c
        self._cache["kids"] = kids
        return kids

    def edge_weights(self, probs: FloatArray, profile: Sequence[FloatArray]) -> FloatArray:
        """Probability of the move into each node: chance probability or behaviour (root: 1)."""
        flat = np.concatenate([np.asarray(b, float) for b in profile]) if profile else np.zeros(0)
        sizes = [len(h.moves) for h in self.infosets]
        offset = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        w = np.ones(self.n_nodes)
        child = np.arange(1, self.n_nodes)
        up = self.parent[child]
        dec = self.kind[up] == DECISION
        w[child[dec]] = flat[offset[self.infoset[up[dec]]] + self.edge[child[dec]]]
        chance = self.kind[up] == CHANCE
        w[child[chance]] = probs[child[chance]]
        return w

    def pure_behaviour(self, choices: Sequence[int]) -> Behaviour:
        """A pure behaviour profile from one move index per information set."""
        if not self.infosets:
            return ()
        sizes = np.array([len(h.moves) for h in self.infosets], np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        flat = np.zeros(int(sizes.sum()))
        flat[starts + np.asarray(choices, np.int64)] = 1.0
        return tuple(np.split(flat, starts[1:]))


@dataclass(frozen=True)
class PointValues:
    """Payoffs ``(n_leaves, n_players)`` and chance-edge probabilities ``(n_nodes,)``."""

    payoffs: FloatArray
    probs: FloatArray
    parameters: Mapping[str, float] = field(default_factory=dict)

    @property
    def payoff_range(self) -> float:
        """The largest player's payoff scale (see :func:`sim.scales.leaf_scales`)."""
        from sim.scales import leaf_scales

        return float(leaf_scales(self.payoffs[..., None]).max()) if self.payoffs.size else 1.0


@dataclass(frozen=True)
class GameValues:
    """Payoffs ``(batch, n_leaves, n_players)`` and probabilities ``(batch, n_nodes)``."""

    payoffs: FloatArray
    probs: FloatArray
    batched: bool

    @property
    def batch(self) -> int:
        """Number of parameter points."""
        return int(self.payoffs.shape[0])

    def point(self, index: int = 0, parameters: Mapping[str, Value] | None = None) -> PointValues:
        """One parameter point (parameter values from ``parameters``, if given)."""
        params = {
            k: float(np.ravel(v)[index] if np.ndim(v) else v) for k, v in (parameters or {}).items()
        }
        return PointValues(self.payoffs[index], self.probs[index], params)


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
    probs = np.repeat(game.chance_base[None], batch, axis=0)
    for cterm in game.chance_terms:
        column = np.broadcast_to(np.asarray(cterm.formula.evaluate(env), float), (batch,))
        probs[:, cterm.nodes] = column[:, None]
    _check_probabilities(game, probs, env)
    return GameValues(payoffs, probs, size is not None)


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


def _check_probabilities(game: ExtensiveGame, probs: FloatArray, env: Mapping[str, Value]) -> None:
    """Probabilities of each chance node: not negative, summing to 1 (within 1e-9)."""
    for cterm in game.chance_terms:
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
            term = next(t for t in game.chance_terms if np.isin(kids, t.nodes).any())
            msg = f"chance probabilities sum to {total[worst]:.12g}{_at(env, worst)}, not 1"
            raise ScenarioError.single(term.location, term.path, msg)


def _at(env: Mapping[str, Value], index: int) -> str:
    arrays = {k: v for k, v in env.items() if np.ndim(v) > 0}
    if not arrays:
        return ""
    text = ", ".join(f"{k}={float(np.ravel(v)[index]):g}" for k, v in arrays.items())
    return f" (at {text})"
