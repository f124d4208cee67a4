"""Malicious and broken scenario files: every one is refused quickly, with located errors.

Each case of the big table is a complete YAML text. Loading it must raise
:class:`sim.ScenarioError` within a second, and one of its diagnostics must sit
at the expected ``LINE:COL`` and contain the expected words.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.errors import MAX_DIAGNOSTICS, Diagnostic, ScenarioError
from sim.scenario.parameters import parameter_env

FILE = "f.yaml"
#: Every user error must be one line: ``FILE:LINE:COL: key.path: message``.
LINE_FORMAT = re.compile(r"^.+:\d+:\d+: .+: .+$")
#: Wall-clock bound for loading any one adversarial file.
FAST = 1.0

# Lines 1-4 of most cases; the payoff form (line 5 on) is what each case varies.
BASE = """\
name: G
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
"""
MATRIX = "matrix: [[[1, 1], [1, 1]], [[1, 1], [1, 1]]]\n"
GOOD = BASE + MATRIX
# Lines 1-5: a parameter z = 0 on line 1, then BASE.
WITH_Z = "parameters: {z: 0}\n" + BASE


def rule(expr: str) -> str:
    """BASE plus one payoff rule giving A the (single-quoted) expression on line 6, col 15."""
    return BASE + f"payoffs:\n  - add: {{A: '{expr}'}}\n"


def seq_game(stages: str, payoffs: str = "payoffs:\n  - add: {A: 1}\n") -> str:
    """A sequential game of players A and B; ``stages`` starts on line 4."""
    return "name: G\nplayers: {A: , B: }\nsequence:\n" + stages + payoffs


OUTCOMES_HEAD = BASE + "outcomes:\n"
ROW = "  - {{moves: {{A: {a}, B: {b}}}, payoffs: {{A: 1, B: 1}}}}\n"

LAUGHS = (
    (
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
    )
    + BASE.replace("name: G\n", "name: lol\n")
    + MATRIX
)

EIGHT_BY_EIGHT = (
    "name: G\nplayers:\n"
    + "".join(f"  P{i}: {{moves: [a, b, c, d, e, f, g, h]}}\n" for i in range(8))
    + "payoffs:\n  - add: {P0: 1}\n"
)

CASES = [
    # --- YAML features that must never be honoured ------------------------------------
    pytest.param(
        BASE + "matrix: !!python/object/apply:os.system ['echo pwned']\n",
        5,
        9,
        "tags (!!python/object/apply:os.system) are not allowed",
        id="python-tag",
    ),
    pytest.param(
        BASE + "matrix: !!python/name:os.system\n", 5, 9, "are not allowed", id="python-name-tag"
    ),
    pytest.param(BASE + "matrix: !custom [[1, 2]]\n", 5, 9, "tags (!custom)", id="local-tag"),
    pytest.param(BASE + "description: !!str hello\n" + MATRIX, 5, 14, "tags (!!str)", id="str-tag"),
    pytest.param(BASE + "matrix: ! [[1, 2]]\n", 5, 9, "tags (!)", id="non-specific-tag"),
    pytest.param(LAUGHS, 1, 4, "anchors (&a) are not allowed", id="billion-laughs"),
    pytest.param(
        "name: &n G\nplayers:\n  A: {moves: [x, y]}\n  B: {moves: [x, y]}\n" + MATRIX,
        1,
        7,
        "anchors (&n)",
        id="anchor",
    ),
    pytest.param(
        BASE + "description: *undefined\n" + MATRIX, 5, 14, "aliases (*undefined)", id="alias"
    ),
    pytest.param(
        "name: G\nplayers:\n  A: {moves: [x, y]}\n  B:\n    <<: {moves: [x, y]}\n" + MATRIX,
        5,
        5,
        "merge keys (<<) are not allowed",
        id="merge-key",
    ),
    pytest.param(
        "name: G\nplayers: " + "[" * 10_000 + "]" * 10_000 + "\n" + MATRIX,
        # libyaml stops at its own limit (col 1009); the pure parser at sim's 64 (col 73).
        2,
        (73, 1009),
        "nesting",
        id="deep-nesting-10000",
    ),
    pytest.param(
        "name: G\nplayers:\n" + "".join("  " * i + "- \n" for i in range(1, 80)) + MATRIX,
        66,  # the 64th nested list: 128 spaces of indentation, then "-"
        129,
        "nesting is deeper than 64 levels",
        id="deep-block-nesting",
    ),
    pytest.param(BASE + "? [a, b]\n: 1\n" + MATRIX, 5, 3, "keys must be scalars", id="list-key"),
    pytest.param("name: a\n---\nname: b\n", 2, 1, "only one YAML document", id="two-documents"),
    pytest.param(
        "name: a\n...\n---\nname: b\n", 3, 1, "only one YAML document", id="two-documents-end"
    ),
    pytest.param("", 1, 1, "file is empty", id="empty-file"),
    pytest.param("# nothing here\n\n# at all\n", 1, 1, "file is empty", id="comment-only"),
    pytest.param("---\n...\n", 1, 1, "file is empty", id="empty-document"),
    pytest.param("- name: G\n- players: []\n", 1, 1, "not a list", id="top-level-list"),
    pytest.param("just some words\n", 1, 1, "not a scalar", id="top-level-scalar"),
    pytest.param("name: a\x00b\n", 1, 8, "binary", id="nul-character"),
    pytest.param("name: a\x07b\n", 1, 8, "U+0007", id="control-character"),
    pytest.param("name: x\n" + "#" * 1_000_001, 1, 1, "larger than", id="over-1MB-text"),
    pytest.param("name: [unclosed\nplayers: {}\n", 2, 8, "',' or ']'", id="unclosed-flow-sequence"),
    pytest.param(BASE + "description: |\n  ok\n\tbad\n" + MATRIX, 7, 1, "tab", id="tab-indent"),
    pytest.param(
        BASE + "payoffs:\n  - add: {A: " + "9" * 5000 + "}\n",
        6,
        14,
        "too many digits",
        id="5000-digit-integer",
    ),
    # --- expressions: code injection and resource exhaustion ------------------------
    pytest.param(rule("9**9**9"), 6, 18, "exponent 387420489 is larger than 64", id="9**9**9"),
    pytest.param(
        BASE + "payoffs:\n  - add: {A: 2**99}\n",
        6,
        17,
        "exponent 99 is larger than 64",
        id="2**99",
    ),
    pytest.param(
        rule("(-2)**-65"),
        6,
        21,
        "exponent -65 is larger than 64 in absolute value",
        id="negative-exponent",
    ),
    pytest.param(rule('__import__("os").system("id")'), 6, 15, "may be called", id="__import__"),
    pytest.param(
        BASE + "payoffs:\n  - add: {A: \"__import__('os')\"}\n",
        6,
        15,
        "'__import__' cannot be called",
        id="__import__-os",
    ),
    pytest.param(
        rule("().__class__.__bases__[0].__subclasses__()"),
        6,
        15,
        "may be called",
        id="dunder-walk-call",
    ),
    pytest.param(rule("(1).__class__"), 6, 19, "attribute access", id="dunder-attribute"),
    pytest.param(rule("lambda: 1"), 6, 15, "lambda expressions are not allowed", id="lambda"),
    pytest.param(
        rule("[i for i in (1, 2)]"), 6, 15, "comprehensions are not allowed", id="list-comp"
    ),
    pytest.param(rule("sum(i for i in (1, 2))"), 6, 15, "cannot be called", id="genexp-call"),
    pytest.param(rule("x.real"), 6, 17, "attribute access is not allowed", id="attribute"),
    pytest.param(
        "parameters: {a: 1}\n" + BASE + "payoffs:\n  - add: {A: 'a[0]'}\n",
        7,
        15,
        "subscripts are not allowed",
        id="subscript",
    ),
    pytest.param(rule('open("/etc/passwd")'), 6, 15, "'open' cannot be called", id="open"),
    pytest.param(rule("min(1, key=abs)"), 6, 22, "keyword arguments", id="keyword-argument"),
    pytest.param(rule("(a := 1)"), 6, 16, "assignment expressions (:=)", id="walrus"),
    pytest.param(rule("1 and 0"), 6, 15, "'and' is not allowed", id="boolean-and"),
    pytest.param(rule("not 1"), 6, 15, "'not' is not allowed", id="not"),
    pytest.param(rule("1 // 2"), 6, 15, "'//' is not allowed", id="floor-division"),
    pytest.param(rule('"abc"'), 6, 15, "strings are not allowed", id="string-literal"),
    pytest.param(rule("1j"), 6, 15, "complex numbers", id="complex"),
    pytest.param(rule("1 # comment"), 6, 17, "comments", id="comment-in-expression"),
    pytest.param(rule("(" * 40 + "1" + ")" * 40), 6, 47, "nested deeper", id="deep-parens"),
    pytest.param(rule("1+" * 200 + "1"), 6, 415, "401 characters", id="401-characters"),
    pytest.param(rule(""), 6, 15, "empty expression", id="empty-expression"),
    pytest.param(rule("1 +* 2"), 6, 18, "syntax error", id="syntax-error"),
    pytest.param(rule("min(1)"), 6, 15, "at least 2 arguments", id="min-one-argument"),
    pytest.param(rule("exp"), 6, 15, "must be called", id="uncalled-function"),
    # --- duplicate keys, moves and players -------------------------------------------
    pytest.param(
        "name: a\nname: b\n" + BASE[len("name: G\n") :] + MATRIX,
        2,
        1,
        "duplicate key 'name' (first defined at line 1)",
        id="duplicate-top-key",
    ),
    pytest.param(
        BASE.replace("A: {moves: [x, y]}", "A: {moves: [x, y], moves: [u, v]}") + MATRIX,
        3,
        22,
        "duplicate key 'moves'",
        id="duplicate-nested-key",
    ),
    pytest.param(
        BASE + "  A: {moves: [p, q]}\n" + MATRIX,
        5,
        3,
        "duplicate key 'A' (first defined at line 3)",
        id="duplicate-player",
    ),
    pytest.param(
        BASE.replace("A: {moves: [x, y]}", "A: {moves: [x, x]}") + MATRIX,
        3,
        18,
        "move 'x' is listed twice",
        id="duplicate-move",
    ),
    pytest.param(
        BASE + "payoffs:\n  - add: {A: 1}\n    add: {B: 1}\n",
        7,
        5,
        "duplicate key 'add'",
        id="duplicate-key-in-rule",
    ),
    # --- outcome tables -----------------------------------------------------------
    pytest.param(
        OUTCOMES_HEAD
        + ROW.format(a="x", b="x")
        + ROW.format(a="x", b="y")
        + ROW.format(a="y", b="x"),
        6,
        3,
        "missing outcome for A=y, B=y",
        id="missing-profile",
    ),
    pytest.param(
        OUTCOMES_HEAD
        + ROW.format(a="x", b="x")
        + ROW.format(a="x", b="y")
        + ROW.format(a="y", b="x")
        + ROW.format(a="y", b="y")
        + ROW.format(a="x", b="y"),
        10,
        5,
        "profile A=x, B=y is repeated (first given on line 7)",
        id="repeated-profile",
    ),
    pytest.param(
        OUTCOMES_HEAD
        + "  - {moves: {A: x, B: x}, payoffs: {A: 1}}\n"
        + ROW.format(a="x", b="y")
        + ROW.format(a="y", b="x")
        + ROW.format(a="y", b="y"),
        6,
        36,
        "no payoff for B",
        id="outcome-row-missing-player",
    ),
    pytest.param(
        OUTCOMES_HEAD
        + ROW.format(a="x", b="q")
        + ROW.format(a="x", b="y")
        + ROW.format(a="y", b="x")
        + ROW.format(a="y", b="y"),
        6,
        23,
        "'B' has no move 'q'",
        id="outcome-unknown-move",
    ),
    # --- numbers that are not finite ---------------------------------------------
    pytest.param(
        WITH_Z + "payoffs:\n  - add: {A: 1/z}\n", 7, 14, "'1/z' is infinite at z=0", id="1/z"
    ),
    pytest.param(
        WITH_Z + "payoffs:\n  - add: {A: log(z)}\n",
        7,
        14,
        "'log(z)' is infinite at z=0",
        id="log(z)",
    ),
    pytest.param(WITH_Z + "payoffs:\n  - add: {A: z/z}\n", 7, 14, "is NaN at z=0", id="z/z-nan"),
    pytest.param(
        BASE + "payoffs:\n  - add: {A: exp(1000)}\n",
        6,
        14,
        "'exp(1000)' is infinite",
        id="exp(1000)",
    ),
    pytest.param(rule("sqrt(-1)"), 6, 14, "is NaN", id="sqrt(-1)"),
    pytest.param(BASE + "payoffs:\n  - add: {A: .nan}\n", 6, 14, "not finite", id="nan-literal"),
    pytest.param(BASE + "payoffs:\n  - add: {A: -.inf}\n", 6, 14, "not finite", id="inf-literal"),
    pytest.param(BASE + "payoffs:\n  - add: {A: 1e400}\n", 6, 14, "not finite", id="1e400"),
    pytest.param(
        "parameters: {big: 1e308}\n" + BASE + "matrix:\n  - [[big * 10, 1], [1, 1]]\n"
        "  - [[1, 1], [1, 1]]\n",
        7,
        7,
        "is infinite at big=1e+308",
        id="overflow-in-matrix",
    ),
    # --- matrix shorthand ----------------------------------------------------------
    pytest.param(
        BASE + "matrix:\n  - [[1, 1]]\n  - [[1, 1], [1, 1]]\n",
        6,
        5,
        "1 cells, but B has 2 moves",
        id="ragged-row",
    ),
    pytest.param(
        BASE + "matrix:\n  - [[1, 1], [1, 1]]\n",
        6,
        3,
        "1 rows, but A has 2 moves",
        id="too-few-rows",
    ),
    pytest.param(
        BASE + "matrix:\n  - [[1, 1], [1, 1, 1]]\n  - [[1, 1], [1, 1]]\n",
        6,
        14,
        "found 3 values",
        id="three-number-cell",
    ),
    pytest.param(
        BASE + "  C: {moves: [x, y]}\n" + MATRIX,
        6,
        9,
        "matrix form is for 2 players",
        id="matrix-three-players",
    ),
    pytest.param(
        BASE + "matrix:\n  - [1, 2]\n  - [3, 4]\n",
        6,
        6,
        "only allowed with zero_sum: true",
        id="single-number-cells-not-zero-sum",
    ),
    # --- names: players, moves, parameters -----------------------------------------
    pytest.param(
        BASE + "payoffs:\n  - add: {C: 1}\n", 6, 11, "unknown player 'C'", id="unknown-player-add"
    ),
    pytest.param(
        BASE + "payoffs:\n  - add: {AA: 1}\n",
        6,
        11,
        "unknown player 'AA' (did you mean 'A'?)",
        id="unknown-player-add-did-you-mean",
    ),
    pytest.param(
        BASE.replace("A: {moves: [x, y]}", "A: {moves: [cooperate, defect]}")
        + "payoffs:\n  - when: {A: cooperat}\n    add: {A: 1}\n",
        6,
        15,
        "'A' has no move 'cooperat' (did you mean 'cooperate'?)",
        id="unknown-move-in-when",
    ),
    pytest.param(
        BASE + "payoffs:\n  - when: {A: [x, zz]}\n    add: {A: 1}\n",
        6,
        19,
        "'A' has no move 'zz'",
        id="unknown-move-in-when-list",
    ),
    pytest.param(
        BASE + "payoffs:\n  - when: {C: x}\n    add: {A: 1}\n",
        6,
        12,
        "unknown key 'C'",
        id="unknown-player-in-when",
    ),
    pytest.param(
        "parameters: {temptation: 1}\n" + BASE + "payoffs:\n  - add: {A: temptaton}\n",
        7,
        14,
        "unknown name 'temptaton' (did you mean 'temptation'?)",
        id="unknown-parameter-did-you-mean",
    ),
    pytest.param(
        "parameters: {a: b, b: a}\n" + GOOD, 1, 23, "cycle: a -> b -> a", id="cycle-a-b-a"
    ),
    pytest.param(
        "parameters: {a: b, b: c, c: a}\n" + GOOD,
        1,
        29,
        "cycle: a -> b -> c -> a",
        id="cycle-a-b-c-a",
    ),
    pytest.param("parameters: {a: a + 1}\n" + GOOD, 1, 17, "'a'", id="cycle-a-a"),
    pytest.param(
        "parameters: {min: 1}\n" + GOOD, 1, 14, "'min' is a function name", id="parameter-min"
    ),
    pytest.param(
        "parameters: {exp: 1}\n" + GOOD, 1, 14, "'exp' is a function name", id="parameter-exp"
    ),
    pytest.param(
        "parameters: {'a b': 1}\n" + GOOD, 1, 14, "must match", id="parameter-name-with-space"
    ),
    pytest.param(
        "name: G\nplayers:\n  A: {moves: [a b, y]}\n  B: {moves: [x, y]}\n" + MATRIX,
        3,
        15,
        "move name 'a b' must match",
        id="move-name-with-space",
    ),
    pytest.param(
        "name: G\nplayers:\n  A: {moves: [1, 2]}\n  B: {moves: [x, y]}\n" + MATRIX,
        3,
        15,
        "expected text, found the number 1",
        id="numeric-moves",
    ),
    pytest.param(
        "name: G\nplayers:\n  A: {moves: [true, false]}\n  B: {moves: [x, y]}\n" + MATRIX,
        3,
        15,
        "found the boolean true",
        id="boolean-moves",
    ),
    # --- parameters: ranges and distributions --------------------------------------
    pytest.param(
        "parameters:\n  a: {value: 1, distribution: {normal: {mean: 0, sd: -1}}}\n" + GOOD,
        2,
        40,
        "sd must be positive",
        id="negative-sd",
    ),
    pytest.param(
        "parameters:\n  a: {value: 1, distribution: {gamma: {k: 1}}}\n" + GOOD,
        2,
        32,
        "unknown key 'gamma'",
        id="unknown-distribution",
    ),
    pytest.param(
        "parameters:\n  a: {value: 1, distribution: {uniform: {low: 2, high: 1}}}\n" + GOOD,
        2,
        41,
        "low must be below high",
        id="uniform-low-above-high",
    ),
    pytest.param(
        "parameters:\n  a: {value: 1, distribution: {beta: {a: 0, b: 1}}}\n" + GOOD,
        2,
        38,
        "must be positive",
        id="beta-zero",
    ),
    pytest.param(
        "parameters:\n  a: {value: 1, distribution: {normal: {mean: 0}}}\n" + GOOD,
        2,
        40,
        "missing required key 'sd'",
        id="distribution-missing-argument",
    ),
    pytest.param(
        "parameters:\n  a: {value: 1, range: [5, 5]}\n" + GOOD,
        2,
        24,
        "low (5) must be below high (5)",
        id="range-low-equals-high",
    ),
    pytest.param(
        "parameters:\n  a: {value: 1, range: [6, 5]}\n" + GOOD,
        2,
        24,
        "low (6) must be below high (5)",
        id="range-low-above-high",
    ),
    pytest.param(
        "parameters:\n  a: {value: 1, range: [0, .inf]}\n" + GOOD,
        2,
        28,
        "finite",
        id="range-infinite",
    ),
    pytest.param(
        "parameters:\n  a: {range: [0, 1]}\n" + GOOD,
        2,
        6,
        "missing required key 'value'",
        id="parameter-without-value",
    ),
    # --- top-level structure -------------------------------------------------------
    pytest.param(
        BASE + MATRIX + "payofs: []\n",
        6,
        1,
        "unknown key 'payofs' (did you mean 'payoffs'?)",
        id="payofs-did-you-mean",
    ),
    pytest.param(
        BASE[len("name: G\n") :] + MATRIX, 1, 1, "missing required key 'name'", id="missing-name"
    ),
    pytest.param(
        "name: G\n" + MATRIX, 1, 1, "missing required key 'players'", id="missing-players"
    ),
    pytest.param(
        BASE + MATRIX + "payoffs:\n  - add: {A: 1}\n",
        5,
        1,
        "one way only: found payoffs and matrix",
        id="two-payoff-forms",
    ),
    pytest.param(BASE, 1, 1, "no payoffs", id="no-payoff-form"),
    pytest.param(
        BASE.replace("A: {moves: [x, y]}", "A: {moves: [x]}") + MATRIX,
        3,
        14,
        "at least two moves",
        id="one-move",
    ),
    pytest.param(
        "name: G\nplayers:\n  A: {moves: [x, y]}\npayoffs:\n  - add: {A: 1}\n",
        3,
        3,
        "at least two players",
        id="one-player-simultaneous",
    ),
    pytest.param(
        "name: G\nplayers: {A: , B: }\n" + MATRIX,
        2,
        14,
        "expected a mapping",
        id="player-without-moves",
    ),
    pytest.param(
        "name: 5\n" + BASE[len("name: G\n") :] + MATRIX, 1, 7, "expected text", id="numeric-name"
    ),
    pytest.param(
        "name: G\nplayers:\n"
        + "".join(f"  P{i}: {{moves: [a, b]}}\n" for i in range(3))
        + "zero_sum: true\npayoffs:\n  - add: {P0: 1}\n",
        6,
        11,
        "zero_sum is for two-player games",
        id="zero-sum-three-players",
    ),
    pytest.param(
        BASE + "zero_sum: yes\n" + MATRIX,
        5,
        11,
        "expected true or false",
        id="zero-sum-yes-is-text",
    ),
    pytest.param(
        GOOD + "payoff_scale: interval\n",
        6,
        15,
        "expected cardinal or ordinal, found 'interval'",
        id="payoff-scale-interval",
    ),
    pytest.param(EIGHT_BY_EIGHT, 3, 3, "16,777,216 pure profiles", id="8-players-8-moves"),
    # --- sequential games ------------------------------------------------------------
    pytest.param(
        BASE + "sequence:\n  - player: A\n    moves: [x, y]\ntree:\n  payoffs: {A: 1, B: 1}\n"
        "payoffs:\n  - add: {A: 1}\n",
        8,
        1,
        "either sequence or tree, not both",
        id="sequence-and-tree",
    ),
    pytest.param(
        seq_game(
            "  - id: first\n    player: A\n    moves: [x, y]\n    when: {second: u}\n"
            "  - id: second\n    player: B\n    moves: [u, v]\n"
        ),
        7,
        12,
        "refers to stage 'second' in `when`, which comes later",
        id="stage-refers-to-later",
    ),
    pytest.param(
        seq_game(
            "  - chance: nature\n    outcomes: {hi: 0.5, lo: 0.4}\n"
            "  - player: A\n    moves: [x, y]\n"
        ),
        5,
        15,
        "chance probabilities sum to 0.9",
        id="chance-sum-not-1",
    ),
    pytest.param(
        seq_game(
            "  - chance: nature\n    outcomes: {hi: -0.5, lo: 1.5}\n"
            "  - player: A\n    moves: [x, y]\n"
        ),
        5,
        20,
        "probability of 'hi' is -0.5; a probability cannot be negative",
        id="chance-negative",
    ),
    pytest.param(
        seq_game("  - player: A\n    moves: [x, y]\n  - player: A\n    moves: [u, v]\n"),
        6,
        13,
        "needs an `id`",
        id="player-twice-without-id",
    ),
    pytest.param(
        "name: G\nplayers: {A: , B: }\ntree:\n  player: A\n  moves:\n"
        "    x: {payoffs: {A: 1, B: 2}}\n    y: {payoffs: {A: 1}}\n",
        7,
        18,
        "leaf has no payoff for 'B'",
        id="tree-leaf-missing-player",
    ),
    pytest.param(
        "name: G\nplayers: {A: , B: }\ntree:\n  chance: {h: 0.5, t: 0.6}\n  moves:\n"
        "    h: {payoffs: {A: 1, B: 1}}\n    t: {payoffs: {A: 1, B: 1}}\n",
        4,
        11,
        "sum to 1.1",
        id="tree-chance-sum",
    ),
    pytest.param(
        BASE + "sequence:\n  - player: A\n    moves: [x, y]\n" + MATRIX,
        8,
        1,
        "matrix form is for simultaneous games",
        id="sequence-with-matrix",
    ),
    # --- solve and analysis settings -----------------------------------------------
    pytest.param(
        GOOD + "solve:\n  concepts: [pure_nash, nash]\n",
        7,
        25,
        "unknown concept 'nash' (did you mean 'pure_nash'?)",
        id="unknown-concept",
    ),
    pytest.param(
        GOOD + "solve: {qre_lambda: -1}\n",
        6,
        21,
        "lambda must be zero or positive",
        id="negative-qre-lambda",
    ),
    pytest.param(
        GOOD + "analysis:\n  sweeps:\n    - {parameter: nosuch, from: 0, to: 1}\n",
        8,
        19,
        "unknown parameter 'nosuch'",
        id="sweep-unknown-parameter",
    ),
    pytest.param(
        "parameters: {shield: 1}\n"
        + GOOD
        + "analysis:\n  sweeps:\n    - {parameter: sheild, from: 0, to: 1}\n",
        9,
        19,
        "unknown parameter 'sheild' (did you mean 'shield'?)",
        id="sweep-unknown-parameter-did-you-mean",
    ),
    pytest.param(
        "parameters: {a: 1}\n"
        + GOOD
        + "analysis:\n  sweeps:\n    - {parameter: a, from: 0, to: 1, steps: 1}\n",
        9,
        45,
        "between 2 and",
        id="sweep-one-step",
    ),
    pytest.param(
        GOOD + "analysis:\n  monte_carlo: {samples: 0}\n",
        7,
        26,
        "must be between 1 and",
        id="monte-carlo-zero-samples",
    ),
    pytest.param(
        GOOD + "analysis:\n  monte_carlo: {samples: 1.5}\n",
        7,
        26,
        "expected a whole number",
        id="monte-carlo-fractional-samples",
    ),
]


def load_error(text: str) -> tuple[ScenarioError, float]:
    """Load ``text``; return the error it must raise and the seconds it took."""
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario_text(text, FILE)
    return info.value, time.perf_counter() - start


def show(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> str:
    return "\n".join(str(d) for d in diagnostics)


def assert_has(
    error: ScenarioError, line: int | None, col: int | tuple[int, ...] | None, words: str
) -> Diagnostic:
    """One diagnostic at ``line:col`` (``None`` = any) whose message contains ``words``."""
    cols = col if isinstance(col, tuple) else (col,)
    found = [
        d
        for d in error.diagnostics
        if (line is None or d.location.line == line)
        and (col is None or d.location.col in cols)
        and words in d.message
    ]
    assert found, (
        f"no diagnostic at {line}:{col} containing {words!r} in:\n{show(error.diagnostics)}"
    )
    return found[0]


def assert_well_formed(error: ScenarioError, filename: str = FILE) -> None:
    """Every diagnostic names the file, has line/col >= 1 and prints as one line."""
    assert error.diagnostics, "a ScenarioError without diagnostics"
    for d in error.diagnostics:
        assert d.location.file == filename
        assert d.location.line >= 1
        assert d.location.col >= 1
        assert LINE_FORMAT.match(str(d)), str(d)
        assert "\n" not in str(d)
        assert "Traceback" not in str(d)
    assert len(error.diagnostics) <= MAX_DIAGNOSTICS + 1


@pytest.mark.parametrize(("text", "line", "col", "words"), CASES)
def test_adversarial_file_is_refused_quickly_with_a_located_error(
    text: str, line: int | None, col: int | tuple[int, ...] | None, words: str
) -> None:
    error, seconds = load_error(text)
    assert seconds < FAST, f"took {seconds:.2f} s"
    assert_well_formed(error)
    assert_has(error, line, col, words)


def test_the_case_table_is_large() -> None:
    assert len(CASES) >= 100
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------- files on disk

FILE_CASES = [
    pytest.param(b"name: G\n\x00\x01\xff\xfe" + os.urandom(200), 2, 1, "binary", id="binary-NUL"),
    pytest.param(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), 1, 8, "binary", id="elf-header"),
    pytest.param(b"name: G\nplayers: \xff\xfe\n", 2, 10, "not UTF-8", id="invalid-utf8"),
    pytest.param(b"name: caf\xc3\n", 1, 10, "not UTF-8", id="truncated-utf8"),
    pytest.param(b"name: x\n" + b"#" * 1_000_001, 1, 1, "larger than", id="over-1MB"),
    pytest.param(b"\xef\xbb\xbf- a\n", 1, None, "mapping", id="bom-then-list"),
    pytest.param(b"", 1, 1, "file is empty", id="empty"),
]


@pytest.mark.parametrize(("data", "line", "col", "words"), FILE_CASES)
def test_bad_file_on_disk(
    tmp_path: Path, data: bytes, line: int, col: int | None, words: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(data)
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(path)
    assert time.perf_counter() - start < FAST
    assert_well_formed(info.value, str(path))
    assert_has(info.value, line, col, words)


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    """A 50 MB file (sparse) is refused from its size alone, without reading it."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match="larger than"):
        sim.load_scenario(path)
    assert time.perf_counter() - start < FAST


