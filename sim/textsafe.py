"""Make text from a scenario file safe to show on a terminal or in a spreadsheet.

A scenario file is untrusted: its names, descriptions and labels could carry
terminal control sequences (``ESC[2J`` clears the screen, ``ESC[8m`` hides
what follows, ``ESC]0;...`` sets the window title), line breaks that forge
extra output lines (CR, NEL U+0085, U+2028, U+2029) or bidirectional
overrides (U+202A-U+202E, U+2066-U+2069) that reorder what a reader sees.
:func:`escape_text` writes each of them visibly as a Python-style escape
(``\\x1b``, ``\\u202e``); :func:`escape_block` does the same but keeps line
breaks and tabs, for a whole multi-line report. :func:`csv_cell` stops a cell
from being read as a formula by a spreadsheet (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TextIO

__all__ = ["SafeCsvWriter", "csv_cell", "escape_block", "escape_text"]

_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
_UNSAFE = [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *_BIDI]


def _escape(code: int) -> str:
    named = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
    if code in named:
        return named[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_LINE_TABLE = {code: _escape(code) for code in _UNSAFE}
_BLOCK_TABLE = {code: text for code, text in _LINE_TABLE.items() if code not in (0x09, 0x0A)}


def escape_text(text: str) -> str:
    """``text`` with control, line-separator and bidi characters escaped visibly.

    For one-line fields (names, labels, diagnostic messages): line breaks and
    tabs are escaped too.

    Examples
    --------
    >>> escape_text("Iran\\x1b[2J")
    'Iran\\\\x1b[2J'
    >>> escape_text("a\\nb\\u202ec\\x85")
    'a\\\\nb\\\\u202ec\\\\x85'
    >>> escape_text("Côte d'Ivoire")
    "Côte d'Ivoire"
    """
    return text.translate(_LINE_TABLE)


def escape_block(text: str) -> str:
    """Like :func:`escape_text`, but keep ``\\n`` and tab: for a whole report.

    Examples
    --------
    >>> escape_block("line 1\\nline\\r2\\x1b]0;title\\x07")
    'line 1\\nline\\\\r2\\\\x1b]0;title\\\\x07'
    """
    return text.translate(_BLOCK_TABLE)


_NUMBER = re.compile(r"-\d+(\.\d*)?([eE][-+]?\d+)?|-\.\d+([eE][-+]?\d+)?|-inf|-nan")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading ``'``, except a plain negative number; other values pass
    unchanged.

    Examples
    --------
    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-2.5"), csv_cell(-3), csv_cell("@x")
    ("'=HYPERLINK(1)", '-2.5', -3, "'@x")
    """
    if not isinstance(value, str) or not value or value[0] not in "=+-@\t\r":
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


class SafeCsvWriter:
    """A :func:`csv.writer` (``\\n`` line ends) whose cells pass through :func:`csv_cell`.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> SafeCsvWriter(buf).writerow(["=1+1", -2, "-2", "ok"])
    >>> buf.getvalue()
    "'=1+1,-2,-2,ok\\n"
    """

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row, each cell neutralised."""
        self._writer.writerow([csv_cell(cell) for cell in row])
