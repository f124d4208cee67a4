"""Complete histories of a ``sequence`` and the check of an ``outcomes`` table against them.

A complete history maps each stage that happened to its outcome; a stage
whose ``when`` fails is skipped (see ``docs/scenario_format.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sim.errors import Location
from sim.scenario.model import OutcomeRow, Stage
from sim.scenario.reader import Reader, join_path
from sim.yamlio import Node

__all__ = [
    "MAX_HISTORIES",
    "check_outcome_histories",
    "enumerate_histories",
    "format_history",
    "stage_moves",
]

#: Largest accepted number of complete histories of a sequence.
MAX_HISTORIES = 100_000
#: How many missing histories an error lists before "and N more".
_LIST_MISSING = 5


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


def format_history(history: Mapping[str, str], order: Sequence[str]) -> str:
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
            text = format_history(moves, order)
            msg = f"history {text} is repeated (first given on line {seen[entry]})"
            reader.error(loc, rpath, msg + "; every complete history needs exactly one row")
        elif entry is not None:
            seen[entry] = loc.line
    missing = [h for h in histories if key(h) not in seen]
    if missing:
        listed = [
            f"missing outcome for {format_history(h, order)}" for h in missing[:_LIST_MISSING]
        ]
        if len(missing) > _LIST_MISSING:
            listed.append(f"and {len(missing) - _LIST_MISSING} more")
        target = where if where is not None else first or Location(reader.filename)
        reader.error(target, path, "; ".join(listed))
