"""Tests of :mod:`sim.scenario.sequential` and :mod:`sim.scenario.tree`: reading and
checking the ``sequence`` and ``tree`` forms of a sequential game."""

from __future__ import annotations

import textwrap

import pytest

from sim.errors import Location
from sim.scenario.model import OutcomeRow, Player, Stage, TreeNode, When
from sim.scenario.reader import Reader
from sim.scenario.sequential import (
    check_outcome_histories,
    check_sequence_semantics,
    check_tree_semantics,
    enumerate_histories,
    read_conditions,
    read_sequence,
    read_tree,
    stage_moves,
)
from sim.yamlio import load_yaml

FILE = "test.yaml"
NAMES = ["p_advanced", "p"]
ENV = {"p_advanced": 0.3, "p": 0.3}

EXAMPLE_SEQUENCE = """\
sequence:
  - id: offer                 # optional; defaults to the player's name
    player: US
    moves: [offer_deal, no_deal]
  - player: Russia
    moves: [support_sanctions, veto_sanctions]
  - chance: capability        # nature moves; its id is this name
    outcomes: {advanced: p_advanced, limited: 1 - p_advanced}
  - player: Iran
    moves: [halt_enrichment, continue_enrichment]
    observes: [Russia]        # default: every earlier stage
  - id: switch_on
    player: US
    moves: [activate_shield, keep_off]
    when: {offer: offer_deal} # the stage happens only on these histories
"""

EXAMPLE_TREE = """\
tree:
  player: US
  moves:
    offer_deal:
      player: Russia
      infoset: r1            # nodes sharing a label share an information set
      moves:
        support: {payoffs: {US: 3, Russia: 1, Iran: -2}, label: Grand bargain}
        veto:
          chance: {advanced: p_advanced, limited: 1 - p_advanced}
          moves:
            advanced: {payoffs: {US: -4, Russia: 0, Iran: 2}}
            limited: {payoffs: {US: -1, Russia: 0, Iran: 1}}
    no_deal: {payoffs: {US: 0, Russia: -1, Iran: 0}}
"""


def _players(**moves: list[str]) -> dict[str, Player]:
    players = {name: Player(name) for name in ("US", "Russia", "Iran")}
    players.update({name: Player(name, tuple(m)) for name, m in moves.items()})
    return players


def _sequence(
    text: str, players: dict[str, Player] | None = None
) -> tuple[tuple[Stage, ...] | None, Reader]:
    reader = Reader(FILE)
    root = load_yaml(textwrap.dedent(text), FILE)
    assert isinstance(root.value, dict)
    stages = read_sequence(reader, root.value["sequence"], "sequence", players or _players(), NAMES)
    return stages, reader


def _tree(text: str) -> tuple[TreeNode | None, Reader]:
    reader = Reader(FILE)
    root = load_yaml(textwrap.dedent(text), FILE)
    assert isinstance(root.value, dict)
    return read_tree(reader, root.value["tree"], "tree", _players(), NAMES), reader


def _shown(reader: Reader) -> list[str]:
    """Diagnostics as ``LINE:COL: path: message``."""
    return [
        f"{d.location.line}:{d.location.col}: {d.path}: {d.message}" for d in reader.diagnostics
    ]


def _assert_one(reader: Reader, where: str, *parts: str) -> None:
    """Exactly one diagnostic, at ``where`` (``LINE:COL``), containing every part."""
    shown = _shown(reader)
    assert len(shown) == 1, shown
    assert shown[0].startswith(where + ":"), shown
    for part in parts:
        assert part in shown[0], shown


# --------------------------------------------------------------------------- sequence


def test_example_sequence_is_valid() -> None:
    stages, reader = _sequence(EXAMPLE_SEQUENCE)
    assert reader.diagnostics == []
    assert stages is not None
    assert [s.id for s in stages] == ["offer", "Russia", "capability", "Iran", "switch_on"]
    offer, russia, capability, iran, switch_on = stages
    assert offer.player == "US" and offer.moves == ("offer_deal", "no_deal")
    assert russia.observes == ("offer",)
    assert capability.is_chance and capability.moves == ("advanced", "limited")
    assert capability.player is None
    assert iran.observes == ("Russia",)
    assert switch_on.observes == ("offer", "Russia", "capability", "Iran")
    assert switch_on.when == When((("offer", ("offer_deal",)),))
    assert switch_on.location == Location(FILE, 12, 5)
    check_sequence_semantics(reader, stages, (), (), ENV)
    assert reader.diagnostics == []


