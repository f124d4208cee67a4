"""Shared machinery for building game trees: growing node lists and the final assembly.

Used by :mod:`sim.games.extensive_build` (``sequence`` form) and
:mod:`sim.games.extensive_tree` (``tree`` form).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.errors import Location, ScenarioError
from sim.games.extensive import (
    LEAF,
    MAX_NODES,
    ChanceTerm,
    ExtensiveGame,
    InfoSet,
    PayoffTerm,
)
from sim.scenario.model import Formula, Scenario

__all__ = ["NodeList", "Pairs", "add_term", "finish"]

Pairs = tuple[tuple[str, str], ...]


@dataclass
class NodeList:
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

    def add(
        self, parent: int, edge: int, where: tuple[Location | None, str], error_at: Location
    ) -> int:
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


def add_term(
    base: np.ndarray, terms: list[PayoffTerm], rows: np.ndarray, player: int, formula: Formula
) -> None:
    if rows.size == 0:
        return
    if formula.expr.is_constant:
        with np.errstate(over="ignore"):  # an overflow is reported when the game is evaluated
            base[rows, player] += formula.expr.constant_value()
    else:
        terms.append(PayoffTerm(rows, player, formula))


def finish(
    scenario: Scenario,
    nodes: NodeList,
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
