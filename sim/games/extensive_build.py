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
from dataclasses import dataclass, field

import numpy as np

from sim.errors import Diagnostic, InternalError, Location, ScenarioError
from sim.games.extensive import (
    CHANCE,
    DECISION,
    LEAF,
    MAX_NODES,
    ChanceTerm,
    ExtensiveGame,
    InfoSet,
    PayoffTerm,
)
from sim.scenario.model import Formula, Scenario, Stage, TreeNode
from sim.scenario.tree import chance_site

__all__ = ["build_extensive"]

Pairs = tuple[tuple[str, str], ...]


@dataclass
class _Nodes:
    """Growing per-node lists, in preorder."""

    kind: list[int] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    edge: list[int] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    group: list[object] = field(default_factory=list)
    moves: list[tuple[str, ...]] = field(default_factory=list)
    movers: list[str] = field(default_factory=list)
    children: list[list[int]] = field(default_factory=list)
    locations: list[Location | None] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    histories: list[Pairs] = field(default_factory=list)

    def add(self, parent: int, edge: int, where: tuple[Location | None, str], error_at: Location) -> int:
        index = len(self.kind)
        if index >= MAX_NODES:
            msg = f"the game tree has more than {MAX_NODES:,} nodes; make the game smaller"
            raise ScenarioError.single(error_at, "", msg)
        for name, value in (("kind", LEAF), ("parent", parent), ("edge", edge), ("owner", -1)):
            getattr(self, name).append(value)
        self.group.append(None)
        self.moves.append(())
        self.movers.append("")
        self.children.append([])
        self.locations.append(where[0])
        self.paths.append(where[1])
        if parent >= 0:
            self.children[parent].append(index)
        return index


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
        return _from_tree(scenario, scenario.tree)
    raise ValueError("build_extensive() needs a sequential scenario")


# --------------------------------------------------------------------------- sequence


def _from_sequence(scenario: Scenario, stages: Sequence[Stage]) -> ExtensiveGame:
    players = scenario.player_names
    error_at = stages[0].location or Location(scenario.path)
    nodes = _Nodes()
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
            nodes.group[x] = (stage.id, _known_pairs(stages, nxt, history))
        for k in reversed(range(len(stage.moves))):
            stack.append((x, k, (*history, (stage.id, stage.moves[k])), nxt + 1))
    infosets = _sequence_infosets(nodes, stages, players)
    leaves = [x for x, k in enumerate(nodes.kind) if k == LEAF]
    base, terms, labels = _sequence_payoffs(scenario, [dict(nodes.histories[x]) for x in leaves])
    chance_terms = _sequence_chance(nodes, stages)
    return _finish(scenario, nodes, infosets, base, terms, chance_terms, labels, "sequence")


def _known_pairs(stages: Sequence[Stage], index: int, history: Pairs) -> Pairs:
    """What the mover of ``stages[index]`` knows: (stage id, outcome) pairs in stage order."""
    stage = stages[index]
    player = stage.player
    known = set(stage.observes)
    known.update(s.id for s in stages[:index] if s.player == player)
    by_id = {s.id: s for s in stages}
    for sid, _ in history:
        if by_id[sid].player == player:
            known.update(by_id[sid].observes)
    return tuple((sid, move) for sid, move in history if sid in known)


def _pairs_text(pairs: Pairs) -> str:
    return ",".join(f"{sid}={move}" for sid, move in pairs)


def _sequence_infosets(
    nodes: _Nodes, stages: Sequence[Stage], players: Sequence[str]
) -> list[InfoSet]:
    groups: dict[object, list[int]] = {}
    for x, group in enumerate(nodes.group):
        if group is not None:
            groups.setdefault(group, []).append(x)
    by_id = {s.id: s for s in stages}
    plain: dict[tuple[str, str], set[str]] = {}
    for sid, pairs in groups:  # type: ignore[misc]
        if pairs:
            plain.setdefault((by_id[sid].player or "", _pairs_text(pairs)), set()).add(sid)
    infosets = []
    for (sid, pairs), members in groups.items():  # type: ignore[misc]
        stage = by_id[sid]
        player = stage.player or ""
        text = _pairs_text(pairs)
        if not pairs:
            key = f"{player}@{sid}"
        elif len(plain[(player, text)]) > 1:
            key = f"{player}@{sid}:{text}"
        else:
            key = f"{player}@{text}"
        infosets.append(InfoSet(key, players.index(player), stage.moves, tuple(members), sid))
    return infosets