def test_stage_moves_default_to_player_moves() -> None:
    text = """\
    sequence:
      - player: US
      - player: Russia
        moves: [x, y, z]
    """
    stages, reader = _sequence(text, _players(US=["a", "b"]))
    assert reader.diagnostics == []
    assert stages is not None
    assert stage_moves(stages) == {"US": ("a", "b"), "Russia": ("x", "y", "z")}


SEQUENCE_ERRORS = [
    pytest.param(
        """\
        sequence:
          - player: US
            moves: [a, b]
          - player: US
            moves: [c, d]
        """,
        "4:13",
        [
            "stage id 'US' is already used by the stage at line 2",
            "a player that moves at two stages needs an `id` on at least one of them",
        ],
        id="player-twice-without-id",
    ),
    pytest.param(
        """\
        sequence:
          - {id: first, player: US, moves: [a, b]}
          - {id: first, player: Russia, moves: [c, d]}
        """,
        "3:10",
        ["stage id 'first' is already used by the stage at line 2; stage ids must be unique"],
        id="duplicate-explicit-id",
    ),
    pytest.param(
        """\
        sequence:
          - id: switch_on
            player: US
            moves: [activate_shield, keep_off]
            when: {Iran: halt}
          - player: Iran
            moves: [halt, go]
        """,
        "5:12",
        [
            "sequence[0].when.Iran: stage 'switch_on' refers to stage 'Iran' in `when`, "
            "which comes later; `when` may only refer to earlier stages"
        ],
        id="when-later-stage",
    ),
    pytest.param(
        """\
        sequence:
          - {id: offer, player: US, moves: [offer_deal, no_deal]}
          - player: Russia
            moves: [c, d]
            when: {offer: [no_deal, ofer_deal]}
        """,
        "5:29",
        ["'offer' has no move 'ofer_deal' (did you mean 'offer_deal'?)", "offer_deal, no_deal"],
        id="when-unknown-move",
    ),
    pytest.param(
        """\
        sequence:
          - {id: offer, player: US, moves: [offer_deal, no_deal]}
          - {player: Russia, moves: [c, d], when: {ofer: offer_deal}}
        """,
        "3:44",
        ["unknown stage 'ofer' in `when` (did you mean 'offer'?)", "earlier stages: offer"],
        id="when-unknown-stage",
    ),
    pytest.param(
        """\
        sequence:
          - {player: US, moves: [a, b], when: {US: a}}
        """,
        "2:40",
        ["stage 'US' refers to itself in `when`"],
        id="when-itself",
    ),
    pytest.param(
        """\
        sequence:
          - {player: Russia, moves: [a, b]}
          - {player: Iran, moves: [c, d], observes: [Rusia]}
        """,
        "3:46",
        ["refers to unknown stage 'Rusia' in `observes` (did you mean 'Russia'?)"],
        id="observes-unknown",
    ),
    pytest.param(
        """\
        sequence:
          - {player: Russia, moves: [a, b], observes: [Iran]}
          - {player: Iran, moves: [c, d]}
        """,
        "2:48",
        ["stage 'Russia' refers to stage 'Iran' in `observes`, which comes later"],
        id="observes-later",
    ),
    pytest.param(
        """\
        sequence:
          - {player: Rusia, moves: [a, b]}
        """,
        "2:14",
        ["unknown player 'Rusia' (did you mean 'Russia'?)"],
        id="unknown-player",
    ),
    pytest.param(
        """\
        sequence:
          - {player: US, chance: nature, moves: [a, b]}
        """,
        "2:5",
        ["a stage has `player` (a player moves) or `chance` (nature moves), not both"],
        id="player-and-chance",
    ),
    pytest.param(
        """\
        sequence:
          - {moves: [a, b]}
        """,
        "2:5",
        ["a stage needs `player` (a player moves) or `chance` (nature moves)"],
        id="neither-player-nor-chance",
    ),
    pytest.param(
        """\
        sequence:
          - {player: US, moves: [a]}
        """,
        "2:25",
        ["a stage needs at least two moves to choose from; found 1"],
        id="one-move",
    ),
    pytest.param(
        """\
        sequence:
          - {player: US, moves: [a, b, a]}
        """,
        "2:32",
        ["move 'a' is listed twice"],
        id="repeated-move",
    ),
    pytest.param(
        """\
        sequence:
          - {player: US, moves: [a, two words]}
        """,
        "2:29",
        ["move name 'two words' must match"],
        id="bad-move-name",
    ),
    pytest.param(
        """\
        sequence:
          - {player: US}
        """,
        "2:5",
        ["stage 'US' has no `moves`", "players: US: moves"],
        id="no-moves-anywhere",
    ),
    pytest.param(
        """\
        sequence:
          - {id: Iran, player: US, moves: [a, b]}
        """,
        "2:10",
        ["stage id 'Iran' is the name of a player who does not move at this stage"],
        id="id-is-another-player",
    ),
    pytest.param(
        """\
        sequence:
          - {chance: nature, outcomes: {a: 0.5, b: 0.5}, observes: [x]}
        """,
        "2:50",
        ["unknown key 'observes'"],
        id="chance-stage-observes",
    ),
    pytest.param(
        """\
        sequence:
          - {chance: nature, outcomes: {}}
        """,
        "2:32",
        ["a chance move needs at least one outcome"],
        id="chance-no-outcomes",
    ),
]


