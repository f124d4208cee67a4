"""Nash equilibria of a reduced strategic form, with the right method for its size.

* one active player: its best plans (every pure maximiser; mixtures of tied
  plans are equilibria too and are not listed separately);
* two players: every extreme equilibrium by vertex enumeration
  (:func:`sim.solvers.nash.vertex_enumeration.extreme_equilibria`; von Stengel 2002);
* three or more: every pure equilibrium
  (:func:`sim.solvers.nash.pure_nash.pure_nash`), plus the mixed ones found by
  support enumeration (:func:`sim.solvers.nash.support_enumeration.all_equilibria`;
  McKelvey & McLennan 1996) when the form has at most
  :data:`MAX_SUPPORT_ENUMERATION` profiles; otherwise pure equilibria only,
  with a note.

Every equilibrium returned passes :func:`sim.solvers.verify.check_equilibrium`
on the form it came from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.games.extensive import FloatArray
from sim.games.reduced_form import ReducedForm
from sim.solvers.nash.pure_nash import pure_nash
from sim.solvers.nash.two_player import bimatrix_equilibria
from sim.solvers.verify import check_equilibrium, payoff_range

__all__ = ["MAX_SUPPORT_ENUMERATION", "FormEquilibrium", "FormSolution", "solve_reduced_form"]

#: Forms with at most this many pure profiles also get support enumeration (3+ players).
MAX_SUPPORT_ENUMERATION = 512
#: Time budget of support enumeration on one form (seconds).
SUPPORT_SECONDS = 10.0


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
    if k == 2:
        found = bimatrix_equilibria(rf.payoffs[0], rf.payoffs[1], tol=tol)
        profiles = [eq.strategies for eq in found.equilibria]
        return _finish(
            rf, profiles, found.method, found.complete, found.degenerate, found.notes, tol, limit
        )
    return _many_players(rf, tol, mixed, limit)


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


def _many_players(rf: ReducedForm, tol: float, want_mixed: bool, limit: int) -> FormSolution:
    pure = pure_nash(rf.payoffs, tol=tol)
    mixed = [eq.strategies for eq in pure.equilibria]
    notes: list[str] = []
    size = math.prod(rf.shape)
    if not want_mixed:
        return _finish(rf, mixed, pure.method, True, False, (), tol, limit)
    if size <= MAX_SUPPORT_ENUMERATION:
        try:
            from sim.solvers.nash.support_enumeration import all_equilibria

            found = all_equilibria(rf.payoffs, tol=tol, time_limit=SUPPORT_SECONDS)
        except Exception as exc:
            notes.append(
                f"support enumeration failed ({type(exc).__name__}: {exc}); only the "
                "pure equilibria of the strategic form are listed"
            )
            return _finish(rf, mixed, pure.method, False, False, tuple(notes), tol, limit)
        extra = [eq.strategies for eq in found.equilibria if not eq.is_pure]
        notes.extend(found.notes)
        return _finish(
            rf,
            mixed + extra,
            f"{pure.method}+{found.method}",
            found.complete,
            found.degenerate,
            tuple(notes),
            tol,
            limit,
        )
    notes.append(
        f"with {len(rf.players)} players and {size:,} pure profiles only the pure equilibria of "
        "the strategic form are listed; mixed ones may exist"
    )
    return _finish(rf, mixed, pure.method, False, False, tuple(notes), tol, limit)


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
