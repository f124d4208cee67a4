"""Backward induction (every pure SPE, and the vectorised batch solver) against brute force
and pygambit (answers recorded in tests/fixtures; live checks under the ``oracle`` marker),
on seeded random perfect-information trees with chance nodes and ties."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from gambit_corpus import (
    BACKWARD_INDUCTION_SEEDS,
    random_tree,
    recorded,
    recorded_regret,
    tree_hash,
)
from gambit_helpers import worst_subgame_regret

from sim.errors import VerificationError
from sim.games.extensive import CHANCE, LEAF, ExtensiveGame, PointValues, evaluate
from sim.games.extensive_build import build_extensive
from sim.scenario.loader import load_scenario
from sim.scenario.parameters import parameter_env
from sim.solvers.extensive.backward_induction import all_pure_spe, backward_induction_batch
from sim.solvers.extensive.spe_check import check_subgame_perfect
from sim.solvers.extensive.subgames import subgame_perfect


def _game(seed: int, **kwargs):  # type: ignore[no-untyped-def]
    return random_tree(seed, **kwargs)


def _value(
    game: ExtensiveGame,
    values: PointValues,
    choice: dict[int, int],
    x: int,
    optimiser: int | None = None,
) -> np.ndarray:
    """Payoffs below x: the profile's moves, except that ``optimiser`` maximises (brute DP)."""
    if game.kind[x] == LEAF:
        return values.payoffs[game.leaf_row[x]]
    kids = game.children[x]
    below = [_value(game, values, choice, c, optimiser) for c in kids]
    if game.kind[x] == CHANCE:
        return sum(values.probs[c] * v for c, v in zip(kids, below, strict=True))
    if int(game.owner[x]) == optimiser:
        return max(below, key=lambda v: v[optimiser])
    return below[choice[int(game.infoset[x])]]


def _brute_force_spe(game: ExtensiveGame, values: PointValues) -> set[tuple[int, ...]]:
    """Every pure profile that is a Nash equilibrium of every subgame, by definition."""
    sizes = [len(h.moves) for h in game.infosets]
    out = set()
    for profile in itertools.product(*(range(k) for k in sizes)):
        choice = dict(enumerate(profile))
        ok = True
        for x in range(game.n_nodes):
            if game.kind[x] == LEAF:
                continue
            now = _value(game, values, choice, x)
            for i in range(game.n_players):
                best = _value(game, values, choice, x, optimiser=i)[i]
                if best > now[i] + 1e-9:
                    ok = False
                    break
            if not ok:
                break
        if ok:
            out.add(profile)
    return out


@pytest.mark.parametrize("seed", range(16))
def test_every_pure_spe_is_found_and_nothing_else(seed: int) -> None:
    game, values = _game(seed, nodes=6, max_depth=3)
    found = all_pure_spe(game, values)
    assert found.complete
    mine = [e.choices for e in found.equilibria]
    assert len(mine) == len(set(mine))
    assert set(mine) == _brute_force_spe(game, values)


@pytest.mark.parametrize("seed", range(6))
def test_independent_check_agrees_with_brute_force(seed: int) -> None:
    game, values = _game(seed, nodes=5, max_depth=3)
    spe = _brute_force_spe(game, values)
    sizes = [len(h.moves) for h in game.infosets]
    for profile in itertools.product(*(range(k) for k in sizes)):
        behaviour = game.pure_behaviour(profile)
        if profile in spe:
            assert check_subgame_perfect(game, values, behaviour) == 0.0
        else:
            with pytest.raises(VerificationError, match="not subgame perfect"):
                check_subgame_perfect(game, values, behaviour)


@pytest.mark.parametrize("seed", BACKWARD_INDUCTION_SEEDS)
def test_spe_have_zero_recorded_regret_in_every_gambit_subgame(seed: int) -> None:
    game, values = _game(seed)
    entry = recorded("backward_induction", f"random/{seed}", tree_hash(game, values))
    found = all_pure_spe(game, values)
    for eq in found.equilibria[:6]:
        regret = recorded_regret(entry, game.pure_behaviour(eq.choices), "backward_induction")
        assert Fraction(regret["worst_subgame_regret"]) == 0


@pytest.mark.oracle
@pytest.mark.parametrize("seed", BACKWARD_INDUCTION_SEEDS)
def test_spe_have_zero_regret_in_every_gambit_subgame(gbt, seed: int) -> None:  # type: ignore[no-untyped-def]
    game, values = _game(seed)
    found = all_pure_spe(game, values)
    for eq in found.equilibria[:6]:
        assert worst_subgame_regret(gbt, game, values, game.pure_behaviour(eq.choices)) == 0


@pytest.mark.parametrize("seed", range(10))
def test_batch_solver_takes_the_first_spe_and_flags_ties(seed: int) -> None:
    game, values = _game(seed)
    batch = backward_induction_batch(game, evaluate(game, {}))
    first = all_pure_spe(game, values).equilibria[0]
    for h, k in enumerate(first.choices):
        x = game.infosets[h].nodes[0]
        assert batch.choice[0, x] == k
        vals = batch.values[0, list(game.children[x]), game.owner[x]]
        assert batch.tie[0, x] == (np.sum(vals >= vals.max() - 1e-9) > 1)
    assert np.allclose(batch.values[0, 0], first.payoffs)


def test_batch_over_a_sweep_matches_point_by_point() -> None:
    scenario = load_scenario("scenarios/missile_shield_deal.yaml")
    game = build_extensive(scenario)
    xs = np.linspace(0.0, 1.0, 41)
    env = parameter_env(scenario.parameters, {"us_estimate": xs})
    batch = backward_induction_batch(game, evaluate(game, env))
    assert batch.choice.shape == (41, game.n_nodes)
    for b in range(0, 41, 5):
        point = parameter_env(scenario.parameters, {"us_estimate": float(xs[b])})
        values = evaluate(game, point).point(0)
        first = all_pure_spe(game, values).equilibria[0]
        for h, k in enumerate(first.choices):
            assert batch.choice[b, game.infosets[h].nodes[0]] == k
        assert np.allclose(batch.values[b, 0], first.payoffs)
    offer = game.infosets[0].nodes[0]
    assert batch.choice[0, offer] == 0 and batch.choice[-1, offer] == 1  # deal, then deploy


def test_ties_give_several_spe_and_the_limit_is_reported() -> None:
    game, values = _game(3, nodes=12)
    ties = all_pure_spe(game, values)
    assert len(ties.equilibria) > 1 and ties.tie_infosets
    capped = all_pure_spe(game, values, limit=2)
    assert len(capped.equilibria) == 2 and not capped.complete


def test_subgame_decomposition_agrees_on_perfect_information() -> None:
    for seed in range(8):
        game, values = _game(seed)
        bi = {e.choices for e in all_pure_spe(game, values).equilibria}
        sub = subgame_perfect(game, values)
        got = {tuple(int(np.argmax(b)) for b in e.behaviour) for e in sub.equilibria}
        assert got == bi


def test_backward_induction_needs_perfect_information() -> None:
    scenario = load_scenario("scenarios/one_card_poker.yaml")
    game = build_extensive(scenario)
    with pytest.raises(ValueError, match="perfect information"):
        all_pure_spe(game, evaluate(game, {}).point(0))
