"""The text report of ``sim bargain``: who gains from a deal, how much, and who holds the pivot."""

from __future__ import annotations

import textwrap

import numpy as np

from sim.analysis.bargain import Agreement, BargainAnalysis, Solution
from sim.analysis.bargain_linkage import linkage
from sim.report.table import format_number

__all__ = ["bargain_report", "safe"]

NAMES = {
    "nash": "Nash bargaining solution",
    "kalai_smorodinsky": "Kalai-Smorodinsky solution",
    "egalitarian": "Egalitarian solution",
    "utilitarian": "Utilitarian solution",
    "alternating_offers": "Alternating offers (Rubinstein)",
}
WIDTH = 88


def safe(text: str) -> str:
    """Scenario text with control characters escaped, fit for a terminal."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def _num(x: float) -> str:
    return format_number(float(x))


def _pay(parties: tuple[str, ...], values: np.ndarray) -> str:
    return ", ".join(f"{safe(p)} {_num(v)}" for p, v in zip(parties, values, strict=True))


def _para(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def _and(names: list[str]) -> str:
    names = [safe(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def bargain_report(analysis: BargainAnalysis) -> str:
    """Plain sentences about the deal zone, the solutions, commitment and coalitions."""
    parts = [_header(analysis), _agreements(analysis), _verdict(analysis)]
    parts.append(_solutions(analysis))
    parts.append(_linkage(analysis))
    if analysis.coalitions is not None:
        parts.append(_coalitions(analysis))
    tail = [
        "Every solution shown was checked independently: its lottery and transfers give the "
        "payoffs shown, each party gets at least its disagreement payoff, and no other "
        "feasible agreement does better by the solution's own criterion."
    ]
    tail += [f"Note: {safe(n)}." for n in analysis.notes]
    parts.append("\n".join(_para(t) for t in tail))
    return "\n\n".join(p for p in parts if p) + "\n"


def _header(a: BargainAnalysis) -> str:
    title = f"Bargaining: {safe(a.scenario)}"
    params = ", ".join(f"{safe(k)} = {_num(v)}" for k, v in a.parameters.items())
    others = [p for p in a.players if p not in a.parties]
    who = f"Parties: {_and(list(a.parties))}."
    if others:
        verb = "is" if len(others) == 1 else "are"
        who += (
            f" {_and(others)} {verb} not at the table and respond{'s' if len(others) == 1 else ''}"
        )
        who += " as the game predicts to whatever the parties agree."
    lines = [title, "=" * len(title)]
    if params:
        lines.append(_para(f"Parameters: {params}"))
    lines.append(_para(who))
    lines.append(_para(_disagreement_text(a)))
    return "\n".join(lines)


def _disagreement_text(a: BargainAnalysis) -> str:
    values = _pay(a.parties, a.disagreement)
    kind = a.disagreement_kind
    if kind == "numbers":
        return f"Without a deal (numbers given in the file): {values}."
    if kind == "security":
        return f"Without a deal each party falls back on its security level: {values}."
    label = _outcome_name(a.disagreement_response)
    what = "the predicted equilibrium" if kind == "equilibrium" else "the outcome the file names"
    return f"Without a deal ({what}{label}): {values}."


def _outcome_name(response) -> str:  # type: ignore[no-untyped-def]
    if response is None:
        return ""
    labels = list(dict.fromkeys(o[2] for o in response.outcomes if o[2]))
    return f', "{safe(" / ".join(labels))}"' if labels else ""


def _agreement_line(a: BargainAnalysis, ag: Agreement) -> str:
    names = _names(a, ag)
    label = f' "{safe(ag.label)}"' if ag.label else ""
    flags = [f for f, on in (("in the zone", ag.in_zone), ("Pareto-optimal", ag.pareto)) if on]
    tail = f"  [{', '.join(flags)}]" if flags else ""
    return f"  {names} ->{label}: {_pay(a.parties, ag.payoffs)}{tail}"


def _names(a: BargainAnalysis, ag: Agreement) -> str:
    """The parties' moves: ``m1 + m2``, or ``P1: plan | P2: plan`` for plans with stages."""
    if any(";" in n or ":" in n for n in ag.names):
        return " | ".join(f"{safe(p)}: {safe(n)}" for p, n in zip(a.parties, ag.names, strict=True))
    return " + ".join(safe(n) for n in ag.names)


