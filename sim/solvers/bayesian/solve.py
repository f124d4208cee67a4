"""Perfect Bayesian equilibria of a game with hidden information, found, named and verified.

:func:`perfect_bayesian` lists every pure-strategy perfect Bayesian
equilibrium (:mod:`sim.solvers.bayesian.pure`); when there is none and the
game is small, the mixed ones among the strategic form's Nash equilibria
(:mod:`sim.solvers.bayesian.mixed`). In a sender-receiver game each is
named pooling, separating, partially pooling or semi-separating and put to
the Intuitive Criterion (:mod:`sim.solvers.bayesian.signalling`). Every
equilibrium is re-checked by :func:`sim.solvers.bayesian.check.check_pbe`,
which shares no code with the solver; a failed check raises.

References: Fudenberg & Tirole (1991), *Game Theory*, ch. 8; Kreps & Wilson
(1982), "Sequential equilibria"; Cho & Kreps (1987), "Signaling games and
stable equilibria"; Spence (1973), "Job market signaling".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.games.extensive import ExtensiveGame, FloatArray, PointValues
from sim.games.profile_values import node_values
from sim.solvers.bayesian.assess import InfoSetBelief
from sim.solvers.bayesian.check import check_pbe
from sim.solvers.bayesian.mixed import mixed_pbe
from sim.solvers.bayesian.pure import MAX_PURE_PROFILES, Assessment, pure_pbe
from sim.solvers.bayesian.signalling import (
    IntuitiveTest,
    SignallingGame,
    classify,
    intuitive_criterion,
    signalling_structure,
)

__all__ = ["PerfectBayesian", "PerfectBayesianSet", "perfect_bayesian"]


@dataclass(frozen=True, eq=False)
class PerfectBayesian:
    """One verified perfect Bayesian equilibrium.

    Attributes
    ----------
    behaviour
        A probability vector per information set.
    beliefs
        Per information set: Bayes' rule on the path, a range off it.
    payoffs
        Each player's expected payoff under its own chance probabilities.
    pure
        True when no information set mixes.
    kind
        In a sender-receiver game: ``"pooling"``, ``"separating"``,
        ``"partially pooling"`` or ``"semi-separating"``; else ``None``.
    intuitive
        In a sender-receiver game: the Intuitive Criterion at each unsent
        message (empty when every message is sent); else ``()``.
    regret
        Largest shortfall found by the independent check (relative to the
        player's payoff range).
    """

    behaviour: tuple[FloatArray, ...]
    beliefs: tuple[InfoSetBelief, ...]
    payoffs: FloatArray
    pure: bool
    kind: str | None
    intuitive: tuple[IntuitiveTest, ...]
    regret: float

    @property
    def passes_intuitive(self) -> bool:
        """True unless some unsent message breaks the equilibrium (Cho & Kreps 1987)."""
        return all(t.breaker is None for t in self.intuitive)


@dataclass(frozen=True)
class PerfectBayesianSet:
    """The perfect Bayesian equilibria found, with how and how completely."""

    equilibria: tuple[PerfectBayesian, ...]
    complete_pure: bool
    method: str
    tol: float
    signalling: SignallingGame | None
    notes: tuple[str, ...] = ()


def perfect_bayesian(
    game: ExtensiveGame,
    values: PointValues,
    tol: float = 1e-9,
    limit: int = MAX_PURE_PROFILES,
    *,
    mixed: bool = True,
) -> PerfectBayesianSet:
    """Every pure perfect Bayesian equilibrium (and mixed ones where no pure one exists).

    Parameters
    ----------
    game, values
        The game and its numbers at one parameter point.
    tol
        Best-reply tolerance relative to each player's payoff range.
    limit
        Most pure behaviour profiles enumerated.
    mixed
        Search mixed equilibria of a small game when no pure one exists.

    Raises
    ------
    VerificationError
        If an equilibrium fails the independent check (an internal error).

    Examples
    --------
    >>> from sim.scenario.loader import load_scenario
    >>> from sim.games.extensive_build import build_extensive
    >>> from sim.games.extensive import evaluate
    >>> game = build_extensive(load_scenario("one_card_poker"))
    >>> found = perfect_bayesian(game, evaluate(game, {}).point(0))
    >>> [(e.pure, [round(float(p), 3) for p in e.behaviour[1]]) for e in found.equilibria]
    [(False, [0.667, 0.333])]
    """
    notes: list[str] = []
    search = pure_pbe(game, values, tol, limit)
    method = search.method
    if not search.complete:
        notes.append(
            f"the game has {search.profiles:,} pure behaviour profiles, more than the "
            f"{search.limit:,} enumerated: pure perfect Bayesian equilibria were not listed"
        )
    found: list[Assessment] = list(search.equilibria)
    if not found and mixed:
        extra = mixed_pbe(game, values, tol)
        found = list(extra.equilibria)
        if extra.note:
            notes.append(extra.note)
        elif extra.method:
            method += f"; mixed: Nash equilibria of the strategic form by {extra.method}, assessed"
    sg = signalling_structure(game)
    out = tuple(_finish(game, values, a, sg, tol) for a in found)
    return PerfectBayesianSet(out, search.complete, method, tol, sg, tuple(notes))


def _finish(
    game: ExtensiveGame,
    values: PointValues,
    found: Assessment,
    sg: SignallingGame | None,
    tol: float,
) -> PerfectBayesian:
    stated = [(b.on_path, b.belief, b.witnesses) for b in found.beliefs]
    regret = check_pbe(game, values, found.behaviour, stated, max(2 * tol, 1e-9))
    kind: str | None = None
    tests: tuple[IntuitiveTest, ...] = ()
    if sg is not None:
        kind = classify(sg, found.behaviour, tol)
        vals = node_values(game, values, found.behaviour)
        own = [float(vals[x, sg.sender]) for x in sg.sender_nodes]
        tests = intuitive_criterion(game, values, sg, found.behaviour, own, tol)
    pure = found.is_pure
    return PerfectBayesian(
        found.behaviour, found.beliefs, np.asarray(found.payoffs, float), pure, kind, tests, regret
    )
