"""The evaluation nodes of compiled expressions (see :mod:`sim.expr`).

Each node evaluates with float64 numpy semantics on scalars or on whole
arrays of parameter values, so one evaluation serves a batch, and knows the
parameter names below it and whether it is affine in a given name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["Binary", "Call", "Compare", "Const", "Fn", "IfElse", "Name", "Node", "Value"]

Value: TypeAlias = float | npt.NDArray[np.float64]
Fn = Callable[..., Any]


class Node:
    """A compiled expression node; ``names`` are the parameters used below it."""

    __slots__ = ("names",)

    def __init__(self, *children: Node) -> None:
        self.names: frozenset[str] = frozenset[str]().union(*[c.names for c in children])

    def ev(self, env: Mapping[str, Value]) -> Value:
        """Evaluate with float64 numpy semantics."""
        raise NotImplementedError

    def affine(self, name: str) -> bool:
        """Return True if the node is affine in ``name`` (conservative)."""
        return name not in self.names


class Const(Node):
    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def ev(self, env: Mapping[str, Value]) -> Value:
        return self.value


class Name(Node):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.names = frozenset({name})
        self.name = name

    def ev(self, env: Mapping[str, Value]) -> Value:
        return env[self.name]

    def affine(self, name: str) -> bool:
        return True


class Binary(Node):
    __slots__ = ("fn", "left", "op", "right")

    def __init__(self, op: str, fn: Fn, left: Node, right: Node) -> None:
        super().__init__(left, right)
        self.op, self.fn, self.left, self.right = op, fn, left, right

    def ev(self, env: Mapping[str, Value]) -> Value:
        return self.fn(self.left.ev(env), self.right.ev(env))  # type: ignore[no-any-return]

    def affine(self, name: str) -> bool:
        left, right = self.left, self.right
        if name not in self.names:
            return True
        if self.op in ("+", "-"):
            return left.affine(name) and right.affine(name)
        if self.op == "*" and name not in left.names:
            return right.affine(name)
        if self.op in ("*", "/"):
            return left.affine(name) and name not in right.names
        return False


class Compare(Node):
    __slots__ = ("fns", "operands")

    def __init__(self, fns: list[Fn], operands: list[Node]) -> None:
        super().__init__(*operands)
        self.fns, self.operands = fns, operands

    def ev(self, env: Mapping[str, Value]) -> Value:
        left = self.operands[0].ev(env)
        result: Any = True
        for fn, node in zip(self.fns, self.operands[1:], strict=True):
            right = node.ev(env)
            result = np.logical_and(result, fn(left, right))
            left = right
        return np.asarray(result, dtype=np.float64)


class IfElse(Node):
    __slots__ = ("body", "orelse", "test")

    def __init__(self, test: Node, body: Node, orelse: Node) -> None:
        super().__init__(test, body, orelse)
        self.test, self.body, self.orelse = test, body, orelse

    def ev(self, env: Mapping[str, Value]) -> Value:
        cond = np.not_equal(self.test.ev(env), 0.0)
        return np.where(cond, self.body.ev(env), self.orelse.ev(env))


class Call(Node):
    __slots__ = ("args", "fn", "reduce")

    def __init__(self, fn: Fn, args: list[Node], *, reduce: bool) -> None:
        super().__init__(*args)
        self.fn, self.reduce, self.args = fn, reduce, args

    def ev(self, env: Mapping[str, Value]) -> Value:
        result = self.fn(self.args[0].ev(env)) if not self.reduce else self.args[0].ev(env)
        for arg in self.args[1:]:
            result = self.fn(result, arg.ev(env))
        return result
