"""Reading and checking the ``sequence`` form of a sequential game.

A sequence is an ordered list of stages: a player's move (``player``) or a
chance move (``chance``). :func:`read_sequence` checks every stage's shape,
ids, ``when`` and ``observes``; :func:`check_sequence_semantics` checks the
numbers at the default parameter values and, for an ``outcomes`` table, that
every complete history has exactly one row. The explicit ``tree`` form lives
in :mod:`sim.scenario.tree` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from sim.errors import Location
from sim.scenario.model import Env, Label, OutcomeRow, PayoffRule, Player, Stage, When
from sim.scenario.reader import Reader, did_you_mean, join_path
from sim.scenario.tree import (
    ChanceMoves,
    chance_site,
    check_chance,
    check_tree_semantics,
    read_chance,
    read_tree,
    remember_chance_site,
)
from sim.yamlio import Node

__all__ = [
    "MAX_HISTORIES",
    "check_outcome_histories",
    "check_sequence_semantics",
    "check_tree_semantics",
    "enumerate_histories",
    "read_conditions",
    "read_sequence",
    "read_tree",
    "stage_moves",
]

#: Largest accepted number of complete histories of a sequence.
MAX_HISTORIES = 100_000
#: How many missing histories an error lists before "and N more".
_LIST_MISSING = 5

_PLAYER_KEYS = ("id", "player", "moves", "when", "observes", "description")
_CHANCE_KEYS = ("chance", "outcomes", "when", "description")
_EARLIER = "`when` may only refer to earlier stages"


@dataclass
class _Draft:
    """A stage being read: what pass 1 found out (``None`` where it failed)."""

    node: Node
    raw: dict[str, Node]
    path: str
    id: str | None = None
    id_node: Node | None = None
    player: str | None = None
    moves: tuple[str, ...] | None = None
    chance: ChanceMoves | None = None


# --------------------------------------------------------------------------- conditions


def _conditions(
    reader: Reader,
    node: Node,
    path: str,
    known: Mapping[str, tuple[str, ...] | None],
    unknown: Callable[[str], str],
) -> When | None:
    """Read a ``when`` mapping; ``unknown(key)`` phrases the error for a key not in ``known``."""
    mapping = reader.mapping(node, path)
    if mapping is None:
        return None
    items: list[tuple[str, tuple[str, ...]]] = []
    ok = True
    for key, child in mapping.items():
        kpath = join_path(path, key)
        if key not in known:
            reader.error(node.key_location(key), kpath, unknown(key))
            ok = False
            continue
        values = reader.sequence(child, kpath) if child.kind == "seq" else [child]
        chosen: list[str] = []
        for value_node in values or ():
            move = reader.text(value_node, kpath)
            options = known[key]
            if move is None:
                ok = False
            elif options is not None and move not in options:
                hint = did_you_mean(move, options)
                msg = f"'{key}' has no move '{move}'{hint}; its moves are: "
                reader.error(value_node, kpath, msg + (", ".join(options) or "none"))
                ok = False
            elif move not in chosen:
                chosen.append(move)
        if values is None:
            ok = False
        items.append((key, tuple(chosen)))
    return When(tuple(items)) if ok else None


def read_conditions(
    reader: Reader, node: Node, path: str, known: Mapping[str, tuple[str, ...]], what: str
) -> When | None:
    """Read a ``when`` mapping: key -> a move or a list of moves (any of them).

    Parameters
    ----------
    reader
        Collects located diagnostics.
    node
        The ``when`` mapping node.
    path
        Its key path.
    known
        Allowed keys (player names or stage ids) and their moves; for a
        sequence use :func:`stage_moves`.
    what
        Whose ``when`` this is, for messages: ``"rule"``, ``"label"``, ...

    Returns
    -------
    When or None
        ``None`` after recording errors (unknown key or move, with a
        did-you-mean).
    """

    def unknown(key: str) -> str:
        hint = did_you_mean(key, known)
        return f"unknown key '{key}' in the {what}'s `when`{hint}; it may use: {', '.join(known)}"

    return _conditions(reader, node, path, known, unknown)


# --------------------------------------------------------------------------- stages


def _read_moves(reader: Reader, node: Node, path: str) -> tuple[str, ...] | None:
    items = reader.sequence(node, path)
    if items is None:
        return None
    moves: list[str] = []
    ok = True
    for i, item in enumerate(items):
        move = reader.name(item, join_path(path, i), "move")
        if move is None:
            ok = False
        elif move in moves:
            reader.error(item, join_path(path, i), f"move '{move}' is listed twice")
            ok = False
        else:
            moves.append(move)
    if ok and len(moves) < 2:
        reader.error(
            node, path, f"a stage needs at least two moves to choose from; found {len(moves)}"
        )
        ok = False
    return tuple(moves) if ok else None


def _read_head(
    reader: Reader, node: Node, path: str, players: dict[str, Player], names: Collection[str]
) -> _Draft | None:
    """Pass 1: read a stage's kind, id and moves (not ``when``/``observes``)."""
    if node.kind != "map":
        reader.mapping(node, path)
        return None
    raw: dict[str, Node] = node.value  # type: ignore[assignment]
    draft = _Draft(node, raw, path)
    if "player" in raw and "chance" in raw:
        reader.mapping(node, path, allowed=sorted({*_PLAYER_KEYS, *_CHANCE_KEYS}))
        msg = "a stage has `player` (a player moves) or `chance` (nature moves), not both"
        reader.error(node, path, msg)
        return draft
    if "chance" in raw:
        reader.mapping(node, path, allowed=_CHANCE_KEYS, required=["outcomes"])
        draft.id_node = raw["chance"]
        draft.id = reader.name(raw["chance"], join_path(path, "chance"), "stage")
        if "outcomes" in raw:
            draft.chance = read_chance(reader, raw["outcomes"], join_path(path, "outcomes"), names)
        if draft.chance is not None:
            draft.moves = tuple(name for name, _ in draft.chance)
    elif "player" in raw:
        reader.mapping(node, path, allowed=_PLAYER_KEYS)
        ppath = join_path(path, "player")
        draft.player = reader.text(raw["player"], ppath)
        if draft.player is not None and draft.player not in players:
            hint = did_you_mean(draft.player, players)
            msg = f"unknown player '{draft.player}'{hint}; players are: {', '.join(players)}"
            reader.error(raw["player"], ppath, msg)
            draft.player = None
        if "id" in raw:
            draft.id_node = raw["id"]
            draft.id = reader.name(raw["id"], join_path(path, "id"), "stage")
        elif draft.player is not None:
            draft.id_node, draft.id = raw["player"], draft.player
        if "moves" in raw:
            draft.moves = _read_moves(reader, raw["moves"], join_path(path, "moves"))
        elif draft.player is not None and players[draft.player].moves:
            draft.moves = players[draft.player].moves
        elif draft.player is not None:
            msg = f"stage '{draft.id}' has no `moves`; list {draft.player}'s moves here"
            reader.error(node, path, msg + f" (or under `players: {draft.player}: moves`)")
    else:
        reader.mapping(node, path, allowed=sorted({*_PLAYER_KEYS, *_CHANCE_KEYS}))
        msg = "a stage needs `player` (a player moves) or `chance` (nature moves)"
        reader.error(node, path, msg)
    if "description" in raw:
        reader.text(raw["description"], join_path(path, "description"), allow_empty=True)
    return draft


