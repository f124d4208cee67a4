"""Independent check that a behaviour profile is subgame perfect.

Every subgame-perfect equilibrium is passed through
:func:`check_subgame_perfect` before it is reported. The check shares no code
with the solvers' value computations: it recomputes expected payoffs, finds
the proper subgames by counting, for every information set, how many of its
nodes each ancestor has below it, and then tests, in the smallest subgame
containing each information set, that its player gains nothing by a
**one-shot deviation** there: switching to another move at that information
set only, measured from the subgame's root (the one-shot deviation principle;
Osborne & Rubinstein 1994, lemma 98.2 for perfect information; Hendon, Jacobsen
& Sloth 1996 for perfect recall). A gain measured from a larger subgame is
the gain from the smallest one times a reach probability, so testing the
smallest suffices.

In a subgame with imperfect information a profile can pass every one-shot
test and still not be a Nash equilibrium there (a player may gain only by
changing two choices at once). Such subgames are therefore also checked with
:func:`sim.solvers.verify.check_equilibrium` on their reduced strategic form,
the subgames below replaced by the profile's payoffs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.errors import VerificationError
from sim.games.extensive import CHANCE, LEAF, ExtensiveGame, FloatArray, InfoSet, PointValues
from sim.games.reduced_form import mixed_from_behaviour, reduced_form
from sim.solvers.verify import check_equilibrium

__all__ = ["check_subgame_perfect", "proper_subgames"]


def proper_subgames(game: ExtensiveGame) -> list[int]:
    """Roots of proper subgames, by counting (independent of :mod:`sim.solvers.subgames`)."""
    broken = np.zeros(game.n_nodes, bool)
    for h in game.infosets:
        if len(h.nodes) == 1:
            continue
        counts: dict[int, int] = {}
        for x in h.nodes:
            a = x
            while a >= 0:
                counts[a] = counts.get(a, 0) + 1
                a = int(game.parent[a])
        for a, c in counts.items():
            if c < len(h.nodes):
                broken[a] = True
    return [x for x in range(game.n_nodes) if game.kind[x] != LEAF and not broken[x]]


def _values(game: ExtensiveGame, values: PointValues, profile: Sequence[FloatArray]) -> FloatArray:
    out = np.zeros((game.n_nodes, game.n_players))
    for x in range(game.n_nodes - 1, -1, -1):
        if game.kind[x] == LEAF:
            out[x] = values.payoffs[game.leaf_row[x]]
            continue
        kids = list(game.children[x])
        w = values.probs[kids] if game.kind[x] == CHANCE else profile[int(game.infoset[x])]
        out[x] = np.asarray(w, float) @ out[kids]
    return out


def _reach_from(
    game: ExtensiveGame, values: PointValues, profile: Sequence[FloatArray], root: int
) -> dict[int, float]:
    rho = {root: 1.0}
    for x in range(root, int(game.end[root])):
        if game.kind[x] == LEAF or x not in rho:
            continue
        kids = game.children[x]
        w = values.probs[list(kids)] if game.kind[x] == CHANCE else profile[int(game.infoset[x])]
        for c, p in zip(kids, w, strict=True):
            if p > 0:
                rho[c] = rho[x] * float(p)
    return rho


def _check_distributions(game: ExtensiveGame, profile: Sequence[FloatArray], tol: float) -> None:
    if len(profile) != len(game.infosets):
        raise VerificationError(
            f"profile has {len(profile)} entries for {len(game.infosets)} information sets"
        )
    for h, b in zip(game.infosets, profile, strict=True):
        b = np.asarray(b, float)
        if b.shape != (len(h.moves),) or b.min() < -tol or abs(b.sum() - 1.0) > tol:
            raise VerificationError(
                f"behaviour at {h.key} is not a probability vector: {b.tolist()}"
            )


def check_subgame_perfect(
    game: ExtensiveGame,
    values: PointValues,
    profile: Sequence[FloatArray],
    tol: float = 1e-9,
    *,
    nash_in_subgames: bool = True,
) -> float:
    """Check subgame perfection; return the largest one-shot gain divided by the payoff range.

    Parameters
    ----------
    game, values
        The game and its numbers at one parameter point.
    profile
        Behaviour at every information set (indexed like ``game.infosets``).
    tol
        Largest accepted gain, relative to the payoff range; also the accepted
        error of each probability vector.
    nash_in_subgames
        Also run the strategic-form Nash check in every subgame that has an
        information set with several nodes.

    Raises
    ------
    VerificationError
        Naming the player, the information set and the profitable move.
    """
    _check_distributions(game, profile, tol)
    vals = _values(game, values, profile)
    span = values.payoff_range
    roots = proper_subgames(game)
    root_set = set(roots)
    reaches: dict[int, dict[int, float]] = {}
    worst = 0.0
    for h in game.infosets:
        if len(h.nodes) == 1 and h.nodes[0] in root_set:
            worst = max(worst, _singleton_gain(game, h, vals, span, tol))
            continue
        r = _smallest_root(game, h.nodes, root_set)
        if r not in reaches:
            reaches[r] = _reach_from(game, values, profile, r)
        rho = reaches[r]
        i = h.player
        base = sum(rho.get(n, 0.0) * vals[n, i] for n in h.nodes)
        for a, move in enumerate(h.moves):
            dev = sum(rho.get(n, 0.0) * vals[game.children[n][a], i] for n in h.nodes)
            gain = (dev - base) / span
            if gain > tol:
                raise VerificationError(
                    f"not subgame perfect: {game.players[i]} gains {dev - base:.6g} by playing "
                    f"{move} at {h.key} (in the subgame starting at node {r})"
                )
            worst = max(worst, gain)
    if nash_in_subgames:
        _nash_in_subgames(game, values, profile, roots, vals, tol)
    return worst


def _singleton_gain(
    game: ExtensiveGame, h: InfoSet, vals: FloatArray, span: float, tol: float
) -> float:
    """One-shot gain at a one-node information set that starts a subgame."""
    n, i = h.nodes[0], h.player
    after = vals[list(game.children[n]), i]
    best = int(np.argmax(after))
    gain = (after[best] - vals[n, i]) / span
    if gain > tol:
        raise VerificationError(
            f"not subgame perfect: {game.players[i]} gains {after[best] - vals[n, i]:.6g} by "
            f"playing {h.moves[best]} at {h.key}"
        )
    return max(gain, 0.0)


def _smallest_root(game: ExtensiveGame, nodes: Sequence[int], roots: set[int]) -> int:
    last = max(nodes)
    a = int(nodes[0])
    while not (a in roots and game.end[a] > last):
        a = int(game.parent[a])
    return a


def _nash_in_subgames(
    game: ExtensiveGame,
    values: PointValues,
    profile: Sequence[FloatArray],
    roots: list[int],
    vals: FloatArray,
    tol: float,
) -> None:
    owners: dict[int, int] = {}
    for h in game.infosets:
        if len(h.nodes) > 1:
            owners[_smallest_root(game, h.nodes, set(roots))] = 1
    for r in sorted(owners):
        inner = [s for s in roots if r < s < game.end[r]]
        cut: Mapping[int, FloatArray] = {s: vals[s] for s in inner}
        rf = reduced_form(game, values, r, cut)
        mixed = mixed_from_behaviour(game, rf, profile)
        names = [game.players[p] for p in rf.players]
        try:
            check_equilibrium(rf.payoffs, mixed, tol, player_names=names)
        except VerificationError as exc:
            raise VerificationError(
                f"not subgame perfect in the subgame at node {r}: {exc}"
            ) from None
