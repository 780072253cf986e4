"""Kill -9 a process appending to the transparency log, again and again (SQLite and
PostgreSQL). After every kill the log verifies, and the entries form one gapless,
duplicate-free sequence: each batch committed whole or not at all.

`make stress` raises VIGIL_STRESS_KILLS; the seed is printed so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from vigil.evidence.log import leaf_range, log_size, verify_log
from vigil.store import make_engine, session_factory, upgrade

KILLS = int(os.environ.get("VIGIL_STRESS_KILLS", "3"))
SEED = int(os.environ.get("VIGIL_STRESS_SEED", str(random.SystemRandom().randrange(1 << 30))))
BATCH = 50

APPENDER = f"""
import sys
from vigil.evidence.log import append_entries, log_size
from vigil.store import make_engine, session_factory

engine = make_engine(sys.argv[1])
sessions = session_factory(engine)
target = int(sys.argv[2])  # -1: append until killed
while True:
    with sessions.begin() as s:
        start = log_size(s)
        if 0 <= target <= start:
            break
        n = {BATCH} if target < 0 else min({BATCH}, target - start)
        append_entries(s, [b"vigil-test/v1\\n%d" % k for k in range(start, start + n)])
"""


def _appender(url: str, target: int = -1) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", APPENDER, url, str(target)])


def _check(url: str) -> int:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            size = log_size(s)
            verify_log(s)
            data = [d for _, _, d in leaf_range(s, 0, size)]
    finally:
        engine.dispose()
    assert data == [b"vigil-test/v1\n%d" % k for k in range(size)]
    return size


def test_log_appends_killed_repeatedly_stay_whole(workbench_url: str) -> None:
    print(f"VIGIL_STRESS_SEED={SEED} VIGIL_STRESS_KILLS={KILLS}")
    rng = random.Random(SEED)
    upgrade(workbench_url)
    killed, sizes = 0, []
    for _ in range(KILLS):
        proc = _appender(workbench_url)
        time.sleep(rng.uniform(0.5, 3.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        sizes.append(_check(workbench_url))
    final = _appender(workbench_url, target=sizes[-1] + 120)  # carries on where it stopped
    assert final.wait() == 0
    assert _check(workbench_url) == sizes[-1] + 120
    assert killed == KILLS
    assert sizes == sorted(sizes) and sizes[-1] > 0
