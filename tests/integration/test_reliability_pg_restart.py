"""PostgreSQL stopped and started under the API: requests fail cleanly while it is down
and the API recovers by itself once it is back (no restart of vigil, no manual step).

A dedicated throwaway cluster is started on a free port with scripts/test-postgres.sh
(VIGIL_PG_PORT / VIGIL_PG_DATA), so the shared test cluster on 55432 is never touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "test-postgres.sh"

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self) -> None:
        self.port = _port()
        self.data = Path(tempfile.gettempdir()) / f"vigil-reliability-pg-{self.port}"
        self.env = {
            **os.environ,
            "VIGIL_PG_PORT": str(self.port),
            "VIGIL_PG_DATA": str(self.data),
        }

    def start(self) -> str:
        out = subprocess.run(
            ["bash", str(SCRIPT), "start"], env=self.env, check=True, capture_output=True, text=True
        )
        return out.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=self.env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Cluster, str]]:
    # scripts/test-postgres.sh installs the server when it is missing (as root, like
    # `make test`) and runs it as the postgres user when root, else as the current user.
    c = Cluster()
    url = c.start()
    try:
        yield c, url
    finally:
        c.stop()
        shutil.rmtree(c.data, ignore_errors=True)


@pytest.fixture(scope="module")
def api(cluster: tuple[Cluster, str], tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from vigil.auth.accounts import create_user
    from vigil.auth.tokens import issue_token
    from vigil.settings import get_settings
    from vigil.web.app import create_app
    from vigil.web.config import WebSettings

    _, url = cluster
    home = tmp_path_factory.mktemp("pgrestart") / "home"
    app = create_app(get_settings(home=home, database_url=url), WebSettings(results=home / "r"))
    with app.state.sessions.begin() as db:
        user = create_user(db, "inv", "pg-restart-password-1", ["investigator"], teams=["t"])
        token = issue_token(db, user, "t", ["cases.read", "cases.write"]).token
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["authorization"] = f"Bearer {token}"
    return client


def _calls(client: TestClient, n: int) -> list[tuple[int, str, str]]:
    out = []
    for i in range(n):
        if i % 2:
            r = client.post("/api/v1/cases", json={"title": f"c{i}", "team": "t"})
        else:
            r = client.get("/api/v1/cases")
        out.append((r.status_code, r.headers.get("content-type", ""), r.text))
    return out


def _outage(cluster: tuple[Cluster, str], api: TestClient) -> list[tuple[int, str, str]]:
    c, _ = cluster
    assert all(s in (200, 201) for s, _, _ in _calls(api, 4))
    c.stop()
    try:
        return _calls(api, 6)
    finally:
        c.start()


def test_requests_fail_cleanly_and_recover(cluster: tuple[Cluster, str], api: TestClient) -> None:
    down = _outage(cluster, api)
    for status, ctype, text in down:
        assert status >= 500, status
        assert ctype.startswith("application/problem+json"), ctype
        assert "Traceback" not in text and "psycopg" not in text and "127.0.0.1" not in text
    # back up: the pool's pre-ping drops dead connections; the first request succeeds
    after = _calls(api, 6)
    assert [s for s, _, _ in after] == [200, 201, 200, 201, 200, 201]
    # nothing written during the outage half-exists: the cases created are all listed
    listed = api.get("/api/v1/cases").json()
    titles = [c["title"] for c in (listed["items"] if isinstance(listed, dict) else listed)]
    assert titles.count("c1") == 2  # once before the outage, once after


def test_database_outage_is_503(cluster: tuple[Cluster, str], api: TestClient) -> None:
    down = _outage(cluster, api)
    assert [s for s, _, _ in down] == [503] * len(down)
