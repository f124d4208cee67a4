"""Build the game tree of a sequential scenario (``sequence`` or ``tree`` form).

Information sets of a ``sequence``
----------------------------------
A player moving at stage ``s`` knows the outcomes of

* the stages listed in ``s``'s ``observes`` (default: every earlier stage),
* its own earlier stages (a player always remembers its own moves), and
* everything it knew at its own earlier stages that happened (it does not
  forget what it once observed).

Two histories reaching ``s`` lie in one information set iff they agree on
which of these known stages happened and on their outcomes. Because of the
last two rules every sequence has perfect recall by construction (Kuhn 1953;
Osborne & Rubinstein 1994, def. 203.3).

Information-set keys
--------------------
``"<player>@<stage>=<move>,<stage>=<move>,..."`` lists, in stage order, the
known stages that happened and their outcomes, e.g.
``"Russia@offer=offer_deal"``. When the mover knows nothing yet the key is
``"<player>@<stage id>"`` (e.g. ``"US@offer"``). If two stages of one player
would give the same key, the stage id is put in front of the list:
``"US@switch_on:offer=offer_deal"``.

In a ``tree`` an information set with an ``infoset`` label is keyed by the
label; any other decision node is a singleton keyed
``"<player>@<mover>=<move>,..."`` by the moves on its path (``mover`` is the
moving player's name or ``chance``), or ``"<player>@root"`` at the root. A
tree whose information sets violate perfect recall (a player forgets its own
earlier move or what it knew) is refused with an error at the offending node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np

from sim.errors import InternalError, Location
from sim.games.extensive import (
    CHANCE,
    DECISION,
    LEAF,
    ChanceTerm,
    ExtensiveGame,
    InfoSet,
    PayoffTerm,
    PointValues,
    evaluate,
)
from sim.games.extensive_tree import from_tree
from sim.games.infoset_keys import escape_key_part
from sim.games.tree_builder import NodeList, Pairs, add_term, finish
from sim.scenario.model import Scenario, Stage, When
from sim.scenario.parameters import parameter_env
from sim.scenario.tree import chance_site

__all__ = ["build_extensive", "extensive_at"]


def build_extensive(scenario: Scenario) -> ExtensiveGame:
    """The game tree of a sequential scenario.

    Raises
    ------
    ScenarioError
        If the tree has more than :data:`~sim.games.extensive.MAX_NODES`
        nodes, or (``tree`` form) perfect recall fails, located at the node.
    ValueError
        If the scenario is not sequential.
    """
    if scenario.sequence is not None:
        return _from_sequence(scenario, scenario.sequence)
    if scenario.tree is not None:
        return from_tree(scenario, scenario.tree)
    raise ValueError("build_extensive() needs a sequential scenario")


def extensive_at(
    scenario: Scenario, overrides: Mapping[str, float] | None = None
) -> tuple[ExtensiveGame, PointValues]:
    """The game tree of a sequential scenario and its numbers at one parameter point."""
    game = build_extensive(scenario)
    env = parameter_env(scenario.parameters, overrides)
    return game, evaluate(game, env).point(0, env)


# --------------------------------------------------------------------------- sequence


def _from_sequence(scenario: Scenario, stages: Sequence[Stage]) -> ExtensiveGame:
    players = scenario.player_names
    error_at = stages[0].location or Location(scenario.path)
    nodes = NodeList()
    knowledge = _Knowledge(stages)
    stack: list[tuple[int, int, Pairs, int]] = [(-1, -1, (), 0)]
    while stack:
        parent, edge, history, start = stack.pop()
        done = dict(history)
        nxt = next((j for j in range(start, len(stages)) if stages[j].when.holds(done)), None)
        stage = stages[nxt] if nxt is not None else None
        where = (stage.location, f"sequence.{stage.id}") if stage else (None, "sequence")
        x = nodes.add(parent, edge, where, error_at)
        nodes.histories.append(history)
        if stage is None or nxt is None:
            continue
        nodes.moves[x] = stage.moves
        nodes.movers[x] = stage.id
        if stage.is_chance:
            nodes.kind[x] = CHANCE
        else:
            nodes.kind[x] = DECISION
            nodes.owner[x] = players.index(stage.player or "")
            nodes.group[x] = (stage.id, knowledge.pairs(nxt, history))
        for k in reversed(range(len(stage.moves))):
            stack.append((x, k, (*history, (stage.id, stage.moves[k])), nxt + 1))
    infosets = _sequence_infosets(nodes, stages, players)
    leaves = [x for x, k in enumerate(nodes.kind) if k == LEAF]
    base, terms, labels = _sequence_payoffs(scenario, stages, [nodes.histories[x] for x in leaves])
    chance_terms = _sequence_chance(nodes, stages)
    return finish(scenario, nodes, infosets, base, terms, chance_terms, labels, "sequence")


class _Knowledge:
    """What a mover knows (module docstring), with the per-stage parts computed once."""

    def __init__(self, stages: Sequence[Stage]) -> None:
        self.players = [s.player for s in stages]
        self.player_of = {s.id: s.player for s in stages}
        self.observes = {s.id: frozenset(s.observes) for s in stages}
        self.base = [
            frozenset(s.observes) | {t.id for t in stages[:i] if t.player == s.player}
            for i, s in enumerate(stages)
        ]

    def pairs(self, index: int, history: Pairs) -> Pairs:
        """The (stage id, outcome) pairs the mover of stage ``index`` knows, in stage order."""
        player = self.players[index]
        known = set(self.base[index])
        for sid, _ in history:
            if self.player_of[sid] == player:
                known |= self.observes[sid]
        return tuple(pair for pair in history if pair[0] in known)


def _pairs_text(pairs: Pairs) -> str:
    return ",".join(f"{escape_key_part(sid)}={move}" for sid, move in pairs)


def _sequence_infosets(
    nodes: NodeList, stages: Sequence[Stage], players: Sequence[str]
) -> list[InfoSet]:
    groups: dict[tuple[str, Pairs], list[int]] = {}
    for x, group in enumerate(nodes.group):
        if group is not None:
            groups.setdefault(cast(tuple[str, Pairs], group), []).append(x)
    by_id = {s.id: s for s in stages}
    plain: dict[tuple[str, str], set[str]] = {}
    for sid, pairs in groups:
        if pairs:
            plain.setdefault((by_id[sid].player or "", _pairs_text(pairs)), set()).add(sid)
    infosets = []
    for (sid, pairs), members in groups.items():
        stage = by_id[sid]
        player = stage.player or ""
        text = _pairs_text(pairs)
        who, where = escape_key_part(player), escape_key_part(sid)
        if not pairs:
            key = f"{who}@{where}"
        elif len(plain[(player, text)]) > 1:
            key = f"{who}@{where}:{text}"
        else:
            key = f"{who}@{text}"
        infosets.append(InfoSet(key, players.index(player), stage.moves, tuple(members), sid))
    return infosets


def _history_matrix(stages: Sequence[Stage], histories: list[Pairs]) -> np.ndarray:
    """``(n_histories, n_stages)``: index of each stage's outcome, -1 where it did not happen."""
    column = {s.id: j for j, s in enumerate(stages)}
    code = {s.id: {m: k for k, m in enumerate(s.moves)} for s in stages}
    matrix = np.full((len(histories), len(stages)), -1, np.int64)
    for i, history in enumerate(histories):
        for sid, move in history:
            matrix[i, column[sid]] = code[sid][move]
    return matrix


