"""Payoff tables as text, with best responses marked.

A two-player game prints as a bimatrix: rows are the first player's moves,
columns the second's, each cell ``row payoff, column payoff``. A payoff
followed by ``*`` is a best response to the other players' moves in that
cell; a cell where every payoff is starred is a pure Nash equilibrium. Games
of three or more players print one such table for each combination of the
moves of players 3..N. On a terminal best responses are also coloured.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from sim.formatting import format_number
from sim.games.normal_form import NormalFormGame
from sim.scales import player_scales
from sim.textsafe import escape_text

__all__ = ["best_response_mask", "payoff_tables"]

BOLD_GREEN = "\033[1;32m"
REVERSE = "\033[7m"
RESET = "\033[0m"


def best_response_mask(payoffs: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """``mask[p, a]`` is True where player p's move in profile a is a best response.

    The tolerance is relative to each player's own payoff scale.
    """
    scales = player_scales(payoffs)
    mask = np.zeros(payoffs.shape, dtype=bool)
    for p in range(payoffs.shape[0]):
        best = payoffs[p].max(axis=p, keepdims=True)
        mask[p] = payoffs[p] >= best - tol * scales[p]
    return mask


def payoff_tables(
    game: NormalFormGame, *, color: bool = False, max_tables: int | None = None
) -> str:
    """All payoff tables of ``game`` as text (at most ``max_tables``, then a count of the rest)."""
    mask = best_response_mask(game.payoffs)
    if game.n_players == 1:
        return _one_player(game, mask)
    outer = game.shape[2:]
    blocks = []
    combos = itertools.product(*(range(m) for m in outer))
    total = math.prod(outer)
    for rest in itertools.islice(combos, max_tables):
        heading = ""
        if rest:
            heading = ", ".join(
                f"{escape_text(game.players[2 + i])} = {game.moves[2 + i][k]}"
                for i, k in enumerate(rest)
            )
        blocks.append(_table(game, mask, rest, heading, color))
    if len(blocks) < total:
        blocks.append(
            f"... {total - len(blocks):,} more tables not shown ({total:,} in all, one for each "
            "combination of the moves of the third and later players)."
        )
    return "\n\n".join(blocks)


def _one_player(game: NormalFormGame, mask: np.ndarray) -> str:
    lines = [f"{escape_text(game.players[0])}:"]
    for k, move in enumerate(game.moves[0]):
        star = "*" if mask[0, k] else ""
        lines.append(f"  {move}: {format_number(game.payoffs[0, k])}{star}")
    return "\n".join(lines)


def _cell(
    game: NormalFormGame, mask: np.ndarray, profile: tuple[int, ...], color: bool
) -> tuple[str, int, bool]:
    """Cell text, its printable width, and whether it is a pure equilibrium."""
    parts, plain = [], []
    for p in range(game.n_players):
        text = format_number(float(game.payoffs[(p, *profile)]))
        if mask[(p, *profile)]:
            text += "*"
            parts.append(f"{BOLD_GREEN}{text}{RESET}" if color else text)
        else:
            parts.append(text)
        plain.append(text)
    is_ne = all(mask[(p, *profile)] for p in range(game.n_players))
    return ", ".join(parts), len(", ".join(plain)), is_ne


def _table(
    game: NormalFormGame, mask: np.ndarray, rest: Sequence[int], heading: str, color: bool
) -> str:
    rows, cols = game.moves[0], game.moves[1]
    cells = [
        [_cell(game, mask, (i, j, *rest), color) for j in range(len(cols))]
        for i in range(len(rows))
    ]
    row_player, col_player = escape_text(game.players[0]), escape_text(game.players[1])
    first = max(len(row_player), *(len(r) for r in rows))
    widths = [
        max(len(c), *(cells[i][j][1] + 2 for i in range(len(rows)))) for j, c in enumerate(cols)
    ]
    lines = []
    if heading:
        lines.append(f"When {heading}:")
    corner = f"{row_player} \\ {col_player}"
    first = max(first, len(corner))
    lines.append(
        corner.ljust(first)
        + "  "
        + "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()
    )
    lines.append("-" * (first + 2 + sum(widths) + 2 * (len(cols) - 1)))
    for i, move in enumerate(rows):
        out = [move.ljust(first)]
        for j, w in enumerate(widths):
            text, width, is_ne = cells[i][j]
            if is_ne:
                text = f"[{text}]" if not color else f"{REVERSE}[{RESET}{text}{REVERSE}]{RESET}"
                width += 2
            out.append(text + " " * (w - width))
        lines.append(out[0] + "  " + "  ".join(out[1:]).rstrip())
    return "\n".join(lines)
