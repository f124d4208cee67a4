"""The scenario domain model: frozen dataclasses, free of YAML and plotting.

A :class:`Scenario` is what a scenario file says, checked and typed. Every
number the user wrote is a :class:`Formula`: a compiled expression together
with the place in the file it came from, so that a value that turns out to be
NaN or infinite at some parameter point is reported where it was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from sim.errors import Diagnostic, Location, ScenarioError
from sim.expr import Expr, ExprError

if TYPE_CHECKING:
    from sim.scenario.negotiation import Negotiation

__all__ = [
    "AnalysisSettings",
    "Distribution",
    "Formula",
    "GridSpec",
    "Label",
    "MonteCarloSpec",
    "OutcomeRow",
    "Parameter",
    "PayoffRule",
    "Player",
    "Scenario",
    "SolveSettings",
    "Stage",
    "SweepSpec",
    "TreeNode",
    "When",
]

Value = float | np.ndarray
Env = Mapping[str, Value]


@dataclass(frozen=True, eq=False)
class Formula:
    """A compiled expression and where the user wrote it."""

    expr: Expr
    location: Location
    path: str

    @property
    def names(self) -> frozenset[str]:
        """Parameter names the formula uses."""
        return self.expr.names

    def evaluate(self, env: Env) -> Value:
        """Evaluate on scalars or on a batch; NaN or infinite results are errors.

        Raises
        ------
        ScenarioError
            Located at the formula, naming the first offending parameter point.
        """
        try:
            value = self.expr.evaluate(env)
        except ExprError as exc:
            raise ScenarioError.single(self.location, self.path, exc.message) from None
        arr = np.asarray(value, dtype=float)
        if not np.all(np.isfinite(arr)):
            raise ScenarioError.single(self.location, self.path, _nonfinite_message(self, arr, env))
        return value

    def __str__(self) -> str:
        return self.expr.source


def _nonfinite_message(formula: Formula, arr: np.ndarray, env: Env) -> str:
    bad = np.flatnonzero(~np.isfinite(arr.ravel()))
    first = int(bad[0]) if bad.size else 0
    point = {
        name: float(np.ravel(env[name])[first] if np.ndim(env[name]) else env[name])
        for name in sorted(formula.names)
        if name in env
    }
    where = ", ".join(f"{k}={v:g}" for k, v in point.items())
    kind = "NaN" if np.isnan(arr.ravel()[first]) else "infinite"
    text = f"'{formula.expr.source}' is {kind}"
    return f"{text} at {where}" if where else text


@dataclass(frozen=True)
class Distribution:
    """A parameter's distribution for Monte Carlo draws."""

    kind: Literal["uniform", "normal", "triangular", "beta", "lognormal"]
    params: tuple[tuple[str, float], ...]

    def get(self, key: str) -> float:
        """Return one of the distribution's parameters by name."""
        return dict(self.params)[key]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values with the given generator."""
        p = dict(self.params)
        if self.kind == "uniform":
            return rng.uniform(p["low"], p["high"], size)
        if self.kind == "normal":
            return rng.normal(p["mean"], p["sd"], size)
        if self.kind == "triangular":
            if p["high"] - p["low"] <= 0.0:
                return np.full(size, p["low"])
            return rng.triangular(p["low"], p["mode"], p["high"], size)
        if self.kind == "beta":
            return rng.beta(p["a"], p["b"], size)
        return rng.lognormal(p["mean"], p["sd"], size)

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v:g}" for k, v in self.params)
        return f"{self.kind}({args})"


@dataclass(frozen=True, eq=False)
class Parameter:
    """A named number a policy team argues about."""

    name: str
    formula: Formula
    range: tuple[float, float] | None = None
    distribution: Distribution | None = None
    description: str = ""

    @property
    def derived(self) -> bool:
        """True when the value is an expression of earlier parameters."""
        return not self.formula.expr.is_constant


@dataclass(frozen=True)
class Player:
    """A player and, in a simultaneous game, its moves."""

    name: str
    moves: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class When:
    """A condition: for each key (player or stage id), the moves that satisfy it."""

    items: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def as_dict(self) -> dict[str, tuple[str, ...]]:
        """The condition as a dict ``key -> allowed moves``."""
        return dict(self.items)

    def holds(self, history: Mapping[str, str]) -> bool:
        """True when every condition holds; a key absent from ``history`` is false."""
        return all(history.get(key) in moves for key, moves in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __str__(self) -> str:
        parts = [f"{k}={'|'.join(v)}" for k, v in self.items]
        return ", ".join(parts) if parts else "always"


@dataclass(frozen=True, eq=False)
class PayoffRule:
    """An additive payoff rule: when ``when`` holds, add ``add`` to payoffs."""

    when: When
    add: tuple[tuple[str, Formula], ...]
    label: str | None = None
    location: Location | None = None


@dataclass(frozen=True, eq=False)
class OutcomeRow:
    """One row of a full outcome table."""

    moves: tuple[tuple[str, str], ...]
    payoffs: tuple[tuple[str, Formula], ...]
    label: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Label:
    """A name for the outcomes where ``when`` holds (first match wins)."""

    when: When
    name: str


@dataclass(frozen=True, eq=False)
class Stage:
    """One stage of a sequential game: a player's move or a chance move."""

    id: str
    player: str | None
    moves: tuple[str, ...]
    chance: tuple[tuple[str, Formula], ...] | None = None
    when: When = field(default_factory=When)
    observes: tuple[str, ...] = ()
    location: Location | None = None

    @property
    def is_chance(self) -> bool:
        """True for a stage where nature moves."""
        return self.chance is not None


