"""Fixtures for the security tests: an in-process app with users in two teams.

* ``sec``: a :class:`SecApp` over a fresh data home: one user per role in team ``alpha``,
  a second investigator ``inv-beta`` in team ``beta``; an API token for each
  (``sec.token[user]``) and a TestClient factory.
* Hypothesis profiles: ``ci`` (default, small) and ``stress`` (``HYPOTHESIS_PROFILE=stress``,
  used by scripts/stress.sh).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from debian_chromium import chromium_browser

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "stress", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "")
if _PROFILE:  # scripts/stress.sh; otherwise other suites keep their own settings
    settings.load_profile(_PROFILE)
#: examples per fuzzer in tests/security (60 in `make test`, 2,000 under the stress profile)
EXAMPLES = int(settings.get_profile(_PROFILE or "ci").max_examples)

PASSWORD = "security-test-password-1"
USERS: dict[str, tuple[str, str]] = {
    # user name: (role, team)
    "admin": ("admin", "alpha"),
    "analyst": ("analyst", "alpha"),
    "reviewer": ("reviewer", "alpha"),
    "investigator": ("investigator", "alpha"),
    "auditor": ("auditor", "alpha"),
    "inv-beta": ("investigator", "beta"),
}


@dataclass
class SecApp:
    app: FastAPI
    home: Path
    token: dict[str, str] = field(default_factory=dict)

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)

    def api(self, user: str) -> TestClient:
        """A client that authenticates as ``user`` with its API token."""
        c = self.client()
        c.headers["authorization"] = f"Bearer {self.token[user]}"
        return c


def build_app(home: Path, **web: object) -> SecApp:
    from vigil.auth.accounts import create_user
    from vigil.auth.permissions import MATRIX, Role
    from vigil.auth.tokens import issue_token
    from vigil.settings import get_settings
    from vigil.web.app import create_app
    from vigil.web.config import WebSettings

    app = create_app(get_settings(home=home), WebSettings(results=home / "results", **web))  # type: ignore[arg-type]
    sec = SecApp(app, home)
    with app.state.sessions.begin() as db:
        for name, (role, team) in USERS.items():
            user = create_user(db, name, PASSWORD, [role], teams=[team])
            scopes = [p.value for p in MATRIX[Role(role)]]
            issued = issue_token(db, user, "sec", scopes)
            sec.token[name] = issued.token
    return sec


@pytest.fixture(scope="module")
def sec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecApp]:
    yield build_app(tmp_path_factory.mktemp("sec") / "home")


@pytest.fixture(scope="module")
def sec_server(sec: SecApp) -> Iterator[str]:
    """``sec.app`` served by uvicorn in a thread on a free loopback port; its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(sec.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> object:
    return chromium_browser()
