"""``sim target`` in sentences a brief can quote, and as the JSON document of the contract.

Examples
--------
>>> change_phrase("deal_value", 3.0, 4.5)
'deal_value rises from 3 to 4.5'
>>> change_phrase("iran_ties", 2.0, 0.5)
'iran_ties falls from 2 to 0.5'
"""

from __future__ import annotations

from typing import Any

from sim.analysis.target import Answer, TargetResult
from sim.concepts import PURE_NASH, SUBGAME_PERFECT

__all__ = ["change_phrase", "target_document", "target_text"]

_CONCEPT = {
    PURE_NASH: "becomes a pure Nash equilibrium",
    SUBGAME_PERFECT: "becomes the outcome of a subgame-perfect equilibrium",
}
_ALREADY = {
    PURE_NASH: "is already a pure Nash equilibrium",
    SUBGAME_PERFECT: "is already the outcome of a subgame-perfect equilibrium",
}
_NOUN = {
    PURE_NASH: "a pure Nash equilibrium",
    SUBGAME_PERFECT: "the outcome of a subgame-perfect equilibrium",
}
_COUNT = {2: "both", 3: "all three", 4: "all four"}


def _num(x: float) -> str:
    text = f"{x:.6g}"
    return "0" if text in ("-0", "0") else text


def _clean(text: str) -> str:
    """Scenario text made safe for a terminal (control characters escaped)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def change_phrase(name: str, start: float, end: float) -> str:
    """``NAME rises from A to B`` (or falls)."""
    verb = "rises" if end > start else "falls"
    return f"{_clean(name)} {verb} from {_num(start)} to {_num(end)}"


def _changes(answer: Answer) -> list[str]:
    assert answer.values is not None
    return [
        change_phrase(n, a, b)
        for n, a, b in zip(answer.names, answer.start, answer.values, strict=True)
        if b != a
    ]


def _payments(answer: Answer, outcome: str) -> str:
    parts = [f"{_num(x)} from {_clean(a)} to {_clean(b)}" for a, b, x in answer.transfers]
    if not parts:
        return ""
    return f"a payment of {' and '.join(parts)} made only when '{_clean(outcome)}' is played"


def _how(answer: Answer, result: TargetResult) -> str:
    if answer.exact:
        kind = (
            "a linear program" if answer.method == "linear_program" else "a mixed-integer program"
        )
        return f"exact: solved as {kind}"
    why = f"; the payoffs are not affine in them: {_clean(result.reason)}" if result.reason else ""
    return f"not proven cheapest: best point of a seeded search (seed {result.seed}){why}"


def target_text(result: TargetResult) -> str:
    """The answer in plain sentences."""
    name = f"'{_clean(result.outcome)}'"
    margin = f" with every deviation losing at least {_num(result.margin)}" if result.margin else ""
    main = result.answer
    how = _how(main, result)
    how = how[0].upper() + how[1:] + "."
    if main.feasible and main.cost == 0.0:
        return f"{name} {_ALREADY[result.concept]}{margin} at the current values.\n"
    many = len(result.varied) > 1 or result.transfers_asked
    singles = [a for a in result.single if not a.feasible] if many else []
    cannot = [f"{_clean(a.names[0])} alone cannot do it inside its range." for a in singles]
    if not main.feasible:
        names = " and ".join(_clean(n) for n in result.varied)
        where = "its range" if len(result.varied) == 1 else "their ranges"
        what = f"No change of {names} inside {where}" if result.varied else "No payment"
        if result.varied and result.transfers_asked:
            what += ", with or without payments,"
        goal = _NOUN[result.concept]
        return "\n".join([f"{what} makes {name} {goal}{margin}.", *cannot, how]) + "\n"
    ifs = [f"if {' and '.join(_changes(a))}" for a in result.single if a.feasible and _changes(a)]
    sentence = f"{name} {_CONCEPT[result.concept]}{margin} "
    if ifs and many:
        sentence += ", or ".join(ifs) + f"; cheapest with {_together(result)}: "
    elif _changes(main):
        sentence += "if "
    sentence += _main_change(main, result) + f" (cost {_num(main.cost or 0.0)})."
    return "\n".join([sentence, *cannot, how]) + "\n"


def _together(result: TargetResult) -> str:
    n = len(result.varied)
    what = (
        "payments" if n == 0 else _clean(result.varied[0]) if n == 1 else _COUNT.get(n, f"all {n}")
    )
    return f"{what} and payments" if n and result.transfers_asked else what


def _main_change(answer: Answer, result: TargetResult) -> str:
    words = " and ".join(_changes(answer))
    pay = _payments(answer, result.outcome)
    if pay:
        words = f"{words}, with {pay}" if words else f"with {pay}"
    return words or "with no change"


def target_document(result: TargetResult) -> dict[str, Any]:
    """The ``sim target --json`` document (contract keys first, then extras)."""
    main = result.answer
    doc: dict[str, Any] = {
        "outcome": result.outcome,
        "concept": result.concept,
        "feasible": main.feasible,
        "cost": main.cost if main.feasible else None,
        "parameters": _parameters(main),
        "transfers": [{"from": a, "to": b, "amount": x} for a, b, x in main.transfers],
        "exact": main.exact,
        "scenario": result.scenario,
        "margin": result.margin,
        "method": main.method,
        "each_alone": {
            a.names[0]: {
                "feasible": a.feasible,
                "from": a.start[0],
                "to": a.values[0] if a.values else None,
                "cost": a.cost if a.feasible else None,
                "exact": a.exact,
            }
            for a in result.single
        },
    }
    if not main.exact or any(not a.exact for a in result.single):
        doc["seed"] = result.seed
    if result.reason:
        doc["not_affine"] = result.reason
    if main.note:
        doc["note"] = main.note
    return doc


def _parameters(answer: Answer) -> dict[str, dict[str, float]]:
    if answer.values is None:
        return {}
    return {
        n: {"from": a, "to": b}
        for n, a, b in zip(answer.names, answer.start, answer.values, strict=True)
    }
