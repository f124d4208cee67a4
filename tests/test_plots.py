"""Tests of the plotting layer (sim.plots): every plot draws, returns its axes and saves."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend

import sim
from sim.analysis.montecarlo import monte_carlo
from sim.analysis.sequential import solve_sequential
from sim.analysis.sweep import grid, sweep
from sim.analysis.thresholds import find_thresholds
from sim.analysis.tornado import tornado
from sim.errors import RequestError
from sim.plots import (
    plot_grid,
    plot_montecarlo,
    plot_qre,
    plot_sweep,
    plot_tornado,
    plot_tree,
    save_figure,
)
from sim.plots.common import wrap_name
from sim.plots.grid import cell_edges, region_anchors
from sim.plots.sweep import outcome_runs
from sim.plots.tree import tree_layout
from sim.solvers.qre import limiting_logit_equilibrium, trace_logit_branch

RPS = """
name: Weighted rock, paper, scissors
parameters:
  bonus: {value: 1, range: [0, 3]}
players:
  Ann: {moves: [rock, paper, scissors]}
  Bob: {moves: [rock, paper, scissors]}
matrix:
  - [[0, 0], [-1, 1], [bonus, -bonus]]
  - [[1, -1], [0, 0], [-1, 1]]
  - [[-1, 1], [1, -1], [0, 0]]
