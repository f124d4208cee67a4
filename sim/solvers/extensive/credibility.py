"""Which threats and promises of a Nash equilibrium are not credible.

A Nash equilibrium may rest on a plan its player would not carry out once
the moment came: the entry-deterrence incumbent's threat to fight (Selten
1965, 1978; Osborne & Rubinstein 1994, sec. 6.1). For a behaviour profile
this module looks, at every information set, in the smallest proper subgame
containing it, for a move that would give its player more than the planned
choice (a profitable one-shot deviation, conditional on play reaching that
information set within the subgame). Each such information set is a
:class:`Finding`:

* a **threat** when the planned choice leaves the other players worse off
  (in total) than the better move would,
* a **promise** when it leaves them better off,
* a **plan** otherwise.

Information sets that play cannot reach within their subgame under the
profile are not judged one at a time (a player could then only gain by
changing several choices at once); :mod:`sim.solvers.extensive.spe_check` still
detects such profiles as not subgame perfect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.games.extensive import ExtensiveGame, FloatArray, InfoSet, PointValues
from sim.games.profile_values import node_values, reach
from sim.solvers.extensive.subgames import subgame_roots

__all__ = ["Finding", "credibility_findings"]


@dataclass(frozen=True)
class Finding:
    """A choice a player would not carry out when the time came.

    Attributes
    ----------
    player, infoset
        Who, and where (information-set key).
    kind
        ``"threat"``, ``"promise"`` or ``"plan"``.
    planned
        The moves the profile plays there with positive probability, each
        with its probability.
    better
        The move that gives the player most there.
    planned_value, better_value
        The player's expected payoff at that point with the planned choice
        and with the better move.
    after
        The moves that lead there (``"Entrant=enter"``), empty at the root.
    """

    player: str
    infoset: str
    kind: str
    planned: tuple[tuple[str, float], ...]
    better: str
    planned_value: float
    better_value: float
    after: str

    @property
    def text(self) -> str:
        """One sentence for a report."""
        if len(self.planned) == 1:
            planned = self.planned[0][0]
        else:
            planned = "mix " + ", ".join(f"{m} {_num(p)}" for m, p in self.planned)
        where = f" (after {self.after})" if self.after and self.after not in self.infoset else ""
        return (
            f"{self.player}'s {self.kind} to {planned} at {self.infoset} is not credible: "
            f"once play gets there{where}, {self.better} gives {self.player} "
            f"{_num(self.better_value)} instead of {_num(self.planned_value)}."
        )


def _num(value: float) -> str:
    text = f"{value:.4g}"
    return "0" if text == "-0" else text


def credibility_findings(
    game: ExtensiveGame, values: PointValues, profile: Sequence[FloatArray], tol: float = 1e-9
) -> tuple[Finding, ...]:
    """The non-credible choices of a behaviour profile, in information-set order.

    Parameters
    ----------
    game, values
        The game and its numbers at one parameter point.
    profile
        Behaviour at every information set.
    tol
        A deviation counts only if it gains more than ``tol`` times the payoff range.
    """
    vals = node_values(game, values, profile)
    roots = subgame_roots(game)
    root_set = set(roots.tolist())
    span = values.payoff_range
    reaches: dict[int, FloatArray] = {}
    suspects = _suspects(game, vals, root_set, span * tol)
    found = []
    for index, h in enumerate(game.infosets):
        if index not in suspects:
            continue
        if len(h.nodes) == 1 and h.nodes[0] in root_set:
            r, w = h.nodes[0], np.ones(1)
        else:
            r = _smallest_root(game, h.nodes, root_set)
            if r not in reaches:
                reaches[r] = reach(game, values, profile, r)
            w = reaches[r][list(h.nodes)]
        if w.sum() <= 0.0:
            continue
        finding = _judge(game, h, profile[index], vals, w / w.sum(), span * tol, r)
        if finding is not None:
            found.append(finding)
    return tuple(found)


def _suspects(game: ExtensiveGame, vals: FloatArray, roots: set[int], tol: float) -> set[int]:
    """Information sets worth judging: all of them except singleton subgame roots without a gain."""
    out = set()
    single = []
    for index, h in enumerate(game.infosets):
        if len(h.nodes) == 1 and h.nodes[0] in roots:
            single.append(index)
        else:
            out.add(index)
    if single:
        nodes = np.array([game.infosets[i].nodes[0] for i in single])
        width = max(len(game.children[n]) for n in nodes)
        kids = np.array(
            [list(game.children[n]) + [-1] * (width - len(game.children[n])) for n in nodes]
        )
        own = game.owner[nodes]
        after = np.where(kids >= 0, vals[np.maximum(kids, 0), own[:, None]], -np.inf)
        gains = after.max(axis=1) - vals[nodes, own]
        out.update(single[k] for k in np.flatnonzero(gains > tol))
    return out


def _smallest_root(game: ExtensiveGame, nodes: Sequence[int], roots: set[int]) -> int:
    last, a = max(nodes), int(nodes[0])
    while not (a in roots and game.end[a] > last):
        a = int(game.parent[a])
    return a


def _judge(
    game: ExtensiveGame,
    h: InfoSet,
    planned: FloatArray,
    vals: FloatArray,
    w: FloatArray,
    tol: float,
    root: int,
) -> Finding | None:
    i = h.player
    now = w @ vals[list(h.nodes)]
    after_move = np.array(
        [w @ vals[[game.children[n][a] for n in h.nodes]] for a in range(len(h.moves))]
    )
    best = int(np.argmax(after_move[:, i]))
    if after_move[best, i] - now[i] <= tol:
        return None
    others = [j for j in range(game.n_players) if j != i]
    diff = float(now[others].sum() - after_move[best, others].sum()) if others else 0.0
    kind = "threat" if diff < -tol else "promise" if diff > tol else "plan"
    node = h.nodes[0] if len(h.nodes) == 1 else root
    after = ",".join(f"{k}={m}" for k, m in game.history(node))
    moves = tuple((m, float(p)) for m, p in zip(h.moves, planned, strict=True) if p > 1e-12)
    return Finding(
        game.players[i],
        h.key,
        kind,
        moves,
        h.moves[best],
        float(now[i]),
        float(after_move[best, i]),
        after,
    )
