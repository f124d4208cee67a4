"""Reading and checking an explicit game ``tree`` (and chance moves in general).

A tree node is a decision (``player`` + ``moves``), a chance move (``chance``
+ ``moves``) or a leaf (``payoffs``). :func:`read_tree` checks the shape of
every node and the information sets; :func:`check_tree_semantics` checks the
numbers (chance probabilities, payoffs) at the default parameter values.

The chance helpers :func:`read_chance` and :func:`check_chance` are shared
with the ``sequence`` form (:mod:`sim.scenario.sequential`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sim.errors import ScenarioError
from sim.scenario.chance import (
    ChanceMoves,
    chance_site,
    check_chance,
    read_chance,
    remember_chance_site,
)
from sim.scenario.chance_cases import read_beliefs, same_outcomes
from sim.scenario.model import Env, Formula, Player, TreeNode
from sim.scenario.reader import NAME_RE, Reader, did_you_mean, join_path
from sim.yamlio import Node

__all__ = [
    "MAX_TREE_NODES",
    "ChanceMoves",
    "chance_site",
    "check_chance",
    "check_tree_semantics",
    "read_chance",
    "read_tree",
    "remember_chance_site",
]

#: Largest accepted number of nodes in an explicit tree.
MAX_TREE_NODES = 100_000
_NEEDS = (
    "a tree node needs `player` and `moves` (a decision), `chance` and `moves` "
    "(a chance move), or `payoffs` (a leaf)"
)
_DECISION_KEYS = ("player", "moves", "infoset", "label", "description")
_CHANCE_KEYS = ("chance", "moves", "beliefs", "label", "description")
_LEAF_KEYS = ("payoffs", "label", "description")


class _TreeBuilder:
    """Builds :class:`TreeNode` objects bottom up, recording every problem."""

    def __init__(self, reader: Reader, players: Mapping[str, Player], names: Collection[str]):
        self.reader = reader
        self.players = players
        self.names = names
        self.count = 0
        #: infoset label -> (player, moves, line) of its first node.
        self.infosets: dict[str, tuple[str, frozenset[str], int]] = {}
        #: infoset labels on the path from the root -> line of that node.
        self.above: dict[str, int] = {}

    def build(self, node: Node, path: str) -> TreeNode | None:
        self.count += 1
        if self.count > MAX_TREE_NODES:
            if self.count == MAX_TREE_NODES + 1:
                msg = f"the tree has more than {MAX_TREE_NODES:,} nodes; make it smaller"
                self.reader.error(node, path, msg)
            return None
        raw = self.reader.mapping(node, path)
        if raw is None:
            return None
        if "payoffs" in raw:
            extra = [k for k in ("player", "chance", "moves", "infoset") if k in raw]
            if extra:
                keys = ", ".join(f"`{k}`" for k in extra)
                msg = f"a node with `payoffs` is a leaf and cannot also have {keys}; {_NEEDS}"
                self.reader.error(node, path, msg)
                return None
            return self.leaf(node, raw, path)
        if "chance" in raw and "player" in raw:
            msg = f"a node cannot have both `player` and `chance`; {_NEEDS}"
            self.reader.error(node, path, msg)
            return None
        if "chance" in raw:
            return self.chance(node, raw, path)
        if "player" in raw:
            return self.decision(node, raw, path)
        hint = ""
        for key in raw:
            hint = hint or did_you_mean(key, ("player", "chance", "payoffs"))
        self.reader.error(
            node, path, f"this node has no `player`, `chance` or `payoffs`{hint}; {_NEEDS}"
        )
        return None

    def leaf(self, node: Node, raw: dict[str, Node], path: str) -> TreeNode | None:
        reader = self.reader
        reader.mapping(node, path, allowed=_LEAF_KEYS)
        label = self.label(raw, path)
        ppath = join_path(path, "payoffs")
        mapping = reader.mapping(raw["payoffs"], ppath)
        if mapping is None:
            return None
        payoffs: dict[str, Formula] = {}
        ok = True
        for key, child in mapping.items():
            kpath = join_path(ppath, key)
            if key not in self.players:
                hint = did_you_mean(key, self.players)
                msg = f"unknown player '{key}'{hint}; players are: {', '.join(self.players)}"
                reader.error(raw["payoffs"].key_location(key), kpath, msg)
                ok = False
                continue
            formula = reader.formula(child, kpath, self.names)
            if formula is None:
                ok = False
            else:
                payoffs[key] = formula
        missing = [p for p in self.players if p not in mapping]
        if missing:
            names = ", ".join(f"'{p}'" for p in missing)
            msg = f"leaf has no payoff for {names}; a leaf needs a payoff for every player"
            reader.error(raw["payoffs"], ppath, msg)
            ok = False
        if not ok:
            return None
        ordered = tuple((p, payoffs[p]) for p in self.players)
        return TreeNode(payoffs=ordered, label=label, location=node.location(), path=path)

    def label(self, raw: dict[str, Node], path: str) -> str | None:
        if "description" in raw:
            self.reader.text(raw["description"], join_path(path, "description"), allow_empty=True)
        if "label" not in raw:
            return None
        return self.reader.text(raw["label"], join_path(path, "label"))

    def children(
        self, node: Node, raw: dict[str, Node], path: str
    ) -> tuple[tuple[str, TreeNode], ...] | None:
        mpath = join_path(path, "moves")
        mapping = self.reader.mapping(raw["moves"], mpath)
        if mapping is None:
            return None
        if not mapping:
            self.reader.error(raw["moves"], mpath, "a node needs at least one move")
            return None
        result: list[tuple[str, TreeNode]] = []
        ok = True
        for key, child in mapping.items():
            kpath = join_path(mpath, key)
            if not NAME_RE.match(key):
                msg = f"move name '{key}' must match [A-Za-z_][A-Za-z0-9_]* (no spaces)"
                self.reader.error(raw["moves"].key_location(key), kpath, msg)
                ok = False
            built = self.build(child, kpath)
            if built is None:
                ok = False
            else:
                result.append((key, built))
        return tuple(result) if ok else None

    def chance(self, node: Node, raw: dict[str, Node], path: str) -> TreeNode | None:
        reader = self.reader
        reader.mapping(node, path, allowed=(*_CHANCE_KEYS, "infoset"), required=["moves"])
        if "infoset" in raw:
            msg = "a chance node cannot have an `infoset`; only a player's decision nodes have one"
            reader.error(node.key_location("infoset"), join_path(path, "infoset"), msg)
        label = self.label(raw, path)
        cpath = join_path(path, "chance")
        chance = read_chance(reader, raw["chance"], cpath, self.names)
        if "moves" not in raw:
            return None
        moves_value = raw["moves"].value
        if chance is not None and isinstance(moves_value, dict):
            outcomes = [name for name, _ in chance]
            moves = list(moves_value)
            missing = [f"'{m}'" for m in outcomes if m not in moves]
            extra = [f"'{m}'{did_you_mean(m, outcomes)}" for m in moves if m not in outcomes]
            if missing or extra:
                parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                    [f"not a chance outcome: {', '.join(extra)}"] if extra else []
                )
                msg = (
                    f"the moves of a chance node must be its `chance` outcomes: {'; '.join(parts)}"
                )
                reader.error(raw["moves"], join_path(path, "moves"), msg)
                chance = None
        beliefs = self.beliefs(raw, path, chance)
        children = self.children(node, raw, path)
        if chance is None or children is None or beliefs is None or "infoset" in raw:
            return None
        order = {name: i for i, (name, _) in enumerate(chance)}
        ordered = tuple(sorted(children, key=lambda item: order[item[0]]))
        built = TreeNode(
            chance=chance,
            children=ordered,
            label=label,
            location=node.location(),
            path=path,
            beliefs=beliefs,
        )
        remember_chance_site(built, raw["chance"], cpath)
        return built

    def beliefs(
        self, raw: dict[str, Node], path: str, chance: ChanceMoves | None
    ) -> tuple[tuple[str, ChanceMoves], ...] | None:
        """A chance node's ``beliefs``: player -> own probabilities, outcomes as ``chance``."""
        if "beliefs" not in raw:
            return ()
        bpath = join_path(path, "beliefs")
        read = read_beliefs(
            self.reader, raw["beliefs"], bpath, self.players, self.names, allow_cases=False
        )
        if read is None or chance is None:
            return None
        tables = [(chance, raw["chance"].location(), join_path(path, "chance"))]
        tables += [(c.probabilities, c.location, c.path) for cases in read.values() for c in cases]
        if not same_outcomes(self.reader, tables, "belief"):
            return None
        out = []
        for player, cases in read.items():
            probs = dict(cases[0].probabilities)
            out.append((player, tuple((name, probs[name]) for name, _ in chance)))
        return tuple(out)

    def decision(self, node: Node, raw: dict[str, Node], path: str) -> TreeNode | None:
        reader = self.reader
        reader.mapping(node, path, allowed=_DECISION_KEYS, required=["moves"])
        label = self.label(raw, path)
        ok = "moves" in raw
        ppath = join_path(path, "player")
        player = reader.text(raw["player"], ppath)
        if player is not None and player not in self.players:
            hint = did_you_mean(player, self.players)
            msg = f"unknown player '{player}'{hint}; players are: {', '.join(self.players)}"
            reader.error(raw["player"], ppath, msg)
            player = None
        infoset_ok, infoset = self.infoset(node, raw, path, player)
        if infoset is not None:
            self.above[infoset] = node.line
        children = self.children(node, raw, path) if "moves" in raw else None
        if infoset is not None:
            del self.above[infoset]
        if not (ok and infoset_ok) or children is None or player is None:
            return None
        return TreeNode(
            player=player,
            children=children,
            infoset=infoset,
            label=label,
            location=node.location(),
            path=path,
        )

    def infoset(
        self, node: Node, raw: dict[str, Node], path: str, player: str | None
    ) -> tuple[bool, str | None]:
        """Read and check the infoset label; return ``(ok, label)``."""
        if "infoset" not in raw:
            return True, None
        ipath = join_path(path, "infoset")
        inode = raw["infoset"]
        value = inode.value
        if inode.kind != "scalar" or isinstance(value, bool) or not isinstance(value, str | int):
            self.reader.error(inode, ipath, "an infoset label must be text")
            return False, None
        label = str(value)
        if label in self.above:
            msg = (
                f"information set '{label}' already contains a node above this one "
                f"(line {self.above[label]}); a path cannot pass one information set twice"
            )
            self.reader.error(inode, ipath, msg)
            return False, None
        moves_value = raw["moves"].value if "moves" in raw else None
        if player is None or not isinstance(moves_value, dict):
            return True, label
        moves = frozenset(moves_value)
        if label not in self.infosets:
            self.infosets[label] = (player, moves, node.line)
            return True, label
        first_player, first_moves, first_line = self.infosets[label]
        same = "nodes in one information set must have the same player and the same moves"
        if first_player != player:
            msg = (
                f"information set '{label}' belongs to player '{first_player}' (node at line "
                f"{first_line}), but this node's player is '{player}'; {same}"
            )
        elif first_moves != moves:
            msg = (
                f"information set '{label}' has moves {', '.join(sorted(first_moves))} at the "
                f"node at line {first_line}, but this node has {', '.join(sorted(moves))}; {same}"
            )
        else:
            return True, label
        self.reader.error(inode, ipath, msg)
        return False, None


