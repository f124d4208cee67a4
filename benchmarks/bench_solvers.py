"""Speed of sim's solvers as ratios against pygambit, nashpy and QuantEcon, measured in one run.

Run from the repository root::

    python benchmarks/bench_solvers.py            # full run (a few minutes)
    python benchmarks/bench_solvers.py --quick    # fewer repeats and smaller peers (< ~2 min)
    python benchmarks/bench_solvers.py --json out.json

Every comparison times OUR solver and a PEER on the same seeded input in this
process, checks that the two answers agree (same equilibria within 1e-6, so a
wrong answer is never timed) and prints ``peer_ms / ours_ms``. Times are
``time.perf_counter`` wall-clock; each callable is warmed up first, then ours
and the peer are timed in INTERLEAVED rounds (ours, peer, ours, peer, ...) with
the garbage collector off, so that a change of machine load hits both, and the
BEST (minimum) of the ``k`` times of each is reported (the median is kept in
the JSON output). Interference from other processes only ever adds time, so
the minimum is the most stable estimate on a shared machine. See
``benchmarks/README.md``.

The exit status is 1 if any comparison's answers disagree ("WRONG"), else 0;
a missed speed target ("MISS") is reported but does not fail the run.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import glob
import json
import math
import multiprocessing as mp
import os
import platform
import queue
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

import sim
from sim.scenario.parameters import parameter_env
from sim.scenario.payoffs import outcome_label, payoff_tensor
from sim.solvers.nash.pure_nash import pure_nash, pure_nash_mask_batch
from sim.solvers.nash.vertex_enumeration import extreme_equilibria
from sim.solvers.nash.zero_sum import solve_zero_sum

try:  # issue #4 solvers; the sections that need them are skipped when absent
    from sim.solvers.nash.support_enumeration import all_equilibria
except ImportError:  # pragma: no cover - depends on the state of the tree
    all_equilibria = None  # type: ignore[assignment]
try:
    from sim.solvers.qre import (
        limiting_logit_equilibrium,
        logit_qre_at,
        trace_logit_branch,
    )
except ImportError:  # pragma: no cover
    limiting_logit_equilibrium = logit_qre_at = trace_logit_branch = None  # type: ignore[assignment]

AGREE_TOL = 1e-6  # equilibria must agree to this (max abs difference of probabilities)
SWEEP_POINTS = 10_000

# Seeds of the random games (numpy.random.default_rng(seed)).
SEED_T1 = 3_001
SEED_T2 = 3_002
SEED_NASHPY = 3_012
SEED_QRE = 4_001
SEED_ENUM = 4_002
SEED_ZERO_SUM = 4_003
SEED_MONTE_CARLO = 1  # as in scenarios/missile_shield.yaml


@dataclass(frozen=True)
class Mode:
    """Repeats and problem sizes of one run mode."""

    name: str
    k_fast: int  # repeats of calls that take milliseconds
    k_mid: int  # repeats of calls that take ~0.1-1 s
    k_slow: int  # repeats of calls that take seconds
    k_build: int  # repeats of building the 30x30x30 pygambit game (~3 s each)
    bimatrix_games: int  # number of seeded 9x9 games in target 2
    sweep_peer_games: int  # games solved by the pygambit loop, extrapolated to 10,000
    enum_games: tuple[tuple[int, int], ...]  # (m, number of m x m x m games), enumpoly
    qre_sizes: tuple[int, ...]
    nashpy_ve_size: int  # bimatrix size for nashpy vertex enumeration
    nashpy_se_try: int | None  # size nashpy support enumeration is first tried at
    nashpy_se_fallback: tuple[int, ...]  # sizes used when that try exceeds the timeout
    nashpy_timeout: float  # seconds allowed for the first try


QUICK = Mode("quick", 5, 5, 1, 1, 2, 200, ((2, 3), (3, 1)), (2, 3), 6, None, (6,), 60.0)
FULL = Mode("full", 21, 7, 2, 3, 5, 500, ((2, 5), (3, 3), (4, 1)), (2, 3, 4), 9, 9, (6, 7), 60.0)


# --------------------------------------------------------------------------- timing


@dataclass
class Timing:
    """Repeated times of one callable, in seconds: wall clock and process CPU time."""

    times: list[float]
    cpu: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def best_cpu(self) -> float:
        return min(self.cpu) if self.cpu else math.nan

    @property
    def median(self) -> float:
        return float(np.median(self.times))


def _timed(fn: Callable[[], Any], timing: Timing) -> Any:
    """Call ``fn()`` and append its wall-clock and process CPU time to ``timing``."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    t1, c1 = time.perf_counter(), time.process_time()
    timing.times.append(t1 - t0)
    timing.cpu.append(c1 - c0)
    return out


class _NoGC:
    """Context manager: collect garbage, then keep the collector off."""

    def __enter__(self) -> None:
        gc.collect()
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


def measure(fn: Callable[[], Any], repeats: int, warmup: bool = True) -> tuple[Timing, Any]:
    """Time ``fn()`` ``repeats`` times (after one untimed call if ``warmup``); GC off."""
    out = fn() if warmup else None
    timing = Timing([], [])
    with _NoGC():
        for _ in range(repeats):
            out = _timed(fn, timing)
    return timing, out


def pair(
    ours: Callable[[], Any],
    peer: Callable[[], Any],
    rounds: int,
    *,
    inner: int = 1,
    warmup: bool = True,
) -> tuple[Timing, Timing, Any, Any]:
    """Interleaved timing: each round times ``ours`` ``inner`` times, then ``peer`` once.

    Returns both timings and both last results. Interleaving makes a change of
    machine load during the measurement affect both sides alike.
    """
    if warmup:
        ours()
        peer()
    t_ours, t_peer = Timing([], []), Timing([], [])
    out_ours = out_peer = None
    with _NoGC():
        for _ in range(rounds):
            for _ in range(inner):
                out_ours = _timed(ours, t_ours)
            out_peer = _timed(peer, t_peer)
    return t_ours, t_peer, out_ours, out_peer


def _child(q: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        timing = Timing([], [])
        result = _timed(lambda: fn(*args), timing)
    messages = sorted({str(w.message).split(".")[0].strip() for w in caught})
    q.put((timing, result, messages))


def run_with_timeout(
    fn: Callable[..., Any], args: tuple[Any, ...], timeout: float
) -> tuple[Timing, Any, list[str]] | None:
    """Run ``fn(*args)`` once in a forked child; ``(timing, result, warnings)`` or None.

    The time is measured inside the child (process start-up is not included).
    None means the call did not finish within ``timeout`` seconds; the child is
    then terminated.
    """
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=_child, args=(q, fn, args), daemon=True)
    proc.start()
    try:
        out = q.get(timeout=timeout)
    except queue.Empty:
        proc.terminate()
        proc.join()
        return None
    proc.join()
    return out


