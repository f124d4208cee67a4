"""How the missile-shield prediction depends on Russia's ties with Tehran.

For a few values of `iran_ties` the script solves the flagship game and
prints the labelled outcome of each pure Nash equilibrium: as the ties grow,
the grand bargain stops being an equilibrium.

Run: python examples/missile_shield_what_if.py
"""

from sim import build_game, load_scenario, outcome_label
from sim.solvers.nash.pure_nash import pure_nash

scenario = load_scenario("missile_shield")
for ties in [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]:
    game = build_game(scenario, {"iran_ties": ties})
    found = pure_nash(game.payoffs)
    names = [
        outcome_label(scenario, game.profile_moves(eq.pure_profile())) or "unlabelled"
        for eq in found.equilibria
    ]
    print(f"iran_ties = {ties:3.1f}: {', '.join(names) or 'no pure equilibrium'}")