def _sequence_payoffs(
    scenario: Scenario, histories: list[dict[str, str]]
) -> tuple[np.ndarray, list[PayoffTerm], list[str | None]]:
    players = scenario.player_names
    base = np.zeros((len(histories), len(players)))
    terms: list[PayoffTerm] = []
    labels: list[str | None] = [None] * len(histories)
    if scenario.payoff_rules is not None:
        for rule in scenario.payoff_rules:
            rows = np.array([i for i, h in enumerate(histories) if rule.when.holds(h)], np.int64)
            for player, formula in rule.add:
                _add_term(base, terms, rows, players.index(player), formula)
    elif scenario.outcomes is not None:
        index = {tuple(sorted(h.items())): i for i, h in enumerate(histories)}
        for row in scenario.outcomes:
            leaf = index.get(tuple(sorted(row.moves)))
            if leaf is None:
                raise InternalError(f"outcome row {dict(row.moves)} is not a complete history")
            labels[leaf] = row.label
            for player, formula in row.payoffs:
                _add_term(base, terms, np.array([leaf]), players.index(player), formula)
    return base, terms, labels


def _add_term(
    base: np.ndarray, terms: list[PayoffTerm], rows: np.ndarray, player: int, formula: Formula
) -> None:
    if rows.size == 0:
        return
    if formula.expr.is_constant:
        base[rows, player] += formula.expr.constant_value()
    else:
        terms.append(PayoffTerm(rows, player, formula))


def _sequence_chance(nodes: _Nodes, stages: Sequence[Stage]) -> list[ChanceTerm]:
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


# --------------------------------------------------------------------------- tree


def _from_tree(scenario: Scenario, root: TreeNode) -> ExtensiveGame:
    players = scenario.player_names
    nodes = _Nodes()
    error_at = root.location or Location(scenario.path)
    chance_terms: list[ChanceTerm] = []
    leaf_nodes: list[TreeNode] = []
    own: dict[int, Pairs] = {}
    stack: list[tuple[TreeNode, int, int, dict[str, Pairs]]] = [(root, -1, -1, {})]
    while stack:
        tnode, parent, edge, seen = stack.pop()
        x = nodes.add(parent, edge, (tnode.location, tnode.path), error_at)
        nodes.histories.append(_tree_history(nodes, x))
        if tnode.is_leaf:
            leaf_nodes.append(tnode)
            continue
        nodes.moves[x] = tnode.moves
        if tnode.chance is not None:
            nodes.kind[x], nodes.movers[x] = CHANCE, "chance"
            where, path = chance_site(tnode, tnode.location, f"{tnode.path}.chance")
            probs = dict(tnode.chance)
            for name, _ in tnode.children:
                chance_terms.append(ChanceTerm(np.array([-1]), probs[name], where, path, name))
        else:
            player = tnode.player or ""
            nodes.kind[x], nodes.movers[x] = DECISION, player
            nodes.owner[x] = players.index(player)
            nodes.group[x] = tnode.infoset if tnode.infoset is not None else ("node", x)
            own[x] = seen.get(player, ())
        for k in reversed(range(len(tnode.children))):
            after = seen
            if tnode.player is not None:
                step = (str(nodes.group[x]), tnode.children[k][0])
                after = {**seen, tnode.player: (*seen.get(tnode.player, ()), step)}
            stack.append((tnode.children[k][1], x, k, after))
    _fix_chance_nodes(nodes, chance_terms)
    _check_perfect_recall(nodes, own, players)
    infosets = _tree_infosets(nodes, players)
    base, terms, labels = _tree_payoffs(leaf_nodes, players)
    return _finish(scenario, nodes, infosets, base, terms, chance_terms, labels, "tree")


def _tree_history(nodes: _Nodes, x: int) -> Pairs:
    parent = nodes.parent[x]
    if parent < 0:
        return ()
    return (*nodes.histories[parent], (nodes.movers[parent], nodes.moves[parent][nodes.edge[x]]))


def _fix_chance_nodes(nodes: _Nodes, terms: list[ChanceTerm]) -> None:
    """Point each chance term at its child node (terms were made in parent order)."""
    chance_children = [c for x, k in enumerate(nodes.kind) if k == CHANCE for c in nodes.children[x]]
    if len(chance_children) != len(terms):
        raise InternalError("chance terms and chance edges do not match")
    for term, child in zip(terms, chance_children, strict=True):
        term.nodes[0] = child


