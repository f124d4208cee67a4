"""Bargaining over a scenario: agreements, the disagreement point, the zone and its solutions.

:func:`analyse_bargain` follows the contract's definitions (SCENARIO_FORMAT.md,
"negotiation"): each agreement binds the parties' moves (plans in a
sequential game) while the other players respond as the game predicts
(:mod:`sim.analysis.bargain_responses`); F is the set of the agreements'
payoff vectors, their lotteries and allowed transfers; ``d`` is the
disagreement point. The solutions come from :mod:`sim.solvers.bargaining`
and each one is re-checked by :func:`sim.solvers.bargaining.check_solution`
before it is returned. Commitment, linkage and coalitions are in
:mod:`sim.analysis.bargain_coalitions`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.analysis.bargain_coalitions import (
    MAX_COALITION_WORK,
    CoalitionResult,
    Commitment,
    coalition_analysis,
    coalition_work,
    commitments,
)
from sim.analysis.bargain_responses import Response, SimultaneousResponses
from sim.analysis.bargain_sequential import SequentialResponses
from sim.errors import SimError
from sim.games.extensive import evaluate
from sim.games.extensive_build import build_extensive
from sim.games.normal_form import build_game
from sim.games.reduced_form import reduced_form
from sim.scenario.model import Scenario
from sim.scenario.negotiation import Negotiation, NegotiationValues
from sim.scenario.parameters import parameter_env
from sim.solvers import bargaining as bg
from sim.solvers.structure.security import mixed_security_level

__all__ = ["MAX_AGREEMENTS", "Agreement", "BargainAnalysis", "Solution", "analyse_bargain"]

#: More pure agreements than this are refused.
MAX_AGREEMENTS = 4096
SOLUTION_KINDS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian", "alternating_offers")


@dataclass(frozen=True)
class Agreement:
    """One pure agreement: the parties' moves or plans and what follows."""

    plans: tuple[int, ...]
    moves: Mapping[str, object]
    names: tuple[str, ...]
    response: Response
    payoffs: np.ndarray
    label: str | None
    in_zone: bool = False
    pareto: bool = False


@dataclass(frozen=True)
class Solution:
    """A bargaining solution, verified; ``proposals`` for alternating offers."""

    kind: str
    point: bg.BargainPoint
    proposals: tuple[np.ndarray, np.ndarray] | None = None


@dataclass(frozen=True)
class BargainAnalysis:
    """Everything ``sim bargain`` reports at one parameter point."""

    scenario: str
    kind: str
    players: tuple[str, ...]
    parties: tuple[str, ...]
    parameters: Mapping[str, float]
    settings: NegotiationValues
    disagreement: np.ndarray
    disagreement_kind: str
    disagreement_response: Response | None
    agreements: tuple[Agreement, ...]
    feasible: bg.FeasibleSet
    zone_open: bool
    solutions: Mapping[str, Solution | None]
    commitments: tuple[Commitment, ...]
    coalitions: CoalitionResult | None
    notes: tuple[str, ...] = field(default=())
    tol: float = 1e-9


def _responses(scenario: Scenario, env: Mapping[str, float], rule: str):  # type: ignore[no-untyped-def]
    if scenario.kind == "sequential":
        game = build_extensive(scenario)
        return SequentialResponses(game, evaluate(game, env).point(0, env), rule)
    return SimultaneousResponses(build_game(scenario, env), scenario.label_for, rule)


