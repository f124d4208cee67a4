"""The ``negotiation`` section: reading, defaults, located errors."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario_text
from sim.scenario.negotiation import Negotiation

BASE = """name: t
parameters: {a: 2}
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
  C: {moves: [x, y]}
payoffs:
  - when: {A: x}
    add: {A: 1, B: 2, C: a}
"""


def _load(neg: str):
    return load_scenario_text(BASE + neg, "f.yaml")


def _errors(neg: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        _load(neg)
    return [str(d) for d in info.value.diagnostics]


def test_absent_section_is_none():
    assert _load("").negotiation is None


def test_full_section_values():
    s = _load(
        """negotiation:
  parties: [B, A]
  disagreement: {A: 0, B: a}
  select: risk_dominant
  lotteries: false
  power: {A: 2 * a}
  transfers:
    - {from: A, to: B, max: 5, rate: 0.5}
    - {from: B, to: A}
  discount: {A: 0.9, B: 0.95}
  first: B
"""
    )
    n = s.negotiation
    assert isinstance(n, Negotiation)
    assert n.party_names(s.player_names) == ("A", "B")
    assert n.select == "risk_dominant" and not n.lotteries
    v = n.values(s.player_names, {"a": 3.0})
    assert v.parties == ("A", "B")
    assert v.power == pytest.approx((6.0, 1.0))
    assert v.numbers == pytest.approx((0.0, 3.0))
    assert v.discount == pytest.approx((0.9, 0.95))
    assert v.first == "B"
    assert v.transfers[0].max == 5.0 and v.transfers[0].rate == 0.5
    assert v.transfers[1].max == float("inf") and v.transfers[1].rate == 1.0


def test_defaults():
    s = _load("negotiation: {}\n")
    n = s.negotiation
    assert n is not None
    v = n.values(s.player_names, {"a": 2.0})
    assert v.parties == ("A", "B", "C")
    assert v.power == (1.0, 1.0, 1.0)
    assert v.first == "A" and v.discount is None and v.lotteries
    assert n.disagreement.kind == "equilibrium" and n.select == "payoff_dominant"


@pytest.mark.parametrize("word", ["equilibrium", "security"])
def test_disagreement_words(word):
    assert _load(f"negotiation: {{disagreement: {word}}}\n").negotiation.disagreement.kind == word


def test_disagreement_outcome():
    d = _load("negotiation: {disagreement: {when: {A: y, C: x}}}\n").negotiation.disagreement
    assert d.kind == "outcome"
    assert d.when.as_dict() == {"A": ("y",), "C": ("x",)}


def test_transfer_rate_error_is_located():
    errs = _errors(
        """negotiation:
  parties: [A, B]
  transfers:
    - {from: A, to: B, rate: 1.5}
"""
    )
    assert errs == [
        "f.yaml:13:30: negotiation.transfers[0].rate: rate must be above 0 and at most 1, found 1.5"
    ]


def test_bounds_checked_with_expressions():
    errs = _errors(
        """negotiation:
  power: {A: a - 2}
  discount: {A: 1, B: 0.5, C: 0.5}
  transfers:
    - {from: A, to: B, max: -a}
"""
    )
    assert any("negotiation.power.A: power must be greater than 0, found 0" in e for e in errs)
    assert any("negotiation.discount.A: a discount factor must be" in e for e in errs)
    assert any("negotiation.transfers[0].max: max must be zero or positive" in e for e in errs)


def test_structural_errors_all_reported():
    errs = _errors(
        """negotiation:
  parties: [A, Z]
  disagreement: {when: {A: [x, y]}}
  select: all
  first: Q
  lotterie: true
"""
    )
    text = "\n".join(errs)
    assert "negotiation.parties[1]: unknown player 'Z'" in text
    assert "negotiation.disagreement.when.A: name exactly one move" in text
    assert "negotiation.select: unknown rule 'all'" in text
    assert "negotiation.first: 'Q' is not a party" in text
    assert "unknown key 'lotterie' (did you mean 'lotteries'?)" in text


@pytest.mark.parametrize(
    ("neg", "message"),
    [
        ("negotiation: {parties: [A]}\n", "at least two parties"),
        ("negotiation: {parties: [A, A]}\n", "listed twice"),
        ("negotiation: {parties: [A, B], disagreement: {A: 1}}\n", "no value for B"),
        (
            "negotiation: {parties: [A, B], disagreement: {A: 1, B: 1, C: 0}}\n",
            "'C' is not a party",
        ),
        ("negotiation: {disagreement: deadlock}\n", "expected equilibrium, security"),
        ("negotiation: {disagreement: {when: {A: z}}}\n", "negotiation.disagreement.when.A"),
        ("negotiation: {disagreement: {when: {A: x}, B: 1}}\n", "by `when` alone"),
        ("negotiation: {transfers: [{from: A, to: A}]}\n", "two different parties"),
        ("negotiation: {transfers: [{from: A}]}\n", "missing required key 'to'"),
        ("negotiation: {power: {A: zz}}\n", "negotiation.power.A"),
        ("negotiation: {lotteries: maybe}\n", "expected true or false"),
        ("negotiation: [A, B]\n", "negotiation: expected a mapping"),
        ("negotiation: {discount: {A: 0.9}}\n", "no value for B, C"),
    ],
)
def test_error_messages(neg, message):
    errs = _errors(neg)
    assert any(message in e for e in errs), errs
    assert all(e.startswith("f.yaml:") for e in errs)


def test_sequential_disagreement_uses_stage_ids():
    text = """name: s
players: {A: null, B: null}
sequence:
  - {id: first, player: A, moves: [l, r]}
  - {player: B, moves: [u, d]}
payoffs:
  - when: {first: l}
    add: {A: 1, B: 1}
negotiation:
  disagreement: {when: {first: r}}
"""
    s = load_scenario_text(text, "s.yaml")
    assert s.negotiation.disagreement.when.as_dict() == {"first": ("r",)}
    with pytest.raises(ScenarioError, match=r"negotiation\.disagreement\.when"):
        load_scenario_text(text.replace("first: r}", "A: r}"), "s.yaml")
