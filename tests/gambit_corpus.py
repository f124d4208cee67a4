"""The games our solvers are compared with Gambit on, and Gambit's recorded answers.

Each test module that compares with pygambit draws its games from here, so
that the tests, the recording script (``tests/fixtures/record_gambit.py``) and
the drift check (``tests/test_gambit_fixtures.py``) see the same corpus. Every
recorded answer carries the hash of its game: a test fails (and says to
re-record) when the corpus it generates no longer matches the fixture.

Fixture files are ``tests/fixtures/gambit_<module>.json``: ``{"about": ...,
"pygambit": version, "entries": {key: {"hash": ..., <Gambit's answers>}}}``.
Exact rationals are strings (``"1/3"``), floats are JSON numbers.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from sim.games.efg import to_efg
from sim.games.extensive import ExtensiveGame, PointValues, evaluate
from sim.games.extensive_build import build_extensive
from sim.scenario.loader import load_scenario, load_scenario_text
from sim.scenario.parameters import parameter_env

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORD = "python tests/fixtures/record_gambit.py"

# ---------------------------------------------------------------- hashing and fixtures


def array_hash(u: np.ndarray) -> str:
    """Short stable hash of a payoff array (shape and float64 bytes)."""
    a = np.ascontiguousarray(u, dtype="<f8")
    return hashlib.sha256(repr(a.shape).encode() + a.tobytes()).hexdigest()[:16]


def tree_hash(game: ExtensiveGame, values: PointValues) -> str:
    """Short stable hash of a tree at one point (its exact Gambit .efg text)."""
    return hashlib.sha256(to_efg(game, values).encode()).hexdigest()[:16]


def fixture_path(module: str) -> Path:
    return FIXTURES / f"gambit_{module}.json"


_LOADED: dict[str, dict[str, Any]] = {}


def load_fixture(module: str) -> dict[str, Any]:
    """The recorded fixture of ``module`` (fails, saying how to record it, if absent)."""
    if module not in _LOADED:
        path = fixture_path(module)
        assert path.is_file(), f"missing Gambit fixture {path}: run `{RECORD} {module}`"
        _LOADED[module] = json.loads(path.read_text(encoding="utf-8"))
    return _LOADED[module]


def recorded(module: str, key: str, game_hash: str) -> dict[str, Any]:
    """Gambit's recorded answer for one game, after checking that it is the same game."""
    entries = load_fixture(module)["entries"]
    assert key in entries, f"{key!r} not recorded in gambit_{module}.json: run `{RECORD} {module}`"
    entry: dict[str, Any] = entries[key]
    assert entry["hash"] == game_hash, (
        f"gambit_{module}.json[{key!r}] was recorded for another game "
        f"(hash {entry['hash']}, now {game_hash}): run `{RECORD} {module}`"
    )
    return entry


def number(v: str | float | int) -> float:
    """A recorded number (exact ``"p/q"`` string or float) as a float."""
    return float(Fraction(v)) if isinstance(v, str) else float(v)


def vector(values: Sequence[str | float | int]) -> np.ndarray:
    return np.array([number(v) for v in values])


def exact(p: float) -> Fraction:
    """A probability from our float results as the fraction it stands for."""
    return Fraction(float(p)).limit_denominator(10**6)


def behaviour_key(behaviour: Sequence[np.ndarray]) -> str:
    """Our behaviour profile as the exact fractions sent to Gambit, as a lookup key."""
    return ";".join(",".join(str(exact(p)) for p in b) for b in behaviour)


def recorded_regret(
    entry: dict[str, Any], behaviour: Sequence[np.ndarray], module: str
) -> dict[str, str]:
    """Gambit's exact regrets recorded for one of our behaviour profiles."""
    key = behaviour_key(behaviour)
    assert key in entry["profiles"], (
        f"Gambit's regret of the profile {key} is not recorded in gambit_{module}.json: "
        f"our equilibria changed; run `{RECORD} {module}` (with pygambit) and review the change"
    )
    found: dict[str, str] = entry["profiles"][key]
    return found


# ---------------------------------------------------------------- strategic-form games


def pure_nash_game(seed: int) -> np.ndarray:
    """3-5 players, 2-4 moves each; even seeds small integers (ties), odd seeds normals."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 6))
    sizes = tuple(int(m) for m in rng.integers(2, 5, size=n))
    if seed % 2 == 0:
        return rng.integers(0, 4, size=(n, *sizes)).astype(float)
    return rng.normal(size=(n, *sizes))


def normal_game(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Standard-normal payoffs, shape ``(len(shape), *shape)``."""
    return np.random.default_rng(seed).standard_normal((len(shape), *shape))