def test_directory_is_not_a_scenario(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not a file"):
        sim.load_scenario(tmp_path)


def test_good_file_on_disk_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    scenario = sim.load_scenario(path)
    assert scenario.player_names == ("A", "B")


def test_error_lines_are_right_with_crlf() -> None:
    error, _ = load_error((BASE + "payoffs:\n  - add: {C: 1}\n").replace("\n", "\r\n"))
    assert_has(error, 6, 11, "unknown player 'C'")


# --------------------------------------------------------------------------- YAML 1.1 traps


def test_yaml_11_booleans_stay_strings() -> None:
    """``NO`` is Norway and ``yes``/``no``/``on``/``off`` are move names, not booleans."""
    scenario = sim.load_scenario_text(
        "name: Norway\n"
        "players:\n"
        "  NO: {moves: [yes, no]}\n"
        "  Sweden: {moves: [on, off]}\n"
        "  Y: {moves: [Y, N]}\n"
        "payoffs:\n"
        "  - when: {NO: yes, Sweden: off, Y: N}\n"
        "    add: {NO: 1}\n",
        FILE,
    )
    assert scenario.player_names == ("NO", "Sweden", "Y")
    assert [p.moves for p in scenario.players] == [("yes", "no"), ("on", "off"), ("Y", "N")]
    assert all(isinstance(m, str) for p in scenario.players for m in p.moves)
    game = sim.build_game(scenario)
    assert game.payoffs[0, 0, 1, 1] == 1.0
    assert game.payoffs[0].sum() == 1.0


def test_yaml_12_numbers() -> None:
    """``012`` is 12 (not octal 10), ``1e3`` is 1000.0, ``0o17`` 15, ``0x1F`` 31."""
    scenario = sim.load_scenario_text(
        "name: G\nparameters: {p: 012, q: 1e3, r: 0o17, s: 0x1F, t: +5, u: .5, v: -1E-2}\n"
        + BASE[len("name: G\n") :]
        + MATRIX,
        FILE,
    )
    env = parameter_env(scenario.parameters)
    assert env == {"p": 12.0, "q": 1000.0, "r": 15.0, "s": 31.0, "t": 5.0, "u": 0.5, "v": -0.01}
    assert all(isinstance(v, float) for v in env.values())


def test_quoted_null_and_true_are_names() -> None:
    scenario = sim.load_scenario_text(
        "name: G\nplayers:\n  'null': {moves: ['true', 'null']}\n  'true': {moves: [x, y]}\n"
        + MATRIX,
        FILE,
    )
    assert scenario.player_names == ("null", "true")
    assert scenario.players[0].moves == ("true", "null")


# --------------------------------------------------------------------------- many errors


def test_three_independent_mistakes_are_all_reported() -> None:
    text = (
        "name: G\n"
        "parameters:\n"
        "  a: 1 +* 2\n"  # line 3: syntax error
        "players:\n"
        "  A: {moves: [x, y]}\n"
        "  B: {moves: [x, y]}\n"
        "payoffs:\n"
        "  - when: {A: z}\n"  # line 8: unknown move
        "    add: {A: 1}\n"
        "  - add: {C: 1}\n"  # line 10: unknown player
    )
    error, _ = load_error(text)
    assert_well_formed(error)
    assert len(error.diagnostics) == 3, show(error.diagnostics)
    assert_has(error, 3, 9, "syntax error")
    assert_has(error, 8, 15, "'A' has no move 'z'")
    assert_has(error, 10, 11, "unknown player 'C'")
    lines = [d.location.line for d in error.diagnostics]
    assert lines == sorted(lines)


def test_mistakes_in_different_sections_are_all_reported() -> None:
    text = (
        "name: G\n"
        "parameters:\n"
        "  a: {value: 1, range: [2, 1]}\n"  # 3
        "players:\n"
        "  A: {moves: [x, y]}\n"
        "  B: {moves: [x, y]}\n"
        "matrix: [[[1, 1], [1, 1]], [[1, 1], [1, 1]]]\n"
        "payoff_scale: interval\n"  # 8
        "solve: {concepts: [nash]}\n"  # 9
        "analysis: {monte_carlo: {samples: 0}}\n"  # 10
        "extra: 1\n"  # 11
        "labels: [{when: {A: q}, name: n}]\n"  # 12
    )
    error, _ = load_error(text)
    assert_well_formed(error)
    assert_has(error, 3, 24, "must be below high")
    assert_has(error, 8, 15, "expected cardinal or ordinal")
    assert_has(error, 9, 20, "unknown concept 'nash'")
    assert_has(error, 10, 35, "must be between 1 and")
    assert_has(error, 11, 1, "unknown key 'extra'")
    assert_has(error, 12, 21, "'A' has no move 'q'")
    assert len(error.diagnostics) == 6, show(error.diagnostics)


def test_settings_mistakes_are_reported_even_when_players_are_wrong() -> None:
    text = (
        "name: G\n"
        "players:\n"
        "  A: {moves: [x, x]}\n"  # 3: duplicate move
        "  B: {moves: [x, y]}\n"
        "matrix: [[[1, 1], [1, 1]], [[1, 1], [1, 1]]]\n"
        "solve: {concepts: [nash]}\n"  # 6
        "analysis: {monte_carlo: {samples: 0}}\n"  # 7
    )
    error, _ = load_error(text)
    assert_has(error, 3, 18, "listed twice")
    assert_has(error, 6, 20, "unknown concept 'nash'")
    assert_has(error, 7, 35, "must be between 1 and")


def test_one_hundred_mistakes_are_capped() -> None:
    text = BASE + "payoffs:\n" + "".join(f"  - add: {{A: nosuch{i}}}\n" for i in range(100))
    error, seconds = load_error(text)
    assert seconds < FAST
    assert_well_formed(error)
    assert 2 <= len(error.diagnostics) <= MAX_DIAGNOSTICS + 1 <= 21
    assert "too many errors" in error.diagnostics[-1].message
    assert sum("too many errors" in d.message for d in error.diagnostics) == 1
    assert all("unknown name 'nosuch" in d.message for d in error.diagnostics[:-1])
    assert len(str(error).splitlines()) <= 21


def test_one_hundred_mistakes_of_many_kinds_are_capped() -> None:
    params = "".join(f"  p{i}: q{i}\n" for i in range(40))
    rules = "".join(f"  - {{when: {{A: m{i}}}, add: {{Z{i}: 1}}}}\n" for i in range(40))
    text = "name: G\nparameters:\n" + params + BASE[len("name: G\n") :] + "payoffs:\n" + rules
    text += "".join(f"bogus{i}: 1\n" for i in range(20))
    error, seconds = load_error(text)
    assert seconds < FAST
    assert_well_formed(error)
    assert len(error.diagnostics) <= MAX_DIAGNOSTICS + 1
    assert any("too many errors" in d.message for d in error.diagnostics)


def test_too_many_errors_note_comes_last() -> None:
    text = "parameters:\n" + "".join(f"  p{i}: q{i}\n" for i in range(30)) + GOOD + "payofs: 1\n"
    error, _ = load_error(text)
    assert "too many errors" in error.diagnostics[-1].message, show(error.diagnostics)


# --------------------------------------------------------------------------- regressions
# Bugs this file found (originally strict xfails; fixed in e52b0bc).


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(GOOD + '"pay\\noffs": 1\n', id="key-with-newline"),
        pytest.param(BASE + 'zero_sum: "a\\nb"\n' + MATRIX, id="value-with-newline"),
        pytest.param(GOOD + 'payoff_scale: "x\\ny"\n', id="scale-with-newline"),
    ],
)
def test_diagnostics_are_single_lines_even_for_multiline_input(text: str) -> None:
    error, _ = load_error(text)
    assert_well_formed(error)


