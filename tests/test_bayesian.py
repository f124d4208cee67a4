"""Perfect Bayesian equilibria: hand-solved textbook games, the independent check, properties.

Known answers (solved by hand, see each scenario's description):

* beer-quiche (Cho & Kreps 1987): two pooling equilibria; pooling on beer
  survives the Intuitive Criterion, pooling on quiche fails it (the strong
  type breaks it at beer); off-path belief in the weak type at least 1/2;
* job-market signalling (Spence 1973, discrete): one separating equilibrium
  and one pooling equilibrium (no degree; belief in ability after a degree
  at most 1/2), which fails the Intuitive Criterion;
* inspection with false alarms: no pure equilibrium; the state cheats with
  probability 1/17 and the enforcer sanctions after an alarm with 5/7,
  believing the state cheated with 1/3;
* Selten's horse: one pure equilibrium (across, across, right), belief in
  "player 2 went down" at least 2/3 - the sequential equilibrium;
* one-card poker (Myerson 1991): no pure equilibrium; the mixed one has
  player 2 believing a raise comes from a red card with 3/4.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import VerificationError
from sim.games.extensive import evaluate
from sim.games.extensive_build import build_extensive
from sim.scenario.loader import load_scenario, load_scenario_text
from sim.scenario.parameters import parameter_env
from sim.solvers.bayesian import check_pbe, perfect_bayesian


def _solve(name: str, **overrides: float):  # type: ignore[no-untyped-def]
    scenario = load_scenario(name)
    game = build_extensive(scenario)
    env = parameter_env(scenario.parameters, overrides or None)
    values = evaluate(game, env).point(0, env)
    return game, values, perfect_bayesian(game, values)


def _moves(game, eq) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        h.key: h.moves[int(np.argmax(b))] for h, b in zip(game.infosets, eq.behaviour, strict=True)
    }


def test_beer_quiche() -> None:
    game, _, found = _solve("beer_quiche")
    assert found.complete_pure and found.signalling is not None
    by_breakfast = {_moves(game, e)["Patron@type=strong"]: e for e in found.equilibria}
    assert sorted(by_breakfast) == ["beer", "quiche"]
    beer, quiche = by_breakfast["beer"], by_breakfast["quiche"]
    assert beer.kind == quiche.kind == "pooling"
    assert beer.passes_intuitive and not quiche.passes_intuitive
    (test,) = quiche.intuitive
    assert (test.message, test.dominated, test.breaker) == ("beer", ("weak",), "strong")
    assert test.gain == pytest.approx(1.0)
    off = quiche.beliefs[game.infoset_by_key("Bully@Patron=beer")]
    assert not off.on_path
    nodes = game.infosets[game.infoset_by_key("Bully@Patron=beer")].nodes
    weak = next(k for k, x in enumerate(nodes) if game.history_dict(x)["type"] == "weak")
    assert (off.low[weak], off.high[weak]) == pytest.approx((0.5, 1.0))
    on = beer.beliefs[game.infoset_by_key("Bully@Patron=beer")]
    assert on.on_path and sorted(on.belief.round(12)) == [0.1, 0.9]
    assert beer.payoffs == pytest.approx([2.9, 0.9])
    assert quiche.payoffs == pytest.approx([2.1, 0.9])


def test_job_market() -> None:
    game, _, found = _solve("job_market_signalling")
    kinds = sorted((e.kind, e.passes_intuitive) for e in found.equilibria)
    assert kinds == [("pooling", False), ("separating", True)]
    sep = next(e for e in found.equilibria if e.kind == "separating")
    assert _moves(game, sep) == {
        "Worker@ability=able": "degree",
        "Worker@ability=less_able": "no_degree",
        "Employer@Worker=degree": "skilled",
        "Employer@Worker=no_degree": "unskilled",
    }
    pool = next(e for e in found.equilibria if e.kind == "pooling")
    h = game.infoset_by_key("Employer@Worker=degree")
    nodes = game.infosets[h].nodes
    able = next(k for k, x in enumerate(nodes) if game.history_dict(x)["ability"] == "able")
    assert (pool.beliefs[h].low[able], pool.beliefs[h].high[able]) == pytest.approx((0.0, 0.5))
    # The same two equilibria anywhere below p_able = 1/2 (the employer's indifference point).
    _, _, found2 = _solve("job_market_signalling", p_able=0.45)
    assert sorted((e.kind, e.passes_intuitive) for e in found2.equilibria) == kinds


def test_inspection_mixed() -> None:
    game, _, found = _solve("inspection_false_alarm")
    (eq,) = found.equilibria
    assert not eq.pure
    state = eq.behaviour[game.infoset_by_key("State@State")]
    enforcer_h = game.infoset_by_key("Enforcer@alarm=raised")
    assert state[0] == pytest.approx(1 / 17)
    assert eq.behaviour[enforcer_h][0] == pytest.approx(5 / 7)
    belief = eq.beliefs[enforcer_h]
    assert belief.on_path and belief.belief[0] == pytest.approx(1 / 3)
    # Different detection: cheat f / (2 d + f), sanction gain / (penalty (d - f)).
    game, _, found = _solve("inspection_false_alarm", detection=0.9, false_alarm=0.05)
    (eq,) = found.equilibria
    assert eq.behaviour[0][0] == pytest.approx(0.05 / 1.85)
    assert eq.behaviour[enforcer_h][0] == pytest.approx(2 / (4 * 0.85))


def test_seltens_horse_sequential_equilibrium() -> None:
    game, _, found = _solve("seltens_horse")
    (eq,) = found.equilibria
    assert _moves(game, eq) == {
        "P1@root": "across",
        "P2@P1=across": "across",
        "P3@someone=down": "right",
    }
    bel = eq.beliefs[game.infoset_by_key("P3@someone=down")]
    assert not bel.on_path
    assert (bel.low[0], bel.high[0]) == pytest.approx((2 / 3, 1.0))


def test_one_card_poker_mixed() -> None:
    game, _, found = _solve("one_card_poker")
    (eq,) = found.equilibria
    bel = eq.beliefs[game.infoset_by_key("P2@P1=raise")]
    assert bel.on_path and bel.belief == pytest.approx([0.75, 0.25])


def test_flagship_russia_vetoes_by_its_own_estimate() -> None:
    game, _values, found = _solve("missile_shield_verification")
    (eq,) = found.equilibria
    moves = _moves(game, eq)
    assert moves["Russia@offer=offer_deal"] == "veto_sanctions"
    # The promise is credible: no switching on after a no-threat finding.
    assert moves["US@offer=offer_deal,assessment=no_threat,Iran=continue_enrichment"] == "keep_off"
    # With Russia sharing the US estimate, Russia backs sanctions.
    game2, _, found2 = _solve("missile_shield_verification", russia_estimate=0.5)
    assert {_moves(game2, e)["Russia@offer=offer_deal"] for e in found2.equilibria} == {
        "support_sanctions"
    }


def test_check_rejects_wrong_beliefs_and_moves() -> None:
    game, values, found = _solve("beer_quiche")
    eq = found.equilibria[0]
    stated = [(b.on_path, b.belief, b.witnesses) for b in eq.beliefs]
    assert check_pbe(game, values, eq.behaviour, stated) <= 1e-9
    h = game.infoset_by_key("Bully@Patron=beer")
    wrong = list(stated)
    wrong[h] = (True, np.array([0.5, 0.5]), ())
    with pytest.raises(VerificationError, match="Bayes"):
        check_pbe(game, values, eq.behaviour, wrong)
    flipped = list(eq.behaviour)
    flipped[h] = flipped[h][::-1].copy()
    with pytest.raises(VerificationError, match="sequentially rational"):
        check_pbe(game, values, flipped, stated)


SIGNALLING = """\
name: Random signalling game
players:
  S: {moves: [m1, m2]}
  R: {moves: [a1, a2, a3]}
