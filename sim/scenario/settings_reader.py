"""Reading the ``solve`` and ``analysis`` defaults."""

from __future__ import annotations

import math
from collections.abc import Collection

from sim.concepts import ALL
from sim.scenario.model import AnalysisSettings, GridSpec, MonteCarloSpec, SolveSettings, SweepSpec
from sim.scenario.reader import Reader, did_you_mean, join_path
from sim.yamlio import Node

__all__ = ["read_analysis", "read_solve"]

MAX_STEPS = 1_000_000
MAX_SAMPLES = 10_000_000


def read_solve(reader: Reader, node: Node | None) -> SolveSettings:
    """Read ``solve: {concepts: [...], qre_lambda: x or [x, ...]}``."""
    if node is None:
        return SolveSettings()
    fields = reader.mapping(node, "solve", allowed=("concepts", "qre_lambda"))
    if fields is None:
        return SolveSettings()
    concepts: list[str] = []
    if "concepts" in fields:
        for i, item in enumerate(reader.sequence(fields["concepts"], "solve.concepts") or []):
            path = join_path("solve.concepts", i)
            name = reader.text(item, path)
            known = ALL
            if name is not None and name not in known:
                reader.error(
                    item,
                    path,
                    f"unknown concept '{name}'{did_you_mean(name, known)}"
                    f"; known: {', '.join(known)}",
                )
            elif name is not None:
                concepts.append(name)
    lambdas = _read_lambdas(reader, fields.get("qre_lambda"))
    return SolveSettings(tuple(concepts), lambdas)


def _read_lambdas(reader: Reader, node: Node | None) -> tuple[float, ...]:
    if node is None:
        return ()
    items = [node] if node.kind == "scalar" else reader.sequence(node, "solve.qre_lambda") or []
    values: list[float] = []
    for i, item in enumerate(items):
        path = "solve.qre_lambda" if item is node else join_path("solve.qre_lambda", i)
        value = reader.number(item, path)
        if value is not None and value < 0:
            reader.error(item, path, "lambda must be zero or positive")
        elif value is not None:
            values.append(value)
    return tuple(values)


def read_analysis(reader: Reader, node: Node | None, names: Collection[str]) -> AnalysisSettings:
    """Read ``analysis: {sweeps: [...], grids: [...], monte_carlo: {...}}``."""
    if node is None:
        return AnalysisSettings()
    fields = reader.mapping(node, "analysis", allowed=("sweeps", "grids", "monte_carlo"))
    if fields is None:
        return AnalysisSettings()
    sweeps = []
    if "sweeps" in fields:
        for i, item in enumerate(reader.sequence(fields["sweeps"], "analysis.sweeps") or []):
            spec = read_sweep(reader, item, join_path("analysis.sweeps", i), names)
            if spec is not None:
                sweeps.append(spec)
    grids = []
    if "grids" in fields:
        for i, item in enumerate(reader.sequence(fields["grids"], "analysis.grids") or []):
            grid = _read_grid(reader, item, join_path("analysis.grids", i), names)
            if grid is not None:
                grids.append(grid)
    mc = None
    if "monte_carlo" in fields:
        mc = _read_monte_carlo(reader, fields["monte_carlo"])
    return AnalysisSettings(tuple(sweeps), tuple(grids), mc)


def read_sweep(reader: Reader, node: Node, path: str, names: Collection[str]) -> SweepSpec | None:
    """Read ``{parameter, from, to, steps}``."""
    keys = ("parameter", "from", "to", "steps")
    fields = reader.mapping(node, path, allowed=keys, required=keys[:3])
    if fields is None or not all(k in fields for k in keys[:3]):
        return None
    name = reader.text(fields["parameter"], join_path(path, "parameter"))
    if name is not None and name not in names:
        hint = did_you_mean(name, names)
        reader.error(
            fields["parameter"], join_path(path, "parameter"), f"unknown parameter '{name}'{hint}"
        )
        name = None
    start = reader.number(fields["from"], join_path(path, "from"))
    stop = reader.number(fields["to"], join_path(path, "to"))
    steps: int | None = 101
    if "steps" in fields:
        steps = reader.integer(
            fields["steps"], join_path(path, "steps"), minimum=2, maximum=MAX_STEPS
        )
    if start is not None and stop is not None and not math.isfinite(stop - start):
        reader.error(
            node, path, f"from {start:g} to {stop:g} is too wide to sweep (width overflows)"
        )
        return None
    if name is None or start is None or stop is None or steps is None:
        return None
    return SweepSpec(name, start, stop, steps)


def _read_grid(reader: Reader, node: Node, path: str, names: Collection[str]) -> GridSpec | None:
    fields = reader.mapping(node, path, allowed=("x", "y"), required=("x", "y"))
    if fields is None or "x" not in fields or "y" not in fields:
        return None
    x = read_sweep(reader, fields["x"], join_path(path, "x"), names)
    y = read_sweep(reader, fields["y"], join_path(path, "y"), names)
    if x is not None and y is not None and x.parameter == y.parameter:
        reader.error(fields["y"], join_path(path, "y"), f"x and y both vary '{x.parameter}'")
        return None
    return GridSpec(x, y) if x is not None and y is not None else None


def _read_monte_carlo(reader: Reader, node: Node) -> MonteCarloSpec | None:
    path = "analysis.monte_carlo"
    fields = reader.mapping(node, path, allowed=("samples", "seed"))
    if fields is None:
        return None
    samples: int | None = 10_000
    if "samples" in fields:
        samples = reader.integer(
            fields["samples"], join_path(path, "samples"), minimum=1, maximum=MAX_SAMPLES
        )
    seed: int | None = None
    if "seed" in fields:
        seed = reader.integer(fields["seed"], join_path(path, "seed"), minimum=0, maximum=2**63 - 1)
    if samples is None:
        return None
    return MonteCarloSpec(samples, seed)