def _rows_where(stages: Sequence[Stage], matrix: np.ndarray, when: When) -> np.ndarray:
    """Rows of the history matrix where every condition of ``when`` holds (vectorised)."""
    column = {s.id: j for j, s in enumerate(stages)}
    mask = np.ones(matrix.shape[0], bool)
    for sid, allowed in when.items:
        moves = stages[column[sid]].moves
        codes = [moves.index(m) for m in allowed if m in moves]
        mask &= np.isin(matrix[:, column[sid]], codes)
    return np.flatnonzero(mask).astype(np.int64)


def _sequence_payoffs(
    scenario: Scenario, stages: Sequence[Stage], pairs: list[Pairs]
) -> tuple[np.ndarray, list[PayoffTerm], list[str | None]]:
    players = scenario.player_names
    base = np.zeros((len(pairs), len(players)))
    terms: list[PayoffTerm] = []
    labels: list[str | None] = [None] * len(pairs)
    if scenario.payoff_rules is not None:
        matrix = _history_matrix(stages, pairs)
        for rule in scenario.payoff_rules:
            rows = _rows_where(stages, matrix, rule.when)
            for player, formula in rule.add:
                add_term(base, terms, rows, players.index(player), formula)
    elif scenario.outcomes is not None:
        index = {tuple(sorted(h)): i for i, h in enumerate(pairs)}
        for row in scenario.outcomes:
            leaf = index.get(tuple(sorted(row.moves)))
            if leaf is None:
                raise InternalError(f"outcome row {dict(row.moves)} is not a complete history")
            labels[leaf] = row.label
            for player, formula in row.payoffs:
                add_term(base, terms, np.array([leaf]), players.index(player), formula)
    return base, terms, labels


def _sequence_chance(nodes: NodeList, stages: Sequence[Stage]) -> list[ChanceTerm]:
    terms = []
    for stage in stages:
        if stage.chance is None:
            continue
        parents = [x for x, m in enumerate(nodes.movers) if m == stage.id]
        if not parents:
            continue
        where, path = chance_site(stage, stage.location, f"sequence.{stage.id}")
        for k, (outcome, formula) in enumerate(stage.chance):
            kids = np.array([nodes.children[x][k] for x in parents], np.int64)
            terms.append(ChanceTerm(kids, formula, where, path, outcome))
    return terms
