"""A JSON Schema (draft 2020-12) of the scenario format, version 2, for editors.

Built as a plain dict; ``sim schema`` prints it as JSON. Editors such as VS Code
(YAML extension) use it for completion and hover help. It checks structure only:
the loader remains the judge (expressions, profiles, probabilities).

Examples
--------
>>> schema = scenario_schema()
>>> schema["$schema"]
'https://json-schema.org/draft/2020-12/schema'
>>> sorted(schema["required"])
['name', 'players']
"""

from __future__ import annotations

from typing import Any

__all__ = ["scenario_schema"]

Schema = dict[str, Any]

_NAME = "^[A-Za-z_][A-Za-z0-9_]*$"


def _d(text: str, schema: Schema) -> Schema:
    return {"description": text, **schema}


def _number() -> Schema:
    return _d(
        "a number or an expression of parameters",
        {"anyOf": [{"type": "number"}, {"type": "string", "minLength": 1}]},
    )


def _obj(props: Schema, required: tuple[str, ...] = (), *, extra: bool = False) -> Schema:
    out: Schema = {"type": "object", "properties": props, "additionalProperties": extra}
    if required:
        out["required"] = list(required)
    return out


def _moves() -> Schema:
    return _d("move names", {"type": "array", "items": {"type": "string", "pattern": _NAME}})


def _when() -> Schema:
    one = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    return _d(
        "conditions: player (or stage id) -> move or list of moves",
        {
            "type": "object",
            "additionalProperties": one,
        },
    )


def _payoff_map() -> Schema:
    return _d("player -> payoff", {"type": "object", "additionalProperties": _number()})


def _probabilities() -> Schema:
    table = {"type": "object", "additionalProperties": _number()}
    case = _obj({"when": _when(), "probabilities": table}, ("probabilities",))
    return _d(
        "outcome -> probability, or a list of cases (first matching `when` applies)",
        {"anyOf": [table, {"type": "array", "items": case}]},
    )


def _parameters() -> Schema:
    dist = _d(
        "Monte Carlo distribution",
        {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "properties": {
                k: {"type": "object"}
                for k in ("uniform", "normal", "triangular", "beta", "lognormal")
            },
            "additionalProperties": False,
        },
    )
    full = _obj(
        {
            "value": _number(),
            "range": _d(
                "sweep / tornado bounds",
                {"type": "array", "items": _number(), "minItems": 2, "maxItems": 2},
            ),
            "distribution": dist,
            "description": {"type": "string"},
        },
        ("value",),
    )
    return _d(
        "named numbers (a value, or value/range/distribution/description)",
        {
            "type": "object",
            "propertyNames": {"pattern": _NAME},
            "additionalProperties": {"anyOf": [_number(), full]},
        },
    )


def _players() -> Schema:
    player = _obj({"moves": _moves(), "description": {"type": "string"}})
    return _d(
        "players in order; the first is the row player",
        {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": player,
        },
    )


def _stage() -> Schema:
    return _obj(
        {
            "id": _d("stage id (default: the player's name)", {"type": "string", "pattern": _NAME}),
            "player": {"type": "string"},
            "moves": _moves(),
            "observes": _d(
                "earlier stages the mover sees", {"type": "array", "items": {"type": "string"}}
            ),
            "when": _d("the stage happens only on these histories", _when()),
            "chance": _d("a chance stage: its id", {"type": "string", "pattern": _NAME}),
            "outcomes": _probabilities(),
            "beliefs": _d(
                "player -> own probabilities",
                {"type": "object", "additionalProperties": _probabilities()},
            ),
            "description": {"type": "string"},
        }
    )


def _tree() -> Schema:
    node = {
        "type": "object",
        "properties": {
            "player": {"type": "string"},
            "infoset": _d("nodes sharing a label share an information set", {"type": "string"}),
            "chance": _d(
                "outcome -> probability", {"type": "object", "additionalProperties": _number()}
            ),
            "beliefs": {"type": "object"},
            "moves": _d(
                "move -> child node",
                {"type": "object", "additionalProperties": {"$ref": "#/$defs/node"}},
            ),
            "payoffs": _payoff_map(),
            "label": {"type": "string"},
        },
        "additionalProperties": False,
    }
    return node


def _negotiation() -> Schema:
    return _obj(
        {
            "parties": _d(
                "who bargains (default every player)",
                {"type": "array", "items": {"type": "string"}},
            ),
            "disagreement": _d(
                "equilibrium, security, payoffs, or {when: ...}",
                {"anyOf": [{"enum": ["equilibrium", "security"]}, {"type": "object"}]},
            ),
            "select": {"type": "string"},
            "lotteries": {"type": "boolean"},
            "power": _payoff_map(),
            "transfers": {
                "type": "array",
                "items": _obj(
                    {
                        "from": {"type": "string"},
                        "to": {"type": "string"},
                        "max": _number(),
                        "rate": _number(),
                    },
                    ("from", "to"),
                ),
            },
            "discount": _payoff_map(),
            "first": {"type": "string"},
        }
    )


def scenario_schema() -> Schema:
    """The JSON Schema (draft 2020-12) of a scenario file, with descriptions for hover help."""
    rule = _obj({"label": {"type": "string"}, "when": _when(), "add": _payoff_map()}, ("add",))
    row = _obj(
        {"moves": {"type": "object"}, "payoffs": _payoff_map(), "label": {"type": "string"}},
        ("moves", "payoffs"),
    )
    cell = {"anyOf": [_number(), {"type": "array", "items": _number()}]}
    label = _obj({"when": _when(), "name": {"type": "string"}}, ("name",))
    props: Schema = {
        "name": _d("title shown in every output", {"type": "string", "minLength": 1}),
        "description": _d("free text", {"type": "string"}),
        "source": _d("a citation", {"type": "string"}),
        "parameters": _parameters(),
        "players": _players(),
        "payoffs": _d("additive payoff rules", {"type": "array", "items": rule}),
        "outcomes": _d("full outcome table", {"type": "array", "items": row}),
        "matrix": _d(
            "two-player bimatrix: rows = first player's moves",
            {"type": "array", "items": {"type": "array", "items": cell}},
        ),
        "zero_sum": _d("matrix cells may hold the row player's payoff only", {"type": "boolean"}),
        "payoff_scale": {"enum": ["cardinal", "ordinal"]},
        "sequence": _d("ordered stages of a sequential game", {"type": "array", "items": _stage()}),
        "tree": _d("an explicit game tree", {"$ref": "#/$defs/node"}),
        "labels": _d("names for outcomes (first match)", {"type": "array", "items": label}),
        "negotiation": _d("who bargains, disagreement point, transfers", _negotiation()),
        "solve": _d("default solution concepts and settings", {"type": "object"}),
        "analysis": _d("default sweeps, grids, Monte Carlo", {"type": "object"}),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sim scenario (format version 2)",
        "type": "object",
        "required": ["name", "players"],
        "properties": props,
        "additionalProperties": False,
        "$defs": {"node": _tree()},
    }
