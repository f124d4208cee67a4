"""Regression tests for issue 10: keys, escaping, atomic outputs, memory, ties, QRE, overflow."""

from __future__ import annotations

import doctest
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import sim
import sim.atomic_write
import sim.games.infoset_keys
import sim.solvers.qre.qre_points
import sim.textsafe
from sim.analysis.sequential import solve_sequential
from sim.analysis.solve import MAX_LISTED_EQUILIBRIA, SolveOptions, solve_game
from sim.atomic_write import write_atomic
from sim.cli import main as cli_main
from sim.cli.outputs import check_output, write_text
from sim.errors import Diagnostic, Location, ScenarioError, UsageError
from sim.games.extensive_build import build_extensive
from sim.games.infoset_keys import escape_key_part, unescape_key_part
from sim.games.normal_form import build_game
from sim.report.json_out import solve_document
from sim.report.text import solve_report
from sim.scenario.payoffs import payoff_tensor
from sim.solvers.nash.pure_nash import pure_nash
from sim.solvers.qre.qre_points import logit_qre_points
from sim.textsafe import SafeCsvWriter, csv_cell, escape_block, escape_text

ROOT = Path(__file__).resolve().parent.parent
ADV = Path(__file__).resolve().parent / "adversarial"


@pytest.mark.parametrize(
    "module", [sim.textsafe, sim.atomic_write, sim.games.infoset_keys, sim.solvers.qre.qre_points]
)
def test_module_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# --- item 3: information-set keys -------------------------------------------------------


@pytest.mark.parametrize("name", ["s=a", "a@b", "x,y", "p:q", "100%", "it's", "plain", "é=@,"])
def test_key_escape_round_trip(name):
    escaped = escape_key_part(name)
    assert not set("@=,:'") & set(escaped)
    assert unescape_key_part(escaped) == name


def _renamed(text: str, new: str) -> str:
    return text.replace('"s=a"', new)


def test_collision_game_keys_are_distinct_and_equilibria_match_a_plain_name():
    text = (ADV / "infoset_key_collision.yaml").read_text()
    tricky = sim.load_scenario_text(text)
    plain = sim.load_scenario_text(_renamed(text, "s_a"))
    keys = [h.key for h in build_extensive(tricky).infosets]
    assert len(set(keys)) == len(keys) == 3
    assert "s%3Da@s=a" in keys and "s%3Da@s%3Da" in keys
    assert [unescape_key_part(k.split("@")[0]) for k in keys].count("s=a") == 2
    a, b = solve_sequential(tricky), solve_sequential(plain)
    assert len(a.nash) == len(b.nash) == 4
    for x, y in zip(a.nash, b.nash, strict=True):
        assert np.allclose(x.payoffs, y.payoffs)
        assert len(x.behaviour) == len(y.behaviour) == 3


def test_ordinary_key_format_unchanged():
    game = build_extensive(sim.load_scenario("missile_shield_deal"))
    keys = {h.key for h in game.infosets}
    assert "Russia@offer=offer_deal" in keys


# --- item 5: escaping ----------------------------------------------------------------------

HOSTILE = "a\x1b[2J\x1b]0;t\x07\r\x85\u2028\u2029\u202e\u2066\x9b\x00\tz"


def test_escape_text_leaves_no_control_or_bidi_character():
    out = escape_text(HOSTILE)
    assert all(ch.isprintable() for ch in out)
    assert out.startswith("a\\x1b[2J") and "\\u202e" in out and "\\x85" in out
    assert escape_text("Côte d'Ivoire — ok") == "Côte d'Ivoire — ok"


def test_escape_block_keeps_lines_and_tabs():
    assert escape_block("a\nb\tc\rd") == "a\nb\tc\\rd"


