"""Write a strategic-form game as Gambit's ``.nfg`` (payoff-list form, exact numbers).

Format: McKelvey, McLennan & Turocy, *Gambit* documentation, "The strategic
game (.nfg) file format". Payoffs are listed for each pure profile with the
first player's strategy changing fastest; numbers are exact fractions as in
:mod:`sim.games.efg`.

Examples
--------
>>> import numpy as np
>>> from sim.games.normal_form import NormalFormGame
>>> g = NormalFormGame(("A", "B"), (("x", "y"), ("u", "v")), np.arange(8.0).reshape(2, 2, 2))
>>> print(to_nfg(g).splitlines()[-1])
0 4 2 6 1 5 3 7
"""

from __future__ import annotations

import itertools

from sim.games.efg import quote_label, rational_text
from sim.games.normal_form import NormalFormGame

__all__ = ["to_nfg"]


def to_nfg(game: NormalFormGame) -> str:
    """The game as the text of a Gambit ``.nfg`` file (payoff-list form)."""
    players = " ".join(quote_label(p) for p in game.players)
    strategies = " ".join(
        "{ " + " ".join(quote_label(m) for m in moves) + " }" for moves in game.moves
    )
    lines = [f"NFG 1 R {quote_label(game.title)} {{ {players} }}", "", f"{{ {strategies} }}", ""]
    sizes = [len(m) for m in game.moves]
    numbers: list[str] = []
    # the first player's strategy varies fastest: iterate reversed, then flip
    for rev in itertools.product(*(range(k) for k in reversed(sizes))):
        profile = tuple(reversed(rev))
        numbers.extend(rational_text(float(game.payoffs[(i, *profile)])) for i in range(len(sizes)))
    lines.append(" ".join(numbers))
    return "\n".join(lines) + "\n"
