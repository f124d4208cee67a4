"""Backward induction: subgame-perfect equilibria of perfect-information games.

In a finite game of perfect information (with chance moves) a pure profile
is subgame perfect iff at every decision node the mover's choice maximises
its expected payoff given the choices below (Kuhn 1953; Selten 1965; Osborne
& Rubinstein 1994, prop. 99.2). Working from the leaves up, a chance node is
worth the probability-weighted average of its children and a decision node
the value of a child its mover likes best.

Two functions:

* :func:`backward_induction_batch` solves a whole batch of parameter points
  at once (one numpy pass per depth level) under a fixed **tie rule**: among
  the moves within ``tol`` times the payoff range of the best, the first in
  file order is taken; ``tie`` marks the nodes where more than one move was
  best. Meant for sweeps.
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

__all__ = [
    "METHOD",
    "BatchSolution",
    "PureSPE",
    "PureSPESet",
    "all_pure_spe",
    "backward_induction_batch",
]

METHOD = "backward_induction"
#: Largest number of floats held at once by the batch solver (per chunk of points).
_CHUNK_FLOATS = 20_000_000


@dataclass(frozen=True)
class BatchSolution:
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


def _require_perfect_information(game: ExtensiveGame) -> None:
    if not game.perfect_information:
        raise ValueError("backward induction needs a game of perfect information")


def backward_induction_batch(
    game: ExtensiveGame, values: GameValues, tol: float = 1e-9
) -> BatchSolution:
    """Backward induction at every point of a batch (see the module docstring).

    Parameters
    ----------
    game
        A game of perfect information.
    values
        Its payoffs and chance probabilities, from :func:`sim.games.extensive.evaluate`.
    tol
        Moves within ``tol`` times the point's payoff range of the best count as best.

    Raises
    ------
    ValueError
        If the game has an information set with more than one node.
    """
    _require_perfect_information(game)
    levels, kids = list(game.levels()), game.kids_matrix()
    per_point = game.n_nodes * (game.n_players + kids.shape[1] * (game.n_players + 2))
    step = max(1, _CHUNK_FLOATS // max(per_point, 1))
    parts = [
        _solve_chunk(
            game, values.payoffs[s : s + step], values.probs[s : s + step], levels, kids, tol
        )
        for s in range(0, values.batch, step)
    ]
    choice = np.concatenate([p[0] for p in parts])
    tie = np.concatenate([p[1] for p in parts])
    vals = np.concatenate([p[2] for p in parts])
    return BatchSolution(choice, tie, vals, METHOD, tol)


def _solve_chunk(
    game: ExtensiveGame,
    payoffs: FloatArray,
    probs: FloatArray,
    levels: list[IntArray],
    kids: IntArray,
    tol: float,
) -> tuple[IntArray, npt.NDArray[np.bool_], FloatArray]:
    batch = payoffs.shape[0]
    flat = payoffs.reshape(batch, -1)
    span = flat.max(axis=1) - flat.min(axis=1) if flat.shape[1] else np.ones(batch)
    span = np.where(span > 1e-300, span, 1.0)
    vals = np.zeros((batch, game.n_nodes, game.n_players))
    choice = np.full((batch, game.n_nodes), -1, np.int64)
    tie = np.zeros((batch, game.n_nodes), bool)
    rows = np.arange(batch)[:, None]
    for level in levels:
        leaf = level[game.kind[level] == LEAF]
        vals[:, leaf] = payoffs[:, game.leaf_row[leaf]]
        chance = level[game.kind[level] == CHANCE]
        if chance.size:
            k = kids[chance]
            p = np.where(k >= 0, probs[:, np.maximum(k, 0)], 0.0)
            vals[:, chance] = np.einsum("bnk,bnkp->bnp", p, vals[:, np.maximum(k, 0)])
        dec = level[game.kind[level] == DECISION]
        if dec.size:
            k = kids[dec]
            mine = vals[:, np.maximum(k, 0), game.owner[dec][:, None]]
            mine = np.where(k >= 0, mine, -np.inf)
            best = mine.max(axis=2, keepdims=True)
            good = mine >= best - tol * span[:, None, None]
            pick = np.argmax(good, axis=2)
            choice[:, dec] = pick
            tie[:, dec] = good.sum(axis=2) > 1
            vals[:, dec] = vals[rows, k[np.arange(dec.size)[None, :], pick]]
    return choice, tie, vals


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
    span = values.payoff_range
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
                best = np.flatnonzero(mine >= mine.max() - tol * span)
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
