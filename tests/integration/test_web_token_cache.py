"""The security middleware's API-token cache never outlives a revocation or a disabled
account made in the same process, and expires on its own otherwise."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from vigil.auth.accounts import create_user, set_disabled
from vigil.auth.tokens import issue_token, revoke_token
from vigil.settings import Settings
from vigil.web import security
from vigil.web.app import create_app
from vigil.web.config import WebSettings


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, Any]:
    app = create_app(
        settings,
        WebSettings(results=tmp_path / "none"),
        routers=[
            "vigil.web.api.meta:router",
        ],
    )
    with app.state.sessions.begin() as db:
        user = create_user(db, "integrator", "integration-password-1", ["analyst"])
        issued = issue_token(db, user, "t", ["score"])
    return {"app": app, "token": issued.token, "id": issued.id}


def _me(client: TestClient, token: str) -> int:
    status: int = client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"}).status_code
    return status


def test_a_revoked_token_stops_at_once(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    assert _me(client, env["token"]) == 200
    assert _me(client, env["token"]) == 200  # served from the cache
    with env["app"].state.sessions.begin() as db:
        revoke_token(db, env["id"])
    assert _me(client, env["token"]) == 401


def test_a_disabled_account_stops_at_once(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    assert _me(client, env["token"]) == 200
    with env["app"].state.sessions.begin() as db:
        set_disabled(db, "integrator")
    assert _me(client, env["token"]) == 401


def test_a_change_made_elsewhere_is_seen_when_the_entry_expires(
    env: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import update

    from vigil.auth.tables import ApiToken

    client = TestClient(env["app"])
    assert _me(client, env["token"]) == 200
    # as another process (the CLI) would: straight in the database, no in-process signal
    with env["app"].state.sessions.begin() as db:
        db.execute(update(ApiToken).values(revoked_at=ApiToken.created_at))
    assert _me(client, env["token"]) == 200  # still cached
    later = time.monotonic() + security.TOKEN_CACHE_SECONDS + 1
    monkeypatch.setattr(security, "_clock", lambda: later)
    assert _me(client, env["token"]) == 401


def test_a_wrong_token_is_never_cached(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    wrong = env["token"][:-2] + ("AA" if not env["token"].endswith("AA") else "BB")
    assert _me(client, wrong) == 401
    assert _me(client, env["token"]) == 200
    assert _me(client, wrong) == 401


def test_token_requests_get_no_csrf_cookie_but_anonymous_pages_do(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    api = client.get("/api/v1/me", headers={"authorization": f"Bearer {env['token']}"})
    assert api.status_code == 200 and "set-cookie" not in api.headers
    assert api.headers["x-frame-options"] == "DENY"
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401 and "vigil_csrf=" in anonymous.headers["set-cookie"]
