"""Tests of :mod:`sim.yamlio`: located, safe loading of scenario YAML."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import yamlio
from sim.errors import Location, ScenarioError
from sim.yamlio import MAX_BYTES, MAX_DEPTH, MAX_NODES, MAX_SCALAR, Node, load_yaml, read_yaml_file

#: Generous wall-clock bound for adversarial inputs (typically 0.01 s - 0.4 s).
FAST = 2.0

LOADERS = [
    pytest.param(yaml.SafeLoader, id="pure"),
    pytest.param(
        getattr(yaml, "CSafeLoader", None),
        id="libyaml",
        marks=pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="no libyaml"),
    ),
]


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Run a test once with PyYAML's pure parser and once with libyaml."""
    monkeypatch.setattr(yamlio, "_LOADER", request.param)
    yield request.param


def at(node: Node, *steps: str | int) -> Node:
    """Walk from ``node`` through map keys (str) and list indexes (int)."""
    for step in steps:
        if isinstance(step, str):
            assert isinstance(node.value, dict)
            node = node.value[step]
        else:
            assert isinstance(node.value, list)
            node = node.value[step]
    return node


def items(node: Node) -> list[Node]:
    """Return the children of a sequence node."""
    assert isinstance(node.value, list)
    return node.value


def error_of(text: str, filename: str = "s.yaml") -> tuple[int, int, str, str]:
    """Load ``text`` expecting one diagnostic; return (line, col, path, message)."""
    with pytest.raises(ScenarioError) as info:
        load_yaml(text, filename)
    (diag,) = info.value.diagnostics
    assert diag.location.file == filename
    return diag.location.line, diag.location.col, diag.path, diag.message


# --------------------------------------------------------------------- scalars

SCALARS = [
    pytest.param("NO", "NO", id="NO-is-string"),
    pytest.param("yes", "yes", id="yes-is-string"),
    pytest.param("on", "on", id="on-is-string"),
    pytest.param("off", "off", id="off-is-string"),
    pytest.param("y", "y", id="y-is-string"),
    pytest.param("~", None, id="tilde-null"),
    pytest.param("null", None, id="null"),
    pytest.param("Null", None, id="Null"),
    pytest.param("NULL", None, id="NULL"),
    pytest.param("", None, id="empty-null"),
    pytest.param("nULL", "nULL", id="nULL-is-string"),
    pytest.param("012", 12, id="leading-zero-decimal"),
    pytest.param("-7", -7, id="negative-int"),
    pytest.param("+7", 7, id="plus-int"),
    pytest.param("0x1F", 31, id="hex"),
    pytest.param("0o17", 15, id="octal"),
    pytest.param("-0x1F", "-0x1F", id="signed-hex-is-string"),
    pytest.param("123456789012345678901234567890", 123456789012345678901234567890, id="big-int"),
    pytest.param("1e3", 1000.0, id="exp-float"),
    pytest.param("1.", 1.0, id="trailing-dot-float"),
    pytest.param("-.5", -0.5, id="leading-dot-float"),
    pytest.param("2.5E-1", 0.25, id="exp-upper"),
    pytest.param(".inf", math.inf, id="inf"),
    pytest.param("-.Inf", -math.inf, id="minus-inf"),
    pytest.param("+.INF", math.inf, id="plus-inf"),
    pytest.param('"1"', "1", id="double-quoted-number"),
    pytest.param("'yes'", "yes", id="single-quoted-yes"),
    pytest.param("'~'", "~", id="quoted-tilde"),
    pytest.param('""', "", id="quoted-empty"),
    pytest.param("1_000", "1_000", id="underscore-is-string"),
    pytest.param("12:30", "12:30", id="sexagesimal-is-string"),
    pytest.param("true", True, id="true"),
    pytest.param("True", True, id="True"),
    pytest.param("FALSE", False, id="FALSE"),
    pytest.param("tRue", "tRue", id="tRue-is-string"),
    pytest.param("|\n  a\n  b", "a\nb\n", id="literal-block"),
    pytest.param(">-\n  12", "12", id="folded-block-is-string"),
    pytest.param("hello world", "hello world", id="plain-string"),
]


@pytest.mark.parametrize(("written", "expected"), SCALARS)
def test_scalar_resolution(loader: Any, written: str, expected: object) -> None:
    value = at(load_yaml(f"value: {written}\n"), "value").value
    assert type(value) is type(expected)
    assert value == expected


