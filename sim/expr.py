"""Safe, bounded, vectorised arithmetic expressions for scenario files.

Scenario files are untrusted input, so expressions are never given to
:func:`eval`. :func:`compile_expr` parses the text with :func:`ast.parse`,
checks every node against a small whitelist and builds a tree of node objects
that evaluate with numpy, so one evaluation covers a whole batch of parameter
values.

Grammar: numbers, parameter names, ``+ - * / **``, unary ``+``/``-``,
parentheses, comparisons ``< <= > >= == !=`` (giving 1.0 or 0.0, chains mean
and-of-pairs), ``a if cond else b`` (``cond`` is true when nonzero) and the
functions ``min max abs sqrt exp log``. Evaluation is float64 numpy throughout:
a division by zero gives ``inf`` or ``nan`` and the caller checks finiteness.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.expr_nodes import Binary as _Binary
from sim.expr_nodes import Call as _Call
from sim.expr_nodes import Compare as _Compare
from sim.expr_nodes import Const as _Const
from sim.expr_nodes import Fn as _Fn
from sim.expr_nodes import IfElse as _IfElse
from sim.expr_nodes import Name as _Name
from sim.expr_nodes import Node as _Node
from sim.expr_nodes import Value
from sim.expr_parse import MAX_DEPTH, MAX_LENGTH, ExprError
from sim.expr_parse import parse as _parse
from sim.suggest import closest

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "Expr",
    "ExprError",
    "compile_expr",
]

#: Functions an expression may call.
FUNCTIONS: frozenset[str] = frozenset({"min", "max", "abs", "sqrt", "exp", "log"})
#: Most expression nodes in one parsed expression.
MAX_NODES = 200
#: Largest absolute value of a constant exponent.
MAX_EXPONENT = 64


_FUNCTION_LIST = "min, max, abs, sqrt, exp, log"
_BIN_OPS: dict[type[ast.operator], tuple[str, _Fn]] = {
    ast.Add: ("+", np.add),
    ast.Sub: ("-", np.subtract),
    ast.Mult: ("*", np.multiply),
    ast.Div: ("/", np.true_divide),
    ast.Pow: ("**", np.power),
}
_SYMBOLS = {"FloorDiv": "//", "Mod": "%", "MatMult": "@", "BitOr": "|", "BitXor": "^"}
_SYMBOLS.update(BitAnd="&", LShift="<<", RShift=">>", Is="is", IsNot="is not", In="in")
_SYMBOLS.update(NotIn="not in")
_CMP_OPS: dict[type[ast.cmpop], _Fn] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
_UNARY_FNS: dict[str, _Fn] = {"abs": np.abs, "sqrt": np.sqrt, "exp": np.exp, "log": np.log}
_REDUCE_FNS: dict[str, _Fn] = {"min": np.minimum, "max": np.maximum}
_REJECTED = dict.fromkeys(("ListComp", "SetComp", "DictComp", "GeneratorExp"), "comprehensions")
_REJECTED.update(Subscript="subscripts", Slice="slices", Lambda="lambda expressions")
_REJECTED.update(List="lists", Tuple="tuples", Set="sets", Dict="dicts", JoinedStr="f-strings")
_REJECTED.update(Starred="starred arguments", NamedExpr="assignment expressions (:=)")
_REJECTED.update(Await="'await' and 'yield'", Yield="'await' and 'yield'")
_REJECTED.update(YieldFrom="'await' and 'yield'")
_SAME_LEVEL = ((ast.Add, ast.Sub), (ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.MatMult))


# --------------------------------------------------------------------------- Expr


@dataclass(frozen=True)
class Expr:
    """A compiled expression.

    Attributes
    ----------
    source : str
        The original text (for a number, its ``repr``).
    names : frozenset of str
        The parameter names the expression uses.
    """

    source: str
    names: frozenset[str]
    _root: _Node = field(repr=False, compare=False)
    _cols: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def evaluate(self, env: Mapping[str, float | npt.NDArray[Any]]) -> Value:
        """Evaluate with numpy.

        Parameters
        ----------
        env : mapping
            Parameter values: numbers, or numeric arrays that all share one shape.

        Returns
        -------
        float or ndarray
            A float when no used parameter is an array, else a float64 array.
            Results may be ``inf`` or ``nan``; checking them is the caller's job.

        Raises
        ------
        ExprError
            If a used parameter has no value in ``env``.
        """
        local: dict[str, Value] = {}
        for name in self.names:
            if name not in env:
                raise ExprError(f"parameter '{name}' has no value", self._cols.get(name, 0))
            value = env[name]
            if isinstance(value, np.ndarray):
                local[name] = np.asarray(value, dtype=np.float64)
            else:
                local[name] = float(value)
        with np.errstate(all="ignore"):
            result = self._root.ev(local)
        if isinstance(result, np.ndarray) and result.ndim > 0:
            if any(result is v for v in local.values()):
                return result.copy()
            return result
        return float(result)

    @property
    def root(self) -> _Node:
        """The compiled node tree, for analyses of the expression's form (read only)."""
        return self._root

    @property
    def is_constant(self) -> bool:
        """True if the expression uses no parameter."""
        return isinstance(self._root, _Const)

    def constant_value(self) -> float:
        """Return the value of a constant expression.

        Raises
        ------
        ValueError
            If the expression is not constant.
        """
        root = self._root
        if isinstance(root, _Const):
            return root.value
        raise ValueError(f"expression {self.source!r} is not constant")

    def is_linear_in(self, name: str) -> bool:
        """Return True if the expression is affine in ``name``.

        Conservative: ``name`` may only appear under ``+ - * /`` and unary
        signs, multiplied or divided by subexpressions that do not use it.
        An expression that does not use ``name`` is (trivially) affine in it.
        """
        return self._root.affine(name)


