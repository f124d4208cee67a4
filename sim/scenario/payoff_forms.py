"""Reading the three payoff forms (rules, outcome table, matrix) and labels."""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Mapping, Sequence

from sim.scenario.model import Formula, Label, OutcomeRow, PayoffRule, Player, When
from sim.scenario.reader import Reader, did_you_mean, join_path
from sim.scenario.sequential import read_conditions
from sim.yamlio import Node

__all__ = [
    "check_profiles",
    "read_labels",
    "read_matrix",
    "read_outcome_rows",
    "read_payoff_map",
    "read_rules",
]

#: Listing more missing profiles than this is noise; the count says the rest.
MAX_LISTED = 5


def read_payoff_map(
    reader: Reader,
    node: Node,
    path: str,
    players: Sequence[str],
    names: Collection[str],
    *,
    complete: bool,
) -> tuple[tuple[str, Formula], ...] | None:
    """Read ``{player: number or expression}``; ``complete`` requires every player."""
    entries = reader.mapping(node, path)
    if entries is None:
        return None
    result: list[tuple[str, Formula]] = []
    for player, child in entries.items():
        sub = join_path(path, player)
        if player not in players:
            hint = did_you_mean(player, players)
            reader.error(node.key_location(player), sub, f"unknown player '{player}'{hint}")
            continue
        formula = reader.formula(child, sub, names)
        if formula is not None:
            result.append((player, formula))
    if complete:
        missing = [p for p in players if p not in entries]
        if missing:
            reader.error(node, path, f"no payoff for {', '.join(missing)}; every player needs one")
    return tuple(result)


def read_rules(
    reader: Reader,
    node: Node,
    known: Mapping[str, tuple[str, ...]],
    players: Sequence[str],
    names: Collection[str],
) -> tuple[PayoffRule, ...] | None:
    """Read the additive ``payoffs`` rules; ``known`` maps condition keys to their moves."""
    items = reader.sequence(node, "payoffs")
    if items is None:
        return None
    rules: list[PayoffRule] = []
    for i, item in enumerate(items):
        path = join_path("payoffs", i)
        fields = reader.mapping(item, path, allowed=("label", "when", "add"), required=("add",))
        if fields is None or "add" not in fields:
            continue
        when: When | None = When()
        if "when" in fields:
            when = read_conditions(reader, fields["when"], join_path(path, "when"), known, "rule")
        add = read_payoff_map(
            reader, fields["add"], join_path(path, "add"), players, names, complete=False
        )
        label = _optional_text(reader, fields, "label", path)
        if when is not None and add is not None:
            rules.append(PayoffRule(when, add, label, item.location()))
    return tuple(rules)


def read_outcome_rows(
    reader: Reader,
    node: Node,
    keys: Sequence[str],
    known: Mapping[str, tuple[str, ...]],
    players: Sequence[str],
    names: Collection[str],
) -> tuple[OutcomeRow, ...] | None:
    """Read the ``outcomes`` table. ``keys`` are the condition keys a full row may name."""
    items = reader.sequence(node, "outcomes")
    if items is None:
        return None
    rows: list[OutcomeRow] = []
    for i, item in enumerate(items):
        path = join_path("outcomes", i)
        fields = reader.mapping(
            item, path, allowed=("moves", "payoffs", "label"), required=("moves", "payoffs")
        )
        if fields is None or "moves" not in fields or "payoffs" not in fields:
            continue
        moves = _row_moves(reader, fields["moves"], join_path(path, "moves"), known)
        pay = read_payoff_map(
            reader, fields["payoffs"], join_path(path, "payoffs"), players, names, complete=True
        )
        label = _optional_text(reader, fields, "label", path)
        if moves is not None and pay is not None:
            rows.append(OutcomeRow(moves, pay, label, item.location()))
    return tuple(rows)


def _row_moves(
    reader: Reader, node: Node, path: str, known: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[str, str], ...] | None:
    entries = reader.mapping(node, path)
    if entries is None:
        return None
    result: list[tuple[str, str]] = []
    ok = True
    for key, child in entries.items():
        sub = join_path(path, key)
        if key not in known:
            reader.error(node.key_location(key), sub, f"unknown '{key}'{did_you_mean(key, known)}")
            ok = False
            continue
        move = reader.text(child, sub)
        if move is not None and move not in known[key]:
            hint = did_you_mean(move, known[key])
            reader.error(child, sub, f"'{key}' has no move '{move}'{hint}")
            ok = False
        elif move is not None:
            result.append((key, move))
    return tuple(result) if ok else None