def test_nan() -> None:
    node = load_yaml("a: .nan\nb: .NaN\nc: -.nan\n")
    assert node.to_python() == {
        "a": pytest.approx(math.nan, nan_ok=True),
        "b": pytest.approx(math.nan, nan_ok=True),
        "c": "-.nan",
    }


def test_keys_are_text_as_written(loader: Any) -> None:
    node = load_yaml("NO: 1\n1: 2\nyes: 3\n'on': 4\n0x10: 5\n")
    assert list(node.key_lines) == ["NO", "1", "yes", "on", "0x10"]
    assert node.to_python() == {"NO": 1, "1": 2, "yes": 3, "on": 4, "0x10": 5}


def test_quoted_flag(loader: Any) -> None:
    node = load_yaml("a: 'x'\nb: x\nc: |\n  x\n")
    assert isinstance(node.value, dict)
    assert [child.quoted for child in node.value.values()] == [True, False, True]


def test_largest_int_text_still_converts() -> None:
    node = load_yaml("a: " + "9" * 4000 + "\n")
    assert node.to_python() == {"a": int("9" * 4000)}


# ------------------------------------------------------------------- positions

POSITIONS_TEXT = """\
players:
  US:
    moves: [cooperate, "defect"]
    payoff:
      - 1
      - 2.5
  EU: {x: 1}
"""


def test_positions(loader: Any) -> None:
    root = load_yaml(POSITIONS_TEXT, "p.yaml")
    assert (root.kind, root.line, root.col, root.file) == ("map", 1, 1, "p.yaml")
    players = at(root, "players")
    us = at(players, "US")
    moves = at(us, "moves")
    payoff = at(us, "payoff")
    eu = at(players, "EU")
    assert root.key_lines == {"players": (1, 1)}
    assert (players.line, players.col) == (2, 3)
    assert players.key_lines == {"US": (2, 3), "EU": (7, 3)}
    assert (us.line, us.col) == (3, 5)
    assert us.key_lines == {"moves": (3, 5), "payoff": (4, 5)}
    assert (moves.kind, moves.line, moves.col) == ("seq", 3, 12)
    assert [(m.line, m.col, m.quoted) for m in items(moves)] == [(3, 13, False), (3, 24, True)]
    assert (payoff.line, payoff.col) == (5, 7)
    assert [(p.line, p.col, p.value) for p in items(payoff)] == [(5, 9, 1), (6, 9, 2.5)]
    assert (eu.line, eu.col, eu.key_lines) == (7, 7, {"x": (7, 8)})
    assert us.location() == Location("p.yaml", 3, 5)
    assert us.key_location("payoff") == Location("p.yaml", 4, 5)
    assert us.key_location("absent") == us.location()


def test_to_python_and_key_order() -> None:
    root = load_yaml("z: 1\na: [x, {k: ~}]\nm: {}\n")
    assert root.to_python() == {"z": 1, "a": ["x", {"k": None}], "m": {}}
    assert list(root.key_lines) == ["z", "a", "m"]
    assert at(root, "m").key_lines == {}
    assert at(root, "a", 1, "k").value is None


def test_crlf_and_bom() -> None:
    root = load_yaml("\ufeffa: 1\r\nb:\r\n  c: 2\r\n")
    assert root.to_python() == {"a": 1, "b": {"c": 2}}
    assert at(root, "b").key_lines == {"c": (3, 3)}


# ---------------------------------------------------------------------- errors