@dataclass(frozen=True, eq=False)
class TreeNode:
    """A node of an explicit game tree: decision, chance or leaf."""

    player: str | None = None
    chance: tuple[tuple[str, Formula], ...] | None = None
    children: tuple[tuple[str, TreeNode], ...] = ()
    infoset: str | None = None
    payoffs: tuple[tuple[str, Formula], ...] | None = None
    label: str | None = None
    location: Location | None = None
    path: str = "tree"

    @property
    def is_leaf(self) -> bool:
        """True for a node that carries payoffs."""
        return self.payoffs is not None

    @property
    def moves(self) -> tuple[str, ...]:
        """Names of the moves (or chance outcomes) leaving this node."""
        return tuple(name for name, _ in self.children)


@dataclass(frozen=True)
class SolveSettings:
    """Default solution concepts and their settings."""

    concepts: tuple[str, ...] = ()
    qre_lambda: tuple[float, ...] = ()
    extra: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class SweepSpec:
    """A one-parameter sweep: ``steps`` evenly spaced values from ``start`` to ``stop``."""

    parameter: str
    start: float
    stop: float
    steps: int = 101

    def values(self) -> np.ndarray:
        """The swept values."""
        return np.linspace(self.start, self.stop, self.steps)


@dataclass(frozen=True)
class GridSpec:
    """A two-parameter grid."""

    x: SweepSpec
    y: SweepSpec


@dataclass(frozen=True)
class MonteCarloSpec:
    """Monte Carlo defaults."""

    samples: int = 10_000
    seed: int | None = None


@dataclass(frozen=True)
class AnalysisSettings:
    """Default sweeps, grids and Monte Carlo settings."""

    sweeps: tuple[SweepSpec, ...] = ()
    grids: tuple[GridSpec, ...] = ()
    monte_carlo: MonteCarloSpec | None = None


@dataclass(frozen=True, eq=False)
class Scenario:
    """A checked scenario: players, parameters and how moves become payoffs.

    Exactly one payoff form is set for a simultaneous game (``payoff_rules``,
    ``outcomes`` or ``matrix``); a sequential game has ``sequence`` (with
    rules or outcomes) or ``tree``.
    """

    name: str
    players: tuple[Player, ...]
    parameters: tuple[Parameter, ...] = ()
    description: str = ""
    source: str = ""
    path: str = "<string>"
    payoff_rules: tuple[PayoffRule, ...] | None = None
    outcomes: tuple[OutcomeRow, ...] | None = None
    matrix: tuple[tuple[tuple[Formula, ...], ...], ...] | None = None
    zero_sum: bool = False
    payoff_scale: Literal["cardinal", "ordinal"] = "cardinal"
    sequence: tuple[Stage, ...] | None = None
    tree: TreeNode | None = None
    labels: tuple[Label, ...] = ()
    solve: SolveSettings = field(default_factory=SolveSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    negotiation: Negotiation | None = None
    key_locations: tuple[tuple[str, Location], ...] = ()
    #: Problems that do not stop the scenario loading (e.g. a value outside its range).
    warnings: tuple[Diagnostic, ...] = ()

    def location(self, key: str) -> Location:
        """Where a top-level key was written (the file's start if unknown)."""
        return dict(self.key_locations).get(key, Location(self.path))

    @property
    def kind(self) -> Literal["simultaneous", "sequential"]:
        """``"sequential"`` for stage or tree games, else ``"simultaneous"``."""
        return (
            "sequential" if self.sequence is not None or self.tree is not None else "simultaneous"
        )

    @property
    def player_names(self) -> tuple[str, ...]:
        """Player names in order."""
        return tuple(p.name for p in self.players)

    @property
    def ordinal(self) -> bool:
        """True when payoffs are ranks, not cardinal utilities."""
        return self.payoff_scale == "ordinal"

    def parameter(self, name: str) -> Parameter:
        """Look a parameter up by name."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)

    def label_for(self, history: Mapping[str, str]) -> str | None:
        """The name of the first label whose condition holds, or an outcome row's label."""
        for label in self.labels:
            if label.when.holds(history):
                return label.name
        return None
