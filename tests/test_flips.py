"""Per-player tolerances and exact flip points (issue #10 items 1, 2, 4; issue #11 flips).

Regression tests for: false pure equilibria when one player's payoffs are in
billions; payoffs below 1e-300; two flips inside one grid cell; float noise
in flip values; reversed ranges; ``--from/--to`` without a range; regrets in
the sweep JSON. Property tests: ``solve``, ``sweep`` and the definition agree
on games whose players' payoffs differ in scale by up to 1e12; on random
affine games the flip points are exactly those a fine grid sees.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.analysis.batch import BatchSolution, solve_batch
from sim.analysis.predict import predict
from sim.analysis.sequential_batch import SequentialBatch
from sim.analysis.solve import solve_game
from sim.analysis.sweep import sweep
from sim.analysis.thresholds import affine_roots, find_thresholds
from sim.cli.main import main
from sim.errors import VerificationError
from sim.scales import player_scales
from sim.solvers.nash.pure_nash import pure_nash_profiles
from sim.solvers.verify import check_equilibrium, pure_regrets_batch

STAKE = """
name: Stake pennies
players:
  Row: {moves: [heads, tails]}
  Col: {moves: [heads, tails]}
parameters:
  stake: {value: 1e10, range: [1e9, 2e10]}
matrix:
  - [[stake, 0], [0, 1]]
  - [[0, 1], [stake, 0]]
"""

TWO_FLIPS = """
name: Two flips
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
parameters:
  k: {value: 0, range: [0, 4]}
payoffs:
  - when: {A: x}
    add: {A: k - 2.001}
  - when: {B: x}
    add: {B: 2.002 - k}
"""

TRADE = """
name: Trade talks
parameters:
  gain: {value: 3, range: [0, 6]}
  adjustment: {value: 1, range: [0, 4]}
  unranged: {value: 1}
players:
  North: {moves: [open, protect]}
  South: {moves: [open, protect]}
payoffs:
  - {label: North opens, when: {North: open}, add: {North: -adjustment * unranged, South: gain}}
  - {label: South opens, when: {South: open}, add: {South: -adjustment, North: gain}}
labels:
  - {when: {North: open, South: open}, name: Free trade}
  - {when: {North: protect, South: protect}, name: Trade war}
"""


def load(text: str, name: str = "game.yaml") -> sim.Scenario:
    return sim.load_scenario_text(text, name)


def write(tmp_path, text: str, name: str = "game.yaml") -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def brute_pure(u: np.ndarray) -> set[tuple[int, ...]]:
    """Pure equilibria by the definition, with each player's own payoffs compared exactly."""
    n = u.shape[0]
    out = set()
    for profile in np.ndindex(*u.shape[1:]):
        ok = True
        for p in range(n):
            line = list(profile)
            line[p] = slice(None)
            if u[p][tuple(line)].max() > u[p][profile]:
                ok = False
        if ok:
            out.add(tuple(int(k) for k in profile))
    return out


# -- item 1: tolerances per player -------------------------------------------------------


def test_player_scales_are_each_players_own() -> None:
    u = np.array([[[1e10, 0], [0, 1]], [[0, 1], [1, 0]]])
    assert player_scales(u).tolist() == [1e10, 1.0]
    batch = np.stack([u, 2 * u])
    assert player_scales(batch, player_axis=1).tolist() == [[1e10, 1.0], [2e10, 2.0]]


def test_stake_sweep_has_no_false_pure_equilibria() -> None:
    scenario = load(STAKE)
    values = np.linspace(1e9, 2e10, 5)
    result = sweep(scenario, "stake", values)
    batch = result.batch
    assert isinstance(batch, BatchSolution)
    assert not batch.pure_mask.any()
    for b in range(batch.size):
        (eq,) = batch.equilibria(b)
        assert not eq.is_pure
        game = sim.build_game(scenario, {"stake": float(values[b])})
        assert len(solve_game(game).equilibria) == 1


