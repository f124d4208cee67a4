"""Export a game tree to Gambit's ``.efg`` format (version 2, rational numbers).

The file can be opened in Gambit (McKelvey, McLennan & Turocy, *Gambit:
Software Tools for Game Theory*) or read with ``pygambit.read_efg``, which the
test-suite uses to check our equilibria independently. Numbers are written as
exact fractions: a float close to a fraction with a denominator up to 10**6
(within 1e-12) is written as that fraction (``0.2`` -> ``1/5``), any other as
its exact binary value. Information sets are labelled with their keys, chance
nodes with their stage id (or ``chance``) and a number, and each move with
its name.
"""

from __future__ import annotations

from fractions import Fraction

from sim.games.extensive import CHANCE, DECISION, ExtensiveGame, PointValues

__all__ = ["quote_label", "rational_text", "to_efg"]


def rational_text(x: float) -> str:
    """``x`` as an exact fraction, simplified when a small denominator fits (see module)."""
    near = Fraction(x).limit_denominator(10**6)
    value = near if abs(float(near) - x) <= 1e-12 * max(1.0, abs(x)) else Fraction(x)
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def quote_label(text: str) -> str:
    """``text`` as a Gambit quoted label, with ``\\`` and ``"`` escaped.

    >>> print(quote_label('say "hi"'))
    "say \\"hi\\""
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_efg(game: ExtensiveGame, values: PointValues, root: int = 0) -> str:
    """The game at one parameter point as the text of a Gambit ``.efg`` file.

    With ``root`` the subtree of that node is written; it is a game of its own
    when ``root`` starts a proper subgame.

    Raises
    ------
    ValueError
        If players hold their own chance probabilities (an ``.efg`` file has one prior).
    """
    if values.beliefs is not None:
        raise ValueError("a Gambit .efg file has one prior; players' own beliefs cannot be written")
    players = " ".join(quote_label(p) for p in game.players)
    lines = [f"EFG 2 R {quote_label(game.title)} {{ {players} }}", '""', ""]
    nodes = range(root, int(game.end[root]))
    used = sorted({int(game.infoset[x]) for x in nodes if game.kind[x] == DECISION})
    numbers: dict[int, int] = {}
    per_player = [0] * game.n_players
    for index in used:
        h = game.infosets[index]
        per_player[h.player] += 1
        numbers[index] = per_player[h.player]
    chance_count = 0
    for x in nodes:
        kids = game.children[x]
        moves = game.node_moves[x]
        if game.kind[x] == DECISION:
            info = int(game.infoset[x])
            acts = " ".join(quote_label(m) for m in moves)
            player = int(game.owner[x]) + 1
            label = quote_label(game.infosets[info].key)
            lines.append(f'p "" {player} {numbers[info]} {label} {{ {acts} }} 0')
        elif game.kind[x] == CHANCE:
            chance_count += 1
            acts = " ".join(
                f"{quote_label(m)} {rational_text(float(values.probs[c]))}"
                for m, c in zip(moves, kids, strict=True)
            )
            label = quote_label(f"{game.movers[x]} {chance_count}")
            lines.append(f'c "" {chance_count} {label} {{ {acts} }} 0')
        else:
            row = int(game.leaf_row[x])
            pays = ", ".join(rational_text(float(v)) for v in values.payoffs[row])
            lines.append(f't "" {row + 1} "" {{ {pays} }}')
    return "\n".join(lines) + "\n"