# ---------------------------------------------------------------------- result rows


@dataclass
class Row:
    """One comparison: our time, a peer's time, their ratio and whether the answers agree."""

    key: str
    task: str
    ours_s: float
    peer: str
    peer_s: float
    target: float | None  # minimum peer/ours ratio, None = report only
    agree: str
    ok: bool
    note: str = ""
    peer_lower_bound: bool = False  # the peer was stopped at peer_s (ratio is a lower bound)
    like_for_like: bool = True  # False when the peer solves an easier task (e.g. one NE)
    details: dict[str, Any] = field(default_factory=dict)
    ours_cpu_s: float = math.nan  # process CPU time (best of k), immune to descheduling
    peer_cpu_s: float = math.nan

    @property
    def ratio(self) -> float:
        return self.peer_s / self.ours_s

    @property
    def cpu_ratio(self) -> float:
        return self.peer_cpu_s / self.ours_cpu_s

    @property
    def status(self) -> str:
        if not self.ok:
            return "WRONG"
        if self.target is None:
            return "report"
        return "PASS" if self.ratio >= self.target else "MISS"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(ratio=self.ratio, cpu_ratio=self.cpu_ratio, status=self.status)
        d["ours_ms"] = 1e3 * self.ours_s
        d["peer_ms"] = 1e3 * self.peer_s
        return d


ROWS: list[Row] = []


