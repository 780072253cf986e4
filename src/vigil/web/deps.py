"""What routers depend on: the principal and permissions, the workbench session, CSRF,
rendering, problems and auditing. Domain routers import from here only.

```python
from vigil.web.deps import DB, PUBLIC, Principal, audit, render, require
from vigil.auth.permissions import Permission as P

@router.get("/queue", include_in_schema=False)
def queue(request: Request, who: Principal = require(P.QUEUE_READ), db: Session = DB) -> Response:
    return render(request, "workflow/queue.html", {"items": ...})
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth import csrf
from vigil.auth.permissions import Permission
from vigil.auth.principal import Principal
from vigil.web.problems import Problem, problem

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "DB",
    "PUBLIC",
    "Principal",
    "Problem",
    "audit",
    "csrf_protect",
    "csrf_token",
    "db_session",
    "optional_principal",
    "problem",
    "render",
    "require",
]

#: ``openapi_extra=PUBLIC`` marks a route that needs no login (the auth middleware reads it).
PUBLIC: dict[str, Any] = {"x-vigil-public": True}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def optional_principal(request: Request) -> Principal | None:
    """The caller, or None on a public route when nobody is logged in."""
    who = getattr(request.state, "principal", None)
    return who if isinstance(who, Principal) else None


def csrf_token(request: Request) -> str:
    """The CSRF token for forms and the ``X-CSRF-Token`` header of this browser."""
    return csrf.token_for(request.app.state.secret, request.state.csrf_cookie)


async def _check_csrf(request: Request) -> None:
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
    if not csrf.valid(request.app.state.secret, request.state.csrf_cookie, token):
        raise problem(
            403,
            "CSRF check failed",
            "the form is stale or came from another site: reload the page and try again",
        )


async def csrf_protect(request: Request) -> None:
    """Dependency for forms on public routes (login, anonymous tips); ``require`` does it
    for every other unsafe request that a browser session makes."""
    if request.method in _UNSAFE:
        await _check_csrf(request)


def require(permission: Permission | None = None) -> Any:
    """Dependency: the authenticated :class:`Principal`, holding ``permission`` if given.

    403 problem when the permission is missing. Unsafe requests (POST, PUT, PATCH,
    DELETE) made with a session cookie must carry the CSRF token (form field
    ``csrf_token`` or header ``X-CSRF-Token``); API-token requests need none.
    """

    async def dependency(request: Request) -> Principal:
        who = optional_principal(request)
        if who is None:
            detail = (
                "the API token is unknown, expired or revoked"
                if request.headers.get("authorization")
                else "log in or send an API token (Authorization: Bearer vgl_...)"
            )
            raise problem(401, "Not authenticated", detail)
        if request.method in _UNSAFE and who.via == "session":
            await _check_csrf(request)
        if permission is not None and not who.can(permission):
            raise problem(
                403,
                "Not allowed",
                f"this needs the {permission.value!r} permission, which your roles"
                + (" or token scopes" if who.via == "token" else "")
                + " do not grant",
            )
        return who

    dependency.permission = permission  # type: ignore[attr-defined]
    dependency.vigil_require = True  # type: ignore[attr-defined]
    return Depends(dependency)


def db_session(request: Request) -> Iterator[Session]:
    """A workbench session; committed when the route returns, rolled back on error."""
    with request.app.state.sessions() as session, session.begin():
        yield session


#: ``db: Session = DB`` in a route: a workbench session committed when the route function
#: returns, *before* the response is sent, so the browser's next request (after a redirect)
#: sees what this one wrote. A plain ``Depends(db_session)`` would commit after sending.
DB: Any = Depends(db_session, scope="function")


def audit(
    db: Session,
    who: Principal,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an audit event for ``who`` (in ``db``'s transaction)."""
    record(
        db,
        actor=who.actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page; the context gets ``principal``, ``csrf_token`` and ``request``."""
    ctx = {
        "principal": optional_principal(request),
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        **(context or {}),
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, ctx, status_code=status_code
    )
    return response