def test_diagnostic_is_one_escaped_line():
    d = Diagnostic(Location("f\x1b.yaml", 2, 3), "players.A\x1b", "bad \u202ename\nsecond")
    text = str(d)
    assert "\n" not in text and "\x1b" not in text and "\u202e" not in text
    assert text == "f\\x1b.yaml:2:3: players.A\\x1b: bad \\u202ename\\nsecond"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1+1", "'+1+1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-2+3", "'-2+3"),
        ("-2.5", "-2.5"),
        ("-1e-05", "-1e-05"),
        ("-inf", "-inf"),
        ("Deal", "Deal"),
        (-3, -3),
    ],
)
def test_csv_cell(cell, expected):
    assert csv_cell(cell) == expected


def test_safe_csv_writer_quotes_and_neutralises():
    buf = io.StringIO()
    SafeCsvWriter(buf).writerow(['=HYPERLINK("x")', "-1", 2.5])
    assert buf.getvalue() == '"\'=HYPERLINK(""x"")",-1,2.5\n'


def test_sweep_csv_neutralises_labels_but_not_negative_numbers():
    from sim.analysis.sweep import sweep
    from sim.report.sensitivity import sweep_csv

    scenario = sim.load_scenario(ADV / "terminal_injection.yaml")
    text = sweep_csv(sweep(scenario, "k", np.array([-1.0, 1.0])))
    rows = text.splitlines()
    assert rows[1].startswith("-1,")
    assert ",\"'=HYPERLINK" in text and ',"=HYPERLINK' not in text


# --- item 6: atomic, no-clobber outputs ---------------------------------------------------


def test_concurrent_writers_exactly_one_wins(tmp_path):
    dest = tmp_path / "out.png"
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def writer(k: int) -> None:
        def body(handle) -> None:
            barrier.wait()
            handle.write(f"writer {k}".encode())

        try:
            write_atomic(dest, body, replace=False)
            outcomes.append(f"won {k}")
        except FileExistsError:
            outcomes.append("exists")

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(winners) == 1 and outcomes.count("exists") == 7
    assert dest.read_text() == winners[0].replace("won", "writer")
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_concurrent_processes_exactly_one_wins(tmp_path):
    dest = tmp_path / "race.txt"
    go = tmp_path / "go"
    code = (
        "import os, sys, time, pathlib\n"
        "from sim.cli.outputs import write_text\n"
        "from sim.errors import UsageError\n"
        f"go = pathlib.Path({str(go)!r})\n"
        "while not go.exists(): time.sleep(0.001)\n"
        "try:\n"
        f"    write_text(pathlib.Path({str(dest)!r}), sys.argv[1] * 100000)\n"
        "except UsageError as exc:\n"
        "    print(exc); sys.exit(2)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, tag], env=env, stdout=subprocess.PIPE)
        for tag in "ab"
    ]
    time.sleep(0.5)
    go.touch()
    results = [(p.wait(30), p.stdout.read().decode() if p.stdout else "") for p in procs]
    statuses = sorted(r[0] for r in results)
    assert statuses == [0, 2], results
    assert any("already exists" in out for _, out in results)
    assert dest.read_text() in ("a" * 100000, "b" * 100000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["go", "race.txt"]


def test_dangling_symlink_is_refused_without_force(tmp_path):
    link = tmp_path / "plot.png"
    link.symlink_to(tmp_path / "missing" / "target.png")
    with pytest.raises(UsageError, match="already exists"):
        check_output(link, force=False)
    with pytest.raises(UsageError, match="already exists"):
        write_text(link, "x")
    assert link.is_symlink() and not (tmp_path / "missing").exists()
    write_text(check_output(link, force=True), "new", force=True)
    assert not link.is_symlink() and link.read_text() == "new"


def test_force_replaces_atomically(tmp_path):
    dest = tmp_path / "a.txt"
    write_text(dest, "one")
    with pytest.raises(UsageError, match="already exists"):
        write_text(dest, "two")
    write_text(dest, "two", force=True)
    assert dest.read_text() == "two" and len(list(tmp_path.iterdir())) == 1


def test_long_output_name_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="too long"):
        check_output(tmp_path / ("x" * 300 + ".png"), force=False)


