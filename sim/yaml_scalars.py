"""YAML 1.2 core-schema resolution of plain scalars (used by :mod:`sim.yamlio`).

Plain scalars resolve as the YAML 1.2 *core* schema says, so ``yes``, ``no``,
``on``, ``off`` and ``NO`` stay strings, and ``012`` is the integer 12.

Examples
--------
>>> resolve("012"), resolve("NO"), resolve("0x1F"), resolve("~"), resolve("-.5")
(12, 'NO', 31, None, -0.5)
"""

from __future__ import annotations

import re

__all__ = ["NULL", "ScalarValue", "resolve"]

ScalarValue = str | int | float | bool | None

NULL = re.compile(r"null|Null|NULL|~")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
#: Plain scalars starting with any other character are strings.
_SPECIAL_START = frozenset("-+.0123456789~nNtTfF")


def resolve(text: str) -> ScalarValue:
    """Resolve a plain scalar with the YAML 1.2 core schema.

    Raises
    ------
    ValueError
        If an integer has more digits than Python converts from text.
    """
    if text == "":
        return None
    if text.isdigit() and text.isascii():
        return int(text)
    if text[0] not in _SPECIAL_START:
        return text
    if NULL.fullmatch(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text)
    if _OCT.fullmatch(text) or _HEX.fullmatch(text):
        return int(text, 0)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return float("-inf") if text[0] == "-" else float("inf")
    if _NAN.fullmatch(text):
        return float("nan")
    return text