def _check_ids(reader: Reader, drafts: list[_Draft], players: dict[str, Player]) -> None:
    """Stage ids must be unique and must not be another player's name."""
    seen: dict[str, _Draft] = {}
    for draft in drafts:
        if draft.id is None or draft.id_node is None:
            continue
        where, ipath = draft.id_node, join_path(draft.path, "id" if "id" in draft.raw else "player")
        if "chance" in draft.raw:
            ipath = join_path(draft.path, "chance")
        first = seen.get(draft.id)
        if first is not None:
            msg = f"stage id '{draft.id}' is already used by the stage at line {first.node.line}; "
            if "id" not in draft.raw and "id" not in first.raw and draft.player is not None:
                msg += "a player that moves at two stages needs an `id` on at least one of them"
            else:
                msg += "stage ids must be unique"
            reader.error(where, ipath, msg)
            continue
        seen[draft.id] = draft
        if draft.id in players and draft.player != draft.id:
            msg = f"stage id '{draft.id}' is the name of a player who does not move at this stage;"
            reader.error(where, ipath, msg + " choose another id")


def _read_links(
    reader: Reader,
    draft: _Draft,
    earlier: dict[str, tuple[str, ...] | None],
    later: Collection[str],
) -> tuple[When, tuple[str, ...]] | None:
    """Pass 2: read a stage's ``when`` and ``observes`` against the earlier stages."""
    sid = draft.id

    def describe(key: str, where: str) -> str:
        if key == sid:
            return f"stage '{sid}' refers to itself in `{where}`"
        if key in later:
            return f"stage '{sid}' refers to stage '{key}' in `{where}`, which comes later"
        hint = did_you_mean(key, [*earlier, *later])
        return f"stage '{sid}' refers to unknown stage '{key}' in `{where}`{hint}"

    def unknown(key: str) -> str:
        listed = ", ".join(earlier) if earlier else "none, this is the first stage"
        return f"{describe(key, 'when')}; {_EARLIER} (earlier stages: {listed})"

    when: When | None = When()
    if "when" in draft.raw:
        when = _conditions(
            reader, draft.raw["when"], join_path(draft.path, "when"), earlier, unknown
        )
    observes: tuple[str, ...] | None = tuple(earlier)
    if "observes" in draft.raw and "chance" not in draft.raw:
        opath = join_path(draft.path, "observes")
        items = reader.sequence(draft.raw["observes"], opath, nonempty=False)
        chosen: list[str] = []
        for i, item in enumerate(items or ()):
            ipath = join_path(opath, i)
            key = reader.text(item, ipath)
            if key is None:
                observes = None
            elif key not in earlier:
                msg = f"{describe(key, 'observes')}; a stage can observe only earlier stages"
                reader.error(item, ipath, msg)
                observes = None
            elif key in chosen:
                reader.error(item, ipath, f"stage '{key}' is listed twice")
                observes = None
            else:
                chosen.append(key)
        if items is None:
            observes = None
        elif observes is not None:
            observes = tuple(chosen)
    if when is None or observes is None:
        return None
    return when, observes