@pytest.mark.parametrize(("text", "where", "parts"), SEQUENCE_ERRORS)
def test_sequence_errors(text: str, where: str, parts: list[str]) -> None:
    stages, reader = _sequence(text)
    assert stages is None
    _assert_one(reader, where, *parts)


def test_many_sequence_errors_in_one_pass() -> None:
    text = """\
    sequence:
      - {player: Rusia, moves: [a, b]}
      - {player: US, moves: [a]}
      - {player: Iran, moves: [c, d], when: {US: [b]}, observes: [Irn]}
      - {player: Iran, moves: [e, f], when: {Iran: g}}
    """
    stages, reader = _sequence(text)
    assert stages is None
    shown = _shown(reader)
    expected = [
        "2:14: sequence[0].player: unknown player 'Rusia'",
        "3:25: sequence[1].moves: a stage needs at least two moves",
        "4:63: sequence[2].observes[0]: stage 'Iran' refers to unknown stage 'Irn'",
        "5:14: sequence[3].player: stage id 'Iran' is already used by the stage at line 4",
        "5:48: sequence[3].when.Iran: 'Iran' has no move 'g'",
    ]
    assert len(shown) == len(expected), shown
    for start in expected:
        assert any(line.startswith(start) for line in shown), (start, shown)
    # 'US' failed, so its moves are unknown: `when: {US: [b]}` is not flagged as well.


CHANCE_ERRORS = [
    pytest.param(
        "{a: p, b: 0.6}",
        "2:32",
        "sequence[0].outcomes",
        ["chance probabilities sum to 0.9 (at p=0.3), not 1"],
        id="sum-not-one",
    ),
    pytest.param(
        "{a: -0.2, b: 1.2}",
        "2:36",
        "sequence[0].outcomes.a",
        ["probability of 'a' is -0.2; a probability cannot be negative"],
        id="negative",
    ),
    pytest.param(
        "{a: p - 0.5, b: 1.5 - p}",
        "2:36",
        "sequence[0].outcomes.a",
        ["probability of 'a' is -0.2 (at p=0.3)"],
        id="negative-at-default",
    ),
    pytest.param(
        "{a: log(p - 1), b: 1}",
        "2:36",
        "sequence[0].outcomes.a",
        ["NaN"],
        id="nan",
    ),
]


