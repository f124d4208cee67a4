"""Tests for :mod:`sim.expr`: known answers, vectorisation and every rejection."""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.expr import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    Expr,
    ExprError,
    compile_expr,
)

NAMES = ("x", "y", "shield_threat", "ties", "sanction_cost", "sanctions_bite")


def value(source: str, **env: float) -> float:
    result = compile_expr(source, NAMES).evaluate(env)
    assert isinstance(result, float)
    return result


def test_constants() -> None:
    assert sorted(FUNCTIONS) == ["abs", "exp", "log", "max", "min", "sqrt"]
    assert (MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_EXPONENT) == (400, 200, 32, 64)


@pytest.mark.parametrize(
    ("source", "env", "expected"),
    [
        pytest.param("1 + 2 * 3", {}, 7.0, id="mul-before-add"),
        pytest.param("(1 + 2) * 3", {}, 9.0, id="parentheses"),
        pytest.param("7 - 2 - 1", {}, 4.0, id="sub-left-assoc"),
        pytest.param("8 / 4 / 2", {}, 1.0, id="div-left-assoc"),
        pytest.param("10 / 4", {}, 2.5, id="true-division"),
        pytest.param("2 ** 3 ** 2", {}, 512.0, id="pow-right-assoc"),
        pytest.param("-2**2", {}, -4.0, id="unary-minus-binds-looser-than-pow"),
        pytest.param("(-2)**2", {}, 4.0, id="negative-base"),
        pytest.param("2 ** -1", {}, 0.5, id="negative-exponent"),
        pytest.param("--x", {"x": 3.0}, 3.0, id="double-minus"),
        pytest.param("+x", {"x": 3.0}, 3.0, id="unary-plus"),
        pytest.param("x ** y", {"x": 2.0, "y": 10.0}, 1024.0, id="variable-exponent"),
        pytest.param("1.5e3 + .5", {}, 1500.5, id="float-literals"),
        pytest.param("12345678901234567890", {}, 1.2345678901234567e19, id="big-int"),
        pytest.param("1 < 2", {}, 1.0, id="lt-true"),
        pytest.param("2 < 1", {}, 0.0, id="lt-false"),
        pytest.param("1 <= 1", {}, 1.0, id="le"),
        pytest.param("1 > 1", {}, 0.0, id="gt"),
        pytest.param("1 >= 1", {}, 1.0, id="ge"),
        pytest.param("x == 2", {"x": 2.0}, 1.0, id="eq"),
        pytest.param("x != 2", {"x": 2.0}, 0.0, id="ne"),
        pytest.param("0 < x < 1", {"x": 0.5}, 1.0, id="chain-inside"),
        pytest.param("0 < x < 1", {"x": 1.5}, 0.0, id="chain-outside"),
        pytest.param("3 > 2 > 2", {}, 0.0, id="chain-is-and-of-pairs"),
        pytest.param("(1 < 2) + (3 < 4)", {}, 2.0, id="comparisons-are-numbers"),
        pytest.param("1 + 1 < 3", {}, 1.0, id="comparison-binds-looser"),
        pytest.param(
            "sanction_cost if sanctions_bite > 0.5 else 0",
            {"sanction_cost": 4.0, "sanctions_bite": 0.7},
            4.0,
            id="if-true",
        ),
        pytest.param(
            "sanction_cost if sanctions_bite > 0.5 else 0",
            {"sanction_cost": 4.0, "sanctions_bite": 0.2},
            0.0,
            id="if-false",
        ),
        pytest.param("1 if x else 2", {"x": -0.1}, 1.0, id="nonzero-is-true"),
        pytest.param("1 if x else 2", {"x": 0.0}, 2.0, id="zero-is-false"),
        pytest.param("1 if x else 2 if y else 3", {"x": 0.0, "y": 1.0}, 2.0, id="nested-if"),
        pytest.param(
            "-shield_threat * 2 + min(ties, 3)",
            {"shield_threat": 1.5, "ties": 5.0},
            0.0,
            id="spec-example",
        ),
        pytest.param("min(3, 1, 2)", {}, 1.0, id="min-3-args"),
        pytest.param("max(3, x)", {"x": 7.0}, 7.0, id="max"),
        pytest.param("abs(-3)", {}, 3.0, id="abs"),
        pytest.param("sqrt(16)", {}, 4.0, id="sqrt"),
        pytest.param("exp(0)", {}, 1.0, id="exp"),
        pytest.param("log(exp(2))", {}, 2.0, id="log"),
        pytest.param("  x + 1", {"x": 1.0}, 2.0, id="leading-spaces"),
        pytest.param("x +\n  1", {"x": 1.0}, 2.0, id="multi-line"),
        pytest.param("(((((x)))))", {"x": 1.0}, 1.0, id="redundant-parentheses"),
    ],
)
def test_known_answers(source: str, env: dict[str, float], expected: float) -> None:
    assert value(source, **env) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("source", "check"),
    [
        pytest.param("1 / 0", math.isinf, id="div-zero-inf"),
        pytest.param("0 / 0", math.isnan, id="div-zero-nan"),
        pytest.param("log(-1)", math.isnan, id="log-negative"),
        pytest.param("sqrt(-1)", math.isnan, id="sqrt-negative"),
        pytest.param("exp(1000)", math.isinf, id="exp-overflow"),
        pytest.param("x ** y", math.isinf, id="pow-overflow"),
        pytest.param("(-8) ** (1 / 3)", math.isnan, id="negative-base-fraction"),
        pytest.param("(2 ** 64) ** 64", math.isinf, id="folded-overflow"),
    ],
)
def test_non_finite_results_are_returned_silently(source: str, check: object) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = value(source, x=10.0, y=1000.0)
    assert callable(check)
    assert check(result)


