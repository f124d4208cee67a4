"""The ``negotiation`` section of a scenario: who bargains, over what, from where.

Frozen dataclasses, free of YAML (the reader is
:mod:`sim.scenario.negotiation_reader`). Numbers are :class:`Formula` objects
so that they follow ``--set``, sweeps and Monte Carlo draws like every other
number in a scenario; :meth:`Negotiation.values` evaluates them at one
parameter point and checks the bounds the contract sets (``0 < power``,
``0 <= max``, ``0 < rate <= 1``, ``0 <= discount < 1``), with located errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sim.errors import Location, ScenarioError
from sim.scenario.model import Env, Formula, When

__all__ = [
    "DISAGREEMENT_KINDS",
    "Disagreement",
    "Negotiation",
    "NegotiationValues",
    "Transfer",
    "TransferValues",
    "check_values",
    "formulas",
]

DISAGREEMENT_KINDS = ("equilibrium", "security", "numbers", "outcome")


@dataclass(frozen=True)
class Disagreement:
    """What the parties get with no agreement.

    Attributes
    ----------
    kind
        ``"equilibrium"`` (the predicted equilibrium's expected payoffs),
        ``"security"`` (each party's security level), ``"numbers"`` (given
        payoffs, in ``numbers``) or ``"outcome"`` (the outcome ``when``
        names: the named moves are played and everyone else responds as the
        game predicts).
    """

    kind: Literal["equilibrium", "security", "numbers", "outcome"] = "equilibrium"
    numbers: tuple[tuple[str, Formula], ...] = ()
    when: When = field(default_factory=When)
    location: Location | None = None


@dataclass(frozen=True, eq=False)
class Transfer:
    """An allowed side payment: ``source`` pays t (0 <= t <= max), ``target`` gets rate*t."""

    source: str
    target: str
    max: Formula | None = None
    rate: Formula | None = None
    location: Location | None = None
    path: str = "negotiation.transfers"


@dataclass(frozen=True)
class TransferValues:
    """A transfer with its numbers evaluated (``max`` is ``inf`` when unbounded)."""

    source: str
    target: str
    max: float
    rate: float


@dataclass(frozen=True)
class NegotiationValues:
    """The numeric settings of a negotiation at one parameter point."""

    parties: tuple[str, ...]
    power: tuple[float, ...]
    transfers: tuple[TransferValues, ...]
    discount: tuple[float, ...] | None
    first: str
    lotteries: bool
    numbers: tuple[float, ...] | None


@dataclass(frozen=True, eq=False)
class Negotiation:
    """The checked ``negotiation`` section (every key optional).

    ``parties`` is empty when the file names none: every player bargains
    (:meth:`party_names` resolves it). ``power`` and ``discount`` map parties
    to formulas; parties not listed get power 1, and without ``discount``
    alternating offers is not defined.
    """

    parties: tuple[str, ...] = ()
    disagreement: Disagreement = field(default_factory=Disagreement)
    select: str = "payoff_dominant"
    lotteries: bool = True
    power: tuple[tuple[str, Formula], ...] = ()
    transfers: tuple[Transfer, ...] = ()
    discount: tuple[tuple[str, Formula], ...] = ()
    first: str | None = None
    location: Location | None = None

    def party_names(self, players: tuple[str, ...]) -> tuple[str, ...]:
        """The parties in player order (every player when none were named)."""
        if not self.parties:
            return players
        return tuple(p for p in players if p in self.parties)

    def values(self, players: tuple[str, ...], env: Env) -> NegotiationValues:
        """Evaluate every number at ``env`` (scalars) and check its bounds.

        Raises
        ------
        ScenarioError
            Located where the offending number was written.
        """
        parties = self.party_names(players)
        power_f = dict(self.power)
        power = tuple(
            _bounded(power_f[p], env, "power", lo=0.0) if p in power_f else 1.0 for p in parties
        )
        transfers = tuple(_transfer_values(t, env) for t in self.transfers)
        discount = None
        if self.discount:
            disc = dict(self.discount)
            discount = tuple(_discount(disc[p], env) for p in parties)
        numbers = None
        if self.disagreement.kind == "numbers":
            given = dict(self.disagreement.numbers)
            numbers = tuple(_scalar(given[p], env) for p in parties)
        first = self.first if self.first is not None else parties[0]
        return NegotiationValues(
            parties, power, transfers, discount, first, self.lotteries, numbers
        )


def _scalar(formula: Formula, env: Env) -> float:
    return float(formula.evaluate(env))  # type: ignore[arg-type]


def _bounded(formula: Formula, env: Env, what: str, *, lo: float) -> float:
    value = _scalar(formula, env)
    if value <= lo:
        raise ScenarioError.single(
            formula.location, formula.path, f"{what} must be greater than {lo:g}, found {value:g}"
        )
    return value


def _discount(formula: Formula, env: Env) -> float:
    value = _scalar(formula, env)
    if not 0.0 <= value < 1.0:
        raise ScenarioError.single(
            formula.location,
            formula.path,
            f"a discount factor must be at least 0 and below 1, found {value:g}",
        )
    return value


def _transfer_values(t: Transfer, env: Env) -> TransferValues:
    cap = float("inf")
    if t.max is not None:
        cap = _scalar(t.max, env)
        if cap < 0.0:
            raise ScenarioError.single(
                t.max.location, t.max.path, f"max must be zero or positive, found {cap:g}"
            )
    rate = 1.0
    if t.rate is not None:
        rate = _scalar(t.rate, env)
        if not 0.0 < rate <= 1.0:
            raise ScenarioError.single(
                t.rate.location,
                t.rate.path,
                f"rate must be above 0 and at most 1, found {rate:g}",
            )
    return TransferValues(t.source, t.target, cap, rate)


def formulas(negotiation: Negotiation) -> list[Formula]:
    """Every formula of the section (for checks at the default parameters)."""
    found = [f for _, f in negotiation.power] + [f for _, f in negotiation.discount]
    found += [f for _, f in negotiation.disagreement.numbers]
    for t in negotiation.transfers:
        found += [f for f in (t.max, t.rate) if f is not None]
    return found


def check_values(negotiation: Negotiation, env: Env) -> list[ScenarioError]:
    """Every out-of-bounds number of the section at ``env`` (each a located error)."""
    checks: list[tuple[Formula, str]] = [(f, "power") for _, f in negotiation.power]
    checks += [(f, "discount") for _, f in negotiation.discount]
    checks += [(f, "number") for _, f in negotiation.disagreement.numbers]
    problems: list[ScenarioError] = []
    for formula, what in checks:
        try:
            if what == "power":
                _bounded(formula, env, "power", lo=0.0)
            elif what == "discount":
                _discount(formula, env)
            else:
                _scalar(formula, env)
        except ScenarioError as exc:
            problems.append(exc)
    for t in negotiation.transfers:
        try:
            _transfer_values(t, env)
        except ScenarioError as exc:
            problems.append(exc)
    return problems
