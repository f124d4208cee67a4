"""Adversarial files run under a memory cap and a time limit (issue 10).

Every case runs ``python -m sim ...`` in a subprocess whose address space is
capped with ``resource.setrlimit(RLIMIT_AS)`` (2 GiB) and whose wall time is
bounded, and checks the exit status, a message, and that nothing printed is
a Python traceback or an "internal error". The cases run two at a time (the
machine has two cores); all of them take about 20 s together.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

resource = pytest.importorskip("resource")

ROOT = Path(__file__).resolve().parent.parent
ADV = Path(__file__).resolve().parent / "adversarial"
#: Address-space cap of every run (bytes).
MEMORY_CAP = 2 * 1024**3
#: Characters that must never reach a terminal from a file.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Case:
    """One run: arguments, expected exit status, a pattern its output must contain, seconds."""

    name: str
    args: tuple[str, ...]
    status: int
    expect: str
    seconds: float = 30.0


def _f(name: str) -> str:
    return str(ADV / name)


LONG_OUTPUT = "/tmp/" + "o" * 300 + ".png"
LONG_PATH = "a/" * 2500 + "x.yaml"

CASES = (
    Case(
        "rules_7x10_solve",
        ("solve", _f("rules_7x10_60.yaml"), "--concept", "pure_nash"),
        0,
        r"Nash equilibria: 100 found",
        60,
    ),
    Case("rules_7x10_show", ("show", _f("rules_7x10_60.yaml")), 0, r"99,900 more tables", 60),
    Case(
        "all_equal_7x10",
        ("solve", _f("all_equal_7x10.yaml")),
        0,
        r"10,000,000 found .*only the first 100 are listed",
        60,
    ),
    Case(
        "all_equal_4x10_pure",
        ("solve", _f("all_equal_4x10.yaml"), "--concept", "pure_nash", "--json"),
        0,
        r'"equilibria_total": 10000',
    ),
    Case("all_equal_2x1000", ("solve", _f("all_equal_2x1000.yaml")), 0, r"1,000,000 found"),
    Case(
        "overflow_rules",
        ("validate", _f("overflow_rules.yaml")),
        1,
        r"overflow_rules.yaml:5:1: payoffs: the payoff of A at A=a, B=x is inf",
    ),
    Case(
        "overflow_matrix",
        ("solve", _f("overflow_matrix.yaml")),
        1,
        r"overflow_matrix.yaml:6:7: matrix\[0\]\[0\]\[0\]: payoff 1e\+308 is beyond",
    ),
    Case(
        "overflow_sequence",
        ("solve", _f("overflow_sequence.yaml")),
        1,
        r"overflow_sequence.yaml:4:5: sequence: the payoff of A after A=l,B=x is inf",
    ),
    Case("overflow_ranges", ("validate", _f("overflow_ranges.yaml")), 1, r"range: .*too wide"),
    Case(
        "overflow_uniform",
        ("montecarlo", _f("overflow_uniform.yaml"), "--samples", "10"),
        1,
        r"distribution.uniform: high - low is too large",
    ),
    Case(
        "overflow_set",
        ("solve", _f("sweepable.yaml"), "--set", "k=1e305"),
        1,
        r"matrix\[0\]\[0\]: the payoff of A at A=a, B=x is 1e\+305",
    ),
    Case(
        "sweep_range_overflow",
        ("sweep", _f("sweepable.yaml"), "k=-1e308:1e308:5"),
        2,
        r"too wide",
    ),
    Case(
        "grid_same_axis",
        ("grid", _f("sweepable.yaml"), "k=0:1:3", "k=0:1:3"),
        2,
        r"both vary 'k'",
    ),
    Case(
        "long_output_name",
        ("sweep", _f("sweepable.yaml"), "k=0:1:3", "-o", LONG_OUTPUT),
        2,
        r"too long",
    ),
    Case("long_scenario_path", ("solve", LONG_PATH), 1, r"cannot read file: File name too long"),
    Case(
        "qre_branch_point",
        ("solve", "missile_shield", "--set", "iran_ties=1e8"),
        0,
        r"No QRE point at lambda = 2: could not locate the branch point",
    ),
    Case(
        "qre_underflow",
        ("solve", "missile_shield", "--set", "iran_ties=1e10", "--concept", "qre"),
        0,
        r"No QRE point at lambda = 2: tracing stopped \(step_size_underflow\)",
    ),
    Case(
        "qre_huge_lambda",
        ("solve", "missile_shield", "--concept", "qre", "--lambda", "999999999"),
        0,
        r"No QRE point at lambda = 999999999: tracing stopped \(max_points\)",
    ),
    Case("inject_show", ("show", _f("terminal_injection.yaml")), 0, r"Evil\\x1b\[2J"),
    Case("inject_solve", ("solve", _f("terminal_injection.yaml")), 0, r"A\\x1b\[31m"),
    Case(
        "inject_csv",
        ("sweep", _f("terminal_injection.yaml"), "k=0:2:3", "--csv"),
        0,
        r"'=HYPERLINK",
    ),
    Case(
        "inject_thresholds", ("thresholds", _f("terminal_injection.yaml"), "k"), 0, r"Flip points"
    ),
    Case("inject_validate", ("validate", _f("terminal_injection.yaml")), 0, r"ok"),
)


def _limits() -> None:
    """Run in the child before ``exec``: cap its address space."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _run(case: Case) -> tuple[int, str, float]:
    env = {k: v for k, v in os.environ.items() if k != "SIM_DEBUG"}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1", OPENBLAS_NUM_THREADS="1")
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sim", *case.args],
            capture_output=True,
            text=True,
            env=env,
            cwd="/tmp",
            timeout=case.seconds,
            preexec_fn=_limits,
        )
    except subprocess.TimeoutExpired:
        return -1, f"timed out after {case.seconds} s", case.seconds
    return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - start


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[int, str, float]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip((c.name for c in CASES), pool.map(_run, CASES), strict=True))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_adversarial_case(case: Case, results: dict[str, tuple[int, str, float]]) -> None:
    status, output, seconds = results[case.name]
    shown = output[-2000:]
    assert status == case.status, f"exit {status} after {seconds:.1f} s:\n{shown}"
    assert re.search(case.expect, output), shown
    assert "Traceback" not in output and "internal error" not in output, shown
    assert not UNSAFE.search(output), f"unescaped control character in:\n{shown!r}"
    assert seconds < case.seconds
