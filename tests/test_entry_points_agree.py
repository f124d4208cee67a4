"""``sim solve``, ``sim sweep`` and the strategic form of a sequential game agree.

All three ask :func:`sim.solvers.nash.dispatch.nash_equilibria` for every Nash
equilibrium of a strategic-form game. Each game of the corpus (seeded random
games, degenerate ones with tied integer payoffs, and the bundled simultaneous
scenarios at their default values) is written three ways: as a simultaneous
scenario solved by ``sim solve``, swept by ``sim sweep`` over a parameter that
scales nothing at its first point, and as a sequential game whose movers see
nothing of each other (one information set each, so that its reduced
strategic form is the same game). The three JSON documents must list the
same equilibria.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli.main import main
from sim.scenario.bundled import bundled_scenarios

DIGITS = 6

SHAPES = [(2, 2), (2, 3), (3, 3), (3, 4), (2, 2, 2), (2, 3, 2)]


def _random_games() -> list[tuple[str, np.ndarray]]:
    games = []
    for seed, shape in enumerate(SHAPES):
        rng = np.random.default_rng(seed)
        games.append((f"random-{shape}", rng.standard_normal((len(shape), *shape))))
        # degenerate: payoffs drawn from {0, 1, 2}, so ties and continua are common
        ties = rng.integers(0, 3, size=(len(shape), *shape)).astype(float)
        games.append((f"ties-{shape}", ties))
    games.append(("all-zero-2x2", np.zeros((2, 2, 2))))
    games.append(("all-zero-2x2x2", np.zeros((3, 2, 2, 2))))
    return games


def _bundled_games() -> list[tuple[str, np.ndarray]]:
    games = []
    for path in bundled_scenarios():
        scenario = sim.load_scenario(path)
        if scenario.kind == "simultaneous":
            games.append((path.stem, sim.build_game(scenario).payoffs))
    return games


CORPUS = _random_games() + _bundled_games()


def _scenario_text(payoffs: np.ndarray, *, sequential: bool) -> str:
    """The game as a scenario; payoffs are ``x * s`` with ``s = 1``."""
    n = payoffs.shape[0]
    players = [f"P{i}" for i in range(n)]
    lines = ["name: agree", "parameters:", "  s: {value: 1, range: [0, 2]}", "players:"]
    for i, p in enumerate(players):
        moves = ", ".join(f"m{k}" for k in range(payoffs.shape[1 + i]))
        lines.append(f"  {p}: {{moves: [{moves}]}}")
    if sequential:
        lines.append("sequence:")
        for i, p in enumerate(players):
            lines.append(f"  - player: {p}" + ("\n    observes: []" if i else ""))
    lines.append("outcomes:")
    for profile in np.ndindex(*payoffs.shape[1:]):
        moves = ", ".join(f"{p}: m{k}" for p, k in zip(players, profile, strict=True))
        pays = ", ".join(
            f"{p}: {float(payoffs[(i, *profile)])!r} * s" for i, p in enumerate(players)
        )
        lines.append(f"  - moves: {{{moves}}}\n    payoffs: {{{pays}}}")
    return "\n".join(lines) + "\n"


def _key(strategies: dict[str, dict[str, float]]) -> tuple[tuple[float, ...], ...]:
    return tuple(
        tuple(round(float(p), DIGITS) + 0.0 for p in dist.values()) for dist in strategies.values()
    )


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("name", "payoffs"), CORPUS, ids=[c[0] for c in CORPUS])
def test_solve_sweep_and_tree_agree(
    name: str, payoffs: np.ndarray, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = tmp_path / "flat.yaml"
    flat.write_text(_scenario_text(payoffs, sequential=False), encoding="utf-8")
    tree = tmp_path / "tree.yaml"
    tree.write_text(_scenario_text(payoffs, sequential=True), encoding="utf-8")
    nash = ["--concept", "pure_nash,mixed_nash"]

    solved = _run(["solve", str(flat), "--json", *nash], capsys)
    from_solve = sorted(_key(e["strategies"]) for e in solved["equilibria"])

    swept = _run(["sweep", str(flat), "s=1:2:2", "--json", *nash], capsys)
    point = swept["points"][0]
    assert point["value"] == 1.0
    from_sweep = sorted(_key(e["strategies"]) for e in point["equilibria"])

    staged = _run(["solve", str(tree), "--json", *nash], capsys)
    # one information set per player: behaviour strategies are the mixed strategies
    from_tree = sorted(
        _key({p: next(iter(sets.values())) for p, sets in e["strategies"].items()})
        for e in staged["equilibria"]
    )

    assert from_solve, f"{name}: no equilibrium"
    assert from_sweep == from_solve, f"{name}: sim sweep differs from sim solve"
    assert from_tree == from_solve, f"{name}: the sequential form differs from sim solve"
    concepts = sorted(e["concept"] for e in solved["equilibria"])
    assert concepts == sorted(e["concept"] for e in point["equilibria"])
    assert concepts == sorted(e["concept"] for e in staged["equilibria"])


def test_the_corpus_has_degenerate_and_many_player_games() -> None:
    from sim.solvers.nash.vertex_enumeration import is_degenerate

    two = [u for _, u in CORPUS if u.shape[0] == 2]
    assert sum(is_degenerate(u[0], u[1]) for u in two) >= 3
    assert sum(u.shape[0] >= 3 for _, u in CORPUS) >= 4
