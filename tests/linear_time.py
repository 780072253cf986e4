"""CPU-time growth checks shared by the linear-time tests (extractor, parsers).

Timed in this process's CPU time (``time.process_time``: every thread, user and system),
so other processes on the machine do not skew it; the best of a few runs is kept, which
removes most of the remaining noise. Tests assert a *ratio* between two input sizes,
never an absolute time.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def best_cpu(
    fn: Callable[[], object],
    reps: int = 3,
    *,
    stop_above: float = float("inf"),
    stop_below: float = 0.0,
    pause_gc: bool = False,
) -> float:
    """The least CPU time (s) of ``reps`` calls of ``fn``; stops early once the best is
    above ``stop_above`` or at most ``stop_below`` (the outcome of a bound check on the
    least time is then known: more runs could only lower it).

    ``pause_gc``: time with Python's cyclic collector paused. Each of its full passes
    re-scans every live object of the test process, so its share depends on the heap
    around the parser, not on the parser's algorithm (loading 32,000 YAML list items took
    2.8 s with it, 1.0 s without; 2,000 items 61 and 51 ms).
    """
    best = float("inf")
    for _ in range(reps):
        enabled = gc.isenabled()
        if pause_gc:
            gc.disable()
        try:
            t0 = time.process_time()
            fn()
            best = min(best, time.process_time() - t0)
        finally:
            if enabled:
                gc.enable()
        if best > stop_above or best <= stop_below:
            break
    return best


@dataclass(frozen=True)
class Growth(Generic[T]):
    n: int
    base: float  # CPU s at size 1: the fixed cost (e.g. the rest of a catalogue), subtracted
    small: float  # CPU s at n
    big: float  # CPU s at factor * n
    factor: int

    @property
    def ratio(self) -> float:
        return max(self.big - self.base, 0.0) / max(self.small - self.base, 1e-6)

    def __str__(self) -> str:
        return (
            f"cpu({self.factor}n)/cpu(n) = {self.big * 1000:.0f} ms / {self.small * 1000:.0f} ms"
            f" (less {self.base * 1000:.0f} ms fixed) = {self.ratio:.1f} (n = {self.n:,})"
        )


def growth(
    make: Callable[[int], T],
    run: Callable[[T], object],
    *,
    n: int,
    factor: int = 8,
    floor: float = 0.02,
    max_n: int = 1 << 24,
    slack: float = 2.5,
    reps: int = 3,
    pause_gc: bool = False,
) -> Growth[T]:
    """Time ``run(make(size))`` at ``n`` and ``factor * n``; building the input is not timed.

    The cost at size 1 (the parser's fixed cost) is subtracted from both. ``n`` is first
    doubled (up to ``max_n``) until one run costs at least ``floor`` CPU seconds, and at
    least the fixed cost, more than the run at size 1: the size-dependent part then
    dominates the ratio, whatever the machine.
    """

    def cost(data: T, reps: int, above: float = float("inf"), below: float = 0.0) -> float:
        return best_cpu(
            lambda: run(data), reps, stop_above=above, stop_below=below, pause_gc=pause_gc
        )

    run(make(max(1, n // 8)))  # warm up: imports, caches, compiled patterns
    base = cost(make(1), reps)
    while n < max_n and cost(make(n), 1) - base < max(floor, base):
        n = min(2 * n, max_n)
    small = cost(make(n), reps)
    # the big input stops at the first run within the bound (factor * slack), or far above it
    bound = factor * slack * (small - base)
    big = cost(make(factor * n), reps, above=base + 3 * bound, below=base + bound)
    return Growth(n, base, small, big, factor)