def bimatrix_game(seed: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Seeded game 2x2 .. 8x8; returns (A, B, integer payoffs?)."""
    rng = np.random.default_rng(seed)
    m, n = (int(v) for v in rng.integers(2, 9, size=2))
    kind = seed % 3
    # Gambit's exact (rational) enumeration is slow on large integer games:
    # keep most of them at most 42 cells, plus a few 8x8 ones.
    while kind < 2 and m * n > 42 and seed % 50:
        m, n = (int(v) for v in rng.integers(2, 9, size=2))
    if seed % 50 == 0:
        m, n = 8, 8
    if kind == 0:
        top = int(rng.integers(2, 4))
        a, b = rng.integers(0, top + 1, size=(2, m, n))
    elif kind == 1:
        a, b = rng.integers(-5, 6, size=(2, m, n))
    else:
        a, b = rng.normal(size=(2, m, n))
    return a.astype(float), b.astype(float), kind < 2


def thin_game(shape: tuple[int, int], seed: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Small and thin bimatrix games; even seeds small integers (exact in Gambit)."""
    rng = np.random.default_rng(1000 + seed)
    exact_ = seed % 2 == 0
    if exact_:
        a, b = rng.integers(0, 3, size=(2, *shape)).astype(float)
    else:
        a, b = rng.normal(size=(2, *shape))
    return a, b, exact_


# Integer 3x3 game whose principal logit branch turns back at lam ~ 1.120 and again at
# ~ 0.611 (Gambit's branch turns at the same places), so lam = 0.9 is crossed three times.
FOLDED = np.stack(
    [
        np.array([[3, -5, 2], [2, 3, -2], [0, 5, -1]], dtype=float),
        np.array([[-4, -4, 2], [3, 4, -3], [2, 3, 5]], dtype=float),
    ]
)

PURE_NASH_SEEDS = range(100)
VERTEX_SEEDS = range(300)
THIN_SHAPES = [(1, 1), (1, 2), (2, 1), (1, 5), (5, 1), (2, 3), (3, 7), (7, 3)]
THIN_SEEDS = range(12)
SUPPORT_2X2X2_SEEDS = range(40)
SUPPORT_MISSED_SEED = 73
SUPPORT_LARGER = [((3, 3, 2), 0), ((3, 3, 2), 1), ((3, 3, 2), 2), ((3, 3, 3), 1), ((3, 3, 3), 2)]
QRE_LAMBDAS = [0.1, 0.5, 1.0, 2.0, 5.0]
QRE_LAMBDA_GAMES: dict[str, Callable[[], np.ndarray]] = {
    "2x2": lambda: normal_game((2, 2), 11),
    "3x3": lambda: normal_game((3, 3), 12),
    "2x2x2": lambda: normal_game((2, 2, 2), 13),
    "folded": lambda: FOLDED,
}
QRE_LIMIT_SEEDS = [21, 22, 23]
QRE_LIMIT_SHAPES = [(3, 3), (2, 2, 2), (3, 3, 3)]


def shape_id(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape))


# ---------------------------------------------------------------- trees

SEQUENTIAL_SCENARIOS = [
    "entry_deterrence",
    "centipede",
    "ultimatum",
    "one_card_poker",
    "seltens_horse",
    "missile_shield_deal",
]
EXTENSIVE_RANDOM_SEEDS = range(6)


def checked_nash(name: str) -> int:
    """How many of a scenario's Nash equilibria are checked against Gambit (the first ones)."""
    return 3 if name == "missile_shield_deal" else 12


BACKWARD_INDUCTION_SEEDS = range(8)

OUTSIDE_OPTION = """\
name: Battle of the sexes with an outside option
players: {P1: {}, P2: {}}
tree:
  player: P1
  moves:
    out: {payoffs: {P1: 2, P2: 2}, label: Outside option}
    in:
      player: P1
      moves:
        opera:
          player: P2
          infoset: P2@bos
          moves:
            opera: {payoffs: {P1: 3, P2: 1}, label: Opera}
            football: {payoffs: {P1: 0, P2: 0}}
        football:
          player: P2
          infoset: P2@bos
          moves:
            opera: {payoffs: {P1: 0, P2: 0}}
            football: {payoffs: {P1: 1, P2: 3}, label: Football}
"""


