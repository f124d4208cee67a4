"""solve_sequential end to end: known answers, pygambit cross-checks (recorded answers in
tests/fixtures; live under the ``oracle`` marker), credibility, reports."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from gambit_corpus import (
    OUTSIDE_OPTION,
    SEQUENTIAL_SCENARIOS,
    checked_nash,
    recorded,
    recorded_regret,
    tree_hash,
    vector,
)
from gambit_helpers import gambit_behaviour, gambit_game, gambit_profile, worst_subgame_regret

from sim.analysis.sequential import SequentialAnalysis, solve_sequential
from sim.errors import RequestError
from sim.games.extensive_build import extensive_at
from sim.report.sequential_report import sequential_document, sequential_text
from sim.report.tree_text import game_tree_text
from sim.scenario.loader import load_scenario, load_scenario_text

MODULE = "sequential_solve"  # tests/fixtures/gambit_sequential_solve.json
SCENARIOS = SEQUENTIAL_SCENARIOS

_CACHE: dict[str, tuple[object, SequentialAnalysis]] = {}


def _solved(name: str):  # type: ignore[no-untyped-def]
    if name not in _CACHE:
        scenario = load_scenario(f"scenarios/{name}.yaml")
        _CACHE[name] = (scenario, solve_sequential(scenario))
    return _CACHE[name]


def _choice(analysis: SequentialAnalysis, behaviour, key: str) -> str:  # type: ignore[no-untyped-def]
    game = analysis.game
    h = game.infoset_by_key(key)
    return game.infosets[h].moves[int(np.argmax(behaviour[h]))]


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_equilibrium_has_zero_recorded_regret_in_gambit(name: str) -> None:
    _, analysis = _solved(name)
    game, values = analysis.game, analysis.values
    entry = recorded(MODULE, f"regrets/{name}", tree_hash(game, values))
    assert analysis.subgame_perfect
    for eq in analysis.subgame_perfect:
        assert Fraction(recorded_regret(entry, eq.behaviour, MODULE)["worst_subgame_regret"]) == 0
    for eq in analysis.nash[: checked_nash(name)]:
        regret = recorded_regret(entry, eq.behaviour, MODULE)
        assert Fraction(regret["max_regret"]) == 0
        if not eq.subgame_perfect:
            assert Fraction(regret["worst_subgame_regret"]) > 0
            assert eq.findings


@pytest.mark.oracle
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_equilibrium_has_zero_regret_in_gambit(gbt, name: str) -> None:  # type: ignore[no-untyped-def]
    _, analysis = _solved(name)
    game, values = analysis.game, analysis.values
    g = gambit_game(gbt, game, values)
    assert analysis.subgame_perfect
    for eq in analysis.subgame_perfect:
        assert worst_subgame_regret(gbt, game, values, eq.behaviour) == 0
    for eq in analysis.nash[: checked_nash(name)]:
        regret = gambit_profile(gbt, g, game, eq.behaviour).max_regret()
        assert regret == 0
        if not eq.subgame_perfect:
            assert worst_subgame_regret(gbt, game, values, eq.behaviour) > 0
            assert eq.findings


def test_entry_deterrence_two_pure_nash_one_spe_and_the_empty_threat() -> None:
    _, analysis = _solved("entry_deterrence")
    pure = [eq for eq in analysis.nash if eq.concept == "pure_nash"]
    assert len(pure) == 2 and len(analysis.subgame_perfect) == 1
    spe = analysis.subgame_perfect[0]
    assert _choice(analysis, spe.behaviour, "Entrant@Entrant") == "enter"
    assert _choice(analysis, spe.behaviour, "Incumbent@Entrant=enter") == "accommodate"
    deterred = next(eq for eq in pure if not eq.subgame_perfect)
    (finding,) = deterred.findings
    assert (finding.player, finding.infoset, finding.kind) == (
        "Incumbent",
        "Incumbent@Entrant=enter",
        "threat",
    )
    assert finding.planned == (("fight", 1.0),) and finding.better == "accommodate"
    assert (finding.better_value, finding.planned_value) == (2.0, -1.0)
    assert "Incumbent's threat to fight at Incumbent@Entrant=enter is not credible" in finding.text
    assert "accommodate gives Incumbent 2 instead of -1" in finding.text


def test_centipede_spe_takes_at_once() -> None:
    _, analysis = _solved("centipede")
    (spe,) = analysis.subgame_perfect
    assert all(b[0] == 1.0 for b in spe.behaviour)  # "take" everywhere
    assert list(spe.payoffs) == [0.4, 0.1]
    assert all(np.allclose(eq.payoffs, [0.4, 0.1]) for eq in analysis.nash)


def _one_card_poker_spe():  # type: ignore[no-untyped-def]
    _, analysis = _solved("one_card_poker")
    (spe,) = analysis.subgame_perfect
    assert _choice(analysis, spe.behaviour, "P1@chance=red") == "raise"
    game = analysis.game
    black = spe.behaviour[game.infoset_by_key("P1@chance=black")]
    meet = spe.behaviour[game.infoset_by_key("P2@P1=raise")]
    assert np.allclose(black, [1 / 3, 2 / 3]) and np.allclose(meet, [2 / 3, 1 / 3])
    assert Fraction(spe.payoffs[0]).limit_denominator(100) == Fraction(1, 3)
    return analysis, spe


def _assert_same_behaviour(spe, lcp, mixed, analysis) -> None:  # type: ignore[no-untyped-def]
    assert len(lcp) == 1 and len(mixed) == 1 == len(analysis.nash)
    for theirs in (lcp[0], mixed[0]):
        for ours, other in zip(spe.behaviour, theirs, strict=True):
            assert np.allclose(ours, other, atol=1e-12)


def test_one_card_poker_matches_myerson_and_recorded_gambit() -> None:
    analysis, spe = _one_card_poker_spe()
    entry = recorded(MODULE, "solutions/one_card_poker", tree_hash(analysis.game, analysis.values))
    lcp = [[vector(b) for b in eq] for eq in entry["lcp_solve"]]
    mixed = [[vector(b) for b in eq] for eq in entry["enummixed_solve"]]
    _assert_same_behaviour(spe, lcp, mixed, analysis)


@pytest.mark.oracle
def test_one_card_poker_matches_myerson_and_gambit(gbt) -> None:  # type: ignore[no-untyped-def]
    analysis, spe = _one_card_poker_spe()
    game = analysis.game
    g = gambit_game(gbt, game, analysis.values)
    lcp = gbt.nash.lcp_solve(g, rational=True).equilibria
    mixed = gbt.nash.enummixed_solve(g, rational=True).equilibria
    lcp = [gambit_behaviour(game, g, eq) for eq in lcp]
    mixed = [gambit_behaviour(game, g, eq.as_behavior()) for eq in mixed]
    _assert_same_behaviour(spe, lcp, mixed, analysis)


def _seltens_horse_matches(analysis, theirs: set[tuple[int, ...]]) -> None:  # type: ignore[no-untyped-def]
    ours = {
        tuple(int(np.argmax(b)) for b in eq.behaviour)
        for eq in analysis.nash
        if eq.concept == "pure_nash"
    }
    assert ours == theirs and len(ours) == 2
    spe = {
        tuple(int(np.argmax(b)) for b in eq.behaviour)
        for eq in analysis.subgame_perfect
        if eq.is_pure
    }
    assert spe == ours
    assert analysis.n_subgames == 1 and all(eq.subgame_perfect for eq in analysis.nash)
    assert any("no proper subgame" in n for n in analysis.notes)


def test_seltens_horse_nash_equals_recorded_gambit_and_spe_equals_nash() -> None:
    _, analysis = _solved("seltens_horse")
    entry = recorded(MODULE, "enumpure/seltens_horse", tree_hash(analysis.game, analysis.values))
    theirs = {tuple(int(np.argmax(vector(b))) for b in eq) for eq in entry["enumpure"]}
    _seltens_horse_matches(analysis, theirs)


@pytest.mark.oracle
def test_seltens_horse_nash_equals_gambit_and_spe_equals_nash(gbt) -> None:  # type: ignore[no-untyped-def]
    _, analysis = _solved("seltens_horse")
    game = analysis.game
    g = gambit_game(gbt, game, analysis.values)
    theirs = set()
    for eq in gbt.nash.enumpure_solve(g).equilibria:
        beh = gambit_behaviour(game, g, eq.as_behavior())
        theirs.add(tuple(int(np.argmax(b)) for b in beh))
    _seltens_horse_matches(analysis, theirs)


def test_ultimatum_spe_and_ties() -> None:
    scenario, analysis = _solved("ultimatum")
    (spe,) = analysis.subgame_perfect
    assert _choice(analysis, spe.behaviour, "Proposer@offer") == "unfair"
    assert _choice(analysis, spe.behaviour, "Responder@offer=unfair") == "accept"
    tied = solve_sequential(scenario, {"low_offer": 0.0})
    assert len(tied.subgame_perfect) == 2 and tied.degenerate


def _outside_option():  # type: ignore[no-untyped-def]
    scenario = load_scenario_text(OUTSIDE_OPTION, "outside.yaml")
    analysis = solve_sequential(scenario)
    assert analysis.n_subgames == 2 and not analysis.perfect_information
    firsts = sorted(_choice(analysis, eq.behaviour, "P1@root") for eq in analysis.subgame_perfect)
    assert firsts == ["in", "out", "out"]  # (opera, opera), then football and the mixed one
    bad = [eq for eq in analysis.nash if not eq.subgame_perfect]
    assert bad and all(
        f.player == "P2" and f.infoset == "P2@bos" for eq in bad for f in eq.findings
    )
    return analysis


def test_outside_option_solves_the_proper_subgame_first() -> None:
    analysis = _outside_option()
    entry = recorded(MODULE, "regrets/outside_option", tree_hash(analysis.game, analysis.values))
    for eq in analysis.subgame_perfect:
        assert Fraction(recorded_regret(entry, eq.behaviour, MODULE)["worst_subgame_regret"]) == 0


@pytest.mark.oracle
def test_outside_option_spe_have_zero_regret_in_gambit(gbt) -> None:  # type: ignore[no-untyped-def]
    analysis = _outside_option()
    for eq in analysis.subgame_perfect:
        assert worst_subgame_regret(gbt, analysis.game, analysis.values, eq.behaviour) == 0


def test_flagship_story_at_defaults() -> None:
    _, analysis = _solved("missile_shield_deal")
    (spe,) = analysis.subgame_perfect
    c = lambda key: _choice(analysis, spe.behaviour, key)  # noqa: E731
    assert c("US@offer") == "offer_deal"
    assert c("Russia@offer=offer_deal") == "support_sanctions"
    base = "offer=offer_deal,Russia=support_sanctions,capability="
    assert c(f"Iran@{base}advanced") == "continue_enrichment"
    assert c(f"Iran@{base}limited") == "halt_enrichment"
    assert c(f"US@{base}advanced,Iran=continue_enrichment") == "activate_shield"
    assert c(f"US@{base}limited,Iran=halt_enrichment") == "keep_off"
    assert np.allclose(spe.payoffs, [1.6, -0.6, 0.4])
    assert analysis.complete and analysis.perfect_information


def test_flagship_changes_with_washingtons_estimate() -> None:
    scenario = load_scenario("scenarios/missile_shield_deal.yaml")
    analysis = solve_sequential(scenario, {"us_estimate": 0.4}, concepts=["subgame_perfect"])
    (spe,) = analysis.subgame_perfect
    assert _choice(analysis, spe.behaviour, "US@offer") == "deploy_now"
    assert _choice(analysis, spe.behaviour, "Russia@offer=deploy_now") == "veto_sanctions"
    assert analysis.nash == ()


@pytest.mark.parametrize("name", SCENARIOS)
def test_json_document_follows_the_contract(name: str) -> None:
    scenario, analysis = _solved(name)
    doc = sequential_document(scenario, analysis)
    text = json.dumps(doc, allow_nan=False)
    assert json.loads(text)["kind"] == "sequential"
    assert doc["players"] == list(analysis.game.players)
    concepts = [e["concept"] for e in doc["equilibria"]]
    assert "subgame_perfect" in concepts and set(concepts) <= {
        "subgame_perfect",
        "pure_nash",
        "mixed_nash",
    }
    stage_ids = {s.id for s in scenario.sequence or ()}
    for entry in doc["equilibria"]:
        for player, infosets in entry["strategies"].items():
            for key, dist in infosets.items():
                h = analysis.game.infosets[analysis.game.infoset_by_key(key)]
                assert analysis.game.players[h.player] == player
                assert list(dist) == list(h.moves)
                assert all(type(p) is float for p in dist.values())
                assert abs(sum(dist.values()) - 1.0) < 1e-9
        assert abs(sum(o["probability"] for o in entry["outcomes"]) - 1.0) < 1e-9
        for outcome in entry["outcomes"]:
            assert type(outcome["probability"]) is float
            if stage_ids:
                assert set(outcome["moves"]) <= stage_ids
        assert set(entry["payoffs"]) == set(doc["players"])


def test_text_report_tells_the_story() -> None:
    scenario, analysis = _solved("entry_deterrence")
    text = sequential_text(scenario, analysis)
    assert "Entrant chooses enter, getting 2; stay_out would give 0." in text
    assert (
        "Incumbent's threat to fight at Incumbent@Entrant=enter is not credible: once play "
        "gets there, accommodate gives Incumbent 2 instead of -1."
    ) in text
    scenario, analysis = _solved("missile_shield_deal")
    text = sequential_text(scenario, analysis)
    for phrase in (
        "US chooses offer_deal at offer",
        "Russia chooses support_sanctions",
        "advanced, probability 1/5",
        "US chooses activate_shield at switch_on",
        '"Grand bargain"',
        "Expected payoffs: US 1.6, Russia -0.6, Iran 0.4",
        "not credible",
    ):
        assert phrase in text


def tree_text(scenario, overrides=None, *, max_lines=400):  # type: ignore[no-untyped-def]
    return game_tree_text(*extensive_at(scenario, overrides), max_lines=max_lines)


def test_tree_text_expands_a_sequence() -> None:
    scenario = load_scenario("scenarios/missile_shield_deal.yaml")
    text = tree_text(scenario, {"us_estimate": 0.3})
    assert "Russia chooses [Russia@offer=offer_deal]" in text
    assert "advanced, probability 0.3 -> Iran chooses" in text
    assert '"Grand bargain"' in text
    short = tree_text(scenario, max_lines=5)
    assert "cut after 5 lines" in short
    assert "chance" in tree_text(load_scenario("scenarios/one_card_poker.yaml"))


def test_request_errors() -> None:
    scenario = load_scenario("scenarios/entry_deterrence.yaml")
    with pytest.raises(RequestError, match="qre"):
        solve_sequential(scenario, concepts=["qre"])
    with pytest.raises(RequestError, match="one parameter point"):
        solve_sequential(scenario, {"war_loss": np.array([1.0, 2.0])})
    with pytest.raises(RequestError, match="simultaneous"):
        solve_sequential(load_scenario("scenarios/prisoners_dilemma.yaml"))


def test_methods_and_settings_are_recorded() -> None:
    _, analysis = _solved("one_card_poker")
    methods = dict(analysis.methods)
    assert methods["subgame_perfect"].startswith("subgame_decomposition")
    assert "vertex_enumeration" in methods["mixed_nash"]
    assert analysis.tol == 1e-9 and analysis.reduced_shape == (4, 2)
