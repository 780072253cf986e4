"""Web API and console speed on loopback: real `vigil serve` processes driven by a load
generator that runs in its own process.

Figure 1, "POST /api/v1/score p99, 32 clients": `vigil serve --workers 2` (the
recommended deployment on this 2-core machine: one process per core) under 32
concurrent keep-alive clients that send posts from a synthetic corpus one after the
other (closed loop, no think time) for SCORE_SECONDS after SCORE_WARMUP seconds of
warm-up, connecting once every worker has finished its start-up; p99 of the request
latency, errors counted. Baseline: the same scoring code
(``vigil.web.api.score.PostScorer``) behind Python's standard
``http.server.ThreadingHTTPServer`` (the naive way to put a function on HTTP), same load.
More figures: p50 and throughput, and the same run against `--workers 1`.

The load generator (``--load-client``, below) is an asyncio client on raw sockets with
the requests encoded in advance (no HTTP library), in a separate process so that it does
not share the server's GIL. It still shares the machine's 2 cores with the server: its
CPU time and the server's are printed beside each run.

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

    python benchmarks/bench_web.py [--posts N] [--only-score]

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Figure, scanned_corpus

WORKLIST_POSTS = 1_000_000
SEED_POSTS = 5_000
SCORE_CLIENTS = 32
SCORE_WARMUP = 3.0
SCORE_SECONDS = 10.0
SCORE_WORKERS = (2, 1)  # the first is the recommended deployment on this machine
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


def _settle(pid: int, timeout: float = 120.0) -> None:
    """Wait until the server's processes stop using CPU: every worker has finished its
    start-up (the scorer's warm-up), not only the first to answer ``_wait``. Keep-alive
    clients that connected while one worker was still starting would all stay on the
    other one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = _cpu_seconds(pid)
        time.sleep(0.5)
        if _cpu_seconds(pid) - before < 0.05:
            return
    raise RuntimeError("server did not settle")


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


# --- the load generator (runs as `python bench_web.py --load-client ...`) -----------------


async def _connection(
    host: str,
    port: int,
    requests: list[bytes],
    first: int,
    step: int,
    window: tuple[float, float],
    ok: list[float],
    failed: list[float],
) -> None:
    """One keep-alive client: send, read the whole answer, repeat until the window ends."""
    reader, writer = await asyncio.open_connection(host, port)
    i = first
    start, end = window
    while (t0 := time.perf_counter()) < end:
        writer.write(requests[i % len(requests)])
        i += step
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15 : head.find(b"\r\n", at)]) if at >= 0 else 0
            await reader.readexactly(length)
            good, close = head[9:12] == b"200", b"connection: close" in head
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            good, close = False, True
        t1 = time.perf_counter()
        if t0 >= start and t1 <= end:
            (ok if good else failed).append(t1 - t0)
        if close:
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()


def load_client(
    port: int, path: str, bodies_file: Path, clients: int, warmup: float, seconds: float, auth: str
) -> dict[str, Any]:
    """Closed-loop load on 127.0.0.1:``port``; latencies of the requests that started after
    ``warmup`` seconds and ended within the next ``seconds``."""
    head = f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\ncontent-type: application/json\r\n"
    if auth:
        head += f"authorization: {auth}\r\n"
    requests = [
        f"{head}content-length: {len(body)}\r\n\r\n".encode() + body
        for body in (orjson.dumps(row) for row in orjson.loads(bodies_file.read_bytes()))
    ]
    ok: list[float] = []
    failed: list[float] = []
    cpu, wall = time.process_time(), time.perf_counter()
    window = (wall + warmup, wall + warmup + seconds)

    async def main() -> None:
        await asyncio.gather(
            *(
                _connection("127.0.0.1", port, requests, k, clients, window, ok, failed)
                for k in range(clients)
            )
        )

    asyncio.run(main())
    return {
        "latencies": ok,
        "errors": len(failed),
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "wall": time.perf_counter() - wall,
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its children (uvicorn's worker processes)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.is_file():
        pids += [int(p) for p in children.read_text().split()]
    total = 0.0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


@dataclass(frozen=True)
class LoadResult:
    """One load run: latency percentiles (ms), throughput, errors and CPU use."""

    p50: float
    p95: float
    p99: float
    throughput: float
    errors: int
    requests: int
    server_cpu: float  # cores used by the server processes (1.0 = one core busy)
    client_cpu: float  # cores used by the load generator

    def line(self, label: str) -> str:
        return (
            f"{label}: p50 {self.p50:,.1f} ms, p95 {self.p95:,.1f} ms, p99 {self.p99:,.1f} ms, "
            f"{self.throughput:,.0f} requests/s, {self.errors} errors in "
            f"{self.requests + self.errors:,} requests; server {self.server_cpu:.2f} cores "
            f"({1000 * self.server_cpu / self.throughput:.2f} ms of CPU per request), "
            f"load generator {self.client_cpu:.2f} cores"
        )


def _drive(
    server: subprocess.Popen[bytes], port: int, path: str, bodies: Path, auth: str
) -> LoadResult:
    """Run the load generator process against ``server`` and summarise."""
    before, t = _cpu_seconds(server.pid), time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--load-client",
            orjson.dumps(
                [port, path, str(bodies), SCORE_CLIENTS, SCORE_WARMUP, SCORE_SECONDS, auth]
            ).decode(),
        ],
        check=True,
        capture_output=True,
    )
    server_cpu = (_cpu_seconds(server.pid) - before) / (time.perf_counter() - t)
    d = orjson.loads(out.stdout)
    lat = d["latencies"]
    if not lat:
        raise RuntimeError(f"{path}: no successful request ({d['errors']} errors)")
    return LoadResult(
        p50=1000 * _pct(lat, 0.50),
        p95=1000 * _pct(lat, 0.95),
        p99=1000 * _pct(lat, 0.99),
        throughput=len(lat) / d["seconds"],
        errors=d["errors"],
        requests=len(lat),
        server_cpu=server_cpu,
        client_cpu=d["cpu"] / d["wall"],
    )


