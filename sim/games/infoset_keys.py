"""Escaping of names inside information-set keys.

An information-set key reads ``PLAYER@STAGE=MOVE,...`` (see
``SCENARIO_FORMAT.md``). Player names may be any non-empty text and a stage id
defaults to its player's name, so a name containing ``@``, ``=``, ``,`` or
``:`` could make two different information sets share a key. Every name is
therefore written with those characters (and ``%`` itself) percent-encoded, as
in URLs: ordinary names are unchanged, and :func:`unescape_key_part` recovers
the name exactly.
"""

from __future__ import annotations

import re

__all__ = ["escape_key_part", "unescape_key_part"]

_SPECIAL = {c: f"%{ord(c):02X}" for c in "%@=,:'"}
_ENCODED = re.compile("%(25|40|3D|2C|3A|27)")


def escape_key_part(name: str) -> str:
    """``name`` with ``% @ = , : '`` percent-encoded, for use inside a key.

    Examples
    --------
    >>> escape_key_part("Russia")
    'Russia'
    >>> escape_key_part("s=a@b")
    's%3Da%40b'
    >>> unescape_key_part(escape_key_part("100% a,b:c'd")) == "100% a,b:c'd"
    True
    """
    return "".join(_SPECIAL.get(c, c) for c in name)


def unescape_key_part(text: str) -> str:
    """Invert :func:`escape_key_part`.

    Examples
    --------
    >>> unescape_key_part("s%3Da%40b")
    's=a@b'
    """
    return _ENCODED.sub(lambda m: chr(int(m.group(1), 16)), text)
