"""Reading the ``parameters`` section: values, ranges, distributions, dependencies."""

from __future__ import annotations

import keyword
import math

from sim.expr import FUNCTIONS
from sim.scenario.model import Distribution, Parameter
from sim.scenario.reader import NAME_RE, Reader, join_path
from sim.yamlio import Node

__all__ = ["read_parameters"]

PARAMETER_KEYS = ("value", "range", "distribution", "description")

#: Distribution kinds and their arguments.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "beta": ("a", "b"),
    "lognormal": ("mean", "sd"),
}


def read_parameters(reader: Reader, node: Node | None) -> tuple[Parameter, ...]:
    """Read every parameter and order them so that each comes after those it uses.

    A parameter may use any other parameter; a cycle of dependencies is an
    error that lists the cycle.
    """
    if node is None or node.value is None:
        return ()
    entries = reader.mapping(node, "parameters")
    if entries is None:
        return ()
    names = list(entries)
    params: dict[str, Parameter] = {}
    for name, child in entries.items():
        path = join_path("parameters", name)
        param = _read_parameter(reader, name, child, path, names, node)
        if param is not None:
            params[name] = param
    return _dependency_order(reader, params)


def _read_parameter(
    reader: Reader, name: str, node: Node, path: str, names: list[str], parent: Node
) -> Parameter | None:
    if not _check_name(reader, name, path, parent):
        return None
    others = names  # a parameter naming itself is reported as a cycle
    if node.kind != "map":
        formula = reader.formula(node, path, others)
        return Parameter(name, formula) if formula is not None else None
    fields = reader.mapping(node, path, allowed=PARAMETER_KEYS, required=("value",))
    if fields is None or "value" not in fields:
        return None
    formula = reader.formula(fields["value"], join_path(path, "value"), others)
    span = _read_range(reader, fields.get("range"), join_path(path, "range"))
    dist = _read_distribution(reader, fields.get("distribution"), join_path(path, "distribution"))
    desc = fields.get("description")
    text = reader.text(desc, join_path(path, "description"), allow_empty=True) if desc else ""
    if formula is None:
        return None
    return Parameter(name, formula, span, dist, text or "")


def _check_name(reader: Reader, name: str, path: str, parent: Node) -> bool:
    where = parent.key_location(name)
    if not NAME_RE.match(name):
        reader.error(where, path, f"parameter name '{name}' must match [A-Za-z_][A-Za-z0-9_]*")
        return False
    if keyword.iskeyword(name) or name in ("True", "False", "None"):
        reader.error(where, path, f"'{name}' is a reserved word and cannot name a parameter")
        return False
    if name in FUNCTIONS:
        reader.error(where, path, f"'{name}' is a function name and cannot name a parameter")
        return False
    return True


def _read_range(reader: Reader, node: Node | None, path: str) -> tuple[float, float] | None:
    if node is None:
        return None
    items = reader.sequence(node, path)
    if items is None:
        return None
    if len(items) != 2:
        reader.error(
            node, path, f"expected [low, high], found {len(items)} value{'s' * (len(items) != 1)}"
        )
        return None
    low = reader.number(items[0], join_path(path, 0))
    high = reader.number(items[1], join_path(path, 1))
    if low is None or high is None:
        return None
    if not low < high:
        reader.error(node, path, f"low ({low:g}) must be below high ({high:g})")
    elif not math.isfinite(high - low):
        reader.error(node, path, f"[{low:g}, {high:g}] is too wide (its width overflows)")
        return None
        return None
    return (low, high)


def _read_distribution(reader: Reader, node: Node | None, path: str) -> Distribution | None:
    if node is None:
        return None
    spec = reader.mapping(node, path, allowed=DISTRIBUTIONS)
    if spec is None:
        return None
    if len(spec) != 1:
        kinds = ", ".join(DISTRIBUTIONS)
        reader.error(node, path, f"give exactly one distribution, one of: {kinds}")
        return None
    kind, args_node = next(iter(spec.items()))
    if kind not in DISTRIBUTIONS:
        return None
    sub = join_path(path, kind)
    fields = reader.mapping(
        args_node, sub, allowed=DISTRIBUTIONS[kind], required=DISTRIBUTIONS[kind]
    )
    if fields is None or set(fields) != set(DISTRIBUTIONS[kind]):
        return None
    values = {k: reader.number(fields[k], join_path(sub, k)) for k in DISTRIBUTIONS[kind]}
    if any(v is None for v in values.values()):
        return None
    args = {k: float(v) for k, v in values.items() if v is not None}
    problem = _distribution_problem(kind, args)
    if problem:
        reader.error(args_node, sub, problem)
        return None
    return Distribution(kind, tuple(args.items()))  # type: ignore[arg-type]


def _distribution_problem(kind: str, a: dict[str, float]) -> str | None:
    if kind in ("normal", "lognormal") and not a["sd"] > 0:
        return "sd must be positive"
    if kind == "uniform" and not a["low"] < a["high"]:
        return "low must be below high"
    if kind in ("uniform", "triangular") and not math.isfinite(a["high"] - a["low"]):
        return "high - low is too large (it overflows)"
    if kind == "triangular" and not a["low"] <= a["mode"] <= a["high"]:
        return "need low <= mode <= high"
    if kind == "triangular" and not a["low"] < a["high"]:
        return "low must be below high"
    if kind == "beta" and not (a["a"] > 0 and a["b"] > 0):
        return "a and b must be positive"
    return None


def _dependency_order(reader: Reader, params: dict[str, Parameter]) -> tuple[Parameter, ...]:
    """Order parameters so that each follows the ones it uses; report cycles."""
    order: list[Parameter] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done
    for name in params:
        stack: list[tuple[str, list[str]]] = []
        _visit(reader, name, params, state, order, stack)
    return tuple(order)


def _visit(
    reader: Reader,
    start: str,
    params: dict[str, Parameter],
    state: dict[str, int],
    order: list[Parameter],
    stack: list[tuple[str, list[str]]],
) -> None:
    """Iterative depth-first search (no recursion limit for long chains)."""
    if state.get(start) or start not in params:
        return
    stack.append((start, sorted(params[start].formula.names)))
    state[start] = 1
    while stack:
        name, todo = stack[-1]
        if not todo:
            stack.pop()
            state[name] = 2
            order.append(params[name])
            continue
        dep = todo.pop()
        if dep not in params or state.get(dep) == 2:
            continue
        if state.get(dep) == 1:
            cycle = [n for n, _ in stack]
            cycle = [*cycle[cycle.index(dep) :], dep]
            formula = params[name].formula
            msg = f"parameters depend on each other in a cycle: {' -> '.join(cycle)}"
            if dep == name:
                msg = f"parameter '{name}' is defined in terms of itself"
            reader.error(formula.location, formula.path, msg)
            continue
        state[dep] = 1
        stack.append((dep, sorted(params[dep].formula.names)))
