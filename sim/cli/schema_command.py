"""``sim schema``: the JSON Schema of the scenario format, for editors."""

from __future__ import annotations

import argparse
import json

__all__ = ["SCHEMA_COMMAND"]


def _schema_args(parser: argparse.ArgumentParser) -> None:
    del parser


def _run_schema(args: argparse.Namespace) -> int:
    from sim.scenario.json_schema import scenario_schema

    del args
    print(json.dumps(scenario_schema(), indent=2))
    return 0


def _command():  # type: ignore[no-untyped-def]
    from sim.cli.commands import Command

    return Command(
        "schema",
        "print the JSON Schema of the scenario format (for editors)",
        "Print a JSON Schema (draft 2020-12) of the scenario format. Save it and point\n"
        "your editor at it for completion and hover help; see docs/editors.md.\n"
        "It checks structure only: `sim validate` remains the judge.",
        "examples:\n  sim schema > sim-scenario.schema.json",
        _schema_args,
        _run_schema,
    )


SCHEMA_COMMAND = _command
