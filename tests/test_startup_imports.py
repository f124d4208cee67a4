"""Which modules start-up imports (issue #17 item 5): module sets, never seconds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imported(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return set(out.stdout.split())


def test_solver_modules_import_no_scipy_optimize() -> None:
    """The LP import is deferred to the functions that solve an LP."""
    mods = _imported(
        "import sim.solvers.nash, sim.solvers.structure.dominance, "
        "sim.solvers.structure.security, sim.solvers.structure.pareto, sim.analysis.solve"
    )
    assert "sim.analysis.solve" in mods
    assert "scipy.optimize" not in mods
    assert "matplotlib" not in mods
