"""Conditional chance and players' own beliefs about chance.

A chance stage's ``outcomes`` is a mapping ``outcome -> probability`` or a
list of cases ``{when, probabilities}``, the first whose ``when`` holds
applying (an inspection with a detection and a false-alarm rate). ``beliefs``
gives a player's own probabilities in the same forms; a player without an
entry believes ``outcomes`` (non-common priors: each player maximises its
payoff expected under its own beliefs; Harsanyi 1967-68; Morris 1995,
"The common prior assumption in economic theory", *Economics and
Philosophy* 11).

Reading is in two passes, as for the stages themselves: :func:`read_cases`
reads the probabilities (which give the stage its outcomes) and keeps each
case's ``when`` node; :func:`resolve_cases` reads the ``when`` against the
earlier stages once they are known. :func:`check_case_coverage` checks that
every history reaching the stage matches some case.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from sim.errors import Location
from sim.scenario.chance import ChanceMoves, read_chance
from sim.scenario.model import ChanceCase, Stage, When
from sim.scenario.reader import Reader, did_you_mean, join_path
from sim.yamlio import Node

__all__ = [
    "RawCase",
    "check_case_coverage",
    "read_beliefs",
    "read_cases",
    "resolve_cases",
    "same_outcomes",
]

_CASE_KEYS = ("when", "probabilities")
_LIST_UNMATCHED = 3


@dataclass(frozen=True)
class RawCase:
    """A case read in pass 1: its ``when`` node (``None``: always) and probabilities."""

    when: Node | None
    probabilities: ChanceMoves
    location: Location
    path: str


def read_cases(
    reader: Reader, node: Node, path: str, names: Collection[str]
) -> list[RawCase] | None:
    """Read ``outcomes`` (or one player's ``beliefs``): a mapping or a list of cases.

    Returns
    -------
    list of RawCase or None
        One case (``when`` ``None``) for a mapping; ``None`` after recording errors.
    """
    if node.kind != "seq":
        chance = read_chance(reader, node, path, names)
        return None if chance is None else [RawCase(None, chance, node.location(), path)]
    items = reader.sequence(node, path)
    if items is None:
        return None
    cases: list[RawCase] = []
    ok = True
    for i, item in enumerate(items):
        ipath = join_path(path, i)
        raw = reader.mapping(item, ipath, allowed=_CASE_KEYS, required=["probabilities"])
        if raw is None or "probabilities" not in raw:
            ok = False
            continue
        ppath = join_path(ipath, "probabilities")
        chance = read_chance(reader, raw["probabilities"], ppath, names)
        if chance is None:
            ok = False
            continue
        cases.append(RawCase(raw.get("when"), chance, raw["probabilities"].location(), ppath))
    if ok and cases:
        ok = same_outcomes(reader, [(c.probabilities, c.location, c.path) for c in cases])
    return cases if ok else None


def same_outcomes(
    reader: Reader, tables: Sequence[tuple[ChanceMoves, Location, str]], what: str = "case"
) -> bool:
    """Every table must name the outcomes of the first (in any order); report each that does not."""
    first = [name for name, _ in tables[0][0]]
    ok = True
    for chance, loc, path in tables[1:]:
        names = [name for name, _ in chance]
        if sorted(names) != sorted(first):
            msg = (
                f"this {what} has outcomes {', '.join(names)}, but the first has "
                f"{', '.join(first)}; every {what} of a chance move must name the same outcomes"
            )
            reader.error(loc, path, msg)
            ok = False
    return ok


def read_beliefs(
    reader: Reader,
    node: Node,
    path: str,
    players: Collection[str],
    names: Collection[str],
    *,
    allow_cases: bool = True,
) -> dict[str, list[RawCase]] | None:
    """Read ``beliefs: {PLAYER: probabilities or cases}`` (cases only where ``allow_cases``)."""
    mapping = reader.mapping(node, path)
    if mapping is None:
        return None
    out: dict[str, list[RawCase]] = {}
    ok = True
    for player, child in mapping.items():
        ppath = join_path(path, player)
        if player not in players:
            hint = did_you_mean(player, players)
            msg = f"unknown player '{player}'{hint}; players are: {', '.join(players)}"
            reader.error(node.key_location(player), ppath, msg)
            ok = False
            continue
        if child.kind == "seq" and not allow_cases:
            msg = "a tree chance node's beliefs are a mapping outcome -> probability"
            reader.error(child, ppath, msg)
            ok = False
            continue
        cases = read_cases(reader, child, ppath, names)
        if cases is None:
            ok = False
        else:
            out[player] = cases
    return out if ok else None


def resolve_cases(
    reader: Reader,
    cases: Sequence[RawCase],
    order: Sequence[str],
    read_when: Callable[[Node, str], When | None],
) -> tuple[ChanceCase, ...] | None:
    """Pass 2: read each case's ``when`` (``read_when(node, path)``); outcomes put in ``order``."""
    out: list[ChanceCase] = []
    ok = True
    for case in cases:
        when: When | None = When()
        if case.when is not None:
            wpath = case.path.rsplit(".", 1)[0] + ".when"
            when = read_when(case.when, wpath)
        if when is None:
            ok = False
            continue
        probs = dict(case.probabilities)
        ordered = tuple((name, probs[name]) for name in order)
        out.append(ChanceCase(when, ordered, case.location, case.path))
    return tuple(out) if ok else None


def check_case_coverage(
    reader: Reader,
    stage: Stage,
    reaching: Sequence[Mapping[str, str]],
    where: Location,
    path: str,
) -> None:
    """Every history reaching ``stage`` must match a case, for ``outcomes`` and every belief.

    Parameters
    ----------
    reaching
        The histories (stage id -> move) that reach the stage.
    where, path
        Where the error is reported (the stage's ``outcomes``).
    """
    views: list[tuple[str, tuple[ChanceCase, ...]]] = [("outcomes", stage.chance_cases())]
    views += [(f"{player}'s beliefs", cases) for player, cases in stage.beliefs]
    for name, cases in views:
        unmatched = [h for h in reaching if not any(c.when.holds(h) for c in cases)]
        if not unmatched:
            continue
        shown = ["; ".join(f"{k}={v}" for k, v in h.items()) or "(start)" for h in unmatched]
        text = " | ".join(shown[:_LIST_UNMATCHED])
        more = f" and {len(shown) - _LIST_UNMATCHED} more" if len(shown) > _LIST_UNMATCHED else ""
        msg = (
            f"in {name} of chance stage '{stage.id}', no case matches the history {text}{more}; "
            "add a last case without `when`"
        )
        reader.error(where, path, msg)
