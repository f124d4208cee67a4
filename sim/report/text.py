"""The text report of ``sim solve``: equilibria explained in plain words."""

from __future__ import annotations

import numpy as np

from sim.analysis.solve import GameAnalysis
from sim.concepts import MIXED_NASH, NASH
from sim.formatting import format_number, format_probability
from sim.games.normal_form import NormalFormGame, outcome_label
from sim.report.wording import list_words, plural, wrap_assignments
from sim.scenario.model import Scenario
from sim.solvers.result import Equilibrium, outcome_distribution

__all__ = ["solve_report"]

ORDINAL_WARNING = (
    "Warning: payoffs are ordinal (ranks). Pure equilibria are meaningful, but mixed "
    "equilibria of ranks carry no cardinal meaning: their probabilities depend on the "
    "arbitrary spacing of the ranks."
)


METHOD_TEXT = {
    "vertex_enumeration": "vertex enumeration of the best-response polytopes, exact on "
    "degenerate games",
    "support_enumeration_homotopy": "support enumeration, solving each support's indifference "
    "equations by homotopy continuation",
    "best_response_enumeration": "checking every profile for a profitable deviation",
    "logit_limit": "the limit of the logit QRE branch",
    "every_profile": "noting that no player's payoff depends on its own move",
    "pure_and_logit_limit": "a best-response check of every profile plus the limit of the "
    "logit QRE branch; the game is too large to enumerate every mixed equilibrium",
}


def _methods_text(methods: tuple[tuple[str, str], ...]) -> str:
    by_method: dict[str, list[str]] = {}
    for concept, method in methods:
        by_method.setdefault(method, []).append(concept.replace("_nash", ""))
    if len(by_method) == 1:
        return "by " + METHOD_TEXT.get(methods[0][1], methods[0][1].replace("_", " "))
    return "; ".join(
        f"{' and '.join(concepts)} ones by {METHOD_TEXT.get(m, m.replace('_', ' '))}"
        for m, concepts in by_method.items()
    )


def solve_report(scenario: Scenario, analysis: GameAnalysis) -> str:
    """The whole report as text."""
    game = analysis.game
    parts = [_header(scenario, analysis)]
    if scenario.ordinal:
        parts.append(ORDINAL_WARNING)
    if any(c in analysis.options.concepts for c in NASH):
        parts.append(_equilibria_section(scenario, analysis))
    if analysis.qre or analysis.qre_notes:
        parts.append(_qre_section(scenario, analysis))
    if analysis.zero_sum is not None:
        parts.append(_zero_sum_section(game, analysis))
    if analysis.strict_elimination is not None:
        parts.append(_dominance_section(game, analysis))
    if analysis.pure_security:
        parts.append(_security_section(game, analysis))
    if analysis.pareto_profiles:
        parts.append(_pareto_section(scenario, game, analysis))
    return "\n\n".join(p for p in parts if p)


def _header(scenario: Scenario, analysis: GameAnalysis) -> str:
    game = analysis.game
    lines = [scenario.name, "=" * len(scenario.name)]
    if game.parameters:
        values = {k: format_number(v) for k, v in game.parameters.items()}
        lines.extend(wrap_assignments("Parameters", values))
    sizes = " x ".join(str(m) for m in game.shape)
    lines.append(f"Players: {', '.join(game.players)} ({sizes} moves)")
    return "\n".join(lines)


def _equilibria_section(scenario: Scenario, analysis: GameAnalysis) -> str:
    eqs = analysis.equilibria
    lines = [f"Nash equilibria: {len(eqs)} found ({_methods_text(analysis.methods)})."]
    if analysis.total_equilibria is not None:
        lines[0] = (
            f"Nash equilibria: {analysis.total_equilibria:,} found "
            f"({_methods_text(analysis.methods)}); only the first {len(eqs)} are listed."
        )
    if (
        analysis.complete
        and analysis.game.n_players == 2
        and MIXED_NASH in analysis.options.concepts
    ):
        lines.append("This is every extreme equilibrium of the game.")
    elif analysis.complete:
        lines.append("This is every equilibrium of the kinds requested.")
    lines.extend(analysis.notes)
    lines.append("Each one is checked: no player can gain by deviating alone.")
    for i, eq in enumerate(eqs, start=1):
        lines.append("")
        lines.append(_equilibrium_text(scenario, analysis, i, eq))
    if not eqs:
        lines.append("")
        lines.append("No equilibrium of the requested kinds exists.")
    return "\n".join(lines)