def analyse_bargain(
    scenario: Scenario,
    overrides: Mapping[str, float] | None = None,
    *,
    coalitions: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> BargainAnalysis:
    """Bargain over ``scenario`` at one parameter point (defaults with ``overrides``).

    ``progress(done, total)`` is called as responses of the game are computed.

    Raises
    ------
    ScenarioError
        A negotiation number out of bounds at this point (located).
    SimError
        Too many agreements, or a game too large to respond in.
    VerificationError
        If a solution fails its independent check (an internal error).
    """
    env = {k: float(v) for k, v in parameter_env(scenario.parameters, overrides).items()}
    negotiation = scenario.negotiation or Negotiation()
    settings = negotiation.values(scenario.player_names, env)
    if len(settings.parties) < 2:
        raise SimError("bargaining needs at least two parties; this game has one player")
    model = _responses(scenario, env, negotiation.select)
    index = [scenario.player_names.index(p) for p in settings.parties]
    notes: list[str] = []
    tick = _counter(model, index, coalitions, progress)
    agreements = _agreements(model, index, tick)
    d, d_response = _disagreement(scenario, model, negotiation, settings, index, notes)
    fs = _feasible(agreements, settings, index)
    is_open = bg.zone_open(fs, d)[0]
    agreements = _flags(agreements, fs, d)
    solutions = _solutions(fs, d, settings, is_open, notes)
    commits = commitments(model, index, tick)
    coal = coalition_analysis(model, notes, tick) if coalitions else None
    notes.extend(sorted({a.response.note for a in agreements if a.response.note}))
    if any(a.response.decided for a in agreements):
        notes.append(
            f"for some agreements the responders had several equilibria; the "
            f"{negotiation.select.replace('_', ' ')} rule chose their response"
        )
    return BargainAnalysis(
        scenario.name,
        scenario.kind,
        scenario.player_names,
        settings.parties,
        env,
        settings,
        d,
        negotiation.disagreement.kind,
        d_response,
        agreements,
        fs,
        is_open,
        solutions,
        commits,
        coal,
        tuple(dict.fromkeys(notes)),
    )


def _counter(model, index, coalitions: bool, progress):  # type: ignore[no-untyped-def]
    """A ``tick(step)`` that reports ``progress(done, total)``, or ``None``."""
    if progress is None:
        return None
    sizes = [len(model.plans(p)) for p in index]
    total = math.prod(sizes) + sum(sizes)
    if coalitions:
        total += min(coalition_work(model), MAX_COALITION_WORK)
    done = [0]

    def tick(step: int) -> None:
        done[0] += step
        progress(min(done[0], total), total)

    return tick


def _agreements(model, index: list[int], progress) -> tuple[Agreement, ...]:  # type: ignore[no-untyped-def]
    plans = [model.plans(p) for p in index]
    count = math.prod(len(p) for p in plans)
    if count > MAX_AGREEMENTS:
        sizes = " x ".join(str(len(p)) for p in plans)
        raise SimError(
            f"the parties have {sizes} = {count:,} joint plans; bargaining handles at most "
            f"{MAX_AGREEMENTS:,} agreements (name fewer parties in negotiation.parties)"
        )
    out = []
    for combo in itertools.product(*(range(len(p)) for p in plans)):
        response = model.respond(dict(zip(index, combo, strict=True)))
        moves = {}
        for p, k in zip(index, combo, strict=True):
            plan = plans[index.index(p)][k]
            simultaneous = isinstance(model, SimultaneousResponses)
            moves[model.players[p]] = plan[model.players[p]] if simultaneous else plan
        names = tuple(model.plan_name(p, k) for p, k in zip(index, combo, strict=True))
        labels = list(dict.fromkeys(o[2] for o in response.outcomes if o[2]))
        label = " / ".join(labels) if labels else None
        out.append(Agreement(combo, moves, names, response, response.payoffs[index], label))
        if progress is not None:
            progress(1)
    return tuple(out)


def _disagreement(scenario, model, negotiation, settings, index, notes):  # type: ignore[no-untyped-def]
    kind = negotiation.disagreement.kind
    if kind == "numbers":
        return np.asarray(settings.numbers, float), None
    if kind == "security":
        return _security(scenario, model, index), None
    if kind == "equilibrium":
        response = model.respond({})
    else:
        moves = {k: v[0] for k, v in negotiation.disagreement.when.items}
        response = _outcome(scenario, model, moves)
    if response.decided:
        notes.append(
            f"the game has several equilibria; the {negotiation.select.replace('_', ' ')} "
            "rule chose the disagreement point"
        )
    if response.note:
        notes.append(response.note)
    return response.payoffs[index], response


def _outcome(scenario: Scenario, model, moves: Mapping[str, str]) -> Response:  # type: ignore[no-untyped-def]
    if isinstance(model, SequentialResponses):
        return model.respond({}, moves)
    fixed = {}
    for name, move in moves.items():
        p = scenario.player_names.index(name)
        fixed[p] = model.game.moves[p].index(move)
    return model.respond(fixed)


def _security(scenario: Scenario, model, index: list[int]) -> np.ndarray:  # type: ignore[no-untyped-def]
    if isinstance(model, SimultaneousResponses):
        tensor = model.game.payoffs
        return np.array([mixed_security_level(tensor, p).value for p in index])
    rf = reduced_form(model.game, model.values)
    out = []
    for p in index:
        if p in rf.players:
            out.append(mixed_security_level(rf.payoffs, rf.players.index(p)).value)
        else:
            out.append(float(rf.values[p].min()))
    return np.array(out)


def _feasible(agreements, settings: NegotiationValues, index: list[int]) -> bg.FeasibleSet:  # type: ignore[no-untyped-def]
    points = np.array([a.payoffs for a in agreements])
    parties = list(settings.parties)
    transfers = [
        (parties.index(t.source), parties.index(t.target), t.max, t.rate)
        for t in settings.transfers
    ]
    return bg.FeasibleSet.build(points, transfers, settings.lotteries)


def _flags(agreements, fs: bg.FeasibleSet, d: np.ndarray) -> tuple[Agreement, ...]:  # type: ignore[no-untyped-def]
    tol = 1e-9 * fs.scale(d)
    pts = fs.points
    out = []
    for k, a in enumerate(agreements):
        better = np.all(pts >= pts[k] - tol, axis=1) & np.any(pts > pts[k] + tol, axis=1)
        in_zone = bool(np.all(pts[k] >= d - tol))
        out.append(
            Agreement(
                a.plans,
                a.moves,
                a.names,
                a.response,
                a.payoffs,
                a.label,
                in_zone,
                not bool(better.any()),
            )
        )
    return tuple(out)


def _solutions(
    fs, d, settings: NegotiationValues, is_open: bool, notes
) -> dict[str, Solution | None]:  # type: ignore[no-untyped-def]
    out: dict[str, Solution | None] = dict.fromkeys(SOLUTION_KINDS[:4])
    if len(settings.parties) == 2:
        out["alternating_offers"] = None
    if not is_open:
        return out
    power = np.asarray(settings.power)
    found = {
        "nash": bg.nash_solution(fs, d, power),
        "kalai_smorodinsky": bg.kalai_smorodinsky_solution(fs, d),
        "egalitarian": bg.egalitarian_solution(fs, d),
        "utilitarian": bg.utilitarian_solution(fs, d),
    }
    for kind, point in found.items():
        if point is None:
            notes.append(
                f"the {kind.replace('_', '-')} ray from the disagreement point misses the "
                "feasible set, so that solution is not defined"
            )
        if point is not None:
            bg.check_solution(fs, d, point, kind, power=power)
            out[kind] = Solution(kind, point)
    if len(settings.parties) == 2:
        out["alternating_offers"] = _offers(fs, d, settings, notes)
    return out


def _offers(fs, d, settings: NegotiationValues, notes) -> Solution | None:  # type: ignore[no-untyped-def]
    if settings.discount is None:
        notes.append("alternating offers needs negotiation.discount (a factor per party)")
        return None
    if not fs.lotteries and fs.points.shape[0] > 1:
        notes.append("alternating offers needs a convex set of agreements (lotteries: true)")
        return None
    first = settings.parties.index(settings.first)
    discount = (settings.discount[0], settings.discount[1])
    found = bg.alternating_offers(fs, d, discount, first)
    if found is None:
        return None
    proposals = (found.x, found.y)
    bg.check_solution(
        fs, d, found.agreement, "alternating_offers", discount=discount, proposals=proposals
    )
    return Solution("alternating_offers", found.agreement, proposals)
