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

from sim.concepts import MIXED_NASH, NASH, PURE_NASH, QRE, SIMULTANEOUS, check_concepts
from sim.games.normal_form import NormalFormGame
from sim.scales import player_scales
from sim.solvers.nash.dispatch import nash_equilibria
from sim.solvers.nash.zero_sum import ZeroSumSolution, is_zero_sum, solve_zero_sum
from sim.solvers.qre.logit_fork import LogitFork, logit_forks
from sim.solvers.qre.logit_limit import limiting_logit_equilibrium
from sim.solvers.qre.logit_qre import QREPoint
from sim.solvers.result import Equilibrium
from sim.solvers.structure.dominance import (
    Dominance,
    EliminationResult,
    dominated_moves,
    iterated_elimination,
)
from sim.solvers.structure.pareto import is_pareto_optimal, pareto_optimal_profiles
from sim.solvers.structure.security import (
    SecurityLevel,
    mixed_security_levels,
    pure_security_levels,
)
from sim.solvers.verify import deviation_payoffs, verified

__all__ = ["GameAnalysis", "SolveOptions", "solve_game"]

#: Games with more pure profiles than this get no dominance/security/Pareto analysis.
MAX_STRUCTURE_PROFILES = 100_000
#: At most this many equilibria are listed; the true count is reported with them.
MAX_LISTED_EQUILIBRIA = 100

#: Precision used for the QRE prediction when none is given.
DEFAULT_LAMBDAS = (1.0,)


@dataclass(frozen=True)
class SolveOptions:
    """Settings of one solve: which concepts, and the tolerances used."""

    concepts: tuple[str, ...] = NASH
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
    deviation_payoffs
        Per equilibrium, per player: the payoff of each of the player's moves
        against the others' equilibrium play (why nobody gains by deviating).
    qre_limit_match
        Index into ``equilibria`` of the equilibrium the logit limit equals
        (within 1e-6 per probability), or None.
    qre_notes
        What the QRE part could not compute, and why (tracing stopped early).
    total_equilibria
        How many equilibria were found when ``equilibria`` lists only the
        first ``MAX_LISTED_EQUILIBRIA`` of them; ``None`` when all are listed.
    qre_forks
        Where the logit branch forks, with the verified equilibrium each new
        arm leads to (:func:`~sim.solvers.qre.logit_fork.logit_forks`).
    qre_fork_matches
        Per fork, per arm: the index into ``equilibria`` it equals, or None.
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
    qre_limit_match: int | None = None
    qre_forks: tuple[LogitFork, ...] = ()
    qre_fork_matches: tuple[tuple[int | None, ...], ...] = ()
    deviation_payoffs: tuple[tuple[np.ndarray, ...], ...] = ()
    extra: dict[str, object] = field(default_factory=dict)
    total_equilibria: int | None = None
    qre_notes: tuple[str, ...] = ()


def solve_game(game: NormalFormGame, options: SolveOptions | None = None) -> GameAnalysis:
    """Find, verify and explain the equilibria of ``game``.

    Raises
    ------
    RequestError
        For a concept that is not computed for simultaneous games.
    VerificationError
        If a computed equilibrium fails the independent best-response check
        (an internal error: never silently dropped).
    """
    options = options or SolveOptions()
    check_concepts(options.concepts, SIMULTANEOUS, "simultaneous games")
    found, methods, complete, degenerate, notes, total = _equilibria(game, options)
    found = found[:MAX_LISTED_EQUILIBRIA]
    checked = verified(found, game.payoffs, tol=options.verify_tol)
    pareto, pareto_note = _pareto_flags(game, checked)
    players = range(game.n_players)
    deviations = tuple(
        tuple(deviation_payoffs(game.payoffs, eq.strategies, p) for p in players) for eq in checked
    )
    analysis = GameAnalysis(
        game=game,
        equilibria=checked,
        options=options,
        methods=tuple(methods.items()),
        complete=complete,
        degenerate=degenerate,
        notes=(*notes, *pareto_note),
        pareto_equilibria=pareto,
        deviation_payoffs=deviations,
        total_equilibria=total if total > len(found) else None,
    )
    if QRE in options.concepts:
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
    """Logit QRE points at the requested precisions, and the limiting logit equilibrium.

    Where the branch cannot be traced to a precision (or to its limit), the
    points reached are kept and ``qre_notes`` says what is missing and why.
    """
    from dataclasses import replace

    from sim.solvers.qre.logit_qre import LogitQREError
    from sim.solvers.qre.qre_points import logit_qre_points

    u = analysis.game.payoffs
    res = logit_qre_points(u, list(analysis.options.qre_lambdas))
    notes = []
    missing = [lam for lam, p in zip(res.lambdas, res.points, strict=True) if p is None]
    if missing:
        shown = ", ".join(f"{lam:.10g}" for lam in missing)
        notes.append(f"No QRE point at lambda = {shown}: {res.stopped}.")
    limit = None
    try:
        limit = verified([limiting_logit_equilibrium(u)], u, tol=analysis.options.verify_tol)[0]
    except LogitQREError as exc:
        notes.append(f"The limit of the QRE branch as lambda grows was not found: {exc}.")
    points = tuple(p for p in res.points if p is not None)
    match = None if limit is None else _matching(analysis.equilibria, limit)
    forks = _forks(u, analysis.options.verify_tol)
    return replace(
        analysis,
        qre=points,
        qre_limit=limit,
        qre_limit_match=match,
        qre_notes=tuple(notes),
        qre_forks=forks,
        qre_fork_matches=tuple(
            tuple(_matching(analysis.equilibria, arm) for arm in fork.arms) for fork in forks
        ),
    )


