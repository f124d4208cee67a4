"""The reduced strategic form of a game tree, and Kuhn's theorem both ways.

A *plan* (reduced pure strategy) of a player chooses one move at each of its
information sets that its own earlier choices do not exclude; pure
strategies that differ only at excluded information sets are merged
(Myerson 1991, sec. 2.3; von Stengel 2002, sec. 4; Osborne & Rubinstein 1994,
def. 94.2). A plan is stored as the tuple of *sequence* ids it contains; the
sequence ``(h, a)`` has id ``seq_offset[h] + a``.

The payoff tensor is built leaf by leaf: a leaf (or a cut node standing for a
solved subgame) reached with chance probability ``w`` adds ``w * u`` to every
profile of plans consistent with its path, a box of the tensor. The work is
proportional to the number of (profile, reached leaf) pairs.

Kuhn's theorem (Kuhn 1953): a mixed plan and the behaviour strategy with
``b(h)(a) = r(h, a) / r(parent(h))`` (realisation probabilities ``r``) give
the same outcome distribution. At an information set that the player's own
mixed plan excludes (``r(parent(h)) = 0``) the behaviour is undefined; it is
returned as ``None`` and filled in by :func:`sim.solvers.extensive.completion.complete`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from sim.errors import SimError
from sim.games.extensive import DECISION, ExtensiveGame, FloatArray, IntArray, PointValues
from sim.games.profile_values import Cut, region_nodes, region_terminals

__all__ = [
    "MAX_PROFILES",
    "ReducedForm",
    "behaviour_from_mixed",
    "mixed_from_behaviour",
    "reduced_form",
    "sequences",
]

#: Largest reduced strategic form that is built (pure profiles).
MAX_PROFILES = 1_000_000
_TINY = 1e-15


@dataclass(frozen=True)
class Sequences:
    """Sequence numbering of a game: ``(h, a)`` has id ``offset[h] + a``."""

    offset: IntArray
    infoset: IntArray
    move: IntArray
    last: IntArray
    parent: IntArray


def sequences(game: ExtensiveGame) -> Sequences:
    """Sequence ids, each node's last own sequence per player, each infoset's parent sequence.

    ``last[x, i]`` is the last sequence of player ``i`` on the path to ``x``
    (-1 if none); ``parent[h]`` is ``last`` of ``h``'s player at ``h``'s
    nodes (the same at all of them, by perfect recall).
    """
    cached = game._cache.get("sequences")
    if isinstance(cached, Sequences):
        return cached
    sizes = [len(h.moves) for h in game.infosets]
    offset = (
        np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        if sizes
        else np.zeros(0, np.int64)
    )
    seq_infoset = np.repeat(np.arange(len(sizes)), sizes).astype(np.int64)
    seq_move = (
        np.concatenate([np.arange(k) for k in sizes]).astype(np.int64) if sizes else seq_infoset
    )
    last = np.full((game.n_nodes, game.n_players), -1, np.int64)
    for x in range(1, game.n_nodes):
        p = int(game.parent[x])
        last[x] = last[p]
        if game.kind[p] == DECISION:
            last[x, game.owner[p]] = offset[game.infoset[p]] + game.edge[x]
    parent = np.array([last[h.nodes[0], h.player] for h in game.infosets], np.int64)
    result = Sequences(offset, seq_infoset, seq_move, last, parent)
    game._cache["sequences"] = result
    return result


@dataclass(frozen=True, eq=False)
class ReducedForm:
    """The reduced strategic form of a region of a game tree.

    Attributes
    ----------
    root
        Root of the region (0: the whole game).
    players
        Indices of the players with an information set in the region, in
        order; they are the axes of ``values``.
    plans
        For each of these players, its plans (tuples of sequence ids).
    infosets
        Information sets of the region, in index order.
    values
        Expected payoffs of *every* player, shape ``(n_players, m_1, ..., m_k)``
        for the ``k`` active players.
    """

    root: int
    players: tuple[int, ...]
    plans: tuple[tuple[tuple[int, ...], ...], ...]
    infosets: tuple[int, ...]
    values: FloatArray
    n_sequences: int = 0
    _matrices: list[FloatArray] = field(default_factory=list, repr=False)

    def plan_matrices(self) -> list[FloatArray]:
        """Per active player, the 0/1 matrix ``(plans, sequences)``: plan k holds sequence s."""
        if not self._matrices:
            for plist in self.plans:
                mat = np.zeros((len(plist), self.n_sequences))
                for k, plan in enumerate(plist):
                    mat[k, list(plan)] = 1.0
                self._matrices.append(mat)
        return self._matrices

    @property
    def payoffs(self) -> FloatArray:
        """The active players' payoff tensor, shape ``(k, m_1, ..., m_k)``."""
        return self.values[list(self.players)]

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of plans of each active player."""
        return tuple(len(p) for p in self.plans)


def reduced_form(
    game: ExtensiveGame,
    values: PointValues,
    root: int = 0,
    cut: Cut | None = None,
    *,
    max_profiles: int = MAX_PROFILES,
) -> ReducedForm:
    """Build the reduced strategic form of the region at ``root`` (cut nodes are leaves).

    Raises
    ------
    SimError
        If the form would have more than ``max_profiles`` pure profiles.
    """
    cut = cut or {}
    seqs = sequences(game)
    nodes = region_nodes(game, root, cut)
    inner = [x for x in nodes.tolist() if game.kind[x] == DECISION and (x == root or x not in cut)]
    region_sets = sorted({int(game.infoset[x]) for x in inner})
    players = tuple(sorted({game.infosets[h].player for h in region_sets}))
    mine = [[h for h in region_sets if game.infosets[h].player == p] for p in players]
    trees = [_plan_tree(seqs, m) for m in mine]
    counts = [_count(game, seqs, m, kids) for m, kids in zip(mine, trees, strict=True)]
    size = math.prod(counts)
    if size > max_profiles:
        dims = " x ".join(_big(c) for c in counts)
        raise SimError(
            f"the reduced strategic form has {dims} = {_big(size)} pure profiles, more than "
            f"{max_profiles:,}; solve a smaller game"
        )
    plans = [_plans(game, seqs, m, kids) for m, kids in zip(mine, trees, strict=True)]
    tensor = _tensor(game, values, root, cut, players, plans, set(region_sets))
    n_seq = int(seqs.infoset.size)
    return ReducedForm(root, players, tuple(plans), tuple(region_sets), tensor, n_seq)


def _big(count: int) -> str:
    """``12,345`` for a count that reads well, else ``about 1.7e+93``."""
    return f"{count:,}" if count < 10**12 else f"about {float(count):.2g}"


def _plan_tree(seqs: Sequences, mine: list[int]) -> dict[int, list[int]]:
    """Parent sequence (-1: none within the region) -> the player's information sets after it."""
    inside = set(mine)
    kids: dict[int, list[int]] = {}
    for h in mine:
        par = int(seqs.parent[h])
        par = par if par >= 0 and int(seqs.infoset[par]) in inside else -1
        kids.setdefault(par, []).append(h)
    return kids


