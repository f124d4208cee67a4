"""The pieces of a ``sim target`` question: the target outcome, the box, payoffs at any point.

A :class:`TargetProblem` holds what every method needs: which pure profiles
(simultaneous game) or complete histories (sequential game) make up the
target outcome, the varied parameters with their current values, bounds and
cost weights, the payment directions, and a function that evaluates the
payoffs at a batch of parameter points (derived parameters recomputed).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.concepts import PURE_NASH, SUBGAME_PERFECT
from sim.errors import RequestError
from sim.games.affinity import CONST, classify, parameter_kinds
from sim.games.extensive import ExtensiveGame, evaluate
from sim.games.extensive_build import build_extensive
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.scenario.payoffs import outcome_label, payoff_tensor
from sim.solvers.target.lp import Transfer, profiles

__all__ = ["CONCEPTS", "TargetProblem", "default_transfers", "make_problem", "target_mask"]

CONCEPTS = (PURE_NASH, SUBGAME_PERFECT)
#: A parameter without a range is searched this far (at least) either side of its value.
UNRANGED_REACH = 100.0


@dataclass(frozen=True, eq=False)
class TargetProblem:
    """One ``sim target`` question, ready for a solver (see the module docstring).

    Attributes
    ----------
    scenario, concept, outcome
        The scenario, ``pure_nash`` or ``subgame_perfect``, and the target's name.
    varied, start, low, high, ranged, weights
        Varied parameters; their current values; the bounds of each (its
        range, or an artificial wide box); whether it has a range; cost per
        unit change (1 / range width, or 1).
    base
        Overrides of other parameters (``--set``).
    target
        Booleans over pure profiles (shape ``m_1 x ... x m_n``) or leaf rows.
    transfers
        Payment directions (empty without ``--transfers``).
    margin
        Each deviation must lose at least this much.
    game
        The game tree of a sequential scenario.
    """

    scenario: Scenario
    concept: str
    outcome: str
    varied: tuple[str, ...]
    start: np.ndarray
    low: np.ndarray
    high: np.ndarray
    ranged: np.ndarray
    weights: np.ndarray
    base: Mapping[str, float]
    target: np.ndarray
    transfers: tuple[Transfer, ...]
    margin: float
    game: ExtensiveGame | None = None

    @property
    def players(self) -> tuple[str, ...]:
        """Player names."""
        return self.scenario.player_names

    def env(self, thetas: np.ndarray) -> dict[str, float | np.ndarray]:
        """Every parameter at a batch of points ``(N, K)`` of the varied ones."""
        over: dict[str, float | np.ndarray] = dict(self.base)
        for j, name in enumerate(self.varied):
            over[name] = np.asarray(thetas[:, j], float)
        size = thetas.shape[0]
        env = parameter_env(self.scenario.parameters, over)
        return {k: np.broadcast_to(np.asarray(v, float), (size,)) for k, v in env.items()}

    def payoffs(self, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Payoffs at ``(N, K)`` points: ``(N, n, m_1..m_n)``, or ``(N, leaves, n)`` and
        chance probabilities ``(N, nodes)`` for a sequential game."""
        thetas = np.atleast_2d(np.asarray(thetas, float))
        env = self.env(thetas)
        if self.game is None:
            tensor = payoff_tensor(self.scenario, env)
            if tensor.ndim == len(self.players) + 1:
                tensor = np.broadcast_to(tensor, (thetas.shape[0], *tensor.shape)).copy()
            return tensor, None
        values = evaluate(self.game, env)
        payoffs = np.broadcast_to(values.payoffs, (thetas.shape[0], *values.payoffs.shape[1:]))
        probs = np.broadcast_to(values.probs, (thetas.shape[0], *values.probs.shape[1:]))
        return np.array(payoffs), np.array(probs)

    def cost(self, thetas: np.ndarray) -> np.ndarray:
        """Parameter cost of each point ``(N, K)``."""
        return np.abs(np.atleast_2d(thetas) - self.start) @ self.weights


def make_problem(
    scenario: Scenario,
    *,
    outcome: str | None,
    moves: Mapping[str, str] | None,
    varied: Sequence[str],
    base: Mapping[str, float],
    concept: str | None,
    margin: float,
    transfers: bool,
) -> TargetProblem:
    """Check a ``sim target`` question and build its :class:`TargetProblem`."""
    chosen = concept or (SUBGAME_PERFECT if scenario.kind == "sequential" else PURE_NASH)
    game = _check_concept(scenario, chosen)
    names = [p.name for p in scenario.parameters]
    for name in varied:
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RequestError(
                f"unknown parameter '{name}' to vary{hint}; known: {', '.join(names)}"
            )
    if len(set(varied)) != len(varied):
        raise RequestError("a parameter to vary is named twice")
    if margin < 0 or not np.isfinite(margin):
        raise RequestError("the margin must be a finite number, zero or more")
    fixed = {k: v for k, v in base.items() if k not in varied}
    env = parameter_env(scenario.parameters, base)
    start = np.array([float(env[n]) for n in varied])
    low, high, ranged = _box(scenario, varied, start)
    width = np.where(ranged, high - low, 1.0)
    weights = 1.0 / np.where(width > 0, width, 1.0)
    mask, label = target_mask(scenario, game, outcome, moves)
    directions = default_transfers(scenario, env, varied) if transfers else ()
    return TargetProblem(
        scenario, chosen, label, tuple(varied), start, low, high, ranged, weights,
        fixed, mask, directions, float(margin), game,
    )  # fmt: skip


