"""Tiny harness shared by the benchmark scripts: figures, subprocess timing, RSS."""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[1]
#: CPU-timed figures take the best of this many runs (VIGIL_BENCH_REPEAT), vigil and
#: baseline alike: other load on the machine only ever adds time, as timeit's docs say.
REPEAT = max(1, int(os.environ.get("VIGIL_BENCH_REPEAT", "3")))

T = TypeVar("T")


def best_cpu(fn: Callable[[], T], setup: Callable[[], object] | None = None) -> tuple[float, T]:
    """(least CPU seconds of ``REPEAT`` calls of ``fn``, the last call's result).

    ``setup`` runs untimed before each call (e.g. to empty caches, so every call does
    the same work).
    """
    best, result = float("inf"), None
    for _ in range(REPEAT):
        if setup is not None:
            setup()
        t0 = time.process_time()
        result = fn()
        best = min(best, time.process_time() - t0)
    return best, result  # type: ignore[return-value]


@dataclass(frozen=True)
class Figure:
    """One measured figure beside its baseline, measured in the same run."""

    name: str
    unit: str
    value: float
    baseline: float
    baseline_label: str
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        """How many times better vigil is than the baseline (>1 is better)."""
        if self.higher_is_better:
            return self.value / self.baseline if self.baseline else float("inf")
        return self.baseline / self.value if self.value else float("inf")


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mb: float
    stdout: str


def run_measured(args: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run a child process; return its wall time and its own peak RSS."""
    code = (
        "import resource, runpy, sys, time\n"
        "sys.argv = sys.argv[1:]\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    if sys.argv[0] == '-c':\n"
        "        exec(sys.argv[1])\n"
        "    else:\n"
        "        runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
        "except SystemExit as e:\n"
        "    if e.code not in (0, 3, None): raise\n"
        "dt = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "try:\n"  # VmHWM is this process's own high-water mark (ru_maxrss survives exec)
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        "            rss = int(line.split()[1]) / 1024\n"
        "except OSError:\n"
        "    pass\n"
        "print(f'@@MEASURED {dt} {rss}', file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, "VIGIL_PROGRESS": "false", **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    marker = [line for line in proc.stderr.splitlines() if line.startswith("@@MEASURED")]
    if proc.returncode != 0 or not marker:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    _, seconds, rss = marker[-1].split()
    return Measured(float(seconds), float(rss), proc.stdout)


def timed(fn: object) -> float:
    t = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_async(coro_fn: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    """``asyncio.run(coro_fn(*args))``, in a thread of its own when this thread already
    runs an event loop (Playwright's sync API leaves one running in test processes)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro_fn(*args))
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro_fn(*args)).result()


def vigil_cli(*args: str, env: dict[str, str]) -> None:
    """Run ``python -m vigil ARGS`` (no progress bars); raise if it fails."""
    subprocess.run(
        [sys.executable, "-m", "vigil", *args],
        env={**os.environ, "VIGIL_PROGRESS": "false", **env},
        check=True,
        capture_output=True,
    )


def scanned_corpus(
    base_dir: Path, posts: int, seed: int, env: dict[str, str] | None = None
) -> tuple[Path, Path, Path]:
    """``vigil synth`` then ``vigil scan`` under ``base_dir``: (corpus, home, results)."""
    corpus, home, results = base_dir / "corpus", base_dir / "home", base_dir / "results"
    vigil_cli("synth", "--posts", str(posts), "--seed", str(seed), "--out", str(corpus), env={})
    scan = ["scan", str(corpus / "posts.jsonl"), "--out", str(results), "--top", "0"]
    vigil_cli(*scan, "--clusters", "0", env={"VIGIL_HOME": str(home), **(env or {})})
    return corpus, home, results