ERRORS = [
    pytest.param(
        'x: !!python/object/apply:os.system ["ls"]\n',
        1,
        4,
        "x",
        "tags (!!python/object/apply:os.system) are not allowed",
        id="python-object-tag",
    ),
    pytest.param(
        '!!python/object/apply:os.system ["ls"]\n',
        1,
        1,
        "",
        "tags (!!python/object/apply:os.system) are not allowed",
        id="python-tag-top",
    ),
    pytest.param("a: 1\nb: !!str x\n", 2, 4, "b", "tags (!!str) are not allowed", id="str-tag"),
    pytest.param(
        "a:\n  - !custom x\n", 2, 5, "a[0]", "tags (!custom) are not allowed", id="custom"
    ),
    pytest.param("a: ! x\n", 1, 4, "a", "tags (!) are not allowed", id="non-specific-tag"),
    pytest.param("a: !!map {}\n", 1, 4, "a", "tags (!!map) are not allowed", id="map-tag"),
    pytest.param("!!str k: 1\n", 1, 1, "", "tags (!!str) are not allowed", id="tag-on-key"),
    pytest.param("a: &x 1\nb: *x\n", 1, 4, "a", "anchors (&x) are not allowed", id="anchor"),
    pytest.param("a: [1, *y]\n", 1, 8, "a[1]", "aliases (*y) are not allowed", id="alias"),
    pytest.param("<<: {a: 1}\n", 1, 1, "", "merge keys (<<) are not allowed", id="merge-key"),
    pytest.param(
        "base:\n  x: 1\n  <<: {a: 1}\n",
        3,
        3,
        "base",
        "merge keys (<<) are not allowed",
        id="nested-merge-key",
    ),
    pytest.param(
        "a: 1\nb: 2\na: 3\n",
        3,
        1,
        "a",
        "duplicate key 'a' (first defined at line 1)",
        id="duplicate-key",
    ),
    pytest.param(
        "top:\n  x: 1\n  y:\n    - {k: 1, k: 2}\n",
        4,
        14,
        "top.y[0].k",
        "duplicate key 'k' (first defined at line 4)",
        id="nested-duplicate-flow",
    ),
    pytest.param(
        "top:\n  x: 1\n  y: 2\n  x: 3\n",
        4,
        3,
        "top.x",
        "duplicate key 'x' (first defined at line 2)",
        id="nested-duplicate-block",
    ),
    pytest.param(
        '1: a\n"1": b\n',
        2,
        1,
        "1",
        "duplicate key '1' (first defined at line 1)",
        id="duplicate-plain-vs-quoted",
    ),
    pytest.param(
        "? [a, b]\n: 1\n",
        1,
        3,
        "",
        "mapping keys must be scalars, not a mapping or list",
        id="sequence-key",
    ),
    pytest.param(
        "a:\n  ? {k: 1}\n  : 2\n",
        2,
        5,
        "a",
        "mapping keys must be scalars, not a mapping or list",
        id="mapping-key",
    ),
    pytest.param("~: 1\n", 1, 1, "", "mapping key must not be empty or null", id="tilde-key"),
    pytest.param("a:\n  null: 1\n", 2, 3, "a", "mapping key must not be empty or null", id="null"),
    pytest.param('"": 1\n', 1, 1, "", "mapping key must not be empty or null", id="empty-key"),
    pytest.param("", 1, 1, "", "file is empty", id="empty-file"),
    pytest.param("\n  \n\n", 1, 1, "", "file is empty", id="blank-file"),
    pytest.param("# only\n# comments\n", 1, 1, "", "file is empty", id="comment-only"),
    pytest.param("---\n", 1, 1, "", "file is empty", id="empty-document"),
    pytest.param(
        "- a\n- b\n",
        1,
        1,
        "",
        "the top level must be a mapping (key: value), not a list",
        id="top-level-list",
    ),
    pytest.param(
        "# intro\n\n[a, b]\n",
        3,
        1,
        "",
        "the top level must be a mapping (key: value), not a list",
        id="top-level-flow-list",
    ),
    pytest.param(
        "hello\n",
        1,
        1,
        "",
        "the top level must be a mapping (key: value), not a scalar",
        id="top-level-scalar",
    ),
    pytest.param(
        "a: 1\n---\nb: 2\n",
        2,
        1,
        "",
        "only one YAML document is allowed (found a second '---')",
        id="two-documents",
    ),
    pytest.param(
        "---\na: 1\n---\n",
        3,
        1,
        "",
        "only one YAML document is allowed (found a second '---')",
        id="two-documents-explicit",
    ),
    pytest.param(
        "a: " + "x" * (MAX_SCALAR + 1),
        1,
        4,
        "a",
        f"scalar is longer than {MAX_SCALAR} characters",
        id="long-scalar",
    ),
    pytest.param(
        "k" * (MAX_SCALAR + 1) + ": 1",
        1,
        1,
        "",
        f"scalar is longer than {MAX_SCALAR} characters",
        id="long-key",
    ),
    pytest.param(
        "a: " + "9" * 5000, 1, 4, "a", "integer has too many digits", id="int-too-many-digits"
    ),
    pytest.param(
        "a: 1\nb: \x00\n", 2, 4, "", "file looks binary (it contains a NUL byte)", id="nul"
    ),
    pytest.param(
        "a: 1\nb: x\x07\n", 2, 5, "", "character U+0007 is not allowed in YAML text", id="bell"
    ),
    pytest.param(
        "a: \ud800\n", 1, 4, "", "character U+D800 is not allowed in YAML text", id="surrogate"
    ),
    pytest.param(
        "a: " + "x" * MAX_BYTES, 1, 1, "", f"file is larger than {MAX_BYTES} bytes", id="too-big"
    ),
    pytest.param(
        "a: " + "\u00e9" * (MAX_BYTES // 2 + 1),
        1,
        1,
        "",
        f"file is larger than {MAX_BYTES} bytes",
        id="too-big-in-utf8-bytes",
    ),
    pytest.param(
        "x: " + "[" * 10_000 + "]" * 10_000,
        1,
        3 + MAX_DEPTH,
        "x" + "[0]" * (MAX_DEPTH - 1),
        f"nesting is deeper than {MAX_DEPTH} levels",
        id="deep-flow-sequence",
    ),
    pytest.param(
        "a: " + "{a: " * 10_000 + "1" + "}" * 10_000,
        1,
        4 + 4 * (MAX_DEPTH - 1),
        ".".join(["a"] * MAX_DEPTH),
        f"nesting is deeper than {MAX_DEPTH} levels",
        id="deep-flow-mapping",
    ),
    pytest.param(
        "".join(" " * i + "a:\n" for i in range(100)),
        MAX_DEPTH + 1,
        MAX_DEPTH + 1,
        ".".join(["a"] * MAX_DEPTH),
        f"nesting is deeper than {MAX_DEPTH} levels",
        id="deep-block-mapping",
    ),
]


@pytest.mark.parametrize(("text", "line", "col", "path", "message"), ERRORS)
def test_errors(loader: Any, text: str, line: int, col: int, path: str, message: str) -> None:
    got = error_of(text)
    if got[0] == line and "nesting depth" in got[3]:
        # Some libyaml builds scan a long run of flow brackets ahead and stop at their
        # own nesting limit before our depth check sees the events: still located.
        assert "nesting" in message
        return
    assert got == (line, col, path, message)


SYNTAX_ERRORS = [
    pytest.param("a: b: c\n", 1, 5, "quote text that contains ': '", id="value-in-plain"),
    pytest.param("a: 1\n b: 2\n", 2, 3, "quote text that contains ': '", id="continuation"),
    pytest.param("a:\n  b: 1\n c: 2\n", 3, 2, "", id="bad-indentation"),
    pytest.param("a:\n  - b\n  c: 1\n", 3, 3, "", id="seq-then-map"),
    pytest.param("key: [1, 2\n", 2, 1, "", id="unclosed-flow"),
    pytest.param("a: 'x\n", 2, 1, "opened at line 1 col 4 is never closed", id="unclosed-quote"),
    pytest.param("\ta: 1\n", 1, 1, "tabs are not allowed for indentation", id="tab-indent"),
    pytest.param("a: 1\n: 2\n", 2, 1, "", id="missing-key"),
]


@pytest.mark.parametrize(("text", "line", "col", "fragment"), SYNTAX_ERRORS)
def test_syntax_errors(loader: Any, text: str, line: int, col: int, fragment: str) -> None:
    got_line, got_col, _path, message = error_of(text)
    assert (got_line, got_col) == (line, col)
    assert fragment in message and message


def test_quoted_merge_key_is_an_ordinary_key(loader: Any) -> None:
    assert load_yaml('"<<": 1\n').to_python() == {"<<": 1}


def test_depth_limit_is_inclusive(loader: Any) -> None:
    text = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert load_yaml(text).to_python() is not None


def _check_node_limit(limit: int, map_error: tuple[int, int, str]) -> None:
    text = "a:\n" + "- 1\n" * (limit - 3)  # root map + key + list + items
    assert len(items(at(load_yaml(text), "a"))) == limit - 3
    message = f"too many YAML nodes (more than {limit})"
    assert error_of(text + "- 1\n") == (limit - 1, 3, f"a[{limit - 3}]", message)
    many_keys = "".join(f"k{i}: 0\n" for i in range(limit))  # keys count as nodes too
    assert error_of(many_keys) == (*map_error, message)


def test_node_limit(loader: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_NODES", 51)
    _check_node_limit(51, (26, 1, ""))  # the 26th key is node 52


def test_node_limit_real() -> None:
    _check_node_limit(MAX_NODES, (MAX_NODES // 2, 9, f"k{MAX_NODES // 2 - 1}"))


# ------------------------------------------------------------ adversarial speed

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

ADVERSARIAL = [
    pytest.param(BILLION_LAUGHS, id="billion-laughs"),
    pytest.param(BILLION_LAUGHS.replace("&", "x"), id="aliases-without-anchors"),
    pytest.param("[" * (MAX_BYTES - 10), id="megabyte-of-brackets"),
    pytest.param("x: " + "[" * (MAX_BYTES - 10), id="megabyte-of-nested-brackets"),
    pytest.param("x: " + "{" * (MAX_BYTES - 10), id="megabyte-of-braces"),
    pytest.param("".join(f"k{i}: {i}\n" for i in range(100_000))[:MAX_BYTES], id="100k-keys"),
    pytest.param("a: [" + "1," * 200_000 + "]", id="wide-flow-list"),
    pytest.param("a: " + "x" * (MAX_BYTES - 10), id="megabyte-scalar"),
    pytest.param("a: '" + "x" * (MAX_BYTES - 10), id="megabyte-unclosed-quote"),
]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_adversarial_input_is_fast(text: str) -> None:
    start = time.perf_counter()
    with contextlib.suppress(ScenarioError):
        load_yaml(text)
    assert time.perf_counter() - start < FAST


def test_billion_laughs_rejected_at_first_anchor() -> None:
    assert error_of(BILLION_LAUGHS)[:3] == (1, 4, "a")


def test_libyaml_is_used_when_available() -> None:
    if hasattr(yaml, "CSafeLoader"):
        assert yamlio._LOADER is yaml.CSafeLoader


# ------------------------------------------------------------------ reading files


def _file_error(path: Path) -> tuple[str, int, int, str]:
    with pytest.raises(ScenarioError) as info:
        read_yaml_file(path)
    (diag,) = info.value.diagnostics
    return diag.location.file, diag.location.line, diag.location.col, diag.message


def test_read_file(tmp_path: Path) -> None:
    path = tmp_path / "game.yaml"
    path.write_text("name: x\nplayers: [a, b]\n", encoding="utf-8")
    node = read_yaml_file(path)
    assert node.file == str(path)
    assert at(node, "players", 1).file == str(path)
    assert read_yaml_file(str(path)).to_python() == {"name": "x", "players": ["a", "b"]}


FILE_ERRORS = [
    pytest.param(
        b"a: 1\nb: \x00\x01\x02\n", 2, 4, "file looks binary (it contains a NUL byte)", id="binary"
    ),
    pytest.param(
        b"\xff\xfe" + "a: 1\n".encode("utf-16-le"),
        1,
        4,
        "file looks binary (it contains a NUL byte)",
        id="utf16",
    ),
    pytest.param(b"a: 1\nb: caf\xe9\n", 2, 7, "file is not UTF-8 text", id="latin1"),
    pytest.param(
        b"\xc3\xa9: 1\nb: \xff\n", 2, 4, "file is not UTF-8 text", id="invalid-after-utf8"
    ),
    pytest.param(
        b"a: " + b"x" * MAX_BYTES, 1, 1, f"file is larger than {MAX_BYTES} bytes", id="oversize"
    ),
    pytest.param(b"", 1, 1, "file is empty", id="empty"),
    pytest.param(b"# nothing here\n", 1, 1, "file is empty", id="comment-only"),
    pytest.param(
        b"a: 1\nb: !!python/name:os.system\n",
        2,
        4,
        "tags (!!python/name:os.system) are not allowed",
        id="python-name-tag",
    ),
]


@pytest.mark.parametrize(("data", "line", "col", "message"), FILE_ERRORS)
def test_read_file_errors(tmp_path: Path, data: bytes, line: int, col: int, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(data)
    assert _file_error(path) == (str(path), line, col, message)


def test_oversize_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(50 * MAX_BYTES)  # sparse: cheap to create

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("file was opened")

    monkeypatch.setattr("builtins.open", no_open)
    assert _file_error(path) == (str(path), 1, 1, f"file is larger than {MAX_BYTES} bytes")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    name, line, col, message = _file_error(path)
    assert (name, line, col) == (str(path), 1, 1)
    assert message.startswith("cannot read file")


# --------------------------------------------------------------------- fuzzing

YAMLISH = st.text(alphabet="ab1 :-[]{},&*!|>'\"#?~.\n\t<%@`\\0xe", max_size=80)


@pytest.mark.parametrize("parser", LOADERS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(), YAMLISH))
def test_random_text_gives_node_or_scenario_error(parser: Any, text: str) -> None:
    saved = yamlio._LOADER
    yamlio._LOADER = parser
    try:
        node = load_yaml(text)
    except ScenarioError as exc:
        assert len(exc.diagnostics) == 1
        location = exc.diagnostics[0].location
        assert location.line >= 1 and location.col >= 1
    else:
        assert isinstance(node, Node) and node.kind == "map"
        node.to_python()
    finally:
        yamlio._LOADER = saved
