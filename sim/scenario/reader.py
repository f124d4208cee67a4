"""Typed, located access to a parsed YAML tree, collecting diagnostics.

The loader walks the :class:`~sim.yamlio.Node` tree with a :class:`Reader`,
which records every problem with its file position and key path and keeps
going, so that one run reports every mistake in a file (up to a limit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from sim.errors import MAX_DIAGNOSTICS, Diagnostic, Location, ScenarioError, did_you_mean
from sim.expr import ExprError, compile_expr
from sim.scenario.model import Formula
from sim.suggest import closest
from sim.yamlio import Node

__all__ = ["NAME_RE", "Reader", "did_you_mean", "join_path"]

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _TooMany(Exception):
    """Raised internally once the diagnostic limit is reached."""


def join_path(path: str, key: str | int) -> str:
    """Extend a dotted key path with a mapping key or a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Collects located diagnostics while reading nodes.

    Methods that read a value return ``None`` after recording an error, so
    the caller can continue with the next key.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.diagnostics: list[Diagnostic] = []

    # -- recording -------------------------------------------------------
    def error(self, where: Node | Location, path: str, message: str) -> None:
        """Record one problem; stop reading once the limit is reached."""
        loc = where if isinstance(where, Location) else where.location()
        self.diagnostics.append(Diagnostic(loc, path, message))
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            raise _TooMany

    def raise_if_errors(self) -> None:
        """Raise a :class:`ScenarioError` holding everything recorded so far."""
        if self.diagnostics:
            notes = [
                d for d in self.diagnostics if d.path == "" and d.message.startswith("too many")
            ]
            found = [d for d in self.diagnostics if d not in notes]
            found.sort(key=lambda d: (d.location.line, d.location.col))
            raise ScenarioError(found + notes)

    def run(self, func, *args):  # type: ignore[no-untyped-def]
        """Call ``func``; when the diagnostic limit is hit, note it and stop."""
        try:
            return func(*args)
        except _TooMany:
            last = self.diagnostics[-1].location
            note = f"too many errors; stopped after {MAX_DIAGNOSTICS}"
            self.diagnostics.append(Diagnostic(last, "", note))
            return None

    # -- shapes ----------------------------------------------------------
    def mapping(
        self,
        node: Node,
        path: str,
        *,
        allowed: Iterable[str] | None = None,
        required: Iterable[str] = (),
    ) -> dict[str, Node] | None:
        """Read a mapping, checking unknown keys (with a did-you-mean) and required ones."""
        if node.kind != "map":
            self.error(node, path, f"expected a mapping, found {_describe(node)}")
            return None
        value = node.value
        assert isinstance(value, dict)
        suggested: set[str | None] = set()
        if allowed is not None:
            allowed = list(allowed)
            for key in value:
                if key not in allowed:
                    suggested.add(closest(key, allowed))
                    hint = did_you_mean(key, allowed)
                    msg = f"unknown key '{key}'{hint}; allowed: {', '.join(allowed)}"
                    self.error(node.key_location(key), join_path(path, key), msg)
        for key in required:
            if key not in value and key not in suggested:  # a misspelt key is reported once
                self.error(node, path, f"missing required key '{key}'")
        return value

    def sequence(self, node: Node, path: str, *, nonempty: bool = True) -> list[Node] | None:
        """Read a list."""
        if node.kind != "seq":
            self.error(node, path, f"expected a list, found {_describe(node)}")
            return None
        assert isinstance(node.value, list)
        if nonempty and not node.value:
            self.error(node, path, "must not be empty")
            return None
        return node.value

    def items(self, node: Node, path: str) -> Iterator[tuple[str, Node, str]]:
        """Iterate ``(key, child, child_path)`` over a mapping (nothing if not one)."""
        value = self.mapping(node, path)
        for key, child in (value or {}).items():
            yield key, child, join_path(path, key)

    # -- scalars ---------------------------------------------------------
    def text(self, node: Node, path: str, *, allow_empty: bool = False) -> str | None:
        """Read a string (numbers are not accepted where text is expected)."""
        if node.kind != "scalar" or not isinstance(node.value, str):
            self.error(node, path, f"expected text, found {_describe(node)}")
            return None
        if not allow_empty and not node.value.strip():
            self.error(node, path, "must not be empty")
            return None
        return node.value

    def name(self, node: Node, path: str, what: str) -> str | None:
        """Read an identifier (move, stage or parameter name)."""
        value = self.text(node, path)
        if value is not None and not NAME_RE.match(value):
            self.error(
                node, path, f"{what} name '{value}' must match [A-Za-z_][A-Za-z0-9_]* (no spaces)"
            )
            return None
        return value

    def boolean(self, node: Node, path: str) -> bool | None:
        """Read ``true`` or ``false``."""
        if node.kind != "scalar" or not isinstance(node.value, bool):
            self.error(node, path, f"expected true or false, found {_describe(node)}")
            return None
        return node.value

    def number(self, node: Node, path: str) -> float | None:
        """Read a plain finite number (no expression)."""
        value = node.value
        if node.kind != "scalar" or isinstance(value, bool) or not isinstance(value, int | float):
            self.error(node, path, f"expected a number, found {_describe(node)}")
            return None
        try:
            result = float(value)
        except OverflowError:
            result = float("inf")
        if result != result or result in (float("inf"), float("-inf")):
            self.error(node, path, "must be a finite number")
            return None
        return result

    def integer(self, node: Node, path: str, *, minimum: int, maximum: int) -> int | None:
        """Read a whole number within bounds."""
        value = node.value
        if node.kind != "scalar" or isinstance(value, bool) or not isinstance(value, int):
            self.error(node, path, f"expected a whole number, found {_describe(node)}")
            return None
        if not minimum <= value <= maximum:
            self.error(node, path, f"must be between {minimum} and {maximum}, found {value}")
            return None
        return value

    def formula(self, node: Node, path: str, names: Iterable[str]) -> Formula | None:
        """Read a number or an expression string over ``names``."""
        value = node.value
        if node.kind != "scalar" or value is None or isinstance(value, bool):
            self.error(node, path, f"expected a number or an expression, found {_describe(node)}")
            return None
        assert isinstance(value, str | int | float)
        try:
            expr = compile_expr(value, names)
        except ExprError as exc:
            offset = exc.col + (1 if node.quoted else 0) if isinstance(value, str) else 0
            self.error(node.location().shifted(offset), path, exc.message)
            return None
        return Formula(expr, node.location(), path)


def _describe(node: Node) -> str:
    if node.kind == "map":
        return "a mapping"
    if node.kind == "seq":
        return "a list"
    value = node.value
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return f"the text '{_clip(str(value))}'"


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
