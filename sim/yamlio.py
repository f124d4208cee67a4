"""Safe, located loading of untrusted YAML scenario files.

This is the only module of ``sim`` that imports :mod:`yaml`. It drives
PyYAML's event API and builds a tree of :class:`Node` objects itself, without
recursion, so that every value keeps the line and column where it was written.

Only a small, predictable subset of YAML is accepted:

* one document whose top level is a mapping;
* no anchors, aliases, merge keys (``<<``) or explicit tags of any kind;
* no duplicate, empty, null or non-scalar mapping keys;
* plain scalars resolved with the YAML 1.2 *core* schema, so ``yes``, ``no``,
  ``on``, ``off`` and ``NO`` stay strings, and ``012`` is the integer 12;
* bounded size: :data:`MAX_BYTES`, :data:`MAX_NODES`, :data:`MAX_DEPTH` and
  :data:`MAX_SCALAR`.

Every problem is raised as a :class:`~sim.errors.ScenarioError` holding one
located :class:`~sim.errors.Diagnostic`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from sim.errors import Location, ScenarioError
from sim.yaml_messages import byte_location, explain, mark_position, offset_location
from sim.yaml_scalars import NULL as _NULL
from sim.yaml_scalars import ScalarValue
from sim.yaml_scalars import resolve as _resolve

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_SCALAR",
    "Node",
    "load_yaml",
    "read_yaml_file",
]

#: Largest accepted file, in bytes (UTF-8).
MAX_BYTES = 1_000_000
#: Largest number of YAML nodes (mapping keys included) in one file.
MAX_NODES = 100_000
#: Deepest accepted nesting of mappings and sequences (the top level is 1).
MAX_DEPTH = 64
#: Longest accepted scalar, in characters.
MAX_SCALAR = 10_000

#: Characters YAML forbids in a stream (same set as PyYAML's reader).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_NODE_EVENTS = (ScalarEvent, MappingStartEvent, SequenceStartEvent)
_QUOTED_STYLES = frozenset(["'", '"', "|", ">"])


def _choose_loader() -> Any:
    """Return the C safe loader if it is built and its events carry marks."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        events = list(yaml.parse("a: 1\n", Loader=loader))
        if events and all(e.start_mark is not None for e in events):
            return loader
    return yaml.SafeLoader  # pragma: no cover - depends on the PyYAML build


#: PyYAML loader class whose event parser is used (tests may swap it).
_LOADER: Any = _choose_loader()


@dataclass(eq=False, slots=True)
class Node:
    """One located YAML value: a mapping, a sequence or a scalar.

    Attributes
    ----------
    kind
        ``"map"``, ``"seq"`` or ``"scalar"``.
    value
        ``dict[str, Node]`` (in file order) for maps, ``list[Node]`` for
        sequences, and ``str | int | float | bool | None`` for scalars.
    line, col
        1-based position where the node starts (for a quoted scalar, the
        opening quote).
    file
        File name shown in diagnostics.
    key_lines
        For maps, ``key -> (line, col)`` of each key itself; ``{}`` otherwise.
    quoted
        True when a scalar was quoted or written in block style (``|``, ``>``);
        such a scalar is always a string.
    """

    kind: Literal["map", "seq", "scalar"]
    value: dict[str, Node] | list[Node] | ScalarValue
    line: int
    col: int
    file: str
    key_lines: dict[str, tuple[int, int]] = field(default_factory=dict)
    quoted: bool = False

    def location(self) -> Location:
        """Return where this node starts."""
        return Location(self.file, self.line, self.col)

    def key_location(self, key: str) -> Location:
        """Return where ``key`` is written in this map (the node itself if absent)."""
        line, col = self.key_lines.get(key, (self.line, self.col))
        return Location(self.file, line, col)

    def to_python(self) -> object:
        """Return the plain value: nested ``dict``/``list`` of scalars."""
        if isinstance(self.value, dict):
            return {key: child.to_python() for key, child in self.value.items()}
        if isinstance(self.value, list):
            return [child.to_python() for child in self.value]
        return self.value


class _Frame:
    """An open mapping or sequence while the tree is being built."""

    __slots__ = ("key", "mapping", "node", "path", "sequence")

    def __init__(self, node: Node, path: str) -> None:
        self.node = node
        self.path = path
        self.mapping: dict[str, Node] | None = node.value if isinstance(node.value, dict) else None
        self.sequence: list[Node] | None = node.value if isinstance(node.value, list) else None
        self.key: str | None = None


