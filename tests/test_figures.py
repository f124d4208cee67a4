"""What a newcomer reads off the figures (issue 11, "Figures").

Sequential figures say they follow the subgame-perfect equilibrium, axes are
named by the parameter's description, the current values are marked, equal
payoff lines stay visible, jumps are drawn as jumps, an outcome keeps its
colour in shading and lines, the Monte Carlo influence is signed, the
missile-shield tree fits a readable width and names its leaves, and a grid
shrunk to a text map says so.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

import sim
from sim.analysis.montecarlo import monte_carlo
from sim.analysis.sequential import solve_sequential
from sim.analysis.sweep import grid, sweep
from sim.analysis.thresholds import find_thresholds
from sim.plots import plot_grid, plot_montecarlo, plot_sweep, plot_tree
from sim.plots.annotate import current_values, parameter_label
from sim.plots.lines import jumps, stepped
from sim.plots.montecarlo import signed_influence
from sim.plots.tree_layout import MAX_WIDTH
from sim.report.sensitivity import grid_text


@pytest.fixture(scope="module")
def shield() -> sim.Scenario:
    return sim.load_scenario("missile_shield")


@pytest.fixture(scope="module")
def deal() -> sim.Scenario:
    return sim.load_scenario("missile_shield_deal")


def _texts(ax: Axes) -> str:
    fig = ax.figure
    parts = [t.get_text() for t in fig.texts] + [a.get_title() for a in fig.axes]
    parts += [t.get_text() for a in fig.axes for t in a.texts]
    for a in fig.axes:
        for legend in [a.get_legend(), *[c for c in a.artists if hasattr(c, "get_texts")]]:
            if legend is not None:
                parts += [legend.get_title().get_text()]
                parts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(parts)


def _legend_colours(ax: Axes) -> dict[str, tuple[str, str]]:
    """Legend label -> (kind, colour) over every legend of the axes and of its figure."""
    found: dict[str, tuple[str, str]] = {}
    legends = [ax.get_legend(), *[c for c in ax.artists if hasattr(c, "legend_handles")]]
    legends += list(ax.figure.legends)
    for legend in legends:
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
            label = text.get_text().replace("\n", " ")
            if isinstance(handle, Rectangle):
                found.setdefault(label, ("patch", to_hex(handle.get_facecolor())))
            elif isinstance(handle, Line2D):
                found.setdefault(label + " (line)", ("line", to_hex(handle.get_color())))
    return found


# --------------------------------------------------------------- labels and rules


def test_parameter_label_uses_the_description_and_the_name(shield) -> None:
    assert parameter_label(shield, "iran_ties") == "Russia's ties with Tehran\n(iran_ties)"
    text = parameter_label(shield, "shield_value")
    assert text.endswith("(shield_value)") and "US concern" in text
    bare = sim.load_scenario("chicken")
    assert all(parameter_label(bare, p.name).endswith(f"({p.name})") for p in bare.parameters)


def test_sequential_grid_and_montecarlo_follow_the_spe(deal) -> None:
    result = grid(
        deal, ("sanction_cost", np.linspace(0, 10, 6)), ("iran_ties", np.linspace(0, 6, 5))
    )
    ax = plot_grid(result)
    text = _texts(ax)
    assert "none selected" not in text and "subgame-perfect" in text
    odds = monte_carlo(deal, samples=300, seed=1)
    axes = plot_montecarlo(odds)
    text = _texts(axes[0])
    assert "none selected" not in text and "subgame-perfect" in text


def test_simultaneous_figures_still_name_the_rule(shield) -> None:
    result = grid(shield, ("iran_ties", np.linspace(0, 6, 7)), ("deal_value", np.linspace(0, 6, 7)))
    assert "none selected" in _texts(plot_grid(result))


# ------------------------------------------------------------------ you are here


def test_current_values_follow_the_fixed_parameters(shield) -> None:
    result = sweep(shield, "iran_ties", np.linspace(0, 6, 7), base={"deal_value": 5.0})
    assert current_values(result.batch, ["iran_ties"]) == {"iran_ties": 2.0}
    assert current_values(result.batch, ["deal_value"]) == {"deal_value": 5.0}


def test_grid_marks_the_current_point(shield) -> None:
    result = grid(shield, ("iran_ties", np.linspace(0, 6, 7)), ("deal_value", np.linspace(0, 6, 7)))
    ax = plot_grid(result)
    stars = [ln for ln in ax.lines if ln.get_marker() == "*"]
    assert len(stars) == 1
    assert tuple(np.ravel(stars[0].get_xydata())) == (2.0, 3.0)
    assert any(t.get_text().startswith("you are here") for t in ax.texts)


def test_sweep_marks_the_current_value_on_every_panel(shield) -> None:
    axes = plot_sweep(sweep(shield, "iran_ties", np.linspace(0, 6, 25)))
    for ax in axes:
        dotted = [
            ln
            for ln in ax.lines
            if ln.get_linestyle() == ":" and np.allclose(np.asarray(ln.get_xdata(), float), 2.0)
        ]
        assert dotted, "no current-value line"
    assert any(t.get_text() == "now 2" for t in axes[0].texts)


# ----------------------------------------------------------- lines that overlap


def test_equal_payoff_lines_show_every_players_markers(shield) -> None:
    axes = plot_sweep(sweep(shield, "iran_ties", np.linspace(0, 6, 61)))
    pay = axes[-1]
    marked = [
        ln
        for ln in pay.lines
        if ln.get_marker() not in ("None", "", None) and ln.get_linestyle() == "None"
    ]
    colours = {to_hex(ln.get_color()) for ln in marked}
    assert len(colours) == 3  # one marker series per player
    # US and Iran both get 3 in the Grand bargain: their markers sit at different x
    by_colour: dict[str, set[float]] = {}
    for ln in marked:
        xs = np.asarray(ln.get_xdata(), float)
        by_colour.setdefault(to_hex(ln.get_color()), set()).update(np.round(xs, 6))
    sets = list(by_colour.values())
    assert all(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1 :])


# ------------------------------------------------------------------ jumps


def test_stepped_draws_a_vertical_jump() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 0.0, 5.0, 5.0])
    sx, sy = stepped(x, y, [(2, 1.5)])
    assert list(sx) == [0.0, 1.0, 1.5, 1.5, 2.0, 3.0]
    assert list(sy) == [0.0, 0.0, 0.0, 5.0, 5.0, 5.0]
    # no sloped segment remains: every segment is flat or vertical
    assert all(dx == 0 or dy == 0 for dx, dy in zip(np.diff(sx), np.diff(sy), strict=True))


def test_jumps_use_flip_points_and_name_changes() -> None:
    x = np.linspace(0, 10, 11)
    names = ["A"] * 4 + ["B"] * 7
    assert jumps(x, names, [3.0]) == [(4, 3.0)]  # the flip at sample 3: jump right after it
    assert jumps(x, names, []) == [(4, 3.5)]
    assert jumps(x, names, [6.5]) == [(4, 3.5), (7, 6.5)]  # a flip where the name stays
    assert jumps(x[::-1], names, []) == []  # not increasing: drawn as given


def test_sequential_sweep_draws_jumps_as_jumps(deal) -> None:
    x = np.linspace(0, 10, 41)
    result = sweep(deal, "sanction_cost", x)
    flips = find_thresholds(deal, "sanction_cost", 0, 10, steps=41)
    axes = plot_sweep(result, flips)
    for ln in axes[1].lines:
        xs, ys = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
        if xs.size < 10:
            continue
        steep = [
            (dx, dy) for dx, dy in zip(np.diff(xs), np.diff(ys), strict=True) if abs(dy) > 0.05
        ]
        assert steep and all(dx == 0 for dx, _ in steep), "a jump drawn as a ramp"


# ------------------------------------------------------------------ colours


def test_outcome_has_one_colour_in_shading_and_lines(deal) -> None:
    axes = plot_sweep(sweep(deal, "sanction_cost", np.linspace(0, 10, 41)))
    colours: dict[str, tuple[str, str]] = {}
    for ax in axes:
        colours.update(_legend_colours(ax))
    shared = [name for name in colours if f"{name} (line)" in colours]
    assert "Grand bargain" in shared
    for name in shared:
        assert colours[name][1] == colours[f"{name} (line)"][1], name


def test_grid_and_montecarlo_use_the_same_colour_per_outcome(shield) -> None:
    result = grid(shield, ("iran_ties", np.linspace(0, 6, 7)), ("deal_value", np.linspace(0, 6, 7)))
    grid_colours = _legend_colours(plot_grid(result))
    axes = plot_montecarlo(monte_carlo(shield, samples=400, seed=2))
    ticks = {
        round(float(y), 6): t.get_text().replace(" |\n", " | ").replace("\n", " ")
        for y, t in zip(axes[0].get_yticks(), axes[0].get_yticklabels(), strict=True)
    }
    bar_colour = {
        ticks[round(b.get_y() + b.get_height() / 2, 6)]: to_hex(b.get_facecolor())
        for b in axes[0].patches
    }
    common = set(bar_colour) & {k.replace(" |\n", " | ") for k in grid_colours}
    assert common
    for name in common:
        assert grid_colours[name][1] == bar_colour[name]


# ------------------------------------------------------------ Monte Carlo sign


def test_influence_is_signed(shield) -> None:
    result = monte_carlo(shield, samples=2000, seed=1)
    rows = signed_influence(result)
    assert {name for name, _, _ in rows} == {name for name, _ in result.influence}
    for name, rho, outcome in rows:
        odds = next(o for o in result.outcomes if o.name == outcome)
        assert dict(odds.correlations)[name] == rho
        assert abs(rho) == pytest.approx(dict(result.influence)[name])
    assert any(rho < 0 for _, rho, _ in rows) and any(rho > 0 for _, rho, _ in rows)
    axes = plot_montecarlo(result)
    widths = sorted(round(b.get_width(), 9) for b in axes[1].patches)
    assert widths == sorted(round(rho, 9) for _, rho, _ in rows)


# ------------------------------------------------------------------ the tree


def test_missile_shield_tree_fits_and_names_its_leaves(deal) -> None:
    analysis = solve_sequential(deal, concepts=["subgame_perfect"])
    ax = plot_tree(analysis)
    width_px = ax.figure.get_size_inches()[0] * 150
    assert ax.figure.get_size_inches()[0] <= MAX_WIDTH and width_px <= 2400
    texts = " ".join(t.get_text().replace("\n", " ") for t in ax.texts)
    game = analysis.game
    for leaf in game.leaves:
        label = game.leaf_label(int(leaf))
        assert label and label in texts


def test_small_tree_keeps_its_size(deal) -> None:
    game = sim.load_scenario("entry_deterrence")
    ax = plot_tree(solve_sequential(game, concepts=["subgame_perfect"]))
    assert ax.figure.get_size_inches()[0] == pytest.approx(8.0)


# ------------------------------------------------------------ text grid map


def test_text_map_says_when_it_samples_the_grid(shield) -> None:
    big = grid(shield, ("iran_ties", np.linspace(0, 6, 61)), ("deal_value", np.linspace(0, 6, 61)))
    assert "the 61 x 61 grid is shown sampled as a 60 x 24 text map" in grid_text(big)
    small = grid(
        shield, ("iran_ties", np.linspace(0, 6, 11)), ("deal_value", np.linspace(0, 6, 11))
    )
    assert "sampled" not in grid_text(small)
