"""Load a scenario file into a checked :class:`~sim.scenario.model.Scenario`.

The loader reads the file safely (see :mod:`sim.yamlio`), checks every key
against ``SCENARIO_FORMAT.md`` and reports all problems it finds as located
diagnostics in one :class:`~sim.errors.ScenarioError`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from sim.errors import Diagnostic, ScenarioError
from sim.scenario import payoff_forms as pf
from sim.scenario import sequential as seq
from sim.scenario.bundled import resolve_scenario
from sim.scenario.model import Formula, Player, Scenario, TreeNode
from sim.scenario.negotiation import check_values as check_negotiation
from sim.scenario.negotiation import formulas as negotiation_formulas
from sim.scenario.negotiation_reader import read_negotiation
from sim.scenario.parameters import parameter_env
from sim.scenario.params_reader import read_parameters
from sim.scenario.payoffs import check_payoff_sizes, payoff_tensor
from sim.scenario.reader import Reader, join_path
from sim.scenario.settings_reader import read_analysis, read_solve
from sim.yamlio import Node, load_yaml, read_yaml_file

__all__ = ["MAX_PROFILES", "load_scenario", "load_scenario_text"]

TOP_KEYS = (
    "name", "description", "source", "parameters", "players", "payoffs", "outcomes", "matrix",
    "zero_sum", "payoff_scale", "sequence", "tree", "labels", "solve", "analysis", "negotiation",
)  # fmt: skip
PLAYER_KEYS = ("moves", "description")

#: Simultaneous games with more pure profiles than this are refused.
MAX_PROFILES = 10_000_000


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """Load a scenario from a path or the name of a bundled scenario.

    Raises
    ------
    ScenarioError
        With every problem found, each located in the file.
    """
    path = resolve_scenario(name_or_path)
    root = read_yaml_file(path)
    return _build(root, str(name_or_path) if Path(name_or_path).exists() else str(path))


def load_scenario_text(text: str, filename: str = "<string>") -> Scenario:
    """Load a scenario from YAML text (``filename`` is used in messages)."""
    return _build(load_yaml(text, filename), filename)


def _build(root: Node, filename: str) -> Scenario:
    reader = Reader(filename)
    result = reader.run(_read_all, reader, root, filename)
    reader.raise_if_errors()
    assert isinstance(result, Scenario)
    reader.run(_check_values, reader, result)
    reader.raise_if_errors()
    warnings = range_warnings(result)
    return replace(result, warnings=warnings) if warnings else result


def _read_all(reader: Reader, root: Node, filename: str) -> Scenario | None:
    top = reader.mapping(root, "", allowed=TOP_KEYS, required=("name", "players"))
    if top is None:
        return None
    params = read_parameters(reader, top.get("parameters"))
    names = [p.name for p in params]
    sequential = "sequence" in top or "tree" in top
    players = _read_players(reader, top.get("players"), sequential)
    zero_sum = _flag(reader, top, "zero_sum")
    scale = _payoff_scale(reader, top.get("payoff_scale"))
    settings: dict[str, Any] = {
        "solve": read_solve(reader, top.get("solve")),
        "analysis": read_analysis(reader, top.get("analysis"), names),
        "name": reader.text(top["name"], "name") if "name" in top else None,
        "description": _text(reader, top, "description"),
        "source": _text(reader, top, "source"),
    }
    forms_ok = _check_forms(reader, root, top, sequential)
    if zero_sum and players is not None and len(players) != 2:
        reader.error(top["zero_sum"], "zero_sum", "zero_sum is for two-player games")
    if players is None or not forms_ok:
        if players is not None:
            pf.read_labels(reader, top.get("labels"), {p.name: p.moves for p in players.values()})
        return None
    body = _read_body(reader, top, players, names, zero_sum, sequential)
    return Scenario(
        players=tuple(players.values()),
        parameters=params,
        path=filename,
        zero_sum=zero_sum,
        payoff_scale=scale,  # type: ignore[arg-type]
        key_locations=tuple((k, root.key_location(k)) for k in top),
        **settings,  # type: ignore[arg-type]
        **body,
    )


def _read_body(
    reader: Reader,
    top: Mapping[str, Node],
    players: dict[str, Player],
    names: list[str],
    zero_sum: bool,
    sequential: bool,
) -> dict[str, Any]:
    """Read the payoff form(s), game structure and labels."""
    order = list(players)
    body: dict[str, Any] = {}
    if "tree" in top:
        body["tree"] = seq.read_tree(reader, top["tree"], "tree", players, names)
        known = _tree_moves(body["tree"]) if body["tree"] is not None else {}
    elif sequential:
        stages = seq.read_sequence(reader, top["sequence"], "sequence", players, names)
        body["sequence"] = stages
        known = seq.stage_moves(stages) if stages is not None else {}
    else:
        known = {p.name: p.moves for p in players.values()}
        if not _small_enough(reader, top, players):
            return body
    if sequential and not known:
        return body
    if "payoffs" in top:
        body["payoff_rules"] = pf.read_rules(reader, top["payoffs"], known, order, names)
    if "outcomes" in top:
        rows = pf.read_outcome_rows(reader, top["outcomes"], list(known), known, order, names)
        if rows is not None and not sequential and _small_enough(reader, top, players):
            pf.check_profiles(reader, top["outcomes"], rows, list(players.values()))
        body["outcomes"] = rows
    if "matrix" in top:
        body["matrix"] = pf.read_matrix(
            reader, top["matrix"], list(players.values()), names, zero_sum=zero_sum
        )
    body["labels"] = pf.read_labels(reader, top.get("labels"), known)
    body["negotiation"] = read_negotiation(reader, top.get("negotiation"), order, known, names)
    return body


def _tree_moves(root: TreeNode) -> dict[str, tuple[str, ...]]:
    """For labels in a tree game: each player's moves anywhere in the tree."""
    found: dict[str, list[str]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.player is not None:
            moves = found.setdefault(node.player, [])
            moves.extend(m for m in node.moves if m not in moves)
        stack.extend(child for _, child in node.children)
    return {k: tuple(v) for k, v in found.items()}


def _read_players(reader: Reader, node: Node | None, sequential: bool) -> dict[str, Player] | None:
    if node is None:
        return None
    entries = reader.mapping(node, "players")
    if entries is None:
        return None
    if not entries:
        reader.error(node, "players", "name at least one player")
        return None
    players: dict[str, Player] = {}
    for name, child in entries.items():
        player = _read_player(reader, name, child, join_path("players", name), sequential)
        if player is not None:
            players[name] = player
    if len(players) != len(entries):
        return None
    if not sequential and len(players) < 2:
        reader.error(node, "players", "a simultaneous game needs at least two players")
    return players


def _read_player(
    reader: Reader, name: str, node: Node, path: str, sequential: bool
) -> Player | None:
    if not name.strip():
        reader.error(node, path, "player names must not be blank")
        return None
    if node.value is None and sequential:
        return Player(name)
    fields = reader.mapping(
        node, path, allowed=PLAYER_KEYS, required=() if sequential else ("moves",)
    )
    if fields is None or ("moves" not in fields and not sequential):
        return None  # already reported; a player without moves would only cause follow-on errors
    moves: tuple[str, ...] | None = ()
    if "moves" in fields:
        moves = _read_moves(reader, fields["moves"], join_path(path, "moves"), sequential)
    desc = _text(reader, fields, "description")
    return Player(name, moves, desc) if moves is not None else None


def _read_moves(reader: Reader, node: Node, path: str, sequential: bool) -> tuple[str, ...] | None:
    items = reader.sequence(node, path)
    if items is None:
        return None
    moves: list[str] = []
    for i, item in enumerate(items):
        move = reader.name(item, join_path(path, i), "move")
        if move is None:
            return None
        if move in moves:
            reader.error(item, join_path(path, i), f"move '{move}' is listed twice")
            return None
        moves.append(move)
    if len(moves) < 2 and not sequential:
        reader.error(node, path, "a player needs at least two moves")
        return None
    return tuple(moves)


def _check_forms(reader: Reader, root: Node, top: Mapping[str, Node], sequential: bool) -> bool:
    """Exactly one way of giving payoffs, fitting the kind of game; False if not."""
    before = len(reader.diagnostics)
    _forms_problems(reader, root, top, sequential)
    return len(reader.diagnostics) == before


def _forms_problems(reader: Reader, root: Node, top: Mapping[str, Node], sequential: bool) -> None:
    forms = [k for k in ("payoffs", "outcomes", "matrix") if k in top]
    if "sequence" in top and "tree" in top:
        reader.error(root.key_location("tree"), "tree", "give either sequence or tree, not both")
    elif "tree" in top and forms:
        key = forms[0]
        reader.error(
            root.key_location(key), key, f"a tree carries its payoffs at its leaves; remove '{key}'"
        )
    elif "sequence" in top and "matrix" in top:
        reader.error(
            root.key_location("matrix"),
            "matrix",
            "the matrix form is for simultaneous games; use payoffs or outcomes",
        )
    elif len(forms) > 1:
        reader.error(
            root.key_location(forms[1]),
            forms[1],
            f"give payoffs one way only: found {' and '.join(forms)}",
        )
    elif not forms and "tree" not in top:
        where = "sequence" if sequential else "players"
        reader.error(
            root,
            "",
            f"no payoffs: add one of payoffs, outcomes"
            f"{'' if sequential else ' or matrix'} (game described by {where})",
        )


def _check_values(reader: Reader, scenario: Scenario) -> None:
    """Checks that need numbers: finite values at the defaults, complete tables, sizes."""
    try:
        env = parameter_env(scenario.parameters)
    except ScenarioError as exc:
        for d in exc.diagnostics:
            reader.error(d.location, d.path, d.message)
        return
    for formula in _formulas(scenario):
        try:
            formula.evaluate(env)
        except ScenarioError as exc:
            d = exc.diagnostics[0]
            reader.error(d.location, d.path, d.message)
    if scenario.negotiation is not None and not reader.diagnostics:
        for problem in check_negotiation(scenario.negotiation, env):
            for d in problem.diagnostics:
                reader.error(d.location, d.path, d.message)
    if scenario.kind == "simultaneous" and scenario.zero_sum and not reader.diagnostics:
        _record(reader, payoff_tensor, scenario, env)
    elif scenario.kind == "simultaneous" and not reader.diagnostics:
        _record(reader, check_payoff_sizes, scenario, env)
    if scenario.sequence is not None:
        rows = scenario.payoff_rules if scenario.payoff_rules is not None else scenario.outcomes
        seq.check_sequence_semantics(reader, scenario.sequence, rows or (), scenario.labels, env)
    elif scenario.tree is not None:
        seq.check_tree_semantics(reader, scenario.tree, _player_map(scenario), env)


def range_warnings(scenario: Scenario) -> tuple[Diagnostic, ...]:
    """A warning for each parameter whose value lies outside its own range.

    The file still loads (the contract allows it), but sweeps, flip points and
    the tornado move the parameter across its range only, so the current
    value is not among the points they show.
    """
    env = parameter_env(scenario.parameters)
    found = []
    for param in scenario.parameters:
        if param.range is None:
            continue
        low, high = param.range
        value = float(env[param.name])
        slack = 1e-9 * max(1.0, abs(low), abs(high))
        if not low - slack <= value <= high + slack:
            message = (
                f"warning: value {value:g} is outside its range [{low:g}, {high:g}] "
                "(sweeps and the tornado stay inside the range); change the value or "
                "widen the range"
            )
            found.append(Diagnostic(param.formula.location, param.formula.path, message))
    return tuple(found)


def _record(reader: Reader, func, *args) -> None:  # type: ignore[no-untyped-def]
    """Call ``func``; record the diagnostics of a ScenarioError it raises."""
    try:
        func(*args)
    except ScenarioError as exc:
        for d in exc.diagnostics:
            reader.error(d.location, d.path, d.message)


def _small_enough(reader: Reader, top: Mapping[str, Node], players: dict[str, Player]) -> bool:
    """Refuse simultaneous games too large to hold in memory."""
    size = math.prod(len(p.moves) for p in players.values())
    if size > MAX_PROFILES:
        counts = " x ".join(str(len(p.moves)) for p in players.values())
        reader.error(
            top["players"],
            "players",
            f"the game has {counts} = {size:,} pure profiles; sim handles at most {MAX_PROFILES:,}",
        )
        return False
    return True


def _formulas(scenario: Scenario) -> Iterator[Formula]:
    for rule in scenario.payoff_rules or ():
        yield from (f for _, f in rule.add)
    for row in scenario.outcomes or ():
        yield from (f for _, f in row.payoffs)
    for cells in scenario.matrix or ():
        for cell in cells:
            yield from cell
    if scenario.negotiation is not None:
        yield from negotiation_formulas(scenario.negotiation)


def _player_map(scenario: Scenario) -> dict[str, Player]:
    return {p.name: p for p in scenario.players}


def _flag(reader: Reader, top: Mapping[str, Node], key: str) -> bool:
    if key not in top:
        return False
    return bool(reader.boolean(top[key], key))


def _payoff_scale(reader: Reader, node: Node | None) -> str:
    if node is None:
        return "cardinal"
    value = reader.text(node, "payoff_scale")
    if value is not None and value not in ("cardinal", "ordinal"):
        reader.error(node, "payoff_scale", f"expected cardinal or ordinal, found '{value}'")
    return value if value in ("cardinal", "ordinal") else "cardinal"


def _text(reader: Reader, fields: Mapping[str, Node], key: str) -> str:
    if key not in fields:
        return ""
    return reader.text(fields[key], key, allow_empty=True) or ""