def test_self_referencing_parameter_is_called_a_cycle() -> None:
    error, _ = load_error("parameters: {a: a + 1}\n" + GOOD)
    d = assert_has(error, 1, 17, "")
    assert "cycle" in d.message or "itself" in d.message, d.message


@pytest.mark.parametrize("name", ["class", "if", "lambda", "True", "None"])
def test_parameter_named_like_a_keyword(name: str) -> None:
    text = f"parameters: {{{name}: 2}}\n" + BASE + f"payoffs:\n  - add: {{A: '{name} * 3'}}\n"
    try:
        scenario = sim.load_scenario_text(text, FILE)
    except ScenarioError as exc:
        # Acceptable: refused where the name is defined (line 1), saying why.
        first = exc.diagnostics[0]
        assert first.location.line == 1 and "reserved" in first.message, show(exc.diagnostics)
    else:
        assert sim.build_game(scenario).payoffs[0, 0, 0] == 6.0


def test_non_finite_chance_probability_is_reported_once() -> None:
    error, _ = load_error(
        seq_game(
            "  - chance: c\n    outcomes: {h: 0.5, t: '1/0'}\n  - player: A\n    moves: [x, y]\n"
        )
    )
    assert_has(error, 5, 27, "'1/0' is infinite")
    assert len({str(d) for d in error.diagnostics}) == len(error.diagnostics), show(
        error.diagnostics
    )