def test_sigterm_during_save_leaves_no_temporary_file(tmp_path):
    dest = tmp_path / "slow.txt"
    code = (
        "import pathlib, sys, time\n"
        "from sim.cli.main import _exit_on_sigterm\n"
        "from sim.atomic_write import write_atomic\n"
        "_exit_on_sigterm()\n"
        "def body(handle):\n"
        "    handle.write(b'partial'); handle.flush()\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(30)\n"
        f"write_atomic(pathlib.Path({str(dest)!r}), body, replace=False)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"writing\n"
    assert len(list(tmp_path.iterdir())) == 1  # the hidden temporary file
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


# --- item 8 (error handler) ---------------------------------------------------------------


def _main_raising(monkeypatch, error: BaseException) -> int:
    """Run ``sim list`` with its command replaced by one that raises ``error``."""

    def explode(args):
        raise error

    parser = cli_main.build_parser()
    args = parser.parse_args(["list"])
    args.handler = explode

    class Fixed:
        def parse_args(self, argv):
            return args

    monkeypatch.setattr(cli_main, "build_parser", Fixed)
    return cli_main.main(["list"])


def test_memory_error_is_a_clear_message(monkeypatch, capfd):
    assert _main_raising(monkeypatch, MemoryError()) == 1
    err = capfd.readouterr().err
    assert "out of memory" in err and "Traceback" not in err


def test_internal_error_handler_survives_a_broken_exception(monkeypatch, capfd):
    class Nasty(Exception):
        def __str__(self):
            raise RuntimeError("no text either")

    assert _main_raising(monkeypatch, Nasty()) == 3
    assert "internal error" in capfd.readouterr().err


# --- item 7: payoff rules without dense masks ---------------------------------------------


def _dense_reference(scenario, env):
    """Payoffs with one dense mask per rule (the old method), for comparison."""
    shape = tuple(len(p.moves) for p in scenario.players)
    batch = len(next(iter(env.values()))) if env else 1
    out = np.zeros((batch, len(shape), *shape))
    index = {name: i for i, name in enumerate(scenario.player_names)}
    for rule in scenario.payoff_rules:
        conds = rule.when.as_dict()
        mask = np.ones(())
        for p in scenario.players:
            vec = np.array([conds.get(p.name) is None or m in conds[p.name] for m in p.moves])
            mask = np.multiply.outer(mask, vec.astype(float))
        for player, formula in rule.add:
            value = np.broadcast_to(np.asarray(formula.evaluate(env), float), (batch,))
            out[:, index[player]] += value.reshape(-1, *(1,) * len(shape)) * mask
    return out


@pytest.mark.parametrize("seed", range(40))
def test_rules_match_dense_masks(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5))
    sizes = [int(rng.integers(2, 6)) for _ in range(n)]
    lines = ["name: t", "parameters: {k: 1}", "players:"]
    for i, m in enumerate(sizes):
        lines.append(f"  P{i}: {{moves: [{', '.join(f'm{j}' for j in range(m))}]}}")
    lines.append("payoffs:")
    for _ in range(int(rng.integers(1, 9))):
        conds = []
        for i, m in enumerate(sizes):
            if rng.random() < 0.5:
                chosen = rng.choice(m, size=int(rng.integers(1, m + 1)), replace=False)
                conds.append(f"P{i}: [{', '.join(f'm{j}' for j in sorted(chosen))}]")
        adds = [f"P{i}: {int(rng.integers(-5, 6))} * k + 1" for i in range(n) if rng.random() < 0.7]
        adds = adds or ["P0: k"]
        when = f"when: {{{', '.join(conds)}}}, " if conds else ""
        lines.append(f"  - {{{when}add: {{{', '.join(adds)}}}}}")
    scenario = sim.load_scenario_text("\n".join(lines) + "\n")
    env = {"k": np.linspace(-1.0, 2.0, 4)}
    expected = _dense_reference(scenario, env)
    assert np.allclose(payoff_tensor(scenario, env), expected, rtol=1e-12, atol=1e-12)


