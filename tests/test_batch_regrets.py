"""Pure equilibria of a batch report the regret their independent check measured."""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim
from sim.analysis.batch import solve_batch
from sim.analysis.sweep import sweep
from sim.report.sensitivity import point_entries, sweep_json
from sim.solvers.verify import pure_regrets_batch

# Row's second move beats its first by 1e-11 against column's first move: within the
# tie tolerance (1e-9 of the payoff range), so (0, 0) counts as an equilibrium with a
# small but non-zero regret.
TEXT = """\
name: near tie
parameters:
  s: {value: 1, range: [0, 2]}
players:
  Row: {moves: [a, b]}
  Column: {moves: [c, d]}
matrix:
  - [[1 * s, 1], [0, 0]]
  - [[1.00000000001 * s, 0], [0, 1]]
"""


def test_pure_regrets_are_the_checked_ones() -> None:
    scenario = sim.load_scenario_text(TEXT, "near_tie.yaml")
    batch = solve_batch(scenario, {"s": np.array([1.0, 2.0])})
    hits = np.argwhere(batch.pure_mask)
    want = pure_regrets_batch(batch.payoffs, hits[:, 0], hits[:, 1:])
    assert batch.pure_regret == pytest.approx(want, abs=0.0)
    assert want.max() > 0.0  # the near tie is measured, not written as 0
    for point in range(batch.size):
        pure = [eq.regret for eq in batch.equilibria(point) if eq.is_pure]
        assert pure == batch.pure_regrets(point).tolist()
    entries = [json.loads(e) for e in point_entries(batch, 0)]
    assert [e["regret"] for e in entries if e["concept"] == "pure_nash"] == [
        r for h, r in zip(hits, want, strict=True) if h[0] == 0
    ]


def test_sweep_json_writes_the_checked_regrets() -> None:
    scenario = sim.load_scenario_text(TEXT, "near_tie.yaml")
    result = sweep(scenario, "s", np.array([1.0, 2.0]))
    doc = json.loads(sweep_json(result))
    got = [
        e["regret"] for p in doc["points"] for e in p["equilibria"] if e["concept"] == "pure_nash"
    ]
    assert got == pytest.approx(result.batch.pure_regret.tolist(), abs=0.0)
    assert max(got) > 0.0
