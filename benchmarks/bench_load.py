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

``--pg-restart`` measures something else: the same four endpoints hit by concurrent
clients of a ``vigil serve`` whose workbench is a private PostgreSQL cluster (started
with scripts/test-postgres.sh on a free port and its own data directory, so the shared
test cluster on 55432 is never touched), which is stopped and started again in the
middle of the run. Every response is classified (before / during / after the outage):
a request must get a success, a 429 from the tip limit, or a clean 503 problem+json
with ``Retry-After``; never another 5xx, a transport error or a client timeout. After
the restart every endpoint must succeed again with no manual step, and every post the
API accepted must be in the lake exactly once with its body hash. Exit status 1 otherwise.

    python benchmarks/bench_load.py --pg-restart [--seconds S] [--clients N]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import re
import shutil
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

from _harness import Figure, run_async, scanned_corpus

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
    failed: list[list[dict[str, str]]] = field(default_factory=list)  # batches not acknowledged


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


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
        try:
            r = await client.post("/api/v1/posts", json={"posts": rows, "platform": "loadtest"})
        except (httpx.HTTPError, asyncio.CancelledError):
            accepted.failed.append(rows)
            raise
        if r.status_code != 200:
            accepted.failed.append(rows)
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

    tokens: dict[int, str] = {}  # per client object: its cookie jar holds the CSRF cookie

    async def tip(client: httpx.AsyncClient, k: int) -> int:
        if id(client) not in tokens:
            page = await client.get("/tip/form")
            found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page.text)
            if not found:
                return 599
            tokens[id(client)] = found.group(1)
        what = f"Load test tip {k}: saw an advert at example.com offering a new girl"
        form = {"what": what, "danger": "no", "csrf_token": tokens[id(client)]}
        r = await client.post("/tip", data=form)
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
    seen = _stored_bodies(home)
    good = sum(1 for sid, sha in accepted.posts.items() if seen.get(sid) == [sha])
    bad = sum(1 for sid, hashes in seen.items() if hashes != [accepted.posts.get(sid)])
    return len(accepted.posts), good, bad


def _stored_bodies(home: Path) -> dict[str, list[str]]:
    """SHA-256 of the body of every load-test post in the lake, by source id."""
    from vigil.lake.store import Lake
    from vigil.settings import get_settings

    seen: dict[str, list[str]] = {}
    with Lake(get_settings(home=home).lake_dir) as lake:
        for batch in lake.iter_posts(columns=["platform", "source_id", "body"]):
            for platform, sid, body in zip(
                batch.column(0).to_pylist(),
                batch.column(1).to_pylist(),
                batch.column(2).to_pylist(),
                strict=True,
            ):
                if platform == "loadtest":
                    seen.setdefault(sid, []).append(hashlib.sha256(body.encode()).hexdigest())
    return seen


def _setup(base_dir: Path, posts: int, env: dict[str, str]) -> tuple[Path, Path, str]:
    """A scanned synthetic corpus and a load-generator token: (home, results, token)."""
    from vigil.auth.accounts import create_user
    from vigil.auth.tokens import issue_token
    from vigil.settings import get_settings
    from vigil.store import make_engine, session_factory, upgrade

    _corpus, home, results = scanned_corpus(base_dir, posts, 5, env)
    settings = get_settings(home=home, database_url=env.get("VIGIL_DATABASE_URL"))
    upgrade(settings.workbench_url)
    engine = make_engine(settings.workbench_url)
    with session_factory(engine).begin() as db:
        user = create_user(db, "loadgen", "load-generator-pw-123", ["analyst"])
        token = issue_token(db, user, "load", ["score", "posts.ingest", "posts.read"]).token
    engine.dispose()
    return home, results, token


