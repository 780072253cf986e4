"""Web API and console speed on loopback: a real uvicorn server (one process) driven by
an asyncio + httpx load generator.

Figure 1, "POST /api/v1/score p99 (32 clients)": 32 concurrent clients each send
posts from a synthetic corpus, one after the other; p99 of the request latency. Baseline:
the same scoring code (``vigil.explore.score.Scorer``) behind Python's standard
``http.server.ThreadingHTTPServer`` (the naive way to put a function on HTTP), same load.

Figure 2, "batch ingest": ``POST /api/v1/posts`` with 5,000 posts per request, posts
stored per second (validation, normalisation, ids, dedupe, lake commit). Baseline: the
same endpoint fed one post per request (a naive client).

Figure 3, "worklist page p95 at 1M posts": ``GET /posts`` (the HTML page, logged in) over
a results directory of 1,000,000 posts, cycling through filters (none, band, indicator,
place, newest first, the next page by cursor). Baseline: the naive read model, which
loads posts.parquet with pyarrow and filters and sorts in Python per request (timed in
process, so without HTTP: it flatters the baseline).

The 1M results directory is a scanned synthetic corpus (``vigil synth`` + ``vigil
scan``, 5,000 posts) repeated with new post ids by DuckDB, sorted as `vigil scan` writes it.

    python benchmarks/bench_web.py [--posts N]

``run(posts)`` returns the figures for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Figure

WORKLIST_POSTS = 1_000_000
SEED_POSTS = 5_000
SCORE_CLIENTS = 32
SCORE_REQUESTS = 1_600
INGEST_BATCH = 5_000


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(base: str, proc: subprocess.Popen[bytes], path: str = "/api/v1/health") -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            if httpx.get(base + path, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def _load(
    base: str, path: str, bodies: list[Any], clients: int, total: int, headers: dict[str, str]
) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as c:

        async def worker(k: int) -> None:
            for i in range(k, total, clients):
                t = time.perf_counter()
                r = await c.post(path, json=bodies[i % len(bodies)])
                latencies.append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {r.status_code} {r.text[:200]}")

        await asyncio.gather(*(worker(k) for k in range(clients)))
    return latencies


NAIVE_SERVER = textwrap.dedent(
    """
    import json, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from vigil.explore.score import Scorer
    from vigil.settings import get_settings
    scorer = Scorer(get_settings())
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass
        def do_GET(self):
            self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
        def do_POST(self):
            row = json.loads(self.rfile.read(int(self.headers["content-length"])))
            s = scorer.score(row)
            body = json.dumps({"risk": s.risk, "band": s.band,
                               "hits": [h.model_dump() for h in s.hits],
                               "identifiers": [i.model_dump() for i in s.identifiers]}).encode()
            self.send_response(200); self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body))); self.end_headers()
            self.wfile.write(body)
    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # the default 5 resets connections at 32 clients
    Server(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
    """
)


def _vigil(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "vigil", *args],
        env={**os.environ, "VIGIL_PROGRESS": "false", **env},
        check=True,
        capture_output=True,
    )


def _expand(results: Path, out: Path, target: int) -> None:
    """``out``: ``results`` repeated with new post ids up to ``target`` posts."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    src = results / "posts.parquet"
    n = con.execute(f"SELECT count(*) FROM '{src}'").fetchone()[0]  # type: ignore[index]
    reps = -(-target // n)
    con.execute(
        f"COPY (SELECT * REPLACE (post_id || '-' || CAST(r AS VARCHAR) AS post_id) FROM '{src}', "
        f"range({reps}) t(r) ORDER BY risk DESC, post_id LIMIT {target}) "
        f"TO '{out / 'posts.parquet'}' (FORMAT parquet, COMPRESSION zstd)"
    )
    con.execute(
        f"COPY (SELECT * REPLACE (post_id || '-' || CAST(r AS VARCHAR) AS post_id, "
        f"cluster_id || '-' || CAST(r AS VARCHAR) AS cluster_id) FROM "
        f"'{results / 'post_clusters.parquet'}', range({reps}) t(r)) TO "
        f"'{out / 'post_clusters.parquet'}' (FORMAT parquet)"
    )
    for name in ("identifiers", "clusters", "edges", "identifier_hubs"):
        (out / f"{name}.parquet").write_bytes((results / f"{name}.parquet").read_bytes())
    con.close()


def _naive_worklist(path: Path, queries: list[dict[str, Any]]) -> list[float]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    times = []
    for q in queries:
        t = time.perf_counter()
        table = pq.read_table(
            path, columns=["post_id", "risk", "band", "posted_at", "location", "title_text", "hits"]
        )
        mask = None
        if "band" in q:
            mask = pc.equal(table["band"], q["band"])
        if "place" in q:
            m = pc.match_substring(pc.utf8_lower(table["location"]), q["place"])
            mask = m if mask is None else pc.and_(mask, m)
        if mask is not None:
            table = table.filter(mask)
        rows = table.to_pylist()
        if "indicator" in q:
            rows = [r for r in rows if any(h["indicator_id"] == q["indicator"] for h in r["hits"])]
        key = "posted_at" if q.get("sort") == "newest" else "risk"
        rows.sort(key=lambda r: (r[key] is not None, r[key]), reverse=True)
        _ = rows[:50]
        times.append(time.perf_counter() - t)
    return times


def run(posts: int = 100_000) -> list[Figure]:
    from vigil.auth.accounts import create_user
    from vigil.auth.sessions import create_session
    from vigil.auth.tokens import issue_token
    from vigil.settings import get_settings
    from vigil.store import make_engine, session_factory, upgrade

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        base_dir = Path(tmp)
        corpus, home, results = base_dir / "corpus", base_dir / "home", base_dir / "results"
        _vigil("synth", "--posts", str(SEED_POSTS), "--seed", "7", "--out", str(corpus), env={})
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
        big = base_dir / "results-1m"
        _expand(results, big, WORKLIST_POSTS)
        rows = [orjson.loads(line) for line in (corpus / "posts.jsonl").read_bytes().splitlines()]

        settings = get_settings(home=home)
        upgrade(settings.workbench_url)
        engine = make_engine(settings.workbench_url)
        with session_factory(engine).begin() as db:
            user = create_user(db, "bench", "load-generator-pw-123", ["analyst"])
            token = issue_token(db, user, "bench", ["score", "posts.ingest", "posts.read"]).token
            cookie = create_session(db, user)
        engine.dispose()

        port = _port()
        env = {
            **os.environ,
            "VIGIL_HOME": str(home),
            "VIGIL_WEB_RESULTS": str(big),
            "VIGIL_PROGRESS": "false",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "vigil.web.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        naive_port = _port()
        naive = subprocess.Popen([sys.executable, "-c", NAIVE_SERVER, str(naive_port)], env=env)
        base = f"http://127.0.0.1:{port}"
        auth = {"authorization": f"Bearer {token}"}
        try:
            _wait(base, server)
            _wait(f"http://127.0.0.1:{naive_port}", naive, "/")
            # 1. score
            asyncio.run(_load(base, "/api/v1/score", rows, SCORE_CLIENTS, 320, auth))  # warm-up
            lat = asyncio.run(
                _load(base, "/api/v1/score", rows, SCORE_CLIENTS, SCORE_REQUESTS, auth)
            )
            asyncio.run(_load(f"http://127.0.0.1:{naive_port}", "/", rows, SCORE_CLIENTS, 320, {}))
            naive_lat = asyncio.run(
                _load(
                    f"http://127.0.0.1:{naive_port}", "/", rows, SCORE_CLIENTS, SCORE_REQUESTS, {}
                )
            )
            figures.append(
                Figure(
                    "POST /api/v1/score p99, 32 clients",
                    "ms",
                    1000 * _pct(lat, 0.99),
                    1000 * _pct(naive_lat, 0.99),
                    "same scorer behind http.server (threads)",
                    higher_is_better=False,
                )
            )
            figures.append(
                Figure(
                    "POST /api/v1/score p50, 32 clients",
                    "ms",
                    1000 * _pct(lat, 0.50),
                    1000 * _pct(naive_lat, 0.50),
                    "same scorer behind http.server (threads)",
                    higher_is_better=False,
                )
            )
            # 2. ingest (fresh rows: new source ids so nothing is a duplicate)
            fresh = [{**r, "source_id": f"bench-{i}"} for i, r in enumerate(rows)]
            with httpx.Client(base_url=base, headers=auth, timeout=600) as c:
                t = time.perf_counter()
                stored = 0
                for i in range(0, len(fresh), INGEST_BATCH):
                    stored += c.post(
                        "/api/v1/posts", json={"posts": fresh[i : i + INGEST_BATCH]}
                    ).json()["stored"]
                batch_rate = stored / (time.perf_counter() - t)
                single = [{**r, "source_id": f"single-{i}"} for i, r in enumerate(rows[:100])]
                t = time.perf_counter()
                for r in single:
                    c.post("/api/v1/posts", json={"posts": [r]})
                single_rate = len(single) / (time.perf_counter() - t)
            figures.append(
                Figure(
                    "batch ingest (5,000 per request)",
                    "posts/s",
                    batch_rate,
                    single_rate,
                    "one post per request",
                )
            )
            # 3. worklist at 1M
            queries: list[dict[str, Any]] = [
                {},
                {"band": "high"},
                {"indicator": "youth_terms"},
                {"place": "houston"},
                {"sort": "newest"},
                {"band": "review", "sort": "newest"},
            ]
            page_times: list[float] = []
            with httpx.Client(
                base_url=base,
                cookies={"vigil_session": cookie},
                headers={"accept": "text/html"},
                timeout=60,
            ) as c:
                c.get("/posts")
                for rnd in range(10):
                    for q in queries:
                        t = time.perf_counter()
                        r = c.get("/posts", params=q)
                        page_times.append(time.perf_counter() - t)
                        if r.status_code != 200:
                            raise RuntimeError(f"/posts {q}: {r.status_code}")
                        if rnd == 0 and 'rel="next"' in r.text:
                            nxt = (
                                r.text.split('rel="next" href="', 1)[1]
                                .split('"', 1)[0]
                                .replace("&amp;", "&")
                            )
                            t = time.perf_counter()
                            c.get(nxt)
                            page_times.append(time.perf_counter() - t)
            naive_times = _naive_worklist(big / "posts.parquet", queries * 2)
            figures.append(
                Figure(
                    "worklist page p95, 1M posts",
                    "ms",
                    1000 * _pct(page_times, 0.95),
                    1000 * _pct(naive_times, 0.95),
                    "pyarrow load + Python filter/sort per request",
                    higher_is_better=False,
                )
            )
        finally:
            for proc in (server, naive):
                proc.terminate()
                proc.wait(timeout=10)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    for f in run(args.posts):
        print(
            f"{f.name}: {f.value:,.1f} {f.unit} "
            f"(baseline {f.baseline:,.1f}: {f.baseline_label}; {f.ratio:.2f}x)"
        )