"""


@pytest.fixture(scope="module")
def shield() -> sim.Scenario:
    return sim.load_scenario("missile_shield")


@pytest.fixture(scope="module")
def sweep_result(shield):
    return sweep(shield, "iran_ties", np.linspace(0, 6, 25))


@pytest.fixture(scope="module")
def thresholds(shield):
    return find_thresholds(shield, "iran_ties", 0, 6, steps=25)


def _figure(axes: Axes | list[Axes]) -> Figure:
    first = axes if isinstance(axes, Axes) else axes[0]
    fig = first.figure
    assert isinstance(fig, Figure)
    return fig


def _saves(axes: Axes | list[Axes], tmp_path: Path, name: str) -> None:
    """The figure saves as PNG and SVG, each more than 1 kB, and leaves no temp file."""
    fig = _figure(axes)
    for suffix in (".png", ".svg"):
        out = save_figure(fig, tmp_path / f"{name}{suffix}", dpi=60)
        assert out == tmp_path / f"{name}{suffix}"
        assert out.stat().st_size > 1024
    assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / f"{name}.svg").read_bytes()[:2000]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --- sweeps and grids -------------------------------------------------------------------


def test_plot_sweep_panels_and_save(sweep_result, thresholds, tmp_path):
    axes = plot_sweep(sweep_result, thresholds)
    players = sweep_result.batch.scenario.players
    assert len(axes) == len(players) + 1
    assert all(isinstance(ax, Axes) for ax in axes)
    assert axes[-1].get_xlabel().endswith("(iran_ties)")
    fig = _figure(axes)
    suptitle = "".join(t.get_text() for t in fig.texts)  # fig.get_suptitle() needs mpl 3.8
    text = suptitle + axes[0].get_title()
    assert sweep_result.batch.scenario.name in text
    # the outcome legend names the selection rule and every predicted outcome
    legend = axes[-1].get_legend()
    assert legend is not None
    labels = [t.get_text().replace("\n", " ") for t in legend.get_texts()]
    for name in set(sweep_result.predictions.names):
        assert name in labels
    assert "all equilibria" in legend.get_title().get_text()
    # the flip point is marked and annotated with its value
    flip = thresholds.thresholds[0].value
    assert any(f"{flip:.4g}" in t.get_text() for t in axes[0].texts)
    _saves(axes, tmp_path, "sweep")


def test_plot_sweep_three_moves_on_given_axes():
    scenario = sim.load_scenario_text(RPS)
    result = sweep(scenario, "bonus", np.linspace(0.2, 3, 8))
    fig = Figure(figsize=(9, 8), layout="constrained")
    given = list(fig.subplots(3, 1))
    axes = plot_sweep(result, axes=given)
    assert axes == given
    with pytest.raises(ValueError, match="needs 3 axes"):
        plot_sweep(result, axes=given[:2])
    texts = [t.get_text() for leg in axes[0].findobj(Legend) for t in leg.get_texts()]
    assert {"rock", "paper", "scissors"} <= set(texts)


def test_outcome_runs_end_at_flips():
    values = np.array([0.0, 1.0, 2.0, 3.0])
    names = ["A", "A", "B", "B"]
    assert outcome_runs(values, names) == [(0.0, 1.5, "A"), (1.5, 3.0, "B")]
    assert outcome_runs(values, names, [1.2]) == [(0.0, 1.2, "A"), (1.2, 3.0, "B")]
    assert outcome_runs(values[::-1], names[::-1]) == [(0.0, 1.5, "A"), (1.5, 3.0, "B")]
    assert outcome_runs(np.array([]), []) == []


def test_plot_grid_labels_regions_and_saves(shield, tmp_path):
    result = grid(
        shield, ("iran_ties", np.linspace(0, 6, 13)), ("deal_value", np.linspace(0, 6, 11))
    )
    ax = plot_grid(result)
    assert isinstance(ax, Axes)
    assert ax.get_xlabel().endswith("(iran_ties)")
    assert ax.get_ylabel().endswith("(deal_value)")
    legend = ax.get_legend()
    assert legend is not None
    assert len(legend.get_texts()) == len(result.labels)
    assert ax.texts, "large regions are labelled"
    _saves(ax, tmp_path, "grid")


def test_grid_helpers():
    assert np.allclose(cell_edges(np.array([0.0, 1.0, 3.0])), [-0.5, 0.5, 2.0, 4.0])
    assert np.allclose(cell_edges(np.array([2.0])), [1.5, 2.5])
    regions = np.zeros((6, 6), int)
    regions[:, 4:] = 1
    anchors = region_anchors(regions)
    assert sorted(a[0] for a in anchors) == [0, 1]
    for k, r, c, room in anchors:
        assert regions[int(r), int(c)] == k
        assert room > 0


# --- Monte Carlo and tornado ------------------------------------------------------------


def test_plot_montecarlo(shield, tmp_path):
    result = monte_carlo(shield, samples=200, seed=3)
    axes = plot_montecarlo(result)
    assert len(axes) == 2 and all(isinstance(ax, Axes) for ax in axes)
    # bars sorted by frequency, most frequent on top (highest y)
    ticks = [
        t.get_text().replace(" |\n", " | ").replace("\n", " ") for t in axes[0].get_yticklabels()
    ]
    ordered = sorted(result.outcomes, key=lambda o: -o.frequency)
    assert ticks == [o.name for o in ordered]
    assert len(axes[1].patches) == len(result.influence)
    _saves(axes, tmp_path, "montecarlo")
    # drawing into a given empty figure
    fig = Figure(figsize=(8, 6), layout="constrained")
    drawn = plot_montecarlo(result, figure=fig)
    assert [ax.figure for ax in drawn] == [fig, fig]
    with pytest.raises(ValueError, match="empty"):
        plot_montecarlo(result, figure=fig)
    with pytest.raises(ValueError, match="not both"):
        plot_montecarlo(result, axes=drawn, figure=Figure())


def test_plot_tornado(shield, tmp_path):
    result = tornado(shield, player="US", steps=5)[0]
    ax = plot_tornado(result, scenario_name=shield.name)
    assert isinstance(ax, Axes)
    names = [t.get_text() for t in ax.get_yticklabels()]
    swings = {b.parameter: b.swing for b in result.bars}
    assert [swings[n] for n in names] == sorted(swings.values(), reverse=True)
    assert any(line.get_xdata()[0] == result.baseline for line in ax.lines)
    _saves(ax, tmp_path, "tornado")


# --- QRE and trees ----------------------------------------------------------------------


def test_plot_qre(tmp_path):
    game = sim.build_game(sim.load_scenario("stag_hunt"))
    branch = trace_logit_branch(game.payoffs)
    limit = limiting_logit_equilibrium(game.payoffs)
    axes = plot_qre(branch, game.players, game.moves, limit=limit, title=game.title)
    assert len(axes) == game.n_players
    assert all(ax.get_xscale() == "symlog" for ax in axes)
    _saves(axes, tmp_path, "qre")
    with pytest.raises(ValueError):
        plot_qre(branch, game.players, game.moves[:1])


def test_plot_tree(tmp_path):
    analysis = solve_sequential(sim.load_scenario("one_card_poker"))
    ax = plot_tree(analysis)
    assert isinstance(ax, Axes)
    texts = " ".join(t.get_text() for t in ax.texts)
    for move in analysis.game.node_moves[0]:
        assert move in texts.replace("\n", "")
    # the equilibrium path is drawn thick
    assert any(line.get_linewidth() > 4 for line in ax.lines)
    # the two nodes of player 2's information set are joined
    assert any(type(p).__name__ == "FancyArrowPatch" for p in ax.patches)
    _saves(ax, tmp_path, "tree")


def test_plot_tree_bare_game_and_behaviour():
    analysis = solve_sequential(sim.load_scenario("entry_deterrence"))
    game, values = analysis.game, analysis.values
    bare = plot_tree(game, values)
    assert not any(line.get_linewidth() > 4 for line in bare.lines)
    behaviour = game.pure_behaviour([0] * len(game.infosets))
    ax = plot_tree(game, values, behaviour)
    assert any(line.get_linewidth() > 4 for line in ax.lines)
    with pytest.raises(ValueError):
        plot_tree(game)
    with pytest.raises(RequestError):
        plot_tree(analysis, equilibrium=99)


def test_tree_layout_aligns_information_sets():
    game = solve_sequential(sim.load_scenario("seltens_horse")).game
    layout = tree_layout(game)
    leaves = np.asarray(game.leaves)
    assert np.allclose(np.sort(layout.x[leaves]), np.arange(len(leaves)))
    for node, kids in enumerate(game.children):
        if kids:
            assert layout.x[node] == pytest.approx((layout.x[kids[0]] + layout.x[kids[-1]]) / 2)
            assert all(layout.level[k] > layout.level[node] for k in kids)
    for h in game.infosets:
        assert len({int(layout.level[v]) for v in h.nodes}) == 1


def test_wrap_name():
    assert wrap_name("continue_enrichment", 10) == "continue_\nenrichment"
    assert wrap_name("keep_off", 10) == "keep_off"
    assert wrap_name("a", 3) == "a"


# --- saving -----------------------------------------------------------------------------


def _small_figure() -> Figure:
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1, 0, 1], label="a line")
    ax.set_title("a small figure")
    return fig


def test_save_figure_formats(tmp_path):
    fig = _small_figure()
    for suffix in (".png", ".svg", ".pdf", ".PNG"):
        out = save_figure(fig, str(tmp_path / f"fig{suffix}"))
        assert out.stat().st_size > 1024
    assert (tmp_path / "fig.pdf").read_bytes().startswith(b"%PDF")


def test_save_figure_rejects_other_suffixes(tmp_path):
    fig = _small_figure()
    for name in ("fig.txt", "fig", "fig.jpeg"):
        with pytest.raises(RequestError, match=r"\.png, \.svg, \.pdf"):
            save_figure(fig, tmp_path / name)
    with pytest.raises(RequestError, match="does not exist"):
        save_figure(fig, tmp_path / "missing" / "fig.png")
    assert list(tmp_path.iterdir()) == []


def test_save_figure_is_atomic(tmp_path, monkeypatch):
    fig = _small_figure()
    target = tmp_path / "fig.png"
    target.write_bytes(b"old contents")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(fig, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        save_figure(fig, target)
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["fig.png"]
    monkeypatch.undo()
    save_figure(fig, target)
    assert target.read_bytes()[:4] == b"\x89PNG"
    assert [p.name for p in tmp_path.iterdir()] == ["fig.png"]


def test_saved_file_permissions_follow_umask(tmp_path):
    out = save_figure(_small_figure(), tmp_path / "fig.svg")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


# --- import hygiene ---------------------------------------------------------------------


def _run(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return proc.stdout.strip()


def test_importing_sim_does_not_import_matplotlib():
    out = _run(
        """
        import sys
        import sim
        import sim.analysis.sweep, sim.analysis.montecarlo, sim.analysis.tornado
        import sim.analysis.thresholds, sim.analysis.sequential, sim.solvers.qre.logit_qre
        print(sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"))
        """
    )
    assert out == "[]"


def _imports(tree: ast.AST, *, top_level: bool) -> set[str]:
    """Modules imported in ``tree``; with ``top_level``, those imported when the module
    is imported (not inside functions)."""
    found: set[str] = set()
    todo = [tree]
    while todo:
        node = todo.pop()
        if top_level and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        todo.extend(ast.iter_child_nodes(node))
    return found


def test_only_sim_plots_imports_matplotlib_and_nothing_uses_pyplot():
    root = Path(sim.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        mods = _imports(tree, top_level=True)
        uses_mpl = any(m == "matplotlib" or m.startswith("matplotlib.") for m in mods)
        inside = path.relative_to(root).parts[0] == "plots"
        assert inside or not uses_mpl, f"importing {path} imports matplotlib"
        assert "matplotlib.pyplot" not in _imports(tree, top_level=False), f"{path} uses pyplot"