def _check_concept(scenario: Scenario, concept: str) -> ExtensiveGame | None:
    if concept not in CONCEPTS:
        raise RequestError(f"concept {concept!r}: choose pure_nash or subgame_perfect")
    if scenario.kind == "simultaneous":
        if concept != PURE_NASH:
            raise RequestError(
                "subgame_perfect is for sequential games; "
                f"{scenario.name!r} is simultaneous (use pure_nash)"
            )
        return None
    if concept != SUBGAME_PERFECT:
        raise RequestError(
            f"{scenario.name!r} is a sequential game: the target must be the outcome of a "
            "subgame-perfect equilibrium (concept subgame_perfect, the default)"
        )
    game = build_extensive(scenario)
    if not game.perfect_information:
        raise RequestError(
            "sim target handles sequential games of perfect information (chance allowed); "
            f"{scenario.name!r} has information sets with several nodes"
        )
    return game


def _box(
    scenario: Scenario, varied: Sequence[str], start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    low, high, ranged = [], [], []
    for name, x0 in zip(varied, start, strict=True):
        rng = scenario.parameter(name).range
        if rng is not None and rng[1] > rng[0]:
            low.append(float(rng[0]))
            high.append(float(rng[1]))
            ranged.append(True)
        else:
            reach = max(UNRANGED_REACH, 10.0 * abs(float(x0)))
            low.append(float(x0) - reach)
            high.append(float(x0) + reach)
            ranged.append(False)
    return np.array(low), np.array(high), np.array(ranged, bool)


def default_transfers(
    scenario: Scenario, env: Mapping[str, Any], varied: Sequence[str] = ()
) -> tuple[Transfer, ...]:
    """The payment directions of ``negotiation.transfers`` (rates and caps at ``env``), else
    any player to any other at rate 1 without a cap."""
    index = {name: i for i, name in enumerate(scenario.player_names)}
    negotiation = scenario.negotiation
    if negotiation is not None and negotiation.transfers:
        kinds = parameter_kinds(scenario.parameters, varied, ())
        for t in negotiation.transfers:
            for f in (t.max, t.rate):
                if f is not None and classify(f.expr.root, kinds) != CONST:
                    raise RequestError(
                        f"{f.location}: {f.path}: '{f.expr.source}' moves with the varied "
                        "parameters; sim target needs fixed transfer rates and caps"
                    )
        listed = negotiation.values(scenario.player_names, env).transfers
        return tuple(
            Transfer(index[t.source], index[t.target], float(t.rate),
                     float(t.max) if np.isfinite(t.max) else None)
            for t in listed
        )  # fmt: skip
    n = len(index)
    return tuple(Transfer(a, b) for a in range(n) for b in range(n) if a != b)


def target_mask(
    scenario: Scenario,
    game: ExtensiveGame | None,
    outcome: str | None,
    moves: Mapping[str, str] | None,
) -> tuple[np.ndarray, str]:
    """Booleans over profiles (or leaf rows) in the target, and the target's name."""
    if moves is not None:
        _check_moves(scenario, game, moves)
        text = ", ".join(f"{k}={v}" for k, v in moves.items())
    if game is None:
        shape = tuple(len(p.moves) for p in scenario.players)
        mask = np.zeros(shape, bool)
        for prof in profiles(shape):
            named = {p.name: p.moves[k] for p, k in zip(scenario.players, prof, strict=True)}
            if moves is not None:
                mask[prof] = all(named[k] == v for k, v in moves.items())
            else:
                mask[prof] = outcome_label(scenario, named) == outcome
        known = _known_labels(scenario, None)
    else:
        mask = np.zeros(len(game.leaves), bool)
        for leaf in game.leaves:
            row = int(game.leaf_row[leaf])
            if moves is not None:
                hist = game.history_dict(int(leaf))
                mask[row] = all(hist.get(k) == v for k, v in moves.items())
            else:
                mask[row] = _leaf_name(game, int(leaf)) == outcome
        known = _known_labels(scenario, game)
    if not mask.any():
        if moves is not None:
            raise RequestError(f"moves {text!r}: no outcome of the game has these moves")
        close = difflib.get_close_matches(str(outcome), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise RequestError(
            f"outcome {outcome!r}: no outcome has that label{hint}; labels: "
            f"{', '.join(known) or 'none (add labels, or name the moves)'}"
        )
    return mask, (text if moves is not None else str(outcome))


def _leaf_name(game: ExtensiveGame, leaf: int) -> str:
    label = game.leaf_label(leaf)
    if label:
        return label
    return ",".join(f"{k}={m}" for k, m in game.history(leaf)) or "the game ends"


def _known_labels(scenario: Scenario, game: ExtensiveGame | None) -> list[str]:
    names = [lab.name for lab in scenario.labels]
    names += [row.label for row in scenario.outcomes or () if row.label]
    if game is not None:
        names += [_leaf_name(game, int(x)) for x in game.leaves]
    return list(dict.fromkeys(names))


def _check_moves(scenario: Scenario, game: ExtensiveGame | None, moves: Mapping[str, str]) -> None:
    if game is None:
        allowed = {p.name: p.moves for p in scenario.players}
    else:
        allowed = {}
        for x in range(game.n_nodes):
            if game.children[x]:
                key = game.movers[x]
                allowed[key] = tuple(dict.fromkeys([*allowed.get(key, ()), *game.node_moves[x]]))
    for key, move in moves.items():
        if key not in allowed:
            what = "player" if game is None else "stage"
            raise RequestError(f"moves: unknown {what} '{key}'; known: {', '.join(allowed)}")
        if move not in allowed[key]:
            raise RequestError(
                f"moves: '{key}' has no move '{move}'; its moves: {', '.join(allowed[key])}"
            )