def read_tree(
    reader: Reader,
    node: Node,
    path: str,
    players: dict[str, Player],
    names: Collection[str],
) -> TreeNode | None:
    """Read and check an explicit game tree.

    Parameters
    ----------
    reader
        Collects located diagnostics.
    node
        The ``tree`` node (the root mapping).
    path
        Its key path, normally ``"tree"``.
    players
        Declared players, in order.
    names
        Parameter names that formulas may use.

    Returns
    -------
    TreeNode or None
        The root, with children built bottom up, or ``None`` if anything
        was wrong (every problem is recorded in ``reader``).
    """
    before = len(reader.diagnostics)
    root = _TreeBuilder(reader, players, names).build(node, path)
    return root if len(reader.diagnostics) == before else None


def check_tree_semantics(
    reader: Reader, root: TreeNode, players: dict[str, Player], env: Env
) -> None:
    """Check chance probabilities and payoffs of a tree at the default parameter values.

    Every chance node's probabilities must be finite, not negative and sum
    to 1; every leaf payoff must be finite. ``players`` is accepted for the
    loader's convenience: :func:`read_tree` already checked that every leaf
    pays every player.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        if node.chance is not None:
            where, cpath = chance_site(node, node.location, join_path(node.path, "chance"))
            check_chance(reader, node.chance, env, where, cpath)
            for player, own in node.beliefs:
                bpath = join_path(join_path(node.path, "beliefs"), player)
                check_chance(reader, own, env, node.location or where, bpath)
        for _, formula in node.payoffs or ():
            try:
                formula.evaluate(env)
            except ScenarioError as exc:
                for diag in exc.diagnostics:
                    reader.error(diag.location, diag.path, diag.message)
        stack.extend(child for _, child in reversed(node.children))
