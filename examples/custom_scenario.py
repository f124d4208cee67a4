"""Write a scenario in Python text, load it, and solve it.

Run: python examples/custom_scenario.py
"""

from sim import build_game, load_scenario_text
from sim.analysis.solve import solve_game
from sim.report.text import solve_report

TEXT = """
name: Trade talks
description: Two governments choose whether to open their markets.
parameters:
  gain: {value: 3, range: [0, 6], description: Gain from the other side opening}
  adjustment: {value: 1, range: [0, 4], description: Domestic cost of opening}
players:
  North: {moves: [open, protect]}
  South: {moves: [open, protect]}
payoffs:
  - {label: North opens, when: {North: open}, add: {North: -adjustment, South: gain}}
  - {label: South opens, when: {South: open}, add: {South: -adjustment, North: gain}}
labels:
  - {when: {North: open, South: open}, name: Free trade}
  - {when: {North: protect, South: protect}, name: Trade war}
"""

scenario = load_scenario_text(TEXT, "trade_talks.yaml")
print(solve_report(scenario, solve_game(build_game(scenario))))
