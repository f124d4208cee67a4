"""What the game predicts once some players have committed: the response model of bargaining.

An agreement (or a one-sided commitment, or a coalition's joint plan) fixes
some players' moves - in a sequential game, their plans: one move at each of
their information sets. The other players respond as the game predicts: an
equilibrium of the game that remains (Nash in a simultaneous game, subgame
perfect in a sequential one), chosen by the ``select`` rule where there are
several; the result records when the rule decided.

:class:`SimultaneousResponses` slices the payoff tensor and solves the
remaining game with :func:`sim.analysis.solve.solve_game`.
:class:`SequentialResponses` keeps the whole tree and makes every committed
move binding by a penalty larger than the payoff range on every deviation
from it (so the committed player follows its plan at every information set
in every subgame-perfect equilibrium), solves with the subgame-perfect
solvers, keeps the equilibria that follow the plans, and reports payoffs
from the original numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.selection import select
from sim.analysis.solve import SolveOptions, solve_game
from sim.errors import SimError
from sim.games.normal_form import NormalFormGame
from sim.solvers.qre.logit_limit import limiting_logit_equilibrium

__all__ = ["MAX_PLANS", "Response", "SimultaneousResponses"]

#: A player with more plans than this cannot commit (the count is refused).
MAX_PLANS = 4096


@dataclass(frozen=True)
class Response:
    """The predicted play once some players have committed.

    Attributes
    ----------
    payoffs
        Expected payoff of every player.
    outcomes
        ``(moves, probability, label)`` of each outcome with positive probability.
    strategies
        For each responding player, its strategy (move -> probability; in a
        sequential game, information set -> move -> probability).
    decided
        True when several equilibria fitted and the ``select`` rule chose.
    note
        A remark for the report ("" when none).
    """

    payoffs: np.ndarray
    outcomes: tuple[tuple[Mapping[str, str], float, str | None], ...]
    strategies: Mapping[str, Mapping[str, object]]
    decided: bool = False
    note: str = ""


class SimultaneousResponses:
    """Responses in a simultaneous game (``labels`` names outcomes by their moves)."""

    def __init__(self, game: NormalFormGame, label_for, rule: str) -> None:  # type: ignore[no-untyped-def]
        self.game = game
        self.label_for = label_for
        self.rule = rule
        self.players = game.players

    def plans(self, player: int) -> list[Mapping[str, str]]:
        """A player's options: one per move, written ``{player: move}``."""
        return [{self.players[player]: m} for m in self.game.moves[player]]

    def plan_name(self, player: int, k: int) -> str:
        """Short name of option ``k``."""
        return self.game.moves[player][k]

    def respond(self, fixed: Mapping[int, int], detail: bool = True) -> Response:
        """The prediction when each player in ``fixed`` plays its given move index.

        ``detail`` is accepted for symmetry with the sequential responses (outcomes are
        always listed here).
        """
        n = self.game.n_players
        free = [p for p in range(n) if p not in fixed]
        index = tuple(fixed[p] if p in fixed else slice(None) for p in range(n))
        sliced = self.game.payoffs[(slice(None), *index)]
        if not free:
            return self._pure(fixed, {}, sliced, False, "")
        strategies, decided, note = self._equilibrium(free, sliced)
        if all(np.count_nonzero(s > 0) == 1 for s in strategies):
            moves = {p: int(np.argmax(s)) for p, s in zip(free, strategies, strict=True)}
            return self._pure(fixed, moves, sliced, decided, note)
        return self._mixed(fixed, free, strategies, sliced, decided, note)

    def _equilibrium(
        self, free: list[int], sliced: np.ndarray
    ) -> tuple[list[np.ndarray], bool, str]:
        own = sliced[free]
        if len(free) == 1:
            values = own[0]
            best = np.flatnonzero(values >= values.max() - 1e-9 * max(1.0, float(np.ptp(values))))
            strategy = np.zeros(values.size)
            strategy[best[0]] = 1.0
            note = "several best replies; the first listed was taken" if best.size > 1 else ""
            return [strategy], best.size > 1, note
        sub = NormalFormGame(
            tuple(self.players[p] for p in free), tuple(self.game.moves[p] for p in free), own
        )
        eqs = solve_game(sub, SolveOptions(structure=False)).equilibria
        if not eqs:
            raise SimError("no equilibrium was found for the responding players")
        pick = select(eqs, own, self.rule)
        if pick is None:
            limit = limiting_logit_equilibrium(own)
            return list(limit.strategies), True, ""
        return list(eqs[pick].strategies), len(eqs) > 1, ""

    def _pure(self, fixed, moves, sliced, decided, note) -> Response:  # type: ignore[no-untyped-def]
        profile = {**fixed, **moves}
        idx = tuple(profile[p] for p in range(self.game.n_players))
        names = self.game.profile_moves(idx)
        payoffs = self.game.payoffs[(slice(None), *idx)].astype(float)
        strategies = {self.players[p]: {self.game.moves[p][k]: 1.0} for p, k in moves.items()}
        return Response(payoffs, ((names, 1.0, self.label_for(names)),), strategies, decided, note)

    def _mixed(self, fixed, free, strategies, sliced, decided, note) -> Response:  # type: ignore[no-untyped-def]
        weights = strategies[0]
        for s in strategies[1:]:
            weights = np.multiply.outer(weights, s)
        payoffs = np.tensordot(sliced, weights, axes=len(free))
        outcomes = []
        for combo in itertools.product(*(np.flatnonzero(s > 0) for s in strategies)):
            prob = float(np.prod([s[k] for s, k in zip(strategies, combo, strict=True)]))
            profile = {**fixed, **dict(zip(free, combo, strict=True))}
            names = self.game.profile_moves(tuple(profile[p] for p in range(len(self.players))))
            outcomes.append((names, prob, self.label_for(names)))
        strat = {
            self.players[p]: {m: float(s[k]) for k, m in enumerate(self.game.moves[p])}
            for p, s in zip(free, strategies, strict=True)
        }
        return Response(np.asarray(payoffs, float), tuple(outcomes), strat, decided, note)


def count_plans(shapes: Sequence[int]) -> int:
    """Number of joint plans of a group (product of the members' counts)."""
    return math.prod(shapes)
