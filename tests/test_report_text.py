"""The text reports of ``sim solve`` (sim/report/text.py, sequential_report.py).

Sentences read well (no "it" for named players, plurals, no doubled
brackets), long parameter lines wrap, and the QRE section says which
equilibrium the logit branch converges to and, where it forks, where each arm
leads (checked against the closed form for Chicken).
"""

from __future__ import annotations

import doctest
import io
import math
import re
import shlex
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.analysis.sequential import solve_sequential
from sim.analysis.solve import SolveOptions, solve_game
from sim.cli.main import main
from sim.report import json_out, wording
from sim.report.sequential_report import sequential_text
from sim.report.text import solve_report
from sim.scenario.bundled import bundled_scenarios
from sim.solvers.qre import logit_fork

REPO = Path(__file__).resolve().parent.parent
NESTED = re.compile(r"\([^()]*\([^()]*\)[^()]*\)")


def report(name: str, **options: object) -> str:
    scenario = sim.load_scenario(name)
    if scenario.kind == "sequential":
        return sequential_text(scenario, solve_sequential(scenario))
    analysis = solve_game(sim.build_game(scenario), SolveOptions(**options))  # type: ignore[arg-type]
    return solve_report(scenario, analysis)


@pytest.mark.parametrize("module", [wording, json_out, logit_fork])
def test_module_examples_run(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0 and result.attempted > 0


def test_plural_and_lists() -> None:
    assert wording.plural(1, "equilibrium", "equilibria") == "1 equilibrium"
    assert wording.plural(0, "proper subgame") == "0 proper subgames"
    assert wording.list_words(["a"]) == "a"
    assert wording.list_words(["a", "b"]) == "a and b"


def test_method_words_have_no_nested_brackets() -> None:
    text = wording.method_words("subgame_decomposition (expectation+vertex_enumeration)")
    assert text == (
        "subgame decomposition, solving each subgame by expectation and vertex enumeration"
    )
    assert wording.method_words("reduced_strategic_form+vertex_enumeration") == "vertex enumeration"


def test_wrap_never_splits_an_assignment() -> None:
    values = {f"name_{k}": f"{k}.5" for k in range(30)}
    lines = wording.wrap_assignments("Parameters", values, width=40)
    assert all(len(line) <= 40 for line in lines)
    joined = " ".join(line.strip() for line in lines)
    for k in range(30):
        assert f"name_{k} = {k}.5" in joined


@pytest.mark.parametrize("path", bundled_scenarios(), ids=lambda p: p.stem)
def test_bundled_reports_read_well(path: Path) -> None:
    text = report(path.stem)
    assert not re.search(r"\b1 (equilibria|proper subgames|other arms)\b", text)
    assert "subgame(s)" not in text
    assert "its best other move" not in text and "it mixes" not in text
    assert ": it gets" not in text and "gives it " not in text
    assert "by mixing: mixes" not in text
    assert not NESTED.search(text), NESTED.search(text)
    header = text.split("\n\n", 1)[0]
    assert all(len(line) <= 88 for line in header.splitlines() if line.startswith(("Param", "  ")))


def test_missile_shield_deal_parameter_line_wraps() -> None:
    text = report("missile_shield_deal")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Parameters:"))
    block = [lines[start], *[line for line in lines[start + 1 :] if line.startswith("  ")][:6]]
    assert len(block) > 2 and all(len(line) <= 88 for line in block)
    assert "p_advanced = 0.2" in " ".join(block)


def test_why_lines_name_the_alternative_and_the_mixed_moves() -> None:
    text = report("battle_of_the_sexes")
    assert "Alice is indifferent between opera and football (each gives 1.2)." in text
    text = report("prisoners_dilemma")
    assert "Row gets 1; the best alternative, cooperate, would give 0." in text


def test_security_by_mixing_reads_as_one_phrase() -> None:
    text = report("matching_pennies")
    line = next(x for x in text.splitlines() if "by mixing" in x)
    assert re.search(r"; 0 by mixing \w+ 1/2 \(0\.5\), \w+ 1/2 \(0\.5\)$", line), line


def test_sequential_story_uses_no_pronoun_for_players() -> None:
    text = report("entry_deterrence")
    assert "Entrant chooses enter, getting 2; stay_out would give 0." in text
    assert "2 proper subgames including the whole game" in text


def test_sequential_chance_branch_has_single_brackets() -> None:
    text = report("missile_shield_deal")
    assert "advanced, probability 1/5 (0.2):" in text


def _chicken_fork() -> float:
    """Closed form: symmetric QRE p = logistic(lam (9 - 10 p)) meets 10 lam p (1 - p) = 1."""

    def gap(p: float) -> float:
        lam = 1.0 / (10.0 * p * (1.0 - p))
        return math.log(p / (1.0 - p)) - lam * (9.0 - 10.0 * p)

    lo, hi = 0.5 + 1e-9, 0.9 - 1e-9  # gap(lo) < 0 < gap(hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    return 1.0 / (10.0 * lo * (1.0 - lo))


def test_chicken_fork_matches_the_closed_form_and_names_both_arms() -> None:
    scenario = sim.load_scenario("chicken")
    analysis = solve_game(
        sim.build_game(scenario), SolveOptions(concepts=("pure_nash", "mixed_nash", "qre"))
    )
    [fork] = analysis.qre_forks
    assert fork.lam == pytest.approx(_chicken_fork(), abs=1e-4)
    pure = sorted(tuple(int(np.argmax(s)) for s in arm.strategies) for arm in fork.arms)
    assert pure == [(0, 1), (1, 0)]
    text = solve_report(scenario, analysis)
    assert "converges to equilibrium 3 above" in text  # the symmetric mixed equilibrium
    assert f"forks near lambda = {_chicken_fork():.3g}" in text
    assert '"Driver 1 wins" (equilibrium 2 above)' in text
    assert '"Driver 2 wins" (equilibrium 1 above)' in text


def test_qre_limit_is_named_even_when_equilibria_were_not_asked_for() -> None:
    text = report("chicken", concepts=("qre",))
    assert "converges to the Nash equilibrium in which Driver_1 mixes swerve 9/10" in text
    assert '"Driver 1 wins" (Driver_1 plays straight, Driver_2 plays swerve)' in text


def test_qre_limit_names_the_labelled_equilibrium() -> None:
    text = report("missile_shield", concepts=("pure_nash", "mixed_nash", "qre"))
    assert 'converges to "Arms race" (equilibrium 1 above)' in text
    assert "forks" not in text  # the missile-shield branch does not fork


def test_no_fork_in_a_game_with_a_dominant_strategy() -> None:
    scenario = sim.load_scenario("prisoners_dilemma")
    assert logit_fork.logit_forks(sim.build_game(scenario).payoffs) == ()


# ------------------------------------------------------------------- docs


def test_scenario_format_describes_what_each_missile_shield_stage_observes() -> None:
    text = (REPO / "docs" / "scenario_format.md").read_text(encoding="utf-8")
    assert "hidden from everyone but Iran" not in text
    scenario = sim.load_scenario("missile_shield_deal")
    analysis = solve_sequential(scenario, concepts=["subgame_perfect"])
    assert analysis.game.perfect_information
    assert "the game has perfect information" in " ".join(text.split())


def test_hiding_the_capability_from_switch_on_gives_imperfect_information() -> None:
    source = (REPO / "scenarios" / "missile_shield_deal.yaml").read_text(encoding="utf-8")
    hidden = source.replace("observes: [Russia, capability, Iran]", "observes: [Russia, Iran]")
    assert hidden != source
    scenario = sim.load_scenario_text(hidden, "hidden.yaml")
    analysis = solve_sequential(scenario, concepts=["subgame_perfect"])
    assert not analysis.game.perfect_information


def _tour() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## A short tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_tour_starts_in_a_fresh_folder() -> None:
    lines = _tour()
    first_output = next(i for i, line in enumerate(lines) if " -o " in line)
    assert any("mktemp -d" in line or "--force" in line for line in lines[: first_output + 1])


def test_readme_tour_figures_are_written_in_a_fresh_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for line in _tour():
        if " -o " not in line or "montecarlo" in line:
            continue
        argv = shlex.split(line)
        with redirect_stdout(io.StringIO()):
            assert main(argv[1:]) == 0, line
        assert (tmp_path / argv[argv.index("-o") + 1]).stat().st_size > 0
