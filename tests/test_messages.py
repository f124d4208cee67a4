"""Plain-words messages a newcomer meets first (issue 11, "Messages").

YAML syntax errors say what to do at the item they belong to, suggestions
ignore case, one typo is reported once, values outside their own range are
refused, and names on the command line get a did-you-mean.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from sim.cli.commands import _first_sentence
from sim.cli.main import main
from sim.errors import ScenarioError
from sim.expr import ExprError, compile_expr
from sim.scenario.loader import load_scenario, load_scenario_text
from sim.suggest import closest
from sim.yaml_messages import block_path
from sim.yamlio import load_yaml

REPO = Path(__file__).resolve().parent.parent

GAME = """\
name: Standards war
description: Two firms pick a standard.
parameters:
  bonus: {value: 2, range: [0, 10], description: Gain from matching}
players:
  FirmA: {moves: [standard_a, standard_b]}
  FirmB: {moves: [standard_a, standard_b]}
payoffs:
  - label: Matching pays
    when: {FirmA: standard_a, FirmB: standard_a}
    add: {FirmA: bonus, FirmB: bonus}
  - label: A prefers its own
    when: {FirmA: standard_a}
    add: {FirmA: 1}
  - label: B prefers its own
    when: {FirmB: standard_b}
    add: {FirmB: 1}
labels:
  - {when: {FirmA: standard_a, FirmB: standard_a}, name: Standard A}
"""


def diagnostics(text: str) -> list[tuple[int, int, str, str]]:
    """Load ``text``; return every diagnostic as (line, col, path, message)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "g.yaml")
    return [(d.location.line, d.location.col, d.path, d.message) for d in info.value.diagnostics]


def test_the_game_itself_loads() -> None:
    assert load_scenario_text(GAME).name == "Standards war"


# ------------------------------------------------------------------ YAML syntax


def test_tab_indentation_says_use_spaces_at_the_item() -> None:
    text = GAME.replace("  FirmB: {moves", "\tFirmB: {moves")
    [(line, col, path, message)] = diagnostics(text)
    assert (line, col) == (7, 1)
    assert path == "players.FirmB"
    assert message == "tabs are not allowed for indentation: use spaces"


def test_unquoted_note_in_a_description_says_quote_it() -> None:
    text = GAME.replace("Two firms pick a standard.", "Two firms. Note: it is a game.")
    [(line, _col, path, message)] = diagnostics(text)
    assert line == 2 and path == "description"
    assert "quote text that contains ': '" in message
    assert "mapping values" not in message


def test_missing_colon_after_a_key_is_named() -> None:
    text = GAME.replace("  FirmA: {moves: [standard_a, standard_b]}", "  FirmA\n    moves: [x, y]")
    [(line, _col, path, message)] = diagnostics(text)
    assert line == 7 and path.startswith("players")
    assert "quote text that contains ': '" in message or "':'" in message


def test_missing_colon_on_a_key_alone() -> None:
    text = GAME.replace("players:\n", "players\n")
    [(line, col, _path, message)] = diagnostics(text)
    assert (line, col) == (5, 1)
    assert "'players' is not followed by ':'" in message


def test_dedented_add_is_blamed_on_the_item_it_belongs_to() -> None:
    text = GAME.replace("    add: {FirmA: 1}", "  add: {FirmA: 1}")
    [(line, col, path, message)] = diagnostics(text)
    assert (line, col) == (14, 3)
    assert path == "payoffs[1]"  # not payoffs[2], the item the parser expected next
    assert "indented" in message and "'-' indicator" not in message


def test_block_path_follows_lists_keys_and_block_scalars() -> None:
    lines = GAME.replace("Two firms pick a standard.", "|\n  a: b\n  c").splitlines()
    assert block_path(lines, 3) == "description"
    assert block_path(lines, 6) == "parameters.bonus"
    assert block_path(lines, 4) == "description"  # a text line of the block scalar
    assert block_path(lines, 15) == "payoffs[1].when"
    assert block_path(lines, 19) == "payoffs[2].add"
    assert block_path(lines, 21) == "labels[0]"


def test_unclosed_bracket_names_where_it_opened() -> None:
    with pytest.raises(ScenarioError) as info:
        load_yaml("a: [1, 2\nb: 3\n")
    assert "the '[' opened at line 1 col 4 is not closed" in str(info.value)


# ------------------------------------------------------------ names and typos