def _serve(
    home: Path, results: Path, env: dict[str, str], log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `vigil serve`'s ASGI app under uvicorn (one process); wait for its health.
    Its output goes to ``log`` (default: discarded)."""
    port = _port()
    out = log.open("ab") if log else subprocess.DEVNULL
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
        env={**os.environ, "VIGIL_HOME": str(home), "VIGIL_WEB_RESULTS": str(results), **env},
        stdout=out,
        stderr=out,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("vigil serve did not start")
        time.sleep(0.2)


@dataclass
class Measured:
    rows: list[Row]
    integrity: tuple[int, int, int]
    hung: str | None = None  # "<endpoint> at <n> clients" when the server stopped answering


def measure(
    posts: int,
    seconds: float,
    levels: tuple[int, ...] = LEVELS,
    names: tuple[str, ...] = ("ingest", "score", "worklist", "tip"),
) -> Measured:
    """Each endpoint at each level; after each level the server must still answer its
    health check within 10 s, else the run stops there (the server hung)."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        home, results, token = _setup(Path(tmp), posts, {})
        proc, base = _serve(home, results, {})
        accepted = Accepted()
        out = Measured([], (0, 0, 0))
        try:
            calls = _calls(accepted)
            # warm up (first score loads the catalogue)
            run_async(_level, base, "score", calls["score"], 1, 1.0, token)
            for name in names:
                call = calls[name]
                for clients in levels:
                    out.rows.append(run_async(_level, base, name, call, clients, seconds, token))
                    if not _responsive(base, timeout=10.0):
                        out.hung = f"{name} at {clients} clients"
                        break
                if out.hung:
                    break
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a hung server ignores SIGTERM
                proc.kill()
                proc.wait(timeout=30)
        out.integrity = _check_lake(home, accepted)
        return out


def table(rows: list[Row], integrity: tuple[int, int, int], hung: str | None = None) -> str:
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
        most = max((r.clients for r in rows if r.endpoint == name), default=0)
        where = f"{point} clients" if point else f"not reached up to {most} clients"
        lines.append(f"- degradation point of {name}: {where}")
    if hung:
        lines.append(f"- **the server stopped answering** after {hung}; the run stopped there")
    total, good, bad = integrity
    lines.append(
        f"- integrity: {total} posts accepted, {good} present exactly once with the same "
        f"body hash, {bad} missing-hash/duplicated/changed"
    )
    return "\n".join(lines)


def _row(rows: list[Row], name: str, clients: int) -> Row:
    return next(r for r in rows if r.endpoint == name and r.clients == clients)


def run(posts: int = 2_000) -> list[Figure]:
    measured = measure(min(max(posts, 200), 5_000), 3.0, levels=(1, 4, 16))
    rows, integrity = measured.rows, measured.integrity
    total, good, bad = integrity
    if good != total or bad:
        raise RuntimeError(f"lost or changed posts: {integrity}")
    if measured.hung:
        raise RuntimeError(f"the server stopped answering after {measured.hung}")
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


# ------------------------------------------------------------ PostgreSQL restart under load

REPO = Path(__file__).resolve().parents[1]
CLIENT_TIMEOUT = 20.0  # a request not answered within this is a hang
#: endpoints of the restart run: the four of the load table, plus the tip form page
ENDPOINTS = ("ingest", "score", "worklist", "tip", "tip_form")


class PgCluster:
    """A private PostgreSQL cluster (scripts/test-postgres.sh on a free port and its own
    data directory): never the shared test cluster on 55432."""

    def __init__(self) -> None:
        self.port = _port()
        self.data = Path(tempfile.gettempdir()) / f"vigil-pg-restart-{self.port}"
        self.env = {**os.environ, "VIGIL_PG_PORT": str(self.port), "VIGIL_PG_DATA": str(self.data)}

    def _script(self, action: str) -> str:
        out = subprocess.run(
            ["bash", str(REPO / "scripts" / "test-postgres.sh"), action],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""

    def start(self) -> str:
        """Start it (creating it the first time); its SQLAlchemy URL."""
        return self._script("start")

    def stop(self) -> None:
        self._script("stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)


@dataclass(frozen=True)
class Outcome:
    endpoint: str
    started: float
    ended: float
    status: int  # 599: transport error, 598: no answer within CLIENT_TIMEOUT
    problem: bool  # an RFC 9457 problem+json body whose status matches
    retry_after: bool

    @property
    def clean(self) -> bool:
        if 200 <= self.status < 300 or self.status == 429:
            return True
        return self.status == 503 and self.problem and self.retry_after


@dataclass
class RestartReport:
    outcomes: list[Outcome]
    stop: tuple[float, float]  # pg_ctl stop: began, returned
    start: tuple[float, float]  # pg_ctl start: began, returned
    integrity: RestartIntegrity
    server_log: str = ""
    transport_errors: list[str] = field(default_factory=list)
    probe: tuple[bool, int] | None = None  # audit_lock_probe: (health answered, tip status)
    extra: list[str] = field(default_factory=list)

    def phase(self, o: Outcome) -> str:
        if o.ended < self.stop[0]:
            return "before"
        if o.started > self.stop[1] and o.ended < self.start[0]:
            return "down"
        if o.started > self.start[1]:
            return "after"
        return "edge"  # overlapped a stop or a start

    def counts(self) -> dict[tuple[str, str], dict[str, int]]:
        out: dict[tuple[str, str], dict[str, int]] = {}
        for o in self.outcomes:
            key = (self.phase(o), o.endpoint)
            bucket = out.setdefault(key, {"2xx": 0, "429": 0, "503": 0, "other": 0})
            if 200 <= o.status < 300:
                bucket["2xx"] += 1
            elif o.status in (429, 503) and o.clean:
                bucket[str(o.status)] += 1
            else:
                bucket["other"] += 1
        return out

    def violations(self) -> list[str]:
        bad = [
            f"{self.phase(o)} {o.endpoint}: status {o.status}"
            + (
                ""
                if o.status != 503
                else f" (problem+json {o.problem}, Retry-After {o.retry_after})"
            )
            for o in self.outcomes
            if not o.clean
        ]
        down = [o for o in self.outcomes if self.phase(o) == "down"]
        if not any(o.status == 503 for o in down):
            bad.append("no request saw the outage (no 503 while PostgreSQL was down)")
        for name in sorted({o.endpoint for o in self.outcomes}):
            after = [o for o in self.outcomes if o.endpoint == name and self.phase(o) == "after"]
            if not after:
                bad.append(f"{name}: no request after the restart")
            elif not (200 <= after[-1].status < 300 or after[-1].status == 429):
                bad.append(f"{name}: still failing after the restart ({after[-1].status})")
        i = self.integrity
        if i.intact != i.accepted or i.duplicated or i.unacknowledged:
            bad.append(f"lake: {i}")
        return bad + self.extra


async def _restart_load(
    base: str,
    token: str,
    cluster: PgCluster,
    seconds: float,
    clients: int,
    accepted: Accepted,
    names: tuple[str, ...],
) -> RestartReport:
    outcomes: list[Outcome] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    end = t0 + seconds
    calls = _calls(accepted)

    async def tip_form(client: httpx.AsyncClient, k: int) -> int:
        return (await client.get("/tip/form")).status_code

    calls["tip_form"] = tip_form

    async def request(
        name: str, client: httpx.AsyncClient, k: int, seen: dict[str, httpx.Response]
    ) -> None:
        started = time.perf_counter()
        problem = retry = False
        seen.clear()
        try:
            async with asyncio.timeout(CLIENT_TIMEOUT):
                status = await calls[name](client, k)
        except TimeoutError:
            status = 598
        except httpx.HTTPError as exc:
            status = 599
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
        last = seen.get("last")
        if last is not None and last.status_code == status:
            problem = (
                last.headers.get("content-type", "").startswith("application/problem+json")
                and _problem_status(last) == status
            )
            retry = "retry-after" in last.headers
        outcomes.append(Outcome(name, started, time.perf_counter(), status, problem, retry))

    async def worker(k: int) -> None:
        name = names[k % len(names)]
        seen: dict[str, httpx.Response] = {}

        async def remember(response: httpx.Response) -> None:
            await response.aread()  # keep the last response's headers and body
            seen["last"] = response

        async with httpx.AsyncClient(
            base_url=base,
            timeout=CLIENT_TIMEOUT,
            headers={"authorization": f"Bearer {token}"},
            event_hooks={"response": [remember]},
        ) as client:
            if name.startswith("tip"):
                client.headers.pop("authorization")
            while time.perf_counter() < end:
                await request(name, client, k, seen)
                if name == "tip":  # 10 tips per address and day: spread them over the run
                    await asyncio.sleep(seconds / 12)

    async def outage() -> tuple[tuple[float, float], tuple[float, float]]:
        await asyncio.sleep(seconds * 0.3)
        a = time.perf_counter()
        await asyncio.to_thread(cluster.stop)
        b = time.perf_counter()
        await asyncio.sleep(max(1.0, seconds * 0.3))
        c = time.perf_counter()
        await asyncio.to_thread(cluster.start)
        return (a, b), (c, time.perf_counter())

    timeline = asyncio.ensure_future(outage())
    await asyncio.gather(timeline, *(worker(k) for k in range(clients)))
    stop, start = timeline.result()
    report = RestartReport(outcomes, stop, start, RestartIntegrity(0, 0, 0, 0, 0))
    report.transport_errors = errors
    return report


def _problem_status(response: httpx.Response) -> int | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("status") if isinstance(body, dict) else None


@dataclass(frozen=True)
class RestartIntegrity:
    accepted: int  # posts acknowledged by a 200 (during the run or on the retry)
    intact: int  # of those, present exactly once with the same body hash
    duplicated: int  # loadtest posts present more than once
    unacknowledged: int  # present in the lake although no 200 acknowledged them
    retried: int  # batches answered with an error and sent again after the restart


def _retry_failed(base: str, token: str, accepted: Accepted) -> list[str]:
    """Send every batch that got no 200 again, as a client would after a 503; the posts
    a batch already stored before it failed must come back as duplicates, not twice.
    Returns the problems (a retry not answered 200, or not accounting for every post)."""
    headers = {"authorization": f"Bearer {token}"}
    problems = []
    with httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT, headers=headers) as client:
        for rows in accepted.failed:
            t = time.perf_counter()
            try:
                r = client.post("/api/v1/posts", json={"posts": rows, "platform": "loadtest"})
            except httpx.HTTPError as exc:
                took = time.perf_counter() - t
                problems.append(f"retry: {type(exc).__name__} after {took:.1f} s; stopped")
                break
            body = r.json() if r.status_code == 200 else {}
            if r.status_code != 200 or body["stored"] + body["duplicates"] != len(rows):
                problems.append(f"retry: {r.status_code} {r.text[:200]} for {len(rows)} posts")
                continue
            for row in rows:
                accepted.posts[row["source_id"]] = hashlib.sha256(row["body"].encode()).hexdigest()
    return problems


def _check_restart_lake(home: Path, accepted: Accepted, retried: int) -> RestartIntegrity:
    seen = _stored_bodies(home)
    intact = sum(1 for sid, sha in accepted.posts.items() if seen.get(sid) == [sha])
    duplicated = sum(1 for hashes in seen.values() if len(hashes) > 1)
    unacknowledged = sum(1 for sid in seen if sid not in accepted.posts)
    return RestartIntegrity(len(accepted.posts), intact, duplicated, unacknowledged, retried)


def _responsive(base: str, timeout: float = 5.0) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def audit_lock_probe(url: str, base: str) -> tuple[bool, int]:
    """While another transaction holds the audit log's head row (as every audited write
    does until it commits), submit a tip and ask for /api/v1/health.

    Returns (health answered within 5 s while the tip waited, the tip's final status)."""
    import threading

    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    result: dict[str, int] = {}

    def submit() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            page = client.get("/tip/form")
            found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page.text)
            token = found.group(1) if found else ""
            what = "Probe tip: saw an advert at example.com offering a new girl"
            form = {"what": what, "danger": "no", "csrf_token": token}
            result["status"] = client.post("/tip", data=form).status_code

    with engine.connect() as conn:
        trans = conn.begin()
        conn.execute(sqlalchemy.text("SELECT 1 FROM audit_head FOR UPDATE"))
        tip = threading.Thread(target=submit, daemon=True)
        tip.start()
        time.sleep(1.5)  # the tip reaches the audit log and waits for the row
        answered = _responsive(base)
        trans.rollback()
    tip.join(timeout=60)
    engine.dispose()
    return answered, result.get("status", 599)


def measure_restart(
    seconds: float,
    clients: int = 8,
    posts: int = 200,
    endpoints: tuple[str, ...] = ENDPOINTS,
    probe: bool = False,
) -> RestartReport:
    """Load ``vigil serve`` on a private PostgreSQL that is stopped and started mid-run.

    With ``probe`` the audit-lock probe (:func:`audit_lock_probe`) runs first."""
    cluster = PgCluster()
    try:
        url = cluster.start()
        with tempfile.TemporaryDirectory(prefix="bench-pg-restart-") as tmp:
            env = {"VIGIL_DATABASE_URL": url}
            home, results, token = _setup(Path(tmp), posts, env)
            log = Path(tmp) / "serve.log"
            proc, base = _serve(home, results, env, log)
            accepted = Accepted()
            stopped = True
            try:
                probed = audit_lock_probe(url, base) if probe else None
                report = run_async(
                    _restart_load, base, token, cluster, seconds, clients, accepted, endpoints
                )
                report.probe = probed
                if _responsive(base):
                    retry_problems = _retry_failed(base, token, accepted)
                else:
                    retry_problems = ["the server stopped answering (health check after the run)"]
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    stopped = False
                    proc.kill()
                    proc.wait(timeout=30)
            report.integrity = _check_restart_lake(home, accepted, len(accepted.failed))
            report.extra += retry_problems
            report.server_log = log.read_text(errors="replace")
            if not stopped:
                report.extra.append("vigil serve did not stop within 30 s of SIGTERM")
            return report
    finally:
        cluster.remove()


def restart_table(report: RestartReport) -> str:
    lines = [
        "| phase | endpoint | 2xx | 429 (tip limit) | 503 problem+json | other (bad) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    order = {"before": 0, "edge": 1, "down": 2, "after": 3}
    for (phase, name), c in sorted(
        report.counts().items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
    ):
        lines.append(f"| {phase} | {name} | {c['2xx']} | {c['429']} | {c['503']} | {c['other']} |")
    stop, start = report.stop, report.start
    slowest = max((o.ended - o.started for o in report.outcomes), default=0.0)
    lines += [
        "",
        f"- PostgreSQL stopped in {stop[1] - stop[0]:.1f} s, down {start[0] - stop[1]:.1f} s, "
        f"started in {start[1] - start[0]:.1f} s; slowest request {slowest:.2f} s "
        f"(client timeout {CLIENT_TIMEOUT:.0f} s)",
    ]
    i = report.integrity
    lines.append(
        f"- integrity: {i.retried} ingest batches answered with an error were sent again after "
        f"the restart; {i.accepted} posts acknowledged in all, {i.intact} present exactly once "
        f"with the same body hash; {i.duplicated} duplicated, {i.unacknowledged} stored "
        "without an acknowledgement"
    )
    transport = len([o for o in report.outcomes if o.status == 599])
    hung = len([o for o in report.outcomes if o.status == 598])
    lines.append(f"- transport errors (connection dropped by the server): {transport}")
    lines.append(f"- requests not answered within {CLIENT_TIMEOUT:.0f} s (hung): {hung}")
    if report.probe is not None:
        answered, status = report.probe
        lines.append(
            "- audit-lock probe: while a tip waited for the audit log's row lock, "
            f"/api/v1/health {'answered' if answered else 'did NOT answer within 5 s'}; "
            f"the tip then got {status}"
        )
    # the run-level problems first, then one line per bad response
    violations = sorted(report.violations(), key=lambda v: ": status " in v)
    lines.append(f"- violations: {len(violations)}")
    lines += [f"  - {v}" for v in violations[:20]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2_000, help="synthetic corpus size")
    parser.add_argument("--seconds", type=float, default=3.0, help="per endpoint and level")
    parser.add_argument(
        "--pg-restart",
        action="store_true",
        help="stop and start a private PostgreSQL under load instead (--seconds: whole run)",
    )
    parser.add_argument("--clients", type=int, default=8, help="with --pg-restart")
    parser.add_argument(
        "--levels",
        default=",".join(map(str, LEVELS)),
        help="concurrency levels, comma-separated (default %(default)s)",
    )
    parser.add_argument(
        "--endpoints",
        default=",".join(ENDPOINTS),
        help=f"comma-separated among {', '.join(ENDPOINTS)} (tip_form: --pg-restart only)",
    )
    args = parser.parse_args()
    if args.pg_restart:
        names = tuple(n for n in args.endpoints.split(",") if n)
        if not names or set(names) - set(ENDPOINTS):
            parser.error(f"--endpoints: choose among {', '.join(ENDPOINTS)}")
        report = measure_restart(max(args.seconds, 4.0), args.clients, endpoints=names, probe=True)
        print(restart_table(report))
        if report.violations():
            print("\ntransport errors:\n" + "\n".join(sorted(set(report.transport_errors))[:20]))
            print("\nlast lines of the server's log:\n" + report.server_log[-4000:])
            sys.exit(1)
        return
    levels = tuple(int(n) for n in args.levels.split(",") if n)
    names = tuple(n for n in args.endpoints.split(",") if n and n != "tip_form")
    measured = measure(args.posts, args.seconds, levels, names)
    print(table(measured.rows, measured.integrity, measured.hung))
    total, good, bad = measured.integrity
    if good != total or bad or measured.hung:
        sys.exit(1)


if __name__ == "__main__":
    main()
