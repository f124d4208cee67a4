"""Are a scenario's payoffs affine in some of its parameters? Decided from the expressions.

Every payoff (and chance probability) of a scenario is a compiled expression
tree (:mod:`sim.expr_nodes`). :func:`classify` walks a tree and says whether
the expression is constant, affine or neither in a set of *varied*
parameters; derived parameters (values that are expressions of others) are
classified first, in the order they are defined, so that a payoff using a
derived parameter inherits its form. The test is conservative: ``x * x``,
``min(x, 3)``, ``x ** 2``, comparisons and conditions on ``x`` are "not
affine" even where they happen to be affine on some range.

Examples
--------
>>> from sim.expr import compile_expr
>>> kinds = {"x": AFFINE, "y": CONST}
>>> classify(compile_expr("2 * x - y / 4 + 1", ["x", "y"]).root, kinds) == AFFINE
True
>>> classify(compile_expr("min(x, 3)", ["x"]).root, kinds) == OTHER
True
>>> classify(compile_expr("y ** 2", ["y"]).root, kinds) == CONST
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sim.expr_nodes import Binary, Call, Compare, Const, IfElse, Name, Node
from sim.scenario.model import Formula, Parameter, Scenario

__all__ = [
    "AFFINE",
    "CONST",
    "OTHER",
    "Affinity",
    "affinity",
    "classify",
    "parameter_kinds",
    "scenario_payoff_formulas",
]

#: The form of an expression in the varied parameters.
CONST, AFFINE, OTHER = 0, 1, 2


def classify(node: Node, kinds: Mapping[str, int]) -> int:
    """``CONST``, ``AFFINE`` or ``OTHER``: the form of ``node`` given the form of each name."""
    if isinstance(node, Const):
        return CONST
    if isinstance(node, Name):
        return kinds.get(node.name, CONST)
    if isinstance(node, Binary):
        return _binary(node, kinds)
    if isinstance(node, Compare):
        return CONST if all(classify(n, kinds) == CONST for n in node.operands) else OTHER
    if isinstance(node, IfElse):
        if classify(node.test, kinds) != CONST:
            return OTHER
        return max(classify(node.body, kinds), classify(node.orelse, kinds))
    if isinstance(node, Call):
        return CONST if all(classify(a, kinds) == CONST for a in node.args) else OTHER
    return OTHER


def _binary(node: Binary, kinds: Mapping[str, int]) -> int:
    left, right = classify(node.left, kinds), classify(node.right, kinds)
    if node.op in ("+", "-"):
        return max(left, right)
    if node.op == "*":
        return max(left, right) if min(left, right) == CONST else OTHER
    if node.op == "/":
        return left if right == CONST else OTHER
    if left == right == CONST:
        return CONST
    if isinstance(node.right, Const) and node.right.value == 1.0:
        return left
    return OTHER


def parameter_kinds(
    parameters: Sequence[Parameter], varied: Iterable[str], fixed: Iterable[str] = ()
) -> dict[str, int]:
    """The form of every parameter: varied ones are affine, set ones constant,
    derived ones as their expression (parameters are in definition order)."""
    varied, fixed = set(varied), set(fixed)
    kinds: dict[str, int] = {}
    for param in parameters:
        if param.name in varied:
            kinds[param.name] = AFFINE
        elif param.name in fixed:
            kinds[param.name] = CONST
        else:
            kinds[param.name] = classify(param.formula.expr.root, kinds)
    return kinds


@dataclass(frozen=True)
class Affinity:
    """Whether payoffs are affine (and chance constant) in the varied parameters.

    ``reason`` names the first expression that is not, with where it was written.
    """

    affine: bool
    reason: str = ""


def affinity(
    scenario: Scenario,
    varied: Sequence[str],
    payoffs: Iterable[Formula],
    chance: Iterable[Formula] = (),
    fixed: Iterable[str] = (),
) -> Affinity:
    """Decide whether every payoff formula is affine and every chance formula constant.

    Parameters
    ----------
    scenario
        The scenario (its parameters, for derived values).
    varied
        The parameters that move.
    payoffs, chance
        The payoff formulas and the chance-probability formulas of the game.
    fixed
        Parameters set on the command line (constant even if derived).
    """
    kinds = parameter_kinds(scenario.parameters, varied, fixed)
    for formula in payoffs:
        if classify(formula.expr.root, kinds) == OTHER:
            return Affinity(False, _why(formula, varied, "is not affine in"))
    for formula in chance:
        if classify(formula.expr.root, kinds) != CONST:
            return Affinity(False, _why(formula, varied, "is a chance probability that moves with"))
    return Affinity(True)


def _why(formula: Formula, varied: Sequence[str], what: str) -> str:
    where = f"{formula.location}: {formula.path}: " if formula.path else f"{formula.location}: "
    return f"{where}'{formula.expr.source}' {what} {', '.join(varied)}"


def scenario_payoff_formulas(scenario: Scenario) -> list[Formula]:
    """Every payoff formula of a simultaneous scenario (rules, outcome rows or matrix)."""
    found: list[Formula] = []
    for rule in scenario.payoff_rules or ():
        found.extend(f for _, f in rule.add)
    for row in scenario.outcomes or ():
        found.extend(f for _, f in row.payoffs)
    for cells in scenario.matrix or ():
        for cell in cells:
            found.extend(cell)
    return found
