"""The layers import one way, as the README's design notes say (checked by AST over sim/).

scenario -> games -> solvers -> analysis -> report / plots -> cli. A module may
import from its own layer, the layers before it and the shared base modules
(errors, concepts, arrays, scales, formatting, expressions, the YAML reader); report
and plots do not import each other. Only the YAML reader imports ``yaml``,
only ``sim/plots`` imports matplotlib, only ``sim/cli`` imports argparse or
speaks in command-line terms (``UsageError``, ``--flags``, ``sim COMMAND``).
Every import counts, also those inside functions.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim

PACKAGE = Path(sim.__file__).resolve().parent
ORDER = {"scenario": 0, "games": 1, "solvers": 2, "analysis": 3, "report": 4, "plots": 4, "cli": 5}
BASE = {
    "errors",
    "concepts",
    "arrays",
    "scales",
    "textsafe",
    "atomic_write",
    "formatting",
    "expr",
    "expr_nodes",
    "yamlio",
}
YAML_READERS = {"yamlio.py"}
#: ``import sim`` (the public names) and ``python -m sim`` (the command line).
ENTRY_POINTS = {"__init__.py", "__main__.py"}
CLI_WORDS = re.compile(r"(?<![\w-])--[a-z][a-z-]+|`sim [a-z]+`|\bsim (solve|sweep|show|plot)\b")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _layer(rel: str) -> str:
    """``scenario``... for a module in a layer folder, ``base`` for sim/*.py."""
    head = rel.split("/")[0]
    return head if head in ORDER else "base"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "sim":
                found.extend((node.lineno, f"sim.{a.name}") for a in node.names)
    return found


def _target_layer(module: str) -> str | None:
    """The layer of an imported ``sim.*`` module (None for ``sim`` itself)."""
    parts = module.split(".")
    if parts[0] != "sim" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in ORDER else "base"


def _violations(rule) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for path in _modules():
        rel = _rel(path)
        for line, module in _imports(path):
            problem = rule(rel, module)
            if problem:
                out.append(f"sim/{rel}:{line}: imports {module}: {problem}")
    return out


def _layer_rule(rel: str, module: str) -> str | None:
    here, there = _layer(rel), _target_layer(module)
    if there is None or there == "base" or rel in ENTRY_POINTS:
        return None
    if here == "base":
        return f"a base module may not import the {there} layer"
    if ORDER[there] > ORDER[here]:
        return f"the {here} layer may not import the later {there} layer"
    if ORDER[there] == ORDER[here] and there != here:
        return f"{here} and {there} do not import each other"
    return None


def test_layers_import_one_way() -> None:
    assert _violations(_layer_rule) == []


def test_only_the_yaml_reader_imports_yaml() -> None:
    def rule(rel: str, module: str) -> str | None:
        top = module.split(".")[0]
        return "yaml outside the reader" if top == "yaml" and rel not in YAML_READERS else None

    assert _violations(rule) == []


def test_only_plots_import_matplotlib() -> None:
    def rule(rel: str, module: str) -> str | None:
        top = module.split(".")[0]
        return (
            "matplotlib outside sim/plots"
            if top == "matplotlib" and _layer(rel) != "plots"
            else None
        )

    assert _violations(rule) == []


def test_only_the_cli_imports_argparse_or_usage_errors() -> None:
    def rule(rel: str, module: str) -> str | None:
        if _layer(rel) == "cli":
            return None
        return "argparse below sim/cli" if module.split(".")[0] == "argparse" else None

    assert _violations(rule) == []
    users = []
    for path in _modules():
        rel = _rel(path)
        if _layer(rel) == "cli" or rel in ("errors.py", "__init__.py"):
            continue
        names = {
            n.id
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Name)
        }
        if "UsageError" in names:
            users.append(f"sim/{rel}")
    assert users == [], "raise sim.errors.RequestError below sim/cli"


def _messages(path: Path) -> list[tuple[int, str]]:
    """String constants that are not docstrings (messages, labels, report text)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_command_line_vocabulary_below_the_cli() -> None:
    found = []
    for path in _modules():
        rel = _rel(path)
        if _layer(rel) == "cli":
            continue
        for line, text in _messages(path):
            if CLI_WORDS.search(text):
                found.append(f"sim/{rel}:{line}: {text!r}")
    assert found == []


@pytest.mark.parametrize("rule", [_layer_rule])
def test_the_rules_can_fail(rule) -> None:  # type: ignore[no-untyped-def]
    # guards against a rule that never fires
    assert rule("solvers/x.py", "sim.analysis.solve")
    assert rule("report/x.py", "sim.plots.common")
    assert rule("errors.py", "sim.scenario.model")
    assert not rule("analysis/x.py", "sim.solvers.verify")
    assert CLI_WORDS.search("run `sim sweep` instead") and CLI_WORDS.search("see --json")
    assert not CLI_WORDS.search("a well-known game: 3 -- 4")


def test_importing_sim_imports_no_matplotlib() -> None:
    code = (
        "import sys, sim, sim.analysis.sweep, sim.analysis.sequential, sim.report.text, "
        "sim.report.sensitivity, sim.solvers.qre, sim.solvers.nash, sim.solvers.extensive\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
