"""``sim target`` on seeded random affine games against a brute-force grid.

The exact answer must cost no more than any grid point where the target is an
equilibrium (with the margin), checked by an independent computation here:
the normal-form payoffs from :func:`sim.games.normal_form.build_game`, or
every pure subgame-perfect equilibrium from ``all_pure_spe`` with the path
followed by a small recursion written for this test.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import sim
from sim.analysis.target import solve_target
from sim.analysis.target_model import make_problem
from sim.games.extensive import evaluate
from sim.games.extensive_build import build_extensive
from sim.scenario.parameters import parameter_env
from sim.solvers.extensive.backward_induction import all_pure_spe

GRID = np.linspace(0.0, 4.0, 41)
HEAD = "parameters:\n  x: {value: 2, range: [0, 4]}\n  y: {value: 1, range: [0, 4]}\n"


def _expr(rng: np.random.Generator) -> str:
    a, b = rng.integers(-2, 3), rng.choice([-2, -1, -0.5, 0.5, 1, 2])
    c = rng.choice([-1, 0, 0.5, 2])
    return f"{a} + {b} * x + {c} * y"


def random_normal_form(seed: int) -> tuple[sim.Scenario, str]:
    rng = np.random.default_rng(seed)
    shape = (3, 3) if seed % 2 else (2, 2, 2)
    names = ["P", "Q", "R"][: len(shape)]
    lines = ["name: random", HEAD, "players:"]
    lines += [
        f"  {p}: {{moves: [{', '.join(f'm{k}' for k in range(m))}]}}"
        for p, m in zip(names, shape, strict=True)
    ]
    lines.append("outcomes:")
    for n, prof in enumerate(itertools.product(*(range(m) for m in shape))):
        moves = ", ".join(f"{p}: m{k}" for p, k in zip(names, prof, strict=True))
        pays = ", ".join(f'{p}: "{_expr(rng)}"' for p in names)
        lines.append(f"  - {{moves: {{{moves}}}, payoffs: {{{pays}}}, label: O{n}}}")
    target = f"O{rng.integers(0, int(np.prod(shape)))}"
    return sim.load_scenario_text("\n".join(lines) + "\n", "random.yaml"), target


def _grid_nash(scenario: sim.Scenario, target: str, margin: float) -> list[float]:
    xs, ys = (a.ravel() for a in np.meshgrid(GRID, GRID))
    env = parameter_env(scenario.parameters, {"x": xs, "y": ys})
    u = sim.payoff_tensor(scenario, env)  # (points, n, m_1, ..., m_n)
    shape = u.shape[2:]
    names = [p.moves for p in scenario.players]
    prof = next(
        p for p in itertools.product(*(range(m) for m in shape))
        if sim.outcome_label(scenario, {pl.name: names[i][k] for i, (pl, k) in
                                        enumerate(zip(scenario.players, p, strict=True))}) == target
    )  # fmt: skip
    ok = np.ones(len(xs), bool)
    for i in range(len(shape)):
        for b in range(shape[i]):
            if b != prof[i]:
                dev = (*prof[:i], b, *prof[i + 1 :])
                ok &= u[(slice(None), i, *prof)] - u[(slice(None), i, *dev)] >= margin - 1e-9
    return list(np.abs(xs[ok] - 2) / 4 + np.abs(ys[ok] - 1) / 4)


def _solve(scenario: sim.Scenario, target: str, margin: float):  # type: ignore[no-untyped-def]
    problem = make_problem(
        scenario, outcome=target, moves=None, varied=["x", "y"], base={},
        concept=None, margin=margin, transfers=False,
    )  # fmt: skip
    return solve_target(problem).answer


@pytest.mark.parametrize("seed", range(24))
def test_random_normal_form_against_grid(seed: int) -> None:
    scenario, target = random_normal_form(seed)
    margin = 0.5 if seed % 3 == 0 else 0.0
    answer = _solve(scenario, target, margin)
    grid = _grid_nash(scenario, target, margin)
    assert answer.exact
    if not answer.feasible:
        assert grid == []
        return
    assert answer.cost <= min(grid, default=np.inf) + 1e-9
    x, y = answer.values
    assert 0 <= x <= 4 and 0 <= y <= 4


def random_tree(seed: int) -> tuple[sim.Scenario, list[str]]:
    rng = np.random.default_rng(1000 + seed)
    leaves: list[str] = []
    certain: list[str] = []  # leaves with no chance move on their path

    def leaf(under_chance: bool = False) -> str:
        leaves.append(f"L{len(leaves)}")
        if not under_chance:
            certain.append(leaves[-1])
        pays = ", ".join(f'{p}: "{_expr(rng)}"' for p in ("A", "B"))
        return f"{{payoffs: {{{pays}}}, label: {leaves[-1]}}}"

    lines = ["name: random tree", HEAD, "players:\n  A: {}\n  B: {}", "tree:", "  player: A"]
    lines.append("  moves:")
    for a in range(int(rng.integers(2, 4))):
        kind = rng.integers(0, 3)
        if kind == 0:
            lines.append(f"    a{a}: {leaf()}")
            continue
        lines.append(f"    a{a}:")
        if kind == 1:
            lines += ["      player: B", "      moves:"]
            for b in range(2):
                lines.append(f"        b{b}: {leaf()}")
        else:
            lines += ["      chance: {up: 0.25, down: 0.75}", "      moves:"]
            lines += ["        up:", "          player: B", "          moves:"]
            for b in range(2):
                lines.append(f"            c{b}: {leaf(True)}")
            lines.append(f"        down: {leaf(True)}")
    return sim.load_scenario_text("\n".join(lines) + "\n", "tree.yaml"), certain or leaves


def _reached(game, choices, probs) -> set[int]:  # type: ignore[no-untyped-def]
    """Leaves reached with positive probability (a recursion written for the test)."""
    out: set[int] = set()

    def walk(x: int) -> None:
        kids = game.children[x]
        if not kids:
            out.add(int(game.leaf_row[x]))
        elif game.kind[x] == 1:  # chance
            for c in kids:
                if probs[c] > 0:
                    walk(c)
        else:
            walk(kids[choices[int(game.infoset[x])]])

    walk(0)
    return out


def _grid_spe(scenario: sim.Scenario, target: str) -> list[float]:
    game = build_extensive(scenario)
    rows = {int(game.leaf_row[x]) for x in game.leaves if game.leaf_label(int(x)) == target}
    costs = []
    for x, y in itertools.product(GRID, GRID):
        env = parameter_env(scenario.parameters, {"x": x, "y": y})
        values = evaluate(game, env).point(0)
        found = all_pure_spe(game, values, 1e-9)
        if any(_reached(game, eq.choices, values.probs) <= rows for eq in found.equilibria):
            costs.append(abs(x - 2) / 4 + abs(y - 1) / 4)
    return costs


@pytest.mark.parametrize("seed", range(12))
def test_random_trees_against_grid(seed: int) -> None:
    scenario, leaves = random_tree(seed)
    target = leaves[seed % len(leaves)]
    answer = _solve(scenario, target, 0.0)
    grid = _grid_spe(scenario, target)
    assert answer.exact
    if not answer.feasible:
        assert grid == []
        return
    assert answer.cost <= min(grid, default=np.inf) + 1e-9


def test_the_random_cases_are_not_trivial() -> None:
    """Enough of the cases above need a real change (the grid comparisons are not vacuous)."""
    moved = 0
    for seed in range(24):
        scenario, target = random_normal_form(seed)
        answer = _solve(scenario, target, 0.5 if seed % 3 == 0 else 0.0)
        moved += bool(answer.feasible and answer.cost > 0.05)
    assert moved >= 8
    moved = 0
    for seed in range(12):
        scenario, leaves = random_tree(seed)
        answer = _solve(scenario, leaves[seed % len(leaves)], 0.0)
        moved += bool(answer.feasible and answer.cost > 0.05)
    assert moved >= 4