sequence:
  - chance: t
    outcomes: {t1: %(p)r, t2: %(q)r}
  - player: S
  - player: R
    observes: [S]
outcomes:
%(rows)s
"""


def _random_signalling(data: list[int], p: float) -> str:
    rows = []
    k = 0
    for t in ("t1", "t2"):
        for m in ("m1", "m2"):
            for a in ("a1", "a2", "a3"):
                pay = f"{{S: {data[k]}, R: {data[k + 1]}}}"
                rows.append(f"  - moves: {{t: {t}, S: {m}, R: {a}}}\n    payoffs: {pay}")
                k += 2
    return SIGNALLING % {"p": p, "q": round(1 - p, 10), "rows": "\n".join(rows)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(-3, 3), min_size=24, max_size=24),
    st.sampled_from([0.2, 0.5, 0.7]),
)
def test_every_reported_pbe_passes_the_check_and_bayes(data: list[int], p: float) -> None:
    scenario = load_scenario_text(_random_signalling(data, p))
    game = build_extensive(scenario)
    values = evaluate(game, {}).point(0)
    found = perfect_bayesian(game, values, mixed=False)
    assert found.complete_pure
    for eq in found.equilibria:
        stated = [(b.on_path, b.belief, b.witnesses) for b in eq.beliefs]
        assert check_pbe(game, values, eq.behaviour, stated, 1e-8) <= 1e-8
        for h, b in zip(game.infosets, eq.beliefs, strict=True):
            sent = (
                [eq.behaviour[s][int(game.edge[h.nodes[0]])] for s in (0, 3)]
                if len(h.nodes) > 1
                else None
            )
            if sent is not None and sum(sent) > 0:
                prior = np.array([p, 1 - p]) * np.array(sent)
                assert b.on_path and b.belief == pytest.approx(prior / prior.sum())
    # Brute force: every pure profile that the independent check accepts with
    # some vertex belief is listed (for info sets off the path, try the two types).
    listed = {tuple(int(np.argmax(b)) for b in eq.behaviour) for eq in found.equilibria}
    for choices in np.ndindex(*(len(h.moves) for h in game.infosets)):
        behaviour = game.pure_behaviour(choices)
        ok = False
        for picks in np.ndindex(*(len(h.nodes) for h in game.infosets)):
            stated = []
            for h, pick in zip(game.infosets, picks, strict=True):
                mu = np.eye(len(h.nodes))[pick]
                stated.append((False, mu, ()))
            try:
                _check_with_bayes(game, values, behaviour, stated)
                ok = True
                break
            except VerificationError:
                continue
        if ok:
            assert tuple(choices) in listed


def _check_with_bayes(game, values, behaviour, stated):  # type: ignore[no-untyped-def]
    """Replace the stated belief by Bayes' rule where the set is reached, then check."""
    fixed = []
    for h, (on, mu, wit) in zip(game.infosets, stated, strict=True):
        reach = []
        for x in h.nodes:
            p, y = 1.0, x
            while game.parent[y] >= 0:
                up = int(game.parent[y])
                w = (
                    values.probs[y]
                    if game.kind[up] == 1
                    else behaviour[int(game.infoset[up])][int(game.edge[y])]
                )
                p *= float(w)
                y = up
            reach.append(p)
        total = sum(reach)
        fixed.append((True, np.array(reach) / total, ()) if total > 0 else (on, mu, wit))
    return check_pbe(game, values, behaviour, fixed, 1e-8)
