"""Solve a sequential scenario: subgame-perfect and strategic-form equilibria, verified.

:func:`solve_sequential` builds the game tree, computes

* the **subgame-perfect** equilibria: every pure one by backward induction in
  a game of perfect information (:mod:`sim.solvers.extensive.backward_induction`),
  otherwise by solving proper subgames bottom up
  (:mod:`sim.solvers.extensive.subgames`);
* the **Nash equilibria of the reduced strategic form**
  (:mod:`sim.games.reduced_form`, :mod:`sim.solvers.extensive.reduced_nash`), reported
  as behaviour strategies (Kuhn 1953; at information sets a player's own
  plan excludes, the move of :mod:`sim.solvers.extensive.completion`), each marked
  subgame perfect or not, with the threats and promises that are not
  credible (:mod:`sim.solvers.extensive.credibility`);

and re-checks every equilibrium independently: strategic-form ones with
:func:`sim.solvers.verify.check_equilibrium` on the reduced strategic form,
subgame-perfect ones with the one-shot deviation test in every subgame
(:func:`sim.solvers.extensive.spe_check.check_subgame_perfect`). A failed check raises
:class:`~sim.errors.VerificationError`; nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.concepts import (
    MIXED_NASH,
    NASH,
    PURE_NASH,
    SEQUENTIAL,
    SUBGAME_PERFECT,
    check_concepts,
    filter_concepts,
    nash_concept,
)
from sim.errors import RequestError, SimError, VerificationError
from sim.games.extensive import ExtensiveGame, FloatArray, PointValues, evaluate
from sim.games.extensive_build import build_extensive
from sim.games.profile_values import node_values
from sim.games.reduced_form import ReducedForm, behaviour_from_mixed, reduced_form
from sim.scenario.model import Scenario
from sim.scenario.parameters import parameter_env
from sim.solvers.extensive.backward_induction import all_pure_spe
from sim.solvers.extensive.completion import complete
from sim.solvers.extensive.credibility import Finding, credibility_findings
from sim.solvers.extensive.reduced_nash import FormEquilibrium, solve_reduced_form
from sim.solvers.extensive.spe_check import check_subgame_perfect
from sim.solvers.extensive.subgames import subgame_perfect, subgame_roots

__all__ = [
    "SequentialAnalysis",
    "SequentialEquilibrium",
    "solve_sequential",
]

#: Equilibria times tree nodes verified at most (keeps large trees fast).
WORK_BUDGET = 2_000_000


@dataclass(frozen=True, eq=False)
class SequentialEquilibrium:
    """One equilibrium of a sequential game, as behaviour strategies.

    Attributes
    ----------
    behaviour
        A probability vector per information set (indexed like ``game.infosets``).
    payoffs
        Expected payoff of each player.
    concept
        ``"subgame_perfect"``, ``"pure_nash"`` or ``"mixed_nash"``.
    method
        The algorithm that found it.
    regret
        Largest gain from a deviation, divided by the payoff range (from the
        independent check).
    subgame_perfect
        Whether the profile passed the subgame-perfection check.
    findings
        For a Nash equilibrium that is not subgame perfect: its non-credible
        threats and promises.
    """

    behaviour: tuple[FloatArray, ...]
    payoffs: FloatArray
    concept: str
    method: str
    regret: float
    subgame_perfect: bool
    findings: tuple[Finding, ...] = ()

    @property
    def is_pure(self) -> bool:
        """True when every information set has a move with probability 1."""
        return all(np.isclose(b.max(), 1.0, atol=1e-12) for b in self.behaviour)


@dataclass(frozen=True, eq=False)
class SequentialAnalysis:
    """Everything computed about one sequential game at one parameter point.

    Attributes
    ----------
    game, values
        The game tree and its numbers (``values.parameters`` holds the
        parameter values used).
    concepts, tol, limit
        Settings: concepts computed, tie/support tolerance (relative to the
        payoff range) and the cap on the number of equilibria listed.
    subgame_perfect, nash
        Verified subgame-perfect equilibria, and Nash equilibria of the
        reduced strategic form (pure first).
    methods
        Concept -> algorithm.
    complete
        True when every list is known to hold every equilibrium of its kind
        (pure SPE in perfect-information games; extreme equilibria for two
        players): ``spe_complete and nash_complete``.
    degenerate
        True when ties make equilibria form continua, of which only pure or
        extreme points are listed.
    perfect_information, n_subgames, reduced_shape
        Structure: one node per information set?; number of proper subgames
        (the whole game included); plans per player in the strategic form.
    notes
        Plain-language remarks.
    spe_complete, nash_complete
        Completeness of each list separately: the subgame-perfect equilibria,
        and the Nash equilibria of the strategic form.
    """

    game: ExtensiveGame
    values: PointValues
    concepts: tuple[str, ...]
    tol: float
    limit: int
    subgame_perfect: tuple[SequentialEquilibrium, ...]
    nash: tuple[SequentialEquilibrium, ...]
    methods: tuple[tuple[str, str], ...]
    complete: bool
    degenerate: bool
    perfect_information: bool
    n_subgames: int
    reduced_shape: tuple[int, ...] | None
    notes: tuple[str, ...] = ()
    spe_complete: bool = True
    nash_complete: bool = True

    @property
    def parameters(self) -> Mapping[str, float]:
        """Parameter values used."""
        return self.values.parameters

    @property
    def equilibria(self) -> tuple[SequentialEquilibrium, ...]:
        """Subgame-perfect equilibria, then the strategic-form ones."""
        return self.subgame_perfect + self.nash


def _concepts(scenario: Scenario, concepts: Sequence[str] | None) -> tuple[str, ...]:
    if concepts is None:
        return filter_concepts(scenario.solve.concepts, SEQUENTIAL, SEQUENTIAL)
    return check_concepts(concepts, SEQUENTIAL, "sequential games")


def solve_sequential(
    scenario: Scenario,
    overrides: Mapping[str, float] | None = None,
    *,
    concepts: Sequence[str] | None = None,
    tol: float = 1e-9,
    limit: int = 1000,
) -> SequentialAnalysis:
    """Find, verify and explain the equilibria of a sequential scenario at one point.

    Parameters
    ----------
    scenario
        A scenario with a ``sequence`` or a ``tree``.
    overrides
        Parameter values replacing the defaults (scalars).
    concepts
        Any of ``subgame_perfect``, ``pure_nash``, ``mixed_nash`` (default:
        the scenario's ``solve.concepts`` among these, else all three).
    tol
        Tolerance for ties and supports, relative to the payoff range.
    limit
        Most equilibria listed per concept (and per subgame).

    Raises
    ------
    RequestError
        For a simultaneous scenario or an unknown concept.
    SimError
        When the game or a strategic form is too large (ScenarioError for the tree).
    VerificationError
        If an equilibrium fails its independent check (an internal error).
    """
    if scenario.kind != "sequential":
        raise RequestError(f"'{scenario.name}' is a simultaneous game; use solve_game")
    chosen = _concepts(scenario, concepts)
    env = parameter_env(scenario.parameters, overrides)
    if any(np.ndim(v) for v in env.values()):
        raise RequestError("solve_sequential() solves one parameter point; pass scalar values")
    game = build_extensive(scenario)
    values = evaluate(game, env).point(0, env)
    state = _State(tol=tol, limit=limit)
    spes: tuple[SequentialEquilibrium, ...] = ()
    if SUBGAME_PERFECT in chosen:
        spes = _spe(game, values, state)
    nash: tuple[SequentialEquilibrium, ...] = ()
    shape = None
    if PURE_NASH in chosen or MIXED_NASH in chosen:
        nash, shape = _nash(game, values, chosen, state, must=SUBGAME_PERFECT not in chosen)
    n_subgames = int(subgame_roots(game).size)
    _structure_notes(scenario, game, n_subgames, state)
    return SequentialAnalysis(
        game,
        values,
        chosen,
        tol,
        limit,
        spes,
        nash,
        tuple(state.methods.items()),
        state.complete,
        state.degenerate,
        game.perfect_information,
        n_subgames,
        shape,
        tuple(dict.fromkeys(state.notes)),
        state.spe_complete,
        state.nash_complete,
    )


@dataclass
class _State:
    tol: float
    limit: int
    spe_complete: bool = True
    nash_complete: bool = True
    degenerate: bool = False

    @property
    def complete(self) -> bool:
        return self.spe_complete and self.nash_complete

    def __post_init__(self) -> None:
        self.methods: dict[str, str] = {}
        self.notes: list[str] = []

    @property
    def verify_tol(self) -> float:
        return max(2 * self.tol, 1e-9)


def _spe(
    game: ExtensiveGame, values: PointValues, state: _State
) -> tuple[SequentialEquilibrium, ...]:
    limit = min(state.limit, max(1, WORK_BUDGET // game.n_nodes))
    if limit < state.limit:
        state.notes.append(
            f"the tree is large ({game.n_nodes:,} nodes): at most {limit} subgame-perfect "
            "equilibria are listed and verified"
        )
    if game.perfect_information:
        found = all_pure_spe(game, values, state.tol, limit)
        profiles = [(game.pure_behaviour(e.choices), e.payoffs) for e in found.equilibria]
        state.spe_complete = state.spe_complete and found.complete
        if found.tie_infosets:
            state.degenerate = True
            keys = ", ".join(game.infosets[h].key for h in found.tie_infosets[:5])
            state.notes.append(
                f"ties at {keys}: several moves are equally good there, and mixing between "
                "tied moves gives further (mixed) subgame-perfect equilibria"
            )
        method = found.method
    else:
        sol = subgame_perfect(game, values, state.tol, limit)
        profiles = [(e.behaviour, e.payoffs) for e in sol.equilibria]
        state.spe_complete = state.spe_complete and sol.complete
        state.degenerate = state.degenerate or sol.degenerate
        state.notes.extend(sol.notes)
        method = f"{sol.method} ({', '.join(sol.methods)})" if sol.methods else sol.method
    if len(profiles) >= limit and not state.spe_complete:
        state.notes.append(f"only the first {limit} subgame-perfect equilibria are listed")
    state.methods[SUBGAME_PERFECT] = method
    out = []
    for behaviour, payoffs in profiles:
        regret = check_subgame_perfect(game, values, behaviour, state.verify_tol)
        _check_payoffs(game, values, behaviour, payoffs, state.verify_tol)
        out.append(
            SequentialEquilibrium(
                tuple(behaviour),
                np.asarray(payoffs, float),
                SUBGAME_PERFECT,
                method,
                regret,
                True,
            )
        )
    return tuple(out)


def _check_payoffs(
    game: ExtensiveGame,
    values: PointValues,
    behaviour: Sequence[FloatArray],
    payoffs: FloatArray,
    tol: float,
) -> None:
    expected = node_values(game, values, behaviour)[0]
    if np.any(np.abs(expected - payoffs) > tol * values.payoff_range):
        raise VerificationError(
            f"reported payoffs {np.asarray(payoffs).tolist()} differ from the profile's "
            f"expected payoffs {expected.tolist()}"
        )


def _nash(
    game: ExtensiveGame, values: PointValues, chosen: tuple[str, ...], state: _State, *, must: bool
) -> tuple[tuple[SequentialEquilibrium, ...], tuple[int, ...] | None]:
    try:
        rf = reduced_form(game, values)
    except SimError as exc:
        if must:
            raise
        state.notes.append(f"Nash equilibria of the strategic form are not computed: {exc}")
        state.nash_complete = False
        return (), None
    sol = solve_reduced_form(rf, state.tol, mixed=MIXED_NASH in chosen, limit=state.limit)
    method = f"reduced_strategic_form+{sol.method}"
    state.nash_complete = state.nash_complete and sol.complete
    state.degenerate = state.degenerate or sol.degenerate
    state.notes.extend(_nash_note(note) for note in sol.notes)
    kept = [eq for eq in sol.equilibria if nash_concept(eq.pure) in chosen]
    kept.sort(key=lambda eq: not eq.pure)
    profiles = _distinct(game, values, rf, kept, state)
    if len(profiles) > state.limit:
        state.notes.append(
            f"only the first {state.limit} of {len(profiles)} Nash equilibria of the strategic "
            "form are listed"
        )
        state.nash_complete = False
        profiles = profiles[: state.limit]
    for concept in NASH:
        if concept in chosen:
            state.methods[concept] = method
    shape = tuple(len(p) for p in rf.plans)
    entries = tuple(_nash_entry(game, values, eq, prof, method, state) for eq, prof in profiles)
    return entries, shape


def _nash_note(note: str) -> str:
    """Say which list a note of the strategic-form solver is about."""
    if note.startswith("only the first ") and note.endswith(" equilibria are listed"):
        return note.removesuffix(" equilibria are listed") + (
            " Nash equilibria of the strategic form are listed"
        )
    return note


#: Behaviour profiles closer than this (largest difference) are the same equilibrium.
SAME_PROFILE = 1e-9


def _distinct(
    game: ExtensiveGame,
    values: PointValues,
    rf: ReducedForm,
    eqs: Sequence[FormEquilibrium],
    state: _State,
) -> list[tuple[FormEquilibrium, tuple[FloatArray, ...]]]:
    """Each equilibrium with its behaviour profile, listing each profile once.

    Different mixed plans can induce the same behaviour strategies (Kuhn 1953),
    so extreme equilibria of the reduced strategic form may coincide as
    behaviour profiles; the first of each is kept, with a note.
    """
    out: list[tuple[FormEquilibrium, tuple[FloatArray, ...]]] = []
    flat: list[FloatArray] = []
    dropped = 0
    for eq in eqs:
        partial = behaviour_from_mixed(game, rf, eq.mixed)
        behaviour = complete(game, values, partial, tol=state.tol)
        profile = tuple(behaviour[h] for h in range(len(game.infosets)))
        vector = np.concatenate(profile) if profile else np.zeros(0)
        if flat and not eq.pure:
            gaps = np.abs(np.array(flat) - vector).max(axis=1) if vector.size else np.zeros(1)
            if np.any(gaps <= SAME_PROFILE):
                dropped += 1
                continue
        flat.append(vector)
        out.append((eq, profile))
    if dropped:
        one = dropped == 1
        state.notes.append(
            f"{dropped} further equilibri{'um' if one else 'a'} of the reduced strategic form "
            f"{'induces' if one else 'induce'} the same behaviour strategies as one listed and "
            f"{'is' if one else 'are'} not repeated"
        )
    return out


def _nash_entry(
    game: ExtensiveGame,
    values: PointValues,
    eq: FormEquilibrium,
    profile: tuple[FloatArray, ...],
    method: str,
    state: _State,
) -> SequentialEquilibrium:
    _check_payoffs(game, values, profile, eq.payoffs, state.verify_tol)
    findings: tuple[Finding, ...] = ()
    try:
        check_subgame_perfect(game, values, profile, state.verify_tol)
        perfect = True
    except VerificationError as exc:
        perfect = False
        findings = credibility_findings(game, values, profile, state.verify_tol)
        if not findings:
            state.notes.append(f"a Nash equilibrium is not subgame perfect: {exc}")
    concept = nash_concept(eq.pure)
    return SequentialEquilibrium(profile, eq.payoffs, concept, method, eq.regret, perfect, findings)


def _structure_notes(
    scenario: Scenario, game: ExtensiveGame, n_subgames: int, state: _State
) -> None:
    if game.perfect_information:
        state.notes.insert(
            0, "the game has perfect information: every decision node starts a subgame"
        )
    elif n_subgames == 1:
        state.notes.insert(
            0,
            "the game has no proper subgame besides itself, so every Nash equilibrium "
            "is subgame perfect",
        )
    if scenario.ordinal:
        state.notes.append(
            "payoffs are ordinal (ranks): expected payoffs over chance moves and mixed "
            "equilibria carry no cardinal meaning"
        )