def test_stake_sweep_cli_agrees_with_solve(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, STAKE)
    assert main(["sweep", path, "stake=1e9:2e10:5"]) == 0
    out = capsys.readouterr().out
    assert "heads / heads" not in out and "Mixed" in out


def test_verification_is_per_player() -> None:
    u = np.array([[[1e10, 0], [0, 1e10]], [[0, 1], [1, 0]]], dtype=float)
    heads = (np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    with pytest.raises(VerificationError, match="player 1 gains 1 "):
        check_equilibrium(u, heads)
    assert pure_regrets_batch(u[None], np.array([0]), np.array([[0, 0]])).tolist() == [1.0]


def test_sweep_json_writes_the_computed_regret(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # A pure equilibrium whose regret is tiny but not zero (within the tolerance).
    text = """
name: Near tie
players:
  A: {moves: [a, b]}
  B: {moves: [a, b]}
parameters:
  t: {value: 1, range: [0, 1]}
matrix:
  - [[2, 1], [0, -t]]
  - [[1.999999999999, 1], [0, -t]]
"""
    path = write(tmp_path, text)
    assert main(["sweep", path, "t=0:1:2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    regrets = [e["regret"] for p in doc["points"] for e in p["equilibria"]]
    batch = solve_batch(load(text), {"t": np.array([0.0, 1.0])})
    assert isinstance(batch, BatchSolution)
    assert regrets == pytest.approx(batch.pure_regret.tolist(), abs=0)
    assert any(r > 0 for r in regrets)


# -- item 4: payoffs below 1e-300 --------------------------------------------------------


@pytest.mark.parametrize("factor", [1e-310, 1e-200, 1.0, 1e200])
def test_tiny_and_huge_payoffs_are_compared_scale_invariantly(factor: float) -> None:
    u = np.array([[[2, 0], [0, 1]], [[1, 0], [0, 2]]], dtype=float) * factor
    assert pure_nash_profiles(u) == [(0, 0), (1, 1)]
    assert brute_pure(u) == {(0, 0), (1, 1)}
    with pytest.raises(VerificationError):
        check_equilibrium(u, (np.array([1.0, 0.0]), np.array([0.0, 1.0])))


def test_tiny_game_from_a_file_has_two_pure_equilibria(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    text = """
name: Tiny coordination
players:
  Row: {moves: [a, b]}
  Col: {moves: [a, b]}
parameters:
  f: {value: 1, range: [1, 2]}
matrix:
  - [[2e-310 * f, 1e-310], [0, 0]]
  - [[0, 0], [1e-310, 2e-310]]
"""
    scenario = load(text)
    found = solve_game(sim.build_game(scenario)).equilibria
    assert sorted(eq.pure_profile() for eq in found if eq.is_pure) == [(0, 0), (1, 1)]
    batch = solve_batch(scenario, {"f": np.array([1.0, 2.0])})
    assert isinstance(batch, BatchSolution)
    assert [batch.pure_profiles(b) for b in range(2)] == [[(0, 0), (1, 1)]] * 2
    path = write(tmp_path, text)
    assert main(["sweep", path, "f=1:2:3"]) == 0
    assert "a / b" not in capsys.readouterr().out


# -- item 2: flip points -------------------------------------------------------------


def test_two_flips_in_one_grid_cell_are_both_found_exactly() -> None:
    scenario = load(TWO_FLIPS)
    result = find_thresholds(scenario, "k", 0.0, 4.0, steps=5)
    assert [t.value for t in result.thresholds] == [2.001, 2.002]
    assert all(t.exact for t in result.thresholds) and result.method == "affine_roots"
    # The sweep's prediction at k = 3 is what solve says there.
    run = sweep(scenario, "k", np.array([3.0]))
    game = sim.build_game(scenario, {"k": 3.0})
    (eq,) = solve_game(game).equilibria
    assert eq.pure_profile() == (0, 1)
    assert run.predictions.names == ("x / y",)


def test_affine_roots_refuses_nonlinear_payoffs() -> None:
    text = TWO_FLIPS.replace("k - 2.001", "k * k - 2.001")
    assert affine_roots(load(text), "k", 0.0, 4.0) is None
    result = find_thresholds(load(text), "k", 0.0, 4.0)
    assert result.method == "grid_bisection"
    assert not any(t.exact for t in result.thresholds)
    assert sorted(t.value for t in result.thresholds) == pytest.approx(
        [float(np.sqrt(2.001)), 2.002], abs=1e-9
    )


def test_flip_at_zero_prints_zero(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, TRADE)
    assert main(["thresholds", path, "adjustment"]) == 0
    out = capsys.readouterr().out
    assert "adjustment falls to 0 " in out and "e-1" not in out
    result = find_thresholds(load(TRADE), "adjustment", 0.0, 4.0)
    assert [t.value for t in result.thresholds] == [0.0]


def test_reversed_sweep_range_says_what_the_forward_one_says(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, TRADE)
    assert main(["sweep", path, "adjustment=4:0:5"]) == 0
    backward = capsys.readouterr().out
    assert main(["sweep", path, "adjustment=0:4:5"]) == 0
    assert backward == capsys.readouterr().out
    assert "becomes" in backward or "become" in backward


def test_thresholds_from_to_without_a_range(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, TRADE)
    assert main(["thresholds", path, "unranged", "--from", "-1", "--to", "1"]) == 0
    out = capsys.readouterr().out
    assert "Flip points of unranged between -1 and 1" in out
    assert main(["thresholds", path, "unranged"]) == 2
    assert "no range" in capsys.readouterr().err
    assert main(["thresholds", path, "adjustment", "--from", "4", "--to", "0"]) == 0
    assert "between 0 and 4" in capsys.readouterr().out


def test_thresholds_json_says_exact_and_method(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, TWO_FLIPS)
    assert main(["thresholds", path, "k", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["method"] == "affine_roots"
    assert [(t["value"], t["exact"]) for t in doc["thresholds"]] == [(2.001, True), (2.002, True)]


# -- properties ----------------------------------------------------------------------


@st.composite
def scaled_games(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(2, 3))
    shape = tuple(draw(st.integers(2, 3)) for _ in range(n))
    ints = st.integers(-3, 3)
    base = np.array(
        draw(st.lists(ints, min_size=n * int(np.prod(shape)), max_size=n * int(np.prod(shape)))),
        float,
    )
    exps = draw(st.lists(st.integers(-6, 6), min_size=n, max_size=n))
    u = base.reshape((n, *shape)) * (10.0 ** np.array(exps)).reshape((n,) + (1,) * n)
    return u


def _matrix_yaml(u: np.ndarray) -> str:
    n = u.shape[0]
    players = "".join(
        f"  P{p}: {{moves: [{', '.join(f'm{k}' for k in range(u.shape[p + 1]))}]}}\n"
        for p in range(n)
    )
    rules = []
    for profile in np.ndindex(*u.shape[1:]):
        when = ", ".join(f"P{p}: m{k}" for p, k in enumerate(profile))
        add = ", ".join(f"P{p}: {float(u[(p, *profile)])!r} * scale" for p in range(n))
        rules.append(f"  - {{when: {{{when}}}, add: {{{add}}}}}\n")
    return (
        "name: Random scaled game\nparameters:\n  scale: {value: 1, range: [0.5, 2]}\n"
        f"players:\n{players}payoffs:\n{''.join(rules)}"
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scaled_games())
def test_solve_sweep_and_definition_agree_across_scales(u: np.ndarray) -> None:
    scenario = load(_matrix_yaml(u))
    game = sim.build_game(scenario)
    expected = brute_pure(game.payoffs)
    solved = solve_game(game).equilibria
    assert {eq.pure_profile() for eq in solved if eq.is_pure} == expected
    batch = solve_batch(scenario, {"scale": np.array([1.0, 2.0])})
    assert isinstance(batch, BatchSolution)
    for b in range(2):
        assert set(batch.pure_profiles(b)) == expected
        for eq in batch.equilibria(b):
            check_equilibrium(batch.payoffs[b], eq.strategies)


@st.composite
def affine_games(draw):  # type: ignore[no-untyped-def]
    shape = (draw(st.integers(2, 3)), draw(st.integers(2, 3)))
    size = 2 * shape[0] * shape[1]
    coef = st.integers(-20, 20)
    a = np.array(draw(st.lists(coef, min_size=size, max_size=size)), float) / 4
    b = np.array(draw(st.lists(coef, min_size=size, max_size=size)), float) / 8
    return a.reshape((2, *shape)), b.reshape((2, *shape))


def _affine_yaml(a: np.ndarray, b: np.ndarray) -> str:
    players = "".join(
        f"  P{p}: {{moves: [{', '.join(f'm{k}' for k in range(a.shape[p + 1]))}]}}\n"
        for p in range(2)
    )
    rules = []
    for profile in np.ndindex(*a.shape[1:]):
        when = ", ".join(f"P{p}: m{k}" for p, k in enumerate(profile))
        add = ", ".join(
            f"P{p}: {float(a[(p, *profile)])!r} + {float(b[(p, *profile)])!r} * k" for p in range(2)
        )
        rules.append(f"  - {{when: {{{when}}}, add: {{{add}}}}}\n")
    return (
        "name: Random affine game\nparameters:\n  k: {value: 0, range: [-3, 3]}\n"
        f"players:\n{players}payoffs:\n{''.join(rules)}"
    )


def _signatures(scenario: sim.Scenario, values: np.ndarray) -> list[tuple]:
    batch = solve_batch(scenario, {"k": values}, tol=1e-13)
    names = predict(batch).names
    return [(batch.equilibrium_keys(i), names[i]) for i in range(batch.size)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(affine_games())
def test_thresholds_find_every_flip_a_fine_grid_finds(game: tuple[np.ndarray, np.ndarray]) -> None:
    scenario = load(_affine_yaml(*game))
    result = find_thresholds(scenario, "k", -3.0, 3.0, steps=7)
    flips = [t.value for t in result.thresholds]
    # Irrational offsets: no fine point falls on a root (where extra equilibria exist
    # at that single value, which is not a flip between two regimes).
    fine = np.linspace(-3.0 + 0.0031415926, 3.0 - 0.0027182818, 601)
    sigs = _signatures(scenario, fine)
    for i in range(fine.size - 1):
        if sigs[i] != sigs[i + 1]:
            assert any(fine[i] - 1e-9 <= v <= fine[i + 1] + 1e-9 for v in flips), (fine[i], flips)
    # No extra ones: the signature differs on the two sides of every reported flip.
    for v in flips:
        eps = 1e-7
        lo, hi = max(v - eps, -3.0), min(v + eps, 3.0)
        if lo < v < hi:
            left, right = _signatures(scenario, np.array([lo, hi]))
            assert left != right, v


def test_flip_of_a_mixed_equilibrium_between_affine_roots_is_bisected() -> None:
    # Found by the property test above: a support change of the mixed equilibrium
    # sits between two roots of pairwise payoff differences.
    a = np.array(
        [[[1.0, -4.25, -2.5], [-3.5, 0.25, 0.25]], [[-3.75, -2.0, 1.25], [2.5, -1.5, 0.0]]]
    )
    b = np.array(
        [[[0.0, -1.625, -0.125], [1.125, 0.0, 0.0]], [[0.0, 0.0, 1.25], [1.0, -1.375, 0.0]]]
    )
    scenario = load(_affine_yaml(a, b))
    flips = [t.value for t in find_thresholds(scenario, "k", -3.0, 3.0, steps=7).thresholds]
    fine = np.linspace(-3.0 + 0.0031415926, 3.0 - 0.0027182818, 1201)
    sigs = _signatures(scenario, fine)
    changes = [i for i in range(fine.size - 1) if sigs[i] != sigs[i + 1]]
    assert changes
    for i in changes:
        assert any(fine[i] - 1e-9 <= v <= fine[i + 1] + 1e-9 for v in flips)


def test_mixed_equilibria_appearing_and_vanishing_between_affine_roots_are_found() -> None:
    # Found by the property test above: between the affine roots -0.778 and -0.143 two
    # more mixed equilibria exist only on (-0.417, -0.233); the midpoint sample missed them.
    a = np.array(
        [
            [[0.0, 1.75, 0.0], [0.0, 0.0, 1.75], [2.25, 2.5, 0.0]],
            [[1.75, 0.0, -4.25], [4.25, 0.0, 0.0], [-3.0, -2.75, -3.0]],
        ]
    )
    b = np.array(
        [
            [[0.0, 0.0, -2.25], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
            [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.625, 1.75, 0.0]],
        ]
    )
    scenario = load(_affine_yaml(a, b))
    flips = [t.value for t in find_thresholds(scenario, "k", -3.0, 3.0, steps=7).thresholds]
    assert len(flips) == 4
    # Support boundaries are roots of polynomials in k: 0.4173913 = 48/115, 0.2333 = 7/30.
    assert flips[1] == pytest.approx(-48 / 115, abs=1e-9)
    assert flips[2] == pytest.approx(-7 / 30, abs=1e-9)
    fine = np.linspace(-3.0 + 0.0031415926, 3.0 - 0.0027182818, 601)
    sigs = _signatures(scenario, fine)
    changes = [i for i in range(fine.size - 1) if sigs[i] != sigs[i + 1]]
    assert len(changes) == 4
    for i in changes:
        assert any(fine[i] - 1e-9 <= v <= fine[i + 1] + 1e-9 for v in flips)


# -- issue #11: ties, odds, tornado; #10 item 9: resources -----------------------------


def test_sequential_sweep_names_every_tied_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "missile_shield_deal", "sanction_cost=0:10:11"]) == 0
    out = capsys.readouterr().out
    assert "sanction_cost = 0 .. 2: Deadlock at the UN | Arms race" in out
    assert main(["sweep", "missile_shield_deal", "sanction_cost=0:10:11", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["points"][1]["equilibrium_outcomes"] == ["Deadlock at the UN", "Arms race"]
    assert "equilibrium_outcomes" not in doc["points"][5]
    # solve at the same value lists the same two subgame-perfect equilibria
    assert main(["solve", "missile_shield_deal", "--set", "sanction_cost=1", "--json"]) == 0
    solved = json.loads(capsys.readouterr().out)
    spe = [e for e in solved["equilibria"] if e.get("subgame_perfect")]
    labels = {o["label"] for e in spe for o in e["outcomes"]}
    assert labels == {"Deadlock at the UN", "Arms race"}


def test_thresholds_report_moving_odds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["thresholds", "missile_shield_deal", "moscow_weight"]) == 0
    out = capsys.readouterr().out
    assert "Nothing changes" not in out
    assert "Grand bargain: 80.0% at moscow_weight = 0, 95.0% at 1" in out
    assert main(["thresholds", "missile_shield_deal", "moscow_weight", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    odds = {o["outcome"]: (o["from"], o["to"]) for o in doc["outcome_probabilities"]}
    assert odds["Grand bargain"] == pytest.approx((0.8, 0.95))


def test_monte_carlo_gives_overall_outcome_odds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["montecarlo", "missile_shield", "--samples", "500", "--seed", "3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    overall = doc["overall_probabilities"]
    assert sum(overall.values()) == pytest.approx(1.0)
    assert all(" | " not in name for name in overall)
    assert doc["overall_select"] == "payoff_dominant"
    assert 0 < doc["share_with_several_equilibria"] < 1
    assert main(["montecarlo", "missile_shield", "--samples", "500", "--seed", "3"]) == 0
    assert "changes these odds" in capsys.readouterr().out


def test_tornado_names_the_outcome_at_each_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tornado", "missile_shield", "--player", "Russia"]) == 0
    out = capsys.readouterr().out
    assert "at sanction_cost = 0: 0 (Sanctions without a halt)" in out
    assert "at sanction_cost = 10: 1 (Grand bargain)" in out


def test_batches_too_large_are_refused_before_solving(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    moves = ", ".join(f"m{i}" for i in range(40))
    text = (
        "name: Wide\nparameters:\n  k: {value: 0, range: [0, 1]}\n"
        f"players:\n  A: {{moves: [{moves}]}}\n  B: {{moves: [{moves}]}}\n"
        "payoffs:\n  - {when: {A: m0}, add: {A: k}}\n"
    )
    path = write(tmp_path, text)
    assert main(["sweep", path, "k=0:1:1000000"]) == 2
    err = capsys.readouterr().err
    assert "GiB of working memory" in err and "use at most" in err
    assert main(["montecarlo", "missile_shield", "--samples", "10000000"]) == 2
    assert "between 1 and 1,000,000" in capsys.readouterr().err
    assert main(["thresholds", "missile_shield", "iran_ties", "--steps", "1000000"]) == 2
    assert "100,001" in capsys.readouterr().err


def test_slow_point_by_point_work_is_refused_early() -> None:
    from sim.analysis.budget import Stopwatch
    from sim.errors import RequestError

    clock = Stopwatch(1_000_000, "Work", limit=1e-9)
    with pytest.raises(RequestError, match="use fewer points"):
        for done in range(1, 10):
            clock.tick(done)


def _sequence_yaml(u: np.ndarray) -> str:
    rows = []
    labels = {(0, 0): "AC", (0, 1): "AD", (1, 0): "BC", (1, 1): "BD"}
    for (i, j), name in labels.items():
        pays = ", ".join(f"P{p}: {float(u[p, i, j])!r} * s" for p in range(2))
        moves = f"P0: {'ab'[i]}, P1: {'cd'[j]}"
        rows.append(f"  - {{moves: {{{moves}}}, payoffs: {{{pays}}}, label: {name}}}\n")
    return (
        "name: Random sequence\nparameters:\n  s: {value: 1, range: [1, 2]}\n"
        "players:\n  P0: {}\n  P1: {}\n"
        "sequence:\n  - {player: P0, moves: [a, b]}\n  - {player: P1, moves: [c, d]}\n"
        f"outcomes:\n{''.join(rows)}"
    )


def _spe_outcomes(u: np.ndarray) -> set[str]:
    """Every pure SPE outcome by brute force, comparing each player's own payoffs exactly."""
    found = set()
    replies = []
    for i in range(2):
        best = u[1, i].max()
        replies.append([j for j in range(2) if u[1, i, j] == best])
    import itertools

    for plan in itertools.product(*replies):
        values = [u[0, i, plan[i]] for i in range(2)]
        for i in range(2):
            if values[i] == max(values):
                found.add("AB"[i] + "CD"[plan[i]])
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(-2, 2), min_size=8, max_size=8),
    st.lists(st.integers(-6, 6), min_size=2, max_size=2),
)
def test_sequential_solve_sweep_and_brute_force_agree_across_scales(
    base: list[int], exps: list[int]
) -> None:
    import contextlib
    import io
    import tempfile
    from pathlib import Path

    u = np.array(base, float).reshape(2, 2, 2) * (10.0 ** np.array(exps)).reshape(2, 1, 1)
    text = _sequence_yaml(u)
    expected = _spe_outcomes(u)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seq.yaml"
        path.write_text(text)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["solve", str(path), "--concept", "subgame_perfect", "--json"]) == 0
    doc = json.loads(out.getvalue())
    solved = {
        o["label"]
        for e in doc["equilibria"]
        if e.get("subgame_perfect")
        for o in e["outcomes"]
        if o["probability"] > 0
    }
    assert solved == expected
    batch = solve_batch(load(text), {"s": np.array([1.0, 2.0])})
    assert isinstance(batch, SequentialBatch)
    for name in batch.names:
        assert set(name.split(" | ")) == expected
