"""Solve the bundled classic games and print each equilibrium in one line.

Run: python examples/classic_games.py
"""

from sim import build_game, load_scenario
from sim.analysis.solve import solve_game
from sim.formatting import format_probability

CLASSICS = [
    "prisoners_dilemma",
    "chicken",
    "stag_hunt",
    "battle_of_the_sexes",
    "matching_pennies",
    "rock_paper_scissors",
    "cuban_missile_crisis",
    "volunteers_dilemma",
]


def describe(game, strategy, player):
    """'move' for a pure strategy, 'move 1/3, move 2/3' for a mixed one."""
    parts = [
        f"{move} {format_probability(float(p))}" if p < 1 else move
        for move, p in zip(game.moves[player], strategy, strict=True)
        if p > 1e-12
    ]
    return ", ".join(parts)


for name in CLASSICS:
    scenario = load_scenario(name)
    game = build_game(scenario)
    analysis = solve_game(game)
    print(f"{scenario.name}: {len(analysis.equilibria)} equilibria")
    for eq in analysis.equilibria:
        profile = "; ".join(
            f"{player}: {describe(game, s, i)}"
            for i, (player, s) in enumerate(zip(game.players, eq.strategies, strict=True))
        )
        print(f"  [{eq.concept}] {profile}")