def read_sequence(
    reader: Reader,
    node: Node,
    path: str,
    players: dict[str, Player],
    names: Collection[str],
) -> tuple[Stage, ...] | None:
    """Read and check the stages of a ``sequence``.

    Parameters
    ----------
    reader
        Collects located diagnostics.
    node
        The ``sequence`` list node.
    path
        Its key path, normally ``"sequence"``.
    players
        Declared players; a stage without ``moves`` takes its player's moves.
    names
        Parameter names that chance probabilities may use.

    Returns
    -------
    tuple of Stage or None
        The stages in order (``observes`` filled in: by default every earlier
        stage), or ``None`` if anything was wrong. Chance probabilities are
        checked later, by :func:`check_sequence_semantics`.
    """
    before = len(reader.diagnostics)
    items = reader.sequence(node, path)
    if items is None:
        return None
    heads = (
        _read_head(reader, item, join_path(path, i), players, names) for i, item in enumerate(items)
    )
    drafts = [draft for draft in heads if draft is not None]
    _check_ids(reader, drafts, players)
    positions = {d.id: i for i, d in reversed(list(enumerate(drafts))) if d.id is not None}
    stages: list[Stage] = []
    earlier: dict[str, tuple[str, ...] | None] = {}
    for i, draft in enumerate(drafts):
        later = [sid for sid, pos in positions.items() if pos > i]
        links = _read_links(reader, draft, earlier, later)
        if draft.id is not None:
            earlier.setdefault(draft.id, draft.moves)
        if links is None or draft.id is None or draft.moves is None:
            continue
        when, observes = links
        is_chance = draft.chance is not None
        stage = Stage(
            id=draft.id,
            player=draft.player,
            moves=draft.moves,
            chance=draft.chance,
            when=when,
            observes=() if is_chance else observes,
            location=draft.node.location(),
        )
        if is_chance:
            remember_chance_site(stage, draft.raw["outcomes"], join_path(draft.path, "outcomes"))
        stages.append(stage)
    return tuple(stages) if len(reader.diagnostics) == before else None


# --------------------------------------------------------------------------- histories


def stage_moves(stages: Sequence[Stage]) -> dict[str, tuple[str, ...]]:
    """Map each stage id to its moves (a chance stage: its outcomes), in order."""
    return {stage.id: stage.moves for stage in stages}


def enumerate_histories(
    stages: Sequence[Stage], limit: int = MAX_HISTORIES
) -> list[dict[str, str]]:
    """List every complete history: stage id -> move, skipping stages whose ``when`` fails.

    Histories come in lexicographic order of the stages' move order.

    Raises
    ------
    ValueError
        If there are more than ``limit`` histories.
    """
    histories: list[dict[str, str]] = [{}]
    for stage in stages:
        extended: list[dict[str, str]] = []
        for history in histories:
            if stage.when.holds(history):
                extended.extend({**history, stage.id: move} for move in stage.moves)
                if len(extended) > limit:
                    raise ValueError(
                        f"the sequence has more than {limit:,} complete histories; "
                        "remove stages or moves"
                    )
            else:
                extended.append(history)
        histories = extended
    return histories


def _format(history: Mapping[str, str], order: Sequence[str]) -> str:
    keys = [k for k in order if k in history] + [k for k in history if k not in order]
    return ", ".join(f"{k}={history[k]}" for k in keys)


