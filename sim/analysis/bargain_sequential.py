"""Responses in a sequential game: committed plans are binding, the others play subgame perfectly.

See :mod:`sim.analysis.bargain_responses` for the rule. A committed player's
plan is made binding by subtracting ``M`` (four times the payoff range plus
one) from its payoff at every leaf reached by leaving its plan, once per
deviation: following the plan is then strictly best for it at every
information set, whatever the others do, so the subgame-perfect equilibria of
the penalised game are exactly the responses of the others to the plan.
Every equilibrium found is re-checked on the penalised game
(:func:`sim.solvers.spe_check.check_subgame_perfect`) and its payoffs are
computed from the original numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import numpy as np

from sim.analysis.bargain_responses import MAX_PLANS, Response
from sim.errors import SimError
from sim.games.extensive import ExtensiveGame, PointValues
from sim.games.profile_values import node_values, reach
from sim.solvers.extensive.backward_induction import all_pure_spe
from sim.solvers.extensive.spe_check import check_subgame_perfect
from sim.solvers.extensive.subgames import subgame_perfect

__all__ = ["SequentialResponses"]

#: Most subgame-perfect equilibria examined per response.
LIMIT = 200


def _stage_text(stage: str, items: list[tuple[str, str]], named: bool) -> str:
    """One stage of a plan: its move, or its moves by the observations that tell them apart."""
    moves = list(dict.fromkeys(move for _, move in items))
    prefix = f"{stage}: " if stage else ""
    if len(moves) == 1:
        return f"{prefix}{moves[0]}" if named and len(items) > 1 else moves[0]
    parts = [seen.split(",") if seen else [] for seen, _ in items]
    common = set.intersection(*(set(p) for p in parts)) if parts else set()
    shown = ["/".join(x.partition("=")[2] or x for x in p if x not in common) for p in parts]
    groups = [
        f"{move} if " + ", ".join(o for o, (_, m) in zip(shown, items, strict=True) if m == move)
        for move in moves
    ]
    return prefix + "; ".join(groups)


class SequentialResponses:
    """Responses in a game tree at one parameter point."""

    def __init__(self, game: ExtensiveGame, values: PointValues, rule: str, tol: float = 1e-9):
        self.game = game
        self.values = values
        self.rule = rule
        self.tol = tol
        self.players = game.players
        self.mine = [
            [h for h, info in enumerate(game.infosets) if info.player == p]
            for p in range(len(game.players))
        ]
        self._deviations = self._deviation_leaves()
        self._cache: dict[int, list[tuple[int, ...]]] = {}
        self._relevant: dict[int, list[tuple[bool, ...]]] = {}
        self._plans: dict[int, list[Mapping[str, str]]] = {}
        self.penalty = 4.0 * values.payoff_range + 1.0

    def n_plans(self, player: int) -> int:
        """Number of plans of a player (a move at each of its information sets)."""
        return math.prod(len(self.game.infosets[h].moves) for h in self.mine[player])

    def _choices(self, player: int) -> list[tuple[int, ...]]:
        """The player's reduced plans: choices at information sets its own moves exclude are
        fixed at the first move (such plans differ only where play never goes)."""
        if player in self._cache:
            return self._cache[player]
        count = self.n_plans(player)
        if count > MAX_PLANS:
            raise SimError(
                f"{self.players[player]} has {count:,} plans (a move at each of its "
                f"{len(self.mine[player])} information sets); bargaining handles at most "
                f"{MAX_PLANS:,} per player"
            )
        sizes = [range(len(self.game.infosets[h].moves)) for h in self.mine[player]]
        needs = [self._requirements(h) for h in self.mine[player]]
        where = {h: i for i, h in enumerate(self.mine[player])}
        seen: dict[tuple[int, ...], tuple[int, ...]] = {}
        for choice in itertools.product(*sizes):
            key = tuple(
                k if any(all(choice[where[g]] == m for g, m in req) for req in reqs) else 0
                for k, reqs in zip(choice, needs, strict=True)
            )
            seen.setdefault(key, key)
        self._cache[player] = list(seen)
        self._relevant[player] = [
            tuple(any(all(c[where[g]] == m for g, m in req) for req in reqs) for reqs in needs)
            for c in self._cache[player]
        ]
        return self._cache[player]

    def _requirements(self, h: int) -> list[list[tuple[int, int]]]:
        """For each node of ``h``: the (own information set, move) pairs on the path to it."""
        game = self.game
        player = game.infosets[h].player
        out = []
        for x in game.infosets[h].nodes:
            req = []
            node = x
            while game.parent[node] >= 0:
                up = int(game.parent[node])
                if game.owner[up] == player and game.infoset[up] >= 0:
                    req.append((int(game.infoset[up]), int(game.edge[node])))
                node = up
            out.append(req)
        return out

    def plans(self, player: int) -> list[Mapping[str, str]]:
        """A player's reduced plans, each ``{information set key: move}`` where it can move."""
        if player not in self._plans:
            self._plans[player] = self._plan_maps(player)
        return self._plans[player]

    def _plan_maps(self, player: int) -> list[Mapping[str, str]]:
        sets = [self.game.infosets[h] for h in self.mine[player]]
        choices = self._choices(player)
        return [
            {s.key: s.moves[k] for s, k, r in zip(sets, c, rel, strict=True) if r}
            for c, rel in zip(choices, self._relevant[player], strict=True)
        ]

    def plan_name(self, player: int, k: int) -> str:
        """Short name: per stage, the move, or each move with what the player has seen.

        E.g. ``offer_deal; switch_on: activate_shield if advanced/continue_enrichment,
        keep_off otherwise`` is written as the moves and the observations that differ.
        """
        plan = self.plans(player)[k]
        if not plan:
            return "(no move)"
        stages: dict[str, list[tuple[str, str]]] = {}
        for key, move in plan.items():
            head, _, seen = key.partition("@")
            stage = self.game.infosets[self.game.infoset_by_key(key)].stage or head
            stages.setdefault(stage, []).append((seen, move))
        own = self.players[player]
        return "; ".join(
            _stage_text("" if stage == own else stage, items, len(stages) > 1)
            for stage, items in stages.items()
        )

    def _deviation_leaves(self) -> dict[tuple[int, int], np.ndarray]:
        """For each (information set, move): the leaf rows reached by not playing that move."""
        game = self.game
        leaf_nodes = np.asarray(game.leaves)
        out: dict[tuple[int, int], np.ndarray] = {}
        for h, info in enumerate(game.infosets):
            for k in range(len(info.moves)):
                rows: list[np.ndarray] = []
                for x in info.nodes:
                    for j, c in enumerate(game.children[x]):
                        if j != k:
                            inside = (leaf_nodes >= c) & (leaf_nodes < game.end[c])
                            rows.append(game.leaf_row[leaf_nodes[inside]])
                out[(h, k)] = np.concatenate(rows) if rows else np.zeros(0, dtype=int)
        return out

    def respond(
        self, fixed: Mapping[int, int], moves: Mapping[str, str] | None = None, detail: bool = True
    ) -> Response:
        """The prediction when each player in ``fixed`` follows its plan number.

        ``moves`` (stage id or, in a tree, player -> move) forces that move
        wherever the stage or player moves, for a disagreement outcome. With
        ``detail=False`` only the payoffs are filled in (coalition values).
        """
        forced: dict[int, int] = self._forced_by_moves(moves or {})
        for p, k in fixed.items():
            choice = self._choices(p)[k]
            forced.update(zip(self.mine[p], choice, strict=True))
        payoffs = self.values.payoffs.copy()
        for h, k in forced.items():
            player = self.game.infosets[h].player
            np.subtract.at(payoffs[:, player], self._deviations[(h, k)], self.penalty)
        penalised = PointValues(payoffs, self.values.probs, self.values.parameters)
        found = self._spe(penalised)
        keep = [b for b in found if all(b[h][k] >= 1.0 - 1e-9 for h, k in forced.items())]
        if not keep:
            raise SimError("no subgame-perfect response was found for the committed plans")
        responders = [p for p in range(len(self.players)) if p not in fixed]
        chosen, decided, note = self._select(keep, responders)
        check_subgame_perfect(self.game, penalised, chosen, max(2 * self.tol, 1e-9))
        if not detail:
            payoffs = node_values(self.game, self.values, chosen)[0]
            return Response(np.asarray(payoffs, float), (), {}, decided, note)
        return self._response(chosen, responders, decided, note)

    def _forced_by_moves(self, moves: Mapping[str, str]) -> dict[int, int]:
        forced: dict[int, int] = {}
        for key, move in moves.items():
            hits = [
                h
                for h, info in enumerate(self.game.infosets)
                if (info.stage == key or (info.stage is None and self.players[info.player] == key))
                and move in info.moves
            ]
            if not hits:
                raise SimError(f"'{key}' is not a stage where a player moves '{move}'")
            forced.update((h, self.game.infosets[h].moves.index(move)) for h in hits)
        return forced

    def _spe(self, values: PointValues) -> list[tuple[np.ndarray, ...]]:
        if self.game.perfect_information:
            found = all_pure_spe(self.game, values, self.tol, LIMIT)
            return [tuple(self.game.pure_behaviour(e.choices)) for e in found.equilibria]
        sol = subgame_perfect(self.game, values, self.tol, LIMIT)
        return [tuple(e.behaviour) for e in sol.equilibria]

    def _select(
        self, found: list[tuple[np.ndarray, ...]], responders: list[int]
    ) -> tuple[tuple[np.ndarray, ...], bool, str]:
        note = ""
        if len(found) > 1 and self.rule != "payoff_dominant":
            note = (
                f"the {self.rule.replace('_', ' ')} rule is defined for simultaneous games; "
                "the payoff-dominant subgame-perfect equilibrium was taken"
            )
        if len(found) == 1:
            return found[0], False, note
        vectors = np.array([node_values(self.game, self.values, b)[0] for b in found])
        own = vectors[:, responders] if responders else vectors
        span = max(self.values.payoff_range, 1e-300) * 1e-9
        undominated = [
            i
            for i, v in enumerate(own)
            if not np.any(np.all(own >= v - span, axis=1) & np.any(own > v + span, axis=1))
        ]
        best = max(undominated, key=lambda i: (float(own[i].sum()), -i))
        distinct = np.ptp(vectors, axis=0).max() > span
        return found[best], bool(distinct), note

    def _response(
        self, behaviour: tuple[np.ndarray, ...], responders: list[int], decided: bool, note: str
    ) -> Response:
        game = self.game
        payoffs = node_values(game, self.values, behaviour)[0]
        probs = reach(game, self.values, behaviour)
        outcomes = []
        for leaf in game.leaves.tolist():
            if probs[leaf] > 1e-12:
                outcomes.append(
                    (game.history_dict(leaf), float(probs[leaf]), game.leaf_label(leaf))
                )
        strategies = {
            self.players[p]: {
                game.infosets[h].key: {
                    m: float(behaviour[h][k]) for k, m in enumerate(game.infosets[h].moves)
                }
                for h in self.mine[p]
            }
            for p in responders
        }
        return Response(np.asarray(payoffs, float), tuple(outcomes), strategies, decided, note)