def _deepest_first(game: ExtensiveGame, mine: list[int]) -> list[int]:
    return sorted(mine, key=lambda i: -game.infosets[i].nodes[0])


def _count(
    game: ExtensiveGame, seqs: Sequences, mine: list[int], kids: dict[int, list[int]]
) -> int:
    """Number of plans, counted without listing them (exact integers)."""
    under: dict[int, int] = {}

    def product(infosets: list[int]) -> int:
        total = 1
        for h in infosets:
            start = int(seqs.offset[h])
            total *= sum(under[start + a] for a in range(len(game.infosets[h].moves)))
        return total

    for h in _deepest_first(game, mine):
        for a in range(len(game.infosets[h].moves)):
            s = int(seqs.offset[h]) + a
            under[s] = product(kids.get(s, []))
    return product(kids.get(-1, []))


def _plans(
    game: ExtensiveGame, seqs: Sequences, mine: list[int], kids: dict[int, list[int]]
) -> tuple[tuple[int, ...], ...]:
    """All plans of one player over the information sets ``mine`` (perfect recall assumed)."""
    under: dict[int, list[tuple[int, ...]]] = {}
    for h in _deepest_first(game, mine):
        for a in range(len(game.infosets[h].moves)):
            s = int(seqs.offset[h]) + a
            under[s] = _product(game, seqs, kids.get(s, []), under)
    return tuple(_product(game, seqs, kids.get(-1, []), under))


def _product(
    game: ExtensiveGame,
    seqs: Sequences,
    infosets: list[int],
    under: Mapping[int, list[tuple[int, ...]]],
) -> list[tuple[int, ...]]:
    result: list[tuple[int, ...]] = [()]
    for h in infosets:
        options: list[tuple[int, ...]] = []
        for a in range(len(game.infosets[h].moves)):
            s = int(seqs.offset[h]) + a
            options.extend((s, *rest) for rest in under[s])
        result = [r + o for r in result for o in options]
    return [tuple(sorted(r)) for r in result]


