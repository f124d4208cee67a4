"""Numbers as text, shared by the reports and the plots (one home for them).

>>> format_number(3.0), format_number(2 / 3), format_number(2 / 3, 3)
('3', '0.666667', '0.667')
>>> format_probability(0.6), format_probability(0.123456)
('3/5 (0.6)', '0.1235')
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["format_number", "format_probability"]


def format_number(x: float, digits: int = 6) -> str:
    """A compact rendering: whole numbers without decimals, else ``digits`` significant."""
    if abs(x - round(x)) < 1e-9 * max(1.0, abs(x)):
        return str(round(x)) if abs(x) < 1e15 else f"{x:.{digits}g}"
    return f"{x:.{digits}g}"


def format_probability(p: float) -> str:
    """``3/5 (0.6)`` for a simple fraction, else the decimal."""
    frac = Fraction(p).limit_denominator(64)
    if abs(float(frac) - p) < 1e-9 and frac.denominator > 1:
        return f"{frac} ({p:.4g})"
    return format_number(p, 4)
