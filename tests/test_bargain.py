"""``sim bargain``: agreements, disagreement, solutions, coalitions, JSON contract, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.bargain import analyse_bargain
from sim.analysis.sequential import solve_sequential
from sim.cli.main import main
from sim.report.bargain_json import bargain_document
from sim.scenario.bundled import bundled_scenarios
from sim.scenario.loader import load_scenario, load_scenario_text
from sim.solvers.bargaining import check_solution


def run(capsys, *argv):  # type: ignore[no-untyped-def]
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_missile_shield_deal_zone_and_solutions():
    a = analyse_bargain(load_scenario("missile_shield"))
    assert a.parties == ("US", "Russia")
    assert a.disagreement == pytest.approx([-4.0, -1.0])
    assert a.zone_open
    grand = [g for g in a.agreements if g.label == "Grand bargain"]
    assert len(grand) == 1 and grand[0].in_zone and grand[0].pareto
    assert grand[0].payoffs == pytest.approx([3.0, 1.0])
    # Frontier u_US + u_Russia = 4 (transfers of up to 3 at rate 1), d = (-4, -1): Nash
    # splits the surplus of 9 equally.
    assert a.solutions["nash"].point.payoffs == pytest.approx([0.5, 3.5], abs=1e-8)
    assert a.solutions["kalai_smorodinsky"].point.payoffs == pytest.approx([1.25, 2.75], abs=1e-8)
    share = (1 - 0.9) / (1 - 0.81)
    ao = a.solutions["alternating_offers"].point.payoffs
    assert ao == pytest.approx([-4 + 9 * share, -1 + 9 * (1 - share)], abs=1e-8)


def test_zone_closes_where_the_payoffs_say():
    scenario = load_scenario("buyer_seller")
    for value, is_open in ((6.0 + 1e-6, True), (6.0, False), (6.0 - 1e-6, False), (9.0, True)):
        a = analyse_bargain(scenario, {"buyer_value": value}, coalitions=False)
        assert a.zone_open is is_open, value


def test_buyer_seller_prices():
    scenario = load_scenario("buyer_seller")
    a = analyse_bargain(scenario, coalitions=False)
    nash = a.solutions["nash"].point
    assert nash.amounts == pytest.approx([8.0], abs=1e-7)
    strong = analyse_bargain(scenario, {"seller_power": 2.0}, coalitions=False)
    assert strong.solutions["nash"].point.amounts == pytest.approx([6 + 8 / 3], abs=1e-7)


def test_split_the_pie_rubinstein():
    a = analyse_bargain(load_scenario("split_the_pie"))
    assert a.solutions["alternating_offers"].point.payoffs == pytest.approx(
        [100 * 0.2 / 0.28, 100 - 100 * 0.2 / 0.28], abs=1e-6
    )
    assert a.solutions["nash"].point.payoffs == pytest.approx([50, 50], abs=1e-7)


def test_security_council_coalitions():
    a = analyse_bargain(load_scenario("security_council"))
    c = a.coalitions
    assert c is not None
    simple = [0, 0, 0, 1, 0, 1, 0, 1]  # P = bit 0, E1 = bit 1, E2 = bit 2
    assert c.values == pytest.approx(simple, abs=1e-12)
    assert c.shapley == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    assert not c.least_core.core_empty
    assert c.least_core.point == pytest.approx([1, 0, 0], abs=1e-9)


def test_sequential_agreements_and_disagreement_is_the_spe():
    scenario = load_scenario("missile_shield_deal")
    a = analyse_bargain(scenario, coalitions=False)
    spe = solve_sequential(scenario, concepts=["subgame_perfect"]).subgame_perfect
    idx = [scenario.player_names.index(p) for p in a.parties]
    assert any(np.allclose(e.payoffs[idx], a.disagreement) for e in spe)
    # US: deploy, or offer with a switch-on choice at 4 reachable points (2 + 2^4 = 17
    # reduced plans); Russia: a vote after each US move (4 plans).
    assert len(a.agreements) == 17 * 4
    for g in a.agreements:
        assert isinstance(g.moves["US"], dict)


def test_commitment_responses():
    a = analyse_bargain(load_scenario("missile_shield"), coalitions=False)
    hold = next(c for c in a.commitments if c.name == "hold_shield")
    # The US holds the shield off; Russia and Iran respond: support + halt.
    assert hold.response.payoffs == pytest.approx([3.0, 1.0, 0.0])


def test_security_disagreement_and_outcome():
    text = """name: t
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
matrix:
  - [[3, 1], [0, 0]]
  - [[0, 0], [1, 3]]
negotiation:
  disagreement: security
