"""Subgame-perfect equilibria by solving proper subgames from the bottom up.

A node roots a *proper subgame* when every information set that meets its
subtree lies inside it (Selten 1965, 1975; Osborne & Rubinstein 1994,
def. 97.2 and sec. 6.2). A profile is subgame perfect iff it induces a Nash
equilibrium in every subgame. The algorithm (the standard backward induction
over subgames): take the subgames deepest first; replace each subgame nested
directly inside by a leaf worth its equilibrium payoffs; find the Nash
equilibria of what is left through its reduced strategic form
(:func:`sim.solvers.reduced_nash.solve_reduced_form`), turn them into
behaviour strategies (Kuhn 1953) and attach the nested subgames' behaviour.
When nested subgames have several equilibria every combination is tried, up
to ``limit`` equilibria per subgame (the list is then marked incomplete).

For two active players the equilibria of each subgame are its *extreme*
equilibria; with ties (degenerate subgames) continua of equilibria exist of
which only the extreme points are combined.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from sim.games.extensive import DECISION, LEAF, ExtensiveGame, FloatArray, IntArray, PointValues
from sim.games.profile_values import node_values
from sim.games.reduced_form import behaviour_from_mixed, reduced_form
from sim.solvers.completion import complete
from sim.solvers.reduced_nash import solve_reduced_form

__all__ = ["METHOD", "SubgameSolution", "SubgameSPE", "nested_roots", "subgame_perfect", "subgame_roots"]

METHOD = "subgame_decomposition"


def subgame_roots(game: ExtensiveGame) -> IntArray:
    """Roots of the proper subgames (the root of the game included), in preorder.

    Node ``x`` qualifies iff it is not a leaf and every information set with a
    node in ``x``'s subtree has all its nodes there; computed in one bottom-up
    pass with the smallest and largest node index of each information set.
    """
    cached = game._cache.get("subgame_roots")
    if isinstance(cached, np.ndarray):
        return cached
    n = game.n_nodes
    low = np.full(n, n, np.int64)
    high = np.full(n, -1, np.int64)
    for h in game.infosets:
        for x in h.nodes:
            low[x], high[x] = min(h.nodes), max(h.nodes)
    for x in range(n - 1, 0, -1):
        p = int(game.parent[x])
        low[p] = min(low[p], low[x])
        high[p] = max(high[p], high[x])
    idx = np.arange(n)
    ok = (low >= idx) & (high < game.end) & (game.kind != LEAF)
    roots = np.flatnonzero(ok).astype(np.int64)
    game._cache["subgame_roots"] = roots
    return roots


def nested_roots(game: ExtensiveGame, roots: IntArray) -> dict[int, list[int]]:
    """For each subgame root, the roots of the subgames directly inside it."""
    out: dict[int, list[int]] = {int(r): [] for r in roots}
    stack: list[int] = []
    for r in roots.tolist():
        while stack and r >= game.end[stack[-1]]:
            stack.pop()
        if stack:
            out[stack[-1]].append(r)
        stack.append(r)
    return out


@dataclass(frozen=True)
class SubgameSPE:
    """A subgame-perfect profile: behaviour at every information set, and its payoffs."""

    behaviour: tuple[FloatArray, ...]
    payoffs: FloatArray


@dataclass(frozen=True)
class SubgameSolution:
    """All subgame-perfect equilibria found by subgame decomposition."""

    equilibria: tuple[SubgameSPE, ...]
    complete: bool
    degenerate: bool
    n_subgames: int
    methods: tuple[str, ...]
    notes: tuple[str, ...]
    method: str = METHOD
    tol: float = 1e-9
    limit: int = 1000


# A solved subgame: its payoff vector and behaviour at its information sets.
_Part = tuple[FloatArray, dict[int, FloatArray]]


def subgame_perfect(
    game: ExtensiveGame, values: PointValues, tol: float = 1e-9, limit: int = 1000
) -> SubgameSolution:
    """Subgame-perfect equilibria of any finite game with perfect recall.

    Parameters
    ----------
    game, values
        The game and its numbers at one parameter point.
    tol
        Tolerance for ties and supports, relative to the payoff range.
    limit
        Largest number of equilibria kept per subgame.

    Raises
    ------
    SimError
        If some subgame's reduced strategic form is too large.
    """
    roots = subgame_roots(game)
    nested = nested_roots(game, roots)
    solved: dict[int, list[_Part]] = {}
    state = {"complete": True, "degenerate": False}
    methods: set[str] = set()
    notes: list[str] = []
    for r in reversed(roots.tolist()):
        parts: list[_Part] = []
        inner = nested[r]
        for combo in itertools.product(*(solved[s] for s in inner)):
            parts.extend(_solve_region(game, values, r, dict(zip(inner, combo, strict=True)),
                                       tol, state, methods, notes))
            if len(parts) >= limit:
                state["complete"] = False
                parts = parts[:limit]
                break
        for s in inner:
            del solved[s]
        solved[r] = parts
    sets = len(game.infosets)
    spes = tuple(
        SubgameSPE(tuple(b[h] for h in range(sets)), np.asarray(v, float)) for v, b in solved[0]
    )
    return SubgameSolution(spes, state["complete"], state["degenerate"], int(roots.size),
                           tuple(sorted(methods)), tuple(dict.fromkeys(notes)), METHOD, tol, limit)


def _solve_region(
    game: ExtensiveGame,
    values: PointValues,
    root: int,
    inner: dict[int, _Part],
    tol: float,
    state: dict[str, bool],
    methods: set[str],
    notes: list[str],
) -> list[_Part]:
    cut = {s: part[0] for s, part in inner.items()}
    below: dict[int, FloatArray] = {}
    for part in inner.values():
        below.update(part[1])
    if game.kind[root] == DECISION and all(
        game.kind[c] == LEAF or c in cut for c in game.children[root]
    ) and len(game.infosets[int(game.infoset[root])].nodes) == 1:
        return _single_node(game, values, root, cut, below, tol, state)
    rf = reduced_form(game, values, root, cut)
    sol = solve_reduced_form(rf, tol)
    methods.add(sol.method)
    notes.extend(sol.notes)
    state["complete"] = state["complete"] and sol.complete
    state["degenerate"] = state["degenerate"] or sol.degenerate
    out = []
    for eq in sol.equilibria:
        local = complete(game, values, behaviour_from_mixed(game, rf, eq.mixed), root, cut, tol=tol)
        profile = {**below, **local}
        vals = node_values(game, values, profile, root, cut)
        out.append((vals[root], profile))
    return out


def _single_node(
    game: ExtensiveGame,
    values: PointValues,
    root: int,
    cut: dict[int, FloatArray],
    below: dict[int, FloatArray],
    tol: float,
    state: dict[str, bool],
) -> list[_Part]:
    """A decision node whose moves all end the region: every best move (backward induction)."""
    vecs = np.array([cut[c] if c in cut else values.payoffs[game.leaf_row[c]]
                     for c in game.children[root]])
    mine = vecs[:, game.owner[root]]
    best = np.flatnonzero(mine >= mine.max() - tol * values.payoff_range)
    if best.size > 1:
        state["degenerate"] = True
    h = int(game.infoset[root])
    return [(vecs[b], {**below, h: np.eye(len(vecs))[b]}) for b in best]
