"""Sensitivity of games with hidden information or players' own beliefs, point by point.

The batch machinery of :mod:`sim.analysis.sequential_batch` follows a
subgame-perfect plan by backward induction, which needs perfect information
and one common prior. A game with hidden information is instead solved at
every point for its perfect Bayesian equilibria
(:func:`sim.solvers.bayesian.perfect_bayesian`); the payoffs and chance
probabilities of all points are still evaluated in one batch. At each point
the *prediction* is the distribution of outcomes under the analyst's
probabilities (``outcomes``), averaged with equal weights over the
equilibria found (one number per outcome label), and each player's payoff
is averaged the same way (each under its own beliefs).

* :func:`hidden_sweep` - one parameter over a grid of values;
* :func:`hidden_thresholds` - the values where the set of outcomes the
  prediction reaches, or the number of equilibria, changes: a grid scan
  refined by bisection;
* :func:`hidden_montecarlo` - parameters drawn from their distributions:
  the mean probability of each outcome with a 95% interval (normal
  approximation of the mean);
* :func:`hidden_grid` and :func:`hidden_tornado` - two parameters on a
  grid; each ranged parameter at its ends (a player's averaged payoff);
* :func:`value_of_information` - the game with a signal as it is, made
  perfect and made useless, side by side (what the signal is worth to each
  player; Blackwell 1953 - with strategic players a better signal can be
  worth less).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.montecarlo import draw_parameters
from sim.errors import RequestError
from sim.games.extensive import ExtensiveGame, PointValues, evaluate
from sim.games.extensive_build import build_extensive
from sim.games.profile_values import reach
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.solvers.bayesian import perfect_bayesian

__all__ = [
    "HiddenBar",
    "HiddenFlip",
    "HiddenPoint",
    "InformationValue",
    "hidden_grid",
    "hidden_information",
    "hidden_montecarlo",
    "hidden_sweep",
    "hidden_thresholds",
    "hidden_tornado",
    "value_of_information",
]

#: Outcome probabilities below this are left out of a prediction's signature.
SIGNATURE_TOL = 1e-9
#: Bisection stops when the bracket is narrower than this fraction of the range.
BISECT_TOL = 1e-6


@dataclass(frozen=True)
class HiddenPoint:
    """The prediction at one parameter point.

    ``outcomes`` maps each outcome label (or history, where a leaf has no
    label) to its probability, averaged over the ``equilibria`` found;
    ``payoffs`` are the players' averaged expected payoffs (each under its
    own beliefs); ``complete`` is False when the pure enumeration was cut off.
    """

    parameters: Mapping[str, float]
    equilibria: int
    outcomes: Mapping[str, float]
    payoffs: tuple[float, ...]
    complete: bool

    @property
    def signature(self) -> tuple[int, tuple[str, ...]]:
        """What a flip changes: the number of equilibria and the outcomes reached."""
        reached = tuple(sorted(k for k, p in self.outcomes.items() if p > SIGNATURE_TOL))
        return self.equilibria, reached


@dataclass(frozen=True)
class HiddenFlip:
    """The prediction changes between ``low`` and ``high`` (a bracket below the tolerance)."""

    parameter: str
    low: float
    high: float
    before: HiddenPoint
    after: HiddenPoint

    @property
    def value(self) -> float:
        """The flip point (middle of the final bracket)."""
        return 0.5 * (self.low + self.high)


def hidden_information(game: ExtensiveGame) -> bool:
    """True when some mover does not see everything before it, or players hold own beliefs."""
    return game.has_beliefs or not game.perfect_information


def _outcome_name(game: ExtensiveGame, leaf: int) -> str:
    label = game.leaf_label(leaf)
    if label:
        return label
    return ",".join(f"{k}={v}" for k, v in game.history_dict(leaf).items())


def solve_point(game: ExtensiveGame, values: PointValues, tol: float = 1e-9) -> HiddenPoint:
    """Solve one point and summarise its prediction (see the module docstring).

    Examples
    --------
    >>> from sim.scenario.loader import load_scenario
    >>> from sim.games.extensive_build import build_extensive
    >>> from sim.games.extensive import evaluate
    >>> game = build_extensive(load_scenario("beer_quiche"))
    >>> point = solve_point(game, evaluate(game, {"p_strong": 0.9}).point(0))
    >>> point.equilibria, {k: round(v, 6) for k, v in point.outcomes.items()}
    (2, {'No duel': 1.0})
    """
    found = perfect_bayesian(game, values, tol)
    outcomes: dict[str, float] = {}
    payoffs = np.zeros(game.n_players)
    n = len(found.equilibria)
    for eq in found.equilibria:
        probs = reach(game, values, eq.behaviour)
        for leaf in game.leaves:
            if probs[leaf] > 0:
                name = _outcome_name(game, int(leaf))
                outcomes[name] = outcomes.get(name, 0.0) + float(probs[leaf]) / n
        payoffs += np.asarray(eq.payoffs, float) / n
    pays = tuple(float(p) for p in payoffs) if n else tuple(float("nan") for _ in game.players)
    return HiddenPoint(dict(values.parameters), n, outcomes, pays, found.complete_pure)


def _points(
    scenario: Scenario,
    game: ExtensiveGame,
    draws: Mapping[str, np.ndarray],
    base: Mapping[str, float],
    tol: float,
    progress: Callable[[int, int], None] | None,
) -> list[HiddenPoint]:
    env = parameter_env(scenario.parameters, {**base, **draws})
    size = len(next(iter(draws.values())))
    values = evaluate(game, env)
    out = []
    for k in range(size):
        out.append(solve_point(game, values.point(k, env), tol))
        if progress is not None:
            progress(k + 1, size)
    return out


def _game(scenario: Scenario) -> ExtensiveGame:
    if scenario.kind != "sequential":
        raise RequestError(f"'{scenario.name}' is a simultaneous game")
    return build_extensive(scenario)


def hidden_sweep(
    scenario: Scenario,
    name: str,
    values: Sequence[float] | np.ndarray,
    *,
    base: Mapping[str, float] | None = None,
    tol: float = 1e-9,
    progress: Callable[[int, int], None] | None = None,
) -> list[HiddenPoint]:
    """The prediction at every value of one parameter."""
    fixed = {k: v for k, v in (base or {}).items() if k != name}
    draws = {name: np.asarray(values, float)}
    return _points(scenario, _game(scenario), draws, fixed, tol, progress)


def hidden_thresholds(
    scenario: Scenario,
    name: str,
    start: float,
    stop: float,
    *,
    steps: int = 41,
    base: Mapping[str, float] | None = None,
    tol: float = 1e-9,
) -> list[HiddenFlip]:
    """Every flip of the prediction on a grid of ``steps`` values, refined by bisection.

    Flips closer together than one grid step may be seen as one.
    """
    game = _game(scenario)
    fixed = {k: v for k, v in (base or {}).items() if k != name}
    grid = np.linspace(start, stop, steps)
    points = _points(scenario, game, {name: grid}, fixed, tol, None)
    flips = []
    width = BISECT_TOL * max(abs(stop - start), 1e-300)
    for k in range(steps - 1):
        left, right = points[k], points[k + 1]
        if left.signature == right.signature:
            continue
        lo, hi = float(grid[k]), float(grid[k + 1])
        while hi - lo > width:
            mid = 0.5 * (lo + hi)
            (point,) = _points(scenario, game, {name: np.array([mid])}, fixed, tol, None)
            if point.signature == left.signature:
                lo, left = mid, point
            else:
                hi, right = mid, point
        flips.append(HiddenFlip(name, lo, hi, left, right))
    return flips


@dataclass(frozen=True)
class HiddenOdds:
    """Mean probability of one outcome over the draws, with a 95% interval of the mean."""

    outcome: str
    mean: float
    low: float
    high: float


def hidden_montecarlo(
    scenario: Scenario,
    *,
    samples: int,
    seed: int,
    base: Mapping[str, float] | None = None,
    tol: float = 1e-9,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[HiddenOdds], list[HiddenPoint]]:
    """Draw the uncertain parameters, solve every draw, and average the predictions."""
    rng = np.random.default_rng(seed)
    fixed = dict(base or {})
    draws = draw_parameters(scenario, samples, rng, fixed)
    points = _points(scenario, _game(scenario), draws, fixed, tol, progress)
    names = sorted({k for p in points for k in p.outcomes})
    odds = []
    for outcome in names:
        x = np.array([p.outcomes.get(outcome, 0.0) for p in points])
        mean = float(x.mean())
        half = 1.959963984540054 * float(x.std(ddof=1)) / np.sqrt(len(x)) if len(x) > 1 else 1.0
        odds.append(HiddenOdds(outcome, mean, max(0.0, mean - half), min(1.0, mean + half)))
    odds.sort(key=lambda o: -o.mean)
    return odds, points


@dataclass(frozen=True)
class InformationValue:
    """The same game with the signal as it is, made perfect and made useless.

    ``points`` maps ``"as is"``, ``"perfect"`` and ``"useless"`` to the
    prediction with those parameter settings (``settings``); the value of
    a signal to a player is its averaged payoff with that signal minus its
    payoff with the useless one (each under its own beliefs).
    """

    settings: Mapping[str, Mapping[str, float]]
    points: Mapping[str, HiddenPoint]

    def worth(self, variant: str) -> tuple[float, ...]:
        """Each player's payoff with ``variant`` minus its payoff with the useless signal."""
        base = self.points["useless"].payoffs
        return tuple(a - b for a, b in zip(self.points[variant].payoffs, base, strict=True))