def _child_path(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


class _Builder:
    """Turns a PyYAML event stream into a :class:`Node` tree, iteratively."""

    def __init__(self, filename: str) -> None:
        self.file = filename
        self.stack: list[_Frame] = []
        self.mark: Any = None

    def error(self, mark: Any, message: str, path: str | None = None) -> ScenarioError:
        """Build a one-diagnostic error at a PyYAML mark (0-based) or line 1 col 1."""
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        where = self.next_path() if path is None else path
        return ScenarioError.single(Location(self.file, line, col), where, message)

    def next_path(self) -> str:
        """Return the key path of the node the parser is about to produce."""
        if not self.stack:
            return ""
        top = self.stack[-1]
        if top.sequence is not None:
            return f"{top.path}[{len(top.sequence)}]"
        return top.path if top.key is None else _child_path(top.path, top.key)

    def build(self, text: str) -> Node:
        """Consume all events of ``text`` and return the root mapping."""
        stack = self.stack
        file = self.file
        root: Node | None = None
        count = documents = 0
        loader = _LOADER(text)  # what yaml.parse() does, minus a generator per event
        try:
            for event in iter(loader.get_event, None):
                cls = type(event)
                mark = self.mark = event.start_mark
                if cls is MappingEndEvent or cls is SequenceEndEvent:
                    stack.pop()
                    continue
                if cls is AliasEvent:
                    raise self.error(mark, f"aliases (*{event.anchor}) are not allowed")
                if cls is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        message = "only one YAML document is allowed (found a second '---')"
                        raise self.error(mark, message, "")
                    continue
                if cls not in _NODE_EVENTS:
                    continue
                if event.anchor is not None or event.tag is not None:
                    self.check_node(event)
                count += 1
                if count > MAX_NODES:
                    raise self.error(mark, f"too many YAML nodes (more than {MAX_NODES})")
                top = stack[-1] if stack else None
                node: Node
                value = path = ""
                if cls is ScalarEvent:
                    value = event.value
                    if len(value) > MAX_SCALAR:
                        raise self.error(mark, f"scalar is longer than {MAX_SCALAR} characters")
                    quoted = event.style in _QUOTED_STYLES
                    if top is not None and top.key is None and top.mapping is not None:
                        self.key(top, top.mapping, value, quoted, mark)
                        continue
                    resolved = value if quoted else self.resolve(value, mark)
                    line, col = mark.line + 1, mark.column + 1
                    node = Node("scalar", resolved, line, col, file, {}, quoted)
                else:
                    path = self.next_path()
                    node = self.open(cls is MappingStartEvent, top, mark)
                if top is None:
                    self.check_top(node, value)
                    root = node
                elif top.sequence is not None:
                    top.sequence.append(node)
                elif top.mapping is not None and top.key is not None:
                    top.mapping[top.key] = node
                    top.key = None
                if node.kind != "scalar":
                    stack.append(_Frame(node, path))
        finally:
            loader.dispose()
        if root is None:
            raise ScenarioError.single(Location(file), "", "file is empty")
        return root

    def check_node(self, event: Any) -> None:
        """Reject anchors and explicit tags (including the non-specific ``!``)."""
        if event.anchor is not None:
            raise self.error(event.start_mark, f"anchors (&{event.anchor}) are not allowed")
        if event.tag is not None:
            tag = re.sub(r"^tag:yaml\.org,2002:", "!!", event.tag)
            raise self.error(event.start_mark, f"tags ({tag}) are not allowed")

    def check_top(self, node: Node, text: str) -> None:
        """Reject a top level that is not a mapping."""
        if node.kind == "map":
            return
        if node.kind == "scalar" and node.value is None and text == "" and not node.quoted:
            raise ScenarioError.single(Location(self.file), "", "file is empty")
        what = "list" if node.kind == "seq" else "scalar"
        message = f"the top level must be a mapping (key: value), not a {what}"
        raise ScenarioError.single(node.location(), "", message)

    def resolve(self, text: str, mark: Any) -> ScalarValue:
        """Resolve a plain scalar, turning an over-long integer into a located error."""
        try:
            return _resolve(text)
        except ValueError:
            raise self.error(mark, "integer has too many digits") from None

    def open(self, is_map: bool, top: _Frame | None, mark: Any) -> Node:
        """Check and create a new mapping or sequence node."""
        if top is not None and top.key is None and top.mapping is not None:
            raise self.error(mark, "mapping keys must be scalars, not a mapping or list")
        if len(self.stack) >= MAX_DEPTH:
            raise self.error(mark, f"nesting is deeper than {MAX_DEPTH} levels")
        value: dict[str, Node] | list[Node] = {} if is_map else []
        return Node(
            "map" if is_map else "seq", value, mark.line + 1, mark.column + 1, self.file, {}
        )

    def key(
        self, top: _Frame, mapping: dict[str, Node], text: str, quoted: bool, mark: Any
    ) -> None:
        """Record ``text`` as the next key of the open mapping ``top``."""
        if text == "" or (not quoted and _NULL.fullmatch(text)):
            raise self.error(mark, "mapping key must not be empty or null")
        if text == "<<" and not quoted:
            raise self.error(mark, "merge keys (<<) are not allowed")
        key_lines = top.node.key_lines
        if text in mapping:
            first = key_lines[text][0]
            message = f"duplicate key {text!r} (first defined at line {first})"
            raise self.error(mark, message, _child_path(top.path, text))
        top.key = text
        key_lines[text] = (mark.line + 1, mark.column + 1)


def _syntax_error(builder: _Builder, exc: Any, text: str) -> ScenarioError:
    """Turn a PyYAML syntax error into a plain-words error at the item it belongs to."""
    plain = explain(
        exc.problem,
        exc.context,
        mark_position(exc.problem_mark),
        mark_position(exc.context_mark),
        text,
    )
    if plain is None:
        mark = exc.problem_mark or exc.context_mark or builder.mark
        return builder.error(mark, exc.problem or exc.context or "invalid YAML")
    line, col, path, message = plain
    return ScenarioError.single(Location(builder.file, line, col), path, message)


def load_yaml(text: str, filename: str = "<string>") -> Node:
    """Parse one scenario document into a located :class:`Node` tree.

    Parameters
    ----------
    text
        The YAML text.
    filename
        Name shown in diagnostics.

    Returns
    -------
    Node
        The top-level mapping (``kind == "map"``).

    Raises
    ------
    ScenarioError
        With one located diagnostic for the first problem found.
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ScenarioError.single(Location(filename), "", f"file is larger than {MAX_BYTES} bytes")
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        where = offset_location(filename, text, bad.start())
        char = bad.group()
        if char == "\x00":
            raise ScenarioError.single(where, "", "file looks binary (it contains a NUL byte)")
        message = f"character U+{ord(char):04X} is not allowed in YAML text"
        raise ScenarioError.single(where, "", message)
    builder = _Builder(filename)
    try:
        return builder.build(text)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(builder, exc, text) from None
    except yaml.YAMLError as exc:  # a reader error: only reachable if the pre-checks miss
        position = getattr(exc, "position", None)
        reason = getattr(exc, "reason", None) or "invalid YAML"
        if isinstance(position, int):
            raise ScenarioError.single(
                offset_location(filename, text, position), "", reason
            ) from None
        raise builder.error(builder.mark, reason) from None
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        # PyYAML's pure-Python scanner raises OverflowError on escapes like "\UFFFFFFFF".
        message = f"YAML text could not be parsed ({type(exc).__name__})"
        raise builder.error(builder.mark, message) from None


def read_yaml_file(path: str | os.PathLike[str]) -> Node:
    """Read, check and parse a scenario file.

    The size is checked with :func:`os.stat` before the file is read, and at
    most ``MAX_BYTES + 1`` bytes are ever read.

    Parameters
    ----------
    path
        The file; ``str(path)`` is the name shown in diagnostics.

    Returns
    -------
    Node
        The top-level mapping.

    Raises
    ------
    ScenarioError
        If the file cannot be read, is too large, binary, not UTF-8, or any
        problem :func:`load_yaml` reports.
    """
    name = str(path)
    top = Location(name)
    too_big = f"file is larger than {MAX_BYTES} bytes"
    try:
        if os.stat(path).st_size > MAX_BYTES:
            raise ScenarioError.single(top, "", too_big)
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError.single(top, "", f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ScenarioError.single(top, "", too_big)
    nul = data.find(b"\x00")
    if nul >= 0:
        where = byte_location(name, data, nul)
        raise ScenarioError.single(where, "", "file looks binary (it contains a NUL byte)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = byte_location(name, data, exc.start)
        raise ScenarioError.single(where, "", "file is not UTF-8 text") from None
    return load_yaml(text, name)
