"""Payoffs of a simultaneous scenario as a tensor, at one parameter point or a batch.

The tensor has shape ``(n_players, m_1, ..., m_n)``; for a batch of parameter
points, ``(batch, n_players, m_1, ..., m_n)``. Every payoff expression is
evaluated once on the whole batch.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import numpy as np

from sim.errors import Location, ScenarioError
from sim.scenario.model import Scenario, Value, When
from sim.scenario.parameters import batch_size

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_PAYOFF",
    "check_payoff_sizes",
    "outcome_label",
    "payoff_tensor",
    "zero_sum_violation",
]

#: A batch of payoff tensors larger than this is refused (bytes).
MAX_BATCH_BYTES = 2 * 1024**3
#: Payoffs (after adding the rules) must lie within +-MAX_PAYOFF, so that
#: differences, ranges and sums over players stay finite in float64.
MAX_PAYOFF = 1e300


def payoff_tensor(scenario: Scenario, env: Mapping[str, Value]) -> np.ndarray:
    """Payoff tensor at the parameter values in ``env``.

    Returns shape ``(n, m_1, ..., m_n)`` for scalar values, or
    ``(batch, n, m_1, ..., m_n)`` when the values in ``env`` are arrays of
    length ``batch``.
    """
    if scenario.kind != "simultaneous":
        raise ValueError("payoff_tensor() is for simultaneous games")
    batch = batch_size(env)
    shape = tuple(len(p.moves) for p in scenario.players)
    n = len(shape)
    _check_memory(scenario, batch or 1, n * math.prod(shape))
    tensor = np.zeros(((batch or 1), n, *shape))
    if scenario.payoff_rules is not None:
        _add_rules(tensor, scenario, env)
    elif scenario.outcomes is not None:
        _fill_outcomes(tensor, scenario, env)
    elif scenario.matrix is not None:
        _fill_matrix(tensor, scenario, env)
    _check_sizes(scenario, tensor, env)
    if scenario.zero_sum:
        problem = zero_sum_violation(scenario, tensor)
        if problem:
            profile, message = problem
            where, path = _profile_location(scenario, profile)
            raise ScenarioError.single(where, path, message)
    return tensor if batch is not None else tensor[0]


def check_payoff_sizes(scenario: Scenario, env: Mapping[str, Value]) -> None:
    """Refuse payoffs beyond +-``MAX_PAYOFF`` at the values in ``env`` (cheaply where possible).

    A matrix cell or outcome row is checked where it is written. Rules are
    summed into the tensor only when the sum of their absolute values could
    exceed the bound.

    Raises
    ------
    ScenarioError
        Located at the offending value, or at ``payoffs`` for a sum of rules.
    """
    if scenario.kind != "simultaneous":
        return
    formulas = [f for cell in scenario.matrix or () for row in cell for f in row]
    formulas += [f for row in scenario.outcomes or () for _, f in row.payoffs]
    for formula in formulas:
        value = float(np.max(np.abs(formula.evaluate(env))))
        if not value <= MAX_PAYOFF:
            raise ScenarioError.single(
                formula.location, formula.path, f"payoff {value:g} is beyond +-{MAX_PAYOFF:g}"
            )
    bound = 0.0
    for rule in scenario.payoff_rules or ():
        for _, formula in rule.add:
            bound += float(np.max(np.abs(formula.evaluate(env))))
    if not bound <= MAX_PAYOFF:
        payoff_tensor(scenario, env)


def _check_sizes(scenario: Scenario, tensor: np.ndarray, env: Mapping[str, Value]) -> None:
    """Raise a located error if a payoff overflowed or lies beyond +-``MAX_PAYOFF``."""
    axes = tuple(range(2, tensor.ndim))
    worst = np.maximum(tensor.max(axis=axes), -tensor.min(axis=axes))
    if np.all(worst <= MAX_PAYOFF):
        return
    b, p = (int(i) for i in np.argwhere(~(worst <= MAX_PAYOFF))[0])
    flat = int(np.argmax(~(np.abs(tensor[b, p]) <= MAX_PAYOFF)))
    profile = tuple(int(k) for k in np.unravel_index(flat, tensor.shape[2:]))
    moves = ", ".join(
        f"{q.name}={q.moves[k]}" for q, k in zip(scenario.players, profile, strict=True)
    )
    point = ", ".join(
        f"{k}={float(np.ravel(v)[b]):g}" for k, v in env.items() if np.ndim(v) and np.ptp(v) > 0
    )
    value = float(tensor[(b, p, *profile)])
    message = (
        f"the payoff of {scenario.players[p].name} at {moves} is {value:g}"
        f"{f' (at {point})' if point else ''}; payoffs must stay within +-{MAX_PAYOFF:g}"
    )
    if scenario.payoff_rules is not None:
        where, path = scenario.location("payoffs"), "payoffs"
    else:
        where, path = _profile_location(scenario, profile)
    raise ScenarioError.single(where, path, message)


def _check_memory(scenario: Scenario, batch: int, per_point: int) -> None:
    needed = batch * per_point * 8
    if needed > MAX_BATCH_BYTES:
        raise ScenarioError.single(
            Location(scenario.path),
            "",
            f"{batch:,} parameter points of this game need {needed / 1024**3:.1f} GiB; "
            f"use fewer points (at most {MAX_BATCH_BYTES // 1024**3} GiB)",
        )


def _column(value: Value, batch: int) -> np.ndarray:
    """A value as a column of length ``batch``."""
    return np.broadcast_to(np.asarray(value, dtype=float), (batch,))


#: A rule whose condition splits into more blocks than this is added by fancy indexing.
_MAX_BLOCKS = 64

Index = slice | np.ndarray


def _runs(allowed: np.ndarray) -> list[slice]:
    """Contiguous runs of ``True`` in a boolean vector, as slices."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], allowed.astype(np.int8), [0]))))
    return [slice(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _blocks(scenario: Scenario, when: When) -> list[tuple[Index, ...]]:
    """Where ``when`` holds, as index tuples into the profile axes (empty if nowhere).

    Each player's allowed moves become slices (views, no copy); a condition
    that would split into many blocks becomes one ``np.ix_`` index instead.
    """
    conds = when.as_dict()
    per_player: list[list[slice]] = []
    allowed_sets = []
    for player in scenario.players:
        allowed = conds.get(player.name)
        vec = np.array([allowed is None or m in allowed for m in player.moves], dtype=bool)
        allowed_sets.append(vec)
        per_player.append(_runs(vec))
    if any(not runs for runs in per_player):
        return []
    if math.prod(len(runs) for runs in per_player) > _MAX_BLOCKS:
        return [tuple(np.ix_(*(np.flatnonzero(v) for v in allowed_sets)))]
    return [tuple(combo) for combo in itertools.product(*per_player)]


def _add_rules(tensor: np.ndarray, scenario: Scenario, env: Mapping[str, Value]) -> None:
    """Add the rules' values, across the whole batch, to the profiles where they hold.

    Rules with the same condition for the same player are summed first (one
    column per batch); each sum is then added in place, in one numpy
    operation, to the block of profiles its condition selects. No dense mask
    over all profiles is built, so memory stays at the size of the tensor
    itself and time grows with the number of distinct conditions, whatever
    the number of rules.
    """
    index = {name: i for i, name in enumerate(scenario.player_names)}
    batch = tensor.shape[0]
    ones = (1,) * (tensor.ndim - 2)
    sums: dict[tuple[int, tuple[tuple[str, frozenset[str]], ...]], np.ndarray] = {}
    conditions: dict[tuple[tuple[str, frozenset[str]], ...], When] = {}
    with np.errstate(over="ignore", invalid="ignore"):  # checked after the sum
        for rule in scenario.payoff_rules or ():
            cond = tuple(sorted((k, frozenset(v)) for k, v in rule.when.items))
            conditions.setdefault(cond, rule.when)
            for player, formula in rule.add:
                key = (index[player], cond)
                column = _column(formula.evaluate(env), batch)
                sums[key] = sums[key] + column if key in sums else column
        for (p, cond), column in sums.items():
            target = tensor[:, p]
            value = column.reshape(batch, *ones)
            for block in _blocks(scenario, conditions[cond]):
                target[(slice(None), *block)] += value


def _fill_outcomes(tensor: np.ndarray, scenario: Scenario, env: Mapping[str, Value]) -> None:
    index = {name: i for i, name in enumerate(scenario.player_names)}
    move_index = [{m: k for k, m in enumerate(p.moves)} for p in scenario.players]
    batch = tensor.shape[0]
    for row in scenario.outcomes or ():
        moves = dict(row.moves)
        profile = tuple(move_index[i][moves[p.name]] for i, p in enumerate(scenario.players))
        for player, formula in row.payoffs:
            where: tuple[slice | int, ...] = (slice(None), index[player], *profile)
            tensor[where] = _column(formula.evaluate(env), batch)


def _fill_matrix(tensor: np.ndarray, scenario: Scenario, env: Mapping[str, Value]) -> None:
    batch = tensor.shape[0]
    for i, cells in enumerate(scenario.matrix or ()):
        for j, cell in enumerate(cells):
            values = [_column(f.evaluate(env), batch) for f in cell]
            tensor[:, 0, i, j] = values[0]
            tensor[:, 1, i, j] = values[1] if len(values) > 1 else -values[0]


def zero_sum_violation(
    scenario: Scenario, tensor: np.ndarray, tol: float = 1e-9
) -> tuple[tuple[int, ...], str] | None:
    """The first profile whose payoffs do not add up to zero, and a message, if any.

    ``tensor`` has a leading batch axis, shape ``(batch, n, m_1, ..., m_n)``.
    """
    total = tensor.sum(axis=1)
    scale = max(float(np.ptp(tensor)), 1.0)
    if not np.any(np.abs(total) > tol * scale):
        return None
    flat = int(np.argmax(np.abs(total).ravel()))
    _, *profile = np.unravel_index(flat, total.shape)
    moves = ", ".join(
        f"{p.name}={p.moves[k]}" for p, k in zip(scenario.players, profile, strict=True)
    )
    text = f"zero_sum is true but the payoffs at {moves} add up to {float(total.ravel()[flat]):g}"
    return tuple(int(k) for k in profile), text


def _profile_location(scenario: Scenario, profile: tuple[int, ...]) -> tuple[Location, str]:
    """Where the payoffs of ``profile`` were written: a matrix cell or a table row."""
    if scenario.matrix is not None:
        i, j = profile
        return scenario.matrix[i][j][0].location, f"matrix[{i}][{j}]"
    moves = {p.name: p.moves[k] for p, k in zip(scenario.players, profile, strict=True)}
    for n, row in enumerate(scenario.outcomes or ()):
        if dict(row.moves) == moves and row.location is not None:
            return row.location, f"outcomes[{n}]"
    return scenario.location("zero_sum"), "zero_sum"


def outcome_label(scenario: Scenario, moves: Mapping[str, str]) -> str | None:
    """Name of an outcome: the first matching label, else the outcome row's own label."""
    name = scenario.label_for(moves)
    if name is not None:
        return name
    for row in scenario.outcomes or ():
        if all(moves.get(k) == v for k, v in row.moves) and row.label:
            return row.label
    return None