def _equilibrium_text(scenario: Scenario, analysis: GameAnalysis, i: int, eq: Equilibrium) -> str:
    game = analysis.game
    pure = eq.pure_profile()
    kind = "Pure" if pure is not None else "Mixed"
    title = f"{i}. {kind} Nash equilibrium"
    if pure is not None:
        label = outcome_label(scenario, game.profile_moves(pure))
        if label:
            title += f': "{label}"'
    lines = [title]
    for p, player in enumerate(game.players):
        lines.append(f"   {player}: {_strategy_text(game, p, eq.strategies[p])}")
    pays = ", ".join(
        f"{pl} {format_number(float(v), 4)}" for pl, v in zip(game.players, eq.payoffs, strict=True)
    )
    lines.append(f"   Expected payoffs: {pays}")
    if pure is None:
        lines.extend(_outcome_lines(scenario, game, eq))
    if analysis.deviation_payoffs:
        lines.extend(_why_lines(game, eq, analysis.deviation_payoffs[i - 1]))
    optimal = analysis.pareto_equilibria[i - 1] if analysis.pareto_equilibria else None
    if optimal is not None:
        verdict = (
            "yes"
            if optimal
            else "no: some other outcome is better for one player and worse for none"
        )
        lines.append(f"   Pareto-optimal: {verdict}")
    return "\n".join(lines)


def _strategy_text(game: NormalFormGame, p: int, strategy: np.ndarray) -> str:
    support = np.flatnonzero(strategy > 1e-12)
    if support.size == 1:
        return f"plays {game.moves[p][int(support[0])]}"
    parts = [f"{game.moves[p][k]} {format_probability(float(strategy[k]))}" for k in support]
    return "mixes " + ", ".join(parts)


def _outcome_lines(
    scenario: Scenario, game: NormalFormGame, eq: Equilibrium, limit: int = 6
) -> list[str]:
    rows = outcome_distribution(eq.strategies)
    lines = ["   Outcomes:"]
    for profile, prob in rows[:limit]:
        moves = game.profile_moves(profile)
        label = outcome_label(scenario, moves)
        text = ", ".join(moves.values())
        lines.append(f"     {prob:6.1%}  {text}" + (f'  "{label}"' if label else ""))
    if len(rows) > limit:
        lines.append(f"     ... and {len(rows) - limit} more outcomes")
    return lines


def _why_lines(
    game: NormalFormGame, eq: Equilibrium, deviations: tuple[np.ndarray, ...]
) -> list[str]:
    """Why no player gains by deviating: its payoff against the best alternative."""
    lines = ["   Why it is an equilibrium:"]
    for p, player in enumerate(game.players):
        values = deviations[p]
        support = np.flatnonzero(eq.strategies[p] > 1e-12)
        others = np.flatnonzero(eq.strategies[p] <= 1e-12).tolist()
        own = format_number(float(eq.payoffs[p]), 4)
        if support.size > 1:
            mixed = list_words([game.moves[p][int(k)] for k in support])
            text = f"{player} is indifferent between {mixed} (each gives {own})"
        else:
            text = f"{player} gets {own}"
        if others:
            best = max(others, key=lambda k: values[k])
            gain = format_number(float(values[best]), 4)
            text += f"; the best alternative, {game.moves[p][best]}, would give {gain}"
        lines.append(f"     {text}.")
    return lines


def _qre_section(scenario: Scenario, analysis: GameAnalysis) -> str:
    """The quantal-response prediction: play with mistakes, and its limit."""
    game = analysis.game
    lines = [
        "Quantal response prediction (logit QRE, McKelvey and Palfrey 1995): players choose "
        "better moves more often but make mistakes; lambda measures how precisely they respond "
        "(0 = uniformly at random, large = best responses)."
    ]
    for point in analysis.qre:
        lines.append(f"   lambda = {format_number(point.lam)}:")
        for p, player in enumerate(game.players):
            parts = ", ".join(
                f"{m} {float(x):.1%}"
                for m, x in zip(game.moves[p], point.strategies[p], strict=True)
            )
            lines.append(f"     {player}: {parts}")
        top = outcome_distribution(point.strategies)[0]
        label = outcome_label(scenario, game.profile_moves(top[0]))
        name = f'"{label}"' if label else ", ".join(game.profile_moves(top[0]).values())
        lines.append(f"     most likely outcome: {name} ({top[1]:.1%})")
    limit = analysis.qre_limit
    if limit is not None:
        where = _equilibrium_name(scenario, analysis, limit, analysis.qre_limit_match)
        several = len(analysis.equilibria) > 1 or analysis.qre_forks
        note = "; the logit limit selects it among several equilibria" if several else ""
        lines.append(f"   As lambda grows the prediction converges to {where}{note}.")
    for fork, matches in zip(analysis.qre_forks, analysis.qre_fork_matches, strict=True):
        arms = list_words(
            [
                _equilibrium_name(scenario, analysis, arm, match)
                for arm, match in zip(fork.arms, matches, strict=True)
            ]
        )
        lines.append(
            f"   The logit branch forks near lambda = {format_number(fork.lam, 3)}: the "
            f"prediction above follows one arm; {plural(len(fork.arms), 'other arm')} "
            f"{'leads' if len(fork.arms) == 1 else 'lead'} to {arms}."
        )
    lines.extend(f"   {note}" for note in analysis.qre_notes)
    return "\n".join(lines)


