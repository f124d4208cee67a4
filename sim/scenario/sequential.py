"""Reading and checking the ``sequence`` form of a sequential game.

A sequence is an ordered list of stages: a player's move (``player``) or a
chance move (``chance``). :func:`read_sequence` checks every stage's shape,
ids, ``when`` and ``observes``; :func:`check_sequence_semantics` checks the
numbers at the default parameter values and, for an ``outcomes`` table, that
every complete history has exactly one row. The explicit ``tree`` form lives
in :mod:`sim.scenario.tree` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sim.errors import Location
from sim.scenario.chance import ChanceMoves, chance_site, check_chance, remember_chance_site
from sim.scenario.chance_cases import (
    RawCase,
    check_case_coverage,
    read_beliefs,
    read_cases,
    resolve_cases,
    same_outcomes,
)
from sim.scenario.conditions import conditions, read_conditions
from sim.scenario.histories import (
    MAX_HISTORIES,
    check_outcome_histories,
    enumerate_histories,
    stage_moves,
)
from sim.scenario.model import ChanceCase, Env, Label, OutcomeRow, PayoffRule, Player, Stage, When
from sim.scenario.reader import Reader, did_you_mean, join_path
from sim.scenario.tree import check_tree_semantics, read_tree
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


_PLAYER_KEYS = ("id", "player", "moves", "when", "observes", "description")
_CHANCE_KEYS = ("chance", "outcomes", "beliefs", "when", "description")
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
    cases: list[RawCase] | None = None
    beliefs: dict[str, list[RawCase]] | None = None


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
        _read_chance_head(reader, draft, players, names)
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


def _read_chance_head(
    reader: Reader, draft: _Draft, players: Collection[str], names: Collection[str]
) -> None:
    """Pass 1 of a chance stage: its cases (the first gives the outcomes) and beliefs."""
    raw, path = draft.raw, draft.path
    if "outcomes" in raw:
        draft.cases = read_cases(reader, raw["outcomes"], join_path(path, "outcomes"), names)
    if draft.cases:
        draft.chance = draft.cases[0].probabilities
        draft.moves = tuple(name for name, _ in draft.chance)
    if "beliefs" not in raw:
        draft.beliefs = {}
        return
    draft.beliefs = read_beliefs(reader, raw["beliefs"], join_path(path, "beliefs"), players, names)
    if draft.beliefs and draft.cases:
        first = draft.cases[0]
        tables = [(first.probabilities, first.location, first.path)]
        tables += [(c.probabilities, c.location, c.path) for v in draft.beliefs.values() for c in v]
        if not same_outcomes(reader, tables, "belief or case"):
            draft.beliefs = None


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
) -> tuple[When, tuple[str, ...], Callable[[Node, str], When | None]] | None:
    """Pass 2: read a stage's ``when`` and ``observes`` against the earlier stages.

    Also returns a reader of further ``when`` mappings (conditional chance
    cases) with the same rules.
    """
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

    def read_when(node: Node, path: str) -> When | None:
        return conditions(reader, node, path, earlier, unknown)

    when: When | None = When()
    if "when" in draft.raw:
        when = read_when(draft.raw["when"], join_path(draft.path, "when"))
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
    return when, observes, read_when


def _resolve_chance(
    reader: Reader, draft: _Draft, read_when: Callable[[Node, str], When | None]
) -> tuple[tuple[ChanceCase, ...], tuple[tuple[str, tuple[ChanceCase, ...]], ...]] | None:
    """Pass 2 of a chance stage: the cases' ``when`` (``()`` for a plain mapping) and beliefs."""
    if draft.cases is None or draft.beliefs is None or draft.moves is None:
        return None
    conditional = draft.raw["outcomes"].kind == "seq"
    cases = resolve_cases(reader, draft.cases, draft.moves, read_when) if conditional else ()
    beliefs = []
    for player, raw_cases in draft.beliefs.items():
        resolved = resolve_cases(reader, raw_cases, draft.moves, read_when)
        if resolved is None:
            return None
        beliefs.append((player, resolved))
    return None if cases is None else (cases, tuple(beliefs))


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
        when, observes, read_when = links
        is_chance = draft.chance is not None
        resolved = _resolve_chance(reader, draft, read_when) if is_chance else ((), ())
        if resolved is None:
            continue
        stage = Stage(
            id=draft.id,
            player=draft.player,
            moves=draft.moves,
            chance=draft.chance,
            when=when,
            observes=() if is_chance else observes,
            location=draft.node.location(),
            cases=resolved[0],
            beliefs=resolved[1],
        )
        if is_chance:
            remember_chance_site(stage, draft.raw["outcomes"], join_path(draft.path, "outcomes"))
        stages.append(stage)
    return tuple(stages) if len(reader.diagnostics) == before else None


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
            views = [stage.chance_cases(), *(cases for _, cases in stage.beliefs)]
            for case in (case for view in views for case in view):
                check_chance(
                    reader, case.probabilities, env, case.location or loc, case.path or cpath
                )
    if not stages:
        return
    try:
        histories = enumerate_histories(stages)
    except ValueError as exc:
        reader.error(stages[0].location or Location(reader.filename), "sequence", str(exc))
        return
    for i, stage in enumerate(stages):
        if stage.cases or any(len(cases) > 1 or cases[0].when for _, cases in stage.beliefs):
            loc, cpath = chance_site(stage, stage.location, "sequence")
            reaching = [h for h in enumerate_histories(stages[:i]) if stage.when.holds(h)]
            check_case_coverage(reader, stage, reaching, loc, cpath)
    rows = [(row, None) for row in rules_or_rows or () if isinstance(row, OutcomeRow)]
    if rows:
        check_outcome_histories(reader, rows, histories, stages=stages)
