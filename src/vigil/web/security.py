"""Authentication middleware and security headers.

Every request gets a principal (from an ``Authorization: Bearer`` API token or the
``vigil_session`` cookie) resolved here, before routing. A resolved API token is kept in
memory for :data:`TOKEN_CACHE_SECONDS` (one database look-up per token and worker every
few seconds instead of one per request: the look-up cost more than scoring a post); a
token revoked or an account disabled in this process is dropped at once, in another
process (the CLI, another worker) within those seconds. Routes marked public
(``openapi_extra=PUBLIC``) and static files are served to anyone; for every other route
an anonymous API call gets a 401 problem and an anonymous page load a redirect to /login
(raised by :func:`vigil.web.deps.require`; :func:`check_routes` refuses to build an app
with a route that neither requires a login nor is marked public).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.auth import csrf
from vigil.auth.accounts import principal_for
from vigil.auth.permissions import Permission
from vigil.auth.principal import Principal
from vigil.auth.sessions import resolve_session
from vigil.auth.tokens import auth_generation, resolve_token
from vigil.web import errors

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

#: How long a resolved API token is trusted without asking the database again.
TOKEN_CACHE_SECONDS = 5.0
_TOKEN_CACHE_MAX = 4096
_clock = time.monotonic  # the cache's clock (tests move it)
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


class _TokenCache:
    """Principals of recently resolved API tokens, by SHA-256 of the header value."""

    def __init__(self) -> None:
        self._entries: dict[bytes, tuple[float, int, Principal]] = {}

    @staticmethod
    def key(header: str) -> bytes:
        return hashlib.sha256(header.encode()).digest()

    def get(self, key: bytes) -> Principal | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, generation, who = entry
        if expires <= _clock() or generation != auth_generation():
            del self._entries[key]
            return None
        return who

    def put(self, key: bytes, who: Principal) -> None:
        if len(self._entries) >= _TOKEN_CACHE_MAX:
            self._entries.clear()
        self._entries[key] = (_clock() + TOKEN_CACHE_SECONDS, auth_generation(), who)


class SecurityMiddleware:
    """Pure ASGI (no per-request task or stream, unlike ``@app.middleware``): resolves
    the principal, then adds the security headers and, when needed, the CSRF cookie."""

    def __init__(self, app: ASGIApp, *, fastapi_app: FastAPI) -> None:
        self.app = app
        self.fastapi_app = fastapi_app
        self.tokens = _TokenCache()

    async def _principal(self, request: Request) -> Principal | None:
        auth = request.headers.get("authorization", "")
        if not auth or request.cookies.get(SESSION_COOKIE):
            return await run_in_threadpool(_resolve, self.fastapi_app, request)
        key = self.tokens.key(auth)
        who = self.tokens.get(key)
        if who is None:
            who = await run_in_threadpool(_resolve, self.fastapi_app, request)
            if who is not None:
                self.tokens.put(key, who)
        return who

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(CSRF_COOKIE, "")
        fresh = None
        if not (16 <= len(cookie) <= 64 and cookie.replace("-", "").replace("_", "").isalnum()):
            fresh = cookie = csrf.new_cookie()
        request.state.csrf_cookie = cookie
        down: Exception | None = None
        try:
            who = await self._principal(request)
        except errors.UNAVAILABLE as exc:
            # answered here: raised out of this middleware, the error would reach
            # Starlette's ServerErrorMiddleware, which re-raises it after its response,
            # and uvicorn would then close the keep-alive connection
            who, down = None, exc
        request.state.principal = who
        if who is not None and who.via == "token":
            fresh = None  # API clients need no CSRF cookie (require() checks none for them)
        static = scope["path"].startswith("/static/")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not static:
                    headers.setdefault("cache-control", "no-store")
                if https:
                    headers.setdefault("strict-transport-security", "max-age=31536000")
                if fresh is not None:
                    carrier = Response()
                    set_cookie(request, carrier, CSRF_COOKIE, fresh, None)
                    for name_b, value_b in carrier.raw_headers:
                        if name_b == b"set-cookie":
                            headers.append("set-cookie", value_b.decode("latin-1"))
            await send(message)

        if down is not None:
            response = await errors.database_down(request, down)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """Add the auth + headers middleware to ``app``."""
    app.add_middleware(SecurityMiddleware, fastapi_app=app)