def test_sequence_with_matrix_reports_no_follow_on_errors() -> None:
    error, _ = load_error(seq_game("  - player: A\n    moves: [x, y]\n", payoffs="matrix: [[1]]\n"))
    assert_has(error, 6, 1, "matrix form is for simultaneous games")
    assert len(error.diagnostics) == 1, show(error.diagnostics)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("payoffs:\n  - add: {A: 1}\n", id="rules"),
        pytest.param(
            "outcomes:\n"
            + ROW.format(a="x", b="x").replace("B: 1}}", "B: -1}}")
            + ROW.format(a="x", b="y").replace("B: 1}}", "B: -1}}")
            + ROW.format(a="y", b="x").replace("B: 1}}", "B: -1}}")
            + ROW.format(a="y", b="y"),
            id="outcomes",
        ),
    ],
)
def test_zero_sum_violation_is_caught_when_loading(body: str) -> None:
    text = BASE + "zero_sum: true\n" + body
    error, _ = load_error(text)
    # Located where the offending payoffs are written: the outcome row, else the key.
    d = assert_has(error, None, None, "zero_sum is true")
    assert d.location.line == (5 if body.startswith("payoffs") else 10), show(error.diagnostics)


def test_zero_sum_rules_that_do_sum_to_zero_load() -> None:
    text = BASE + "zero_sum: true\npayoffs:\n  - when: {A: x}\n    add: {A: 1, B: -1}\n"
    game = sim.build_game(sim.load_scenario_text(text, FILE))
    assert np.allclose(game.payoffs.sum(axis=0), 0.0)


def test_zero_sum_matrix_pair_that_is_not_zero_sum_is_refused() -> None:
    text = BASE + "zero_sum: true\nmatrix:\n  - [[3, 2], 1]\n  - [-1, 0]\n"
    try:
        scenario = sim.load_scenario_text(text, FILE)
        sim.build_game(scenario)
    except ScenarioError as exc:
        assert_has(exc, 7, None, "")
    else:
        pytest.fail("a zero_sum matrix with the cell [3, 2] was accepted")
