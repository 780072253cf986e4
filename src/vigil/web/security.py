"""Authentication middleware and security headers.

Every request gets a principal (from an ``Authorization: Bearer`` API token or the
``vigil_session`` cookie) resolved here, before routing. Routes marked public
(``openapi_extra=PUBLIC``) and static files are served to anyone; for every other route
an anonymous API call gets a 401 problem and an anonymous page load a redirect to /login
(raised by :func:`vigil.web.deps.require`; :func:`check_routes` refuses to build an app
with a route that neither requires a login nor is marked public).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Mount

from vigil.auth import csrf
from vigil.auth.accounts import principal_for
from vigil.auth.permissions import Permission
from vigil.auth.principal import Principal
from vigil.auth.sessions import resolve_session
from vigil.auth.tokens import resolve_token

__all__ = [
    "CSRF_COOKIE",
    "SECURITY_HEADERS",
    "SESSION_COOKIE",
    "check_routes",
    "install",
    "is_public",
    "load_secret",
    "route_permission",
    "set_cookie",
]

SESSION_COOKIE = "vigil_session"
CSRF_COOKIE = "vigil_csrf"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def load_secret(path: Path) -> bytes:
    """The server key (32 random bytes, created 0600 on first use)."""
    if path.is_file():
        data = path.read_bytes()
        if len(data) >= 32:
            return data[:32]
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".tmp-{path.name}")
    tmp.touch(mode=0o600)
    tmp.write_bytes(key)
    tmp.replace(path)
    return key


def is_public(route: BaseRoute) -> bool:
    if isinstance(route, Mount):
        return route.path.startswith("/static")
    extra = getattr(route, "openapi_extra", None) or {}
    return bool(extra.get("x-vigil-public"))


def _calls(dependant: Any) -> Iterator[Any]:
    for dep in getattr(dependant, "dependencies", ()):
        yield dep.call
        yield from _calls(dep)


def route_permission(route: BaseRoute) -> tuple[bool, Permission | None]:
    """(whether the route requires login, the permission it asks for)."""
    for call in _calls(getattr(route, "dependant", None)):
        if getattr(call, "vigil_require", False):
            perm: Permission | None = call.permission
            return True, perm
    return False, None


def check_routes(routes: Iterable[BaseRoute], where: str) -> None:
    """Fail closed: every route is public (``openapi_extra=PUBLIC``) or uses ``require``."""
    for route in routes:
        if is_public(route) or isinstance(route, Mount):
            continue
        if not route_permission(route)[0]:
            path = getattr(route, "path", repr(route))
            raise RuntimeError(
                f"{where}: route {path} neither uses vigil.web.deps.require(...) nor is "
                "marked openapi_extra=PUBLIC; every route must say who may call it"
            )


def _resolve(app: FastAPI, request: Request) -> Principal | None:
    auth = request.headers.get("authorization", "")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not auth and not cookie:
        return None
    with app.state.sessions() as db, db.begin():
        if auth:
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer":
                return None
            found = resolve_token(db, token.strip())
            if found is None:
                return None
            user, row = found
            return principal_for(
                db,
                user,
                via="token",
                scopes=frozenset(
                    Permission(s) for s in row.scopes if s in Permission._value2member_map_
                ),
                token_id=row.id,
            )
        found_user = resolve_session(db, cookie or "")
        return principal_for(db, found_user) if found_user is not None else None


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    secure = request.app.state.web.secure_cookies
    if secure is None:
        secure = request.url.scheme == "https"
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=bool(secure),
        samesite="lax",
    )


def install(app: FastAPI) -> None:
    """Add the auth + headers middleware to ``app``."""

    @app.middleware("http")
    async def vigil_security(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        fresh = None
        if not (16 <= len(cookie) <= 64 and cookie.replace("-", "").replace("_", "").isalnum()):
            fresh = cookie = csrf.new_cookie()
        request.state.csrf_cookie = cookie
        request.state.principal = await run_in_threadpool(_resolve, app, request)
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("cache-control", "no-store")
        if request.url.scheme == "https":
            response.headers.setdefault("strict-transport-security", "max-age=31536000")
        if fresh is not None:
            set_cookie(request, response, CSRF_COOKIE, fresh, None)
        return response
