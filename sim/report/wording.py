"""Small helpers that make report sentences read well.

>>> plural(1, "equilibrium", "equilibria"), plural(3, "equilibrium", "equilibria")
('1 equilibrium', '3 equilibria')
>>> method_words("subgame_decomposition (best_response_enumeration+vertex_enumeration)")
'subgame decomposition, solving each subgame by best response enumeration and vertex enumeration'
>>> list_words(["a", "b", "c"])
'a, b and c'
>>> wrap_assignments("Parameters", {"alpha": "1", "beta_gamma": "0.25"}, width=28)
['Parameters: alpha = 1,', '  beta_gamma = 0.25']
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

__all__ = ["list_words", "method_words", "plural", "wrap_assignments"]

_KEEP = "\u00a0"  # a space textwrap does not break at


def wrap_assignments(title: str, values: Mapping[str, str], width: int = 88) -> list[str]:
    """``title: a = 1, b = 2`` wrapped to ``width``, never inside ``a = 1``."""
    items = ", ".join(f"{k}{_KEEP}={_KEEP}{v}" for k, v in values.items())
    text = f"{title}: {items}"
    lines = textwrap.wrap(text, width, subsequent_indent="  ", break_on_hyphens=False)
    return [line.replace(_KEEP, " ") for line in lines]


def plural(n: int, one: str, many: str | None = None) -> str:
    """``"1 thing"`` or ``"n things"`` (``many`` defaults to ``one + "s"``)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def list_words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def method_words(method: str) -> str:
    """A method key in words, without nested brackets.

    ``outer (inner+other)`` reads "outer, solving each subgame by inner and
    other"; ``a+b`` reads "a and b"; underscores become spaces.
    """
    outer, sep, inner = method.partition(" (")
    outer = outer.removeprefix("reduced_strategic_form+")
    words = list_words([p.replace("_", " ") for p in outer.split("+") if p])
    if not sep:
        return words
    parts = [p.replace("_", " ") for p in inner.rstrip(")").split("+") if p]
    return f"{words}, solving each subgame by {list_words(parts)}"
