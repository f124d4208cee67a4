"""Did-you-mean suggestions that ignore case.

Examples
--------
>>> closest("standard_A", ["standard_a", "standard_b"])
'standard_a'
>>> closest("prisoners_dilemm", ["chicken", "prisoners_dilemma"])
'prisoners_dilemma'
>>> closest("zzz", ["chicken"]) is None
True
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest"]


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the choice most like ``word``, comparing without case, or ``None``.

    A choice equal to ``word`` up to case wins outright; otherwise
    :func:`difflib.get_close_matches` ranks the lower-cased choices.
    """
    by_lower: dict[str, str] = {}
    for choice in choices:
        by_lower.setdefault(choice.lower(), choice)
    key = word.lower()
    if key in by_lower:
        return by_lower[key]
    close = difflib.get_close_matches(key, list(by_lower), n=1, cutoff=cutoff)
    return by_lower[close[0]] if close else None
