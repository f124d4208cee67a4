"""Reading the optional ``negotiation`` section into a :class:`Negotiation`.

Structure and names are checked here, with located diagnostics; numbers
(which may be expressions) are checked at the default parameter values by
:func:`sim.scenario.negotiation.check_values`, called from the loader.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sim.scenario.model import Formula
from sim.scenario.negotiation import Disagreement, Negotiation, Transfer
from sim.scenario.reader import Reader, did_you_mean, join_path
from sim.scenario.sequential import read_conditions
from sim.yamlio import Node

__all__ = ["NEGOTIATION_KEYS", "SELECT_RULES", "read_negotiation"]

NEGOTIATION_KEYS = (
    "parties",
    "disagreement",
    "select",
    "lotteries",
    "power",
    "transfers",
    "discount",
    "first",
)
TRANSFER_KEYS = ("from", "to", "max", "rate")
#: Rules that pick one equilibrium where the game's prediction is not unique.
SELECT_RULES = ("payoff_dominant", "risk_dominant", "logit_limit")
PATH = "negotiation"


def read_negotiation(
    reader: Reader,
    node: Node | None,
    players: Sequence[str],
    known: Mapping[str, tuple[str, ...]],
    names: Collection[str],
) -> Negotiation | None:
    """Read ``negotiation``; ``None`` when absent or after recording errors.

    Parameters
    ----------
    reader
        Collects located diagnostics.
    node
        The section's node, or ``None`` when the file has none.
    players
        Player names in order.
    known
        Keys a ``when`` may use (players, or stage ids in a sequence) and their moves.
    names
        Parameter names expressions may use.
    """
    if node is None:
        return None
    fields = reader.mapping(node, PATH, allowed=NEGOTIATION_KEYS)
    if fields is None:
        return None
    before = len(reader.diagnostics)
    parties = _read_parties(reader, fields.get("parties"), players)
    clean = len(reader.diagnostics) == before
    bargainers = list(parties) if parties and clean else list(players)
    disagreement = _read_disagreement(reader, fields.get("disagreement"), bargainers, known, names)
    result = Negotiation(
        parties=parties,
        disagreement=disagreement,
        select=_read_select(reader, fields.get("select")),
        lotteries=_read_flag(reader, fields, "lotteries"),
        power=_party_numbers(reader, fields.get("power"), "power", bargainers, names, False),
        transfers=_read_transfers(reader, fields.get("transfers"), bargainers, names),
        discount=_party_numbers(
            reader, fields.get("discount"), "discount", bargainers, names, True
        ),
        first=_read_first(reader, fields.get("first"), bargainers),
        location=node.location(),
    )
    return result if len(reader.diagnostics) == before else None


def _party(reader: Reader, node: Node, path: str, parties: Sequence[str]) -> str | None:
    name = reader.text(node, path)
    if name is not None and name not in parties:
        reader.error(
            node,
            path,
            f"'{name}' is not a party{did_you_mean(name, parties)}; parties: " + ", ".join(parties),
        )
        return None
    return name


def _read_parties(reader: Reader, node: Node | None, players: Sequence[str]) -> tuple[str, ...]:
    if node is None:
        return ()
    path = join_path(PATH, "parties")
    items = reader.sequence(node, path)
    if items is None:
        return ()
    found: list[str] = []
    for i, item in enumerate(items):
        sub = join_path(path, i)
        name = reader.text(item, sub)
        if name is None:
            continue
        if name not in players:
            hint = did_you_mean(name, players)
            reader.error(item, sub, f"unknown player '{name}'{hint}; players: {', '.join(players)}")
        elif name in found:
            reader.error(item, sub, f"'{name}' is listed twice")
        else:
            found.append(name)
    if len(found) == len(items) and len(found) < 2:
        reader.error(node, path, "a negotiation needs at least two parties")
    return tuple(found)


def _read_disagreement(
    reader: Reader,
    node: Node | None,
    parties: Sequence[str],
    known: Mapping[str, tuple[str, ...]],
    names: Collection[str],
) -> Disagreement:
    if node is None:
        return Disagreement()
    path = join_path(PATH, "disagreement")
    if node.kind == "scalar":
        word = reader.text(node, path)
        if word in ("equilibrium", "security"):
            return Disagreement(word, location=node.location())  # type: ignore[arg-type]
        if word is not None:
            reader.error(
                node,
                path,
                f"expected equilibrium, security, numbers for each party or {{when: ...}}, "
                f"found '{word}'{did_you_mean(word, ('equilibrium', 'security'))}",
            )
        return Disagreement()
    entries = reader.mapping(node, path)
    if entries is None:
        return Disagreement()
    if "when" in entries:
        return _disagreement_when(reader, node, entries, path, known)
    numbers = _party_numbers(reader, node, "disagreement", parties, names, True)
    return Disagreement("numbers", numbers, location=node.location())


def _disagreement_when(
    reader: Reader,
    node: Node,
    entries: Mapping[str, Node],
    path: str,
    known: Mapping[str, tuple[str, ...]],
) -> Disagreement:
    for key in entries:
        if key != "when":
            reader.error(
                node.key_location(key),
                join_path(path, key),
                "a disagreement outcome is given by `when` alone",
            )
    sub = join_path(path, "when")
    when = read_conditions(reader, entries["when"], sub, known, "disagreement")
    if when is None:
        return Disagreement()
    if not when:
        reader.error(entries["when"], sub, "name at least one move")
    for key, moves in when.items:
        if len(moves) != 1:
            reader.error(entries["when"], join_path(sub, key), "name exactly one move")
    return Disagreement("outcome", when=when, location=node.location())


def _read_select(reader: Reader, node: Node | None) -> str:
    if node is None:
        return "payoff_dominant"
    path = join_path(PATH, "select")
    rule = reader.text(node, path)
    if rule is not None and rule not in SELECT_RULES:
        extra = " ('all' does not pick one response)" if rule == "all" else ""
        reader.error(
            node,
            path,
            f"unknown rule '{rule}'{did_you_mean(rule, SELECT_RULES)}{extra}; "
            f"known: {', '.join(SELECT_RULES)}",
        )
    return rule if rule in SELECT_RULES else "payoff_dominant"


def _read_flag(reader: Reader, fields: Mapping[str, Node], key: str) -> bool:
    if key not in fields:
        return True
    value = reader.boolean(fields[key], join_path(PATH, key))
    return True if value is None else value


def _party_numbers(
    reader: Reader,
    node: Node | None,
    key: str,
    parties: Sequence[str],
    names: Collection[str],
    complete: bool,
) -> tuple[tuple[str, Formula], ...]:
    """Read ``{party: number or expression}``; ``complete`` requires every party."""
    if node is None:
        return ()
    path = join_path(PATH, key)
    entries = reader.mapping(node, path)
    if entries is None:
        return ()
    found: list[tuple[str, Formula]] = []
    for name, child in entries.items():
        sub = join_path(path, name)
        if name not in parties:
            hint = did_you_mean(name, parties)
            reader.error(
                node.key_location(name),
                sub,
                f"'{name}' is not a party{hint}; parties: " + ", ".join(parties),
            )
            continue
        formula = reader.formula(child, sub, names)
        if formula is not None:
            found.append((name, formula))
    missing = [p for p in parties if p not in entries]
    if complete and missing:
        reader.error(node, path, f"no value for {', '.join(missing)}; every party needs one")
    return tuple(found)


def _read_transfers(
    reader: Reader, node: Node | None, parties: Sequence[str], names: Collection[str]
) -> tuple[Transfer, ...]:
    if node is None:
        return ()
    path = join_path(PATH, "transfers")
    items = reader.sequence(node, path, nonempty=False)
    transfers: list[Transfer] = []
    for i, item in enumerate(items or []):
        transfer = _read_transfer(reader, item, join_path(path, i), parties, names)
        if transfer is not None:
            transfers.append(transfer)
    return tuple(transfers)


def _read_transfer(
    reader: Reader, node: Node, path: str, parties: Sequence[str], names: Collection[str]
) -> Transfer | None:
    fields = reader.mapping(node, path, allowed=TRANSFER_KEYS, required=("from", "to"))
    if fields is None or "from" not in fields or "to" not in fields:
        return None
    source = _party(reader, fields["from"], join_path(path, "from"), parties)
    target = _party(reader, fields["to"], join_path(path, "to"), parties)
    if source is not None and source == target:
        reader.error(fields["to"], join_path(path, "to"), "a transfer needs two different parties")
        return None
    cap = _optional_formula(reader, fields, "max", path, names)
    rate = _optional_formula(reader, fields, "rate", path, names)
    if source is None or target is None:
        return None
    return Transfer(source, target, cap, rate, node.location(), path)


def _optional_formula(
    reader: Reader, fields: Mapping[str, Node], key: str, path: str, names: Collection[str]
) -> Formula | None:
    if key not in fields:
        return None
    return reader.formula(fields[key], join_path(path, key), names)


def _read_first(reader: Reader, node: Node | None, parties: Sequence[str]) -> str | None:
    if node is None:
        return None
    return _party(reader, node, join_path(PATH, "first"), parties)
