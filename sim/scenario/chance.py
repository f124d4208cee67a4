"""Chance moves: reading and checking their probabilities (shared by ``sequence`` and ``tree``).

A chance move is a mapping ``outcome -> probability formula``. A chance
stage of a ``sequence`` may instead give a list of cases ``{when,
probabilities}`` (conditional chance), and both forms may carry
``beliefs``: each player's own probabilities (a game with non-common
priors; Harsanyi 1967-68, Morris 1995). The readers for those live in
:mod:`sim.scenario.chance_cases`.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection

import numpy as np

from sim.errors import Location, ScenarioError
from sim.scenario.model import Env, Formula, Value
from sim.scenario.reader import NAME_RE, Reader, join_path
from sim.yamlio import Node

__all__ = [
    "NEGATIVE_TOL",
    "SUM_TOL",
    "ChanceMoves",
    "chance_site",
    "check_chance",
    "read_chance",
    "remember_chance_site",
]

#: Tolerances for chance probabilities.
NEGATIVE_TOL = 1e-12
SUM_TOL = 1e-9

ChanceMoves = tuple[tuple[str, Formula], ...]

#: Where the probability mapping of a chance stage or chance node was written.
_SITES: weakref.WeakKeyDictionary[object, tuple[Location, str]] = weakref.WeakKeyDictionary()


def remember_chance_site(owner: object, node: Node, path: str) -> None:
    """Record where the probabilities of ``owner`` (a Stage or TreeNode) were written."""
    _SITES[owner] = (node.location(), path)


def chance_site(owner: object, location: Location | None, path: str) -> tuple[Location, str]:
    """Return the recorded probability site of ``owner``, else the given fallback."""
    return _SITES.get(owner, (location or Location("<unknown>"), path))


def read_chance(
    reader: Reader, node: Node, path: str, names: Collection[str]
) -> ChanceMoves | None:
    """Read a chance mapping ``outcome -> probability formula``.

    Parameters
    ----------
    reader
        Collects diagnostics.
    node
        The mapping node.
    path
        Its key path.
    names
        Parameter names the formulas may use.

    Returns
    -------
    tuple of (str, Formula) or None
        The outcomes in file order, or ``None`` after recording errors.
    """
    mapping = reader.mapping(node, path)
    if mapping is None:
        return None
    if not mapping:
        reader.error(node, path, "a chance move needs at least one outcome")
        return None
    result: list[tuple[str, Formula]] = []
    ok = True
    for key, child in mapping.items():
        kpath = join_path(path, key)
        if not NAME_RE.match(key):
            msg = f"outcome name '{key}' must match [A-Za-z_][A-Za-z0-9_]* (no spaces)"
            reader.error(node.key_location(key), kpath, msg)
            ok = False
            continue
        formula = reader.formula(child, kpath, names)
        if formula is None:
            ok = False
        else:
            result.append((key, formula))
    return tuple(result) if ok else None


def _at(value: Value, index: int) -> float:
    """Element ``index`` of a parameter batch (a scalar is the same everywhere)."""
    arr = np.ravel(np.asarray(value, dtype=float))
    return float(arr[index] if arr.size > 1 else arr[0])


def _point(formulas: list[Formula], env: Env, index: int) -> str:
    """``" (at p=0.3, q=1)"`` for the parameters the formulas use, or ``""``."""
    used = sorted({name for f in formulas for name in f.names if name in env})
    text = ", ".join(f"{name}={_at(env[name], index):g}" for name in used)
    return f" (at {text})" if text else ""


def check_chance(reader: Reader, chance: ChanceMoves, env: Env, where: Location, path: str) -> None:
    """Check that probabilities are finite, not negative, and sum to 1 at ``env``.

    A negative probability is reported at its formula, a wrong sum at
    ``where`` (the chance mapping), printing the sum. ``env`` normally holds
    the default parameter values; for a batch the worst point is reported.
    """
    formulas = [f for _, f in chance]
    values: list[tuple[str, Formula, np.ndarray]] = []
    for name, formula in chance:
        try:
            values.append((name, formula, np.ravel(np.asarray(formula.evaluate(env), float))))
        except ScenarioError as exc:
            for diag in exc.diagnostics:
                reader.error(diag.location, diag.path, diag.message)
    if len(values) < len(chance):
        return
    total = np.zeros(1)
    ok = True
    for name, formula, value in values:
        low = int(np.argmin(value))
        if value[low] < -NEGATIVE_TOL:
            at = _point(formulas, env, low)
            msg = f"probability of '{name}' is {value[low]:g}{at}; a probability cannot be negative"
            reader.error(formula.location, formula.path, msg)
            ok = False
        total = total + value
    worst = int(np.argmax(np.abs(total - 1.0)))
    if ok and abs(total[worst] - 1.0) > SUM_TOL:
        at = _point(formulas, env, worst)
        msg = f"chance probabilities sum to {total[worst]:.12g}{at}, not 1; they must add up to 1"
        reader.error(where, path, msg)
