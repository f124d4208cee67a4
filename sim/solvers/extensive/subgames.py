"""Subgame-perfect equilibria by solving proper subgames from the bottom up.

A node roots a *proper subgame* when every information set that meets its
subtree lies inside it (Selten 1965, 1975; Osborne & Rubinstein 1994,
def. 97.2 and sec. 6.2). A profile is subgame perfect iff it induces a Nash
equilibrium in every subgame. The algorithm (the standard backward induction
over subgames): take the subgames deepest first; replace each subgame nested
directly inside by a leaf worth its equilibrium payoffs; find the Nash
equilibria of what is left through its reduced strategic form
(:func:`sim.solvers.extensive.reduced_nash.solve_reduced_form`), turn them into
behaviour strategies (Kuhn 1953) and attach the nested subgames' behaviour.
When nested subgames have several equilibria every combination is tried, up
to ``limit`` equilibria per subgame (the list is then marked incomplete).

For two active players the equilibria of each subgame are its *extreme*
equilibria; with ties (degenerate subgames) continua of equilibria exist of
which only the extreme points are combined.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from sim.games.extensive import DECISION, LEAF, ExtensiveGame, FloatArray, IntArray, PointValues
from sim.games.profile_values import node_values
from sim.games.reduced_form import behaviour_from_mixed, reduced_form
from sim.scales import leaf_scales
from sim.solvers.extensive.completion import complete
from sim.solvers.extensive.reduced_nash import solve_reduced_form

__all__ = [
    "METHOD",
    "SubgameSPE",
    "SubgameSolution",
    "nested_roots",
    "subgame_perfect",
    "subgame_roots",
]

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


@dataclass
class _Run:
    """Settings and what one run has learnt so far."""

    game: ExtensiveGame
    values: PointValues
    tol: float
    limit: int
    complete: bool = True
    degenerate: bool = False
    methods: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


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
    run = _Run(game, values, tol, limit)
    for r in reversed(roots.tolist()):
        parts: list[_Part] = []
        inner = nested[r]
        for combo in itertools.product(*(solved[s] for s in inner)):
            parts.extend(_solve_region(run, r, dict(zip(inner, combo, strict=True))))
            if len(parts) >= limit:
                run.complete = False
                parts = parts[:limit]
                break
        for s in inner:
            del solved[s]
        solved[r] = parts
    sets = len(game.infosets)
    spes = tuple(
        SubgameSPE(tuple(b[h] for h in range(sets)), np.asarray(v, float)) for v, b in solved[0]
    )
    return SubgameSolution(
        spes,
        run.complete,
        run.degenerate,
        int(roots.size),
        tuple(sorted(run.methods)),
        tuple(dict.fromkeys(run.notes)),
        METHOD,
        tol,
        limit,
    )


def _solve_region(run: _Run, root: int, inner: dict[int, _Part]) -> list[_Part]:
    game, values = run.game, run.values
    cut = {s: part[0] for s, part in inner.items()}
    below: dict[int, FloatArray] = {}
    for part in inner.values():
        below.update(part[1])
    if (
        game.kind[root] == DECISION
        and all(game.kind[c] == LEAF or c in cut for c in game.children[root])
        and len(game.infosets[int(game.infoset[root])].nodes) == 1
    ):
        return _single_node(run, root, cut, below)
    rf = reduced_form(game, values, root, cut)
    sol = solve_reduced_form(rf, run.tol, limit=run.limit)
    run.methods.add(sol.method)
    run.notes.extend(sol.notes)
    run.complete = run.complete and sol.complete
    run.degenerate = run.degenerate or sol.degenerate
    out = []
    for eq in sol.equilibria:
        partial = behaviour_from_mixed(game, rf, eq.mixed)
        local = complete(game, values, partial, root, cut, tol=run.tol)
        profile = {**below, **local}
        vals = node_values(game, values, profile, root, cut)
        out.append((vals[root], profile))
    return out


def _single_node(
    run: _Run, root: int, cut: dict[int, FloatArray], below: dict[int, FloatArray]
) -> list[_Part]:
    """A decision node whose moves all end the region: every best move (backward induction)."""
    game, values = run.game, run.values
    vecs = np.array(
        [cut[c] if c in cut else values.payoffs[game.leaf_row[c]] for c in game.children[root]]
    )
    mine = vecs[:, game.owner[root]]
    scale = leaf_scales(values.payoffs[..., None])[game.owner[root], 0]
    best = np.flatnonzero(mine >= mine.max() - run.tol * scale)
    if best.size > 1:
        run.degenerate = True
    h = int(game.infoset[root])
    return [(vecs[b], {**below, h: np.eye(len(vecs))[b]}) for b in best]