def value_of_information(
    scenario: Scenario,
    perfect: Mapping[str, float],
    useless: Mapping[str, float],
    *,
    base: Mapping[str, float] | None = None,
    tol: float = 1e-9,
) -> InformationValue:
    """Solve the game as it is, with the ``perfect`` and with the ``useless`` parameter settings.

    For an inspection with ``detection`` and ``false_alarm`` rates a perfect
    signal is ``detection=1, false_alarm=0`` and a useless one any setting
    with ``detection == false_alarm``.
    """
    game = _game(scenario)
    fixed = dict(base or {})
    settings = {"as is": {}, "perfect": dict(perfect), "useless": dict(useless)}
    points = {}
    for variant, extra in settings.items():
        env = parameter_env(scenario.parameters, {**fixed, **extra})
        points[variant] = solve_point(game, evaluate(game, env).point(0, env), tol)
    return InformationValue(settings, points)


def hidden_grid(
    scenario: Scenario,
    x: tuple[str, np.ndarray],
    y: tuple[str, np.ndarray],
    *,
    base: Mapping[str, float] | None = None,
    tol: float = 1e-9,
    progress: Callable[[int, int], None] | None = None,
) -> list[list[HiddenPoint]]:
    """The prediction on a grid of two parameters: ``rows[j][i]`` at ``y[j]``, ``x[i]``."""
    fixed = {k: v for k, v in (base or {}).items() if k not in (x[0], y[0])}
    xx, yy = np.meshgrid(np.asarray(x[1], float), np.asarray(y[1], float))
    draws = {x[0]: xx.ravel(), y[0]: yy.ravel()}
    points = _points(scenario, _game(scenario), draws, fixed, tol, progress)
    width = len(x[1])
    return [points[j * width : (j + 1) * width] for j in range(len(y[1]))]