def log(msg: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(msg, file=sys.stderr, flush=True)


def add(row: Row) -> None:
    ROWS.append(row)
    ratio = (">" if row.peer_lower_bound else "") + f"{row.ratio:.3g}"
    ratio += f", cpu {row.cpu_ratio:.3g}"
    log(
        f"  {row.key:5s} {row.task}: ours {1e3 * row.ours_s:.3g} ms, {row.peer} "
        f"{1e3 * row.peer_s:.4g} ms, ratio {ratio} [{row.status}] {row.agree}"
    )


# ------------------------------------------------------------------ answer checking

Profile = tuple[np.ndarray, ...]


def flat(profile: Sequence[np.ndarray]) -> np.ndarray:
    return np.concatenate([np.asarray(s, dtype=float).ravel() for s in profile])


@dataclass
class Match:
    """How two lists of equilibria (flattened profiles) correspond within ``AGREE_TOL``."""

    n_ours: int
    n_peer: int
    peer_missing_in_ours: int  # peer equilibria with no partner among ours
    ours_missing_in_peer: list[int]  # indices of ours with no partner among the peer's
    max_diff: float  # largest distance of a matched pair

    def text(self) -> str:
        if self.peer_missing_in_ours == 0 and not self.ours_missing_in_peer:
            return f"same {self.n_ours} eq"
        return f"peer {self.n_peer - self.peer_missing_in_ours}/{self.n_ours} of ours" + (
            f", {self.peer_missing_in_ours} NOT in ours" if self.peer_missing_in_ours else ""
        )


def match(ours: Sequence[np.ndarray], peer: Sequence[np.ndarray]) -> Match:
    if not ours or not peer:
        return Match(len(ours), len(peer), len(peer), list(range(len(ours))), 0.0)
    o = np.array([flat([x]) for x in ours])
    p = np.array([flat([x]) for x in peer])
    if o.shape[1] != p.shape[1]:
        raise ValueError("profiles of different games")
    dist = np.max(np.abs(o[:, None, :] - p[None, :, :]), axis=2)
    near = dist <= AGREE_TOL
    matched = dist[near]
    return Match(
        len(ours),
        len(peer),
        int(np.sum(~near.any(axis=0))),
        [int(i) for i in np.flatnonzero(~near.any(axis=1))],
        float(matched.max()) if matched.size else 0.0,
    )


def gambit_flat(profile: Any, game: Any) -> np.ndarray:
    """A pygambit mixed strategy profile as one flat float vector, players in order."""
    return np.array([float(profile[s]) for p in game.players for s in p.strategies])


def gambit_profiles(result: Any, game: Any) -> list[np.ndarray]:
    """Equilibria of a pygambit NashComputationResult as flattened float profiles."""
    return [gambit_flat(eq, game) for eq in result.equilibria]


def gambit_regret(gbt: Any, game: Any, profile: Sequence[np.ndarray], span: float) -> float:
    """Gambit's max regret of a float profile of ours, divided by the payoff range."""
    prof = game.mixed_strategy_profile(rational=False)
    for player, probs in zip(game.players, profile, strict=True):
        for strategy, value in zip(player.strategies, probs, strict=True):
            prof[strategy] = float(value)
    return float(prof.max_regret()) / span


def check(
    ours: Sequence[Profile],
    peer: Sequence[np.ndarray],
    *,
    subset: bool = False,
    verify: Callable[[Profile], float] | None = None,
) -> tuple[str, bool, Match]:
    """Compare our equilibria with a peer's.

    ``subset=False``: the two lists must be the same (each within ``AGREE_TOL``).
    ``subset=True``: the peer may find fewer (it is known to drop some, or it
    computes one equilibrium only); every peer equilibrium must be among ours,
    and each of ours the peer lacks must pass ``verify`` (an independent regret
    check) with regret at most ``AGREE_TOL``.
    """
    m = match([flat(e) for e in ours], peer)
    if m.peer_missing_in_ours:
        return m.text(), False, m
    if not m.ours_missing_in_peer:
        return m.text(), True, m
    if not subset:
        return m.text(), False, m
    if verify is None:
        return m.text(), True, m
    worst = max(verify(ours[i]) for i in m.ours_missing_in_peer)
    ok = worst <= AGREE_TOL
    return f"{m.text()}; extras {'verified' if ok else 'FAIL'} (regret {worst:.1e})", ok, m


def strategies(eqset: Any) -> list[Profile]:
    return [tuple(e.strategies) for e in eqset]


# ------------------------------------------------------------------------- header


def _openblas_runtime() -> dict[str, Any]:
    """Core type and threads of numpy's bundled OpenBLAS, read through its C API."""
    import numpy as np_mod

    libs = glob.glob(os.path.join(os.path.dirname(np_mod.__file__) + ".libs", "*openblas*.so*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in ("64_", ""):
            try:
                core = getattr(lib, f"scipy_openblas_get_corename{suffix}")
                threads = getattr(lib, f"scipy_openblas_get_num_threads{suffix}")
            except AttributeError:
                continue
            core.restype = ctypes.c_char_p
            return {"corename": core().decode(), "num_threads": int(threads())}
    return {}


def _git_state() -> str:
    """Commit of the working tree and whether sim/ has uncommitted changes (read-only git)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "sim"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    n = len(dirty.splitlines())
    return f"{commit}" + (f" + uncommitted changes in {n} file(s) under sim/" if n else "")


def header(mode: Mode) -> dict[str, Any]:
    import nashpy
    import pygambit
    import quantecon
    import scipy

    info: dict[str, Any] = {
        "mode": mode.name,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pygambit": pygambit.__version__,
        "nashpy": nashpy.__version__,
        "quantecon": quantecon.__version__,
        "sim": f"{sim.__version__} at {_git_state()}",
        "env": {
            k: os.environ.get(k, "unset")
            for k in (
                "OPENBLAS_CORETYPE",
                "OPENBLAS_L2_SIZE",
                "OPENBLAS_NUM_THREADS",
                "OMP_NUM_THREADS",
                "MKL_NUM_THREADS",
            )
        },
        "repeats": (
            f"k_fast={mode.k_fast}, k_mid={mode.k_mid}, k_slow={mode.k_slow}, "
            f"k_build={mode.k_build}"
        ),
        "timing": (
            "time.perf_counter; warm-up call first; ours and peer timed in interleaved "
            "rounds; best (min) of k repeats, GC off"
        ),
    }
    try:
        import numba

        info["numba"] = numba.__version__
    except ImportError:
        pass
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        info["blas_build"] = f"{blas.get('name')} {blas.get('version')}"
        info["blas_config"] = blas.get("openblas configuration", "")
        info["simd"] = cfg.get("SIMD Extensions", {}).get("found")
    except Exception as exc:  # old numpy: no dict mode
        info["blas_build"] = f"unknown ({exc})"
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = [
            {k: d.get(k) for k in ("internal_api", "version", "num_threads", "architecture")}
            for d in threadpool_info()
        ]
    except ImportError:
        info["threadpoolctl"] = "not installed; OpenBLAS runtime read through ctypes"
        info["openblas_runtime"] = _openblas_runtime()
    return info


def print_header(info: dict[str, Any]) -> None:
    env = ", ".join(f"{k}={v}" for k, v in info["env"].items())
    lines = [
        f"sim solver benchmarks ({info['mode']} mode)",
        f"python {info['python']} on {info['platform']}",
        f"cpus: {info['cpu_count']} (affinity {info['cpu_affinity']}), "
        f"load average at start {info['load_average_at_start']}",
        f"sim {info['sim']}",
        f"numpy {info['numpy']}, scipy {info['scipy']}, pygambit {info['pygambit']}, "
        f"nashpy {info['nashpy']}, quantecon {info['quantecon']}, numba {info.get('numba')}",
        f"BLAS: {info.get('blas_build')} [{info.get('blas_config', '')}]",
        f"BLAS at run time: {info.get('openblas_runtime') or info.get('threadpools')}",
        f"environment (left as found): {env}",
        f"timing: {info['timing']}; answers must agree to {AGREE_TOL:g}",
        f"repeats: {info['repeats']}",
    ]
    print("\n".join(lines))


# ----------------------------------------------------------------------- sections


def section_t1(mode: Mode) -> None:
    """Issue #3 target 1: all pure NE of a random 3-player 30x30x30 game."""
    import pygambit as gbt
    import quantecon.game_theory as qg

    log("T1: pure NE of a 3-player 30x30x30 game")
    u = np.random.default_rng(SEED_T1).standard_normal((3, 30, 30, 30))
    small = np.random.default_rng(0).standard_normal((3, 2, 2, 2))
    gbt.nash.enumpure_solve(gbt.Game.from_arrays(*small))  # warm-up
    t_build, g = measure(lambda: gbt.Game.from_arrays(*u), mode.k_build, warmup=False)
    t_ours, t_solve, ours, res = pair(
        lambda: pure_nash(u), lambda: gbt.nash.enumpure_solve(g), 3 * mode.k_mid, inner=20
    )
    ours_eq = strategies(ours)
    agree, ok, _ = check(ours_eq, gambit_profiles(res, g))
    build_ms = 1e3 * t_build.best
    common = {"ours": asdict(t_ours), "build": asdict(t_build), "solve": asdict(t_solve)}
    add(
        Row(
            "T1a",
            "pure NE 3p 30x30x30",
            t_ours.best,
            "gambit enumpure (solve)",
            t_solve.best,
            100.0,
            agree,
            ok,
            f"game build {build_ms:.0f} ms NOT included",
            details=common,
            ours_cpu_s=t_ours.best_cpu,
            peer_cpu_s=t_solve.best_cpu,
        )
    )
    add(
        Row(
            "T1b",
            "pure NE 3p 30x30x30",
            t_ours.best,
            "gambit build+enumpure",
            t_solve.best + t_build.best,
            100.0,
            agree,
            ok,
            f"includes Game.from_arrays {build_ms:.0f} ms (timed separately)",
            details=common,
            ours_cpu_s=t_ours.best_cpu,
            peer_cpu_s=t_solve.best_cpu + t_build.best_cpu,
        )
    )

    qg.pure_nash_brute(qg.NormalFormGame(np.moveaxis(small, 0, -1)))  # warm-up
    qe_game = qg.NormalFormGame(np.moveaxis(u, 0, -1))
    t_ours, t_qe, _, qe = pair(
        lambda: pure_nash(u),
        lambda: qg.pure_nash_brute(qe_game),
        mode.k_mid,
        inner=5,
        warmup=False,
    )
    qe_eq = [flat([np.eye(30)[a] for a in prof]) for prof in qe]
    agree, ok, _ = check(ours_eq, qe_eq)
    add(
        Row(
            "T1c",
            "pure NE 3p 30x30x30",
            t_ours.best,
            "QuantEcon pure_nash_brute",
            t_qe.best,
            None,
            agree,
            ok,
            details={"ours": asdict(t_ours), "peer": asdict(t_qe)},
            ours_cpu_s=t_ours.best_cpu,
            peer_cpu_s=t_qe.best_cpu,
        )
    )


def _bimatrix(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.standard_normal((n, n)), rng.standard_normal((n, n))


def _nashpy_ve(a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    import nashpy

    return [flat(eq) for eq in nashpy.Game(a, b).vertex_enumeration()]


def _nashpy_se(a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    import nashpy

    return [flat(eq) for eq in nashpy.Game(a, b).support_enumeration()]


def _nashpy_row(
    key: str,
    what: str,
    fn: Callable[..., list[np.ndarray]],
    a: np.ndarray,
    b: np.ndarray,
    timeout: float,
    mode: Mode,
    subset: bool,
) -> bool:
    """Time one nashpy call (once, in a child with a timeout) against ours on the same game.

    Returns False when nashpy did not finish within ``timeout``.
    """
    n = a.shape[0]
    t_ours, ours = measure(lambda: extreme_equilibria(a, b), mode.k_mid)
    out = run_with_timeout(fn, (a, b), timeout)
    task = f"mixed NE {n}x{n}"
    if out is None:
        add(
            Row(
                key,
                task,
                t_ours.best,
                f"nashpy {what}",
                timeout,
                None,
                "n/a (peer stopped)",
                True,
                f"stopped after {timeout:.0f} s, peer k=1",
                peer_lower_bound=True,
                ours_cpu_s=t_ours.best_cpu,
            )
        )
        return False
    t_peer, found, warned = out
    agree, ok, m = check(strategies(ours), found, subset=subset)
    note = "peer k=1 (single run in a child process)"
    if warned:
        note += "; nashpy warned: " + "; ".join(warned)
    add(
        Row(
            key,
            task,
            t_ours.best,
            f"nashpy {what}",
            t_peer.best,
            None,
            agree,
            ok,
            note,
            details={"ours": asdict(t_ours), "peer_found": m.n_peer, "ours_found": m.n_ours},
            ours_cpu_s=t_ours.best_cpu,
            peer_cpu_s=t_peer.best_cpu,
        )
    )
    return True


def section_t2(mode: Mode) -> None:
    """Issue #3 target 2: all mixed NE of random 9x9 bimatrix games."""
    import nashpy
    import pygambit as gbt
    import quantecon.game_theory as qg

    n, k = 9, mode.bimatrix_games
    log(f"T2: mixed NE of {k} random {n}x{n} bimatrix games")
    rng = np.random.default_rng(SEED_T2)
    games = [_bimatrix(rng, n) for _ in range(k)]
    small = _bimatrix(np.random.default_rng(0), 3)
    gbt.nash.enummixed_solve(gbt.Game.from_arrays(*small), rational=False)  # warm-up

    t0 = time.perf_counter()
    qe_small = qg.NormalFormGame((qg.Player(small[0]), qg.Player(small[1].T)))
    for fn in (qg.vertex_enumeration, qg.support_enumeration, qg.lemke_howson):
        fn(qe_small)
    qe_jit = time.perf_counter() - t0

    names = ("gbt", "ve", "se", "lh")
    tot_ours: dict[str, float] = dict.fromkeys(names, 0.0)
    tot_peer: dict[str, float] = dict.fromkeys(names, 0.0)
    cpu_ours: dict[str, float] = dict.fromkeys(names, 0.0)
    cpu_peer: dict[str, float] = dict.fromkeys(names, 0.0)
    checks: dict[str, list[tuple[str, bool]]] = {key: [] for key in names}
    build = build_cpu = 0.0
    counts = []
    for a, b in games:
        t, g = measure(lambda a=a, b=b: gbt.Game.from_arrays(a, b), mode.k_fast)
        build += t.best
        build_cpu += t.best_cpu
        qe_game = qg.NormalFormGame((qg.Player(a), qg.Player(b.T)))
        peers: dict[str, Callable[[], Any]] = {
            "gbt": lambda g=g: gbt.nash.enummixed_solve(g, rational=False),
            "ve": lambda q=qe_game: qg.vertex_enumeration(q),
            "se": lambda q=qe_game: qg.support_enumeration(q),
            "lh": lambda q=qe_game: qg.lemke_howson(q),
        }
        for key, peer in peers.items():
            t_o, t_p, ours, res = pair(lambda a=a, b=b: extreme_equilibria(a, b), peer, mode.k_mid)
            tot_ours[key] += t_o.best
            tot_peer[key] += t_p.best
            cpu_ours[key] += t_o.best_cpu
            cpu_peer[key] += t_p.best_cpu
            if key == "gbt":
                found = gambit_profiles(res, g)
                counts.append(len(ours))
            else:
                found = [flat(e) for e in res] if key != "lh" else [flat(res)]
            checks[key].append(check(strategies(ours), found, subset=key == "lh")[:2])

    def summary(key: str) -> tuple[str, bool]:
        oks = [ok for _, ok in checks[key]]
        texts = sorted({text for text, _ in checks[key]})
        return f"{sum(oks)}/{len(oks)} games agree: " + "; ".join(texts), all(oks)

    task = f"mixed NE {n}x{n} ({k} games, {sum(counts)} eq)"
    agree, ok = summary("gbt")
    add(
        Row(
            "T2a",
            task,
            tot_ours["gbt"],
            "gambit enummixed (solve)",
            tot_peer["gbt"],
            1.0,
            agree,
            ok,
            f"build {1e3 * build:.1f} ms NOT included; rational=False",
            details={"eq_per_game": counts},
            ours_cpu_s=cpu_ours["gbt"],
            peer_cpu_s=cpu_peer["gbt"],
        )
    )
    add(
        Row(
            "T2b",
            task,
            tot_ours["gbt"],
            "gambit build+enummixed",
            tot_peer["gbt"] + build,
            1.0,
            agree,
            ok,
            "includes Game.from_arrays (timed separately)",
            ours_cpu_s=cpu_ours["gbt"],
            peer_cpu_s=cpu_peer["gbt"] + build_cpu,
        )
    )
    agree, ok = summary("ve")
    add(
        Row(
            "T2c",
            task,
            tot_ours["ve"],
            "QuantEcon vertex_enum",
            tot_peer["ve"],
            None,
            agree,
            ok,
            f"after numba JIT warm-up ({qe_jit:.1f} s, not included)",
            ours_cpu_s=cpu_ours["ve"],
            peer_cpu_s=cpu_peer["ve"],
        )
    )
    agree, ok = summary("se")
    add(
        Row(
            "T2d",
            task,
            tot_ours["se"],
            "QuantEcon support_enum",
            tot_peer["se"],
            None,
            agree,
            ok,
            "nondegenerate games only",
            ours_cpu_s=cpu_ours["se"],
            peer_cpu_s=cpu_peer["se"],
        )
    )
    agree, ok = summary("lh")
    add(
        Row(
            "T2e",
            task,
            tot_ours["lh"],
            "QuantEcon lemke_howson",
            tot_peer["lh"],
            None,
            agree,
            ok,
            "peer finds ONE equilibrium, ours all",
            like_for_like=False,
            ours_cpu_s=cpu_ours["lh"],
            peer_cpu_s=cpu_peer["lh"],
        )
    )

    # nashpy: one call per game, in a child process with a timeout; at 9x9 it gets the
    # game with the most equilibria, the hardest test of its completeness.
    richest = games[int(np.argmax(counts))]
    nashpy.Game(*small).vertex_enumeration()  # imports and caches before forking
    list(nashpy.Game(*small).support_enumeration())
    if mode.nashpy_ve_size == n:
        a, b = richest
    else:
        a, b = _bimatrix(
            np.random.default_rng(SEED_NASHPY + mode.nashpy_ve_size), mode.nashpy_ve_size
        )
    _nashpy_row("T2f", "vertex_enum", _nashpy_ve, a, b, 600.0, mode, subset=False)
    sizes = list(mode.nashpy_se_fallback)
    if mode.nashpy_se_try is not None:
        a, b = (
            richest
            if mode.nashpy_se_try == n
            else _bimatrix(
                np.random.default_rng(SEED_NASHPY + mode.nashpy_se_try), mode.nashpy_se_try
            )
        )
        if _nashpy_row(
            "T2g", "support_enum", _nashpy_se, a, b, mode.nashpy_timeout, mode, subset=True
        ):
            sizes = []
    for i, s in enumerate(sizes):
        a, b = _bimatrix(np.random.default_rng(SEED_NASHPY + s), s)
        _nashpy_row(f"T2{'hij'[i]}", "support_enum", _nashpy_se, a, b, 600.0, mode, subset=True)


def _sweep_inputs(scenario: Any) -> dict[str, np.ndarray]:
    return {"iran_ties": np.linspace(0.0, 6.0, SWEEP_POINTS)}


def _grid_inputs(scenario: Any) -> dict[str, np.ndarray]:
    side = math.isqrt(SWEEP_POINTS)
    x, y = np.meshgrid(np.linspace(0.0, 6.0, side), np.linspace(0.0, 6.0, side))
    return {"iran_ties": x.ravel(), "deal_value": y.ravel()}


def _monte_carlo_inputs(scenario: Any) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED_MONTE_CARLO)
    return {
        p.name: p.distribution.sample(rng, SWEEP_POINTS)
        for p in scenario.parameters
        if p.distribution is not None and not p.derived
    }


def _profile_names(scenario: Any, shape: tuple[int, ...]) -> list[str]:
    """Outcome label of every pure profile, in C order."""
    names = []
    for profile in np.ndindex(*shape):
        moves = {p.name: p.moves[k] for p, k in zip(scenario.players, profile, strict=True)}
        names.append(outcome_label(scenario, moves) or "/".join(moves.values()))
    return names


def label_equilibria(scenario: Any, mask: np.ndarray) -> np.ndarray:
    """For each game of a batch, the labels of its pure equilibria joined by ' + '."""
    names = _profile_names(scenario, mask.shape[1:])
    bits = mask.reshape(mask.shape[0], -1).astype(np.int64)
    if bits.shape[1] > 62:
        raise ValueError("too many profiles for bit codes")
    codes = bits @ (np.int64(1) << np.arange(bits.shape[1], dtype=np.int64))
    unique, inverse = np.unique(codes, return_inverse=True)
    text = [
        " + ".join(names[j] for j in range(len(names)) if (int(c) >> j) & 1) or "no pure NE"
        for c in unique
    ]
    return np.array(text, dtype=object)[inverse]


def _sweep_row(
    key: str,
    task: str,
    inputs: Callable[[Any], dict[str, np.ndarray]],
    labels: bool,
    target: float | None,
    mode: Mode,
) -> None:
    """Our one-pass batch against a pygambit loop over a sample, extrapolated linearly."""
    import pygambit as gbt

    scenario = sim.load_scenario("missile_shield")

    def ours() -> tuple[np.ndarray, np.ndarray, Any]:
        env = parameter_env(scenario.parameters, inputs(scenario))
        tensor = payoff_tensor(scenario, env)
        mask = pure_nash_mask_batch(tensor)
        return tensor, mask, label_equilibria(scenario, mask) if labels else None

    tensor, mask, our_labels = ours()
    n_games = tensor.shape[0]
    shape = tensor.shape[2:]
    names = _profile_names(scenario, shape) if labels else []
    sample = np.unique(np.linspace(0, n_games - 1, mode.sweep_peer_games).round().astype(int))

    def peer() -> dict[str, Any]:
        """Build and solve each sampled game; wall and CPU time of builds and solves."""
        clock = {"build": 0.0, "solve": 0.0, "build_cpu": 0.0, "solve_cpu": 0.0}
        found, found_labels = [], []
        for i in sample:
            t0, c0 = time.perf_counter(), time.process_time()
            g = gbt.Game.from_arrays(*tensor[i])
            t1, c1 = time.perf_counter(), time.process_time()
            res = gbt.nash.enumpure_solve(g)
            profiles = [
                tuple(int(np.argmax([float(eq[s]) for s in p.strategies])) for p in g.players)
                for eq in res.equilibria
            ]
            if labels:
                joined = " + ".join(
                    names[int(np.ravel_multi_index(pr, shape))] for pr in sorted(profiles)
                )
                found_labels.append(joined or "no pure NE")
            t2, c2 = time.perf_counter(), time.process_time()
            clock["build"] += t1 - t0
            clock["solve"] += t2 - t1
            clock["build_cpu"] += c1 - c0
            clock["solve_cpu"] += c2 - c1
            found.append(sorted(profiles))
        return {**clock, "found": found, "labels": found_labels}

    runs: list[dict[str, Any]] = []
    t_ours, _, _, _ = pair(ours, lambda: runs.append(peer()), mode.k_slow, inner=5)
    timed = runs[1:]  # runs[0] is the warm-up
    scale = n_games / len(sample)

    def best(*keys: str) -> float:
        return scale * min(sum(r[k] for k in keys) for r in timed)

    last = timed[-1]
    mismatches = sum(
        found != [tuple(int(i) for i in r) for r in np.argwhere(mask[i])]
        for i, found in zip(sample, last["found"], strict=True)
    )
    if labels:
        mismatches += sum(
            our_labels[i] != lab for i, lab in zip(sample, last["labels"], strict=True)
        )
    ok = mismatches == 0
    agree = f"{len(sample) - mismatches}/{len(sample)} sampled games agree"
    note = (
        f"peer loop of {len(sample)} games x {scale:g} (linear extrapolation); "
        "peer gets our payoff tensor for free"
    )
    details = {
        "ours": asdict(t_ours),
        "peer_build_s": best("build"),
        "peer_solve_s": best("solve"),
        "sampled": len(sample),
    }
    if labels:
        vals, cnt = np.unique(our_labels.astype(str), return_counts=True)
        details["label_counts"] = {str(v): int(c) for v, c in zip(vals, cnt, strict=True)}
    else:
        patterns = np.unique(mask.reshape(n_games, -1), axis=0)
        details["distinct_equilibrium_sets"] = len(patterns)
    add(
        Row(
            f"{key}a",
            task,
            t_ours.best,
            "gambit build+enumpure loop",
            best("build", "solve"),
            target,
            agree,
            ok,
            note,
            details=details,
            ours_cpu_s=t_ours.best_cpu,
            peer_cpu_s=best("build_cpu", "solve_cpu"),
        )
    )
    add(
        Row(
            f"{key}b",
            task,
            t_ours.best,
            "gambit enumpure loop (solve)",
            best("solve"),
            None,
            agree,
            ok,
            "as above, game builds NOT included",
            details=details,
            ours_cpu_s=t_ours.best_cpu,
            peer_cpu_s=best("solve_cpu"),
        )
    )


def section_t3(mode: Mode) -> None:
    log(f"T3: {SWEEP_POINTS:,}-point sweep of missile_shield (iran_ties), all pure NE")
    _sweep_row("T3", f"pure NE sweep {SWEEP_POINTS:,} x 2x2x2", _sweep_inputs, False, 50.0, mode)


def section_issue6(mode: Mode) -> None:
    log("S: missile_shield grid sweep and Monte Carlo with outcome labels")
    _sweep_row("S1", f"grid {SWEEP_POINTS:,} pure NE+labels", _grid_inputs, True, None, mode)
    _sweep_row(
        "S2", f"Monte Carlo {SWEEP_POINTS:,} pure NE+labels", _monte_carlo_inputs, True, None, mode
    )


# ------------------------------------------------------------- issue #6: pipelines

SEQ_PEER_GAMES = 50  # games solved by the pygambit loops of section "seq" (20 with --quick)
SEQ_TARGET_S = 0.050  # S3a/S3b: a 10,000-point sweep with labels in under 50 ms
MC_TARGET_S = 0.5  # S4: 10,000 Monte Carlo draws in under half a second
CLI_TARGET_S = 1.0  # S5: a 20,000-point `sim sweep ... --json` process in under a second


def _sample(n: int, mode: Mode) -> np.ndarray:
    k = SEQ_PEER_GAMES if mode.name == "full" else 20
    return np.unique(np.linspace(0, n - 1, k).round().astype(int))


def _under(seconds: float, target: float) -> str:
    verdict = "PASS" if seconds < target else "MISS"
    return f"{1e3 * seconds:.4g} ms (target < {1e3 * target:g} ms: {verdict})"


def _seq_sweep_row(mode: Mode) -> None:
    """S3a: SPE sweep of the sequential missile_shield_deal vs a pygambit loop over trees."""
    import pygambit as gbt

    from sim.analysis.sweep import sweep
    from sim.games.extensive import evaluate
    from sim.games.extensive_build import build_extensive

    tests_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests")
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    from gambit_helpers import gambit_game

    scenario = sim.load_scenario("missile_shield_deal")
    values = np.linspace(0.0, 10.0, SWEEP_POINTS)
    t_o, res = measure(lambda: sweep(scenario, "sanction_cost", values), mode.k_fast)
    batch = res.batch
    game = build_extensive(scenario)
    sample = _sample(SWEEP_POINTS, mode)

    def peer() -> list[list[float]]:
        pays = []
        for i in sample:
            env = parameter_env(scenario.parameters, {"sanction_cost": values[i : i + 1]})
            g = gambit_game(gbt, game, evaluate(game, env).point(0))
            eq = gbt.nash.logit_solve(g).equilibria[0]
            pays.append([float(eq.payoff(p)) for p in g.players])
        return pays

    peer()  # warm-up on the same games
    t_p, pays = measure(peer, 1, warmup=False)
    scale = SWEEP_POINTS / len(sample)
    equal = [
        bool(np.allclose(p, batch.expected[:, i], atol=1e-4))
        for p, i in zip(pays, sample, strict=True)
    ]
    same = sum(equal)
    tie_at = batch.ties[:, sample].any(axis=0)
    tied = int(tie_at.sum())
    untied_differ = int(sum(not e and not t for e, t in zip(equal, tie_at, strict=True)))
    regret = float(np.max(batch.regret))
    agree = f"SPE payoffs = Gambit's at {same}/{len(sample)} sampled points"
    if same < len(sample):
        agree += " (payoffs differ: Gambit's logit limit need not be this SPE)"
    agree += (
        f"; ours tied (several SPE) at {tied}/{len(sample)}; differ where unique: "
        f"{untied_differ}; our check regret {regret:.1e}"
    )
    add(
        Row(
            "S3a",
            f"SPE sweep {SWEEP_POINTS:,} + labels (deal)",
            t_o.best,
            "gambit efg+logit_solve loop",
            scale * t_p.best,
            50.0,
            agree,
            regret <= 1e-9,
            f"ours {_under(t_o.best, SEQ_TARGET_S)}; peer loop of {len(sample)} trees x "
            f"{scale:g} (linear extrapolation), build from .efg text included; Gambit 16 has "
            "no backward induction and lcp_solve takes 2 players only (this game has 3), so "
            "the peer is logit_solve (agent QRE limit, one equilibrium per tree)",
            details={"labels": sorted(set(res.predictions.names)), "sampled": len(sample)},
            ours_cpu_s=t_o.best_cpu,
            peer_cpu_s=scale * t_p.best_cpu,
        )
    )


def _sim_sweep_row(mode: Mode) -> None:
    """S3b: NE sweep of the simultaneous missile_shield with labels vs a pygambit loop."""
    import pygambit as gbt

    from sim.analysis.sweep import sweep

    scenario = sim.load_scenario("missile_shield")
    values = np.linspace(0.0, 6.0, SWEEP_POINTS)
    t_o, res = measure(lambda: sweep(scenario, "iran_ties", values), mode.k_fast)
    batch = res.batch
    sample = _sample(SWEEP_POINTS, mode)

    def peer() -> list[list[tuple[int, ...]]]:
        found = []
        for i in sample:
            g = gbt.Game.from_arrays(*batch.payoffs[i])
            found.append(
                sorted(
                    tuple(int(np.argmax([float(eq[s]) for s in p.strategies])) for p in g.players)
                    for eq in gbt.nash.enumpure_solve(g).equilibria
                )
            )
        return found

    t_p, found = measure(peer, mode.k_slow)
    scale = SWEEP_POINTS / len(sample)
    same = sum(
        f == sorted(tuple(int(k) for k in pr) for pr in batch.pure_profiles(i))
        for f, i in zip(found, sample, strict=True)
    )
    add(
        Row(
            "S3b",
            f"NE sweep {SWEEP_POINTS:,} + labels (shield)",
            t_o.best,
            "gambit build+enumpure loop",
            scale * t_p.best,
            50.0,
            f"pure NE same at {same}/{len(sample)} sampled points",
            same == len(sample),
            f"ours {_under(t_o.best, SEQ_TARGET_S)} (all NE incl. mixed, labels); peer: pure "
            f"NE only, {len(sample)} games x {scale:g} (linear extrapolation), gets our "
            "payoff tensor for free",
            details={"labels": sorted(set(res.predictions.names))},
            ours_cpu_s=t_o.best_cpu,
            peer_cpu_s=scale * t_p.best_cpu,
        )
    )


def section_seq(mode: Mode) -> None:
    """Issue #6: whole sweep / Monte Carlo / CLI pipelines, simultaneous and sequential."""
    from sim.analysis.montecarlo import monte_carlo

    log("S3-S5: sweep, Monte Carlo and CLI pipelines (missile_shield, missile_shield_deal)")
    _seq_sweep_row(mode)
    _sim_sweep_row(mode)
    for key, name in (("S4a", "missile_shield"), ("S4b", "missile_shield_deal")):
        scenario = sim.load_scenario(name)
        t, res = measure(
            lambda s=scenario: monte_carlo(s, samples=SWEEP_POINTS, seed=SEED_MONTE_CARLO),
            mode.k_mid,
        )
        top = ", ".join(f"{o.name} {o.frequency:.3f}" for o in res.outcomes[:2])
        add(
            Row(
                key,
                f"Monte Carlo {SWEEP_POINTS:,} ({name})",
                t.best,
                "-",
                math.nan,
                None,
                _under(t.best, MC_TARGET_S),
                True,
                f"seed {SEED_MONTE_CARLO}; top outcomes {top}",
                ours_cpu_s=t.best_cpu,
            )
        )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmd = [sys.executable, "-m", "sim", "sweep", "missile_shield", "iran_ties=0:6:20000", "--json"]

    def run() -> int:
        return subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL, check=True).returncode

    t, _ = measure(run, 3, warmup=False)
    add(
        Row(
            "S5",
            "CLI sim sweep 20,000 pts --json",
            t.best,
            "-",
            math.nan,
            None,
            _under(t.best, CLI_TARGET_S),
            True,
            "whole process (interpreter start, imports, solve, JSON to /dev/null), best of 3 "
            "wall times; CPU column is this process only, not the child",
        )
    )


def _gambit_qre_profile(point: Any, game: Any) -> np.ndarray:
    return gambit_flat(point.profile, game)


def section_qre(mode: Mode) -> None:
    """Issue #4: logit QRE tracing vs pygambit."""
    if trace_logit_branch is None:
        log("QRE: sim.solvers.qre.logit_qre not available, skipped")
        return
    import pygambit as gbt

    log("Q: logit QRE vs pygambit")
    small = np.random.default_rng(0).standard_normal((3, 2, 2, 2))
    gsmall = gbt.Game.from_arrays(*small)
    gbt.nash.logit_solve(gsmall)  # warm-up
    limiting_logit_equilibrium(small)
    lambdas = [0.5, 1.0, 2.0, 4.0, 8.0]
    for m in mode.qre_sizes:
        u = np.random.default_rng(SEED_QRE + m).standard_normal((3, m, m, m))
        g = gbt.Game.from_arrays(*u)
        task = f"3p {m}x{m}x{m}"
        k = mode.k_mid

        t_o, t_p, eq, res = pair(
            lambda u=u: limiting_logit_equilibrium(u), lambda g=g: gbt.nash.logit_solve(g), k
        )
        agree, ok, mt = check([tuple(eq.strategies)], gambit_profiles(res, g))
        add(
            Row(
                f"Q{m}a",
                f"logit limit NE {task}",
                t_o.best,
                "gambit nash.logit_solve",
                t_p.best,
                None,
                f"{agree} (diff {mt.max_diff:.1e})",
                ok,
                ours_cpu_s=t_o.best_cpu,
                peer_cpu_s=t_p.best_cpu,
            )
        )

        t_o, t_p, pts, gpts = pair(
            lambda u=u: logit_qre_at(u, lambdas),
            lambda g=g: gbt.qre.logit_solve_lambda(g, lambdas),
            k,
        )
        diff = max(
            float(np.max(np.abs(flat(p.strategies) - _gambit_qre_profile(q, g))))
            for p, q in zip(pts, gpts, strict=True)
        )
        ok = diff <= AGREE_TOL
        add(
            Row(
                f"Q{m}b",
                f"QRE at {len(lambdas)} lambdas {task}",
                t_o.best,
                "gambit qre.logit_solve_lambda",
                t_p.best,
                None,
                f"max diff {diff:.1e}" + ("" if ok else " WRONG"),
                ok,
                f"lambda = {lambdas}",
                ours_cpu_s=t_o.best_cpu,
                peer_cpu_s=t_p.best_cpu,
            )
        )

        lam_end = float(gbt.qre.logit_solve_branch(g)[-1].lam)
        t_o, t_p, ours, branch = pair(
            lambda u=u, e=lam_end: trace_logit_branch(u, max_lambda=e),
            lambda g=g: gbt.qre.logit_solve_branch(g),
            k,
        )
        end = ours.points[-1]
        diff = float(np.max(np.abs(flat(end.strategies) - _gambit_qre_profile(branch[-1], g))))
        ok = diff <= AGREE_TOL and abs(end.lam - lam_end) <= 1e-9 * lam_end
        add(
            Row(
                f"Q{m}c",
                f"QRE branch to gambit's end {task}",
                t_o.best,
                "gambit qre.logit_solve_branch",
                t_p.best,
                None,
                f"end point diff {diff:.1e}" + ("" if ok else " WRONG"),
                ok,
                f"lambda 0..{lam_end:.3g}; points ours {len(ours.points)}, peer {len(branch)}",
                ours_cpu_s=t_o.best_cpu,
                peer_cpu_s=t_p.best_cpu,
            )
        )


def section_enum(mode: Mode) -> None:
    """Issue #4: all equilibria of small N-player games vs pygambit enumpoly."""
    if all_equilibria is None:
        log("E: sim.solvers.nash.support_enumeration not available, skipped")
        return
    import pygambit as gbt

    log("E: all equilibria of 3-player games vs gambit enumpoly")
    small = np.random.default_rng(0).standard_normal((3, 2, 2, 2))
    gbt.nash.enumpoly_solve(gbt.Game.from_arrays(*small))  # warm-up
    all_equilibria(small)
    for m, n_games in mode.enum_games:
        rng = np.random.default_rng(SEED_ENUM + m)
        k = mode.k_mid if m <= 2 else (mode.k_slow if m == 3 else 1)
        t_ours = t_peer = c_ours = c_peer = 0.0
        n_ours = n_peer = n_ok = 0
        texts, flags = [], set()
        for _ in range(n_games):
            u = rng.standard_normal((3, m, m, m))
            g = gbt.Game.from_arrays(*u)
            t_o, t_p, ours, res = pair(
                lambda u=u: all_equilibria(u),
                lambda g=g: gbt.nash.enumpoly_solve(g),
                k,
                warmup=m <= 2,
            )
            span = float(np.ptp(u))
            agree, ok, mt = check(
                strategies(ours),
                gambit_profiles(res, g),
                subset=True,
                verify=lambda prof, g=g, span=span: gambit_regret(gbt, g, prof, span),
            )
            t_ours += t_o.best
            t_peer += t_p.best
            c_ours += t_o.best_cpu
            c_peer += t_p.best_cpu
            n_ours += mt.n_ours
            n_peer += mt.n_peer
            n_ok += ok
            texts.append(agree)
            flags.add(f"complete={ours.complete}, degenerate={ours.degenerate}")
        short = [t for t in texts if not t.startswith("same")]
        agree = f"{n_ok}/{n_games} games agree; eq found: ours {n_ours}, peer {n_peer}"
        if short:
            agree += " (" + " | ".join(short) + ")"
        add(
            Row(
                f"E{m}",
                f"all NE 3p {m}x{m}x{m} ({n_games} game{'s' * (n_games > 1)})",
                t_ours,
                "gambit enumpoly",
                t_peer,
                None,
                agree,
                n_ok == n_games,
                f"k={k}; ours " + "; ".join(sorted(flags)),
                details={"ours_found": n_ours, "peer_found": n_peer, "per_game": texts},
                ours_cpu_s=c_ours,
                peer_cpu_s=c_peer,
            )
        )


def section_zero_sum(mode: Mode) -> None:
    """Zero-sum games by LP (no target): ours vs gambit lp_solve and nashpy linear_program."""
    import nashpy
    import pygambit as gbt

    n = 20
    log(f"Z: zero-sum {n}x{n}")
    a = np.random.default_rng(SEED_ZERO_SUM).standard_normal((n, n))
    g = gbt.Game.from_arrays(a, -a)
    t_o, t_p, sol, res = pair(
        lambda: solve_zero_sum(a), lambda: gbt.nash.lp_solve(g, rational=False), mode.k_mid
    )
    ours = [(sol.row_strategy, sol.col_strategy)]
    agree, ok, _ = check(ours, gambit_profiles(res, g))
    add(
        Row(
            "Z1",
            f"zero-sum {n}x{n} LP",
            t_o.best,
            "gambit lp_solve (solve)",
            t_p.best,
            None,
            agree,
            ok,
            "rational=False",
            ours_cpu_s=t_o.best_cpu,
            peer_cpu_s=t_p.best_cpu,
        )
    )
    game = nashpy.Game(a)
    t_o, t_p, _, lp = pair(lambda: solve_zero_sum(a), game.linear_program, mode.k_mid)
    agree, ok, _ = check(ours, [flat(lp)])
    add(
        Row(
            "Z2",
            f"zero-sum {n}x{n} LP",
            t_o.best,
            "nashpy linear_program",
            t_p.best,
            None,
            agree,
            ok,
            ours_cpu_s=t_o.best_cpu,
            peer_cpu_s=t_p.best_cpu,
        )
    )


# ------------------------------------------------------------------------ report


def _fmt_ms(seconds: float) -> str:
    ms = 1e3 * seconds
    return f"{ms:.3g}" if ms < 1000 else f"{ms:,.0f}"


def print_table(rows: Sequence[Row]) -> None:
    head = (
        f"{'id':5s} {'task':38s} {'ours ms':>9s} {'peer':30s} {'peer ms':>10s} "
        f"{'peer/ours':>9s} {'cpu p/o':>8s} {'target':>7s} {'status':6s} agreement / note"
    )
    print()
    print(head)
    print("-" * len(head))
    for r in rows:
        ratio = (">" if r.peer_lower_bound else "") + f"{r.ratio:.3g}"
        cpu = "-" if math.isnan(r.cpu_ratio) else f"{r.cpu_ratio:.3g}"
        target = f">={r.target:g}" if r.target is not None else "-"
        extra = r.agree + (f"; {r.note}" if r.note else "")
        print(
            f"{r.key:5s} {r.task:38s} {_fmt_ms(r.ours_s):>9s} {r.peer:30s} "
            f"{_fmt_ms(r.peer_s):>10s} {ratio:>9s} {cpu:>8s} {target:>7s} {r.status:6s} {extra}"
        )


def print_notes(rows: Sequence[Row]) -> None:
    notes = []
    for r in rows:
        if r.status == "WRONG":
            notes.append(f"{r.key}: ANSWERS DISAGREE ({r.agree}) - the ratio is meaningless")
        elif r.status == "MISS":
            notes.append(
                f"{r.key}: target {r.target:g}x missed, ratio {r.ratio:.3g} "
                f"({r.target / r.ratio:.2g}x short; CPU-time ratio {r.cpu_ratio:.3g})"
            )
        elif r.target is not None and r.cpu_ratio < r.target:
            notes.append(
                f"{r.key}: target met on wall clock ({r.ratio:.3g}) but NOT in CPU time "
                f"({r.cpu_ratio:.3g}); the machine was probably loaded"
            )
        elif r.ratio < 1 and not r.peer_lower_bound and r.like_for_like:
            notes.append(f"{r.key}: ours is {1 / r.ratio:.3g}x SLOWER than {r.peer}")
        if "of ours" in r.agree and r.like_for_like:
            notes.append(f"{r.key}: {r.peer} found fewer equilibria: {r.agree}")
    print()
    print("notes:" if notes else "notes: none")
    for n in notes:
        print(f"  - {n}")


SECTIONS: dict[str, Callable[[Mode], None]] = {
    "t1": section_t1,
    "t2": section_t2,
    "t3": section_t3,
    "qre": section_qre,
    "enum": section_enum,
    "zero_sum": section_zero_sum,
    "sweeps": section_issue6,
    "seq": section_seq,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller peers")
    parser.add_argument("--json", metavar="PATH", help="also write header and rows as JSON")
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS), help="run these sections")
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    info = header(mode)
    print_header(info)
    sys.stdout.flush()
    start = time.perf_counter()
    for name, section in SECTIONS.items():
        if args.only is None or name in args.only:
            section(mode)
    info["total_seconds"] = time.perf_counter() - start
    info["load_average_at_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    print_table(ROWS)
    print_notes(ROWS)
    print(
        f"\ntotal {info['total_seconds']:.0f} s; load average at end {info['load_average_at_end']}"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(
                {"header": info, "rows": [r.as_dict() for r in ROWS]}, fh, indent=1, default=str
            )
    return 1 if any(r.status == "WRONG" for r in ROWS) else 0


if __name__ == "__main__":
    sys.exit(main())
