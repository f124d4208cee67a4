"""Flip points in words: one sentence per flip, told from the current value.

Split from :mod:`sim.analysis.thresholds` (the search); see there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.analysis.batch import BatchSolution
from sim.analysis.sequential_batch import SequentialBatch

if TYPE_CHECKING:
    from sim.analysis.thresholds import Threshold, ThresholdResult

__all__ = ["MAX_SWITCHES", "human_number", "threshold_sentence"]


def human_number(x: float, digits: int = 6) -> str:
    """A number as a person writes it: ``0``, ``2.002``, ``1500000``, ``0.000125``, ``1e-20``.

    >>> human_number(2.0019999999999998), human_number(-0.0), human_number(1.5e6)
    ('2.002', '0', '1500000')
    >>> human_number(0.000125), human_number(3.2e-20), human_number(1e21)
    ('0.000125', '3.2e-20', '1e+21')
    """
    value = float(x)
    if value == 0.0:
        return "0"
    if 1e-4 <= abs(value) < 1e15:
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
        short = f"{value:.{digits}g}"
        if "e" not in short and len(short) <= len(text):
            text = short
        return "0" if text in ("-0", "") else text
    return f"{value:.{digits}g}"


def threshold_sentence(result: ThresholdResult, t: Threshold, current: float | None = None) -> str:
    """A plain sentence for one flip, told from the current value of the parameter.

    E.g. "Russia switches from veto_sanctions to support_sanctions when iran_ties
    falls below 3." (``current`` above the flip) or "... rises above 3."
    """
    value = human_number(t.value)
    falling = current is not None and current > t.value
    here, there = (t.after, t.before) if falling else (t.before, t.after)
    here_name, there_name = (
        (t.after_name, t.before_name) if falling else (t.before_name, t.after_name)
    )
    verb = "falls below" if falling else "rises above"
    cond = f"when {result.parameter} {verb} {value}"
    # A flip at an end of the range: the state at that end holds there only.
    edge = max(1.0, abs(result.start), abs(result.stop)) * 1e3 * result.xtol
    at_start = abs(t.value - result.start) <= edge
    at_stop = abs(t.value - result.stop) <= edge
    if (falling and at_start) or (not falling and at_stop):
        cond = f"when {result.parameter} {'falls' if falling else 'rises'} to {value}"
    if isinstance(here, SequentialBatch) and isinstance(there, SequentialBatch):
        return _plan_sentence(here, there, here_name, there_name, cond)
    assert isinstance(here, BatchSolution) and isinstance(there, BatchSolution)
    eq_here, eq_there = here.equilibria(0), there.equilibria(0)
    outcome = (
        f" (the outcome changes from {here_name} to {there_name})"
        if here_name != there_name
        else ""
    )
    if len(eq_here) == 1 and len(eq_there) == 1 and eq_here[0].is_pure and eq_there[0].is_pure:
        ph, pt = eq_here[0].pure_profile(), eq_there[0].pure_profile()
        assert ph is not None and pt is not None
        players = here.scenario.players
        parts = [
            f"{players[p].name} switches from {players[p].moves[ph[p]]} "
            f"to {players[p].moves[pt[p]]}"
            for p in range(len(ph))
            if ph[p] != pt[p]
        ]
        return f"{' and '.join(parts)} {cond}{outcome}."
    if here_name != there_name and result.rule != "all":
        return (
            f"The predicted outcome ({result.rule.replace('_', '-')} selection) changes from "
            f"{here_name} to {there_name} {cond}."
        )
    if here_name != there_name:
        return _set_change(here_name, there_name, cond)
    return f"The set of equilibria changes {cond} ({len(eq_here)} -> {len(eq_there)} equilibria)."


def _set_change(here: str, there: str, cond: str) -> str:
    """Sentences for equilibria that appear or disappear."""
    old, new = here.split(" | "), there.split(" | ")
    gone = [n for n in old if n not in new]
    added = [n for n in new if n not in old]
    parts = []
    if gone:
        verb = "stops being an equilibrium" if len(gone) == 1 else "stop being equilibria"
        parts.append(f"{_names(gone)} {verb}")
    if added:
        verb = "becomes an equilibrium" if len(added) == 1 else "become equilibria"
        parts.append(f"{_names(added)} {verb}")
    remaining = " | ".join(new)
    return f"{' and '.join(parts)} {cond} (equilibria then: {remaining})."


def _names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


#: Changes of plan named one by one in a sentence; more are counted.
MAX_SWITCHES = 4


def _plan_sentence(
    here: SequentialBatch, there: SequentialBatch, here_name: str, there_name: str, cond: str
) -> str:
    """E.g. "Russia switches from support_sanctions to veto_sanctions at
    Russia@offer=offer_deal when sanction_cost falls below 3 (...)"."""
    from sim.games.profile_values import reach

    game = here.game
    changed = [h for h in range(len(game.infosets)) if here.plans[h, 0] != there.plans[h, 0]]
    groups: dict[tuple[int, str, str], list[str]] = {}
    for h in changed:
        info = game.infosets[h]
        switch = (
            info.player,
            info.moves[int(here.plans[h, 0])],
            info.moves[int(there.plans[h, 0])],
        )
        groups.setdefault(switch, []).append(info.key)
    parts = []
    for (player, old, new), keys in list(groups.items())[:MAX_SWITCHES]:
        where = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]
        parts.append(f"{game.players[player]} switches from {old} to {new} at {where}")
    if len(groups) > MAX_SWITCHES:
        more = len(groups) - MAX_SWITCHES
        parts.append(f"{more} more change{'s' if more > 1 else ''} of plan")
    if len(parts) > 2 or (len(parts) == 2 and any(len(k) > 1 for k in groups.values())):
        text = "; ".join(parts[:-1]) + "; and " + parts[-1]
    else:
        text = " and ".join(parts)
    if not changed and here_name != there_name:
        return (
            f"The outcome changes from {here_name} to {there_name} {cond}: no player changes "
            "its plan, but chance makes other outcomes possible or impossible."
        )
    if not changed:
        return f"The subgame-perfect equilibrium changes {cond}."
    if here_name != there_name:
        return f"{text} {cond} (the outcome changes from {here_name} to {there_name})."
    on_path = False
    for batch in (here, there):
        probs = reach(game, batch.point_values(0), game.pure_behaviour(batch.plan(0)))
        on_path = on_path or any(probs[game.infosets[h].nodes[0]] > 0 for h in changed)
    if not on_path:
        return f"{text} {cond} (off the equilibrium path: the outcome stays {here_name})."
    return f"{text} {cond}."
