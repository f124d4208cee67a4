"""Build the game tree of a scenario written as an explicit ``tree``.

Information sets come from ``infoset`` labels (nodes sharing a label share
one); any other decision node is a singleton keyed
``"<player>@<mover>=<move>,..."`` by the moves on its path, or
``"<player>@root"``. Perfect recall is checked: every node of an information
set must follow the same earlier information sets and moves of its player
(Kuhn 1953; Osborne & Rubinstein 1994, def. 203.3); a tree that breaks it is
refused with a located error at the offending node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.errors import Diagnostic, InternalError, Location, ScenarioError
from sim.games.extensive import CHANCE, DECISION, ChanceTerm, ExtensiveGame, InfoSet, PayoffTerm
from sim.games.infoset_keys import escape_key_part
from sim.games.tree_builder import NodeList, Pairs, add_term, finish
from sim.scenario.model import Scenario, TreeNode
from sim.scenario.tree import chance_site

__all__ = ["from_tree"]


def from_tree(scenario: Scenario, root: TreeNode) -> ExtensiveGame:
    """The game tree of a ``tree`` scenario (see the module docstring)."""
    players = scenario.player_names
    nodes = NodeList()
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
    return finish(scenario, nodes, infosets, base, terms, chance_terms, labels, "tree")


def _tree_history(nodes: NodeList, x: int) -> Pairs:
    parent = nodes.parent[x]
    if parent < 0:
        return ()
    return (*nodes.histories[parent], (nodes.movers[parent], nodes.moves[parent][nodes.edge[x]]))


def _fix_chance_nodes(nodes: NodeList, terms: list[ChanceTerm]) -> None:
    """Point each chance term at its child node (terms were made in parent order)."""
    chance_children = [
        c for x, k in enumerate(nodes.kind) if k == CHANCE for c in nodes.children[x]
    ]
    if len(chance_children) != len(terms):
        raise InternalError("chance terms and chance edges do not match")
    for term, child in zip(terms, chance_children, strict=True):
        term.nodes[0] = child


def _check_perfect_recall(
    nodes: NodeList, own: Mapping[int, Pairs], players: Sequence[str]
) -> None:
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
    nodes: NodeList, x: int, y: int, own: Mapping[int, Pairs], players: Sequence[str]
) -> Diagnostic:
    player = players[nodes.owner[x]]
    mine, theirs = own[x], own[y]
    other = nodes.locations[y]
    line = other.line if other is not None else 0
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


def _tree_infosets(nodes: NodeList, players: Sequence[str]) -> list[InfoSet]:
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
            path = ",".join(f"{escape_key_part(m)}={mv}" for m, mv in nodes.histories[x])
            key = f"{escape_key_part(player)}@{path or 'root'}"
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
            add_term(base, terms, np.array([row]), players.index(player), formula)
    return base, terms, [leaf.label for leaf in leaves]