@pytest.mark.parametrize(("outcomes", "where", "path", "parts"), CHANCE_ERRORS)
def test_chance_probabilities(outcomes: str, where: str, path: str, parts: list[str]) -> None:
    text = f"sequence:\n  - {{chance: nature, outcomes: {outcomes}}}\n"
    stages, reader = _sequence(text)
    assert reader.diagnostics == [] and stages is not None
    check_sequence_semantics(reader, stages, (), (), ENV)
    _assert_one(reader, where, f"{path}: ", *parts)


def test_chance_within_tolerance_is_fine() -> None:
    text = "sequence:\n  - {chance: nature, outcomes: {a: 0.1, b: 0.2, c: 0.7, d: 1e-10}}\n"
    stages, reader = _sequence(text)
    assert stages is not None
    check_sequence_semantics(reader, stages, (), (), ENV)
    assert reader.diagnostics == []


# --------------------------------------------------------------------------- histories


def test_enumerate_histories_of_example() -> None:
    stages, _ = _sequence(EXAMPLE_SEQUENCE)
    assert stages is not None
    histories = enumerate_histories(stages)
    # offer_deal: 2 (Russia) x 2 (capability) x 2 (Iran) x 2 (switch_on) = 16;
    # no_deal: switch_on is skipped, 2 x 2 x 2 = 8.
    assert len(histories) == 24
    assert histories[0] == {
        "offer": "offer_deal",
        "Russia": "support_sanctions",
        "capability": "advanced",
        "Iran": "halt_enrichment",
        "switch_on": "activate_shield",
    }
    skipped = [h for h in histories if "switch_on" not in h]
    assert len(skipped) == 8
    assert all(h["offer"] == "no_deal" for h in skipped)
    assert len({tuple(sorted(h.items())) for h in histories}) == 24
    with pytest.raises(ValueError, match="more than 10 complete histories"):
        enumerate_histories(stages, limit=10)


def _rows(histories: list[dict[str, str]]) -> list[tuple[OutcomeRow, None]]:
    return [
        (OutcomeRow(tuple(h.items()), (), None, Location(FILE, 10 + i, 5)), None)
        for i, h in enumerate(histories)
    ]


def test_outcome_table_complete() -> None:
    stages, reader = _sequence(EXAMPLE_SEQUENCE)
    assert stages is not None
    histories = enumerate_histories(stages)
    rows = [row for row, _ in _rows(histories)]
    check_sequence_semantics(reader, stages, rows, (), ENV)
    assert reader.diagnostics == []


def test_outcome_table_missing_histories() -> None:
    stages, reader = _sequence(EXAMPLE_SEQUENCE)
    assert stages is not None
    histories = enumerate_histories(stages)
    check_outcome_histories(reader, _rows(histories[:-1]), histories, stages=stages)
    _assert_one(
        reader,
        "10:5",
        "missing outcome for offer=no_deal, Russia=veto_sanctions, capability=limited, "
        "Iran=continue_enrichment",
    )
    reader = Reader(FILE)
    check_outcome_histories(reader, _rows(histories[7:]), histories, stages=stages)
    message = reader.diagnostics[0].message
    assert message.count("missing outcome for") == 5
    assert message.endswith("; and 2 more")
    assert message.startswith(
        "missing outcome for offer=offer_deal, Russia=support_sanctions, capability=advanced, "
        "Iran=halt_enrichment, switch_on=activate_shield; "
    )


def test_outcome_table_repeated_and_incomplete_rows() -> None:
    text = """\
    sequence:
      - {player: US, moves: [a, b]}
      - {player: Russia, moves: [c, d], when: {US: a}}
    outcomes:
      - moves: {US: a, Russia: c}
      - moves: {US: a, Russia: c}
      - moves: {US: b, Russia: c}
      - moves: {US: a}
    """
    reader = Reader(FILE)
    root = load_yaml(textwrap.dedent(text), FILE)
    assert isinstance(root.value, dict)
    stages = read_sequence(reader, root.value["sequence"], "sequence", _players(), NAMES)
    assert stages is not None
    table = root.value["outcomes"]
    assert isinstance(table.value, list)
    rows = []
    for item in table.value:
        moves = item.to_python()["moves"]  # type: ignore[index]
        rows.append((OutcomeRow(tuple(moves.items()), (), None, item.location()), item))
    check_outcome_histories(reader, rows, enumerate_histories(stages), stages=stages, where=table)
    shown = _shown(reader)
    assert shown == [
        "6:12: outcomes[1].moves: history US=a, Russia=c is repeated (first given on line 5);"
        " every complete history needs exactly one row",
        "7:12: outcomes[2].moves: these moves are not a complete history: stage 'Russia' should"
        " not be there: it happens only when US=a",
        "8:12: outcomes[3].moves: these moves are not a complete history: stage 'Russia' is"
        " missing (it happens when US=a)",
        "5:3: outcomes: missing outcome for US=a, Russia=d; missing outcome for US=b",
    ]