# --------------------------------------------------------------------------- compiling


def compile_expr(source: str | float, allowed_names: Iterable[str]) -> Expr:
    """Compile an expression, or a number given directly.

    Parameters
    ----------
    source : str or int or float
        Expression text, or a YAML number.
    allowed_names : iterable of str
        The parameter names the expression may use.

    Returns
    -------
    Expr

    Raises
    ------
    ExprError
        For any invalid input; ``col`` is a 0-based column in ``source``.
    """
    if isinstance(source, bool) or not isinstance(source, (str, int, float)):
        raise ExprError(f"expected a number or an expression, got {type(source).__name__}")
    if not isinstance(source, str):
        return Expr(repr(source), frozenset(), _Const(_finite(source, source.__repr__, 0)))
    tree, lead = _parse(source)
    builder = _Builder(frozenset(allowed_names), source, lead)
    root = builder.build(tree)
    return Expr(source, root.names, root, builder.cols)


def _same_chain(parent: ast.BinOp, child: ast.expr) -> bool:
    """Return True if ``child`` continues a left chain like ``a + b - c`` at one precedence."""
    if not isinstance(child, ast.BinOp):
        return False
    return any(isinstance(parent.op, g) and isinstance(child.op, g) for g in _SAME_LEVEL)


def _finite(value: float, text: Callable[[], str], col: int) -> float:
    """Convert a number to a finite float; ``text()`` spells it for the message."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        spelled = text()
        spelled = spelled if len(spelled) <= 24 else spelled[:20] + "..."
        raise ExprError(f"number {spelled} is not finite", col)
    return number


def _fmt(value: float) -> str:
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _fold(node: _Node) -> _Node:
    """Replace a node that uses no parameter by its constant value."""
    if node.names or isinstance(node, _Const):
        return node
    with np.errstate(all="ignore"):
        return _Const(float(node.ev({})))


class _Builder:
    """Walk a whitelisted :mod:`ast` tree and build :class:`_Node` objects."""

    def __init__(self, allowed: frozenset[str], source: str, lead: int) -> None:
        self.allowed = allowed
        self.source = source
        self.lead = lead
        self.encoded = None if source.isascii() else source[lead:].encode("utf-8")
        self.cols: dict[str, int] = {}
        self.count = 0
        self.depth = 0
        self.rules: dict[type[ast.AST], Callable[[Any], _Node]] = {
            ast.Constant: self.constant,
            ast.Name: self.name,
            ast.UnaryOp: self.unary,
            ast.BinOp: self.binary,
            ast.Compare: self.compare,
            ast.IfExp: self.if_else,
            ast.Call: self.call,
        }

    def col(self, node: ast.AST | None, offset: int | None = None) -> int:
        """Return the 0-based character column of ``node`` (or a byte ``offset``)."""
        if offset is None:
            offset = getattr(node, "col_offset", 0) or 0
        if self.encoded is not None:
            offset = len(self.encoded[:offset].decode("utf-8", "ignore"))
        return min(self.lead + offset, len(self.source))

    def fail(self, message: str, node: ast.AST | None, offset: int | None = None) -> ExprError:
        return ExprError(message, self.col(node, offset))

    def build(self, node: ast.expr, nest: int = 1) -> _Node:
        """Build ``node``, ``nest`` levels deeper than its parent, with bounded size and depth."""
        self.count += 1
        self.depth += nest
        if self.count > MAX_NODES:
            raise self.fail(f"expression has more than {MAX_NODES} parts", None, 0)
        if self.depth > MAX_DEPTH:
            raise self.fail(f"expression is nested deeper than {MAX_DEPTH} levels", node)
        rule = self.rules.get(type(node))
        if rule is None:
            raise self.reject(node)
        result = _fold(rule(node))
        self.depth -= nest
        return result

    def reject(self, node: ast.AST) -> ExprError:
        if isinstance(node, ast.Attribute):
            end = node.end_col_offset or 0
            return self.fail("attribute access is not allowed", node, end - len(node.attr.encode()))
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            return self.fail(
                f"'{word}' is not allowed; combine 0/1 conditions with "
                "min(...), max(...) or '*' instead",
                node,
            )
        what = _REJECTED.get(type(node).__name__, f"expressions of type {type(node).__name__}")
        return self.fail(f"{what} are not allowed", node)

    def constant(self, node: ast.Constant) -> _Node:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(f"'{value!r}' is not allowed; use a number", node)
        if isinstance(value, complex):
            raise self.fail("complex numbers are not allowed", node)
        if isinstance(value, (str, bytes)):
            raise self.fail("strings are not allowed", node)
        if not isinstance(value, (int, float)):
            raise self.fail(f"constant {value!r} is not allowed", node)
        col = self.col(node)
        end = node.end_col_offset
        return _Const(_finite(value, lambda: self.source[col : self.col(node, end)], col))

    def name(self, node: ast.Name) -> _Node:
        name = node.id
        if name in self.allowed:
            self.cols.setdefault(name, self.col(node))
            return _Name(name)
        if name in FUNCTIONS:
            raise self.fail(f"function '{name}' must be called, e.g. {name}(...)", node)
        message = f"unknown name '{name}'"
        close = closest(name, sorted(self.allowed))
        if close:
            message += f" (did you mean '{close}'?)"
        raise self.fail(message, node)

    def unary(self, node: ast.UnaryOp) -> _Node:
        if isinstance(node.op, ast.Not):
            raise self.fail("'not' is not allowed; write 'x == 0' instead of 'not x'", node)
        if isinstance(node.op, ast.Invert):
            raise self.fail("operator '~' is not allowed", node)
        operand = self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        return _Binary("*", np.multiply, _Const(-1.0), operand)

    def binary(self, node: ast.BinOp) -> _Node:
        if type(node.op) not in _BIN_OPS:
            symbol = _SYMBOLS.get(type(node.op).__name__, type(node.op).__name__)
            hint = "; write '**' for a power (x ** 2)" if symbol == "^" else ""
            raise self.fail(f"operator '{symbol}' is not allowed{hint}", node)
        symbol, fn = _BIN_OPS[type(node.op)]
        left = self.build(node.left, 0 if _same_chain(node, node.left) else 1)
        right = self.build(node.right)
        if symbol == "**" and isinstance(right, _Const) and abs(right.value) > MAX_EXPONENT:
            size = "" if right.value > 0 else " in absolute value"
            message = f"exponent {_fmt(right.value)} is larger than {MAX_EXPONENT}{size}"
            raise self.fail(message, node.right)
        return _Binary(symbol, fn, left, right)

    def compare(self, node: ast.Compare) -> _Node:
        fns: list[_Fn] = []
        for op in node.ops:
            if type(op) not in _CMP_OPS:
                word = _SYMBOLS.get(type(op).__name__, type(op).__name__)
                raise self.fail(f"operator '{word}' is not allowed", node)
            fns.append(_CMP_OPS[type(op)])
        operands = [self.build(node.left)] + [self.build(c) for c in node.comparators]
        return _Compare(fns, operands)

    def if_else(self, node: ast.IfExp) -> _Node:
        body = self.build(node.body)
        test = self.build(node.test)
        return _IfElse(test, body, self.build(node.orelse))

    def call(self, node: ast.Call) -> _Node:
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            message = f"only the functions {_FUNCTION_LIST} may be called"
            if isinstance(func, ast.Name):
                close = closest(func.id, sorted(FUNCTIONS))
                hint = f"; did you mean '{close}'?" if close else ""
                message = f"'{func.id}' cannot be called: {message}{hint}"
            raise self.fail(message, func)
        if node.keywords:
            raise self.fail("keyword arguments are not allowed", node.keywords[0])
        name = func.id
        args = [self.build(a) for a in node.args]
        if name in _REDUCE_FNS:
            if len(args) < 2:
                raise self.fail(f"{name}() takes at least 2 arguments ({len(args)} given)", node)
            return _Call(_REDUCE_FNS[name], args, reduce=True)
        if len(args) != 1:
            raise self.fail(f"{name}() takes exactly 1 argument ({len(args)} given)", node)
        return _Call(_UNARY_FNS[name], args, reduce=False)
