"""Solve a simultaneous scenario: equilibria, verified, plus the structure a student asks about.

:func:`solve_game` runs the requested solution concepts on a
:class:`~sim.games.normal_form.NormalFormGame`, re-checks every equilibrium
with the independent best-response test of :mod:`sim.solvers.verify`, and
collects dominance, security levels and Pareto optimality for the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.errors import UsageError
from sim.games.normal_form import NormalFormGame
from sim.solvers.dominance import (
    Dominance,
    EliminationResult,
    dominated_moves,
    iterated_elimination,
)
from sim.solvers.logit_fork import LogitFork, logit_forks
from sim.solvers.logit_limit import limiting_logit_equilibrium
from sim.solvers.logit_qre import QREPoint
from sim.solvers.pareto import is_pareto_optimal, pareto_optimal_profiles
from sim.solvers.pure_nash import pure_nash
from sim.solvers.result import Equilibrium
from sim.solvers.security import SecurityLevel, mixed_security_levels, pure_security_levels
from sim.solvers.support_enumeration import all_equilibria
from sim.solvers.two_player import bimatrix_equilibria
from sim.solvers.verify import verified
from sim.solvers.zero_sum import ZeroSumSolution, is_zero_sum, solve_zero_sum

__all__ = ["NASH_CONCEPTS", "GameAnalysis", "SolveOptions", "solve_game"]

NASH_CONCEPTS = ("pure_nash", "mixed_nash")

#: Games with more pure profiles than this get no dominance/security/Pareto analysis.
MAX_STRUCTURE_PROFILES = 100_000
SUPPORTED = ("pure_nash", "mixed_nash", "qre")

#: Precision used for the QRE prediction when none is given.
DEFAULT_LAMBDAS = (1.0,)


@dataclass(frozen=True)
class SolveOptions:
    """Settings of one solve: which concepts, and the tolerances used."""

    concepts: tuple[str, ...] = NASH_CONCEPTS
    qre_lambdas: tuple[float, ...] = DEFAULT_LAMBDAS
    tol: float = 1e-9
    verify_tol: float = 1e-9
    structure: bool = True


@dataclass(frozen=True, eq=False)
class GameAnalysis:
    """Everything ``sim solve`` reports about one normal-form game.

    Attributes
    ----------
    game
        The game solved (payoffs at the parameter values used).
    equilibria
        Verified equilibria: pure ones first (profile order), then mixed ones.
    options
        Concepts and tolerances used.
    methods
        Concept -> algorithm that produced its equilibria.
    complete
        True when the list holds *every* equilibrium of the requested kinds
        (for mixed equilibria: every extreme equilibrium).
    degenerate
        True when the game is degenerate (equilibria may form continua, of
        which the extreme points are listed).
    notes
        Plain-language remarks for the report.
    """

    game: NormalFormGame
    equilibria: tuple[Equilibrium, ...]
    options: SolveOptions
    methods: tuple[tuple[str, str], ...]
    complete: bool
    degenerate: bool = False
    notes: tuple[str, ...] = ()
    pareto_profiles: tuple[tuple[int, ...], ...] = ()
    pareto_equilibria: tuple[bool, ...] = ()
    strict_elimination: EliminationResult | None = None
    weakly_dominated: tuple[Dominance, ...] = ()
    pure_security: tuple[SecurityLevel, ...] = ()
    mixed_security: tuple[SecurityLevel, ...] = ()
    zero_sum: ZeroSumSolution | None = None
    qre: tuple[QREPoint, ...] = ()
    qre_limit: Equilibrium | None = None
    qre_forks: tuple[LogitFork, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


def solve_game(game: NormalFormGame, options: SolveOptions | None = None) -> GameAnalysis:
    """Find, verify and explain the equilibria of ``game``.

    Raises
    ------
    UsageError
        For a concept this command cannot compute for a simultaneous game.
    VerificationError
        If a computed equilibrium fails the independent best-response check
        (an internal error: never silently dropped).
    """
    options = options or SolveOptions()
    unknown = [c for c in options.concepts if c not in SUPPORTED]
    if unknown:
        raise UsageError(
            f"concept {', '.join(unknown)} is not available for simultaneous games here; "
            f"available: {', '.join(SUPPORTED)}"
        )
    found, methods, complete, degenerate, notes = _equilibria(game, options)
    checked = verified(found, game.payoffs, tol=options.verify_tol)
    pareto = tuple(is_pareto_optimal(game.payoffs, eq.payoffs) for eq in checked)
    analysis = GameAnalysis(
        game=game,
        equilibria=checked,
        options=options,
        methods=tuple(methods.items()),
        complete=complete,
        degenerate=degenerate,
        notes=tuple(notes),
        pareto_equilibria=pareto,
    )
    if "qre" in options.concepts:
        analysis = _with_qre(analysis)
    if not options.structure:
        return analysis
    if game.payoffs[0].size > MAX_STRUCTURE_PROFILES:
        from dataclasses import replace

        note = (
            f"Dominance, security levels and Pareto optimality are skipped for games with "
            f"more than {MAX_STRUCTURE_PROFILES:,} pure profiles."
        )
        return replace(analysis, notes=(*analysis.notes, note))
    return _with_structure(analysis)


def _with_qre(analysis: GameAnalysis) -> GameAnalysis:
    """Logit QRE points at the requested precisions, and the limiting logit equilibrium."""
    from dataclasses import replace

    from sim.solvers.logit_qre import logit_qre_at

    u = analysis.game.payoffs
    points = logit_qre_at(u, list(analysis.options.qre_lambdas))
    tol = analysis.options.verify_tol
    limit = verified([limiting_logit_equilibrium(u)], u, tol=tol)[0]
    forks = tuple(
        replace(fork, arms=tuple(verified(list(fork.arms), u, tol=tol)))
        for fork in logit_forks(u, tol=tol)
    )
    return replace(analysis, qre=tuple(points), qre_limit=limit, qre_forks=forks)


def _equilibria(
    game: NormalFormGame, options: SolveOptions
) -> tuple[list[Equilibrium], dict[str, str], bool, bool, list[str]]:
    concepts = options.concepts
    methods: dict[str, str] = {}
    notes: list[str] = []
    degenerate = False
    complete = True
    if "mixed_nash" in concepts and game.n_players == 2:
        a, b = game.bimatrix()
        result = bimatrix_equilibria(a, b, tol=options.tol)
        methods["mixed_nash"] = result.method
        degenerate = result.degenerate
        notes.extend(result.notes)
        pairs = _split_by_kind(result.equilibria, keep_pure="pure_nash" in concepts)
        if "pure_nash" in concepts:
            methods["pure_nash"] = result.method
        return pairs, methods, result.complete, degenerate, notes
    eqs: list[Equilibrium] = []
    if "pure_nash" in concepts and "mixed_nash" not in concepts:
        pure = pure_nash(game.payoffs, tol=options.tol)
        methods["pure_nash"] = pure.method
        eqs.extend(pure.equilibria)
    if "mixed_nash" in concepts:
        result = all_equilibria(game.payoffs, tol=options.tol)
        methods["mixed_nash"] = result.method
        complete, degenerate = result.complete, result.degenerate
        notes.extend(result.notes)
        found = list(result.equilibria)
        if not found:
            found = [limiting_logit_equilibrium(game.payoffs)]
            methods["mixed_nash"] = "logit_limit"
            notes.append(
                "Enumeration found no equilibrium within its budget; the one listed is "
                "the limit of the logit QRE branch. The list may be incomplete."
            )
        keep = "pure_nash" in concepts
        if keep:
            methods["pure_nash"] = methods["mixed_nash"]
        return _split_by_kind(found, keep_pure=keep), methods, complete, degenerate, notes
    return eqs, methods, complete, degenerate, notes


def _split_by_kind(found: Sequence[Equilibrium], *, keep_pure: bool) -> list[Equilibrium]:
    """Pure equilibria (labelled pure_nash) first, then the others (mixed_nash)."""
    pure = [eq for eq in found if eq.is_pure]
    pure.sort(key=lambda eq: eq.pure_profile() or ())
    mixed = [eq for eq in found if not eq.is_pure]
    out = [_relabel(eq, "pure_nash") for eq in pure] if keep_pure else []
    return out + [_relabel(eq, "mixed_nash") for eq in mixed]


def _relabel(eq: Equilibrium, concept: str) -> Equilibrium:
    from dataclasses import replace

    strategies = eq.strategies
    if concept == "pure_nash":
        strategies = tuple(np.where(s >= 0.5, 1.0, 0.0) for s in eq.strategies)
    return replace(eq, concept=concept, strategies=strategies)


def _with_structure(analysis: GameAnalysis) -> GameAnalysis:
    from dataclasses import replace

    u = analysis.game.payoffs
    weak: list[Dominance] = []
    for p in range(analysis.game.n_players):
        weak.extend(d for d in dominated_moves(u, p, strict=False) if not d.strict)
    zero_sum = None
    if analysis.game.n_players == 2 and is_zero_sum(u[0], u[1]):
        zero_sum = solve_zero_sum(u[0])
    return replace(
        analysis,
        pareto_profiles=tuple(pareto_optimal_profiles(u)),
        strict_elimination=iterated_elimination(u, strict=True),
        weakly_dominated=tuple(weak),
        pure_security=tuple(pure_security_levels(u)),
        mixed_security=tuple(mixed_security_levels(u)),
        zero_sum=zero_sum,
    )
