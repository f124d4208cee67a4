"""The text report of a solved sequential game, and (re-exported) its JSON document.

:func:`sequential_text` tells the story of each subgame-perfect equilibrium:
what happens on the equilibrium path, move by move (chance branches
indented), why each mover chooses as it does (its payoff against its best
alternative), which payoff rules produce each outcome, what each player
would do off the path, and the expected payoffs. It then lists the Nash
equilibria of the strategic form and names every threat or promise that is
not credible. :func:`sequential_document` (from
:mod:`sim.report.sequential_json`) builds the ``--json`` document.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.analysis.sequential import SequentialAnalysis, SequentialEquilibrium
from sim.concepts import MIXED_NASH, NASH, PURE_NASH, SUBGAME_PERFECT
from sim.formatting import format_number, format_probability
from sim.games.extensive import CHANCE, LEAF, ExtensiveGame, FloatArray, PointValues
from sim.games.profile_values import node_values, reach
from sim.report.sequential_json import equilibrium_outcomes, sequential_document
from sim.report.wording import method_words, plural, wrap_assignments
from sim.scenario.model import Scenario

__all__ = ["sequential_document", "sequential_text"]

#: Equilibria told in full; beyond this they are summarised by outcome.
MAX_STORIES = 4
MAX_LISTED_NASH = 6
MAX_PATH_LINES = 80
MAX_OFF_PATH = 24


def _num(x: float) -> str:
    return format_number(float(x), 4)


def _pays(game: ExtensiveGame, vec: FloatArray) -> str:
    return ", ".join(f"{p} {_num(v)}" for p, v in zip(game.players, vec, strict=True))


def sequential_text(scenario: Scenario, analysis: SequentialAnalysis) -> str:
    """The whole report as text."""
    parts = [_header(scenario, analysis)]
    if SUBGAME_PERFECT in analysis.concepts:
        parts.append(_spe_section(scenario, analysis))
    if set(NASH) & set(analysis.concepts):
        parts.append(_nash_section(analysis))
    return "\n\n".join(p for p in parts if p)


def _header(scenario: Scenario, analysis: SequentialAnalysis) -> str:
    game = analysis.game
    lines = [scenario.name, "=" * len(scenario.name)]
    if analysis.parameters:
        values = {k: _num(v) for k, v in analysis.parameters.items()}
        lines.extend(wrap_assignments("Parameters", values))
    info = "perfect information" if game.perfect_information else "imperfect information"
    lines.append(
        f"Sequential game: {', '.join(game.players)}; {game.n_nodes} nodes, "
        f"{len(game.leaves)} complete histories, {len(game.infosets)} information sets "
        f"({info}); {plural(analysis.n_subgames, 'proper subgame')} including the whole game."
    )
    lines.extend(f"Note: {n[0].upper()}{n[1:]}." for n in analysis.notes)
    return "\n".join(lines)


# --------------------------------------------------------------------------- SPE


def _spe_section(scenario: Scenario, analysis: SequentialAnalysis) -> str:
    eqs = analysis.subgame_perfect
    method = method_words(dict(analysis.methods).get(SUBGAME_PERFECT, ""))
    lines = [f"Subgame-perfect equilibria: {len(eqs)} found ({method})."]
    if analysis.spe_complete and analysis.perfect_information:
        lines.append("This is every pure subgame-perfect equilibrium.")
    elif not analysis.spe_complete:
        lines.append("This list of subgame-perfect equilibria is incomplete (see the notes).")
    lines.append(
        "Each one is checked: in every subgame no player gains by changing a single choice."
    )
    for i, eq in enumerate(eqs[:MAX_STORIES], start=1):
        lines.append("")
        lines.append(_story(scenario, analysis, i, eq))
    if len(eqs) > MAX_STORIES:
        lines.append("")
        lines.append(
            f"... and {len(eqs) - MAX_STORIES} more (all are in the JSON document); they differ "
            "off the path or where players are indifferent."
        )
    return "\n".join(lines)


def _story(
    scenario: Scenario, analysis: SequentialAnalysis, i: int, eq: SequentialEquilibrium
) -> str:
    game, values = analysis.game, analysis.values
    vals = node_values(game, values, eq.behaviour)
    lines = [f"{i}. Subgame-perfect equilibrium"]
    lines.append("   What happens:")
    lines.extend(_path(scenario, game, values, eq.behaviour, vals))
    lines.append(f"   Expected payoffs: {_pays(game, eq.payoffs)}")
    off = _off_path(game, values, eq.behaviour)
    if off:
        lines.append("   Off the equilibrium path the plan is:")
        lines.extend(off)
    return "\n".join(lines)


def _path(
    scenario: Scenario,
    game: ExtensiveGame,
    values: PointValues,
    behaviour: Sequence[FloatArray],
    vals: FloatArray,
) -> list[str]:
    """The equilibrium path as indented lines (branches where chance or a mixture splits it)."""
    lines: list[str] = []
    stack: list[tuple[int, int, str]] = [(0, 5, "")]
    while stack and len(lines) < MAX_PATH_LINES:
        x, pad, title = stack.pop()
        if title:
            lines.append(title)
            continue
        sp = " " * pad
        if game.kind[x] == LEAF:
            lines.append(sp + _leaf_text(game, values, x))
            lines.extend(sp + "   " + r for r in _rule_lines(scenario, game, x))
            continue
        kids = list(game.children[x])
        if game.kind[x] == CHANCE:
            branch = [(k, float(values.probs[c])) for k, c in enumerate(kids)]
        else:
            b = behaviour[int(game.infoset[x])]
            branch = [(k, float(b[k])) for k in range(len(kids))]
        branch = [(k, p) for k, p in branch if p > 1e-12]
        if game.kind[x] != CHANCE and len(branch) == 1:
            lines.append(sp + _choice_text(game, vals, x, branch[0][0]))
            stack.append((kids[branch[0][0]], pad, ""))
            continue
        stage = f" {game.movers[x]}" if game.source == "sequence" else ""
        head = (
            f"Chance decides{stage}:"
            if game.kind[x] == CHANCE
            else _mix_text(game, vals, x, branch)
        )
        lines.append(sp + head)
        for k, p in reversed(branch):
            stack.append((kids[k], pad + 4, ""))
            stack.append(
                (-1, 0, f"{sp}  {game.node_moves[x][k]}, probability {format_probability(p)}:")
            )
    if stack:
        lines.append(" " * 5 + "...")
    return lines


def _choice_text(game: ExtensiveGame, vals: FloatArray, x: int, k: int) -> str:
    i = int(game.owner[x])
    player, moves = game.players[i], game.node_moves[x]
    where = f" at {game.movers[x]}" if game.movers[x] != player else ""
    got = vals[game.children[x][k], i]
    others = [j for j in range(len(moves)) if j != k]
    text = f"{player} chooses {moves[k]}{where}, getting {_num(got)}"
    if others:
        alt = max(others, key=lambda j: vals[game.children[x][j], i])
        text += f"; {moves[alt]} would give {_num(vals[game.children[x][alt], i])}"
    return text + "."


def _mix_text(
    game: ExtensiveGame, vals: FloatArray, x: int, branch: list[tuple[int, float]]
) -> str:
    i = int(game.owner[x])
    player, moves = game.players[i], game.node_moves[x]
    mix = ", ".join(f"{moves[k]} {format_probability(p)}" for k, p in branch)
    return f"{player} mixes {mix} (each gives {player} {_num(vals[x, i])}):"


def _leaf_text(game: ExtensiveGame, values: PointValues, x: int) -> str:
    label = game.leaf_label(x)
    name = f'"{label}"' if label else "Outcome"
    return f"-> {name}: {_pays(game, values.payoffs[game.leaf_row[x]])}"


def _rule_lines(scenario: Scenario, game: ExtensiveGame, x: int, limit: int = 6) -> list[str]:
    if scenario.payoff_rules is None or game.source != "sequence":
        return []
    history = game.history_dict(x)
    labels = [r.label for r in scenario.payoff_rules if r.label and r.when.holds(history)]
    shown = [f"because: {labels[0]}"] + [f"         {t}" for t in labels[1:limit]] if labels else []
    return shown


def _off_path(
    game: ExtensiveGame, values: PointValues, behaviour: Sequence[FloatArray]
) -> list[str]:
    probs = reach(game, values, behaviour)
    lines = []
    for h, b in zip(game.infosets, behaviour, strict=True):
        if max(probs[n] for n in h.nodes) > 1e-12:
            continue
        lines.append(f"     {h.key}: {_support_text(h.moves, b)}")
    if len(lines) > MAX_OFF_PATH:
        lines = [*lines[:MAX_OFF_PATH], f"     ... and {len(lines) - MAX_OFF_PATH} more"]
    return lines


# --------------------------------------------------------------------------- Nash


def _support_text(moves: Sequence[str], b: FloatArray) -> str:
    """``move`` for a pure choice, else ``a 1/3 (0.3333), b 2/3 (0.6667)``."""
    support = [(m, float(p)) for m, p in zip(moves, b, strict=True) if p > 1e-12]
    if len(support) == 1:
        return support[0][0]
    return ", ".join(f"{m} {format_probability(p)}" for m, p in support)


def _outcome_text(game: ExtensiveGame, values: PointValues, eq: SequentialEquilibrium) -> str:
    totals: dict[str, float] = {}
    for leaf, p in equilibrium_outcomes(game, values, eq.behaviour):
        label = game.leaf_label(leaf)
        name = f'"{label}"' if label else ",".join(f"{k}={m}" for k, m in game.history(leaf))
        totals[name] = totals.get(name, 0.0) + p
    parts = [name + ("" if p > 1 - 1e-9 else f" {p:.0%}") for name, p in totals.items()]
    more = f" and {len(parts) - 4} more" if len(parts) > 4 else ""
    return "; ".join(parts[:4]) + more


def _nash_section(analysis: SequentialAnalysis) -> str:
    game, values, eqs = analysis.game, analysis.values, analysis.nash
    pure = sum(eq.concept == PURE_NASH for eq in eqs)
    methods = dict(analysis.methods)
    method = methods.get(PURE_NASH) or methods.get(MIXED_NASH, "")
    shape = " x ".join(map(str, analysis.reduced_shape or ())) or "no"
    perfect = sum(eq.subgame_perfect for eq in eqs)
    lines = [
        f"Nash equilibria of the strategic form: {len(eqs)} "
        f"({pure} pure, {len(eqs) - pure} mixed), "
        f"found in the reduced strategic form ({shape} plans) by {_method(method)}; "
        f"{perfect} of them subgame perfect.",
        "Each one is checked: no player gains by switching to another plan.",
    ]
    if not analysis.nash_complete:
        lines.insert(
            1,
            "This list of Nash equilibria of the strategic form is incomplete (see the notes)"
            + (
                "; the list of subgame-perfect equilibria above is complete."
                if analysis.spe_complete and SUBGAME_PERFECT in analysis.concepts
                else "."
            ),
        )
    if len(eqs) <= MAX_LISTED_NASH:
        for i, eq in enumerate(eqs, start=1):
            lines.append("")
            lines.extend(_nash_lines(game, values, i, eq))
    else:
        lines.extend(_nash_groups(game, values, eqs))
    return "\n".join(lines)


def _nash_lines(
    game: ExtensiveGame, values: PointValues, i: int, eq: SequentialEquilibrium
) -> list[str]:
    kind = "Pure" if eq.concept == PURE_NASH else "Mixed"
    lines = [f"{i}. {kind} Nash equilibrium: {_outcome_text(game, values, eq)}"]
    if len(game.infosets) <= 12:
        for h, b in zip(game.infosets, eq.behaviour, strict=True):
            lines.append(f"   {h.key}: {_support_text(h.moves, b)}")
    lines.append(f"   Expected payoffs: {_pays(game, eq.payoffs)}")
    if eq.subgame_perfect:
        lines.append("   Subgame perfect: yes.")
    else:
        lines.append("   Subgame perfect: no.")
        lines.extend(f"   {f.text}" for f in eq.findings)
    return lines


def _nash_groups(
    game: ExtensiveGame, values: PointValues, eqs: Sequence[SequentialEquilibrium]
) -> list[str]:
    groups: dict[str, list[SequentialEquilibrium]] = {}
    for eq in eqs:
        groups.setdefault(_outcome_text(game, values, eq), []).append(eq)
    lines = ["They differ mostly in plans off the equilibrium path; grouped by what happens:"]
    for text, members in groups.items():
        perfect = sum(eq.subgame_perfect for eq in members)
        lines.append("")
        lead = "leads" if len(members) == 1 else "lead"
        lines.append(f"- {plural(len(members), 'equilibrium', 'equilibria')} {lead} to {text}")
        lines.append(
            f"  expected payoffs {_pays(game, members[0].payoffs)}; {perfect} subgame perfect"
        )
        threats = list(dict.fromkeys(f.text for eq in members for f in eq.findings))
        if threats:
            lines.append("  non-credible threats and promises among them, e.g.:")
            lines.extend(f"    {t}" for t in threats[:3])
            if len(threats) > 3:
                lines.append(f"    ... and {len(threats) - 3} more")
    return lines


def _method(method: str) -> str:
    return method_words(method)
