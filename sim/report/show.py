"""Plain-text descriptions of a scenario: parameters and sequential structure."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from sim.formatting import format_number
from sim.scenario.model import Scenario, TreeNode
from sim.scenario.parameters import parameter_env

__all__ = ["describe_parameters", "describe_sequential", "describe_tree"]


def describe_parameters(scenario: Scenario, overrides: Mapping[str, float] | None = None) -> str:
    """One line per parameter: value (marking ``--set`` and derived ones), range, description."""
    if not scenario.parameters:
        return "Parameters: none"
    overrides = overrides or {}
    env = parameter_env(scenario.parameters, overrides)
    width = max(len(p.name) for p in scenario.parameters)
    lines = ["Parameters:"]
    for param in scenario.parameters:
        value = format_number(float(env[param.name]))
        notes = []
        if param.name in overrides:
            notes.append("set on the command line")
        elif param.derived:
            notes.append(f"= {param.formula.expr.source}")
        if param.range:
            notes.append(f"range {format_number(param.range[0])}..{format_number(param.range[1])}")
        if param.distribution:
            notes.append(str(param.distribution))
        extra = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(f"  {param.name.ljust(width)} = {value}{extra}")
        if param.description:
            pad = " " * (width + 5)
            text = " ".join(param.description.split())
            lines.extend(textwrap.wrap(text, 88, initial_indent=pad, subsequent_indent=pad))
    return "\n".join(lines)


def describe_sequential(scenario: Scenario) -> str:
    """The stages of a ``sequence`` game, or the ``tree`` as indented text."""
    if scenario.tree is not None:
        return "Game tree:\n" + describe_tree(scenario.tree)
    lines = ["Stages (in order):"]
    for i, stage in enumerate(scenario.sequence or (), start=1):
        if stage.chance is not None:
            odds = ", ".join(f"{k}: {f.expr.source}" for k, f in stage.chance)
            lines.append(f"  {i}. chance '{stage.id}': {odds}")
        else:
            lines.append(f"  {i}. {stage.player} ('{stage.id}') chooses {' or '.join(stage.moves)}")
        if stage.when:
            lines.append(f"     only when {stage.when}")
        if stage.player is not None and stage.observes != tuple(
            s.id for s in (scenario.sequence or ())[: i - 1]
        ):
            seen = ", ".join(stage.observes) if stage.observes else "nothing earlier"
            lines.append(f"     observes: {seen}")
    return "\n".join(lines)


def describe_tree(root: TreeNode, indent: str = "  ") -> str:
    """An explicit tree as indented text (iterative: no recursion limit)."""
    lines: list[str] = []
    stack: list[tuple[str, TreeNode, int]] = [("", root, 0)]
    while stack:
        move, node, depth = stack.pop()
        pad = indent * (depth + 1)
        head = f"{move} -> " if move else ""
        lines.append(pad + head + _node_text(node))
        for name, child in reversed(node.children):
            prob = ""
            if node.chance is not None:
                prob = f"[{dict(node.chance)[name].expr.source}] "
            stack.append((prob + name, child, depth + 1))
    return "\n".join(lines)


def _node_text(node: TreeNode) -> str:
    if node.payoffs is not None:
        pays = ", ".join(f"{p}: {f.expr.source}" for p, f in node.payoffs)
        label = f'  "{node.label}"' if node.label else ""
        return f"payoffs {pays}{label}"
    if node.chance is not None:
        return "chance"
    infoset = f" (information set {node.infoset})" if node.infoset else ""
    return f"{node.player} chooses{infoset}"
