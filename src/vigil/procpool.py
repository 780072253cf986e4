"""Process pools for batch work whose workers never outlive the process that made them.

A pool's workers wait for tasks on a pipe. When the parent is killed (``kill -9``, the
OOM killer) nothing closes that pipe for them, and they would wait forever, each holding
its catalogue and gazetteer in memory. Every worker started here watches its parent and
exits as soon as it is gone. Workers are spawned, never forked: the parent holds DuckDB
handles and threads that a fork would copy half-way.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["map_ahead", "worker_pool"]

T = TypeVar("T")
R = TypeVar("R")

#: How often a worker checks that its parent is alive (seconds).
WATCH_SECONDS = 0.1


def worker_pool(
    workers: int,
    *,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` of ``workers`` spawned processes that exit with this one."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )


def map_ahead(
    pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], ahead: int
) -> Iterator[R]:
    """``fn(item)`` for each of ``items``, in order, computed in ``pool``.

    At most ``ahead`` tasks are in flight: ``items`` is read lazily, so a large input
    is never submitted (and held in memory) all at once.
    """
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        while len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _watch_parent(parent: int) -> None:
    # An orphan is re-parented (to init or a subreaper): its parent id changes.
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(70)  # EX_SOFTWARE: no cleanup to run, the parent that wanted the work is gone