"""
    a = analyse_bargain(load_scenario_text(text), coalitions=False)
    # Battle of the sexes: each security level is 3/4.
    assert a.disagreement == pytest.approx([0.75, 0.75])
    b = analyse_bargain(load_scenario_text(text.replace("security", "{when: {A: y, B: y}}")))
    assert b.disagreement == pytest.approx([1.0, 3.0])


def test_json_follows_the_contract(capsys):
    status, out, _ = run(capsys, "bargain", "missile_shield", "--json")
    assert status == 0
    doc = json.loads(out)
    for key in ("parties", "disagreement", "agreements", "zone_open", "solutions", "coalitions"):
        assert key in doc
    assert doc["parties"] == ["US", "Russia"]
    assert set(doc["disagreement"]) == {"US", "Russia"}
    for entry in doc["agreements"]:
        assert {"moves", "payoffs", "label", "in_zone", "pareto"} <= set(entry)
    assert set(doc["solutions"]) == {
        "nash",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
        "alternating_offers",
    }
    for s in doc["solutions"].values():
        assert {"payoffs", "lottery", "transfers"} <= set(s)
        assert sum(x["probability"] for x in s["lottery"]) == pytest.approx(1.0)
        for t in s["transfers"]:
            assert set(t) == {"from", "to", "amount"}
    coal = doc["coalitions"]
    assert {"values", "shapley", "core_empty", "least_core"} <= set(coal)
    assert {"epsilon", "point"} == set(coal["least_core"])
    assert all({"members", "value"} == set(v) for v in coal["values"])


def test_json_nulls_when_zone_closed_and_no_alternating_offers_for_three():
    a = analyse_bargain(load_scenario("security_council"), {"resolution_value": 0.2})
    doc = bargain_document(a)
    assert doc["zone_open"] is False
    assert "alternating_offers" not in doc["solutions"]
    assert all(v is None for v in doc["solutions"].values())


def test_text_report_sentences(capsys):
    status, out, _ = run(capsys, "bargain", "missile_shield")
    assert status == 0
    assert 'A deal exists: both US and Russia gain from "Grand bargain"' in out
    assert "Nash bargaining solution: US 0.5, Russia 3.5" in out
    assert "Shapley value" in out and "holds the pivot" in out
    assert "best commitment" in out


def test_plot_written_and_not_overwritten(tmp_path: Path, capsys):
    target = tmp_path / "deal.png"
    status, _out, _ = run(capsys, "bargain", "missile_shield", "-o", str(target))
    assert status == 0 and target.stat().st_size > 1000
    status, _, err = run(capsys, "bargain", "missile_shield", "-o", str(target))
    assert status == 2 and "already exists" in err
    status, _, _ = run(capsys, "bargain", "security_council", "-o", str(target), "--force")
    assert status == 0


def test_bad_negotiation_is_located(tmp_path: Path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: t\nplayers:\n  A: {moves: [x, y]}\n  B: {moves: [x, y]}\n"
        "matrix:\n  - [[1, 1], [0, 0]]\n  - [[0, 0], [1, 1]]\n"
        "negotiation:\n  transfers:\n    - {from: A, to: B, rate: 2}\n"
    )
    status, _, err = run(capsys, "bargain", str(bad))
    assert status == 1
    assert f"{bad}:10:30: negotiation.transfers[0].rate: rate must be above 0" in err
    status, _, err = run(capsys, "bargain", str(bad), "--set", "nope=1")
    assert status in (1, 2) and "Traceback" not in err


def test_plot_function_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    from sim.plots import plot_bargain

    a = analyse_bargain(load_scenario("security_council"))
    axes = plot_bargain(a)
    assert len(axes) == 3
    assert axes[0].get_xlabel() == "P's payoff"


@pytest.mark.parametrize("name", [p.stem for p in bundled_scenarios()])
def test_every_bundled_scenario_bargains(name):
    scenario = load_scenario(name)
    a = analyse_bargain(scenario, coalitions=name != "missile_shield_deal")
    doc = json.loads(json.dumps(bargain_document(a), allow_nan=False))
    assert doc["parties"] == list(a.parties)
    assert (doc["solutions"]["nash"] is None) == (not doc["zone_open"])
    for g in a.agreements:
        assert g.in_zone == bool(np.all(g.payoffs >= a.disagreement - 1e-9))


@st.composite
def random_scenarios(draw):  # type: ignore[no-untyped-def]
    rows, cols = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    cell = st.lists(st.integers(-4, 4), min_size=2, max_size=2)
    matrix = [[draw(cell) for _ in range(cols)] for _ in range(rows)]
    disagreement = draw(st.sampled_from(["equilibrium", "security", "{A: -1, B: 0}"]))
    lotteries = draw(st.sampled_from(["true", "false"]))
    transfer = draw(st.sampled_from(["", "  transfers: [{from: A, to: B, max: 2, rate: 0.5}]\n"]))
    return (
        "name: r\nplayers:\n"
        f"  A: {{moves: [{', '.join(f'a{i}' for i in range(rows))}]}}\n"
        f"  B: {{moves: [{', '.join(f'b{j}' for j in range(cols))}]}}\n"
        f"matrix: {matrix}\n"
        f"negotiation:\n  disagreement: {disagreement}\n  lotteries: {lotteries}\n"
        "  power: {A: 2}\n  discount: {A: 0.9, B: 0.6}\n" + transfer
    )


@settings(max_examples=40, deadline=None)
@given(random_scenarios())
def test_random_games_every_solution_verified(text):
    a = analyse_bargain(load_scenario_text(text), coalitions=False)
    for kind, s in a.solutions.items():
        if s is None:
            continue
        check_solution(
            a.feasible, a.disagreement, s.point, kind,
            power=np.asarray(a.settings.power), discount=a.settings.discount,
            proposals=s.proposals,
        )  # fmt: skip
        assert np.all(s.point.payoffs >= a.disagreement - 1e-7)


def test_veto_player_named(capsys):
    status, out, _ = run(capsys, "bargain", "security_council")
    assert status == 0
    assert "(a veto player)" in out
    assert out.count("(a veto player)") == 1
    _, plain, _ = run(capsys, "bargain", "missile_shield")
    assert "veto player" not in plain
