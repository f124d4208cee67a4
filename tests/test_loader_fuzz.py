"""Fuzzing the loader: mutated and random files either load or raise ScenarioError.

Whatever the input, :func:`sim.load_scenario_text` must never raise anything
but :class:`sim.ScenarioError`, every diagnostic must carry a 1-based position
inside the file, and a scenario that loads must build its game (or refuse with
a ScenarioError).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.errors import MAX_DIAGNOSTICS, ScenarioError
from sim.scenario.bundled import bundled_scenarios

FILE = "fuzz.yaml"
SLOW = 5.0  # seconds; only catches a runaway load (the adversarial tests time strictly)

SEQUENTIAL = """\
name: Two stages
parameters: {p: 0.25, q: {value: 2, range: [0, 4]}}
players: {A: , B: }
sequence:
  - player: A
    moves: [x, y]
  - chance: luck
    outcomes: {good: p, bad: 1 - p}
  - id: second
    player: B
    moves: [u, v]
    observes: [A]
    when: {A: x}
payoffs:
  - when: {A: x, luck: good}
    add: {A: q, B: 2}
labels:
  - {when: {second: u}, name: Up}
"""
TREE = """\
name: Tiny tree
parameters: {p: 0.5}
players: {A: , B: }
tree:
  player: A
  moves:
    left: {payoffs: {A: 1, B: 0}, label: Left}
    right:
      chance: {h: p, t: 1 - p}
      moves:
        h:
          player: B
          infoset: b
          moves: {up: {payoffs: {A: 0, B: 1}}, down: {payoffs: {A: 2, B: 2}}}
        t:
          player: B
          infoset: b
          moves: {up: {payoffs: {A: 3, B: 1}}, down: {payoffs: {A: -1, B: 2}}}
"""

TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in bundled_scenarios()}
TEXTS["sequential"] = SEQUENTIAL
TEXTS["tree"] = TREE
NAMES = sorted(TEXTS)

TOKENS = [
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!python/object:os.system ",
    "! ",
    "<<: ",
    "9**9**9",
    "2**99",
    "__import__('os')",
    "().__class__",
    "lambda: 1",
    "[i for i in x]",
    "1/0",
    "log(0)",
    ".nan",
    ".inf",
    "~",
    "null",
    "yes",
    "NO",
    "012",
    "1e3",
    "0x1F",
    "'",
    '"',
    "#",
    "|",
    ">",
    "?",
    "%",
    "@",
    "`",
    "\t",
    "\n",
    "  ",
    "\n---\n",
    "\n...\n",
    "name: ",
    "players: ",
    "payoffs: ",
    "matrix: ",
    "outcomes: ",
    "when: ",
    "add: ",
    "moves: ",
    "zero_sum: true\n",
    "sequence: ",
    "tree: ",
    "chance: ",
    "\u00e9",
    "\u2028",
    "\ufeff",
    "9" * 50,
]


def check_error(error: ScenarioError, text: str) -> None:
    """A ScenarioError from fuzzed input must still be well located."""
    assert error.diagnostics
    assert len(error.diagnostics) <= MAX_DIAGNOSTICS + 1
    n_lines = len(text.splitlines()) + 1
    for d in error.diagnostics:
        assert d.location.file == FILE
        assert d.location.line >= 1, str(d)
        assert d.location.col >= 1, str(d)
        assert d.location.line <= max(n_lines, 1), (str(d), n_lines)
        assert d.message


def load_or_refuse(text: str) -> None:
    """Load ``text``; only ScenarioError may escape, and a loaded game must build."""
    start = time.perf_counter()
    try:
        scenario = sim.load_scenario_text(text, FILE)
    except ScenarioError as error:
        check_error(error, text)
        return
    finally:
        assert time.perf_counter() - start < SLOW
    if scenario.kind == "simultaneous":
        try:
            game = sim.build_game(scenario)
        except ScenarioError as error:
            check_error(error, text)
            return
        assert game.payoffs.shape[0] == len(scenario.players)


# --------------------------------------------------------------------------- mutations


def _lines(text: str) -> list[str]:
    return text.split("\n")


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    """Apply one random edit to ``text``."""
    kind = draw(
        st.sampled_from(["delete", "duplicate", "swap", "replace", "insert", "truncate", "cut"])
    )
    lines = _lines(text)
    if kind == "delete" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        return "\n".join(lines[:i] + lines[i + 1 :])
    if kind == "duplicate" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        return "\n".join(lines[: i + 1] + lines[i:])
    if kind == "swap" and len(lines) > 1:
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if kind == "replace" and text:
        i = draw(st.integers(0, len(text) - 1))
        char = draw(st.characters(min_codepoint=32, max_codepoint=126))
        return text[:i] + char + text[i + 1 :]
    if kind == "insert":
        i = draw(st.integers(0, len(text)))
        token = draw(st.sampled_from(TOKENS))
        return text[:i] + token + text[i:]
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "cut" and text:
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 40)))
        return text[:i] + text[j:]
    return text


@st.composite
def mutated_scenario(draw: st.DrawFn) -> str:
    text = TEXTS[draw(st.sampled_from(NAMES))]
    for _ in range(draw(st.integers(1, 5))):
        text = draw(mutation(text))
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_scenario())
def test_mutated_scenarios_load_or_raise_scenario_error(text: str) -> None:
    load_or_refuse(text)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(NAMES), cut=st.integers(0, 10_000))
def test_every_prefix_loads_or_raises_scenario_error(name: str, cut: int) -> None:
    text = TEXTS[name]
    load_or_refuse(text[: cut % (len(text) + 1)])


def test_each_line_deleted_in_turn() -> None:
    """Exhaustive: delete every line of every fuzz seed, one at a time."""
    for text in TEXTS.values():
        lines = _lines(text)
        for i in range(len(lines)):
            load_or_refuse("\n".join(lines[:i] + lines[i + 1 :]))


def test_the_seeds_are_valid() -> None:
    for text in TEXTS.values():
        sim.load_scenario_text(text, FILE)


# --------------------------------------------------------------------------- random text

YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(TOKENS),
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
        st.integers(-(10**6), 10**6).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_random_text_loads_or_raises_scenario_error(text: str) -> None:
    load_or_refuse(text)


@settings(max_examples=150, deadline=None)
@given(YAMLISH)
def test_random_yamlish_text_loads_or_raises_scenario_error(text: str) -> None:
    load_or_refuse(text)


@settings(max_examples=100, deadline=None)
@given(
    head=st.sampled_from(["", "name: G\n", "name: G\nplayers:\n  A: {moves: [x, y]}\n"]),
    body=YAMLISH,
)
def test_yamlish_after_a_valid_head(head: str, body: str) -> None:
    load_or_refuse(head + body)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_on_disk(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.yaml"
        path.write_bytes(data)
        try:
            sim.load_scenario(path)
        except ScenarioError as error:
            for d in error.diagnostics:
                assert d.location.file == str(path)
                assert d.location.line >= 1 and d.location.col >= 1
