"""The ``sim`` command line: output, exit statuses and error format.

Most tests call :func:`sim.cli.main.main` in-process (fast); a few run
``python -m sim`` as a real subprocess to check exit codes, that no traceback
ever reaches the user and that piped output carries no colour codes.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import commands
from sim.cli.main import EPILOG, build_parser, main
from sim.scenario.bundled import bundled_scenarios

REPO = Path(__file__).resolve().parent.parent
BUNDLED = bundled_scenarios()
DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: .+: .+$")
ANSI = re.compile(r"\x1b\[")

GOOD = """\
name: Good game
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
matrix: [[[1, 1], [0, 2]], [[2, 0], [1, 1]]]
"""
BAD = """\
name: Bad game
parameters:
  a: 1 +* 2
players:
  A: {moves: [x, y]}
  B: {moves: [x, y]}
payoffs:
  - when: {A: z}
    add: {A: 1}
  - add: {C: 1}
payofs: []
"""
SEQUENTIAL = """\
name: Two stages
parameters: {p: 0.25}
players: {A: , B: }
sequence:
  - player: A
    moves: [x, y]
  - chance: luck
    outcomes: {good: p, bad: 1 - p}
  - player: B
    moves: [u, v]
payoffs:
  - when: {A: x, luck: good}
    add: {A: 1, B: 2}