VECTOR_CASES = [
    pytest.param("-shield_threat * 2 + min(ties, 3)", id="spec-example"),
    pytest.param("sanction_cost if sanctions_bite > 0.5 else 0", id="if-else"),
    pytest.param("x / y", id="division-with-zeros"),
    pytest.param("0 < x < 1", id="chained"),
    pytest.param("x ** y + abs(x) ** 0.5", id="powers"),
    pytest.param("max(x, y, 0.25) - min(x, 1) + log(y) + sqrt(x) + exp(-x)", id="functions"),
    pytest.param("x if y else -x", id="if-on-raw-value"),
    pytest.param("3 * 2", id="constant"),
]


@pytest.mark.parametrize("source", VECTOR_CASES)
def test_vector_matches_scalar_loop(source: str) -> None:
    rng = np.random.default_rng(0)
    size = 10_000
    env = {name: rng.normal(size=size) for name in NAMES}
    env["y"][::7] = 0.0
    expr = compile_expr(source, NAMES)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.broadcast_to(expr.evaluate(env), (size,))
        expected = [
            expr.evaluate({name: float(arr[i]) for name, arr in env.items()}) for i in range(size)
        ]
    np.testing.assert_allclose(got, np.array(expected), rtol=1e-12, equal_nan=True)


def test_vector_result_types() -> None:
    x = np.linspace(0.0, 1.0, 5)
    result = compile_expr("x", NAMES).evaluate({"x": x})
    assert isinstance(result, np.ndarray)
    assert result.dtype == np.float64
    assert result is not x
    result[0] = 99.0
    assert x[0] == 0.0
    mixed = compile_expr("x * y", NAMES).evaluate({"x": x, "y": 2})
    assert isinstance(mixed, np.ndarray)
    np.testing.assert_allclose(mixed, 2 * x)
    ints = compile_expr("x / 2", NAMES).evaluate({"x": np.arange(3)})
    np.testing.assert_allclose(ints, [0.0, 0.5, 1.0])
    assert isinstance(compile_expr("x", NAMES).evaluate({"x": np.float64(2.0)}), float)
    assert isinstance(compile_expr("2", NAMES).evaluate({"x": x}), float)


def test_missing_parameter() -> None:
    expr = compile_expr("1 + ties", NAMES)
    with pytest.raises(ExprError, match="parameter 'ties' has no value") as info:
        expr.evaluate({"x": 1.0})
    assert info.value.col == 4


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(3, 3.0, id="int"),
        pytest.param(-2.5, -2.5, id="float"),
        pytest.param("2 * 3", 6.0, id="folded-expression"),
        pytest.param("min(1, 2) if 1 < 2 else 5", 1.0, id="folded-if"),
    ],
)
def test_constant_expressions(source: str | float, expected: float) -> None:
    expr = compile_expr(source, NAMES)
    assert expr.is_constant
    assert expr.names == frozenset()
    assert expr.constant_value() == pytest.approx(expected)
    assert expr.evaluate({}) == pytest.approx(expected)


def test_number_source_text() -> None:
    assert compile_expr(3, []).source == "3"
    assert compile_expr(0.5, []).source == "0.5"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(True, id="bool"),
        pytest.param(None, id="none"),
        pytest.param(float("inf"), id="inf"),
        pytest.param(float("nan"), id="nan"),
        pytest.param(10**400, id="huge-int"),
        pytest.param([1], id="list"),
    ],
)
def test_bad_direct_values(source: object) -> None:
    with pytest.raises(ExprError):
        compile_expr(source, NAMES)  # type: ignore[arg-type]


