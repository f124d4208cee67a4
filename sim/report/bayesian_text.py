"""The text report of the perfect Bayesian equilibria of a sequential game.

For each equilibrium: whether it pools or separates (sender-receiver games),
the moves at every information set, the beliefs (Bayes' rule on the path,
the range of supporting beliefs off it), the Intuitive Criterion (Cho &
Kreps 1987), whose beliefs drive which choice when players hold their own
estimates, the outcomes with the analyst's probabilities, and each player's
expected payoff under its own beliefs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.analysis.bayesian import belief_drivers
from sim.analysis.sequential import SequentialAnalysis
from sim.games.extensive import ExtensiveGame, FloatArray, PointValues
from sim.report.bayesian_json import history_key
from sim.report.sequential_json import equilibrium_outcomes
from sim.report.table import format_number
from sim.solvers.bayesian import IntuitiveTest, PerfectBayesian, PerfectBayesianSet

__all__ = ["bayesian_section"]

MAX_TOLD = 6
MAX_BELIEF_LINES = 12


def _num(x: float) -> str:
    return format_number(float(x), 4)


def bayesian_section(analysis: SequentialAnalysis) -> str:
    """The "Perfect Bayesian equilibria" part of ``sim solve``'s report."""
    found = analysis.bayesian
    if found is None:
        return ""
    game, values = analysis.game, analysis.values
    eqs = found.equilibria
    kind = "pure " if found.complete_pure and all(e.pure for e in eqs) else ""
    lines = [
        f"Perfect Bayesian equilibria: {len(eqs)} {kind}found ({found.method}).",
        "Each one is checked independently: every move played is a best reply to the stated "
        "beliefs at its information set, given what follows, and beliefs follow Bayes' rule "
        "wherever the equilibrium reaches them.",
    ]
    if game.has_beliefs:
        lines.append(
            "Players hold their own estimates: each chooses by its own beliefs, and its payoffs "
            "are expectations under them; outcome probabilities are the analyst's view."
        )
    lines.extend(f"Note: {n[0].upper()}{n[1:]}." for n in found.notes)
    if found.signalling is not None:
        sg = found.signalling
        lines.append(
            f"Sender-receiver game: {game.players[sg.sender]} knows the {game.movers[0]} "
            f"({', '.join(sg.types)}) and sends {', '.join(sg.messages)}; "
            f"{game.players[sg.receiver]} sees only the message."
        )
    lines.extend(_against_spe(analysis, found))
    if not eqs and found.complete_pure:
        lines.append("There is none in pure strategies, and no mixed one was found.")
    for n, eq in enumerate(eqs[:MAX_TOLD], start=1):
        lines.append("")
        lines.extend(_story(n, game, values, eq, found))
    if len(eqs) > MAX_TOLD:
        lines.append(f"... and {len(eqs) - MAX_TOLD} more (in the JSON result).")
    return "\n".join(lines)


def _against_spe(analysis: SequentialAnalysis, found: PerfectBayesianSet) -> list[str]:
    """How many of the listed pure subgame-perfect equilibria are perfect Bayesian."""
    spes = [e for e in analysis.subgame_perfect if e.is_pure]
    if not spes or not found.complete_pure:
        return []
    pbe = {tuple(int(np.argmax(b)) for b in e.behaviour) for e in found.equilibria if e.pure}
    kept = sum(tuple(int(np.argmax(b)) for b in e.behaviour) in pbe for e in spes)
    if kept == len(spes):
        return []
    return [
        f"Of the {len(spes)} pure subgame-perfect equilibria above, {kept} "
        f"{'is' if kept == 1 else 'are'} perfect Bayesian: "
        f"{'the other asks' if len(spes) - kept == 1 else 'the others ask'} some player to make "
        "a move that is a best reply to no belief it could hold where it moves."
    ]