def _tensor(
    game: ExtensiveGame,
    values: PointValues,
    root: int,
    cut: Cut,
    players: tuple[int, ...],
    plans: list[tuple[tuple[int, ...], ...]],
    region_sets: set[int],
) -> FloatArray:
    seqs = sequences(game)
    weight = _chance_weights(game, values, root, cut)
    containing = []
    for plist in plans:
        table: dict[int, list[int]] = {}
        for k, plan in enumerate(plist):
            for s in plan:
                table.setdefault(s, []).append(k)
        containing.append({s: np.array(v, np.int64) for s, v in table.items()})
    everyone = [np.arange(len(p)) for p in plans]
    tensor = np.zeros((game.n_players, *(len(p) for p in plans)))
    for t in region_terminals(game, root, cut).tolist():
        if weight[t] == 0.0:
            continue
        vec = cut[t] if t in cut else values.payoffs[game.leaf_row[t]]
        boxes = []
        for i, p in enumerate(players):
            s = int(seqs.last[t, p])
            inside = s >= 0 and int(seqs.infoset[s]) in region_sets
            boxes.append(containing[i].get(s, np.zeros(0, np.int64)) if inside else everyone[i])
        index: tuple[Any, ...] = (slice(None), *np.ix_(*boxes)) if boxes else (slice(None),)
        shaped = (weight[t] * np.asarray(vec, float)).reshape((-1,) + (1,) * len(boxes))
        tensor[index] += shaped
    return tensor


def _chance_weights(game: ExtensiveGame, values: PointValues, root: int, cut: Cut) -> FloatArray:
    weight = np.zeros(game.n_nodes)
    weight[root] = 1.0
    for x in region_nodes(game, root, cut).tolist():
        if x != root:
            weight[x] = weight[int(game.parent[x])] * values.probs[x]
    return weight


def _realisation(rf: ReducedForm, mixed: Sequence[FloatArray]) -> FloatArray:
    """Realisation probability of every sequence (0 for sequences outside the region)."""
    out = np.zeros(rf.n_sequences)
    for mat, x in zip(rf.plan_matrices(), mixed, strict=True):
        out += np.asarray(x, float) @ mat
    return out


def behaviour_from_mixed(
    game: ExtensiveGame, rf: ReducedForm, mixed: Sequence[FloatArray]
) -> dict[int, FloatArray | None]:
    """Behaviour strategies realisation-equivalent to mixed plans (Kuhn 1953).

    Returns
    -------
    dict
        Information-set index -> probability vector over its moves, or
        ``None`` where the player's own plan excludes the information set.
    """
    seqs = sequences(game)
    real = _realisation(rf, mixed)
    inside = set(rf.infosets)
    out: dict[int, FloatArray | None] = {}
    for h in rf.infosets:
        par = int(seqs.parent[h])
        denom = real[par] if par >= 0 and int(seqs.infoset[par]) in inside else 1.0
        if denom <= _TINY:
            out[h] = None
            continue
        start = int(seqs.offset[h])
        out[h] = _clean(real[start : start + len(game.infosets[h].moves)] / denom)
    return out


def _clean(vec: FloatArray) -> FloatArray:
    """Zero tiny entries, normalise, and snap to simple fractions (1/3) within 1e-12."""
    vec = np.where(vec < 1e-13, 0.0, vec)
    total = float(vec.sum())
    vec = vec / total if total > 0 else vec
    snapped = np.array([float(Fraction(float(v)).limit_denominator(1000)) for v in vec])
    if np.all(np.abs(snapped - vec) < 1e-12) and abs(float(snapped.sum()) - 1.0) < 1e-15:
        return snapped
    return vec


def mixed_from_behaviour(
    game: ExtensiveGame, rf: ReducedForm, behaviour: Mapping[int, FloatArray] | Sequence[FloatArray]
) -> list[FloatArray]:
    """Mixed plans realisation-equivalent to a behaviour profile: ``x(plan) = prod b(h)(a)``."""
    seqs = sequences(game)
    out = []
    for plist in rf.plans:
        probs = np.ones(len(plist))
        for k, plan in enumerate(plist):
            for s in plan:
                probs[k] *= float(behaviour[int(seqs.infoset[s])][int(seqs.move[s])])
        out.append(probs)
    return out