def _agreements(a: BargainAnalysis) -> str:
    shown = list(a.agreements)
    if len(shown) > 24:
        shown = [g for g in shown if g.in_zone or g.pareto][:24]
        head = (
            f"Agreements ({len(a.agreements)}; those in the zone or Pareto-optimal shown, "
            "the rest in the JSON output):"
        )
    else:
        head = f"Agreements ({_and(list(a.parties))} commit; what follows):"
    return "\n".join([head, *(_agreement_line(a, g) for g in shown)])


def _verdict(a: BargainAnalysis) -> str:
    tol = 1e-9 * a.feasible.scale(a.disagreement)
    gaining = [g for g in a.agreements if np.all(g.payoffs > a.disagreement + tol)]
    parties = _and(list(a.parties))
    if gaining:
        best = max(gaining, key=lambda g: float((g.payoffs - a.disagreement).sum()))
        gains = ", ".join(
            f"{safe(p)} +{_num(x)}"
            for p, x in zip(a.parties, best.payoffs - a.disagreement, strict=True)
        )
        name = f'"{safe(best.label)}"' if best.label else _names(a, best)
        both = "both" if len(a.parties) == 2 else "all"
        fallback = _outcome_name(a.disagreement_response).lstrip(", ")
        over = f"no deal ({fallback})" if fallback else "no deal"
        return _para(f"A deal exists: {both} {parties} gain from {name} over {over}: {gains}.")
    if a.zone_open:
        return _para(
            f"A deal exists, but only as a lottery or with transfers: no single agreement gives "
            f"{parties} all more than no deal, while a mix of them does."
        )
    return _para(
        f"No deal: no agreement, lottery or allowed transfer gives {parties} all more than "
        "without a deal, so the bargaining solutions are not defined here."
    )


def _solution_line(a: BargainAnalysis, kind: str, s: Solution) -> str:
    point = s.point
    mix = [(w, a.agreements[k]) for k, w in enumerate(point.weights) if w > 1e-9]
    pieces = [
        (f'"{safe(g.label)}"' if g.label else _names(a, g))
        + ("" if len(mix) == 1 else f" with probability {_num(w)}")
        for w, g in mix
    ]
    text = f"{NAMES[kind]}: {_pay(a.parties, point.payoffs)}, from {'; '.join(pieces)}"
    paid = [(t, x) for t, x in zip(a.settings.transfers, point.amounts, strict=True) if x > 1e-9]
    for t, x in paid:
        text += f", {safe(t.source)} paying {safe(t.target)} {_num(x)}"
        if t.rate < 1:
            text += f" (worth {_num(t.rate * x)} to {safe(t.target)})"
    if kind == "nash" and len(set(a.settings.power)) > 1:
        text += " (bargaining power " + ":".join(_num(w) for w in a.settings.power) + ")"
    if kind == "alternating_offers" and a.settings.discount is not None:
        first = safe(a.settings.first)
        disc = ", ".join(
            f"{safe(p)} {_num(x)}" for p, x in zip(a.parties, a.settings.discount, strict=True)
        )
        text += f"; {first} proposes first, discount factors {disc}"
    return _para(text + ".", "  ")


def _solutions(a: BargainAnalysis) -> str:
    if not a.zone_open:
        return ""
    rows = [
        f"Solutions (over {'lotteries of ' if a.settings.lotteries else ''}agreements"
        f"{' and transfers' if a.settings.transfers else ''}):"
    ]
    for kind, s in a.solutions.items():
        if s is not None:
            rows.append(_solution_line(a, kind, s))
    return "\n".join(rows)


