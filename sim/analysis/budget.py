"""Resource budgets of batch analyses: refuse clearly what would not fit.

Every documented limit of the sensitivity commands must run on a small
machine (2 cores) in reasonable time and memory. Two checks:

* **memory**, estimated before anything is computed: a simultaneous batch
  holds its payoff tensors and the best-response test's working arrays,
  about :data:`WORKING_COPIES` floats per payoff;
* **time** of the work done point by point (mixed equilibria where a point
  has no pure one, the logit-limit selection): the first points are timed,
  the total is extrapolated, and the run stops with a clear message if it
  would exceed :data:`MAX_SECONDS`.

Both raise :class:`~sim.errors.RequestError` (exit 2 on the command line),
naming the number of points that would fit.
"""

from __future__ import annotations

import time

from sim.errors import RequestError

__all__ = ["MAX_BYTES", "MAX_SECONDS", "WORKING_COPIES", "Stopwatch", "check_memory"]

#: Working memory a batch may use.
MAX_BYTES = 2 * 1024**3
#: Floats of working memory per payoff of a simultaneous batch (payoffs, shortfall,
#: gap and a temporary; measured peak on an 11 x 12 game: ~3.5 copies).
WORKING_COPIES = 4
#: Longest the point-by-point work of one batch may take.
MAX_SECONDS = 120.0


def check_memory(points: int, floats_per_point: int, what: str) -> None:
    """Refuse a batch whose working arrays would exceed :data:`MAX_BYTES`.

    >>> check_memory(1000, 100, "points")
    >>> try:
    ...     check_memory(10**7, 10**4, "points")
    ... except RequestError as err:
    ...     print(str(err).split("; ")[-1])
    use at most 26,843 points
    """
    need = points * floats_per_point * 8
    if need > MAX_BYTES:
        fit = max(1, MAX_BYTES // max(floats_per_point * 8, 1))
        raise RequestError(
            f"{points:,} {what} need about {need / 1024**3:.1f} GiB of working memory "
            f"(the limit is {MAX_BYTES // 1024**3} GiB); use at most {fit:,} {what}"
        )


class Stopwatch:
    """Times point-by-point work and refuses it early if it would take too long.

    Call :meth:`tick` after each point; after the first few points (or one
    second) the total is extrapolated once and compared with ``limit``.
    """

    def __init__(self, total: int, what: str, limit: float = MAX_SECONDS) -> None:
        self.total, self.what, self.limit = total, what, limit
        self.start = time.perf_counter()
        self.checked = total <= 5

    def tick(self, done: int) -> None:
        """Record that ``done`` points are finished."""
        if self.checked:
            return
        elapsed = time.perf_counter() - self.start
        if done < 5 and elapsed < 1.0:
            return
        self.checked = True
        estimate = elapsed / done * self.total
        if estimate > self.limit:
            fit = max(1, int(self.limit / (elapsed / done)))
            raise RequestError(
                f"{self.what} at {self.total:,} points would take about {estimate:,.0f} s "
                f"(measured {elapsed / done:.3g} s per point; the limit is "
                f"{self.limit:.0f} s): use fewer points (about {fit:,} fit)"
            )