def random_tree_scenario(
    rng: np.random.Generator,
    players: int = 2,
    max_depth: int = 4,
    chance: bool = True,
    moves: tuple[int, int] = (2, 3),
    nodes: int = 12,
) -> str:
    """A random perfect-information tree (integer payoffs 0..2, so ties) as scenario text."""
    names = [f"P{i + 1}" for i in range(players)]
    budget = [nodes]

    def node(depth: int) -> dict[str, Any]:
        if depth >= max_depth or budget[0] <= 0 or (depth > 0 and rng.random() < 0.25):
            return {"payoffs": {p: int(rng.integers(0, 3)) for p in names}}
        budget[0] -= 1
        k = int(rng.integers(moves[0], moves[1] + 1))
        kids = {f"m{j}": node(depth + 1) for j in range(k)}
        if chance and rng.random() < 0.25:
            weights = rng.integers(1, 4, size=k)
            probs = {f"m{j}": f"{int(w)}/{int(weights.sum())}" for j, w in enumerate(weights)}
            return {"chance": probs, "moves": kids}
        return {"player": names[int(rng.integers(players))], "moves": kids}

    doc = {"name": "random tree", "players": {p: {} for p in names}, "tree": node(0)}
    return json.dumps(doc)


def load_text(text: str) -> Any:
    """Load scenario text (JSON is accepted: it is YAML flow style)."""
    return load_scenario_text(text, "random.yaml")


def at_defaults(scenario: Any) -> tuple[ExtensiveGame, PointValues]:
    """The scenario's tree and its values at the parameters' defaults."""
    game = build_extensive(scenario)
    env = parameter_env(scenario.parameters, None)
    return game, evaluate(game, env).point(0, env)


def bundled_tree(name: str) -> tuple[ExtensiveGame, PointValues]:
    return at_defaults(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))


def random_tree(seed: int, **kwargs: Any) -> tuple[ExtensiveGame, PointValues]:
    """The seeded random tree of the backward-induction and subgame tests."""
    rng = np.random.default_rng(seed)
    game = build_extensive(load_text(random_tree_scenario(rng, **kwargs)))
    return game, evaluate(game, {}).point(0)


# ---------------------------------------------------------------- the corpora


def corpus_hashes(module: str) -> Iterator[tuple[str, str]]:
    """Every ``(key, game hash)`` the tests of ``module`` look up in its fixture."""
    if module == "pure_nash":
        for seed in PURE_NASH_SEEDS:
            yield str(seed), array_hash(pure_nash_game(seed))
    elif module == "vertex_enumeration":
        for seed in VERTEX_SEEDS:
            yield f"random/{seed}", array_hash(np.stack(bimatrix_game(seed)[:2]))
        for shape, seed in itertools.product(THIN_SHAPES, THIN_SEEDS):
            yield f"thin/{shape_id(shape)}/{seed}", array_hash(np.stack(thin_game(shape, seed)[:2]))
    elif module == "support_enumeration":
        cases = [((2, 2, 2), s) for s in SUPPORT_2X2X2_SEEDS]
        cases += [((2, 2, 2), SUPPORT_MISSED_SEED), *SUPPORT_LARGER]
        for shape, seed in cases:
            yield f"{shape_id(shape)}/{seed}", array_hash(normal_game(shape, seed))
    elif module == "logit_qre":
        for name, make in QRE_LAMBDA_GAMES.items():
            yield f"lambda/{name}", array_hash(make())
        for shape, seed in itertools.product(QRE_LIMIT_SHAPES, QRE_LIMIT_SEEDS):
            yield f"limit/{shape_id(shape)}/{seed}", array_hash(normal_game(shape, seed))
    elif module == "extensive":
        for name in SEQUENTIAL_SCENARIOS:
            yield f"structure/{name}", tree_hash(*bundled_tree(name))
        for seed in EXTENSIVE_RANDOM_SEEDS:
            yield f"random/{seed}", tree_hash(*at_defaults(random_tree_text(seed)))
        yield "reduced_form/one_card_poker", tree_hash(*bundled_tree("one_card_poker"))
    elif module == "backward_induction":
        for seed in BACKWARD_INDUCTION_SEEDS:
            yield f"random/{seed}", tree_hash(*random_tree(seed))
    elif module == "sequential_solve":
        for name in SEQUENTIAL_SCENARIOS:
            yield f"regrets/{name}", tree_hash(*bundled_tree(name))
        yield "solutions/one_card_poker", tree_hash(*bundled_tree("one_card_poker"))
        yield "enumpure/seltens_horse", tree_hash(*bundled_tree("seltens_horse"))
        yield "regrets/outside_option", tree_hash(*outside_option())
    else:
        raise KeyError(module)


MODULES = [
    "pure_nash",
    "vertex_enumeration",
    "support_enumeration",
    "logit_qre",
    "extensive",
    "backward_induction",
    "sequential_solve",
]


def random_tree_text(seed: int) -> Any:
    """The random tree scenario of the subgame-root comparison (default size)."""
    return load_text(random_tree_scenario(np.random.default_rng(seed)))


def outside_option() -> tuple[ExtensiveGame, PointValues]:
    return at_defaults(load_scenario_text(OUTSIDE_OPTION, "outside.yaml"))
