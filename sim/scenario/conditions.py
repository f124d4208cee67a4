"""Reading ``when`` conditions: key (player or stage id) -> a move or a list of moves."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sim.scenario.model import When
from sim.scenario.reader import Reader, did_you_mean, join_path
from sim.yamlio import Node

__all__ = ["conditions", "read_conditions"]


def conditions(
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

    return conditions(reader, node, path, known, unknown)
