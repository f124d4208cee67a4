"""A sequential game's full tree as indented text, for ``sim show``.

Works for both forms: a ``sequence`` is expanded into its full tree (built by
:func:`sim.games.extensive_build.extensive_at`). Each
decision node shows its player, the stage (when it is not named after the
player) and its information-set key (which says what the mover knows); each
chance node shows its outcomes with their probabilities at the parameter
values used; each leaf shows every player's payoff and the outcome's label.
Very large trees are cut off after ``max_lines`` lines.

Example::

    US chooses (offer) [US@offer]
      offer_deal -> Russia chooses [Russia@offer=offer_deal]
        support_sanctions -> chance (capability)
          advanced, probability 0.2 -> Iran chooses [Iran@offer=...]
"""

from __future__ import annotations

from sim.formatting import format_number
from sim.games.extensive import CHANCE, DECISION, ExtensiveGame, PointValues

__all__ = ["game_tree_text"]

#: Default cap on the number of lines printed.
MAX_LINES = 400


def game_tree_text(game: ExtensiveGame, values: PointValues, *, max_lines: int = MAX_LINES) -> str:
    """An :class:`ExtensiveGame` as indented text (iterative: no recursion limit)."""
    lines = [
        f"Game tree: {game.n_nodes} nodes, {len(game.leaves)} complete histories, "
        f"{len(game.infosets)} information sets; leaves show the payoffs of "
        f"{', '.join(game.players)}.",
        "[key] names the information set: the player and what it knows when it moves.",
    ]
    stack: list[tuple[int, int, str]] = [(0, 0, "")]
    shown = 0
    while stack:
        if shown >= max_lines:
            lines.append(f"... (cut after {max_lines} lines; {game.n_nodes} nodes in all)")
            break
        x, depth, head = stack.pop()
        lines.append("  " * depth + head + _node(game, values, x))
        shown += 1
        kids = game.children[x]
        for k in reversed(range(len(kids))):
            move = game.node_moves[x][k]
            if game.kind[x] == CHANCE:
                move += f", probability {format_number(float(values.probs[kids[k]]), 6)}"
            stack.append((kids[k], depth + 1, f"{move} -> "))
    return "\n".join(lines)


def _node(game: ExtensiveGame, values: PointValues, x: int) -> str:
    if game.kind[x] == DECISION:
        player = game.players[int(game.owner[x])]
        stage = game.movers[x]
        named = f" ({stage})" if game.source == "sequence" and stage != player else ""
        return f"{player} chooses{named} [{game.infosets[int(game.infoset[x])].key}]"
    if game.kind[x] == CHANCE:
        return f"chance ({game.movers[x]})" if game.source == "sequence" else "chance"
    pays = ", ".join(
        f"{p} {format_number(float(v), 6)}"
        for p, v in zip(game.players, values.payoffs[game.leaf_row[x]], strict=True)
    )
    label = game.leaf_label(x)
    return pays + (f'  "{label}"' if label else "")