def _forks(u: np.ndarray, tol: float) -> tuple[LogitFork, ...]:
    """Forks of the logit branch with their verified arms (none if tracing fails)."""
    from dataclasses import replace

    from sim.solvers.qre.logit_qre import LogitQREError

    try:
        found = logit_forks(u, tol=tol)
    except LogitQREError:
        return ()
    return tuple(replace(f, arms=tuple(verified(list(f.arms), u, tol=tol))) for f in found)


def _matching(eqs: Sequence[Equilibrium], limit: Equilibrium) -> int | None:
    """Index of the equilibrium equal to ``limit`` (within 1e-6 per probability), or None.

    Also used for the arms of the logit branch's forks.
    """
    for i, eq in enumerate(eqs):
        gaps = (np.abs(a - b).max() for a, b in zip(eq.strategies, limit.strategies, strict=True))
        if max(gaps) <= 1e-6:
            return i
    return None


def _pareto_flags(
    game: NormalFormGame, eqs: Sequence[Equilibrium]
) -> tuple[tuple[bool, ...], tuple[str, ...]]:
    """Whether each equilibrium is Pareto optimal, and a note if that was not checked.

    An equilibrium giving every player (within the tolerance of its own payoff
    scale) the largest payoff it gets anywhere is Pareto optimal without a
    linear program: this settles every equilibrium of a game where all
    profiles tie. Equilibria with the same payoffs share one test. Games above
    ``MAX_STRUCTURE_PROFILES`` profiles get no linear programs at all.
    """
    u = game.payoffs
    tol = 1e-9
    best = u.reshape(u.shape[0], -1).max(axis=1)
    scale = player_scales(u)
    tops = [bool(np.all(eq.payoffs >= best - tol * scale)) for eq in eqs]
    if all(tops):
        return tuple(tops), ()
    if u[0].size > MAX_STRUCTURE_PROFILES:
        note = (
            "Pareto optimality of the equilibria is not checked for games with more than "
            f"{MAX_STRUCTURE_PROFILES:,} pure profiles."
        )
        return (), (note,)
    seen: dict[bytes, bool] = {}
    flags = []
    for eq, top in zip(eqs, tops, strict=True):
        key = eq.payoffs.tobytes()
        if key not in seen:
            seen[key] = top or is_pareto_optimal(u, eq.payoffs, tol)
        flags.append(seen[key])
    return tuple(flags), ()


def _all_indifferent(u: np.ndarray, tol: float) -> bool:
    """True when no player's payoff depends on its own move (within ``tol`` of its scale)."""
    scale = player_scales(u)
    return all(float(np.ptp(u[p], axis=p).max()) <= tol * scale[p] for p in range(u.shape[0]))


def _every_profile(game: NormalFormGame) -> list[Equilibrium]:
    """The first ``MAX_LISTED_EQUILIBRIA`` pure profiles, each an equilibrium here."""
    u = game.payoffs
    count = min(u[0].size, MAX_LISTED_EQUILIBRIA)
    flat = u.reshape(u.shape[0], -1)
    eqs = []
    for index in range(count):
        profile = tuple(int(k) for k in np.unravel_index(index, game.shape))
        strategies = tuple(np.eye(m)[k] for m, k in zip(game.shape, profile, strict=True))
        eqs.append(Equilibrium(strategies, flat[:, index].copy(), PURE_NASH, _EVERY))
    return eqs


_EVERY = "every_profile"


def _equilibria(
    game: NormalFormGame, options: SolveOptions
) -> tuple[list[Equilibrium], dict[str, str], bool, bool, list[str], int]:
    """The equilibria (the list may be cut), methods, completeness, degeneracy, notes, count.

    Every equilibrium comes from the one dispatcher
    (:func:`~sim.solvers.nash.dispatch.nash_equilibria`), except where no
    player's payoff depends on its own move: then every profile is one, and
    the first ``MAX_LISTED_EQUILIBRIA`` pure profiles are listed with the count.
    """
    concepts = options.concepts
    if not set(NASH) & set(concepts):
        return [], {}, True, False, [], 0
    if _all_indifferent(game.payoffs, options.tol):
        note = (
            "No player's payoff depends on its own move, so every profile, mixed ones "
            "included, is a Nash equilibrium; the pure profiles listed are the extreme points."
        )
        eqs = _split_by_kind(_every_profile(game), keep_pure=PURE_NASH in concepts)
        methods = {c: _EVERY for c in NASH if c in concepts}
        size = game.payoffs[0].size
        return eqs, methods, True, size > 1, [note], size
    result = nash_equilibria(
        game.payoffs, tol=options.tol, mixed=MIXED_NASH in concepts, limit=MAX_LISTED_EQUILIBRIA
    )
    methods = {c: result.method for c in NASH if c in concepts}
    found = _split_by_kind(result.equilibria, keep_pure=PURE_NASH in concepts)
    total = result.total or len(found)
    return found, methods, result.complete, result.degenerate, list(result.notes), total


def _split_by_kind(found: Sequence[Equilibrium], *, keep_pure: bool) -> list[Equilibrium]:
    """Pure equilibria (labelled pure_nash) first, then the others (mixed_nash)."""
    pure = [eq for eq in found if eq.is_pure]
    pure.sort(key=lambda eq: eq.pure_profile() or ())
    mixed = [eq for eq in found if not eq.is_pure]
    out = [_relabel(eq, PURE_NASH) for eq in pure] if keep_pure else []
    return out + [_relabel(eq, MIXED_NASH) for eq in mixed]


def _relabel(eq: Equilibrium, concept: str) -> Equilibrium:
    from dataclasses import replace

    strategies = eq.strategies
    if concept == PURE_NASH:
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