def _linkage(a: BargainAnalysis) -> str:
    link = linkage(a)
    rows = ["Commitment and linkage (a party commits alone first; everyone else responds):"]
    for i, b in enumerate(link.best):
        own = float(b.payoffs[i])
        text = f"{safe(b.party)}'s best commitment is {safe(b.commits_to)}, giving it {_num(own)}"
        if link.package is not None:
            diff = float(link.package[i]) - own
            text += (
                f"; the package deal (Nash solution) gives it {_num(link.package[i])} "
                f"({'+' if diff >= 0 else ''}{_num(diff)})"
            )
        rows.append(_para(text + ".", "  "))
    if link.surplus is not None:
        rows.append(
            _para(
                f"The package adds {_num(link.surplus)} in total over the best one-sided "
                f"commitment ({safe(link.best_total.party)}: {safe(link.best_total.commits_to)}).",
                "  ",
            )
        )
    return "\n".join(rows)


def _coalitions(a: BargainAnalysis) -> str:
    c = a.coalitions
    assert c is not None
    n = len(a.players)
    full = 2**n - 1
    rows = ["Coalitions (members commit jointly, the others respond; v = their best total):"]
    for mask in range(1, 2**n):
        names = [p for i, p in enumerate(a.players) if mask >> i & 1]
        rows.append(f"  v({{{', '.join(safe(x) for x in names)}}}) = {_num(c.values[mask])}")
    shap = ", ".join(f"{safe(p)} {_num(x)}" for p, x in zip(a.players, c.shapley, strict=True))
    rows.append(
        _para(f"Shapley value (average contribution over orders of arrival): {shap}.", "  ")
    )
    lc = c.least_core
    point = ", ".join(f"{safe(p)} {_num(x)}" for p, x in zip(a.players, lc.point, strict=True))
    if lc.core_empty:
        core = (
            f"The core is empty: every split of v = {_num(c.values[full])} leaves some group "
            f"better off alone, by up to {_num(lc.epsilon)} at the least-core point {point}."
        )
    else:
        core = f"The core is not empty; a point of it (least-core point): {point}."
    rows.append(_para(core, "  "))
    rows.extend(_para(t, "  ") for t in _pivots(a))
    return "\n".join(rows)


def _veto(values: np.ndarray, n: int, i: int) -> bool:
    """True when every coalition without ``i`` gets no more than its members alone, and the
    grand coalition gets more."""
    singles = np.array([values[1 << j] for j in range(n)])

    def surplus(mask: int) -> float:
        return float(values[mask] - sum(singles[j] for j in range(n) if mask >> j & 1))

    tol = 1e-9 * max(1.0, float(np.abs(values).max()))
    if surplus(2**n - 1) <= tol:
        return False
    return all(surplus(m) <= tol for m in range(1, 2**n) if not m >> i & 1)


def _pivots(a: BargainAnalysis) -> list[str]:
    c = a.coalitions
    assert c is not None
    n = len(a.players)
    full = 2**n - 1
    total = float(c.values[full])
    out = []
    for i, p in enumerate(a.players):
        without = float(c.values[full & ~(1 << i)])
        adds = total - without
        share = c.shapley[i] / total if total > 1e-12 else None
        text = (
            f"{safe(p)} adds {_num(adds)} to the grand coalition (the others alone reach "
            f"{_num(without)})"
        )
        if share is not None:
            text += f"; its Shapley share is {100 * share:.0f}%"
        others = np.delete(c.shapley, i)
        if c.shapley[i] > others.max() + 1e-9 * max(1.0, abs(total)):
            text += ": it holds the pivot"
        if _veto(c.values, n, i):
            text += "; no group without it creates any surplus (a veto player)"
        out.append(text + ".")
    return out
