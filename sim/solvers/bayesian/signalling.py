"""Sender-receiver (signalling) games: pooling and separating, and the Intuitive Criterion.

A game is recognised as a signalling game when chance moves first (the
sender's *type*), the sender then moves knowing its type (one singleton
information set per type), the receiver moves knowing only the sender's
message (one information set per message, one node per type), and the game
ends. A pure equilibrium is *pooling* when every type sends the same
message and *separating* when all types send different ones; anything else
is *partially pooling* (pure) or *semi-separating* (a type mixes).

The Intuitive Criterion (Cho & Kreps 1987, "Signaling games and stable
equilibria", *QJE* 102, 179-221) tests each message ``m`` not sent in the
equilibrium. A type is *equilibrium-dominated* at ``m`` when its equilibrium
payoff beats everything ``m`` could bring it under any best reply of the
receiver to any belief. The equilibrium fails when some type that is not
dominated would gain from ``m`` under every best reply of the receiver to
beliefs that put no weight on the dominated types. Best-reply sets are
found by linear feasibility (``scipy.optimize.linprog``, HiGHS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from sim.games.extensive import CHANCE, DECISION, LEAF, ExtensiveGame, FloatArray, PointValues

__all__ = [
    "IntuitiveTest",
    "SignallingGame",
    "classify",
    "intuitive_criterion",
    "signalling_structure",
]


@dataclass(frozen=True)
class SignallingGame:
    """The parts of a sender-receiver game.

    ``sender_nodes[t]`` is type ``t``'s decision node; ``receiver_sets[m]``
    is the receiver's information set after message ``m``;
    ``leaf[t][m][a]`` is the leaf after type ``t``, message ``m``, reply ``a``.
    """

    sender: int
    receiver: int
    types: tuple[str, ...]
    sender_nodes: tuple[int, ...]
    sender_sets: tuple[int, ...]
    messages: tuple[str, ...]
    receiver_sets: tuple[int, ...]
    replies: tuple[str, ...]
    leaf: tuple[tuple[tuple[int, ...], ...], ...]


def signalling_structure(game: ExtensiveGame) -> SignallingGame | None:
    """The sender-receiver structure of ``game``, or ``None`` if it is not one."""
    if game.n_nodes == 0 or game.kind[0] != CHANCE:
        return None
    senders = game.children[0]
    if any(game.kind[x] != DECISION for x in senders):
        return None
    sender = int(game.owner[senders[0]])
    sets = [int(game.infoset[x]) for x in senders]
    messages = game.node_moves[senders[0]]
    if len(set(sets)) != len(sets) or any(
        int(game.owner[x]) != sender or game.node_moves[x] != messages for x in senders
    ):
        return None
    receivers = [[game.children[x][m] for x in senders] for m in range(len(messages))]
    first = receivers[0][0]
    if game.kind[first] != DECISION or int(game.owner[first]) == sender:
        return None
    receiver, replies = int(game.owner[first]), game.node_moves[first]
    rsets = []
    for nodes in receivers:
        h = {int(game.infoset[y]) for y in nodes}
        if len(h) != 1 or any(
            game.kind[y] != DECISION or int(game.owner[y]) != receiver for y in nodes
        ):
            return None
        (index,) = h
        if set(game.infosets[index].nodes) != set(nodes) or game.node_moves[nodes[0]] != replies:
            return None
        if any(game.kind[z] != LEAF for y in nodes for z in game.children[y]):
            return None
        rsets.append(index)
    leaf = tuple(
        tuple(tuple(game.children[receivers[m][t]]) for m in range(len(messages)))
        for t in range(len(senders))
    )
    return SignallingGame(
        sender, receiver, game.node_moves[0], tuple(senders), tuple(sets),
        messages, tuple(rsets), replies, leaf,
    )  # fmt: skip


def classify(sg: SignallingGame, behaviour: Sequence[FloatArray], tol: float = 1e-9) -> str:
    """``"pooling"``, ``"separating"``, ``"partially pooling"`` or ``"semi-separating"``.

    >>> sg = SignallingGame(0, 1, ("a", "b"), (1, 2), (0, 1), ("x", "y"), (2, 3), ("r",), ())
    >>> classify(sg, [np.array([1.0, 0.0]), np.array([0.0, 1.0])])
    'separating'
    >>> classify(sg, [np.array([1.0, 0.0]), np.array([1.0, 0.0])])
    'pooling'
    """
    plans = [np.asarray(behaviour[h], float) for h in sg.sender_sets]
    if any(float(p.max()) < 1.0 - tol for p in plans):
        return "semi-separating"
    sent = [int(np.argmax(p)) for p in plans]
    if len(set(sent)) == 1:
        return "pooling"
    if len(set(sent)) == len(sent):
        return "separating"
    return "partially pooling"


@dataclass(frozen=True)
class IntuitiveTest:
    """The Intuitive Criterion at one unsent message.

    ``dominated`` are the equilibrium-dominated types; ``breaker`` a type
    that gains from the message under every best reply to beliefs on the
    other types (``None`` when the equilibrium survives at this message).
    """

    message: str
    dominated: tuple[str, ...]
    breaker: str | None
    gain: float = 0.0


def _best_replies(u: FloatArray, types: Sequence[int], slack: float) -> list[int]:
    """Replies that are a best reply to some belief over ``types`` (``u``: type x reply)."""
    out = []
    for a in range(u.shape[1]):
        rows = [u[types, b] - u[types, a] for b in range(u.shape[1]) if b != a]
        res = linprog(
            np.zeros(len(types)),
            A_ub=np.array(rows) if rows else None,
            b_ub=np.full(len(rows), slack) if rows else None,
            A_eq=np.ones((1, len(types))),
            b_eq=[1.0],
            bounds=(0, 1),
            method="highs",
        )
        if res.status == 0:
            out.append(a)
    return out


def intuitive_criterion(
    game: ExtensiveGame,
    values: PointValues,
    sg: SignallingGame,
    behaviour: Sequence[FloatArray],
    equilibrium_payoff: Sequence[float],
    tol: float = 1e-9,
) -> tuple[IntuitiveTest, ...]:
    """Apply the Intuitive Criterion to every message no type sends.

    ``equilibrium_payoff[t]`` is type ``t``'s equilibrium payoff. The
    equilibrium passes when no returned test names a ``breaker``.
    """
    pay = values.payoffs
    s_span = max(float(np.ptp(pay[:, sg.sender])), 1e-300) if pay.size else 1.0
    r_span = max(float(np.ptp(pay[:, sg.receiver])), 1e-300) if pay.size else 1.0
    sent = np.zeros(len(sg.messages))
    for h in sg.sender_sets:
        sent += np.asarray(behaviour[h], float)
    n_types = len(sg.types)
    tests = []
    for m, message in enumerate(sg.messages):
        if sent[m] > tol:
            continue
        rows = [
            [game.leaf_row[sg.leaf[t][m][a]] for a in range(len(sg.replies))]
            for t in range(n_types)
        ]
        u_s = np.array([[pay[r, sg.sender] for r in row] for row in rows])
        u_r = np.array([[pay[r, sg.receiver] for r in row] for row in rows])
        every = _best_replies(u_r, list(range(n_types)), tol * r_span)
        dominated = [
            t for t in range(n_types) if equilibrium_payoff[t] > max(u_s[t, every]) + tol * s_span
        ]
        left = [t for t in range(n_types) if t not in dominated]
        breaker, gain = None, 0.0
        if dominated and left:
            replies = _best_replies(u_r, left, tol * r_span)
            for t in left:
                worst = float(min(u_s[t, replies]))
                if worst > equilibrium_payoff[t] + tol * s_span:
                    breaker, gain = sg.types[t], worst - float(equilibrium_payoff[t])
                    break
        tests.append(IntuitiveTest(message, tuple(sg.types[t] for t in dominated), breaker, gain))
    return tuple(tests)