def _check_perfect_recall(nodes: _Nodes, own: Mapping[int, Pairs], players: Sequence[str]) -> None:
    """Every node of an information set must follow the same own moves and information sets."""
    first: dict[object, int] = {}
    problems: list[Diagnostic] = []
    for x in sorted(own):
        group = nodes.group[x]
        if group not in first:
            first[group] = x
            continue
        y = first[group]
        if own[x] != own[y]:
            problems.append(_recall_problem(nodes, x, y, own, players))
    if problems:
        raise ScenarioError(problems[:20])


def _recall_problem(
    nodes: _Nodes, x: int, y: int, own: Mapping[int, Pairs], players: Sequence[str]
) -> Diagnostic:
    player = players[nodes.owner[x]]
    mine, theirs = own[x], own[y]
    line = nodes.locations[y].line if nodes.locations[y] else 0
    what = "forgets what it knew earlier"
    for (hx, mx), (hy, my) in zip(mine, theirs, strict=False):
        if hx == hy and mx != my:
            what = f"forgets its own earlier move ('{mx}' on the way here, '{my}' on the way there)"
            break
    if len(mine) != len(theirs) and all(a == b for a, b in zip(mine, theirs, strict=False)):
        what = "forgets whether it has already moved"
    msg = (
        f"information set '{nodes.group[x]}' breaks perfect recall: {player} {what}, yet this "
        f"node shares the information set with the node at line {line}; nodes of one "
        f"information set must follow the same earlier moves and information of their player"
    )
    where = nodes.locations[x] or Location("<tree>")
    return Diagnostic(where, f"{nodes.paths[x]}.infoset", msg)


def _tree_infosets(nodes: _Nodes, players: Sequence[str]) -> list[InfoSet]:
    groups: dict[object, list[int]] = {}
    for x, group in enumerate(nodes.group):
        if group is not None:
            groups.setdefault(group, []).append(x)
    used = {g for g in groups if isinstance(g, str)}
    infosets = []
    for group, members in groups.items():
        x = members[0]
        player = players[nodes.owner[x]]
        if isinstance(group, str):
            key = group
        else:
            path = ",".join(f"{m}={mv}" for m, mv in nodes.histories[x]) or "root"
            key = f"{player}@{path}"
            while key in used:
                key += "'"
            used.add(key)
        infosets.append(InfoSet(key, nodes.owner[x], nodes.moves[x], tuple(members)))
    return infosets


def _tree_payoffs(
    leaves: Sequence[TreeNode], players: Sequence[str]
) -> tuple[np.ndarray, list[PayoffTerm], list[str | None]]:
    base = np.zeros((len(leaves), len(players)))
    terms: list[PayoffTerm] = []
    for row, leaf in enumerate(leaves):
        for player, formula in leaf.payoffs or ():
            _add_term(base, terms, np.array([row]), players.index(player), formula)
    return base, terms, [leaf.label for leaf in leaves]


# --------------------------------------------------------------------------- common


def _finish(
    scenario: Scenario,
    nodes: _Nodes,
    infosets: list[InfoSet],
    base: np.ndarray,
    terms: list[PayoffTerm],
    chance_terms: list[ChanceTerm],
    labels: list[str | None],
    source: str,
) -> ExtensiveGame:
    n = len(nodes.kind)
    infoset_of = np.full(n, -1, np.int64)
    for i, h in enumerate(infosets):
        infoset_of[list(h.nodes)] = i
    end = np.arange(1, n + 1, dtype=np.int64)
    for x in range(n - 1, 0, -1):
        p = nodes.parent[x]
        end[p] = max(end[p], end[x])
    kind = np.array(nodes.kind, np.int8)
    leaves = np.flatnonzero(kind == LEAF).astype(np.int64)
    leaf_row = np.full(n, -1, np.int64)
    leaf_row[leaves] = np.arange(leaves.size)
    return ExtensiveGame(
        title=scenario.name,
        players=scenario.player_names,
        kind=kind,
        parent=np.array(nodes.parent, np.int64),
        edge=np.array(nodes.edge, np.int64),
        owner=np.array(nodes.owner, np.int64),
        infoset=infoset_of,
        end=end,
        children=tuple(tuple(c) for c in nodes.children),
        node_moves=tuple(nodes.moves),
        movers=tuple(nodes.movers),
        leaves=leaves,
        leaf_row=leaf_row,
        infosets=tuple(infosets),
        payoff_base=base,
        payoff_terms=tuple(terms),
        chance_base=np.ones(n),
        chance_terms=tuple(chance_terms),
        labels=scenario.labels,
        leaf_labels=tuple(labels),
        locations=tuple(nodes.locations),
        paths=tuple(nodes.paths),
        source=source,
        stage_order=tuple(s.id for s in scenario.sequence or ()),
    )
