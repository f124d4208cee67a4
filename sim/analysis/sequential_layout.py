"""Per-game arrays of sequential batches: evaluation, reach, outcome names, plan values.

Split from :mod:`sim.analysis.sequential_batch` (see there for the
node-major layout: the batch is the last axis of every array).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.games.extensive import (
    CHANCE,
    ExtensiveGame,
    FloatArray,
    IntArray,
    _check_probabilities,
)
from sim.solvers.extensive.backward_induction import _layout

__all__ = [
    "MIN_OUTCOME_PROBABILITY",
    "Naming",
    "distinct_columns",
    "evaluate_columns",
    "game_naming",
    "leaf_reach",
    "outcome_names",
    "outcome_probabilities",
    "plan_values",
]

#: Outcomes reached with less probability than this do not count as reached.
MIN_OUTCOME_PROBABILITY = 1e-12


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
class Naming:
    """Per-game arrays for reach probabilities and outcome names (computed once)."""

    info_nodes: IntArray  # the node of each information set (perfect information)
    down: tuple[tuple[IntArray, IntArray, IntArray, IntArray, IntArray], ...]
    names: tuple[str, ...]  # outcome names, in the fixed order
    leaf_outcome: IntArray  # outcome index of each leaf row
    rows: tuple[IntArray, ...]  # the leaf rows of each outcome
    radix: IntArray | None  # plan -> one integer, when it fits


def game_naming(game: ExtensiveGame) -> Naming:
    cached = game._cache.get("sequential_batch_naming")
    if isinstance(cached, Naming):
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
    naming = Naming(info_nodes, tuple(down), names, leaf_outcome, rows, radix)
    game._cache["sequential_batch_naming"] = naming
    return naming


def outcome_names(game: ExtensiveGame) -> tuple[str, ...]:
    """The game's outcome names in their fixed order (labels first, see the module docstring)."""
    return game_naming(game).names


def _leaf_name(game: ExtensiveGame, leaf: int) -> str:
    label = game.leaf_label(leaf)
    if label:
        return label
    return ",".join(f"{k}={m}" for k, m in game.history(leaf)) or "the game ends"


def leaf_reach(
    game: ExtensiveGame, naming: Naming, choice: npt.NDArray[np.integer], probs: FloatArray
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


def outcome_probabilities(naming: Naming, reach: FloatArray) -> FloatArray:
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


def distinct_columns(mat: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
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