def _title(n: int, game: ExtensiveGame, eq: PerfectBayesian, found: PerfectBayesianSet) -> str:
    name = f"{eq.kind[0].upper()}{eq.kind[1:]} equilibrium" if eq.kind else "Equilibrium"
    sg = found.signalling
    if sg is not None and eq.pure:
        sent = [sg.messages[int(np.argmax(eq.behaviour[h]))] for h in sg.sender_sets]
        name += " (" + ", ".join(f"{t}: {m}" for t, m in zip(sg.types, sent, strict=True)) + ")"
    if not eq.pure and not eq.kind:
        name = "Mixed equilibrium"
    if eq.kind is not None:
        verdict = "passes" if eq.passes_intuitive else "fails"
        name += f" - {verdict} the Intuitive Criterion"
    return f"{n}. {name}"


def _story(
    n: int, game: ExtensiveGame, values: PointValues, eq: PerfectBayesian, found: PerfectBayesianSet
) -> list[str]:
    lines = [_title(n, game, eq, found), "   Moves:"]
    for h, b in zip(game.infosets, eq.behaviour, strict=True):
        lines.append(f"     {h.key}: {_mix(h.moves, b)}")
    lines.extend(_beliefs(game, eq))
    if found.signalling is not None:
        receiver = game.players[found.signalling.receiver]
        lines.extend(_intuitive(eq.intuitive, receiver))
    for d in belief_drivers(game, values, eq.behaviour, found.tol):
        lines.append(
            f"   {d.player} plays {d.move} at {d.infoset} because under its own estimate "
            f"({d.own}) that is its best reply; under {d.view} ({d.other}) it would play "
            f"{d.alternative}."
        )
    lines.append("   Outcomes (analyst's probabilities):")
    for leaf, prob in equilibrium_outcomes(game, values, eq.behaviour)[:8]:
        label = game.leaf_label(leaf)
        named = f" - {label}" if label else ""
        lines.append(f"     {history_key(game, leaf)}{named}: {_num(prob)}")
    own = " (each under its own beliefs)" if game.has_beliefs else ""
    pays = ", ".join(f"{p} {_num(v)}" for p, v in zip(game.players, eq.payoffs, strict=True))
    lines.append(f"   Expected payoffs{own}: {pays}")
    return lines


def _mix(moves: Sequence[str], b: FloatArray) -> str:
    if float(np.max(b)) > 1 - 1e-12:
        return moves[int(np.argmax(b))]
    return ", ".join(f"{m} {_num(p)}" for m, p in zip(moves, b, strict=True) if p > 1e-12)


def _beliefs(game: ExtensiveGame, eq: PerfectBayesian) -> list[str]:
    lines = []
    for h, bel in zip(game.infosets, eq.beliefs, strict=True):
        if len(h.nodes) < 2:
            continue
        if bel.on_path:
            text = ", ".join(
                f"{history_key(game, x)} {_num(p)}"
                for x, p in zip(h.nodes, bel.belief, strict=True)
            )
            lines.append(f"     at {h.key} (reached; Bayes' rule): {text}")
        else:
            text = ", ".join(
                f"{history_key(game, x)} in [{_num(lo)}, {_num(hi)}]"
                for x, lo, hi in zip(h.nodes, bel.low, bel.high, strict=True)
            )
            lines.append(f"     at {h.key} (not reached; beliefs that support the moves): {text}")
    if not lines:
        return []
    more = len(lines) - MAX_BELIEF_LINES
    shown = lines[:MAX_BELIEF_LINES] + ([f"     ... and {more} more"] if more > 0 else [])
    return ["   Beliefs:", *shown]


def _intuitive(tests: Sequence[IntuitiveTest], receiver: str) -> list[str]:
    if not tests:
        return ["   Intuitive Criterion: every message is sent, so it puts no restriction."]
    lines = ["   Intuitive Criterion (Cho-Kreps 1987):"]
    for t in tests:
        if not t.dominated:
            lines.append(
                f"     {t.message}: no type could be sure to do worse by sending it, so it "
                "restricts no belief; the equilibrium survives at this message."
            )
        elif t.breaker is None:
            lines.append(
                f"     {t.message}: type {', '.join(t.dominated)} could not gain by sending it "
                "whatever the reply; no other type would gain for sure - survives."
            )
        else:
            lines.append(
                f"     {t.message}: type {', '.join(t.dominated)} could never gain by sending it, "
                f"so {receiver} should not believe it comes from that type; then every best reply "
                f"gives type {t.breaker} {_num(t.gain)} more than in the equilibrium - fails."
            )
    return lines
