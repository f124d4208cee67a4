"""The user documentation runs: doctests, YAML examples and command transcripts.

* Every ``docs/*.md`` file is run with :func:`doctest.testfile` (``>>>``
  examples, with ELLIPSIS and NORMALIZE_WHITESPACE).
* The ``sim`` package docstring is run with :func:`doctest.testmod`, and so is
  every module under ``sim/`` whose source holds a ``>>>`` example (the
  public faces of the solver families among them).
* Every fenced ```` ```yaml ```` block whose first line starts with ``name:``
  is a complete scenario: it must load with :func:`sim.load_scenario_text`,
  and solve (a simultaneous one with ``solve_game``, a sequential one with
  ``solve_sequential``, subgame-perfect equilibria only).
* Every fenced ```` ```console ```` block is a transcript: each ``$ sim ...``
  line is run in-process and its output (stdout and stderr) must match the
  lines that follow it, with the same ELLIPSIS and whitespace rules as the
  doctests. Other fences (``sh``, ``text``, ``json``) are not run.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import re
import shlex
from pathlib import Path

import pytest

import sim
from sim.analysis.sequential import solve_sequential
from sim.analysis.solve import solve_game
from sim.cli.main import main

DOCS = Path(__file__).resolve().parent.parent / "docs"
PACKAGE = Path(sim.__file__).resolve().parent
DOC_FILES = sorted(DOCS.glob("*.md"))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)


def _blocks(lang: str) -> list[tuple[str, int, str]]:
    """``(file name, line, body)`` of every fenced block of ``lang`` in the docs."""
    found = []
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            if match.group("lang") == lang:
                line = text.count("\n", 0, match.start("body")) + 1
                found.append((path.name, line, match.group("body")))
    return found


def _scenario_blocks() -> list[tuple[str, int, str]]:
    return [b for b in _blocks("yaml") if b[2].lstrip().startswith("name:")]


def _transcripts() -> list[tuple[str, int, str, str]]:
    """``(file, line, command, expected output)`` of every ``$ sim`` line in console blocks."""
    found = []
    for name, start, body in _blocks("console"):
        command: str | None = None
        line, want = 0, list[str]()
        for offset, text in enumerate(body.splitlines()):
            if text.startswith("$ "):
                if command is not None:
                    found.append((name, line, command, "\n".join(want)))
                command, line, want = text[2:], start + offset, []
            elif command is not None:
                want.append(text)
        if command is not None:
            found.append((name, line, command, "\n".join(want)))
    return found


def _id(item: tuple) -> str:
    return f"{item[0]}:{item[1]}"


def test_docs_exist() -> None:
    names = {p.name for p in DOC_FILES}
    assert {"scenario_format.md", "tutorial.md"} <= names


@pytest.mark.parametrize("path", DOC_FILES, ids=[p.name for p in DOC_FILES])
def test_doctests(path: Path) -> None:
    result = doctest.testfile(
        str(path), module_relative=False, optionflags=FLAGS, encoding="utf-8", verbose=False
    )
    failed = f"{result.failed} of {result.attempted} doctests failed in {path.name}"
    assert result.failed == 0, failed
    if path.name == "tutorial.md":
        assert result.attempted >= 10


def test_package_docstring() -> None:
    result = doctest.testmod(sim, optionflags=FLAGS)
    assert result.failed == 0
    assert result.attempted > 0


def _modules_with_examples() -> list[str]:
    """Dotted names of the modules under ``sim/`` whose source has a ``>>>`` example."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_solver_families_have_examples() -> None:
    names = set(_modules_with_examples())
    families = {
        f"sim.solvers.{f}"
        for f in ("nash", "extensive", "qre", "structure", "bargaining", "target")
    }
    assert families <= names, f"no doctest examples in {sorted(families - names)}"


@pytest.mark.parametrize("name", _modules_with_examples())
def test_module_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=FLAGS)
    assert result.attempted > 0, f"{name}: the examples were not collected"
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctests failed in {name}"


def test_enough_yaml_examples() -> None:
    # Guards against the extraction silently finding nothing.
    assert len(_scenario_blocks()) >= 10


@pytest.mark.parametrize("block", _scenario_blocks(), ids=_id)
def test_yaml_example_loads(block: tuple[str, int, str]) -> None:
    name, line, body = block
    scenario = sim.load_scenario_text(body, f"{name}:{line}")
    if scenario.kind == "simultaneous":
        analysis = solve_game(sim.build_game(scenario))
        assert analysis.equilibria, f"{name}:{line}: no equilibrium found"
    else:
        solved = solve_sequential(scenario, concepts=["subgame_perfect"])
        assert solved.subgame_perfect, f"{name}:{line}: no subgame-perfect equilibrium found"


@pytest.mark.parametrize("transcript", _transcripts(), ids=_id)
def test_console_transcript(
    transcript: tuple[str, int, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, line, command, want = transcript
    argv = shlex.split(command)
    assert argv[0] == "sim", f"{name}:{line}: console blocks may only run `sim` commands"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        main(argv[1:])
    got = out.getvalue()
    checker = doctest.OutputChecker()
    if not checker.check_output(want + "\n", got, FLAGS):
        example = doctest.Example(command, want + "\n")
        diff = checker.output_difference(example, got, FLAGS | doctest.REPORT_UDIFF)
        pytest.fail(f"{name}:{line}: `{command}` printed something else:\n{diff}")
