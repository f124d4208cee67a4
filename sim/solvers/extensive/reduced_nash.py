"""Nash equilibria of a reduced strategic form.

* one active player: its best plans (every pure maximiser; mixtures of tied
  plans are equilibria too and are not listed separately);
* two or more: every Nash equilibrium by
  :func:`sim.solvers.nash.dispatch.nash_equilibria`, the one policy ``sim
  solve`` and the sensitivity batches use too (vertex enumeration for two
  players, support enumeration for more, within its size budget; von Stengel
  2002; McKelvey & McLennan 1996); with ``mixed=False`` three or more players
  get their pure equilibria only.

Every equilibrium returned passes :func:`sim.solvers.verify.check_equilibrium`
on the form it came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.games.extensive import FloatArray
from sim.games.reduced_form import ReducedForm
from sim.solvers.nash.dispatch import nash_equilibria
from sim.solvers.verify import check_equilibrium, payoff_range

__all__ = ["FormEquilibrium", "FormSolution", "solve_reduced_form"]


@dataclass(frozen=True)
class FormEquilibrium:
    """Mixed plans of the active players and the expected payoffs of every player."""

    mixed: tuple[FloatArray, ...]
    payoffs: FloatArray
    pure: bool
    regret: float


@dataclass(frozen=True)
class FormSolution:
    """Equilibria of one reduced form and how they were found."""

    equilibria: tuple[FormEquilibrium, ...]
    method: str
    complete: bool
    degenerate: bool
    notes: tuple[str, ...] = ()


def solve_reduced_form(
    rf: ReducedForm, tol: float = 1e-9, *, mixed: bool = True, limit: int = 1000
) -> FormSolution:
    """Nash equilibria of a reduced strategic form (see the module docstring).

    With ``mixed=False`` a game of three or more players gets pure equilibria
    only. At most ``limit`` equilibria are verified and returned (the result
    is then marked incomplete, with a note).
    """
    k = len(rf.players)
    if k == 0:
        eq = FormEquilibrium((), np.asarray(rf.values, float).copy(), True, 0.0)
        return FormSolution((eq,), "expectation", True, False)
    if k == 1:
        return _one_player(rf, tol, limit)
    found = nash_equilibria(rf.payoffs, tol=tol, mixed=mixed or k == 2)
    profiles = [eq.strategies for eq in found.equilibria]
    return _finish(
        rf, profiles, found.method, found.complete, found.degenerate, found.notes, tol, limit
    )


def _one_player(rf: ReducedForm, tol: float, limit: int) -> FormSolution:
    u = rf.payoffs[0]
    span = payoff_range(rf.payoffs)
    best = np.flatnonzero(u >= u.max() - tol * span)
    mixed = [(np.eye(u.size)[b],) for b in best]
    notes: tuple[str, ...] = ()
    if best.size > 1:
        notes = (
            "a player is indifferent between several plans; any mixture of them is also "
            "an equilibrium",
        )
    return _finish(rf, mixed, "best_plan", True, best.size > 1, notes, tol, limit)


def _finish(
    rf: ReducedForm,
    mixed: Sequence[Sequence[np.ndarray]],
    method: str,
    complete: bool,
    degenerate: bool,
    notes: tuple[str, ...],
    tol: float,
    limit: int,
) -> FormSolution:
    if len(mixed) > limit:
        notes = (*notes, f"only the first {limit} of {len(mixed)} equilibria are listed")
        complete, mixed = False, mixed[:limit]
    out = []
    for strategies in mixed:
        prof = tuple(np.asarray(s, float) for s in strategies)
        regret = check_equilibrium(rf.payoffs, prof, tol=max(tol, 1e-9))
        values = rf.values
        for s in prof:
            values = np.tensordot(values, s, axes=([1], [0]))
        pure = all(np.isclose(s.max(), 1.0, atol=1e-12) for s in prof)
        out.append(FormEquilibrium(prof, np.asarray(values, float), pure, regret))
    return FormSolution(tuple(out), method, complete, degenerate, tuple(notes))