"""
TREE = """\
name: Tiny tree
players: {A: , B: }
tree:
  player: A
  moves:
    left: {payoffs: {A: 1, B: 0}}
    right:
      player: B
      moves:
        up: {payoffs: {A: 0, B: 1}}
        down: {payoffs: {A: 2, B: 2}}
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``sim ARGV`` in-process; return (exit status, stdout, stderr)."""
    try:
        status = main(list(argv))
    except SystemExit as exc:  # --help and --version exit through argparse
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def run_process(*argv: str, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """Run ``python -m sim ARGV`` as a real process (stdout and stderr are pipes)."""
    env = {**os.environ, **kwargs.pop("env", {})}
    env.pop("SIM_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "sim", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        **kwargs,
    )
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    return result


def assert_diagnostic_lines(err: str) -> list[str]:
    lines = err.splitlines()
    assert lines, "expected errors on stderr"
    for line in lines:
        assert DIAGNOSTIC.match(line), line
    return lines


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    return path


# --------------------------------------------------------------------------- help, version


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import sim

    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out.strip() == f"sim {sim.__version__}"


def test_help_mentions_examples_and_commands(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert "examples:" in out
    assert "sim show missile_shield" in out
    for name in ("list", "validate", "show"):
        assert re.search(rf"^\s+{name}\s", out, re.M), name


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys)
    assert status == 2
    assert "usage:" in out + err


@pytest.mark.parametrize("command", ["list", "validate", "show"])
def test_command_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    status, out, _ = run(capsys, command, "--help")
    assert status == 0
    assert f"sim {command}" in out
    assert "example" in out


def test_every_help_example_names_a_real_command() -> None:
    parser = build_parser()
    registered = {spec.name for spec in commands.COMMANDS}
    examples = [line.strip() for line in EPILOG.splitlines() if line.startswith("  sim ")]
    assert examples
    for example in examples:
        argv = shlex.split(example)[1:]
        assert argv[0] in registered, example
        if "*" not in example:
            parser.parse_args(argv)  # raises UsageError if the example does not parse


# --------------------------------------------------------------------------- list


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "list")
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == len(BUNDLED)
    assert [line.split()[0] for line in lines] == [p.stem for p in BUNDLED]
    (shield,) = [line for line in lines if line.startswith("missile_shield ")]
    assert "The missile shield bargain (2007)" in shield
    assert "The US offers to build its missile shield" in shield
    assert "does not load" not in out


# --------------------------------------------------------------------------- validate


def test_validate_all_bundled(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(p) for p in BUNDLED]
    status, out, err = run(capsys, "validate", *paths)
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == len(paths)
    for path, line in zip(paths, lines, strict=True):
        assert line.startswith(f"{path}: ok ("), line
    assert "missile_shield.yaml: ok (simultaneous, 3 players, 9 parameters)" in out


def test_validate_bundled_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", "prisoners_dilemma", "chicken")
    assert status == 0
    assert out.splitlines() == [
        "prisoners_dilemma: ok (simultaneous, 2 players, 4 parameters)",
        "chicken: ok (simultaneous, 2 players, 3 parameters)",
    ]


def test_validate_sequential_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    seq, tree = tmp_path / "seq.yaml", tmp_path / "tree.yaml"
    seq.write_text(SEQUENTIAL)
    tree.write_text(TREE)
    status, out, err = run(capsys, "validate", str(seq), str(tree))
    assert (status, err) == (0, "")
    assert f"{seq}: ok (sequential, 2 players, 1 parameter)" in out
    assert f"{tree}: ok (sequential, 2 players, 0 parameters)" in out


def test_validate_bad_file(capsys: pytest.CaptureFixture[str], bad_file: Path) -> None:
    status, out, err = run(capsys, "validate", str(bad_file))
    assert status == 1
    assert out == ""
    lines = assert_diagnostic_lines(err)
    assert all(line.startswith(f"{bad_file}:") for line in lines)
    assert f"{bad_file}:3:9: parameters.a: syntax error" in err
    assert f"{bad_file}:8:15: payoffs[0].when.A: 'A' has no move 'z'" in err
    assert f"{bad_file}:10:11: payoffs[1].add.C: unknown player 'C'" in err
    assert f"{bad_file}:11:1: payofs: unknown key 'payofs' (did you mean 'payoffs'?)" in err
    assert len(lines) == 4


def test_validate_good_and_bad(
    capsys: pytest.CaptureFixture[str], good_file: Path, bad_file: Path
) -> None:
    status, out, err = run(capsys, "validate", str(good_file), str(bad_file), "stag_hunt")
    assert status == 1
    assert out.splitlines() == [
        f"{good_file}: ok (simultaneous, 2 players, 0 parameters)",
        "stag_hunt: ok (simultaneous, 2 players, 0 parameters)",
    ]
    assert_diagnostic_lines(err)
    assert str(good_file) not in err


def test_validate_many_mistakes_is_capped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "name: G\nplayers:\n  A: {moves: [x, y]}\n  B: {moves: [x, y]}\npayoffs:\n"
        + "".join(f"  - add: {{A: nosuch{i}}}\n" for i in range(100))
    )
    status, _, err = run(capsys, "validate", str(path))
    assert status == 1
    lines = assert_diagnostic_lines(err)
    assert len(lines) <= 21
    assert "too many errors" in lines[-1]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b"", "file is empty", id="empty"),
        pytest.param(b"\x00\x01\x02binary", "binary", id="binary"),
        pytest.param(b"name: \xff\n", "not UTF-8", id="latin1"),
        pytest.param(b"- a\n- b\n", "top level must be a mapping", id="list"),
        pytest.param(
            b"name: x\nplayers: !!python/object/apply:os.system [ls]\n", "tags", id="python-tag"
        ),
        pytest.param(b"a: &x 1\nb: *x\n", "anchors", id="anchor"),
        pytest.param(b"name: [unclosed\n", "", id="yaml-syntax"),
    ],
)
def test_validate_broken_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    status, out, err = run(capsys, "validate", str(path))
    assert status == 1
    assert out == ""
    lines = assert_diagnostic_lines(err)
    assert words in err
    assert all(line.startswith(f"{path}:") for line in lines)


def test_validate_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    status, out, err = run(capsys, "validate", str(missing))
    assert status == 1
    assert out == ""
    (line,) = assert_diagnostic_lines(err)
    assert line.startswith(f"{missing}:1:1: ")
    assert "no bundled scenario" in line and "sim list" in line


def test_validate_without_files_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "validate")
    assert status == 2
    assert err.startswith("sim: ")


# --------------------------------------------------------------------------- show


def test_show_missile_shield(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "show", "missile_shield")
    assert (status, err) == (0, "")
    assert out.startswith("The missile shield bargain (2007)\n")
    for move in (
        "activate_shield",
        "hold_shield",
        "support_sanctions",
        "veto_sanctions",
        "halt_enrichment",
        "continue_enrichment",
    ):
        assert move in out, move
    assert "Parameters:" in out
    for name in ("shield_value", "shield_threat", "iran_ties", "sanction_cost"):
        assert re.search(rf"^\s+{name}\s+= ", out, re.M), name
    assert re.search(r"shield_threat\s+= 4\b", out)
    assert "*" in out
    assert "[3*, 1*, 0*]" in out  # hold, support, halt: a pure Nash equilibrium
    assert "[-4*, -1*, 3*]" in out  # activate, veto, continue: another one
    assert "best response" in out
    assert not ANSI.search(out)


def test_show_with_set(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "show", "prisoners_dilemma", "--set", "temptation=9")
    assert (status, err) == (0, "")
    assert re.search(r"temptation\s+= 9\b.*set on the command line", out)
    assert "9*, 0" in out and "0, 9*" in out
    assert "[1*, 1*]" in out


def test_show_with_two_sets(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "show", "prisoners_dilemma", "--set", "reward=4", "--set", "punishment=-1"
    )
    assert status == 0
    # With P = -1 < S = 0 the game turns into chicken: two pure equilibria.
    assert "4, 4" in out and "-1, -1" in out
    assert "[0*, 5*]" in out and "[5*, 0*]" in out


def test_show_ordinal_warns(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", "cuban_missile_crisis")
    assert status == 0
    assert "ordinal" in out.lower()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["show", "prisoners_dilemma", "--set", "nosuch=1"], "unknown parameter 'nosuch'"),
        (["show", "prisoners_dilemma", "--set", "temptaton=1"], "did you mean 'temptation'"),
        (["show", "prisoners_dilemma", "--set", "temptation"], "NAME=VALUE"),
        (["show", "prisoners_dilemma", "--set", "temptation=lots"], "not a number"),
        (["show", "prisoners_dilemma", "--set", "temptation=nan"], "finite"),
        (["show", "prisoners_dilemma", "--set"], "expected one argument"),
        (["show"], "required"),
        (["show", "prisoners_dilemma", "--bogus"], "unrecognized arguments"),
        (["frobnicate"], "invalid choice"),
        (["--frobnicate"], "unrecognized arguments"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("sim: ")
    assert words in err


def test_show_missing_file_with_set_reports_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "show", "x", "--set", "nosuch=1")
    assert status == 1
    (line,) = assert_diagnostic_lines(err)
    assert line.startswith("x:1:1: ") and "bundled" in line


def test_show_bad_file(capsys: pytest.CaptureFixture[str], bad_file: Path) -> None:
    status, out, err = run(capsys, "show", str(bad_file))
    assert status == 1
    assert out == ""
    assert len(assert_diagnostic_lines(err)) == 4


def test_show_sequential(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    seq, tree = tmp_path / "seq.yaml", tmp_path / "tree.yaml"
    seq.write_text(SEQUENTIAL)
    tree.write_text(TREE)
    status, out, err = run(capsys, "show", str(seq), "--set", "p=0.5")
    assert (status, err) == (0, "")
    assert "Two stages" in out and "luck" in out and "p = 0.5" in out
    status, out, err = run(capsys, "show", str(tree))
    assert (status, err) == (0, "")
    assert "Tiny tree" in out and "down" in out


def test_internal_error_is_reported_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("SIM_DEBUG", raising=False)
    monkeypatch.setattr(commands, "load_scenario", explode)
    status, _, err = run(capsys, "show", "prisoners_dilemma")
    assert status == 3
    assert "internal error: RuntimeError: boom" in err
    assert "bug" in err


class _FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_color_looks_at_the_current_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys, "stdout", _FakeTerminal())
    on_terminal = commands.use_color()
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    on_pipe = commands.use_color()
    assert (on_terminal, on_pipe) == (True, False)


def test_use_color_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert commands.use_color(_FakeTerminal()) is True
    assert commands.use_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert commands.use_color(_FakeTerminal()) is False


# --------------------------------------------------------------------------- real processes


def test_process_version_and_help() -> None:
    result = run_process("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("sim ")
    result = run_process("--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout


def test_process_validate_exit_codes(good_file: Path, bad_file: Path) -> None:
    ok = run_process("validate", *[str(p) for p in BUNDLED])
    assert ok.returncode == 0
    assert len(ok.stdout.splitlines()) == len(BUNDLED)
    assert ok.stderr == ""
    bad = run_process("validate", str(good_file), str(bad_file))
    assert bad.returncode == 1
    assert f"{good_file}: ok" in bad.stdout
    assert_diagnostic_lines(bad.stderr)


def test_process_usage_and_missing_file() -> None:
    usage = run_process("frobnicate")
    assert usage.returncode == 2
    assert usage.stderr.startswith("sim: ")
    unknown = run_process("show", "prisoners_dilemma", "--set", "nosuch=1")
    assert unknown.returncode == 2
    assert "unknown parameter 'nosuch'" in unknown.stderr
    missing = run_process("show", "no_such_file.yaml")
    assert missing.returncode == 1
    assert "bundled" in missing.stderr
    assert_diagnostic_lines(missing.stderr)


def test_process_piped_output_has_no_colour() -> None:
    result = run_process("show", "missile_shield", env={"NO_COLOR": ""})
    assert result.returncode == 0
    assert "activate_shield" in result.stdout
    assert not ANSI.search(result.stdout)
    assert not ANSI.search(result.stderr)
    listed = run_process("list")
    assert listed.returncode == 0 and not ANSI.search(listed.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pty")
def test_process_terminal_output_is_coloured_unless_no_color() -> None:
    """The colour test above is not vacuous: on a terminal the equilibria are highlighted."""
    import pty

    def on_terminal(extra_env: dict[str, str]) -> str:
        leader, follower = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SIM_DEBUG")}
        env.update(extra_env)
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "sim", "show", "prisoners_dilemma"],
                stdout=follower,
                stderr=subprocess.PIPE,
                timeout=60,
                env=env,
            )
            os.close(follower)
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(leader)
        assert proc.returncode == 0
        assert b"Traceback" not in proc.stderr
        return b"".join(chunks).decode()

    assert ANSI.search(on_terminal({}))
    assert not ANSI.search(on_terminal({"NO_COLOR": "1"}))
