"""Load on loopback: ingest, score, worklist and the public tip form at increasing
concurrency against a real `vigil serve` (uvicorn, one process), driven by an asyncio +
httpx load generator; then a check that every accepted post is in the lake.

For each endpoint and each concurrency (1, 4, 16, 64 clients) the generator runs for a
fixed time (``--seconds``, default 3): requests per second, p50/p95/p99 latency, the error
rate (5xx and transport errors) and, for the tip form, the share answered 429 by its
per-address daily limit (by design: 10 tips per address and day; every client here is
127.0.0.1). The *degradation point* of an endpoint is the lowest concurrency at which
throughput grows by less than 10 % over the previous level or p95 exceeds 4x its
1-client value.

Endpoints: ``POST /api/v1/posts`` (10 new posts per request), ``POST /api/v1/score``
(one post), ``GET /api/v1/posts?limit=50`` (the worklist API over a scanned synthetic
corpus), ``POST /tip`` (the anonymous form, with its CSRF cookie and token).

Integrity: after the run the server is stopped and the lake opened: every post the API
answered as stored is there exactly once, with the SHA-256 of its body unchanged.

Figures for ``benchmarks/run.py``: throughput at 16 clients beside 1 client (the serial
client is the baseline) for ingest and score, and worklist p95 at 16 clients beside 1.

    python benchmarks/bench_load.py [--posts N] [--seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

from _harness import Figure

LEVELS = (1, 4, 16, 64)
INGEST_BATCH = 10


@dataclass
class Row:
    endpoint: str
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    limited: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


@dataclass
class Accepted:
    posts: dict[str, str] = field(default_factory=dict)  # source_id -> sha256(body)
    counter: int = 0


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _vigil(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "vigil", *args],
        env={**os.environ, "VIGIL_PROGRESS": "false", **env},
        check=True,
        capture_output=True,
    )


Call = Callable[[httpx.AsyncClient, int], Awaitable[int]]


async def _level(base: str, name: str, call: Call, clients: int, seconds: float, token: str) -> Row:
    latencies: list[float] = []
    errors = limited = 0
    stop = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        nonlocal errors, limited
        async with httpx.AsyncClient(
            base_url=base, timeout=60, headers={"authorization": f"Bearer {token}"}
        ) as client:
            if name == "tip":
                client.headers.pop("authorization")
            while time.perf_counter() < stop:
                t = time.perf_counter()
                try:
                    status = await call(client, k)
                except httpx.HTTPError:
                    status = 599
                latencies.append(time.perf_counter() - t)
                if status >= 500:
                    errors += 1
                elif status == 429:
                    limited += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(clients)))
    elapsed = time.perf_counter() - t0
    return Row(
        name,
        clients,
        len(latencies),
        elapsed,
        _pct(latencies, 0.50),
        _pct(latencies, 0.95),
        _pct(latencies, 0.99),
        errors,
        limited,
    )


def _calls(accepted: Accepted) -> dict[str, Call]:
    async def ingest(client: httpx.AsyncClient, k: int) -> int:
        rows = []
        for _ in range(INGEST_BATCH):
            accepted.counter += 1
            n = accepted.counter
            rows.append(
                {
                    "source_id": f"load-{n}",
                    "title": f"Load test post {n}",
                    "body": f"New in town, call 713-555-01{n % 100:02d} ref {n} {'x' * (n % 50)}",
                    "location": "Austin, TX",
                }
            )
        r = await client.post("/api/v1/posts", json={"posts": rows, "platform": "loadtest"})
        if r.status_code == 200 and r.json()["stored"] == len(rows):
            for row in rows:
                accepted.posts[row["source_id"]] = hashlib.sha256(row["body"].encode()).hexdigest()
        elif r.status_code == 200:
            raise RuntimeError(f"ingest stored {r.json()['stored']} of {len(rows)} new posts")
        return r.status_code

    async def score(client: httpx.AsyncClient, k: int) -> int:
        post = {"title": "Sweet girl just arrived", "body": f"call 713-555-0142 {k}"}
        r = await client.post("/api/v1/score", json={**post, "platform": "example"})
        return r.status_code

    async def worklist(client: httpx.AsyncClient, k: int) -> int:
        r = await client.get("/api/v1/posts", params={"limit": 50})
        return r.status_code

    tokens: dict[int, str] = {}

    async def tip(client: httpx.AsyncClient, k: int) -> int:
        if k not in tokens:
            page = await client.get("/tip/form")
            found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page.text)
            if not found:
                return 599
            tokens[k] = found.group(1)
        what = f"Load test tip {k}: saw an advert at example.com offering a new girl"
        r = await client.post("/tip", data={"what": what, "danger": "no", "csrf_token": tokens[k]})
        return r.status_code

    return {"ingest": ingest, "score": score, "worklist": worklist, "tip": tip}


def _degradation(rows: list[Row]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name in dict.fromkeys(r.endpoint for r in rows):
        mine = [r for r in rows if r.endpoint == name]
        point = None
        for prev, cur in itertools.pairwise(mine):
            if cur.rps < prev.rps * 1.10 or cur.p95_ms > 4 * mine[0].p95_ms or cur.errors:
                point = cur.clients
                break
        out[name] = point
    return out


def _check_lake(home: Path, accepted: Accepted) -> tuple[int, int, int]:
    """(accepted, found with the same body hash, found more than once or changed)."""
    from vigil.lake.store import Lake
    from vigil.settings import get_settings

    seen: dict[str, int] = {}
    bad = 0
    with Lake(get_settings(home=home).lake_dir) as lake:
        for batch in lake.iter_posts(columns=["platform", "source_id", "body"]):
            for platform, sid, body in zip(
                batch.column(0).to_pylist(),
                batch.column(1).to_pylist(),
                batch.column(2).to_pylist(),
                strict=True,
            ):
                if platform != "loadtest":
                    continue
                seen[sid] = seen.get(sid, 0) + 1
                if accepted.posts.get(sid) != hashlib.sha256(body.encode()).hexdigest():
                    bad += 1
    good = sum(1 for sid in accepted.posts if seen.get(sid) == 1)
    bad += sum(1 for n in seen.values() if n > 1)
    return len(accepted.posts), good, bad


def measure(posts: int, seconds: float) -> tuple[list[Row], tuple[int, int, int]]:
    from vigil.auth.accounts import create_user
    from vigil.auth.tokens import issue_token
    from vigil.settings import get_settings
    from vigil.store import make_engine, session_factory, upgrade

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        base_dir = Path(tmp)
        corpus, home, results = base_dir / "corpus", base_dir / "home", base_dir / "results"
        _vigil("synth", "--posts", str(posts), "--seed", "5", "--out", str(corpus), env={})
        _vigil(
            "scan",
            str(corpus / "posts.jsonl"),
            "--out",
            str(results),
            "--top",
            "0",
            "--clusters",
            "0",
            env={"VIGIL_HOME": str(home)},
        )
        settings = get_settings(home=home)
        upgrade(settings.workbench_url)
        engine = make_engine(settings.workbench_url)
        with session_factory(engine).begin() as db:
            user = create_user(db, "loadgen", "load-generator-pw-123", ["analyst"])
            token = issue_token(db, user, "load", ["score", "posts.ingest", "posts.read"]).token
        engine.dispose()

        port = _port()
        env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_WEB_RESULTS": str(results)}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "vigil.web.asgi:app",
                "--port",
                str(port),
                "--host",
                "127.0.0.1",
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        accepted = Accepted()
        rows: list[Row] = []
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("vigil serve did not start")
                time.sleep(0.2)
            calls = _calls(accepted)
            # warm up (first score loads the catalogue)
            asyncio.run(_level(base, "score", calls["score"], 1, 1.0, token))
            for name, call in calls.items():
                for clients in LEVELS:
                    rows.append(asyncio.run(_level(base, name, call, clients, seconds, token)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        return rows, _check_lake(home, accepted)


def table(rows: list[Row], integrity: tuple[int, int, int]) -> str:
    lines = [
        "| endpoint | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors | 429 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.endpoint} | {r.clients} | {r.requests} | {r.rps:.1f} | {r.p50_ms:.1f} | "
            f"{r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.errors} ({r.error_rate:.1%}) | {r.limited} |"
        )
    lines.append("")
    for name, point in _degradation(rows).items():
        where = f"{point} clients" if point else f"not reached up to {LEVELS[-1]} clients"
        lines.append(f"- degradation point of {name}: {where}")
    total, good, bad = integrity
    lines.append(
        f"- integrity: {total} posts accepted, {good} present exactly once with the same "
        f"body hash, {bad} missing-hash/duplicated/changed"
    )
    return "\n".join(lines)


def _row(rows: list[Row], name: str, clients: int) -> Row:
    return next(r for r in rows if r.endpoint == name and r.clients == clients)


def run(posts: int = 2_000) -> list[Figure]:
    rows, integrity = measure(min(max(posts, 200), 5_000), 3.0)
    total, good, bad = integrity
    if good != total or bad:
        raise RuntimeError(f"lost or changed posts: {integrity}")
    ing1, ing16 = _row(rows, "ingest", 1), _row(rows, "ingest", 16)
    sc1, sc16 = _row(rows, "score", 1), _row(rows, "score", 16)
    wl1, wl16 = _row(rows, "worklist", 1), _row(rows, "worklist", 16)
    return [
        Figure(
            "ingest posts/s, 16 clients",
            "posts/s",
            ing16.rps * INGEST_BATCH,
            ing1.rps * INGEST_BATCH,
            "1 client",
        ),
        Figure("score req/s, 16 clients", "req/s", sc16.rps, sc1.rps, "1 client"),
        Figure(
            "worklist p95, 16 clients",
            "ms",
            wl16.p95_ms,
            wl1.p95_ms,
            "1 client",
            higher_is_better=False,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2_000, help="synthetic corpus size")
    parser.add_argument("--seconds", type=float, default=3.0, help="per endpoint and level")
    args = parser.parse_args()
    rows, integrity = measure(args.posts, args.seconds)
    print(table(rows, integrity))
    total, good, bad = integrity
    if good != total or bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
