"""Start-up time of ``sim solve missile_shield`` against ``import numpy, yaml``.

Runs each command as a whole process ``RUNS`` times (default 11) and prints
both medians and their ratio (issue #17 item 5: target ratio <= 2)::

    PYTHONPATH=. python benchmarks/bench_startup.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    base = _median_seconds([sys.executable, "-c", "import numpy, yaml"], runs)
    solve = _median_seconds([sys.executable, "-m", "sim", "solve", "missile_shield"], runs)
    print(f"import numpy, yaml:          {base * 1000:8.1f} ms (median of {runs})")
    print(f"sim solve missile_shield:    {solve * 1000:8.1f} ms (median of {runs})")
    print(f"ratio:                       {solve / base:8.2f}")


if __name__ == "__main__":
    main()