def test_names_and_non_constant() -> None:
    expr = compile_expr("x + min(y, x) if 1 else ties", NAMES)
    assert expr.names == frozenset({"x", "y", "ties"})
    assert not expr.is_constant
    with pytest.raises(ValueError, match="not constant"):
        expr.constant_value()
    assert isinstance(expr, Expr)
    assert expr.source == "x + min(y, x) if 1 else ties"


@pytest.mark.parametrize(
    ("source", "linear"),
    [
        pytest.param("x", True, id="name"),
        pytest.param("3 * x - y / 2 + 1", True, id="affine"),
        pytest.param("-(x + y) * (y + 2)", True, id="times-other"),
        pytest.param("x / (y + 1)", True, id="divided-by-other"),
        pytest.param("y ** 2 + sqrt(y)", True, id="not-using-x"),
        pytest.param("x * x", False, id="square"),
        pytest.param("x ** 1", False, id="power"),
        pytest.param("1 / x", False, id="reciprocal"),
        pytest.param("min(x, 1)", False, id="function"),
        pytest.param("x > 1", False, id="comparison"),
        pytest.param("x if y else 0", False, id="if-branch"),
        pytest.param("x * y", True, id="product-with-other-name"),
    ],
)
def test_is_linear_in(source: str, linear: bool) -> None:
    assert compile_expr(source, NAMES).is_linear_in("x") is linear


REJECTIONS = [
    pytest.param("__import__('os')", 0, "only the functions min, max", id="import"),
    pytest.param("().__class__.__bases__", 13, "attribute access", id="dunder-chain"),
    pytest.param("x.real", 2, "attribute access", id="attribute"),
    pytest.param("x[0]", 0, "subscripts", id="subscript"),
    pytest.param("lambda: 1", 0, "lambda", id="lambda"),
    pytest.param("[i for i in y]", 0, "comprehensions", id="comprehension"),
    pytest.param("(1, 2)", 0, "tuples", id="tuple"),
    pytest.param("[1]", 0, "lists", id="list"),
    pytest.param("{1: 2}", 0, "dicts", id="dict"),
    pytest.param("9**9**9", 3, "exponent 387420489 is larger than 64", id="tower"),
    pytest.param("2**65", 3, "exponent 65 is larger than 64", id="big-exponent"),
    pytest.param("x**100", 3, "exponent 100 is larger than 64", id="big-exponent-name"),
    pytest.param("x ** -(2 * 50)", 5, "exponent -100", id="folded-negative-exponent"),
    pytest.param("1+" * 200 + "1", 400, "401 characters", id="too-long"),
    pytest.param("(" * 1000 + "1" + ")" * 1000, 400, "characters", id="deep-long"),
    pytest.param("(" * 33 + "1" + ")" * 33, 32, "brackets are nested", id="deep-brackets"),
    pytest.param("-" * 40 + "x", 32, "nested deeper than 32", id="deep-unary"),
    pytest.param("x+" * 100 + "x", 0, "more than 200", id="too-many-nodes"),
    pytest.param("min(x=1)", 4, "keyword arguments", id="keyword"),
    pytest.param("min(*x)", 4, "starred", id="starred"),
    pytest.param("min(x)", 0, "at least 2 arguments", id="min-arity"),
    pytest.param("abs(x, y)", 0, "exactly 1 argument", id="abs-arity"),
    pytest.param("print(1)", 0, "'print' cannot be called", id="print"),
    pytest.param("sqr(x)", 0, "did you mean 'sqrt'", id="function-typo"),
    pytest.param("x(1)", 0, "only the functions", id="call-parameter"),
    pytest.param("min", 0, "must be called", id="bare-function"),
    pytest.param("'a'", 0, "strings", id="string"),
    pytest.param("b'a'", 0, "strings", id="bytes"),
    pytest.param("True", 0, "'True' is not allowed", id="true"),
    pytest.param("None", 0, "'None' is not allowed", id="none"),
    pytest.param("...", 0, "not allowed", id="ellipsis"),
    pytest.param("1j", 0, "complex", id="complex"),
    pytest.param("1e400", 0, "not finite", id="float-overflow"),
    pytest.param("2 * " + "9" * 390, 4, "not finite", id="int-overflow"),
    pytest.param("shiled_threat + 1", 0, "did you mean 'shield_threat'", id="typo"),
    pytest.param("1 + zzz", 4, "unknown name 'zzz'", id="unknown"),
    pytest.param("x and y", 0, "'and' is not allowed", id="and"),
    pytest.param("x or y", 0, "'or' is not allowed", id="or"),
    pytest.param("1 + not x", 4, "syntax error", id="not-syntax"),
    pytest.param("not x", 0, "'not' is not allowed", id="not"),
    pytest.param("~x", 0, "'~'", id="invert"),
    pytest.param("x // 2", 0, "'//'", id="floordiv"),
    pytest.param("x % 2", 0, "'%'", id="mod"),
    pytest.param("x in y", 0, "'in'", id="in"),
    pytest.param("x is y", 0, "'is'", id="is"),
    pytest.param("", 0, "empty", id="empty"),
    pytest.param("   ", 0, "empty", id="blank"),
    pytest.param("1 +", 3, "syntax error", id="incomplete"),
    pytest.param("x y", 2, "syntax error", id="juxtaposition"),
    pytest.param("(x := 1)", 1, "assignment expressions", id="walrus"),
    pytest.param("f'{x}'", 0, "f-strings", id="f-string"),
    pytest.param("x # note", 2, "comments", id="comment"),
    pytest.param("x\x00", 1, "null", id="null-byte"),
    pytest.param("é + é**99", 7, "exponent 99", id="non-ascii-col"),
]