NAIVE_SERVER = textwrap.dedent(
    """
    import json, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from vigil.settings import get_settings
    from vigil.web.api.score import PostScorer
    scorer = PostScorer(get_settings())
    scorer.warm_up()
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass
        def do_GET(self):
            self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
        def do_POST(self):
            row = json.loads(self.rfile.read(int(self.headers["content-length"])))
            body = json.dumps(scorer.score(row)).encode()
            self.send_response(200); self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body))); self.end_headers()
            self.wfile.write(body)
    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # the default 5 resets connections at 32 clients
    Server(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
    """
)


def score_load(home: Path, rows: list[dict[str, Any]], token: str, tmp: Path) -> list[Figure]:
    """Figure 1: `vigil serve --workers N` for each of SCORE_WORKERS, and the baseline."""
    bodies = tmp / "score-bodies.json"
    bodies.write_bytes(orjson.dumps(rows))
    env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_PROGRESS": "false"}
    auth = f"Bearer {token}"
    results: dict[int, LoadResult] = {}
    for workers in SCORE_WORKERS:
        port = _port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "vigil",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait(f"http://127.0.0.1:{port}", server)
            _settle(server.pid)
            results[workers] = _drive(server, port, "/api/v1/score", bodies, auth)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(results[workers].line(f"vigil serve --workers {workers}"), file=sys.stderr)
    port = _port()
    naive = subprocess.Popen([sys.executable, "-c", NAIVE_SERVER, str(port)], env=env)
    try:
        _wait(f"http://127.0.0.1:{port}", naive, "/")
        base = _drive(naive, port, "/", bodies, "")
    finally:
        naive.terminate()
        naive.wait(timeout=30)
    print(base.line("http.server baseline"), file=sys.stderr)
    best, label = results[SCORE_WORKERS[0]], "same scorer behind http.server (threads)"
    figures = [
        Figure(
            f"POST /api/v1/score p99, 32 clients, --workers {SCORE_WORKERS[0]}",
            "ms",
            best.p99,
            base.p99,
            label,
            higher_is_better=False,
        ),
        Figure(
            f"POST /api/v1/score p50, 32 clients, --workers {SCORE_WORKERS[0]}",
            "ms",
            best.p50,
            base.p50,
            label,
            higher_is_better=False,
        ),
        Figure(
            f"POST /api/v1/score throughput, 32 clients, --workers {SCORE_WORKERS[0]}",
            "requests/s",
            best.throughput,
            base.throughput,
            label,
        ),
    ]
    for workers, res in results.items():
        if workers != SCORE_WORKERS[0]:
            figures.append(
                Figure(
                    f"POST /api/v1/score p99, 32 clients, --workers {workers}",
                    "ms",
                    res.p99,
                    base.p99,
                    label,
                    higher_is_better=False,
                )
            )
    return figures


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


def run(posts: int = 100_000, *, score_only: bool = False) -> list[Figure]:
    from vigil.auth.accounts import create_user
    from vigil.auth.sessions import create_session
    from vigil.auth.tokens import issue_token
    from vigil.settings import get_settings
    from vigil.store import make_engine, session_factory, upgrade

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        base_dir = Path(tmp)
        corpus, home, results = scanned_corpus(base_dir, SEED_POSTS, 7)
        big = base_dir / "results-1m"
        if not score_only:
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

        # 1. score (its own servers, before the worklist server loads 1M posts)
        figures += score_load(home, rows, token, base_dir)
        if score_only:
            return figures

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
        base = f"http://127.0.0.1:{port}"
        auth = {"authorization": f"Bearer {token}"}
        try:
            _wait(base, server)
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
                        page = c.get("/posts", params=q)
                        page_times.append(time.perf_counter() - t)
                        if page.status_code != 200:
                            raise RuntimeError(f"/posts {q}: {page.status_code}")
                        if rnd == 0 and 'rel="next"' in page.text:
                            nxt = (
                                page.text.split('rel="next" href="', 1)[1]
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
            server.terminate()
            server.wait(timeout=10)
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--load-client":
        port, path, bodies, clients, warmup, seconds, auth = orjson.loads(sys.argv[2])
        out = load_client(port, path, Path(bodies), clients, warmup, seconds, auth)
        sys.stdout.buffer.write(orjson.dumps(out))
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument(
        "--only-score", action="store_true", help="only figure 1 (POST /api/v1/score)"
    )
    args = parser.parse_args()
    for f in run(args.posts, score_only=args.only_score):
        print(
            f"{f.name}: {f.value:,.1f} {f.unit} "
            f"(baseline {f.baseline:,.1f}: {f.baseline_label}; {f.ratio:.2f}x)"
        )
