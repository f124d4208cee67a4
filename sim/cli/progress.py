"""A minimal progress bar: on a terminal only, never when output is piped."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from sim.textsafe import escape_text

__all__ = ["ProgressBar"]


class ProgressBar:
    """Callable ``bar(done, total)`` that draws ``[#####.....] 52%`` on stderr.

    It draws nothing unless the stream is a terminal, redraws at most ten
    times a second, and only appears for work that lasts over half a second.
    """

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = escape_text(label)
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self.start < 0.5 or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        filled = int(self.width * done / total)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {100 * done // total:3d}%")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Erase the bar so that the next output starts on a clean line."""
        if self.drawn:
            self.stream.write("\r" + " " * (len(self.label) + self.width + 8) + "\r")
            self.stream.flush()