def check_profiles(
    reader: Reader, node: Node, rows: Sequence[OutcomeRow], players: Sequence[Player]
) -> None:
    """Every pure profile appears exactly once; missing and repeated ones are listed."""
    names = [p.name for p in players]
    seen: dict[tuple[str, ...], OutcomeRow] = {}
    for row in rows:
        moves = dict(row.moves)
        missing = [n for n in names if n not in moves]
        where = row.location or node.location()
        if missing:
            reader.error(where, "outcomes", f"row names no move for {', '.join(missing)}")
            continue
        profile = tuple(moves[n] for n in names)
        if profile in seen:
            first = seen[profile].location
            line = f" (first given on line {first.line})" if first else ""
            reader.error(where, "outcomes", f"profile {_show(names, profile)} is repeated{line}")
        seen[profile] = row
    total = math.prod(len(p.moves) for p in players)
    if len(seen) >= total:
        return
    absent = (prof for prof in itertools.product(*(p.moves for p in players)) if prof not in seen)
    listed = list(itertools.islice(absent, MAX_LISTED))
    more = total - len(seen) - len(listed)
    text = "; ".join(_show(names, prof) for prof in listed)
    tail = f"; and {more} more" if more > 0 else ""
    reader.error(node, "outcomes", f"missing outcome for {text}{tail}")


def _show(names: Sequence[str], profile: Sequence[str]) -> str:
    return ", ".join(f"{n}={m}" for n, m in zip(names, profile, strict=True))


def read_matrix(
    reader: Reader,
    node: Node,
    players: Sequence[Player],
    names: Collection[str],
    *,
    zero_sum: bool,
) -> tuple[tuple[tuple[Formula, ...], ...], ...] | None:
    """Read the two-player ``matrix`` shorthand.

    Rows are the first player's moves and columns the second's. A cell holds
    ``[row payoff, column payoff]``, or with ``zero_sum`` a single number (the
    row player's payoff). The result holds one formula per player per cell
    (zero-sum cells hold only the row player's formula).
    """
    if len(players) != 2:
        reader.error(
            node,
            "matrix",
            f"the matrix form is for 2 players; this game has "
            f"{len(players)}: use payoffs or outcomes",
        )
        return None
    rows = reader.sequence(node, "matrix")
    if rows is None:
        return None
    row_moves = players[0].moves
    if len(rows) != len(row_moves):
        reader.error(
            node,
            "matrix",
            f"{len(rows)} rows, but {players[0].name} has "
            f"{len(row_moves)} moves ({', '.join(row_moves)})",
        )
    table: list[tuple[tuple[Formula, ...], ...]] = []
    for i, row in enumerate(rows):
        cells = _matrix_row(reader, row, join_path("matrix", i), players, names, zero_sum)
        if cells is not None:
            table.append(cells)
    if len(table) != len(rows) or len(rows) != len(row_moves):
        return None
    return tuple(table)


def _matrix_row(
    reader: Reader,
    row: Node,
    path: str,
    players: Sequence[Player],
    names: Collection[str],
    zero_sum: bool,
) -> tuple[tuple[Formula, ...], ...] | None:
    cells = reader.sequence(row, path)
    if cells is None:
        return None
    n_cols = len(players[1].moves)
    if len(cells) != n_cols:
        reader.error(
            row,
            path,
            f"{len(cells)} cells, but {players[1].name} has {n_cols} moves "
            f"({', '.join(players[1].moves)}); every row needs one cell per move",
        )
        return None
    out: list[tuple[Formula, ...]] = []
    for j, cell in enumerate(cells):
        parsed = _matrix_cell(reader, cell, join_path(path, j), names, zero_sum)
        if parsed is None:
            return None
        out.append(parsed)
    return tuple(out)


def _matrix_cell(
    reader: Reader, cell: Node, path: str, names: Collection[str], zero_sum: bool
) -> tuple[Formula, ...] | None:
    if cell.kind == "scalar":
        if not zero_sum:
            reader.error(
                cell,
                path,
                "expected [row payoff, column payoff]; a single number is "
                "only allowed with zero_sum: true",
            )
            return None
        formula = reader.formula(cell, path, names)
        return (formula,) if formula is not None else None
    values = reader.sequence(cell, path)
    if values is None:
        return None
    if len(values) != 2:
        reader.error(
            cell,
            path,
            f"expected [row payoff, column payoff], found {len(values)} "
            f"value{'s' * (len(values) != 1)}",
        )
        return None
    pair = [reader.formula(v, join_path(path, k), names) for k, v in enumerate(values)]
    if pair[0] is None or pair[1] is None:
        return None
    return (pair[0], pair[1])


def read_labels(
    reader: Reader, node: Node | None, known: Mapping[str, tuple[str, ...]]
) -> tuple[Label, ...]:
    """Read ``labels``: ``[{when: ..., name: ...}]``; the first match names an outcome."""
    if node is None:
        return ()
    items = reader.sequence(node, "labels", nonempty=False)
    labels: list[Label] = []
    for i, item in enumerate(items or []):
        path = join_path("labels", i)
        fields = reader.mapping(item, path, allowed=("when", "name"), required=("name",))
        if fields is None or "name" not in fields:
            continue
        name = reader.text(fields["name"], join_path(path, "name"))
        when: When | None = When()
        if "when" in fields:
            when = read_conditions(reader, fields["when"], join_path(path, "when"), known, "label")
        if name is not None and when is not None:
            labels.append(Label(when, name))
    return tuple(labels)


def _optional_text(reader: Reader, fields: Mapping[str, Node], key: str, path: str) -> str | None:
    if key not in fields:
        return None
    return reader.text(fields[key], join_path(path, key))