def _row_problem(moves: Mapping[str, str], stages: Sequence[Stage]) -> str | None:
    """Which stage is missing or should not be there (``None`` if neither)."""
    problems = []
    partial: dict[str, str] = {}
    for stage in stages:
        if stage.when.holds(partial):
            if stage.id in moves:
                partial[stage.id] = moves[stage.id]
            else:
                happens = f" (it happens when {stage.when})" if stage.when else ""
                problems.append(f"stage '{stage.id}' is missing{happens}")
        elif stage.id in moves:
            problems.append(
                f"stage '{stage.id}' should not be there: it happens only when {stage.when}"
            )
    return "; ".join(problems) or None


def _row_location(at: Node | Location | None, row: OutcomeRow, filename: str) -> Location:
    """Where a row's ``moves`` were written (its node, its location or the row's own)."""
    if isinstance(at, Node):
        value = at.value
        if isinstance(value, dict) and "moves" in value:
            return value["moves"].location()
        return at.location()
    return at or row.location or Location(filename)


def check_outcome_histories(
    reader: Reader,
    rows_with_nodes: Sequence[tuple[OutcomeRow, Node | Location | None]],
    histories: Sequence[Mapping[str, str]],
    *,
    stages: Sequence[Stage] | None = None,
    where: Node | Location | None = None,
    path: str = "outcomes",
) -> None:
    """Check that an ``outcomes`` table gives every complete history exactly once.

    Parameters
    ----------
    reader
        Collects located diagnostics.
    rows_with_nodes
        Each row with its YAML mapping node, in file order (row ``i`` is then
        reported at ``outcomes[i].moves``), or with a location or ``None``
        (the row's own location; reported at ``outcomes``).
    histories
        Every complete history, from :func:`enumerate_histories`.
    stages
        The stages; when given, a row that is not a complete history is
        explained stage by stage.
    where, path
        Location and path for the "missing outcome" error (default: the
        first row).
    """
    if stages is not None:
        order = [stage.id for stage in stages]
    else:
        order = list(dict.fromkeys(key for history in histories for key in history))
    known = set(order)

    def key(history: Mapping[str, str]) -> tuple[str | None, ...] | None:
        """The history's moves in stage order (``None`` if it names a non-stage)."""
        return tuple(map(history.get, order)) if known.issuperset(history) else None

    complete = {key(h) for h in histories}
    seen: dict[tuple[str | None, ...], int] = {}
    first: Location | None = None
    for i, (row, at) in enumerate(rows_with_nodes):
        rpath = join_path(join_path(path, i), "moves") if isinstance(at, Node) else path
        loc = _row_location(at, row, reader.filename)
        first = first or loc
        moves = dict(row.moves)
        entry = key(moves)
        problem = None
        if entry is None or entry not in complete:
            problem = _row_problem(moves, stages) if stages is not None else None
            problem = problem or "it matches no complete history"
        if problem is not None:
            reader.error(loc, rpath, f"these moves are not a complete history: {problem}")
        elif entry in seen:
            msg = f"history {_format(moves, order)} is repeated (first given on line {seen[entry]})"
            reader.error(loc, rpath, msg + "; every complete history needs exactly one row")
        elif entry is not None:
            seen[entry] = loc.line
    missing = [h for h in histories if key(h) not in seen]
    if missing:
        listed = [f"missing outcome for {_format(h, order)}" for h in missing[:_LIST_MISSING]]
        if len(missing) > _LIST_MISSING:
            listed.append(f"and {len(missing) - _LIST_MISSING} more")
        target = where if where is not None else first or Location(reader.filename)
        reader.error(target, path, "; ".join(listed))


def check_sequence_semantics(
    reader: Reader,
    stages: Sequence[Stage],
    rules_or_rows: Sequence[PayoffRule] | Sequence[OutcomeRow] | None,
    labels: Sequence[Label],
    env: Env,
) -> None:
    """Check a read sequence at the default parameter values.

    Chance probabilities must be finite, not negative and sum to 1 (error at
    the stage's ``outcomes``, printing the sum); the number of complete
    histories must not exceed :data:`MAX_HISTORIES`; an ``outcomes`` table
    (``OutcomeRow`` items, located by ``row.location``) must give every
    complete history exactly once (see :func:`check_outcome_histories`).
    Payoff rules and labels need nothing beyond :func:`read_conditions`.
    """
    for stage in stages:
        if stage.chance is not None:
            loc, cpath = chance_site(stage, stage.location, "sequence")
            check_chance(reader, stage.chance, env, loc, cpath)
    if not stages:
        return
    try:
        histories = enumerate_histories(stages)
    except ValueError as exc:
        reader.error(stages[0].location or Location(reader.filename), "sequence", str(exc))
        return
    rows = [(row, None) for row in rules_or_rows or () if isinstance(row, OutcomeRow)]
    if rows:
        check_outcome_histories(reader, rows, histories, stages=stages)