@dataclass(frozen=True)
class HiddenBar:
    """One parameter of a tornado: the player's averaged payoff at the low and high end."""

    parameter: str
    low_value: float
    high_value: float
    at_low: float
    at_high: float

    @property
    def swing(self) -> float:
        """Distance between the two payoffs."""
        return abs(self.at_high - self.at_low)


def hidden_tornado(
    scenario: Scenario,
    player: str,
    *,
    base: Mapping[str, float] | None = None,
    tol: float = 1e-9,
) -> tuple[float, list[HiddenBar]]:
    """``player``'s averaged payoff at the base point and with each ranged parameter at its ends.

    Bars are sorted by swing, largest first; each end is one full solve.
    """
    game = _game(scenario)
    index = scenario.player_names.index(player)
    fixed = dict(base or {})
    ranged = [p for p in scenario.parameters if p.range is not None and p.name not in fixed]
    if not ranged:
        raise RequestError(
            "no parameter has a range to move: give some parameters a range in the scenario"
        )
    here = {ranged[0].name: np.array([_base(scenario, fixed, ranged[0].name)])}
    (centre,) = _points(scenario, game, here, fixed, tol, None)
    bars = []
    for param in ranged:
        low, high = param.range  # type: ignore[misc]
        ends = _points(scenario, game, {param.name: np.array([low, high])}, fixed, tol, None)
        bars.append(
            HiddenBar(param.name, low, high, ends[0].payoffs[index], ends[1].payoffs[index])
        )
    bars.sort(key=lambda b: -b.swing if np.isfinite(b.swing) else 0.0)
    return centre.payoffs[index], bars


def _base(scenario: Scenario, fixed: Mapping[str, float], name: str) -> float:
    return float(parameter_env(scenario.parameters, fixed)[name])