@pytest.mark.parametrize(("source", "col", "fragment"), REJECTIONS)
def test_rejections(source: str, col: int, fragment: str) -> None:
    names = (*NAMES, "é")
    with pytest.raises(ExprError) as info:
        compile_expr(source, names)
    assert fragment in info.value.message
    assert info.value.col == col
    assert str(info.value) == f"col {col}: {info.value.message}"


def test_limits_are_inclusive() -> None:
    compile_expr("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH, NAMES)
    compile_expr("-" * (MAX_DEPTH - 1) + "x", NAMES)
    compile_expr("x+" * 99 + "x", NAMES)
    compile_expr("x ** 64 + x ** -64", NAMES)
    compile_expr("1" + " " * (MAX_LENGTH - 1), NAMES)


def test_long_sum_is_not_deep() -> None:
    assert value(" + ".join(["x"] * 80), x=1.0) == pytest.approx(80.0)


def test_deep_input_is_rejected_fast() -> None:
    start = time.perf_counter()
    for source in ["(" * 1000 + "1" + ")" * 1000, "(" * 399, "-" * 399 + "1", "[" * 399]:
        with pytest.raises(ExprError):
            compile_expr(source, NAMES)
    assert time.perf_counter() - start < 0.5


def test_exprerror_defaults() -> None:
    err = ExprError("boom")
    assert (err.message, err.col) == ("boom", 0)


def try_compile(source: str) -> Expr | ExprError:
    try:
        return compile_expr(source, NAMES)
    except ExprError as err:
        return err


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_random_text_only_raises_expr_error(source: str) -> None:
    result = try_compile(source)
    if isinstance(result, ExprError):
        assert 0 <= result.col <= len(source)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789xy+-*/()<>=!., ifelsmaxbqrtgpn_", max_size=60))
def test_random_operator_soup_only_raises_expr_error(source: str) -> None:
    result = try_compile(source)
    if isinstance(result, ExprError):
        assert 0 <= result.col <= len(source)


def _binary(parts: tuple[str, str, str]) -> str:
    return f"({parts[0]} {parts[1]} {parts[2]})"


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    operators = st.sampled_from(["+", "-", "*", "/", "**", "<", "<=", ">", "==", "!="])
    return st.one_of(
        st.tuples(children, operators, children).map(_binary),
        children.map(lambda a: f"-{a}"),
        st.tuples(st.sampled_from(["abs", "sqrt", "exp", "log"]), children).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(st.sampled_from(["min", "max"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})"),
    )


EXPRESSIONS = st.recursive(
    st.sampled_from(["x", "y", "0", "1", "2.5", "64", "0.5", "-3"]), _extend, max_leaves=12
)


@settings(max_examples=300, deadline=None)
@given(EXPRESSIONS)
def test_random_expressions_vector_equals_scalar(source: str) -> None:
    expr = try_compile(source)
    if isinstance(expr, ExprError):
        assert "exponent" in expr.message or "nested" in expr.message
        return
    x = np.array([-1.5, 0.0, 0.5, 2.0, 3.0])
    y = np.array([2.0, 0.0, -1.0, 0.5, 64.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.broadcast_to(expr.evaluate({"x": x, "y": y}), x.shape)
        expected = [
            expr.evaluate({"x": float(a), "y": float(b)}) for a, b in zip(x, y, strict=True)
        ]
    np.testing.assert_allclose(got, np.array(expected), rtol=1e-12, equal_nan=True)