def test_rule_memory_is_the_tensor_not_rules_times_profiles():
    scenario = sim.load_scenario(ADV / "rules_7x10_60.yaml")
    text = (ADV / "rules_7x10_60.yaml").read_text().replace("  P6:", "  Q6:")
    text = "\n".join(line for line in text.splitlines() if "P6" not in line and "Q6" not in line)
    small = sim.load_scenario_text(text + "\n")  # 6 players: a 10^6-profile tensor
    assert len(scenario.payoff_rules) == 60
    tracemalloc.start()
    tensor = payoff_tensor(small, {})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The dense-mask method needed about rules x profiles x 8 bytes (~0.4 GB) here.
    assert peak < 1.5 * tensor.nbytes


# --- item 8: all-equal payoffs ------------------------------------------------------------


def test_all_equal_game_lists_a_bounded_number_and_reports_the_count():
    scenario = sim.load_scenario(ADV / "all_equal_4x10.yaml")
    game = build_game(scenario)
    start = time.monotonic()
    analysis = solve_game(game, SolveOptions(concepts=("pure_nash",)))
    assert time.monotonic() - start < 10
    assert len(analysis.equilibria) == MAX_LISTED_EQUILIBRIA
    assert analysis.total_equilibria == 10_000
    assert all(analysis.pareto_equilibria)
    doc = solve_document(scenario, analysis)
    assert doc["equilibria_total"] == 10_000 and doc["equilibria_listed"] == 100
    assert "10,000 found" in solve_report(scenario, analysis)


def test_pure_nash_limit_counts_every_equilibrium():
    u = np.zeros((2, 30, 30))
    res = pure_nash(u, limit=7)
    assert len(res.equilibria) == 7 and res.total == 900
    assert pure_nash(u).total is None and len(pure_nash(u)) == 900


def test_nearly_all_equal_game_is_not_shortcut():
    u = np.zeros((3, 4, 4, 4))
    u[0, 1, 2, 3] = 1.0  # player 0 now cares about its own move at one profile
    game_eqs = pure_nash(u)
    scenario_text = "name: t\nplayers:\n" + "".join(
        f"  P{i}: {{moves: [a, b, c, d]}}\n" for i in range(3)
    )
    scenario_text += "payoffs:\n  - when: {P0: b, P1: c, P2: d}\n    add: {P0: 1}\n"
    scenario = sim.load_scenario_text(scenario_text)
    analysis = solve_game(build_game(scenario), SolveOptions(concepts=("pure_nash",)))
    assert analysis.methods == (("pure_nash", "best_response_enumeration"),)
    assert len(analysis.equilibria) == min(len(game_eqs), 100)
    assert analysis.total_equilibria == (len(game_eqs) if len(game_eqs) > 100 else None)


# --- item 10: QRE that cannot be traced ---------------------------------------------------


def test_qre_keeps_reached_points_and_says_why():
    scenario = sim.load_scenario("missile_shield")
    game = build_game(scenario, {"iran_ties": 1e8})
    res = logit_qre_points(game.payoffs, [0.0, 2.0])
    assert res.points[0] is not None and res.points[1] is None and res.stopped
    analysis = solve_game(game, SolveOptions(concepts=("pure_nash", "qre"), qre_lambdas=(0, 2)))
    assert len(analysis.qre) == 1 and analysis.qre_notes
    assert "No QRE point at lambda = 2" in solve_report(scenario, analysis)
    doc = solve_document(scenario, analysis)
    assert any("No QRE point" in note for note in doc["notes"])
    json.dumps(doc)


# --- item 11: overflow --------------------------------------------------------------------


def test_rules_summing_past_float_max_are_located():
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(ADV / "overflow_rules.yaml")
    assert "payoffs must stay within" in str(info.value)


def test_set_value_that_overflows_is_located():
    scenario = sim.load_scenario(ADV / "sweepable.yaml")
    with pytest.raises(ScenarioError, match=r"matrix\[0\]\[0\]: the payoff of A"):
        build_game(scenario, {"k": 1e305})
    assert build_game(scenario, {"k": 1e300}).payoffs.max() == 1e300