def _equilibrium_name(
    scenario: Scenario, analysis: GameAnalysis, eq: Equilibrium, match: int | None
) -> str:
    """``"label" (equilibrium 2 above)`` when listed (``match``), else the equilibrium in words."""
    game = analysis.game
    pure = eq.pure_profile()
    label = outcome_label(scenario, game.profile_moves(pure)) if pure is not None else None
    if match is not None:
        where = f"equilibrium {match + 1} above"
        return f'"{label}" ({where})' if label else where
    parts = [
        f"{player} {_strategy_text(game, p, s)}"
        for p, (player, s) in enumerate(zip(game.players, eq.strategies, strict=True))
    ]
    if label:  # only pure profiles carry labels, so the parts hold no brackets
        return f'"{label}" ({", ".join(parts)})'
    return f"the Nash equilibrium in which {list_words(parts)}"


def _zero_sum_section(game: NormalFormGame, analysis: GameAnalysis) -> str:
    z = analysis.zero_sum
    assert z is not None
    row = _strategy_text(game, 0, z.row_strategy)
    col = _strategy_text(game, 1, z.col_strategy)
    return (
        f"Zero-sum: the value of the game to {game.players[0]} is {format_number(z.value, 6)} "
        f"(linear programming).\n   {game.players[0]} can guarantee it: {row}.\n"
        f"   {game.players[1]} can hold {game.players[0]} to it: {col}."
    )


def _dominance_section(game: NormalFormGame, analysis: GameAnalysis) -> str:
    elim = analysis.strict_elimination
    assert elim is not None
    lines = ["Dominated moves:"]
    if not elim.steps and not analysis.weakly_dominated:
        lines.append("   No move is dominated, strictly or weakly, by a pure or mixed strategy.")
        return "\n".join(lines)
    if elim.steps:
        lines.append("   Iterated elimination of strictly dominated moves, in order:")
        for step, rnd in zip(elim.steps, elim.rounds or (0,) * len(elim.steps), strict=False):
            lines.append(f"     round {rnd + 1}: {_dominance_text(game, step)}")
        surviving = "; ".join(
            f"{game.players[p]}: {', '.join(game.moves[p][k] for k in moves)}"
            for p, moves in enumerate(elim.surviving)
        )
        lines.append(f"   Surviving moves: {surviving}.")
        if elim.solved:
            lines.append("   The game is solved by iterated strict dominance.")
    for dom in analysis.weakly_dominated:
        lines.append(f"   Weakly dominated: {_dominance_text(game, dom)}")
    return "\n".join(lines)


def _dominance_text(game: NormalFormGame, dom) -> str:  # type: ignore[no-untyped-def]
    moves = game.moves[dom.player]
    if len(dom.dominator) == 1:
        by = moves[dom.dominator[0][0]]
    else:
        by = "a mix of " + ", ".join(
            f"{moves[k]} {format_probability(w)}" for k, w in dom.dominator
        )
    how = "strictly" if dom.strict else "weakly"
    return f"{game.players[dom.player]}'s {moves[dom.move]} is {how} dominated by {by}"


def _security_section(game: NormalFormGame, analysis: GameAnalysis) -> str:
    lines = ["Security levels (what each player can guarantee, whatever the others do):"]
    for pure, mixed in zip(
        analysis.pure_security, analysis.mixed_security or analysis.pure_security, strict=False
    ):
        player = game.players[pure.player]
        best = ", ".join(game.moves[pure.player][k] for k in pure.moves)
        text = f"   {player}: {format_number(pure.value, 4)} with a pure move ({best})"
        if mixed.value > pure.value + 1e-9 * max(1.0, abs(pure.value)):
            how = _strategy_text(game, pure.player, mixed.strategy).removeprefix("mixes ")
            text += f"; {format_number(mixed.value, 4)} by mixing {how}"
        lines.append(text)
    return "\n".join(lines)


def _pareto_section(scenario: Scenario, game: NormalFormGame, analysis: GameAnalysis) -> str:
    lines = [
        "Pareto-optimal outcomes (no other outcome is better for one player and worse for none):"
    ]
    for profile in analysis.pareto_profiles[:12]:
        moves = game.profile_moves(profile)
        label = outcome_label(scenario, moves)
        pays = ", ".join(
            format_number(float(game.payoffs[(p, *profile)]), 4) for p in range(game.n_players)
        )
        lines.append(f"   {', '.join(moves.values())} ({pays})" + (f'  "{label}"' if label else ""))
    if len(analysis.pareto_profiles) > 12:
        lines.append(f"   ... and {len(analysis.pareto_profiles) - 12} more")
    return "\n".join(lines)