# --------------------------------------------------------------------------- conditions


def test_read_conditions() -> None:
    known = {"US": ("a", "b"), "Russia": ("c", "d")}
    root = load_yaml("when: {US: [a, b], Russia: c}\nbad: {Rusia: c, US: []}\n", FILE)
    assert isinstance(root.value, dict)
    reader = Reader(FILE)
    when = read_conditions(reader, root.value["when"], "when", known, "rule")
    assert when == When((("US", ("a", "b")), ("Russia", ("c",))))
    assert read_conditions(reader, root.value["bad"], "bad", known, "rule") is None
    assert _shown(reader) == [
        "2:7: bad.Rusia: unknown key 'Rusia' in the rule's `when` (did you mean 'Russia'?); "
        "it may use: US, Russia",
        "2:21: bad.US: must not be empty",
    ]


# --------------------------------------------------------------------------- tree


def test_example_tree_is_valid() -> None:
    root, reader = _tree(EXAMPLE_TREE)
    assert reader.diagnostics == []
    assert root is not None
    assert root.player == "US" and root.moves == ("offer_deal", "no_deal")
    russia = root.children[0][1]
    assert russia.infoset == "r1" and russia.path == "tree.moves.offer_deal"
    support, veto = (child for _, child in russia.children)
    assert support.is_leaf and support.label == "Grand bargain"
    assert [(p, float(f.evaluate(ENV))) for p, f in support.payoffs or ()] == [
        ("US", 3.0),
        ("Russia", 1.0),
        ("Iran", -2.0),
    ]
    assert veto.path == "tree.moves.offer_deal.moves.veto"
    assert veto.location == Location(FILE, 10, 11)
    assert veto.moves == ("advanced", "limited") and veto.chance is not None
    check_tree_semantics(reader, root, _players(), ENV)
    assert reader.diagnostics == []