def test_suggestions_ignore_case() -> None:
    assert closest("standard_A", ["standard_a", "standard_b"]) == "standard_a"
    assert closest("STANDARD_B", ["standard_a", "standard_b"]) == "standard_b"
    text = GAME.replace("{when: {FirmA: standard_a,", "{when: {FirmA: standard_A,")
    [(_line, _col, path, message)] = diagnostics(text)
    assert path == "labels[0].when.FirmA"
    assert "did you mean 'standard_a'?" in message


def test_one_typo_is_reported_once() -> None:
    text = GAME.replace("FirmA: {moves:", "FirmA: {mvoes:")
    found = diagnostics(text)
    assert len(found) == 1, found
    [(_line, _col, path, message)] = found
    assert path == "players.FirmA.mvoes"
    assert "did you mean 'moves'?" in message


def test_a_missing_required_key_without_a_typo_is_still_reported() -> None:
    text = GAME.replace("FirmA: {moves: [standard_a, standard_b]}", "FirmA: {description: x}")
    found = diagnostics(text)
    assert [m for *_, m in found] == ["missing required key 'moves'"]


@pytest.mark.parametrize("value", ["40", "-1", "10.5"])
def test_value_outside_its_own_range_loads_with_a_warning(value: str) -> None:
    text = GAME.replace("{value: 2, range", f"{{value: {value}, range")
    scenario = load_scenario_text(text, "g.yaml")
    [warning] = scenario.warnings
    assert (warning.location.line, warning.path) == (4, "parameters.bonus.value")
    assert warning.message.startswith(
        f"warning: value {float(value):g} is outside its range [0, 10]"
    )


def test_values_on_the_range_ends_give_no_warning() -> None:
    for value in ("0", "10", "2"):
        text = GAME.replace("{value: 2, range", f"{{value: {value}, range")
        assert load_scenario_text(text).warnings == ()


def test_a_derived_value_outside_its_range_is_warned_too() -> None:
    text = GAME.replace(
        "  bonus: {value: 2, range: [0, 10], description: Gain from matching}",
        "  base: 6\n  bonus: {value: base * 3, range: [0, 10]}",
    )
    [warning] = load_scenario_text(text).warnings
    assert "value 18 is outside its range [0, 10]" in warning.message


def test_cli_prints_the_range_warning_and_validates(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(GAME.replace("{value: 2, range", "{value: 40, range"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["validate", str(path)]) == 0
    assert "ok" in out.getvalue()
    assert f"{path}:4:" in err.getvalue() and "warning: value 40 is outside" in err.getvalue()


def test_caret_suggests_power() -> None:
    with pytest.raises(ExprError) as info:
        compile_expr("bonus ^ 2", ["bonus"])
    assert "operator '^' is not allowed" in info.value.message
    assert "'**'" in info.value.message


@pytest.mark.parametrize(("source", "col"), [("2home_bias", 0), ("1 + 2home_bias * 3", 4)])
def test_name_starting_with_a_digit_is_explained(source: str, col: int) -> None:
    with pytest.raises(ExprError) as info:
        compile_expr(source, ["home_bias"])
    assert info.value.message == (
        "'2home_bias' is not a valid name: names cannot start with a digit"
    )
    assert info.value.col == col
    assert "decimal literal" not in info.value.message


def test_exponent_numbers_still_parse() -> None:
    assert compile_expr("2e3 + 1E2", []).constant_value() == pytest.approx(2100)


def test_misspelt_bundled_name_gets_one_suggestion() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("prisoners_dilemm")
    message = str(info.value)
    assert "did you mean prisoners_dilemma?" in message
    assert "battle_of_the_sexes" not in message  # not the whole list


def test_unlike_bundled_name_lists_them() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("qqqqqqqq")
    assert "battle_of_the_sexes" in str(info.value)


# ------------------------------------------------------------------ sim list


def test_first_sentence_is_cut_between_words() -> None:
    text = "A couple wants to spend the evening together but one prefers the opera."
    for width in range(8, len(text) + 5):
        short = _first_sentence(text, width)
        assert len(short) <= width
        if short.endswith("..."):
            head = short[:-3]
            assert text.startswith(head)
            assert text[len(head)] in " ,;:-", (width, short)


def test_sim_list_never_cuts_mid_word() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["list"]) == 0
    for line in out.getvalue().splitlines():
        if line.endswith("..."):
            last = line[:-3].split()[-1]
            assert last.isalpha() or last[-1].isalnum(), line
            # the word before "..." is a whole word of some bundled description
            assert f" {last} " in " ".join(
                p.read_text() for p in (REPO / "scenarios").glob("*.yaml")
            ).replace("\n", " ")
