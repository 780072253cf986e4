"""Pool workers exit when the process that started them is killed (no orphans)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

PARENT = """
import time
from vigil.procpool import worker_pool

def main():
    with worker_pool(2) as pool:
        # make both workers start and report their pids
        futures = [pool.submit(time.sleep, 0.2) for _ in range(4)]
        for f in futures:
            f.result()
        pids = {p.pid for p in pool._processes.values()}
        print(" ".join(map(str, sorted(pids))), flush=True)
        pool.submit(time.sleep, 600)  # a task in flight when the parent is killed
        time.sleep(600)

if __name__ == "__main__":
    main()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped by its new parent.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(p) for p in workers)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)], "pool workers outlived their parent"


def test_map_ahead_keeps_order_and_reads_items_lazily() -> None:
    from vigil.procpool import map_ahead, worker_pool

    read: list[int] = []

    def items() -> Iterator[int]:
        for i in range(20):
            read.append(i)
            yield i

    with worker_pool(2) as pool:
        out = map_ahead(pool, abs, (-i for i in items()), ahead=3)
        assert next(out) == 0
        assert len(read) == 4  # the first result came once 4 tasks were in flight
        assert list(out) == list(range(1, 20))
