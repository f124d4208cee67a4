"""Backward induction: subgame-perfect equilibria of perfect-information games.

In a finite game of perfect information (with chance moves) a pure profile
is subgame perfect iff at every decision node the mover's choice maximises
its expected payoff given the choices below (Kuhn 1953; Selten 1965; Osborne
& Rubinstein 1994, prop. 99.2). Working from the leaves up, a chance node is
worth the probability-weighted average of its children and a decision node
the value of a child its mover likes best.

Three functions:

* :func:`backward_induction_columns` solves a whole batch of parameter points
  at once under a fixed **tie rule**: among the moves within ``tol`` times the
  payoff range of the best, the first in file order is taken; ``tie`` marks
  the nodes where more than one move was best. Meant for sweeps. Its arrays
  are node-major (the batch is the last axis), so each node's numbers at all
  points are one contiguous row, and the nodes are processed a group at a
  time (same depth, same kind, same number of moves; the index arrays are
  computed once per game and cached on it).
* :func:`backward_induction_batch` is the same with batch-major arrays
  (``GameValues`` from :func:`sim.games.extensive.evaluate`).
* :func:`all_pure_spe` lists **every** pure subgame-perfect equilibrium at one
  point: at each node every combination of the subgames' equilibria is
  combined with every best move, up to ``limit`` equilibria (then the list is
  marked incomplete). Its first equilibrium is the one the tie rule picks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.games.extensive import (
    CHANCE,
    DECISION,
    LEAF,
    ExtensiveGame,
    FloatArray,
    GameValues,
    IntArray,
    PointValues,
)
from sim.scales import leaf_scales

__all__ = [
    "METHOD",
    "ColumnSolution",
    "InductionBatch",
    "PureSPE",
    "PureSPESet",
    "all_pure_spe",
    "backward_induction_batch",
    "backward_induction_columns",
]

METHOD = "backward_induction"
#: Largest number of floats held at once by the batch solver (per chunk of points).
_CHUNK_FLOATS = 20_000_000


@dataclass(frozen=True)
class InductionBatch:
    """Backward induction over a batch of parameter points (tie rule: first best move).

    Attributes
    ----------
    choice
        ``(batch, n_nodes)``: move index chosen at each decision node (-1 elsewhere).
    tie
        ``(batch, n_nodes)``: True where several moves were best within tolerance.
    values
        ``(batch, n_nodes, n_players)``: subgame-perfect payoffs at each node.
    method, tol
        How it was computed.
    """

    choice: IntArray
    tie: npt.NDArray[np.bool_]
    values: FloatArray
    method: str = METHOD
    tol: float = 1e-9


@dataclass(frozen=True)
class ColumnSolution:
    """Backward induction with the batch as the *last* axis (node-major, see below).

    Attributes
    ----------
    choice
        ``(n_nodes, batch)``, a small integer type: move chosen at each decision
        node (-1 elsewhere).
    tie
        ``(n_nodes, batch)``: True where several moves were best within tolerance.
    root
        ``(n_players, batch)``: the subgame-perfect payoffs of the whole game.
    values
        ``(n_nodes, n_players, batch)``: payoffs at every node, or ``None`` when
        not kept (``keep_values=False``).
    """

    choice: npt.NDArray[np.integer]
    tie: npt.NDArray[np.bool_]
    root: FloatArray
    values: FloatArray | None


@dataclass(frozen=True)
class _Group:
    """Inner nodes of one depth level with the same kind and number of children."""

    chance: bool
    nodes: IntArray
    kids: tuple[IntArray, ...]  # kids[k]: the k-th child of every node
    owner: IntArray  # movers of decision nodes (empty for chance)
    grid: IntArray  # (n, k) children, for gathering the movers' values at once


@dataclass(frozen=True)
class _Layout:
    """Per-game index arrays for the batch solver, computed once (``game._cache``)."""

    groups: tuple[_Group, ...]  # deepest level first
    code: type[np.integer]  # integer type of the choices


def _layout(game: ExtensiveGame) -> _Layout:
    cached = game._cache.get("backward_induction_layout")
    if isinstance(cached, _Layout):
        return cached
    kids = game.kids_matrix()
    groups = []
    for level in game.levels():
        for kind in (CHANCE, DECISION):
            inner = level[game.kind[level] == kind]
            width = (kids[inner] >= 0).sum(axis=1)
            for k in np.unique(width):
                nodes = np.sort(inner[width == k])
                grid = np.ascontiguousarray(kids[nodes, :k])
                owner = game.owner[nodes] if kind == DECISION else np.zeros(0, np.int64)
                cols = tuple(np.ascontiguousarray(grid[:, j]) for j in range(k))
                groups.append(_Group(kind == CHANCE, nodes, cols, owner, grid))
    widest = max((len(c) for c in game.children), default=1)
    layout = _Layout(tuple(groups), np.int8 if widest < 127 else np.int64)
    game._cache["backward_induction_layout"] = layout
    return layout


def _require_perfect_information(game: ExtensiveGame) -> None:
    if not game.perfect_information:
        raise ValueError("backward induction needs a game of perfect information")


def backward_induction_batch(
    game: ExtensiveGame, values: GameValues, tol: float = 1e-9
) -> InductionBatch:
    """Backward induction at every point of a batch (see the module docstring).

    Parameters
    ----------
    game
        A game of perfect information.
    values
        Its payoffs and chance probabilities, from :func:`sim.games.extensive.evaluate`.
    tol
        Moves within ``tol`` times the mover's payoff scale at that point
        (:func:`sim.scales.leaf_scales`) of the best count as best.

    Raises
    ------
    ValueError
        If the game has an information set with more than one node.
    """
    payoffs = np.ascontiguousarray(np.moveaxis(values.payoffs, 0, -1))
    probs = np.ascontiguousarray(values.probs.T)
    sol = backward_induction_columns(game, payoffs, probs, tol)
    assert sol.values is not None
    return InductionBatch(
        sol.choice.T.astype(np.int64),
        sol.tie.T,
        np.moveaxis(sol.values, -1, 0),
        METHOD,
        tol,
    )


def backward_induction_columns(
    game: ExtensiveGame,
    payoffs: FloatArray,
    probs: FloatArray,
    tol: float = 1e-9,
    *,
    keep_values: bool = True,
) -> ColumnSolution:
    """Backward induction at every point of a batch held *node-major*.

    The batch is the last axis of every array, so that each node's numbers
    at all points are one contiguous row and every step of the recursion is
    a handful of whole-row numpy operations (per depth level, per number of
    moves; the index arrays are computed once per game).

    Parameters
    ----------
    game
        A game of perfect information.
    payoffs
        ``(n_leaves, n_players, batch)``.
    probs
        ``(n_nodes, batch)``: probability of the chance move into each node.
    tol
        Moves within ``tol`` times the mover's payoff scale at that point
        (:func:`sim.scales.leaf_scales`) of the best count as best.
    keep_values
        Also return the payoffs at every node (else only at the root).
    """
    _require_perfect_information(game)
    layout = _layout(game)
    batch = payoffs.shape[-1]
    per_point = game.n_nodes * (2 * game.n_players + 2) + payoffs.shape[0] * game.n_players
    step = max(1, _CHUNK_FLOATS // max(per_point, 1))
    if batch <= step:
        return _solve_columns(game, layout, payoffs, probs, tol, keep_values)
    parts = [
        _solve_columns(
            game, layout, payoffs[..., s : s + step], probs[:, s : s + step], tol, keep_values
        )
        for s in range(0, batch, step)
    ]
    values = np.concatenate([p.values for p in parts], axis=-1) if keep_values else None  # type: ignore[misc]
    return ColumnSolution(
        np.concatenate([p.choice for p in parts], axis=1),
        np.concatenate([p.tie for p in parts], axis=1),
        np.concatenate([p.root for p in parts], axis=1),
        values,
    )


def _solve_columns(
    game: ExtensiveGame,
    layout: _Layout,
    payoffs: FloatArray,
    probs: FloatArray,
    tol: float,
    keep_values: bool,
) -> ColumnSolution:
    _, n_players, batch = payoffs.shape
    slack = tol * leaf_scales(payoffs)  # (n_players, batch): each mover's own scale
    vals = np.empty((game.n_nodes, n_players, batch))
    vals[game.leaves] = payoffs[game.leaf_row[game.leaves]]
    choice: npt.NDArray[np.integer] = np.full((game.n_nodes, batch), -1, layout.code)
    tie = np.zeros((game.n_nodes, batch), bool)
    for g in layout.groups:
        if g.chance:
            acc = probs[g.kids[0], None, :] * vals[g.kids[0]]
            for col in g.kids[1:]:
                acc += probs[col, None, :] * vals[col]
            vals[g.nodes] = acc
            continue
        mine = [vals[col, g.owner] for col in g.kids]  # each (n, batch)
        best = mine[0].copy()
        for m in mine[1:]:
            np.maximum(best, m, out=best)
        best -= slack[g.owner]
        pick: npt.NDArray[np.integer] = np.full(best.shape, len(mine) - 1, layout.code)
        count = np.zeros(best.shape, np.int8)
        for k in range(len(mine) - 1, -1, -1):
            good = mine[k] >= best
            count += good
            if k < len(mine) - 1:
                pick[good] = k
        choice[g.nodes] = pick
        tie[g.nodes] = count > 1
        out = vals[g.kids[0]]
        for k, col in enumerate(g.kids[1:], start=1):
            np.copyto(out, vals[col], where=(pick == k)[:, None, :])
        vals[g.nodes] = out
    root = vals[0].copy() if not keep_values else vals[0]
    return ColumnSolution(choice, tie, root, vals if keep_values else None)


# --------------------------------------------------------------------------- all pure SPE


@dataclass(frozen=True)
class PureSPE:
    """One pure subgame-perfect equilibrium: a move index per information set."""

    choices: tuple[int, ...]
    payoffs: FloatArray


@dataclass(frozen=True)
class PureSPESet:
    """Every pure SPE found (in a deterministic order) and whether the list is complete."""

    equilibria: tuple[PureSPE, ...]
    complete: bool
    tie_infosets: tuple[int, ...]
    method: str = METHOD
    tol: float = 1e-9
    limit: int = 1000


# A partial solution: (value vector, chosen move or -1, solutions of the children, whether it
# is the node's first solution - the one the tie rule picks, which the base profile holds).
_Sol = tuple[FloatArray, int, tuple["_Sol", ...], bool]


def all_pure_spe(
    game: ExtensiveGame, values: PointValues, tol: float = 1e-9, limit: int = 1000
) -> PureSPESet:
    """Every pure subgame-perfect equilibrium of a perfect-information game.

    Parameters
    ----------
    game, values
        The game (perfect information) and its numbers at one point.
    tol
        Ties: moves within ``tol`` times the payoff range of the best are all best.
    limit
        Stop after this many equilibria in any subgame; the result is then
        marked incomplete.

    Raises
    ------
    ValueError
        If the game has an information set with more than one node.
    """
    _require_perfect_information(game)
    span = leaf_scales(values.payoffs[..., None])[:, 0]  # each player's own scale
    sols: dict[int, list[_Sol]] = {}
    complete = True
    ties: set[int] = set()
    base = np.zeros(len(game.infosets), np.int64)
    for x in range(game.n_nodes - 1, -1, -1):
        kids = game.children[x]
        if game.kind[x] == LEAF:
            sols[x] = [(values.payoffs[game.leaf_row[x]], -1, (), True)]
            continue
        found: list[_Sol] = []
        for combo in itertools.product(*(sols[c] for c in kids)):
            vecs = np.array([c[0] for c in combo])
            if game.kind[x] == CHANCE:
                found.append((values.probs[list(kids)] @ vecs, -1, combo, not found))
            else:
                mine = vecs[:, game.owner[x]]
                best = np.flatnonzero(mine >= mine.max() - tol * span[game.owner[x]])
                if best.size > 1:
                    ties.add(int(game.infoset[x]))
                first = not found
                if first:
                    base[game.infoset[x]] = best[0]
                found.extend((vecs[b], int(b), combo, first and k == 0) for k, b in enumerate(best))
            if len(found) >= limit:
                complete = complete and _exhausted(sols, kids, combo, found, limit)
                found = found[:limit]
                break
        for c in kids:
            del sols[c]
        sols[x] = found
    equilibria = tuple(_unpack(game, s, base) for s in sols[0])
    return PureSPESet(equilibria, complete, tuple(sorted(ties)), METHOD, tol, limit)


def _exhausted(
    sols: dict[int, list[_Sol]],
    kids: tuple[int, ...],
    combo: tuple[_Sol, ...],
    found: list[_Sol],
    limit: int,
) -> bool:
    """True when stopping at ``combo`` loses nothing (it was the last and no extra was cut)."""
    last = all(combo[i] is sols[c][-1] for i, c in enumerate(kids))
    return last and len(found) <= limit


def _unpack(game: ExtensiveGame, sol: _Sol, base: IntArray) -> PureSPE:
    """The choices of one solution: the base profile, changed only below non-first solutions."""
    choices = base.copy()
    stack: list[tuple[int, _Sol]] = [(0, sol)]
    while stack:
        x, (_, move, combo, first) = stack.pop()
        if first:
            continue
        if game.kind[x] == DECISION:
            choices[int(game.infoset[x])] = move
        stack.extend(zip(game.children[x], combo, strict=True))
    return PureSPE(tuple(int(c) for c in choices), np.asarray(sol[0], float))
