"""Plain-words explanations of YAML syntax errors, at the item they belong to.

PyYAML reports syntax errors in parser words ("found character that cannot
start any token", "mapping values are not allowed in this context"). This
module turns the common ones into what to do ("tabs are not allowed for
indentation: use spaces"; "quote text that contains ': '") and finds the key
path of the offending line from the indentation of the text, because the
parser stops before it has built the node the line belongs to.

It does not import :mod:`yaml`: :mod:`sim.yamlio` passes the parser's
problem text, context text and 0-based marks.

Examples
--------
>>> text = "name: T\\nplayers:\\n\\tRow: {moves: [a]}\\n"
>>> explain("found character that cannot start any token", None, (2, 0), None, text)
(3, 1, 'players.Row', 'tabs are not allowed for indentation: use spaces')
>>> block_path("payoffs:\\n  - label: x\\n    when: {A: a}\\n".splitlines(), 3)
'payoffs[0].when'
"""

from __future__ import annotations

import re
from typing import Any

from sim.errors import Location

__all__ = ["block_path", "byte_location", "explain", "mark_position", "offset_location"]

_LINE_BREAKS = "\r\n\x85\u2028\u2029"

#: A block-mapping key at the start of a (de-indented) line: ``key:`` or ``"key":``.
_KEY = re.compile(
    r"""(?:"([^"]*)"|'([^']*)'|([^\s#'"\[\]{},&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?))\s*:(?:\s|$)"""
)
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")

Mark = tuple[int, int]
Explained = tuple[int, int, str, str]


def _key_of(content: str) -> tuple[str | None, str]:
    """Return ``(key, rest)`` when ``content`` starts with ``key:``, else ``(None, content)``."""
    match = _KEY.match(content)
    if match is None:
        return None, content
    key = next(g for g in match.groups() if g is not None)
    return key.strip(), content[match.end() :].strip()


def _segments(stack: list[tuple[int, str]]) -> str:
    path = ""
    for _, seg in stack:
        path += seg if seg.startswith("[") or not path else f".{seg}"
    return path


def block_path(lines: list[str], upto: int) -> str:
    """Return the key path of 1-based line ``upto`` from block indentation alone.

    Flow collections (``{...}``, ``[...]``) are not entered; lines of block
    scalars (``|``, ``>``) are skipped. Tabs count as one column.
    """
    stack: list[tuple[int, str]] = []
    counts: dict[str, int] = {}
    block_indent: int | None = None
    for number, raw in enumerate(lines[:upto], start=1):
        line = raw.replace("\t", " ")
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        if not content or content.startswith("#") or content.startswith("---"):
            continue
        if block_indent is not None:
            if indent > block_indent:
                continue
            block_indent = None
        while content.startswith("- ") or content == "-":
            while stack and (
                stack[-1][0] > indent or (stack[-1][0] == indent and stack[-1][1][0] == "[")
            ):
                stack.pop()
            parent = _segments(stack)
            index = counts.get(parent, 0)
            counts[parent] = index + 1
            stack.append((indent, f"[{index}]"))
            rest = content[1:].lstrip(" ")
            indent += len(content) - len(rest)
            content = rest
        key, rest = _key_of(content)
        if key is None:
            if number == upto:  # a line without a key belongs to the item above it
                while stack and stack[-1][0] >= indent and stack[-1][1][0] != "[":
                    stack.pop()
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        if _BLOCK_SCALAR.match(rest):
            block_indent = indent
    return _segments(stack)


def _previous_content(lines: list[str], line: int) -> int:
    """Return the 1-based number of the last non-blank, non-comment line before ``line``."""
    for number in range(line - 1, 0, -1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return line


def _owner_item(path: str) -> str:
    """Trim a path to its innermost list item (``a[2].when`` -> ``a[2]``), else to its parent."""
    cut = path.rfind("]")
    if cut >= 0:
        return path[: cut + 1]
    return path.rpartition(".")[0]


def _char_at(lines: list[str], mark: Mark) -> str:
    line, col = mark
    if 0 <= line < len(lines) and 0 <= col < len(lines[line]):
        return lines[line][col]
    return ""


def explain(
    problem: str | None,
    context: str | None,
    problem_mark: Mark | None,
    context_mark: Mark | None,
    text: str,
) -> Explained | None:
    """Explain a PyYAML syntax error in plain words.

    Parameters
    ----------
    problem, context
        The parser's ``problem`` and ``context`` texts.
    problem_mark, context_mark
        0-based ``(line, column)`` of each, or ``None``.
    text
        The whole YAML text.

    Returns
    -------
    tuple or None
        ``(line, col, path, message)`` with a 1-based position, the key path
        of the item the mistake belongs to (``""`` for the top level) and the
        message; ``None`` when the error is not one this module knows.
    """
    if problem is None or problem_mark is None:
        return None
    lines = text.splitlines()
    line, col = problem_mark[0] + 1, problem_mark[1] + 1
    path = block_path(lines, line)
    if problem.startswith("found character") and problem.endswith("cannot start any token"):
        char = _char_at(lines, problem_mark)
        if char == "\t":
            return line, col, path, "tabs are not allowed for indentation: use spaces"
        if char:
            return line, col, path, f"a value cannot start with '{char}': put the text in quotes"
        return None
    if problem.startswith("mapping values are not allowed"):
        message = (
            "unexpected ': ' here: quote text that contains ': ' (\"Note: ...\"), "
            "or add the missing ':' after the key above, or fix the indentation"
        )
        return line, col, path, message
    if problem == "could not find expected ':'" and context_mark is not None:
        start = context_mark[0] + 1
        words = lines[start - 1].strip() if start <= len(lines) else ""
        message = (
            f"'{words}' is not followed by ':' (write 'key: value'; quote text that contains ': ')"
        )
        return start, context_mark[1] + 1, block_path(lines, start), message
    if problem in ("did not find expected '-' indicator", "did not find expected key") or (
        problem.startswith("expected <block end>")
    ):
        owner = _owner_item(block_path(lines, _previous_content(lines, line)))
        what = f" of {owner}" if owner else ""
        message = (
            f"this line is indented differently from the item it belongs to: "
            f"line it up with the other keys{what} (use spaces)"
        )
        return line, col, owner, message
    if context_mark is not None and context in (
        "while parsing a flow sequence",
        "while parsing a flow mapping",
    ):
        opener, closer = ("[", "]") if "sequence" in context else ("{", "}")
        opened = f"line {context_mark[0] + 1} col {context_mark[1] + 1}"
        message = f"the '{opener}' opened at {opened} is not closed: expected ',' or '{closer}'"
        return line, col, path, message
    if context_mark is not None and context == "while scanning a quoted scalar":
        opened = f"line {context_mark[0] + 1} col {context_mark[1] + 1}"
        return line, col, path, f"the quoted text opened at {opened} is never closed"
    return None


def offset_location(filename: str, text: str, offset: int) -> Location:
    """Return the 1-based location of character ``offset`` in ``text``."""
    lines = text[:offset].splitlines(keepends=True)
    if not lines:
        return Location(filename, 1, 1)
    if lines[-1][-1] in _LINE_BREAKS:
        return Location(filename, len(lines) + 1, 1)
    return Location(filename, len(lines), len(lines[-1]) + 1)


def byte_location(filename: str, data: bytes, offset: int) -> Location:
    """Return the location of byte ``offset`` in undecoded ``data``."""
    prefix = data[:offset].decode("utf-8", "replace")
    return offset_location(filename, prefix, len(prefix))


def mark_position(mark: Any) -> tuple[int, int] | None:
    return None if mark is None else (mark.line, mark.column)