TREE_ERRORS = [
    pytest.param(
        """\
        tree:
          player: US
          moves:
            a: {payoffs: {US: 1, Russia: 2}}
            b: {payoffs: {US: 1, Russia: 2, Iran: 3}}
        """,
        "4:18",
        ["tree.moves.a.payoffs: leaf has no payoff for 'Iran'"],
        id="leaf-missing-player",
    ),
    pytest.param(
        """\
        tree:
          player: US
          moves:
            a: {payoffs: {US: 1, Russia: 2, Irn: 3, Iran: 0}}
        """,
        "4:37",
        ["unknown player 'Irn' (did you mean 'Iran'?)"],
        id="leaf-unknown-player",
    ),
    pytest.param(
        """\
        tree:
          player: Rusia
          moves:
            a: {payoffs: {US: 1, Russia: 2, Iran: 0}}
        """,
        "2:11",
        ["unknown player 'Rusia' (did you mean 'Russia'?)"],
        id="decision-unknown-player",
    ),
    pytest.param(
        """\
        tree:
          player: US
          moves:
            a:
              player: Russia
              infoset: r1
              moves: {x: {payoffs: {US: 1, Russia: 2, Iran: 0}}}
            b:
              player: Iran
              infoset: r1
              moves: {x: {payoffs: {US: 1, Russia: 2, Iran: 0}}}
        """,
        "10:16",
        [
            "information set 'r1' belongs to player 'Russia' (node at line 5), "
            "but this node's player is 'Iran'"
        ],
        id="infoset-different-players",
    ),
    pytest.param(
        """\
        tree:
          player: US
          moves:
            a:
              player: Russia
              infoset: r1
              moves: {x: {payoffs: {US: 1, Russia: 2, Iran: 0}}}
            b:
              player: Russia
              infoset: r1
              moves: {y: {payoffs: {US: 1, Russia: 2, Iran: 0}}}
        """,
        "10:16",
        ["information set 'r1' has moves x at the node at line 5, but this node has y"],
        id="infoset-different-moves",
    ),
    pytest.param(
        """\
        tree:
          player: US
          infoset: u
          moves:
            a:
              player: US
              infoset: u
              moves: {x: {payoffs: {US: 1, Russia: 2, Iran: 0}}}
        """,
        "7:16",
        ["information set 'u' already contains a node above this one (line 2)"],
        id="infoset-twice-on-a-path",
    ),
    pytest.param(
        """\
        tree:
          chance: {advanced: p_advanced, limited: 1 - p_advanced}
          moves:
            advanced: {payoffs: {US: 1, Russia: 2, Iran: 0}}
            limted: {payoffs: {US: 1, Russia: 2, Iran: 0}}
        """,
        "4:5",
        [
            "the moves of a chance node must be its `chance` outcomes: missing 'limited'; "
            "not a chance outcome: 'limted' (did you mean 'limited'?)"
        ],
        id="chance-moves-differ",
    ),
    pytest.param(
        """\
        tree:
          chance: {a: 0.5, b: 0.5}
          infoset: n
          moves:
            a: {payoffs: {US: 1, Russia: 2, Iran: 0}}
            b: {payoffs: {US: 1, Russia: 2, Iran: 0}}
        """,
        "3:3",
        ["a chance node cannot have an `infoset`"],
        id="chance-with-infoset",
    ),
    pytest.param(
        """\
        tree:
          player: US
          moves:
            a:
              payoffs: {US: 1, Russia: 2, Iran: 0}
              moves: {x: {payoffs: {US: 1, Russia: 2, Iran: 0}}}
        """,
        "5:7",
        ["a node with `payoffs` is a leaf and cannot also have `moves`", "a tree node needs"],
        id="payoffs-and-moves",
    ),
    pytest.param(
        """\
        tree:
          player: US
          moves:
            a: {label: nothing here}
        """,
        "4:8",
        ["this node has no `player`, `chance` or `payoffs`; a tree node needs `player` and"],
        id="empty-node",
    ),
    pytest.param(
        """\
        tree:
          player: US
          moves:
            a: {payof: {US: 1}}
        """,
        "4:8",
        ["(did you mean 'payoffs'?)"],
        id="misspelt-payoffs",
    ),
    pytest.param(
        """\
        tree:
          player: US
          moves: {}
        """,
        "3:10",
        ["a node needs at least one move"],
        id="no-moves",
    ),
]


@pytest.mark.parametrize(("text", "where", "parts"), TREE_ERRORS)
def test_tree_errors(text: str, where: str, parts: list[str]) -> None:
    root, reader = _tree(text)
    assert root is None
    _assert_one(reader, where, *parts)


def test_tree_chance_probabilities_checked_at_defaults() -> None:
    text = """\
    tree:
      player: US
      moves:
        a:
          chance: {x: p, y: 0.6}
          moves:
            x: {payoffs: {US: 1, Russia: 2, Iran: 0}}
            y: {payoffs: {US: 1, Russia: 2, Iran: log(p - 1)}}
    """
    root, reader = _tree(text)
    assert reader.diagnostics == [] and root is not None
    check_tree_semantics(reader, root, _players(), ENV)
    shown = _shown(reader)
    assert len(shown) == 2, shown
    assert shown[0].startswith("5:15: tree.moves.a.chance: chance probabilities sum to 0.9")
    assert shown[1].startswith("8:47: tree.moves.a.moves.y.payoffs.Iran: ") and "NaN" in shown[1]


def test_tree_reports_every_problem() -> None:
    text = """\
    tree:
      player: Rusia
      moves:
        a: {payoffs: {US: 1}}
        b: {payoffs: {US: 1, Russia: 2, Iran: 0}, moves: {}}
    """
    root, reader = _tree(text)
    assert root is None
    assert len(reader.diagnostics) == 3, _shown(reader)
