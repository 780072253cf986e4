"""Walk EVERY route of the app (every router in ROUTERS) for EVERY role and check that
exactly the roles the permission matrix grants get through; anonymous callers get 401
except on routes marked public."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from vigil.auth import csrf
from vigil.auth.accounts import create_user
from vigil.auth.permissions import MATRIX, Role
from vigil.auth.sessions import create_session
from vigil.settings import get_settings
from vigil.web.app import create_app, load_router
from vigil.web.config import WebSettings
from vigil.web.routers import ROUTERS
from vigil.web.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    check_routes,
    is_public,
    route_permission,
)

PW = "permission-walk-pass"


def _routes() -> list[tuple[str, str, BaseRoute]]:
    found = []
    for spec in ROUTERS:
        _, router = load_router(spec)
        for route in router.routes:
            for method in sorted(getattr(route, "methods", None) or ()):
                if method != "HEAD":
                    found.append((method, getattr(route, "path", ""), route))
    return found


ROUTES = _routes()


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, dict[str, str], str]:
    home = tmp_path_factory.mktemp("walk")
    app = create_app(get_settings(home=home / "home"), WebSettings(results=Path(home / "none")))
    cookies: dict[str, str] = {}
    with app.state.sessions.begin() as db:
        for role in Role:
            user = create_user(db, role.value, PW, [role.value])
            cookies[role.value] = create_session(db, user)
    csrf_cookie = csrf.new_cookie()
    return TestClient(app), cookies, csrf_cookie


def _call(client: TestClient, method: str, path: str, session: str | None, csrf_cookie: str) -> int:
    client.cookies.clear()
    client.cookies.set(CSRF_COOKIE, csrf_cookie)
    headers = {
        "accept": "application/json",
        "x-csrf-token": csrf.token_for(client.app.state.secret, csrf_cookie),  # type: ignore[attr-defined]
    }
    if session is not None:
        client.cookies.set(SESSION_COOKIE, session)
    kwargs = {"json": {}} if method in {"POST", "PUT", "PATCH"} else {}
    response = client.request(
        method, _concrete(path), headers=headers, follow_redirects=False, **kwargs
    )
    if response.status_code == 403:
        assert response.json()["title"] == "Not allowed", (method, path, response.json())
    return response.status_code


def test_every_route_declares_who_may_call_it() -> None:
    assert ROUTES
    for spec in ROUTERS:
        check_routes(load_router(spec)[1].routes, spec)


@pytest.mark.parametrize(
    ("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_route_matrix(
    walk: tuple[TestClient, dict[str, str], str], method: str, path: str, route: BaseRoute
) -> None:
    client, _sessions, csrf_cookie = walk
    if is_public(route):
        assert _call(client, method, path, None, csrf_cookie) not in (401, 403)
        return
    _, permission = route_permission(route)
    assert _call(client, method, path, None, csrf_cookie) == 401
    for role in Role:
        # a fresh session per call: some routes (log out) end the one they are called with
        with client.app.state.sessions.begin() as db:  # type: ignore[attr-defined]
            from sqlalchemy import select

            from vigil.auth.tables import User

            user = db.scalars(select(User).where(User.username == role.value)).one()
            session = create_session(db, user)
        status = _call(client, method, path, session, csrf_cookie)
        granted = permission is None or permission in MATRIX[role]
        if granted:
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)
