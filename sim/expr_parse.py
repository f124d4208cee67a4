"""Pre-checks and parsing of expression text, with syntax errors in plain words.

Used by :mod:`sim.expr`; the text is parsed with :func:`ast.parse` in ``eval``
mode after bounds on length and bracket depth are checked.

Examples
--------
>>> parse("2home_bias")
Traceback (most recent call last):
...
sim.expr_parse.ExprError: col 0: '2home_bias' is not a valid name: names cannot start with a digit
"""

from __future__ import annotations

import ast
import re
import warnings

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "ExprError", "parse"]

#: Longest accepted source, in characters.
MAX_LENGTH = 400
#: Deepest nesting of brackets, and of expression nodes.
MAX_DEPTH = 32
#: A number glued to a name, as in ``2home_bias`` (a name cannot start with a digit).
_DIGIT_NAME = re.compile(r"(?<![A-Za-z0-9_.])([0-9]+[A-Za-z_][A-Za-z0-9_]*)")


class ExprError(Exception):
    """An invalid expression, located by a 0-based column in its source."""

    def __init__(self, message: str, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.col = col

    def __str__(self) -> str:
        """Return ``col N: message``."""
        return f"col {self.col}: {self.message}"


def parse(source: str) -> tuple[ast.expr, int]:
    """Pre-check ``source`` and parse it; return the tree and the leading-space count."""
    if len(source) > MAX_LENGTH:
        raise ExprError(
            f"expression is {len(source)} characters long; at most {MAX_LENGTH} are allowed",
            MAX_LENGTH,
        )
    text = source.replace("\r", " ").replace("\n", " ")
    body = text.lstrip(" \t\f")
    lead = len(text) - len(body)
    if not body.strip():
        raise ExprError("empty expression", 0)
    if sum(map(text.count, "([{")) > MAX_DEPTH:
        _check_brackets(text)
    if "\x00" in text:
        raise ExprError("null characters are not allowed", text.index("\x00"))
    if "#" in body:
        raise ExprError("comments ('#') are not allowed", text.index("#"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(body, mode="eval")
    except SyntaxError as exc:
        plain = _plain_syntax(body, lead)
        if plain is not None:
            raise plain from None
        offset = exc.offset if exc.lineno == 1 and exc.offset else 0
        col = lead + offset - 1 if offset > 0 else len(source)
        raise ExprError(f"syntax error: {exc.msg}", min(max(col, 0), len(source))) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise ExprError("expression cannot be parsed", 0) from None
    return tree.body, lead


def _check_brackets(text: str) -> None:
    depth = 0
    for col, char in enumerate(text):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExprError(f"brackets are nested deeper than {MAX_DEPTH} levels", col)
        elif char in ")]}":
            depth = max(depth - 1, 0)


def _plain_syntax(body: str, lead: int) -> ExprError | None:
    """A plain-words message for common slips that Python words poorly."""
    glued = _DIGIT_NAME.search(body)
    if glued is not None and not re.fullmatch(r"[0-9]+[eE][0-9]+", glued.group(1)):
        word = glued.group(1)
        message = f"'{word}' is not a valid name: names cannot start with a digit"
        return ExprError(message, lead + glued.start(1))
    return None
