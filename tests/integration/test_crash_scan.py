"""Kill -9 `vigil scan` at random points, again and again; the final run equals a clean one.

`make test` kills a few times; `make stress` sets VIGIL_STRESS_KILLS higher. Each kill lands
at a random moment of the run (ingest, extraction, scoring, linking or export), chosen from
a seeded generator so a failure can be replayed with the printed seed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from vigil.synth import generate

KILLS = int(os.environ.get("VIGIL_STRESS_KILLS", "3"))
SEED = int(os.environ.get("VIGIL_STRESS_SEED", str(random.SystemRandom().randrange(1 << 30))))


def _scan(
    corpus: Path, home: Path, out: Path, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VIGIL_HOME": str(home),
        "VIGIL_BATCH_SIZE": "250",
        "VIGIL_PROGRESS": "false",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "vigil", "scan", str(corpus), "--out", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def _results(out: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    posts = duckdb.sql(
        f"SELECT post_id, risk, band, hits FROM read_parquet('{out / 'posts.parquet'}') "
        "ORDER BY post_id"
    ).fetchall()
    clusters = duckdb.sql(
        f"SELECT * FROM read_parquet('{out / 'clusters.parquet'}') ORDER BY ALL"
    ).fetchall()
    return posts, clusters


def test_scan_killed_repeatedly_then_rerun_equals_a_clean_scan(tmp_path: Path) -> None:
    print(f"VIGIL_STRESS_SEED={SEED} VIGIL_STRESS_KILLS={KILLS}")
    rng = random.Random(SEED)
    generate(1500, 31, tmp_path / "corpus")
    corpus = tmp_path / "corpus" / "posts.jsonl"

    started = time.monotonic()
    clean = _scan(corpus, tmp_path / "clean-home", tmp_path / "clean-out")
    assert clean.wait() == 0
    duration = time.monotonic() - started

    home, out = tmp_path / "home", tmp_path / "out"
    killed = 0
    # A run that resumes after a kill has less left to do and may finish before its kill
    # time: keep starting runs (a bounded number) until KILLS of them were killed.
    for _ in range(4 * KILLS):
        if killed == KILLS:
            break
        proc = _scan(corpus, home, out)
        time.sleep(rng.uniform(0.05, 0.8 * duration))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
    final = _scan(corpus, home, out, stderr=subprocess.PIPE)
    _, err = final.communicate()
    assert final.returncode == 0, err.decode(errors="replace")[-4000:]
    assert killed, "every run finished before its kill: nothing was tested"

    assert _results(out) == _results(tmp_path / "clean-out")
    leftovers = [p for p in home.rglob("*") if p.name.startswith(".tmp-")]
    assert not leftovers, f"half-written files left behind: {leftovers}"
